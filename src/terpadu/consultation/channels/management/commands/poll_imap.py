"""`terpadu poll_imap`: fetch unseen mail from IMAP_URL (or --url) once; cron it or let beat run it."""

import imaplib

from django.core.management.base import BaseCommand, CommandError

from terpadu.consultation.channels import imap


class Command(BaseCommand):
    help = "Process the unseen messages of the IMAP mailbox in IMAP_URL, then mark them seen."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="imaps://user:password@host/INBOX (default: IMAP_URL)")

    def handle(self, *args, url=None, **options):
        try:
            result = imap.poll(url)
        except (imap.ImapUrlError, imaplib.IMAP4.error, OSError) as exc:
            raise CommandError(f"poll_imap: {exc}") from exc
        summary = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items())) or "nothing new"
        self.stdout.write(
            f"{result.seen} processed ({summary}); {result.refused} refused; {result.left_unseen} left unseen"
        )
