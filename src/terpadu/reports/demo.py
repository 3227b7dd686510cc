"""Demo data of reports: none of its own; the rollups are recomputed over the demo period, because
other apps' demo loaders may back-date rows after saving them (which no commit hook sees)."""

import datetime as dt

from django.utils import timezone

from terpadu.reports import rollups
from terpadu.units.models import Unit

DEMO_DAYS = 400  # the feedback demo spreads responses over the past twelve months


def load(stdout) -> None:
    today = timezone.localdate()
    units = list(Unit.objects.filter(is_active=True))
    days = rollups.rebuild(
        units=units, start=today - dt.timedelta(days=DEMO_DAYS), end=today + dt.timedelta(days=1)
    )
    stdout.write(f"Report figures: {days} unit-days recomputed.")
