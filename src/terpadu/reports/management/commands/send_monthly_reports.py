"""`terpadu send_monthly_reports [--month YYYY-MM]`: last month's summary to every unit's heads."""

from django.core.management.base import BaseCommand, CommandError

from terpadu.reports import monthly, rollups


class Command(BaseCommand):
    help = "Mail each unit's monthly service report to its unit admins (once per unit and month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args, month=None, **options):
        try:
            chosen = monthly.parse_month(month) if month else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rollups.catch_up(limit=100_000)  # no stale day may go into a report
        sent = monthly.send_monthly_reports(month=chosen)
        for record in sent:
            self.stdout.write(f"{record.unit.code} {record.month:%Y-%m}: {', '.join(record.recipients)}")
        self.stdout.write(f"Sent {len(sent)} monthly reports.")
