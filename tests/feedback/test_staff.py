"""Staff pages and API: IKM per unit and period, responses, the PDF report and XLSX, complaints,
each limited to the staff member's units (unit B's staff get 404 on unit A's and nothing changes);
province admins see their units side by side."""

import io

import pytest
from openpyxl import load_workbook

from terpadu.feedback import services
from terpadu.feedback.models import Complaint, IkmFollowUp
from tests.conftest import api_as

from .conftest import filled, make_invitation

pytestmark = pytest.mark.django_db

BODY = "Antrian terlalu lama dan tidak ada kursi."


@pytest.fixture
def answered_a(unit_a, frontliner_a):
    for values in [(4, 4, 3, 4, 3, 4, 4, 3, 2), (3, 3, 3, 4, 3, 4, 4, 3, 3), (3, 4, 2, 4, 3, 3, 4, 2, 3)]:
        _invitation, token = make_invitation(unit_a, staff=frontliner_a)
        services.survey_submit(token=token, data=filled(values, staff_rating=4, comment="=1+1 rumus"))


def test_ikm_api_for_unit_staff_and_province_admin(answered_a, frontliner_a, province_admin_a, unit_a):
    for user in (frontliner_a, province_admin_a):
        response = api_as(user).get(f"/api/v1/units/{unit_a.code}/ikm/", {"service": "library"})
        assert response.status_code == 200
        data = response.json()
        assert data["responses"] == 3
        assert data["nrr"]["u1"] == 3.333
        assert data["ikm"] == 3.2963
        assert data["score"] == 82.41
        assert data["grade"] == "B"
        assert data["sample_required"] == 0
        assert data["population"] == 0
    other = api_as(frontliner_a).get(f"/api/v1/units/{unit_a.code}/ikm/", {"service": "front_office"}).json()
    assert other["responses"] == 0
    assert other["grade"] is None


def test_unit_b_staff_get_404_on_unit_a(client, answered_a, staff_b, unit_a, admin_a):
    complaint = services.complaint_create(unit=unit_a, channel="website", body=BODY)
    api = api_as(staff_b)
    for url in (
        f"/api/v1/units/{unit_a.code}/ikm/",
        f"/api/v1/units/{unit_a.code}/survey-responses/",
        f"/api/v1/units/{unit_a.code}/complaints/",
    ):
        assert api.get(url).status_code == 404, url
    client.force_login(staff_b)
    for url in (
        f"/unit/{unit_a.code}/ikm/",
        f"/unit/{unit_a.code}/ikm/laporan.pdf",
        f"/unit/{unit_a.code}/survei/respons/",
        f"/unit/{unit_a.code}/survei/respons.xlsx",
        f"/unit/{unit_a.code}/pengaduan/staf/",
        f"/unit/{unit_a.code}/pengaduan/staf/{complaint.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    before = Complaint.objects.values().get()
    assert (
        client.post(
            f"/unit/{unit_a.code}/pengaduan/staf/{complaint.pk}/", {"action": "reply", "text": "Halo semua"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/unit/{unit_a.code}/pengaduan/staf/baru/", {"channel": "email", "body": BODY}
        ).status_code
        == 404
    )
    assert client.post(f"/unit/{unit_a.code}/ikm/tindak-lanjut/", {"plan": "x"}).status_code == 404
    assert Complaint.objects.values().get() == before
    assert Complaint.objects.count() == 1
    assert not IkmFollowUp.objects.exists()
    # Their own unit's complaint list is reachable.
    assert client.get(f"/unit/{staff_b.staff_roles.first().unit.code}/pengaduan/staf/").status_code == 200


def test_public_user_gets_404_on_staff_pages(client, public_user, unit_a):
    client.force_login(public_user)
    assert client.get(f"/unit/{unit_a.code}/ikm/").status_code == 404
    assert api_as(public_user).get(f"/api/v1/units/{unit_a.code}/ikm/").status_code == 404


def test_ikm_page_pdf_and_xlsx(client, answered_a, admin_a, unit_a):
    client.force_login(admin_a)
    page = client.get(f"/unit/{unit_a.code}/ikm/", {"service": "library"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="ikm-score">82,41<' in html  # Indonesian decimal comma and 'id="ikm-grade">B<' in html
    assert "<svg" in html

    saved = client.post(
        f"/unit/{unit_a.code}/ikm/tindak-lanjut/?service=library", {"plan": "Tambah kursi antrian."}
    )
    assert saved.status_code == 302
    assert IkmFollowUp.objects.get().plan == "Tambah kursi antrian."

    pdf = client.get(f"/unit/{unit_a.code}/ikm/laporan.pdf", {"service": "library"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for expected in ("82,41", "Tambah kursi antrian.", "U3", "Krejcie"):
        assert expected in text, expected

    xlsx = client.get(f"/unit/{unit_a.code}/survei/respons.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4
    assert rows[1][-1] == "=1+1 rumus"  # text stays text, never a formula
    assert workbook.worksheets[0].cell(row=2, column=len(rows[0])).data_type == "s"


def test_province_admin_sees_units_side_by_side(client, answered_a, province_admin_a, province_a, unit_a):
    client.force_login(province_admin_a)
    html = client.get(f"/unit/{province_a.code}/ikm/").content.decode()
    assert 'id="ikm-side-by-side"' in html
    assert unit_a.name in html
    assert "82,41" in html


def test_frontliner_cannot_write_the_follow_up_plan(client, frontliner_a, unit_a):
    client.force_login(frontliner_a)
    assert client.get(f"/unit/{unit_a.code}/ikm/").status_code == 200
    client.post(f"/unit/{unit_a.code}/ikm/tindak-lanjut/", {"plan": "Rencana"})
    assert not IkmFollowUp.objects.exists()


def test_population_counts_finished_tickets(unit_a, frontliner_a, admin_a):
    from terpadu.frontdesk import services as frontdesk
    from tests.frontdesk.conftest import set_up_front_office

    office = set_up_front_office(unit_a)
    frontdesk.counter_sign_in(counter=office["counter1"], actor=frontliner_a)
    for _i in range(3):
        frontdesk.ticket_issue(unit=unit_a, service=office["library"])
        ticket = frontdesk.ticket_call_next(counter=office["counter1"], actor=frontliner_a)
        frontdesk.ticket_finish(ticket=ticket, actor=frontliner_a)
    data = api_as(admin_a).get(f"/api/v1/units/{unit_a.code}/ikm/", {"service": "library"}).json()
    assert data["population"] == 3
    assert data["sample_required"] == 3
    assert data["sample_enough"] is False
