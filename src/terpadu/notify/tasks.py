"""Delivery with retry: a WhatsApp message through the Cloud API, an email through SMTP.

Each task reports the outcome through `notify.signals` so the app that queued the message records it.
A retry may help on network trouble, 429 and 5xx (WhatsApp) or a failed SMTP connection; the delay
doubles from 30 s. Permanent errors (4xx, a refused recipient) are reported at once. Run eagerly
(`make run`, tests) no worker comes back later, so the retries happen at once, without the delay.
"""

import logging
import smtplib

from celery import shared_task

from . import files, signals, whatsapp
from .email import send_email

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def backoff(retries: int) -> int:
    return min(30 * 2**retries, 3600)


def _again(task, exc: Exception, attempt: int) -> int:
    """Schedule a retry on a worker (raises), or, run eagerly, return the next attempt number."""
    if not task.request.is_eager:
        raise task.retry(exc=exc, countdown=backoff(attempt))
    return attempt + 1


@shared_task(bind=True, name="notify.whatsapp_send", max_retries=MAX_RETRIES)
def whatsapp_send(
    self, ref: str, phone_number_id: str, payload: dict, media: dict | None = None
) -> str | None:
    """Send `payload`; with `media` (a `notify.files` spec) the file is uploaded first and the
    payload (an image or document message) sent with the media id the upload returned."""
    attempt = self.request.retries
    media_id = ""
    while True:
        try:
            if media and not media_id:
                data = files.read(media)
                media_id = whatsapp.media_upload(
                    phone_number_id, data, filename=media["filename"], content_type=media["content_type"]
                )
            wamid = whatsapp.send(
                phone_number_id, whatsapp.with_media_id(payload, media_id) if media else payload
            )
        except FileNotFoundError as exc:
            logger.warning("WhatsApp message %s not sent: %s", ref, exc)
            signals.failed.send(
                sender=whatsapp_send, ref=ref, error=f"file missing: {exc}"[:1000], outside_window=False
            )
            return None
        except whatsapp.WhatsAppError as exc:
            if exc.retryable and attempt < self.max_retries:
                attempt = _again(self, exc, attempt)
                continue
            logger.warning("WhatsApp message %s not sent: %s", ref, exc)
            signals.failed.send(
                sender=whatsapp_send, ref=ref, error=str(exc)[:1000], outside_window=exc.outside_window
            )
            return None
        signals.sent.send(sender=whatsapp_send, ref=ref, external_id=wamid)
        return wamid


# A file that is gone will not come back by trying again.
_PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, FileNotFoundError)


@shared_task(bind=True, name="notify.email_send", max_retries=MAX_RETRIES)
def email_send(self, ref: str, message: dict) -> bool:
    attempt = self.request.retries
    while True:
        try:
            send_email(**message)
        except (smtplib.SMTPException, OSError) as exc:
            if not isinstance(exc, _PERMANENT) and attempt < self.max_retries:
                attempt = _again(self, exc, attempt)
                continue
            logger.warning("Mail %s not sent: %s", ref, exc)
            signals.failed.send(sender=email_send, ref=ref, error=str(exc)[:1000], outside_window=False)
            return False
        signals.sent.send(sender=email_send, ref=ref, external_id=message["message_id"].strip("<>"))
        return True
