"""A unit's working calendar from the database: office hours, holidays, overrides, zones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from terpadu.lib.workdays import CalendarRangeError
from terpadu.units.calendar import due_at, office_minutes, unit_calendar
from terpadu.units.models import CalendarOverride, OfficeHours

UTC = dt.UTC
WITA = ZoneInfo("Asia/Makassar")


def local(unit, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=unit.zone)


def test_consultation_cleared_before_christmas_is_due_on_wednesday_30_december(unit_a):
    due = due_at(unit_a, local(unit_a, 2026, 12, 23, 14, 0), 3)
    assert due == local(unit_a, 2026, 12, 30, 16, 0)
    assert due.astimezone(UTC) == dt.datetime(2026, 12, 30, 8, 0, tzinfo=UTC)  # 16:00 WITA


def test_consultation_cleared_before_nyepi_and_lebaran_is_due_on_friday_27_march(unit_a):
    assert due_at(unit_a, local(unit_a, 2026, 3, 17, 9, 0), 3) == local(unit_a, 2026, 3, 27, 16, 30)


@pytest.mark.parametrize(
    ("unit_fixture", "utc_hour"),
    [("national", 9), ("unit_a", 8), ("unit_b", 7)],  # WIB, WITA, WIT
)
def test_due_time_is_the_end_of_office_hours_in_the_units_own_zone(request, unit_fixture, utc_hour):
    unit = request.getfixturevalue(unit_fixture)
    due = due_at(unit, local(unit, 2026, 12, 23, 10, 0), 3)
    assert due == local(unit, 2026, 12, 30, 16, 0)
    assert due.tzinfo == unit.zone
    assert due.astimezone(UTC) == dt.datetime(2026, 12, 30, utc_hour, 0, tzinfo=UTC)


def test_the_same_instant_can_fall_on_different_local_days(national, unit_a, unit_b):
    # 16:30 UTC on Tue 22 Dec: still Tuesday 23:30 in WIB, already Wednesday in WITA and WIT.
    moment = dt.datetime(2026, 12, 22, 16, 30, tzinfo=UTC)
    assert due_at(national, moment, 3) == local(national, 2026, 12, 29, 16, 0)
    assert due_at(unit_a, moment, 3) == local(unit_a, 2026, 12, 30, 16, 0)
    assert due_at(unit_b, moment, 3) == local(unit_b, 2026, 12, 30, 16, 0)


def test_a_unit_closure_pushes_its_own_due_date_only(unit_a, unit_b):
    CalendarOverride.objects.create(unit=unit_a, date=dt.date(2026, 12, 29), kind="closed", reason="Banjir")
    assert due_at(unit_a, local(unit_a, 2026, 12, 23, 10, 0), 3) == local(unit_a, 2026, 12, 31, 16, 0)
    assert due_at(unit_b, local(unit_b, 2026, 12, 23, 10, 0), 3) == local(unit_b, 2026, 12, 30, 16, 0)


def test_a_nationwide_open_override_cancels_a_cuti_bersama_day(unit_a, unit_b):
    CalendarOverride.objects.create(date=dt.date(2026, 12, 24), kind="open", reason="Cuti bersama dibatalkan")
    assert unit_calendar(unit_a).is_working_day(dt.date(2026, 12, 24))
    assert due_at(unit_a, local(unit_a, 2026, 12, 23, 10, 0), 3) == local(unit_a, 2026, 12, 29, 16, 0)
    assert due_at(unit_b, local(unit_b, 2026, 12, 23, 10, 0), 3) == local(unit_b, 2026, 12, 29, 16, 0)


def test_a_units_own_override_wins_over_the_nationwide_one(unit_a, unit_b):
    CalendarOverride.objects.create(date=dt.date(2026, 12, 24), kind="open", reason="Cuti bersama dibatalkan")
    CalendarOverride.objects.create(
        unit=unit_a, date=dt.date(2026, 12, 24), kind="closed", reason="Hari jadi"
    )
    assert not unit_calendar(unit_a).is_working_day(dt.date(2026, 12, 24))
    assert unit_calendar(unit_b).is_working_day(dt.date(2026, 12, 24))


def test_a_unit_open_override_cancels_a_nationwide_closure(unit_a, unit_b):
    CalendarOverride.objects.create(date=dt.date(2026, 11, 24), kind="closed", reason="Pilkada")
    CalendarOverride.objects.create(unit=unit_a, date=dt.date(2026, 11, 24), kind="open", reason="Tetap buka")
    assert unit_calendar(unit_a).is_working_day(dt.date(2026, 11, 24))
    assert not unit_calendar(unit_b).is_working_day(dt.date(2026, 11, 24))


def test_another_units_closure_does_not_leak(unit_a, unit_b):
    CalendarOverride.objects.create(unit=unit_b, date=dt.date(2026, 11, 24), kind="closed", reason="Gempa")
    assert unit_calendar(unit_a).is_working_day(dt.date(2026, 11, 24))


def test_a_friday_due_date_ends_at_16_30(unit_a):
    due = due_at(unit_a, local(unit_a, 2026, 11, 23, 10, 0), 4)
    assert due == local(unit_a, 2026, 11, 27, 16, 30)
    assert due.weekday() == 4


def test_a_deadline_running_into_the_next_year_uses_next_years_holidays(unit_a):
    # 31 Dec (1); 1 Jan 2027 New Year; weekend; 4 Jan (2); 5 Jan 2027 Isra Mikraj; 6 Jan (3).
    assert due_at(unit_a, local(unit_a, 2026, 12, 30, 10, 0), 3) == local(unit_a, 2027, 1, 6, 16, 0)


def test_a_long_deadline_loads_as_many_years_as_it_needs(unit_a):
    moment = local(unit_a, 2026, 3, 2, 10, 0)
    wide = unit_calendar(unit_a, years=range(2026, 2031))
    assert due_at(unit_a, moment, 600) == wide.end_of_nth_working_day(moment, 600)
    assert due_at(unit_a, moment, 600).year >= 2028


def test_unit_office_hours_replace_the_default(unit_a):
    for weekday in range(5):
        OfficeHours.objects.create(unit=unit_a, weekday=weekday, opens=dt.time(8, 0), closes=dt.time(15, 0))
    OfficeHours.objects.create(unit=unit_a, weekday=5, opens=dt.time(8, 0), closes=dt.time(12, 0))
    # Saturday now counts: Mon 23 Nov → Tue, Wed, Thu, Fri, Sat 28 Nov at noon.
    assert due_at(unit_a, local(unit_a, 2026, 11, 23, 10, 0), 5) == local(unit_a, 2026, 11, 28, 12, 0)
    assert due_at(unit_a, local(unit_a, 2026, 11, 23, 10, 0), 4) == local(unit_a, 2026, 11, 27, 15, 0)


def test_office_minutes_across_a_weekend_and_holidays(unit_a):
    # Wed 23 Dec 15:00–16:00, then 24 (cuti bersama), 25 (Natal), 26–27 (weekend), Mon 07:30–08:30.
    assert (
        office_minutes(unit_a, local(unit_a, 2026, 12, 23, 15, 0), local(unit_a, 2026, 12, 28, 8, 30)) == 120
    )


def test_office_minutes_across_an_ordinary_weekend(unit_b):
    # Friday 16:00–16:30 and Monday 07:30–08:00, in WIT.
    t1 = dt.datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # Fri 16:00 WIT
    t2 = dt.datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Mon 08:00 WIT
    assert office_minutes(unit_b, t1, t2) == 60


def test_office_minutes_over_new_year_and_several_years(unit_a):
    t1 = local(unit_a, 2026, 12, 31, 15, 0)
    assert office_minutes(unit_a, t1, local(unit_a, 2027, 1, 4, 8, 30)) == 120
    t2 = local(unit_a, 2029, 1, 2, 7, 30)
    wide = unit_calendar(unit_a, years=range(2026, 2030))
    assert office_minutes(unit_a, t1, t2) == wide.office_minutes_between(t1, t2)
    assert office_minutes(unit_a, t2, t1) == 0


def test_naive_moments_are_refused(unit_a):
    naive = dt.datetime(2026, 12, 23, 10, 0)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="aware"):
        due_at(unit_a, naive, 3)
    with pytest.raises(ValueError, match="aware"):
        office_minutes(unit_a, naive, local(unit_a, 2026, 12, 24, 10, 0))


def test_a_calendar_refuses_dates_outside_its_years(unit_a):
    calendar = unit_calendar(unit_a, years=[2026])
    assert calendar.years == {2026}
    with pytest.raises(CalendarRangeError):
        calendar.is_working_day(dt.date(2027, 1, 4))


def test_default_years_are_around_today_in_the_units_zone(unit_a):
    calendar = unit_calendar(unit_a)
    this_year = timezone.now().astimezone(WITA).year
    assert calendar.years == {this_year - 1, this_year, this_year + 1}


def test_building_a_calendar_takes_two_queries(unit_a, django_assert_num_queries):
    with django_assert_num_queries(2):
        unit_calendar(unit_a, years=[2026, 2027])
