from django.core.management.base import BaseCommand

from terpadu.feedback.services import complaint_mark_breaches


class Command(BaseCommand):
    help = "Flag complaints not answered within 5 working days of the unit's calendar. Cron-safe."

    def handle(self, *args, **options):
        self.stdout.write(f"{complaint_mark_breaches()} complaint(s) newly marked overdue.")
