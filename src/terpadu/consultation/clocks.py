"""The online response clock as a pure function of a consultation's events and the unit calendar.

The standard (seed 001, BPS Provinsi Maluku Utara): "dilayani maksimal 3 (tiga) hari kerja setelah
permintaan jelas dan persyaratan pelayanan lengkap". The clock starts when the consultant marks the
request clear and complete; the answer is due at the end of office hours of the N-th working day
after that (local) day; while the consultation waits on the user the clock stands still, and the
due time moves later by the office minutes it stood still. Nothing here reads the database, so a
report can replay any consultation's events and get the same answer the desk saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from terpadu.lib.workdays import WorkingCalendar

CLOCK_STARTED = "clock_started"
CLOCK_PAUSED = "clock_paused"
CLOCK_RESUMED = "clock_resumed"
ANSWERED = "answered"


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    at: dt.datetime


@dataclass(frozen=True)
class ClockState:
    started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None  # excludes a pause still running (see `paused_since`)
    paused_since: dt.datetime | None = None
    paused_minutes: float = 0.0
    answered_at: dt.datetime | None = None
    met: bool | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.paused_since is None and self.answered_at is None


def response_clock(
    events: Iterable[ClockEvent], calendar: WorkingCalendar, working_days: int | None
) -> ClockState:
    """Replay `events` (any order; sorted by time here) into the clock's state.

    Only the first start and the first answer count: the standard measures the time to the first
    answer. Pauses before the start or after the answer do not move the clock. Without
    `working_days` (the unit publishes no online completion time) the clock has no due time.
    """
    started = paused_since = answered = None
    paused_minutes = 0.0
    for event in sorted(events, key=lambda e: e.at):
        if event.kind == CLOCK_STARTED and started is None:
            started = event.at
        elif started is None or answered is not None:
            continue
        elif event.kind == CLOCK_PAUSED and paused_since is None:
            paused_since = event.at
        elif event.kind == CLOCK_RESUMED and paused_since is not None:
            paused_minutes += calendar.office_minutes_between(paused_since, event.at)
            paused_since = None
        elif event.kind == ANSWERED:
            if paused_since is not None:  # answered while waiting on the user: the pause ends here
                paused_minutes += calendar.office_minutes_between(paused_since, event.at)
                paused_since = None
            answered = event.at
    if started is None:
        return ClockState()
    due = None
    if working_days:
        due = calendar.end_of_nth_working_day(started, working_days)
        if paused_minutes:
            due = calendar.add_office_minutes(due, paused_minutes)
    met = None if answered is None or due is None else answered <= due
    return ClockState(started, due, paused_since, paused_minutes, answered, met)


def due_with_running_pause(
    state: ClockState, calendar: WorkingCalendar, now: dt.datetime
) -> dt.datetime | None:
    """The due time as it stands at `now`, counting a pause that has not ended yet."""
    if state.due_at is None or state.paused_since is None:
        return state.due_at
    return calendar.add_office_minutes(state.due_at, calendar.office_minutes_between(state.paused_since, now))


def due_soon(state: ClockState, calendar: WorkingCalendar, now: dt.datetime) -> bool:
    """One working day or less left: the due time falls no later than the end of the next working
    day after today (or today itself)."""
    if not state.running or state.due_at is None or now > state.due_at:
        return False
    return state.due_at <= calendar.end_of_nth_working_day(now, 1)


def breached(state: ClockState, now: dt.datetime) -> bool:
    return state.running and state.due_at is not None and now > state.due_at
