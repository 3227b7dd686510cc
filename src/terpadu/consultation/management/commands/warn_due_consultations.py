from django.core.management.base import BaseCommand

from terpadu.consultation.services import consultations_warn_due


class Command(BaseCommand):
    help = "Warn unit admins and the assigned consultant at 1 working day left and at breach. Cron-safe."

    def handle(self, *args, **options):
        sent = consultations_warn_due()
        for consultation, kind in sent:
            self.stdout.write(f"{kind} {consultation.number}")
        self.stdout.write(f"{len(sent)} warning(s) sent.")
