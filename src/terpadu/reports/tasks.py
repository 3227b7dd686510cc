"""Celery tasks: thin, idempotent wrappers over the rollup and monthly-mail services."""

import datetime as dt

from celery import shared_task

from terpadu.reports import rollups


@shared_task(name="reports.refresh_rollup_days")
def refresh_rollup_days(keys: list[list]) -> int:
    """Recompute the given [unit id, "YYYY-MM-DD"] days; safe to run twice."""
    return rollups.refresh_days((int(unit_id), dt.date.fromisoformat(day)) for unit_id, day in keys)


@shared_task(name="reports.catch_up_rollups")
def catch_up_rollups() -> int:
    """Every 15 minutes: the days marked changed whose refresh never ran."""
    return rollups.catch_up()


@shared_task(name="reports.rebuild_recent_rollups")
def rebuild_recent_rollups() -> int:
    """Nightly: yesterday and today of every unit, recomputed whatever was marked."""
    return rollups.rebuild_recent()


@shared_task(name="reports.send_monthly_reports")
def send_monthly_reports() -> int:
    """The 1st of each month: last month's summary to every unit's admins (once per unit and month)."""
    from terpadu.reports import monthly

    rollups.catch_up(limit=100_000)
    return len(monthly.send_monthly_reports())
