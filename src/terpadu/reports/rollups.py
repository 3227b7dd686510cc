"""Keeping the daily figures equal to the raw tables, incrementally.

A change to a raw row marks its (unit, local day); after the transaction commits, the marks are
written (`RollupDay.marked_at`) and one task recomputes those days. Recomputing a day replaces
all its figures from the raw rows inside a transaction holding that day's `RollupDay` row lock,
so it is idempotent and two workers never interleave on one day. A day whose task was lost stays
stale (`marked_at > computed_at`) until the beat catch-up recomputes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from terpadu.reports import figures
from terpadu.reports.models import DailyFigure, RollupDay
from terpadu.units.models import Unit

log = logging.getLogger(__name__)
DayKey = tuple[int, dt.date]
REBUILD_CHUNK_DAYS = 31


def _stale(marked_at, computed_at) -> bool:
    # A tie counts as stale: only a refresh that began after a change is sure to have read it.
    return computed_at is None or (marked_at is not None and marked_at >= computed_at)


def refresh_range(*, unit: Unit, start: dt.date, end: dt.date, only_stale: bool = False) -> int:
    """Recompute every figure of `unit` on its local days `start`..`end` from the raw rows.

    Holds the days' RollupDay row locks (taken in day order, so two overlapping refreshes cannot
    deadlock) while it deletes and rewrites their figures; returns the number of figure rows.
    With `only_stale`, days that a refresh begun after their last change already covered are
    left alone: a burst of changes to one day costs one or two recomputes, not one each.
    """
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    span = {"unit": unit, "day__gte": start, "day__lte": end}
    with transaction.atomic():
        RollupDay.objects.bulk_create([RollupDay(unit=unit, day=day) for day in days], ignore_conflicts=True)
        # The locks serialise recomputes of a day; readers are never blocked.
        states = list(
            RollupDay.objects.select_for_update()
            .filter(**span)
            .order_by("day")
            .values_list("marked_at", "computed_at")
        )
        if only_stale and not any(_stale(marked, computed) for marked, computed in states):
            return 0
        # The database's clock, as for the marks: app nodes' clocks may disagree.
        RollupDay.objects.filter(**span).update(computed_at=Now())
        computed = figures.raw_figures([unit], start, end, group="day")
        DailyFigure.objects.filter(**span).delete()
        DailyFigure.objects.bulk_create(
            [
                DailyFigure(unit=unit, day=day, metric=metric, dimension=dimension, key=key, value=value)
                for (_unit, day, metric, dimension, key), value in computed.items()
            ],
            batch_size=2000,
        )
    return len(computed)


def refresh_day(*, unit: Unit, day: dt.date, only_stale: bool = False) -> int:
    """Recompute one local day of `unit` (what each change to a raw row leads to)."""
    return refresh_range(unit=unit, start=day, end=day, only_stale=only_stale)


def refresh_days(keys: Iterable[DayKey], *, only_stale: bool = True) -> int:
    """Recompute the marked days that no later refresh has covered yet (the task's work)."""
    keys = sorted(set(keys))
    units = Unit.objects.in_bulk({unit_id for unit_id, _day in keys})
    total = 0
    for unit_id, day in keys:
        if unit_id in units:
            total += refresh_day(unit=units[unit_id], day=day, only_stale=only_stale)
    return total


def mark_days(keys: Iterable[DayKey], *, enqueue: bool = True) -> None:
    """Record that these days changed, then have them recomputed (after the current commit)."""
    keys = sorted(set(keys))
    if not keys:
        return
    RollupDay.objects.bulk_create(
        [RollupDay(unit_id=unit_id, day=day) for unit_id, day in keys], ignore_conflicts=True
    )
    by_unit: dict[int, list[dt.date]] = {}
    for unit_id, day in keys:
        by_unit.setdefault(unit_id, []).append(day)
    for unit_id, unit_days in by_unit.items():
        RollupDay.objects.filter(unit_id=unit_id, day__in=unit_days).update(marked_at=Now())
    if enqueue:
        from terpadu.reports.tasks import refresh_rollup_days

        payload = [[unit_id, day.isoformat()] for unit_id, day in keys]
        try:
            refresh_rollup_days.delay(payload)
        except Exception:  # the broker is down: the days stay stale for the catch-up
            log.exception("could not enqueue the rollup refresh of %s days", len(payload))


def stale_days(limit: int = 500) -> list[DayKey]:
    rows = RollupDay.objects.filter(Q(computed_at__isnull=True) | Q(marked_at__gte=F("computed_at")))
    return [(unit_id, day) for unit_id, day in rows.order_by("day").values_list("unit_id", "day")[:limit]]


def catch_up(limit: int = 500) -> int:
    """Recompute the days whose refresh task never ran (a lost task, a broker outage)."""
    keys = stale_days(limit)
    refresh_days(keys)
    return len(keys)


def rebuild(*, units: Iterable[Unit], start: dt.date, end: dt.date) -> int:
    """Recompute every day from `start` to `end` of `units` (the command and the nightly pass)."""
    days = 0
    for unit in units:
        first = start
        while first <= end:
            # A month at a time: one grouped pass over the raw rows instead of one per day.
            last = min(first + dt.timedelta(days=REBUILD_CHUNK_DAYS - 1), end)
            refresh_range(unit=unit, start=first, end=last)
            days += (last - first).days + 1
            first = last + dt.timedelta(days=1)
    return days


def local_today(unit: Unit, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(ZoneInfo(unit.time_zone)).date()


def rebuild_recent(*, now: dt.datetime | None = None) -> int:
    """Nightly: yesterday and today of every active unit, whatever was marked."""
    count = 0
    for unit in Unit.objects.filter(is_active=True):
        today = local_today(unit, now)
        count += rebuild(units=[unit], start=today - dt.timedelta(days=1), end=today)
    return count
