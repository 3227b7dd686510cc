"""Walk-in: from a called consultation ticket the consultant records the consultation at the counter."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from terpadu.consultation.meetings import services
from terpadu.consultation.meetings.models import WalkInRecord
from terpadu.consultation.models import Consultation, Message
from terpadu.frontdesk import services as frontdesk
from tests.frontdesk.conftest import make_visit


@pytest.fixture
def called_ticket(unit_a, office_a, consultant_a):
    visit = make_visit(unit_a, services=["consultation"], purpose="Data IPM Majene")
    frontdesk.ticket_issue(unit=unit_a, service="consultation", visit=visit)
    counter = office_a["counter2"]
    frontdesk.counter_sign_in(counter=counter, actor=consultant_a)
    return frontdesk.ticket_call_next(counter=counter, actor=consultant_a)


def record_url(ticket):
    return reverse("meetings:walk-in", args=[ticket.pk])


def test_the_counter_offers_record_consultation_to_the_consultant_only(
    client, called_ticket, consultant_a, frontliner_a
):
    counter_url = reverse("frontdesk-counter", args=["7601", called_ticket.counter_id])
    client.force_login(consultant_a)
    assert record_url(called_ticket) in client.get(counter_url).content.decode()
    client.force_login(frontliner_a)
    assert record_url(called_ticket) not in client.get(counter_url).content.decode()


def test_recording_creates_a_walk_in_consultation_linked_to_the_visit_answered_and_closed(
    client, called_ticket, consultant_a, unit_b, django_capture_on_commit_callbacks
):
    client.force_login(consultant_a)
    page = client.get(record_url(called_ticket))
    assert "Data IPM Majene" in page.content.decode()  # the guest book's purpose as the topic
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            record_url(called_ticket),
            {
                "topic": "Data IPM Majene",
                "asked": "IPM Kabupaten Majene 2020-2025",
                "answer": "IPM ada di publikasi Kabupaten Majene Dalam Angka 2026, tabel 4.1.",
                "referral_services": ["library"],
                "referral_unit": unit_b.pk,
                "finish_ticket": "on",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk-counter", args=["7601", called_ticket.counter_id])
    consultation = Consultation.objects.get()
    assert consultation.channel == Consultation.Channel.WALK_IN
    assert consultation.visit_id == called_ticket.visit_id
    assert consultation.ticket_id == called_ticket.pk
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.close_reason == Consultation.CloseReason.RESOLVED
    assert consultation.answered_at is not None
    assert consultation.assigned_to == consultant_a
    bodies = list(consultation.messages.values_list("author_kind", "body"))
    assert bodies[0] == (Message.Author.USER, "IPM Kabupaten Majene 2020-2025")
    assert bodies[1][0] == Message.Author.STAFF
    assert "Dalam Angka 2026" in bodies[1][1]
    assert "Perpustakaan" in bodies[1][1]
    assert "BPS Provinsi Maluku Utara" in bodies[1][1]
    record = WalkInRecord.objects.get()
    assert [r["value"] for r in record.referrals] == ["library", "8200"]
    called_ticket.refresh_from_db()
    assert called_ticket.status == "finished"
    # Back at the counter the ticket's consultation shows as recorded; a second recording is refused.
    again = client.get(record_url(called_ticket))
    assert again["Location"] == reverse("consultation:detail", args=[consultation.pk])


def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(client, called_ticket, consultant_a):
    client.force_login(consultant_a)
    response = client.post(
        record_url(called_ticket),
        {"topic": "Data IPM", "asked": "", "answer": "<script>alert(1)</script>", "finish_ticket": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Scripts and active content are not allowed" in html or "Skrip" in html
    assert not Consultation.objects.exists()
    called_ticket.refresh_from_db()
    assert called_ticket.status == "called"


def test_only_a_called_consultation_ticket_can_be_recorded(unit_a, office_a, consultant_a):
    library = frontdesk.ticket_issue(unit=unit_a, service="library")
    with pytest.raises(ValidationError, match="Only a consultation ticket"):
        services.walk_in_record(ticket=library, actor=consultant_a, topic="x", asked="y", answer="z")
    waiting = frontdesk.ticket_issue(unit=unit_a, service="consultation")
    with pytest.raises(ValidationError, match="Call the ticket"):
        services.walk_in_record(ticket=waiting, actor=consultant_a, topic="x", asked="y", answer="z")
    assert not Consultation.objects.exists()


def test_staff_of_unit_b_get_404_and_change_nothing(client, called_ticket, staff_b):
    client.force_login(staff_b)
    assert client.get(record_url(called_ticket)).status_code == 404
    response = client.post(record_url(called_ticket), {"topic": "x", "asked": "y", "answer": "z"})
    assert response.status_code == 404
    assert not Consultation.objects.exists()


def test_a_frontliner_without_the_consultant_role_cannot_record(called_ticket, frontliner_a):
    with pytest.raises(ValidationError, match="consultants"):
        services.walk_in_record(ticket=called_ticket, actor=frontliner_a, topic="x", asked="y", answer="z")
