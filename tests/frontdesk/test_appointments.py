"""Appointments: a slot in the unit's office hours, booked once, that becomes an appointment ticket
at the kiosk and is called before the walk-in line."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from terpadu.frontdesk import appointments, services
from terpadu.frontdesk.models import Appointment, Ticket
from terpadu.units.models import CalendarOverride
from tests.frontdesk.conftest import make_visit, visit_data

WITA = ZoneInfo("Asia/Makassar")
# Monday 8 June 2026, 08:00 in Majene (WITA); Tuesday 16 June 2026 is a national holiday.
NOW = dt.datetime(2026, 6, 8, 8, 0, tzinfo=WITA)


def wita(*args):
    return dt.datetime(*args, tzinfo=WITA)


@pytest.fixture
def one_counter(office_a):
    """Only counter 2 serves consultation: one booking per slot."""
    office_a["counter1"].services.remove(office_a["consultation"])
    return office_a


def book(unit, starts_at, *, now=NOW, **extra):
    data = {"name": "Siti Aminah", "email": "siti@example.com", "phone": "081234567890"}
    data.update(extra)
    return appointments.appointment_book(
        unit=unit, service="consultation", starts_at=starts_at, now=now, source="test", **data
    )


def test_a_slot_inside_office_hours_is_booked_with_a_short_code(unit_a, one_counter):
    appointment = book(unit_a, wita(2026, 6, 9, 10, 0))
    assert appointment.status == Appointment.Status.BOOKED
    assert len(appointment.code) == 6
    assert appointment.code.isalnum()
    assert appointment.starts_at == dt.datetime(2026, 6, 9, 2, 0, tzinfo=dt.UTC)
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    # The last slot of a Monday ends at closing time (16:00).
    assert book(unit_a, wita(2026, 6, 8, 15, 30)).ends_at == wita(2026, 6, 8, 16, 0)


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (wita(2026, 6, 9, 7, 0), "not an appointment slot"),  # before opening
        (wita(2026, 6, 9, 16, 0), "not an appointment slot"),  # at closing time
        (wita(2026, 6, 9, 10, 10), "not an appointment slot"),  # off the 30-minute grid
        (wita(2026, 6, 13, 10, 0), "closed on that day"),  # Saturday
        (wita(2026, 6, 16, 10, 0), "closed on that day"),  # national holiday
        (wita(2026, 6, 8, 7, 30), "in the future"),  # already past
        (wita(2026, 9, 8, 10, 0), "at most 60 days ahead"),
    ],
)
def test_a_time_outside_office_hours_is_refused_and_nothing_stored(unit_a, one_counter, starts_at, message):
    with pytest.raises(ValidationError) as exc:
        book(unit_a, starts_at)
    assert message in " ".join(exc.value.messages)
    assert not Appointment.objects.exists()


def test_a_unit_closure_day_is_not_bookable(unit_a, one_counter):
    CalendarOverride.objects.create(unit=unit_a, date=dt.date(2026, 6, 10), reason="Rapat kerja")
    with pytest.raises(ValidationError, match="closed on that day"):
        book(unit_a, wita(2026, 6, 10, 9, 0))
    days = appointments.free_slots(unit=unit_a, service=one_counter["consultation"], now=NOW, working_days=3)
    assert [d.day for d in days] == [dt.date(2026, 6, 8), dt.date(2026, 6, 9), dt.date(2026, 6, 11)]


def test_a_taken_slot_is_refused_until_cancelled(unit_a, one_counter):
    first = book(unit_a, wita(2026, 6, 9, 10, 0))
    with pytest.raises(ValidationError, match="already taken"):
        book(unit_a, wita(2026, 6, 9, 10, 0), name="Budi")
    assert Appointment.objects.count() == 1
    appointments.appointment_cancel(appointment=first, reason="user asked")
    again = book(unit_a, wita(2026, 6, 9, 10, 0), name="Budi")
    assert again.status == Appointment.Status.BOOKED


def test_two_counters_take_two_bookings_per_slot(unit_a, office_a):
    book(unit_a, wita(2026, 6, 9, 10, 0))
    book(unit_a, wita(2026, 6, 9, 10, 0), name="Budi")
    with pytest.raises(ValidationError, match="already taken"):
        book(unit_a, wita(2026, 6, 9, 10, 0), name="Citra")
    assert Appointment.objects.count() == 2


def test_free_slots_skip_past_and_taken_slots_in_the_unit_zone(unit_a, one_counter):
    book(unit_a, wita(2026, 6, 8, 9, 0))
    now = wita(2026, 6, 8, 8, 10)
    days = appointments.free_slots(unit=unit_a, service=one_counter["consultation"], now=now, working_days=2)
    today = [unit_a.local(s.starts_at).strftime("%H:%M") for s in days[0].slots]
    assert today[:3] == ["08:30", "09:30", "10:00"]
    assert today[-1] == "15:30"
    assert days[1].day == dt.date(2026, 6, 9)
    assert unit_a.local(days[1].slots[0].starts_at).strftime("%H:%M") == "07:30"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_slot_one_wins(unit_a, one_counter):
    """Two consultants book the last place at the same moment: one gets it, the other is told."""
    starts_at = wita(2026, 6, 9, 10, 0)

    def attempt(name):
        translation.activate("en")  # a worker thread starts in the default language, Indonesian
        try:
            return book(unit_a, starts_at, name=name).code
        except ValidationError as exc:
            return " ".join(exc.messages)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, ["Siti", "Budi"]))
    assert sum("already taken" in r for r in results) == 1
    assert Appointment.objects.filter(status="booked").count() == 1


def test_check_in_issues_an_appointment_ticket_called_before_the_walk_in_line(unit_a, one_counter):
    appointment = book(unit_a, wita(2026, 6, 9, 10, 0))
    walk_in = services.ticket_issue(unit=unit_a, service="consultation", now=wita(2026, 6, 9, 9, 40))
    appointment = appointments.appointment_check_in(
        unit=unit_a, code=appointment.code.lower(), now=wita(2026, 6, 9, 9, 50)
    )
    ticket = appointment.ticket
    assert appointment.status == Appointment.Status.CHECKED_IN
    assert ticket.is_appointment
    assert ticket.number == "B002"
    called = services.ticket_call_next(counter=one_counter["counter2"], now=wita(2026, 6, 9, 9, 55))
    assert called.pk == ticket.pk
    services.ticket_finish(ticket=called)
    assert services.ticket_call_next(counter=one_counter["counter2"]).pk == walk_in.pk


def test_check_in_outside_the_window_or_twice_is_refused(unit_a, one_counter):
    appointment = book(unit_a, wita(2026, 6, 9, 10, 0))
    with pytest.raises(ValidationError, match="check in from 09:45"):
        appointments.appointment_check_in(unit=unit_a, code=appointment.code, now=wita(2026, 6, 9, 9, 0))
    with pytest.raises(ValidationError, match="has passed"):
        appointments.appointment_check_in(unit=unit_a, code=appointment.code, now=wita(2026, 6, 9, 10, 30))
    with pytest.raises(ValidationError, match="No appointment with this code"):
        appointments.appointment_check_in(unit=unit_a, code="ZZZZZZ", now=wita(2026, 6, 9, 10, 0))
    assert not Ticket.objects.exists()
    appointments.appointment_check_in(unit=unit_a, code=appointment.code, now=wita(2026, 6, 9, 10, 0))
    with pytest.raises(ValidationError, match="already checked in: your number is B001"):
        appointments.appointment_check_in(unit=unit_a, code=appointment.code, now=wita(2026, 6, 9, 10, 5))
    assert Ticket.objects.count() == 1


def test_the_code_of_another_unit_is_unknown_here(unit_a, unit_b, one_counter, office_b):
    appointment = book(unit_a, wita(2026, 6, 9, 10, 0))
    with pytest.raises(ValidationError, match="No appointment with this code"):
        appointments.appointment_check_in(unit=unit_b, code=appointment.code, now=wita(2026, 6, 9, 10, 0))


def test_a_missed_appointment_becomes_a_no_show(unit_a, one_counter):
    missed = book(unit_a, wita(2026, 6, 9, 10, 0))
    later = book(unit_a, wita(2026, 6, 9, 11, 0))
    assert appointments.appointments_mark_no_show(now=wita(2026, 6, 9, 10, 30)) == 1
    missed.refresh_from_db()
    later.refresh_from_db()
    assert (missed.status, later.status) == ("no_show", "booked")


# --- pages ------------------------------------------------------------------------------------


def test_kiosk_check_in_by_code_prints_the_appointment_slip(client, frontliner_a, unit_a, one_counter):
    now = timezone.now()
    appointment = Appointment.objects.create(
        unit=unit_a,
        service=one_counter["consultation"],
        starts_at=now + dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=35),
        name="Siti Aminah",
        email="siti@example.com",
        created_at=now,
    )
    client.force_login(frontliner_a)
    page = client.get(reverse("frontdesk-kiosk", args=[unit_a.code]))
    assert reverse("frontdesk-kiosk-appointment", args=[unit_a.code]).encode() in page.content
    url = reverse("frontdesk-kiosk-appointment", args=[unit_a.code])
    wrong = client.post(url, {"code": "ZZZZZZ"})
    assert "data-code-error" in wrong.content.decode()
    response = client.post(url, {"code": appointment.code}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == "checked_in"
    assert appointment.ticket.number in response.content.decode()
    counter = client.get(reverse("frontdesk-counter", args=[unit_a.code, one_counter["counter2"].pk]))
    assert "data-appointment" not in counter.content.decode()  # waiting, not yet called
    services.ticket_call_next(counter=one_counter["counter2"])
    counter = client.get(reverse("frontdesk-counter", args=[unit_a.code, one_counter["counter2"].pk]))
    assert "data-appointment" in counter.content.decode()


def test_guest_book_entry_of_a_booked_visitor_checks_the_appointment_in(
    client, frontliner_a, unit_a, one_counter
):
    now = timezone.now()
    appointment = Appointment.objects.create(
        unit=unit_a,
        service=one_counter["consultation"],
        starts_at=now + dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=35),
        name="Siti Aminah",
        phone="+62 812-3456-7890",
        created_at=now,
    )
    client.force_login(frontliner_a)
    data = visit_data(services=["consultation", "library"], email="lain@example.com")
    data.update(consent="on", group_size="1")
    response = client.post(reverse("frontdesk-kiosk", args=[unit_a.code]), data)
    assert response.status_code == 302
    assert "B001" in client.get(response["Location"]).content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "checked_in"
    tickets = {t.service.kind: t for t in Ticket.objects.select_related("service")}
    assert set(tickets) == {"consultation", "library"}
    assert tickets["consultation"].is_appointment
    assert tickets["consultation"].visit_id == tickets["library"].visit_id
    assert not tickets["library"].is_appointment


def test_kiosk_check_in_of_unit_b_staff_is_404(client, staff_b, unit_a, one_counter):
    client.force_login(staff_b)
    assert client.get(reverse("frontdesk-kiosk-appointment", args=[unit_a.code])).status_code == 404


def test_a_visit_entered_earlier_gets_the_appointment_ticket(unit_a, one_counter):
    visit = make_visit(unit_a, services=["library"], now=wita(2026, 6, 9, 9, 30))
    appointment = book(unit_a, wita(2026, 6, 9, 10, 0))
    appointment = appointments.appointment_check_in(
        unit=unit_a, code=appointment.code, now=wita(2026, 6, 9, 9, 50)
    )
    assert appointment.ticket.visit_id == visit.pk
