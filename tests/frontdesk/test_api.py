"""The integration API: kiosk and board devices, counters, isolation between units."""

import pytest
from rest_framework.test import APIClient

from terpadu.frontdesk import services
from terpadu.frontdesk.models import Device, LockerDeposit, Ticket, TicketEvent, Visit
from tests.conftest import api_as
from tests.frontdesk.conftest import NIK_WOMAN, make_visit, visit_data


def device_client(unit, kind="kiosk"):
    device, token = services.device_issue(unit=unit, kind=kind, name=f"{kind} 1", actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client, device


def snapshot():
    return (
        list(Ticket.objects.order_by("id").values_list("id", "status", "counter_id", "service_id")),
        Visit.objects.count(),
        TicketEvent.objects.count(),
        LockerDeposit.objects.filter(returned_at__isnull=True).count(),
    )


def test_kiosk_creates_visit_and_ticket_with_masked_nik(unit_a, office_a):
    kiosk, _device = device_client(unit_a)
    response = kiosk.post(
        "/api/v1/units/7601/visits/", visit_data(services=["library", "consultation"]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == "7601********0001"
    assert NIK_WOMAN not in response.content.decode()
    ticket = kiosk.post(
        "/api/v1/units/7601/tickets/", {"service": "library", "visit": body["id"]}, format="json"
    )
    assert ticket.status_code == 201
    assert {k: ticket.json()[k] for k in ("number", "service", "status")} == {
        "number": "A001",
        "service": "library",
        "status": "waiting",
    }
    detail = kiosk.get(f"/api/v1/tickets/{ticket.json()['id']}/")
    assert detail.json()["place_in_line"] == 1
    assert detail.json()["estimated_wait_minutes"] is None
    assert "belum ada perkiraan" in detail.json()["estimate_note"]
    assert Visit.objects.get().source == "kiosk"


def test_kiosk_token_is_for_its_own_unit_and_kiosk_work_only(unit_a, office_a, unit_b, office_b):
    kiosk, _ = device_client(unit_a)
    before = snapshot()
    assert kiosk.post("/api/v1/units/8200/visits/", visit_data(), format="json").status_code == 404
    assert kiosk.post("/api/v1/units/8200/tickets/", {"service": "library"}, format="json").status_code == 404
    assert kiosk.post(f"/api/v1/counters/{office_a['counter1'].id}/call-next/").status_code == 404
    assert kiosk.get("/api/v1/units/7601/visits/").status_code == 404
    assert kiosk.get("/api/v1/units/7601/devices/").status_code == 404
    assert snapshot() == before


def test_board_token_cannot_create_visits(unit_a, office_a):
    board, _ = device_client(unit_a, kind="board")
    assert board.post("/api/v1/units/7601/visits/", visit_data(), format="json").status_code == 404
    assert board.get("/api/v1/units/7601/queue/").status_code == 200


def test_revoked_token_is_refused(unit_a, office_a, admin_a):
    kiosk, device = device_client(unit_a)
    admin = api_as(admin_a)
    assert admin.post(f"/api/v1/devices/{device.id}/revoke/").status_code == 200
    assert kiosk.post("/api/v1/units/7601/visits/", visit_data(), format="json").status_code == 401
    assert not Visit.objects.exists()


def test_unit_admin_issues_device_token_shown_once(unit_a, admin_a, staff_b, frontliner_a):
    response = api_as(admin_a).post(
        "/api/v1/units/7601/devices/", {"kind": "kiosk", "name": "Lobi"}, format="json"
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("tpd_")
    device = Device.objects.get()
    assert device.token_hash != token
    assert token not in str(Device.objects.values())
    assert "token" not in api_as(admin_a).get("/api/v1/units/7601/devices/").json()[0]
    assert (
        api_as(frontliner_a).post("/api/v1/units/7601/devices/", {"kind": "kiosk", "name": "x"}).status_code
        == 404
    )
    assert api_as(staff_b).post(f"/api/v1/devices/{device.id}/revoke/").status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None


def test_counter_flow_over_the_api(unit_a, office_a, frontliner_a):
    client = api_as(frontliner_a)
    visit = make_visit(unit_a)
    t = client.post(
        "/api/v1/units/7601/tickets/", {"service": "library", "visit": visit.id}, format="json"
    ).json()
    counter = office_a["counter1"].id
    assert client.get("/api/v1/units/7601/counters/").json()[0]["services"] == ["library", "consultation"]
    called = client.post(f"/api/v1/counters/{counter}/call-next/")
    assert called.status_code == 200
    assert called.json()["number"] == "A001"
    assert called.json()["counter"] == "Loket 1"
    assert client.post(f"/api/v1/counters/{counter}/call-next/").status_code == 204
    for action in ("recall", "start", "finish"):
        assert client.post(f"/api/v1/tickets/{t['id']}/{action}/").status_code == 200, action
    # A finished ticket called again: a clear error, nothing changes.
    before = snapshot()
    again = client.post(
        f"/api/v1/counters/{counter}/call/", {"ticket": t["id"], "reason": "again"}, format="json"
    )
    assert again.status_code == 409
    assert "A001" in again.json()["detail"]
    assert client.post(f"/api/v1/tickets/{t['id']}/start/").status_code == 409
    assert snapshot() == before
    board = APIClient().get("/api/v1/units/7601/queue/").json()
    assert board["last_calls"][0]["number"] == "A001"
    assert board["unit"]["zone"] == "WITA"


def test_transfer_and_cancel_over_the_api(unit_a, office_a, frontliner_a):
    client = api_as(frontliner_a)
    t = client.post("/api/v1/units/7601/tickets/", {"service": "library"}, format="json").json()
    moved = client.post(f"/api/v1/tickets/{t['id']}/transfer/", {"service": "consultation"}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["number"], moved.json()["service"]) == ("A001", "consultation")
    bad = client.post(f"/api/v1/tickets/{t['id']}/transfer/", {"service": "karaoke"}, format="json")
    assert bad.status_code == 400
    assert (
        client.post(f"/api/v1/tickets/{t['id']}/cancel/", {"reason": "left"}, format="json").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"consent": False}, "consent"),
        ({"id_number": "7601014501901"}, "id_number"),
        ({"id_number": "7601019999900001"}, "id_number"),
        ({"services": ["karaoke"]}, "services"),
        ({"services": []}, "services"),
        ({"email": "x@"}, "email"),
    ],
)
def test_bad_visit_input_is_400_and_changes_nothing(unit_a, office_a, frontliner_a, payload, field):
    response = api_as(frontliner_a).post("/api/v1/units/7601/visits/", visit_data(**payload), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()


def test_bad_ticket_input(unit_a, office_a, frontliner_a, unit_b, office_b):
    client = api_as(frontliner_a)
    assert (
        client.post("/api/v1/units/7601/tickets/", {"service": "karaoke"}, format="json").status_code == 400
    )
    other = make_visit(unit_b)
    response = client.post(
        "/api/v1/units/7601/tickets/", {"service": "library", "visit": other.id}, format="json"
    )
    assert response.status_code == 400
    assert "visit" in response.json()
    assert not Ticket.objects.exists()


def test_unit_b_frontliner_gets_404_on_unit_a_and_nothing_changes(unit_a, office_a, staff_b, office_b):
    visit = make_visit(unit_a)
    ticket = services.ticket_issue(unit=unit_a, service="library", visit=visit)
    deposit = services.locker_deposit(unit=unit_a, visit=visit, id_type="ktp", id_number=NIK_WOMAN)
    client = api_as(staff_b)
    before = snapshot()
    counter = office_a["counter1"].id
    gets = [
        "/api/v1/units/7601/visits/",
        f"/api/v1/visits/{visit.id}/",
        f"/api/v1/tickets/{ticket.id}/",
        "/api/v1/units/7601/tickets/",
        "/api/v1/units/7601/lockers/",
        "/api/v1/units/7601/locker-deposits/",
        "/api/v1/units/7601/devices/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        ("/api/v1/units/7601/visits/", visit_data()),
        ("/api/v1/units/7601/tickets/", {"service": "library"}),
        (f"/api/v1/counters/{counter}/call-next/", {}),
        (f"/api/v1/counters/{counter}/call/", {"ticket": ticket.id, "reason": "x"}),
        (f"/api/v1/visits/{visit.id}/checkout/", {}),
        (f"/api/v1/locker-deposits/{deposit.id}/return/", {}),
        (
            "/api/v1/units/7601/locker-deposits/",
            {"visit": visit.id, "id_type": "ktp", "id_number": NIK_WOMAN},
        ),
        ("/api/v1/units/7601/devices/", {"kind": "kiosk", "name": "x"}),
    ] + [
        (f"/api/v1/tickets/{ticket.id}/{a}/", {}) for a in ("recall", "start", "finish", "no-show", "cancel")
    ]
    posts.append((f"/api/v1/tickets/{ticket.id}/transfer/", {"service": "consultation"}))
    for url, data in posts:
        assert client.post(url, data, format="json").status_code == 404, url
    assert snapshot() == before
    # Their own unit works.
    assert (
        client.post("/api/v1/units/8200/tickets/", {"service": "library"}, format="json").status_code == 201
    )


def test_anonymous_cannot_write(unit_a, office_a):
    client = APIClient()
    assert client.post("/api/v1/units/7601/visits/", visit_data(), format="json").status_code in (401, 403)
    assert client.post("/api/v1/units/7601/tickets/", {"service": "library"}, format="json").status_code in (
        401,
        403,
    )
    assert client.get("/api/v1/units/7601/queue/").status_code == 200
    assert not Visit.objects.exists()


def test_locker_deposit_api(unit_a, office_a, frontliner_a):
    client = api_as(frontliner_a)
    visit = make_visit(unit_a)
    payload = {"visit": visit.id, "id_type": "ktp", "id_number": NIK_WOMAN, "locker": "2"}
    response = client.post("/api/v1/units/7601/locker-deposits/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["locker"] == "2"
    assert response.json()["id_number"] == "7601********0001"
    twice = client.post("/api/v1/units/7601/locker-deposits/", payload, format="json")
    assert twice.status_code == 409
    returned = client.post(f"/api/v1/locker-deposits/{response.json()['id']}/return/")
    assert returned.status_code == 200
    visit.refresh_from_db()
    assert visit.checked_out_at is not None


def test_public_ticket_by_code(unit_a, office_a):
    ticket = services.ticket_issue(unit=unit_a, service="library")
    body = APIClient().get(f"/api/v1/public/tickets/{ticket.public_code}/").json()
    assert body["number"] == "A001"
    assert "visit" not in body
    assert APIClient().get("/api/v1/public/tickets/nope/").status_code == 404


def test_returning_visitor_prefill_never_reveals_the_id_number(unit_a, office_a):
    make_visit(unit_a)
    kiosk, _ = device_client(unit_a)
    body = kiosk.get("/api/v1/units/7601/returning-visitor/", {"email": "siti@example.com"}).json()
    assert body["name"] == "Siti Aminah"
    assert "id_number" not in body
    assert "phone" not in body
    assert kiosk.get("/api/v1/units/7601/returning-visitor/", {"email": "x@example.com"}).status_code == 204
