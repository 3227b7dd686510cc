"""`terpadu inbound_email < message.eml`: one RFC 822 message from an MTA pipe.

Exit 0 when stored, held, ignored (an auto-reply) or already seen; 65 when the input is not a
readable email, 67 when nobody here could receive it: the MTA bounces those with our message.
"""

import sys

from django.core.management.base import BaseCommand

from terpadu.consultation.channels import services


class Command(BaseCommand):
    help = "Read one email (RFC 822) on stdin and add it to its consultation, open one, or hold it."

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        try:
            outcome = services.email_receive(raw)
        except services.InboundEmailError as exc:
            self.stderr.write(f"inbound_email: {exc}")
            sys.exit(exc.exit_code)
        number = outcome.consultation.number if outcome.consultation else "-"
        self.stdout.write(f"{outcome.action} {number}")
