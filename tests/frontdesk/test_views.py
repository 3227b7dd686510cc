"""Pages: kiosk, ticket, counter, board, visits, lockers; access per unit; strict CSP holds."""

import re

import pytest
from django.test import Client

from terpadu.frontdesk import services
from terpadu.frontdesk.models import LockerDeposit, Ticket, Visit
from tests.frontdesk.conftest import NIK_WOMAN, make_visit, visit_data

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle=", re.IGNORECASE)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def assert_csp_clean(response):
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), "inline script"
    assert not INLINE_STYLE.search(html), "inline style"


def kiosk_post(**overrides):
    data = visit_data(**overrides)
    data["consent"] = "on" if data.pop("consent") else ""
    data["group_size"] = "1"
    return data


def test_kiosk_guest_book_issues_a_ticket_per_service(unit_a, office_a, frontliner_a):
    client = client_for(frontliner_a)
    page = client.get("/unit/7601/buku-tamu/")
    assert page.status_code == 200
    assert_csp_clean(page)
    response = client.post("/unit/7601/buku-tamu/", kiosk_post(services=["library", "consultation"]))
    assert response.status_code == 302
    done = client.get(response["Location"])
    html = done.content.decode()
    assert "A001" in html
    assert "B001" in html
    assert "<svg" in html
    assert_csp_clean(done)
    visit = Visit.objects.get()
    assert visit.source == "staff"
    assert visit.tickets.count() == 2


def test_kiosk_errors_are_shown_and_nothing_is_saved(unit_a, office_a, frontliner_a):
    client = client_for(frontliner_a)
    response = client.post("/unit/7601/buku-tamu/", kiosk_post(id_number="7601013202900001", consent=False))
    assert response.status_code == 200
    html = response.content.decode()
    assert "not a date" in html or "bukan tanggal" in html
    assert not Visit.objects.exists()
    assert not Ticket.objects.exists()


def test_kiosk_done_page_shows_only_this_browsers_visit(unit_a, office_a, frontliner_a):
    visit = make_visit(unit_a)
    assert client_for(frontliner_a).get(f"/unit/7601/buku-tamu/selesai/{visit.id}/").status_code == 404


def test_kiosk_device_activation(unit_a, office_a, unit_b):
    _device, token = services.device_issue(unit=unit_a, kind="kiosk", name="Lobi", actor=None)
    client = Client()
    assert client.get("/unit/7601/buku-tamu/").status_code == 302  # to the login
    bad = client.post("/unit/7601/perangkat/aktifkan/", {"token": "tpd_wrong"})
    assert "Unknown or revoked" in bad.content.decode() or "tidak dikenal" in bad.content.decode()
    response = client.post("/unit/7601/perangkat/aktifkan/", {"token": token})
    assert response.status_code == 302
    assert client.get("/unit/7601/buku-tamu/").status_code == 200
    assert client.get("/unit/8200/buku-tamu/").status_code == 404
    assert client.post("/unit/7601/buku-tamu/", kiosk_post()).status_code == 302
    assert Visit.objects.get().source == "kiosk"
    services.device_revoke(device=_device, actor=None)
    assert client.get("/unit/7601/buku-tamu/").status_code == 302


def test_kiosk_lookup_prefills_without_id_number(unit_a, office_a, frontliner_a):
    make_visit(unit_a)
    html = (
        client_for(frontliner_a)
        .get("/unit/7601/buku-tamu/kenali/", {"email": "siti@example.com"})
        .content.decode()
    )
    assert "Siti Aminah" in html
    assert NIK_WOMAN not in html
    assert "7601" not in html


def test_ticket_page_is_public_and_honest_without_data(unit_a, office_a):
    ticket = services.ticket_issue(unit=unit_a, service="library")
    response = Client().get(f"/antrian/{ticket.public_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A001" in html
    assert "no estimate" in html or "belum ada perkiraan" in html
    assert_csp_clean(response)


def test_counter_page_calls_and_finishes(unit_a, office_a, frontliner_a):
    services.ticket_issue(unit=unit_a, service="library")
    client = client_for(frontliner_a)
    counter = office_a["counter1"]
    page = client.get(f"/unit/7601/loket/{counter.id}/")
    assert page.status_code == 200
    assert_csp_clean(page)
    panel = client.post(f"/unit/7601/loket/{counter.id}/call-next/", HTTP_HX_REQUEST="true")
    assert "A001" in panel.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.status == "called"
    client.post(f"/unit/7601/loket/{counter.id}/finish/", {"ticket": ticket.id}, HTTP_HX_REQUEST="true")
    ticket.refresh_from_db()
    assert ticket.status == "finished"
    again = client.post(
        f"/unit/7601/loket/{counter.id}/finish/", {"ticket": ticket.id}, HTTP_HX_REQUEST="true"
    )
    assert "data-counter-error" in again.content.decode()
    assert "A001" in again.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "finished"


def test_board_page_is_public_and_csp_clean(unit_a, office_a):
    response = Client().get("/unit/7601/antrian/layar/")
    assert response.status_code == 200
    assert_csp_clean(response)
    assert 'data-ws-path="/ws/units/7601/board/"' in response.content.decode()


def test_lockers_page_deposit_and_return(unit_a, office_a, frontliner_a):
    visit = make_visit(unit_a)
    client = client_for(frontliner_a)
    assert_csp_clean(client.get("/unit/7601/loker/"))
    response = client.post("/unit/7601/loker/", {"visit": visit.id, "id_type": "ktp", "id_number": NIK_WOMAN})
    assert response.status_code == 302
    deposit = LockerDeposit.objects.get()
    page = client.get("/unit/7601/loker/").content.decode()
    assert "7601********0001" in page
    assert NIK_WOMAN not in page
    client.post(f"/unit/7601/loker/titipan/{deposit.id}/kembali/")
    deposit.refresh_from_db()
    assert deposit.returned_at is not None


def test_visits_page_and_checkout(unit_a, office_a, frontliner_a):
    visit = make_visit(unit_a)
    client = client_for(frontliner_a)
    page = client.get("/unit/7601/kunjungan/")
    assert "Siti Aminah" in page.content.decode()
    assert_csp_clean(page)
    client.post(f"/unit/7601/kunjungan/{visit.id}/keluar/")
    visit.refresh_from_db()
    assert visit.checked_out_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "/unit/7601/buku-tamu/",
        "/unit/7601/loket/",
        "/unit/7601/loket/{counter}/",
        "/unit/7601/kunjungan/",
        "/unit/7601/loker/",
    ],
)
def test_unit_b_staff_get_404_on_unit_a_pages(unit_a, office_a, staff_b, url):
    assert client_for(staff_b).get(url.format(counter=office_a["counter1"].id)).status_code == 404


def test_unit_b_staff_cannot_act_on_unit_a(unit_a, office_a, staff_b):
    visit = make_visit(unit_a)
    services.ticket_issue(unit=unit_a, service="library", visit=visit)
    deposit = services.locker_deposit(unit=unit_a, visit=visit, id_type="ktp", id_number=NIK_WOMAN)
    client = client_for(staff_b)
    counter = office_a["counter1"].id
    for url in (
        f"/unit/7601/loket/{counter}/call-next/",
        f"/unit/7601/kunjungan/{visit.id}/keluar/",
        f"/unit/7601/loker/titipan/{deposit.id}/kembali/",
        f"/unit/8200/loket/{counter}/call-next/",
    ):
        assert client.post(url).status_code == 404, url
    assert Ticket.objects.get().status == "waiting"
    visit.refresh_from_db()
    assert visit.checked_out_at is None


def test_back_office_issues_a_device_token_once(unit_a, db):
    from django.contrib.auth import get_user_model

    from terpadu.frontdesk.models import Device

    root = get_user_model().objects.create_superuser(email="root@bps.go.id", password="x", name="Root")
    client = client_for(root)
    response = client.post(
        "/admin/frontdesk/device/add/", {"unit": unit_a.id, "kind": "board", "name": "TV lobi"}, follow=True
    )
    assert response.status_code == 200
    device = Device.objects.get()
    token = re.search(r"tpd_[\w-]+", response.content.decode()).group(0)
    assert Device.hash_token(token) == device.token_hash
    client.post("/admin/frontdesk/device/", {"action": "revoke", "_selected_action": [device.id]})
    device.refresh_from_db()
    assert device.revoked_at is not None
