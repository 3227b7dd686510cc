"""`terpadu rebuild_rollups [--unit CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from terpadu.reports import rollups
from terpadu.reports.selectors import subtree
from terpadu.units.models import Unit


def _date(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Give dates as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Recompute the daily report figures from the raw tables (a unit's subtree, or every unit)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="BPS code; the unit and every unit below it (default: all)")
        parser.add_argument("--from", dest="start", help="first local day, YYYY-MM-DD (default: 30 days ago)")
        parser.add_argument("--to", dest="end", help="last local day, YYYY-MM-DD (default: today)")

    def handle(self, *args, unit=None, start=None, end=None, **options):
        today = timezone.localdate()
        start_day = _date(start, today - dt.timedelta(days=30))
        end_day = _date(end, today)
        if end_day < start_day:
            raise CommandError("--to is before --from.")
        if unit:
            root = Unit.objects.filter(code=unit).first()
            if root is None:
                raise CommandError(f"No unit with code {unit}.")
            units = subtree(root)
        else:
            units = list(Unit.objects.filter(is_active=True).order_by("path"))
        days = rollups.rebuild(units=units, start=start_day, end=end_day)
        self.stdout.write(f"Recomputed {days} days of {len(units)} units ({start_day} to {end_day}).")
