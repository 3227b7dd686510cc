"""Working-day arithmetic for service-standard clocks; pure Python, no Django.

A `WorkingCalendar` is one unit's office hours in its own time zone plus the days it is
closed. Every "working day" rule of a standard (answer within 3 working days, pause while the
user is away) is computed here so the clocks, reports and pages agree to the second.

Office hours are half-open intervals [opens, closes) in local wall-clock time. All arithmetic
between instants is done in UTC: Python subtracts two datetimes that share a tzinfo as naive
wall-clock values, which is wrong across a DST change (none in Indonesia, but zones are data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

__all__ = [
    "CIVIL_SERVICE_HOURS",
    "MAX_SCAN_DAYS",
    "CalendarRangeError",
    "WorkingCalendar",
]

# Mon–Thu 07:30–16:00, Fri 07:30–16:30 (civil-service hours); Saturday and Sunday closed.
CIVIL_SERVICE_HOURS: Mapping[int, tuple[dt.time, dt.time]] = {
    **{weekday: (dt.time(7, 30), dt.time(16, 0)) for weekday in range(4)},
    4: (dt.time(7, 30), dt.time(16, 30)),
}

# A calendar whose next working day is more than this far away is broken (no working
# weekdays, or a closure typed as a year-long range): fail loudly instead of looping.
MAX_SCAN_DAYS = 400

_UTC = dt.UTC


class CalendarRangeError(ValueError):
    """A date falls in a year whose holidays were not loaded into the calendar."""

    def __init__(self, day: dt.date) -> None:
        super().__init__(f"The working calendar has no holiday data for {day.year} ({day.isoformat()}).")
        self.day = day


def _require_aware(moment: dt.datetime, name: str = "moment") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment!r}.")


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours per weekday (missing weekday = closed) in `zone`, minus `holidays`.

    `open_days` cancel holidays (e.g. a cuti bersama revoked by a later decree); they cannot
    open a weekday that has no office hours. `years`, when given, lists the years whose
    holidays were loaded: asking about any other year raises `CalendarRangeError` rather than
    silently treating that year's holidays as working days.
    """

    zone: ZoneInfo
    hours: dict[int, tuple[dt.time, dt.time]]
    holidays: frozenset[dt.date] = frozenset()
    open_days: frozenset[dt.date] = frozenset()
    years: frozenset[int] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        hours = dict(self.hours)
        for weekday, (opens, closes) in hours.items():
            if weekday not in range(7):
                raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}.")
            if opens.tzinfo is not None or closes.tzinfo is not None:
                raise ValueError("Office hours are local wall-clock times; give them without tzinfo.")
            if opens >= closes:
                raise ValueError(
                    f"Office hours on weekday {weekday} close ({closes}) before they open ({opens})."
                )
        # A private copy: a caller mutating its dict must not change a frozen calendar.
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "open_days", frozenset(self.open_days))
        if self.years is not None:
            object.__setattr__(self, "years", frozenset(self.years))

    # -- days -------------------------------------------------------------------------------

    def _check_covered(self, day: dt.date) -> None:
        if self.years is not None and day.year not in self.years:
            raise CalendarRangeError(day)

    def is_working_day(self, d: dt.date) -> bool:
        if isinstance(d, dt.datetime):
            # A datetime is a date subclass; its date() would silently ignore the zone.
            raise TypeError("is_working_day takes a date; use the local date of a moment.")
        self._check_covered(d)
        if d.weekday() not in self.hours:
            return False
        return d not in self.holidays or d in self.open_days

    def office_hours_on(self, d: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The opening and closing instants of day `d` in the calendar zone, or None when closed."""
        if not self.is_working_day(d):
            return None
        return self._interval(d)

    def _interval(self, d: dt.date) -> tuple[dt.datetime, dt.datetime]:
        # Callers have established that `d` is a working day.
        opens, closes = self.hours[d.weekday()]
        return (
            dt.datetime.combine(d, opens, tzinfo=self.zone),
            dt.datetime.combine(d, closes, tzinfo=self.zone),
        )

    def next_working_day(self, d: dt.date, *, inclusive: bool = False) -> dt.date:
        """The first working day after `d` (or from `d` itself when `inclusive`)."""
        day = d if inclusive else d + dt.timedelta(days=1)
        for _ in range(MAX_SCAN_DAYS):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError(
            f"No working day within {MAX_SCAN_DAYS} days after {d.isoformat()}: check the calendar."
        )

    def local_date(self, moment: dt.datetime) -> dt.date:
        _require_aware(moment)
        return moment.astimezone(self.zone).date()

    # -- deadlines --------------------------------------------------------------------------

    def end_of_nth_working_day(self, moment: dt.datetime, n: int) -> dt.datetime:
        """Closing time of the n-th working day after the local day of `moment` (n ≥ 1).

        The time of day of `moment` does not matter: a request cleared at 23:00 on a Wednesday
        and one cleared at 08:00 share the same due time (that is how the standards count).
        """
        if n < 1:
            raise ValueError(f"n must be at least 1 working day, got {n}.")
        day = self.local_date(moment)
        for _ in range(n):
            day = self.next_working_day(day)
        return self._interval(day)[1]

    # -- office minutes ---------------------------------------------------------------------

    def office_minutes_between(self, t1: dt.datetime, t2: dt.datetime) -> float:
        """Minutes within office hours from `t1` to `t2` (0 when t2 ≤ t1)."""
        _require_aware(t1, "t1")
        _require_aware(t2, "t2")
        start, end = t1.astimezone(_UTC), t2.astimezone(_UTC)
        if end <= start:
            return 0.0
        total = dt.timedelta()
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            interval = self.office_hours_on(day)
            if interval is not None:
                lo = max(interval[0].astimezone(_UTC), start)
                hi = min(interval[1].astimezone(_UTC), end)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total / dt.timedelta(minutes=1)

    def add_office_minutes(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        """The instant `minutes` office minutes after `moment` (inverse of office_minutes_between).

        Used to push a paused clock's due time. Time outside office hours does not count, and a
        remainder that exactly fills a day lands on that day's closing time, not the next opening.
        """
        _require_aware(moment)
        if minutes < 0:
            raise ValueError(f"minutes must not be negative, got {minutes}.")
        remaining = dt.timedelta(minutes=minutes)
        cursor = moment.astimezone(_UTC)
        if not remaining:
            return cursor.astimezone(self.zone)
        day = self.local_date(cursor)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        while True:
            opens, closes = self._interval(day)
            lo = max(opens.astimezone(_UTC), cursor)
            available = closes.astimezone(_UTC) - lo
            if available > dt.timedelta() and remaining <= available:
                return (lo + remaining).astimezone(self.zone)
            if available > dt.timedelta():
                remaining -= available
            day = self.next_working_day(day)

    # -- open / closed now ------------------------------------------------------------------

    def is_open(self, moment: dt.datetime) -> bool:
        _require_aware(moment)
        local = moment.astimezone(self.zone)
        interval = self.office_hours_on(local.date())
        return interval is not None and interval[0] <= local < interval[1]

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """When the office is next open at or after `moment`: `moment` itself while open."""
        _require_aware(moment)
        local = moment.astimezone(self.zone)
        day = local.date()
        interval = self.office_hours_on(day)
        if interval is not None:
            if interval[0] <= local < interval[1]:
                return local
            if local < interval[0]:
                return interval[0]
        return self._interval(self.next_working_day(day))[0]
