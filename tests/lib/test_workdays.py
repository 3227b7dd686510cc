"""WorkingCalendar arithmetic, without a database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terpadu.lib.holidays_id import indonesian_holidays
from terpadu.lib.workdays import CIVIL_SERVICE_HOURS, CalendarRangeError, WorkingCalendar

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
UTC = dt.UTC
YEARS = frozenset(range(2025, 2030))


def civil_calendar(zone: ZoneInfo = WITA, **kwargs) -> WorkingCalendar:
    kwargs.setdefault("holidays", frozenset(indonesian_holidays(YEARS)))
    return WorkingCalendar(zone=zone, hours=dict(CIVIL_SERVICE_HOURS), **kwargs)


CAL = civil_calendar()


def wita(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


# -- the examples of the brief --------------------------------------------------------------


def test_christmas_2026_pushes_three_working_days_to_wednesday_30_december():
    # 24 Dec cuti bersama, 25 Dec Christmas, 26–27 weekend: 28, 29, 30 Dec.
    assert CAL.end_of_nth_working_day(wita(2026, 12, 23, 10, 0), 3) == wita(2026, 12, 30, 16, 0)


def test_nyepi_and_idul_fitri_2026_push_three_working_days_to_friday_27_march():
    # 18–24 Mar: Nyepi, Idul Fitri and their cuti bersama, plus the weekend; Friday closes 16:30.
    due = CAL.end_of_nth_working_day(wita(2026, 3, 17, 9, 0), 3)
    assert due == wita(2026, 3, 27, 16, 30)


def test_holidays_package_marks_the_2026_examples_as_non_working():
    for day in [dt.date(2026, 12, 24), dt.date(2026, 12, 25)] + [dt.date(2026, 3, d) for d in range(18, 25)]:
        assert not CAL.is_working_day(day), day


# -- deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize("clock", [(0, 0), (7, 0), (12, 0), (16, 59), (23, 59)])
def test_time_of_day_of_the_start_does_not_change_the_due_time(clock):
    assert CAL.end_of_nth_working_day(wita(2026, 11, 23, *clock), 1) == wita(2026, 11, 24, 16, 0)


def test_the_local_day_counts_not_the_utc_day():
    # 16:30 UTC on Tuesday 22 Dec is already 00:30 on Wednesday 23 Dec in WITA.
    moment = dt.datetime(2026, 12, 22, 16, 30, tzinfo=UTC)
    assert CAL.end_of_nth_working_day(moment, 3) == wita(2026, 12, 30, 16, 0)
    wib = civil_calendar(WIB)
    assert wib.end_of_nth_working_day(moment, 3) == dt.datetime(2026, 12, 29, 16, 0, tzinfo=WIB)


def test_due_time_is_returned_in_the_calendar_zone():
    due = CAL.end_of_nth_working_day(dt.datetime(2026, 12, 23, 2, 0, tzinfo=UTC), 3)
    assert due.tzinfo == WITA
    assert due.astimezone(UTC) == dt.datetime(2026, 12, 30, 8, 0, tzinfo=UTC)


def test_a_start_on_a_weekend_counts_from_monday():
    assert CAL.end_of_nth_working_day(wita(2026, 11, 21, 10, 0), 1) == wita(2026, 11, 23, 16, 0)


def test_n_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        CAL.end_of_nth_working_day(wita(2026, 11, 23, 10, 0), 0)


def test_open_day_cancels_a_holiday_but_cannot_open_a_weekend():
    cal = civil_calendar(open_days=frozenset({dt.date(2026, 12, 24), dt.date(2026, 12, 26)}))
    assert cal.is_working_day(dt.date(2026, 12, 24))
    assert not cal.is_working_day(dt.date(2026, 12, 26))  # Saturday: no office hours to open
    assert cal.end_of_nth_working_day(wita(2026, 12, 23, 10, 0), 3) == wita(2026, 12, 29, 16, 0)


def test_a_calendar_without_working_weekdays_fails_instead_of_looping():
    cal = WorkingCalendar(zone=WITA, hours={}, holidays=frozenset(), open_days=frozenset())
    with pytest.raises(ValueError, match="No working day"):
        cal.end_of_nth_working_day(wita(2026, 1, 5, 10, 0), 1)
    with pytest.raises(ValueError, match="No working day"):
        cal.add_office_minutes(wita(2026, 1, 5, 10, 0), 1)
    with pytest.raises(ValueError, match="No working day"):
        cal.next_opening(wita(2026, 1, 5, 10, 0))
    assert cal.office_minutes_between(wita(2026, 1, 5), wita(2026, 2, 5)) == 0


def test_a_calendar_refuses_years_whose_holidays_it_does_not_know():
    cal = civil_calendar(years=frozenset({2026}))
    assert cal.end_of_nth_working_day(wita(2026, 12, 23, 10, 0), 3) == wita(2026, 12, 30, 16, 0)
    with pytest.raises(CalendarRangeError) as excinfo:
        cal.end_of_nth_working_day(wita(2026, 12, 30, 10, 0), 3)
    assert excinfo.value.day == dt.date(2027, 1, 1)


# -- validation -----------------------------------------------------------------------------


NAIVE = dt.datetime(2026, 12, 23, 10, 0)  # noqa: DTZ001 - naive on purpose, to be refused


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.end_of_nth_working_day(NAIVE, 3),
        lambda: CAL.office_minutes_between(NAIVE, wita(2026, 12, 30)),
        lambda: CAL.office_minutes_between(wita(2026, 12, 1), NAIVE),
        lambda: CAL.add_office_minutes(NAIVE, 10),
        lambda: CAL.next_opening(NAIVE),
        lambda: CAL.is_open(NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        CAL.is_working_day(wita(2026, 12, 23, 10, 0))


@pytest.mark.parametrize(
    "hours",
    [
        {0: (dt.time(16, 0), dt.time(7, 30))},
        {0: (dt.time(8, 0), dt.time(8, 0))},
        {7: (dt.time(8, 0), dt.time(16, 0))},
        {0: (dt.time(8, 0, tzinfo=UTC), dt.time(16, 0))},
    ],
)
def test_bad_office_hours_are_refused(hours):
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        WorkingCalendar(zone=WITA, hours=hours, holidays=frozenset(), open_days=frozenset())


def test_the_calendar_keeps_its_own_copy_of_the_hours():
    hours = dict(CIVIL_SERVICE_HOURS)
    cal = WorkingCalendar(zone=WITA, hours=hours, holidays=frozenset(), open_days=frozenset())
    hours.clear()
    assert cal.is_working_day(dt.date(2026, 11, 23))


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        CAL.add_office_minutes(wita(2026, 11, 23, 10, 0), -1)


# -- office minutes -------------------------------------------------------------------------


def test_office_minutes_within_one_day():
    assert CAL.office_minutes_between(wita(2026, 11, 23, 6, 0), wita(2026, 11, 23, 8, 0)) == 30
    assert CAL.office_minutes_between(wita(2026, 11, 23, 15, 0), wita(2026, 11, 23, 18, 0)) == 60


def test_office_minutes_across_a_weekend_count_the_longer_friday():
    # Friday 16:00–16:30 plus Monday 07:30–08:30.
    assert CAL.office_minutes_between(wita(2026, 11, 27, 16, 0), wita(2026, 11, 30, 8, 30)) == 90


def test_office_minutes_skip_christmas_and_cuti_bersama():
    # Wednesday 15:00–16:00, then 24–27 Dec closed, then Monday 07:30–08:30.
    assert CAL.office_minutes_between(wita(2026, 12, 23, 15, 0), wita(2026, 12, 28, 8, 30)) == 120


def test_office_minutes_accept_instants_in_other_zones():
    t1 = dt.datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 WITA
    t2 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=WIT)  # 09:00 WITA
    assert CAL.office_minutes_between(t1, t2) == 60


def test_office_minutes_are_zero_backwards():
    assert CAL.office_minutes_between(wita(2026, 11, 24, 10, 0), wita(2026, 11, 23, 10, 0)) == 0


def test_adding_minutes_skips_the_night_and_the_holidays():
    assert CAL.add_office_minutes(wita(2026, 12, 23, 15, 30), 60) == wita(2026, 12, 28, 8, 0)


def test_adding_minutes_that_fill_the_day_ends_at_closing_time():
    assert CAL.add_office_minutes(wita(2026, 11, 27, 16, 0), 30) == wita(2026, 11, 27, 16, 30)


def test_adding_minutes_from_a_closing_time_starts_the_next_morning():
    assert CAL.add_office_minutes(wita(2026, 11, 24, 16, 0), 30) == wita(2026, 11, 25, 8, 0)


def test_adding_zero_minutes_keeps_the_moment():
    moment = wita(2026, 11, 28, 3, 0)
    assert CAL.add_office_minutes(moment, 0) == moment


# -- open now -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (wita(2026, 11, 23, 7, 29), False),
        (wita(2026, 11, 23, 7, 30), True),
        (wita(2026, 11, 23, 15, 59), True),
        (wita(2026, 11, 23, 16, 0), False),
        (wita(2026, 11, 27, 16, 15), True),  # Friday until 16:30
        (wita(2026, 11, 28, 10, 0), False),  # Saturday
        (wita(2026, 12, 24, 10, 0), False),  # cuti bersama
    ],
)
def test_is_open(moment, is_open):
    assert CAL.is_open(moment) is is_open


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wita(2026, 11, 23, 6, 0), wita(2026, 11, 23, 7, 30)),
        (wita(2026, 11, 23, 9, 0), wita(2026, 11, 23, 9, 0)),  # already open
        (wita(2026, 11, 23, 16, 0), wita(2026, 11, 24, 7, 30)),
        (wita(2026, 11, 27, 17, 0), wita(2026, 11, 30, 7, 30)),
        (wita(2026, 12, 23, 16, 0), wita(2026, 12, 28, 7, 30)),
    ],
)
def test_next_opening(moment, expected):
    assert CAL.next_opening(moment) == expected


# -- properties -----------------------------------------------------------------------------

zones = st.sampled_from([UTC, WIB, WITA, WIT])
moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive, zones come below
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=zones,
)
calendars = st.sampled_from([CAL, civil_calendar(WIB), civil_calendar(WIT)])
MICROSECOND_IN_MINUTES = 1 / 60_000_000


@settings(max_examples=200, deadline=None)
@given(cal=calendars, moment=moments, minutes=st.floats(min_value=0, max_value=20_000, allow_nan=False))
def test_office_minutes_invert_adding_office_minutes(cal, moment, minutes):
    later = cal.add_office_minutes(moment, minutes)
    assert later >= moment
    assert cal.office_minutes_between(moment, later) == pytest.approx(minutes, abs=2 * MICROSECOND_IN_MINUTES)
    if dt.timedelta(minutes=minutes):  # below a microsecond rounds to "no time at all"
        assert cal.office_hours_on(later.date()) is not None  # lands inside a working day


@settings(max_examples=200, deadline=None)
@given(cal=calendars, moment=moments, n=st.integers(min_value=1, max_value=30))
def test_due_time_is_the_closing_time_of_the_nth_working_day(cal, moment, n):
    due = cal.end_of_nth_working_day(moment, n)
    assert due.tzinfo == cal.zone
    assert cal.is_working_day(due.date())
    assert due.time() == cal.hours[due.weekday()][1]
    start = cal.local_date(moment)
    days = (start + dt.timedelta(days=i) for i in range(1, (due.date() - start).days + 1))
    assert sum(cal.is_working_day(day) for day in days) == n


@settings(max_examples=200, deadline=None)
@given(cal=calendars, a=moments, b=moments, c=moments)
def test_office_minutes_add_up_over_consecutive_spans(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    total = cal.office_minutes_between(a, c)
    assert cal.office_minutes_between(a, b) + cal.office_minutes_between(b, c) == pytest.approx(total)
    assert total <= (c - a) / dt.timedelta(minutes=1) + 1e-9


@settings(max_examples=200, deadline=None)
@given(cal=calendars, moment=moments)
def test_next_opening_is_open_and_nothing_is_open_before_it(cal, moment):
    opening = cal.next_opening(moment)
    assert opening >= moment
    assert cal.is_open(opening)
    assert cal.office_minutes_between(moment, opening) == 0
    assert cal.is_open(moment) == (opening == moment)
