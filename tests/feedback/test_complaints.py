"""Complaints: public form and API (anonymous allowed, rate-limited), staff entry for the other
channels, tracking by code that reveals nothing but status, dates and the public reply, the
5-working-day follow-up with breach tracking, the reply on the complainant's channel."""

import datetime as dt

import pytest
from django.core.management import call_command

from terpadu.feedback import services
from terpadu.feedback.models import Complaint, ComplaintEvent
from terpadu.units.models import UnitComplaintChannel

pytestmark = pytest.mark.django_db

BODY = "Petugas meminta uang fotokopi padahal layanan gratis."
SECRET_CONTACT = "rahasia.pelapor@example.com"


def test_public_form_anonymous_then_tracking_page(client, unit_a):
    UnitComplaintChannel.objects.create(unit=unit_a, kind="email", label="Email", value="bps7601@bps.go.id")
    page = client.get(f"/unit/{unit_a.code}/pengaduan/")
    assert page.status_code == 200
    assert "bps7601@bps.go.id" in page.content.decode()
    response = client.post(f"/unit/{unit_a.code}/pengaduan/", {"category": "fee", "body": BODY})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "website"
    assert complaint.contact_email == ""
    assert complaint.unit == unit_a
    assert len(complaint.tracking_code) == 10
    status_page = client.get(response["Location"]).content.decode()
    assert complaint.tracking_code in status_page
    assert 'id="tracking-code-new"' in status_page
    assert BODY not in status_page
    # Due: 5 working days, end of office hours, in the unit's calendar.
    local_due = unit_a.local(complaint.due_at)
    assert local_due.weekday() < 5
    assert local_due > unit_a.local(complaint.received_at) + dt.timedelta(days=5)


def test_form_rejects_short_complaints_and_bad_contacts_storing_nothing(client, unit_a):
    response = client.post(
        f"/unit/{unit_a.code}/pengaduan/",
        {"body": "jelek", "contact_email": "bukan-email"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 10 characters" in html
    assert "valid email address" in html
    assert not Complaint.objects.exists()


def test_public_form_is_rate_limited(client, unit_a):
    for _i in range(services.COMPLAINT_LIMIT_PER_HOUR):
        assert client.post(f"/unit/{unit_a.code}/pengaduan/", {"body": BODY}).status_code == 302
    assert client.post(f"/unit/{unit_a.code}/pengaduan/", {"body": BODY}).status_code == 429
    assert Complaint.objects.count() == services.COMPLAINT_LIMIT_PER_HOUR


def test_api_create_and_track_reveals_only_status(
    api_client, unit_a, admin_a, smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/complaints/",
            {
                "unit": unit_a.code,
                "channel": "sms_whatsapp",
                "body": BODY,
                "contact": {"name": "Pelapor", "email": SECRET_CONTACT, "phone": "081299998888"},
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    assert code in smtp_inbox.last_to(SECRET_CONTACT)["Subject"]

    tracked = api_client.get(f"/api/v1/complaints/{code.lower()}/")
    assert tracked.status_code == 200
    data = tracked.json()
    assert data["status"] == "received"
    assert data["reply"] is None
    text = tracked.content.decode()
    for secret in (BODY, SECRET_CONTACT, "081299998888", "Pelapor", "sms_whatsapp"):
        assert secret not in text
    page = api_client.get(f"/pengaduan/lacak/{code}/").content.decode()
    for secret in (BODY, SECRET_CONTACT, "081299998888", "Pelapor"):
        assert secret not in page
    assert api_client.get("/api/v1/complaints/AAAAAAAAAA/").status_code == 404


def test_api_rejects_bad_input(api_client, unit_a):
    assert (
        api_client.post("/api/v1/complaints/", {"unit": "9999", "body": BODY}, format="json").status_code
        == 400
    )
    response = api_client.post(
        "/api/v1/complaints/", {"unit": unit_a.code, "channel": "pigeon", "body": BODY}, format="json"
    )
    assert response.status_code == 400
    assert "channel" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_staff_records_a_lapor_complaint_triages_and_replies_by_email(
    client, unit_a, admin_a, frontliner_a, smtp_inbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_a)
    url = f"/unit/{unit_a.code}/pengaduan/staf/baru/"
    missing_id = client.post(url, {"channel": "sp4n_lapor", "body": BODY}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing_id.status_code == 400
    assert "SP4N-LAPOR tracking ID" in missing_id.content.decode()
    response = client.post(
        url,
        {
            "channel": "sp4n_lapor",
            "body": BODY,
            "lapor_tracking_id": "ABC1234567",
            "category": "fee",
            "contact_email": SECRET_CONTACT,
            "received_at": "2026-03-16T09:00",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.lapor_tracking_id == "ABC1234567"
    assert complaint.created_by == admin_a
    assert unit_a.local(complaint.received_at).hour == 9  # read in the unit's zone (WITA)
    detail = client.get(response["Location"]).content.decode()
    assert "ABC1234567" in detail
    assert "lapor.go.id" in detail

    client.post(
        response["Location"],
        {
            "action": "update",
            "handler": frontliner_a.pk,
            "status": "in_progress",
            "category": "staff",
            "note": "Cek CCTV",
        },
    )
    complaint.refresh_from_db()
    assert (complaint.handler, complaint.status, complaint.category) == (frontliner_a, "in_progress", "staff")
    assert complaint.first_response_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"action": "reply", "text": "Petugas sudah kami tegur. Terima kasih."}
        )
    complaint.refresh_from_db()
    assert complaint.status == "answered"
    assert complaint.public_reply.startswith("Petugas sudah")
    assert "Petugas sudah kami tegur" in smtp_inbox.last_to(SECRET_CONTACT).get_body().get_content()
    public = client.get(f"/api/v1/complaints/{complaint.tracking_code}/").json()
    assert public["reply"].startswith("Petugas sudah")
    assert public["status"] == "answered"
    assert "Cek CCTV" not in str(public)
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["received", "categorised", "assigned", "status", "note", "reply"]


def test_breaches_marked_by_command_once(unit_a):
    complaint = services.complaint_create(unit=unit_a, channel="website", body=BODY)
    after_due = complaint.due_at + dt.timedelta(minutes=1)
    assert services.complaint_mark_breaches(now=complaint.due_at - dt.timedelta(minutes=1)) == 0
    assert services.complaint_mark_breaches(now=after_due) == 1
    assert services.complaint_mark_breaches(now=after_due) == 0
    complaint.refresh_from_db()
    assert complaint.breached
    assert ComplaintEvent.objects.filter(kind="breached").count() == 1
    call_command("mark_complaint_breaches")


def test_late_reply_counts_as_breach(unit_a, admin_a):
    complaint = services.complaint_create(unit=unit_a, channel="website", body=BODY)
    services.complaint_reply(
        actor=admin_a,
        complaint=complaint,
        text="Maaf terlambat.",
        now=complaint.due_at + dt.timedelta(hours=1),
    )
    complaint.refresh_from_db()
    assert complaint.breached
    assert complaint.status == "answered"


def test_unit_page_offers_the_online_form(client, unit_a):
    html = client.get(f"/unit/{unit_a.code}/").content.decode()
    assert f"/unit/{unit_a.code}/pengaduan/" in html


def test_tracking_code_typed_loosely_still_found(client, unit_a):
    complaint = services.complaint_create(unit=unit_a, channel="website", body=BODY)
    loose = complaint.tracking_code.lower()[:5] + " - " + complaint.tracking_code.lower()[5:]
    response = client.get("/pengaduan/lacak/", {"code": loose})
    assert response.status_code == 302
    assert complaint.tracking_code in response["Location"]
