from django.core.management.base import BaseCommand

from terpadu.consultation.services import consultations_close_idle


class Command(BaseCommand):
    help = "Close consultations that have waited on the user for 7 days (reason: no response). Cron-safe."

    def handle(self, *args, **options):
        closed = consultations_close_idle()
        for consultation in closed:
            self.stdout.write(f"closed {consultation.number}")
        self.stdout.write(f"{len(closed)} consultation(s) closed.")
