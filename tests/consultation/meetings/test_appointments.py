"""A consultant proposes a walk-in appointment from a consultation: a free slot in office hours, booked at
the front office, told to the user with date, time and code, and sent with an .ics invitation."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from terpadu.consultation.meetings import services
from terpadu.consultation.meetings.models import ConsultationAppointment
from terpadu.consultation.models import Consultation
from terpadu.frontdesk import appointments as frontdesk_appointments
from terpadu.frontdesk import services as frontdesk
from terpadu.frontdesk.models import Appointment
from tests.consultation.meetings.conftest import parse_ics, unescape

WITA = ZoneInfo("Asia/Makassar")
NOW = dt.datetime(2026, 6, 8, 8, 0, tzinfo=WITA)  # Monday


def calendar_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def test_proposing_books_a_slot_posts_the_code_and_mails_the_invitation(
    consultation_a, office_a, consultant_a, smtp_inbox, django_capture_on_commit_callbacks
):
    starts_at = dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA)
    with django_capture_on_commit_callbacks(execute=True):
        link = services.appointment_propose(
            consultation=consultation_a, actor=consultant_a, starts_at=starts_at, now=NOW
        )
    appointment = link.appointment
    assert appointment.service == office_a["consultation"]
    assert appointment.user == consultation_a.user
    assert appointment.email == "warga@example.com"
    assert "K7601" in appointment.source
    last = consultation_a.messages.order_by("-id").first()
    assert last.author_kind == "staff"
    assert appointment.code in last.body
    assert "10:00 WITA" in last.body
    assert "Jl. Poros Majene-Mamuju" in last.body
    invitation = next(m for m in smtp_inbox.to("warga@example.com") if calendar_part(m))
    assert consultation_a.number in invitation["Subject"]
    part = calendar_part(invitation)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "undangan.ics"
    [event] = parse_ics(part.get_content())
    assert event["DTSTART"] == "20260609T020000Z"
    assert event["DTEND"] == "20260609T023000Z"
    assert event["UID"] == link.uid
    assert unescape(event["LOCATION"]) == "BPS Kabupaten Majene, Jl. Poros Majene-Mamuju, Banggae, 91411"
    assert appointment.code in unescape(event["DESCRIPTION"])
    assert event["ORGANIZER"] == "mailto:bps7605@bps.go.id"


def test_a_taken_or_closed_slot_is_refused_and_nothing_is_stored(
    consultation_a, office_a, consultant_a, public_user
):
    starts_at = dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA)
    frontdesk_appointments.appointment_book(
        unit=consultation_a.unit, service="consultation", starts_at=starts_at, name="Budi", now=NOW
    )
    messages_before = consultation_a.messages.count()
    with pytest.raises(ValidationError, match="already taken"):
        services.appointment_propose(
            consultation=consultation_a, actor=consultant_a, starts_at=starts_at, now=NOW
        )
    with pytest.raises(ValidationError, match="closed on that day"):
        services.appointment_propose(
            consultation=consultation_a,
            actor=consultant_a,
            starts_at=dt.datetime(2026, 6, 16, 10, 0, tzinfo=WITA),  # national holiday
            now=NOW,
        )
    assert not ConsultationAppointment.objects.exists()
    assert Appointment.objects.count() == 1
    assert consultation_a.messages.count() == messages_before


def test_the_visitor_checks_in_and_the_counter_records_into_the_same_consultation(
    consultation_a, office_a, consultant_a
):
    link = services.appointment_propose(
        consultation=consultation_a,
        actor=consultant_a,
        starts_at=dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA),
        now=NOW,
    )
    walk_in = frontdesk.ticket_issue(unit=consultation_a.unit, service="consultation", now=NOW)
    checked_in = frontdesk_appointments.appointment_check_in(
        unit=consultation_a.unit, code=link.appointment.code, now=dt.datetime(2026, 6, 9, 9, 50, tzinfo=WITA)
    )
    ticket = frontdesk.ticket_call_next(counter=office_a["counter2"], actor=consultant_a)
    assert ticket.pk == checked_in.ticket_id != walk_in.pk
    services.walk_in_record(
        ticket=ticket, actor=consultant_a, topic="", asked="Tabel 4.1", answer="Sudah dijelaskan di loket."
    )
    consultation_a.refresh_from_db()
    assert Consultation.objects.count() == 1
    assert consultation_a.status == Consultation.Status.CLOSED
    assert consultation_a.messages.filter(internal=True, body__contains="Tabel 4.1").exists()


def test_the_page_lists_free_slots_and_books_one(client, consultation_a, office_a, consultant_a):
    client.force_login(consultant_a)
    detail = client.get(reverse("consultation:detail", args=[consultation_a.pk])).content.decode()
    assert reverse("meetings:appointment-new", args=[consultation_a.pk]) in detail
    page = client.get(reverse("meetings:appointment-new", args=[consultation_a.pk])).content.decode()
    values = re.findall(r'name="starts_at" value="([^"]+)"', page)
    assert values
    response = client.post(
        reverse("meetings:appointment-new", args=[consultation_a.pk]), {"starts_at": values[0]}
    )
    assert response.status_code == 302
    link = ConsultationAppointment.objects.get()
    assert link.appointment.starts_at == dt.datetime.fromisoformat(values[0])
    assert link.appointment.starts_at > timezone.now()
    detail = client.get(reverse("consultation:detail", args=[consultation_a.pk])).content.decode()
    assert link.appointment.code in detail
    # A page hour is in the unit's zone: the slot the consultant clicked is the one booked.
    local = consultation_a.unit.local(link.appointment.starts_at).strftime("%H:%M")
    assert f'data-slot="{local}"' in page


def test_the_user_downloads_the_invitation_and_others_get_404(
    client, consultation_a, office_a, consultant_a, staff_b, public_user
):
    from tests.conftest import make_user

    link = services.appointment_propose(
        consultation=consultation_a,
        actor=consultant_a,
        starts_at=dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA),
        now=NOW,
    )
    url = reverse("meetings:appointment-ics", args=[consultation_a.pk, link.pk])
    client.force_login(public_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = parse_ics(response.content.decode())
    assert event["DTSTART"] == "20260609T020000Z"
    detail = client.get(reverse("consultation:detail", args=[consultation_a.pk])).content.decode()
    assert url in detail
    assert reverse("meetings:appointment-new", args=[consultation_a.pk]) not in detail  # staff only
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("meetings:appointment-new", args=[consultation_a.pk])).status_code == 404
    response = client.post(
        reverse("meetings:appointment-cancel", args=[consultation_a.pk, link.pk]),
    )
    assert response.status_code == 404
    link.appointment.refresh_from_db()
    assert link.appointment.status == "booked"
    client.force_login(make_user("lain@example.com", "Orang Lain"))
    assert client.get(url).status_code == 404


def test_cancelling_frees_the_slot_and_tells_the_user(
    client, consultation_a, office_a, consultant_a, smtp_inbox, django_capture_on_commit_callbacks
):
    link = services.appointment_propose(
        consultation=consultation_a,
        actor=consultant_a,
        starts_at=dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA),
        now=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_withdraw(link=link, actor=consultant_a, now=NOW)
    link.appointment.refresh_from_db()
    assert link.appointment.status == "cancelled"
    assert "dibatalkan" in consultation_a.messages.order_by("-id").first().body
    cancel = next(m for m in smtp_inbox.to("warga@example.com") if calendar_part(m))
    assert calendar_part(cancel).get_param("method") == "CANCEL"
    [event] = parse_ics(calendar_part(cancel).get_content())
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", "1")
    again = frontdesk_appointments.appointment_book(
        unit=consultation_a.unit,
        service="consultation",
        starts_at=dt.datetime(2026, 6, 9, 10, 0, tzinfo=WITA),
        name="Budi",
        now=NOW,
    )
    assert again.status == "booked"
