"""Reads for the dashboards: the rolled-up figures of a unit's subtree over a period.

`rollup_figures` is what a dashboard reads (a few indexed sums over DailyFigure);
`raw_figures_for` computes the very same structure from the raw tables, for the tests and
bench/reports.py to check the rollups against.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from terpadu.core.access import staff_units
from terpadu.reports import figures
from terpadu.reports.models import DailyFigure
from terpadu.units.models import StaffRole, Unit

# The breakdowns shown per period; the others (counter, publication, ...) only as totals.
PERIOD_DIMENSIONS = ("all", "service", "institution_kind", "standard", "channel")
# The breakdowns shown per unit (units side by side).
UNIT_DIMENSIONS = ("all", "standard")


def report_units(user) -> QuerySet:
    """The units whose dashboards `user` may read: unit heads (unit admins) and above."""
    return staff_units(user, roles=[StaffRole.Role.UNIT_ADMIN])


def subtree(unit: Unit) -> list[Unit]:
    """The unit and every active unit below it, in code order: what its dashboard adds up."""
    return list(Unit.objects.filter(path__startswith=unit.path, is_active=True).order_by("path"))


@dataclass
class Figures:
    """Figures of a set of units over a period: in total, per period and per unit (totals only)."""

    group: str
    totals: dict[tuple[str, str, str], int] = field(default_factory=dict)
    periods: dict[tuple[dt.date, str, str, str], int] = field(default_factory=dict)
    units: dict[tuple[int, str, str, str], int] = field(default_factory=dict)

    def total(self, metric: str, dimension: str = "all", key: str = "") -> int:
        return self.totals.get((metric, dimension, key), 0)

    def in_period(self, period: dt.date, metric: str, dimension: str = "all", key: str = "") -> int:
        return self.periods.get((period, metric, dimension, key), 0)

    def of_unit(self, unit_id: int, metric: str, dimension: str = "all", key: str = "") -> int:
        return self.units.get((unit_id, metric, dimension, key), 0)

    def keys(self, metric: str, dimension: str) -> list[str]:
        return sorted({k for (m, d, k), v in self.totals.items() if m == metric and d == dimension and v})

    def keys_of(self, metrics: Iterable[str], dimension: str) -> list[str]:
        wanted = set(metrics)
        return sorted({k for (m, d, k), v in self.totals.items() if m in wanted and d == dimension and v})


def _period_of_day(group: str):
    if group == "week":
        return TruncWeek("day")
    if group == "month":
        return TruncMonth("day")
    return F("day")


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def rollup_figures(units: Iterable[Unit], start: dt.date, end: dt.date, group: str = "month") -> Figures:
    """The dashboard's figures from the daily rollups: three grouped sums."""
    ids = [unit.pk for unit in units]
    rows = DailyFigure.objects.filter(unit_id__in=ids, day__gte=start, day__lte=end).order_by()
    result = Figures(group=group)
    for row in rows.values("metric", "dimension", "key").annotate(v=Sum("value")):
        result.totals[(row["metric"], row["dimension"], row["key"])] = row["v"]
    by_period = (
        rows.filter(dimension__in=PERIOD_DIMENSIONS)
        .annotate(period=_period_of_day(group))
        .values("period", "metric", "dimension", "key")
        .annotate(v=Sum("value"))
    )
    for row in by_period:
        result.periods[(_as_date(row["period"]), row["metric"], row["dimension"], row["key"])] = row["v"]
    by_unit = (
        rows.filter(dimension__in=UNIT_DIMENSIONS)
        .values("unit_id", "metric", "dimension", "key")
        .annotate(v=Sum("value"))
    )
    for row in by_unit:
        result.units[(row["unit_id"], row["metric"], row["dimension"], row["key"])] = row["v"]
    return result


def raw_figures_for(units: Iterable[Unit], start: dt.date, end: dt.date, group: str = "month") -> Figures:
    """The same figures as `rollup_figures`, computed from the raw tables."""
    raw = figures.raw_figures(list(units), start, end, group=group)
    totals: dict = defaultdict(int)
    periods: dict = defaultdict(int)
    per_unit: dict = defaultdict(int)
    for (unit_id, period, metric, dimension, key), value in raw.items():
        totals[(metric, dimension, key)] += value
        if dimension in PERIOD_DIMENSIONS:
            periods[(period, metric, dimension, key)] += value
        if dimension in UNIT_DIMENSIONS:
            per_unit[(unit_id, metric, dimension, key)] += value
    return Figures(group=group, totals=dict(totals), periods=dict(periods), units=dict(per_unit))


def periods_between(start: dt.date, end: dt.date, group: str) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(period key, first day, last day) of every period touching [start, end], clipped to it."""
    result = []
    key = figures.period_start(start, group)
    while key <= end:
        if group == "day":
            following = key + dt.timedelta(days=1)
        elif group == "week":
            following = key + dt.timedelta(days=7)
        else:
            following = (key.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        result.append((key, max(key, start), min(following - dt.timedelta(days=1), end)))
        key = following
    return result
