"""Telling people about a consultation outside the chat page: on the user's channel, and staff by email.

Every user-facing notice goes through `notify_user`, which routes it by the consultation's channel
(consultation.channels): WhatsApp as a text inside the 24-hour window or as the approved template
outside it, email otherwise (the number in the subject, Message-ID threading, a Reply-To naming the
consultation). Sending happens in notify's Celery tasks, with retry.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.consultation.models import Consultation, ConsultationEvent, Message

Kind = ConsultationEvent.Kind


def notify_user(
    consultation: Consultation, *, subject: str, text: str, message: Message | None = None
) -> None:
    """Send `text` to the consultation's user on their channel; an email's subject carries the number."""
    # consultation.channels sits above consultation.services, which imports this module.
    from terpadu.consultation.channels import services as channels

    channels.notify(consultation, subject=subject, text=text, message=message)


def message_to_user(message_id: int) -> None:
    """A public staff message, passed on to the user outside the chat page."""
    from terpadu.consultation.channels.services import plain_text

    message = Message.objects.select_related("consultation__user", "consultation__unit").get(pk=message_id)
    consultation = message.consultation
    with override(settings.LANGUAGE_CODE):
        subject = _("New reply: %(topic)s") % {"topic": consultation.topic}
    notify_user(consultation, subject=subject, text=plain_text(message.body), message=message)


def closed(consultation_id: int, text: str) -> None:
    consultation = Consultation.objects.select_related("user", "unit").get(pk=consultation_id)
    with override(settings.LANGUAGE_CODE):
        subject = _("Consultation closed: %(topic)s") % {"topic": consultation.topic}
    notify_user(consultation, subject=subject, text=text)


def warning(consultation_id: int, kind: str, recipients: list[str]) -> None:
    if not recipients:
        return
    consultation = Consultation.objects.select_related("unit").get(pk=consultation_id)
    due = consultation.unit.local(consultation.due_at) if consultation.due_at else None
    when = f"{due:%d-%m-%Y %H:%M} {consultation.unit.zone_abbreviation}" if due else ""
    with override(settings.LANGUAGE_CODE):
        if kind == Kind.WARNED_BREACH:
            subject = _("[%(number)s] Answer overdue") % {"number": consultation.number}
            body = _("The answer to consultation %(number)s (%(topic)s) was due at %(due)s and is overdue.")
        else:
            subject = _("[%(number)s] 1 working day left") % {"number": consultation.number}
            body = _("The answer to consultation %(number)s (%(topic)s) is due at %(due)s.")
        body = body % {"number": consultation.number, "topic": consultation.topic, "due": when}
    send_mail(subject, body, None, recipients)
