"""The 3-working-day response clock: 2026 holidays and cuti bersama, three time zones, pause and resume."""

import datetime as dt

import pytest

from terpadu.consultation import clocks, services
from terpadu.consultation.models import Consultation, ConsultationEvent
from terpadu.lib.workdays import CIVIL_SERVICE_HOURS, WorkingCalendar

from .conftest import WIB, WIT, WITA, local, open_consultation, publish_consultation_standard

Kind = ConsultationEvent.Kind


def cleared(unit, user, consultant, when):
    consultation = open_consultation(unit, user, now=when - dt.timedelta(hours=1))
    return services.consultation_mark_clear(consultation=consultation, actor=consultant, now=when)


@pytest.mark.parametrize(
    ("clear_day", "due_day"),
    [
        # Christmas (Fri 25) and cuti bersama (Thu 24) and the weekend: Mon 28, Tue 29, Wed 30.
        ((2026, 12, 23), (2026, 12, 30)),
        # Cuti bersama 18, Nyepi 19, Idul Fitri 20 (+21 Sat), cuti bersama 23-24: Wed 25, Thu 26, Fri 27.
        ((2026, 3, 17), (2026, 3, 27)),
    ],
)
def test_due_at_end_of_third_working_day_across_holidays(
    unit_a, standard_a, public_user, consultant_a, clear_day, due_day
):
    consultation = cleared(unit_a, public_user, consultant_a, local(WITA, *clear_day, 10, 15))
    closing = dt.time(16, 30) if dt.date(*due_day).weekday() == 4 else dt.time(16, 0)
    assert consultation.due_at == dt.datetime.combine(dt.date(*due_day), closing, tzinfo=WITA)
    assert consultation.status == Consultation.Status.CLEAR
    assert consultation.working_days == 3
    assert consultation.events.filter(kind=Kind.CLOCK_STARTED, at=local(WITA, *clear_day, 10, 15)).exists()


@pytest.mark.parametrize(("fixture", "zone"), [("national", WIB), ("unit_a", WITA), ("unit_b", WIT)])
def test_due_time_is_closing_time_in_each_units_zone(request, public_user, fixture, zone):
    from terpadu.units.models import StaffRole
    from tests.conftest import make_staff

    unit = request.getfixturevalue(fixture)
    publish_consultation_standard(unit)
    consultant = make_staff(f"k.{unit.code}@bps.go.id", "Konsultan", unit, StaffRole.Role.CONSULTANT)
    # 23:30 local on Wed 23 Dec is still that Wednesday in the unit's zone, whatever UTC says.
    consultation = cleared(unit, public_user, consultant, local(zone, 2026, 12, 23, 23, 30))
    assert consultation.due_at == local(zone, 2026, 12, 30, 16, 0)
    offset_hours = {WIB: 7, WITA: 8, WIT: 9}[zone]
    assert consultation.due_at.astimezone(dt.UTC) == dt.datetime(
        2026, 12, 30, 16 - offset_hours, 0, tzinfo=dt.UTC
    )


def test_working_days_come_from_the_units_standard(unit_a, public_user, consultant_a):
    publish_consultation_standard(unit_a, working_days=5)
    consultation = cleared(unit_a, public_user, consultant_a, local(WITA, 2026, 12, 23, 9, 0))
    # 28, 29, 30 Dec, then 31 Dec and Mon 4 Jan 2027 (1 Jan is New Year).
    assert consultation.working_days == 5
    assert consultation.due_at == local(WITA, 2027, 1, 4, 16, 0)


def test_no_published_online_time_means_no_due_time(unit_a, public_user, consultant_a):
    consultation = cleared(unit_a, public_user, consultant_a, local(WITA, 2026, 12, 23, 9, 0))
    assert consultation.clock_started_at is not None
    assert consultation.due_at is None


def test_pause_while_waiting_for_the_user_pushes_the_due_time(unit_a, standard_a, public_user, consultant_a):
    # Cleared Mon 2 Nov 2026: due end of Thu 5 Nov.
    consultation = cleared(unit_a, public_user, consultant_a, local(WITA, 2026, 11, 2, 9, 0))
    assert consultation.due_at == local(WITA, 2026, 11, 5, 16, 0)
    # Asked on Tue 3 Nov 14:00, answered by the user Wed 4 Nov 09:00: paused 2 h (to 16:00) + 1.5 h.
    services.consultation_request_clarification(
        consultation=consultation,
        actor=consultant_a,
        body="Tahun berapa?",
        now=local(WITA, 2026, 11, 3, 14, 0),
    )
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.AWAITING_CLARIFICATION
    assert consultation.paused_at == local(WITA, 2026, 11, 3, 14, 0)
    services.message_post(
        consultation=consultation, actor=public_user, body="Tahun 2025.", now=local(WITA, 2026, 11, 4, 9, 0)
    )
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLEAR
    assert consultation.paused_at is None
    assert consultation.paused_minutes == 210
    # 3.5 office hours after Thu 5 Nov 16:00: Fri 6 Nov 07:30 + 3.5 h.
    assert consultation.due_at == local(WITA, 2026, 11, 6, 11, 0)
    kinds = list(consultation.events.values_list("kind", flat=True))
    assert kinds == [
        Kind.OPENED,
        Kind.CLOCK_STARTED,
        Kind.ASSIGNED,
        Kind.CLARIFICATION_REQUESTED,
        Kind.CLOCK_PAUSED,
        Kind.USER_REPLIED,
        Kind.CLOCK_RESUMED,
    ]


def test_answer_records_met_or_missed(unit_a, standard_a, public_user, consultant_a):
    on_time = cleared(unit_a, public_user, consultant_a, local(WITA, 2026, 11, 2, 9, 0))
    services.message_post(
        consultation=on_time, actor=consultant_a, body="Ini datanya.", now=local(WITA, 2026, 11, 5, 15, 59)
    )
    on_time.refresh_from_db()
    assert (on_time.status, on_time.standard_met) == (Consultation.Status.ANSWERED, True)
    assert on_time.answered_at == local(WITA, 2026, 11, 5, 15, 59)

    late = cleared(unit_a, public_user, consultant_a, local(WITA, 2026, 11, 2, 9, 0))
    services.message_post(
        consultation=late, actor=consultant_a, body="Maaf terlambat.", now=local(WITA, 2026, 11, 5, 16, 1)
    )
    late.refresh_from_db()
    assert late.standard_met is False
    assert late.events.filter(kind=Kind.ANSWERED).count() == 1


def test_answering_an_open_request_starts_and_stops_the_clock(unit_a, standard_a, public_user, consultant_a):
    consultation = open_consultation(unit_a, public_user, now=local(WITA, 2026, 11, 2, 9, 0))
    services.message_post(
        consultation=consultation, actor=consultant_a, body="Jawaban.", now=local(WITA, 2026, 11, 2, 10, 0)
    )
    consultation.refresh_from_db()
    assert consultation.clock_started_at == consultation.answered_at == local(WITA, 2026, 11, 2, 10, 0)
    assert consultation.standard_met is True
    assert consultation.events.get(kind=Kind.CLOCK_STARTED).data["implicit"] is True


# --- the pure function ------------------------------------------------------------------------------

CAL = WorkingCalendar(zone=WITA, hours=dict(CIVIL_SERVICE_HOURS), holidays=frozenset(), years=None)


def ev(kind, *args):
    return clocks.ClockEvent(kind, local(WITA, *args))


def test_pure_clock_ignores_pauses_before_start_and_after_answer():
    state = clocks.response_clock(
        [
            ev(clocks.CLOCK_PAUSED, 2026, 11, 2, 8, 0),
            ev(clocks.CLOCK_STARTED, 2026, 11, 2, 9, 0),
            ev(clocks.ANSWERED, 2026, 11, 3, 9, 0),
            ev(clocks.CLOCK_PAUSED, 2026, 11, 3, 10, 0),
        ],
        CAL,
        3,
    )
    assert state.due_at == local(WITA, 2026, 11, 5, 16, 0)
    assert state.paused_minutes == 0
    assert state.met is True
    assert not state.running


def test_pure_clock_running_pause_and_warnings():
    state = clocks.response_clock(
        [ev(clocks.CLOCK_STARTED, 2026, 11, 2, 9, 0), ev(clocks.CLOCK_PAUSED, 2026, 11, 3, 15, 0)], CAL, 3
    )
    assert state.paused_since == local(WITA, 2026, 11, 3, 15, 0)
    assert not state.running
    # At Wed 4 Nov 08:30 the pause has lasted 1 h (Tue) + 1 h (Wed): the due time moves 2 h.
    assert clocks.due_with_running_pause(state, CAL, local(WITA, 2026, 11, 4, 8, 30)) == local(
        WITA, 2026, 11, 6, 9, 30
    )

    running = clocks.response_clock([ev(clocks.CLOCK_STARTED, 2026, 11, 2, 9, 0)], CAL, 3)
    assert not clocks.due_soon(running, CAL, local(WITA, 2026, 11, 3, 16, 0))
    assert clocks.due_soon(running, CAL, local(WITA, 2026, 11, 4, 7, 0))
    assert not clocks.breached(running, local(WITA, 2026, 11, 5, 16, 0))
    assert clocks.breached(running, local(WITA, 2026, 11, 5, 16, 1))
