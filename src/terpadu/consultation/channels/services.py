"""WhatsApp and email into and out of consultations.

In: a WhatsApp webhook or an inbound email is matched to a consultation (or opens one) and posted
through `consultation.services`, so the clock and the 7-day rule behave as for the web chat. Every
outside message is a `ChannelMessage` whose outside id is unique: a delivery seen twice is stored once.
Out: `notifications` calls `notify` here; the message is recorded, then handed to a `notify` task
after commit (retry there); the task's outcome comes back through `notify.signals` (receivers.py).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import mimetypes
from dataclasses import dataclass
from email.utils import parseaddr
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.consultation import services as consultation_services
from terpadu.consultation.models import Attachment, Consultation, Message
from terpadu.core import events as core_events
from terpadu.core.access import is_staff_of
from terpadu.notify import files as notify_files
from terpadu.notify import tasks as notify_tasks
from terpadu.notify import whatsapp
from terpadu.notify.email import new_message_id
from terpadu.units.models import Unit

from . import mail
from .models import ChannelMessage, Contact, HeldEmail, Kind, Thread, WhatsAppNumber

logger = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=24)
Direction = ChannelMessage.Direction
Sent = ChannelMessage.Status
# WhatsApp delivery statuses only move forward: a late "delivered" never undoes "read".
_STATUS_ORDER = {Sent.QUEUED: 0, Sent.SENT: 1, Sent.DELIVERED: 2, Sent.READ: 3}


# --- where a consultation from outside goes ---------------------------------------------------------


def default_unit() -> Unit | None:
    code = settings.CONSULTATION_CHANNEL_UNIT
    return Unit.objects.filter(code=code, is_active=True).first() if code else None


def whatsapp_unit(phone_number_id: str) -> Unit | None:
    """The unit of the business number the message came to; else the configured default unit."""
    number = (
        WhatsAppNumber.objects.filter(phone_number_id=phone_number_id, active=True)
        .select_related("unit")
        .first()
    )
    return number.unit if number else default_unit()


def whatsapp_phone_number_id(consultation: Consultation) -> str:
    thread = getattr(consultation, "channel_thread", None)
    if thread is not None and thread.phone_number_id:
        return thread.phone_number_id
    number = WhatsAppNumber.objects.filter(unit=consultation.unit, active=True).first()
    return number.phone_number_id if number else settings.WHATSAPP_PHONE_NUMBER_ID


def reply_address(consultation: Consultation) -> str:
    """`pst+<number>@domain` for the configured reply address `pst@domain`; empty when none is set."""
    local, _at, domain = settings.EMAIL_REPLY_ADDRESS.rpartition("@")
    return f"{local}+{consultation.number}@{domain}" if local and domain else ""


# --- contacts ---------------------------------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """International digits as WhatsApp writes them: "0812-3456-7890" → "6281234567890"."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):  # an Indonesian mobile number without its leading 0, as accounts allows
        digits = "62" + digits
    return digits


def user_for_whatsapp(wa_id: str):
    """The one active account whose WhatsApp number is `wa_id` and whose email is verified; else None.

    Numbers are typed freely ("0812-3456-7890", "+62 812 ..."): the database narrows by the last two
    digits, the comparison is on the normalised number. Two accounts with one number link neither.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    if len(wa_id) < 8:
        return None
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    candidates = [
        user
        for user in get_user_model().objects.filter(
            is_active=True, pk__in=verified, phone__endswith=wa_id[-2:]
        )
        if normalise_phone(user.phone) == wa_id
    ]
    return candidates[0] if len(candidates) == 1 else None


def user_for_email(address: str):
    """The active account that verified `address`; else None."""
    from allauth.account.models import EmailAddress

    found = (
        EmailAddress.objects.filter(email__iexact=address, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def contact_for(kind: str, address: str, *, name: str = "") -> Contact:
    """The contact for this WhatsApp number or email address, locked for the rest of the transaction
    (two messages of one new sender at once must not open two consultations). Linked to an account
    as soon as one matches; the contact's consultations without an account become that account's."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                contact, _created = Contact.objects.get_or_create(
                    kind=kind, address=address, defaults={"name": name[:150]}
                )
            break
        except IntegrityError:
            continue
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    fields = []
    if name and not contact.name:
        contact.name = name[:150]
        fields.append("name")
    if contact.user_id is None:
        user = user_for_whatsapp(address) if kind == Kind.WHATSAPP else user_for_email(address)
        if user is not None:
            contact.user = user
            fields.append("user")
            consultation_services.consultations_claim(
                consultation_ids=list(contact.threads.values_list("consultation_id", flat=True)), user=user
            )
    if fields:
        contact.save(update_fields=fields)
    return contact


# --- attachments from outside -----------------------------------------------------------------------


def _keep_files(named: list[tuple[str, bytes]]) -> tuple[list[ContentFile], list[str]]:
    """The files the consultation accepts, and a note for each one it does not (the sender cannot
    fix a form, so the message is kept and says what was left out)."""
    kept: list[ContentFile] = []
    notes: list[str] = []
    limit = consultation_services.attachment_max_files()
    for name, data in named:
        file = ContentFile(data, name=consultation_services.attachment_name(name))
        if len(kept) >= limit:
            notes.append(_("(%(name)s was not kept: too many files in one message.)") % {"name": file.name})
            continue
        try:
            consultation_services.check_attachments([file])
        except ValidationError as exc:
            notes.append(
                _("(%(name)s was not kept: %(reason)s)")
                % {"name": file.name, "reason": " ".join(exc.messages)}
            )
            continue
        kept.append(file)
    return kept, notes


def _with_notes(text: str, notes: list[str]) -> str:
    return "\n\n".join(part for part in [text.strip(), *notes] if part)


# --- WhatsApp in ------------------------------------------------------------------------------------


def whatsapp_verify(*, mode: str, token: str, challenge: str) -> str | None:
    """The challenge to echo when Meta subscribes the webhook with our verify token; else None."""
    expected = settings.WHATSAPP_VERIFY_TOKEN
    if mode == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return challenge
    return None


def whatsapp_webhook(payload: dict, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything in one webhook delivery: inbound messages and statuses of ours. Safe to repeat."""
    counts = {"stored": 0, "duplicates": 0, "invalid": 0, "statuses": 0}
    if not isinstance(payload, dict):
        raise ValidationError("The webhook body is not a JSON object.")
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            phone_number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            names = {
                str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
                for c in value.get("contacts") or []
                if isinstance(c, dict)
            }
            for message in value.get("messages") or []:
                message = message if isinstance(message, dict) else {}
                try:
                    record = whatsapp_receive(
                        phone_number_id=phone_number_id,
                        message=message,
                        name=names.get(str(message.get("from")), ""),
                        now=now,
                    )
                except ValidationError as exc:
                    # One unreadable message must not make Meta redeliver (and us refuse) the batch forever.
                    logger.warning("WhatsApp webhook: message skipped: %s", " ".join(exc.messages))
                    counts["invalid"] += 1
                    continue
                counts["stored" if record else "duplicates"] += 1
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and whatsapp_status(status):
                    counts["statuses"] += 1
    return counts


@dataclass
class _Content:
    text: str
    media_id: str = ""
    media_name: str = ""
    media_type: str = ""


def _whatsapp_content(message: dict) -> _Content | None:
    kind = message.get("type")
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return _Content(text=str(body.get("body") or ""))
    if kind == "button":
        return _Content(text=str(body.get("text") or ""))
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or {}
        return _Content(text=str(reply.get("title") or ""))
    if kind in ("image", "document", "audio", "video", "sticker"):
        extension = mimetypes.guess_extension(str(body.get("mime_type") or "").split(";")[0]) or ""
        return _Content(
            text=str(body.get("caption") or ""),
            media_id=str(body.get("id") or ""),
            media_name=str(body.get("filename") or f"{kind}{extension}"),
            media_type=kind,
        )
    if kind == "location":
        parts = [str(body.get(k)) for k in ("name", "address") if body.get(k)]
        where = f"{body.get('latitude')}, {body.get('longitude')}"
        return _Content(text=" · ".join([*parts, where]))
    # Reactions, contacts cards, unsupported types: nothing a consultant could answer.
    return None


def whatsapp_receive(
    *, phone_number_id: str, message: dict, name: str = "", now: dt.datetime | None = None
) -> ChannelMessage | None:
    """Store one inbound WhatsApp message once; None if this message id was stored before."""
    wamid, sender = str(message.get("id") or ""), str(message.get("from") or "")
    if not wamid or len(wamid) > 255 or not sender.isdigit() or len(sender) > 20:
        raise ValidationError("A WhatsApp message without a valid id or sender.")
    if ChannelMessage.objects.filter(kind=Kind.WHATSAPP, direction=Direction.IN, external_id=wamid).exists():
        return None
    now = now or timezone.now()
    content = _whatsapp_content(message)
    named: list[tuple[str, bytes]] = []
    notes: list[str] = []
    if content and content.media_id:
        # Downloaded before the transaction, so a slow download holds no lock. A failure that a
        # retry may cure is raised: the webhook answers 503 and Meta delivers the message again.
        try:
            named.append((content.media_name, whatsapp.media_fetch(content.media_id).data))
        except whatsapp.WhatsAppError as exc:
            if exc.retryable:
                raise
            with override(settings.LANGUAGE_CODE):
                notes.append(_("(a file was sent but could not be downloaded)"))
    with transaction.atomic():
        try:
            # The unique constraint decides between two deliveries of the same message at once.
            with transaction.atomic():
                record = ChannelMessage.objects.create(
                    kind=Kind.WHATSAPP,
                    direction=Direction.IN,
                    external_id=wamid,
                    status=Sent.RECEIVED,
                    text=content.text if content else "",
                )
        except IntegrityError:
            return None
        contact = contact_for(Kind.WHATSAPP, sender, name=name)
        record.contact = contact
        if contact.last_inbound_at is None or contact.last_inbound_at < now:
            contact.last_inbound_at = now
            contact.save(update_fields=["last_inbound_at"])
        unit = whatsapp_unit(phone_number_id)
        if content is None or unit is None:
            record.status = Sent.IGNORED
            record.error = "no unit for this number" if unit is None else f"type {message.get('type')}"
            record.save(update_fields=["contact", "status", "error"])
            if unit is None:
                logger.warning("WhatsApp message %s: no unit for number %s", wamid, phone_number_id)
            return record
        with override(settings.LANGUAGE_CODE):
            files, refused = _keep_files(named)
            text = _with_notes(content.text, notes + refused)
            if not text and not files:
                text = _("(an empty message)")
        consultation = (
            Consultation.objects.filter(channel_thread__contact=contact, unit=unit)
            .exclude(status=Consultation.Status.CLOSED)
            .order_by("-created_at", "-id")
            .first()
        )
        if consultation is not None:
            posted = consultation_services.message_post_from_channel(
                consultation=consultation, text=text, files=files, now=now
            )
        else:
            consultation = consultation_services.consultation_open_from_channel(
                user=contact.user,
                unit=unit,
                topic=_topic_from(text, contact),
                text=text,
                channel=Consultation.Channel.WHATSAPP,
                files=files,
                now=now,
            )
            Thread.objects.create(consultation=consultation, contact=contact, phone_number_id=phone_number_id)
            posted = consultation.messages.order_by("id").first()
        record.consultation, record.message = consultation, posted
        record.save(update_fields=["contact", "consultation", "message"])
        _release_waiting(contact)
    return record


def _topic_from(text: str, contact: Contact) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > 80:
        first = first[:79] + "…"
    with override(settings.LANGUAGE_CODE):
        return first or _("WhatsApp message from %(name)s") % {"name": contact.name or f"+{contact.address}"}


def whatsapp_status(status: dict) -> bool:
    """A status of one of our messages (sent, delivered, read, failed); True if it was ours."""
    wamid, value = str(status.get("id") or ""), str(status.get("status") or "")
    if not wamid:
        return False
    with transaction.atomic():
        record = (
            ChannelMessage.objects.select_for_update()
            .filter(kind=Kind.WHATSAPP, direction=Direction.OUT, external_id=wamid)
            .first()
        )
        if record is None:
            return False
        if value == "failed":
            errors = status.get("errors") or [{}]
            first = errors[0] if isinstance(errors[0], dict) else {}
            record.status = Sent.FAILED
            record.error = str(first.get("title") or first.get("message") or "failed")[:1000]
            record.save(update_fields=["status", "error", "updated_at"])
        elif value in _STATUS_ORDER and _STATUS_ORDER[value] > _STATUS_ORDER.get(record.status, -1):
            record.status = value
            record.save(update_fields=["status", "updated_at"])
    return True


# --- WhatsApp out -----------------------------------------------------------------------------------


def window_open(contact: Contact, now: dt.datetime | None = None) -> bool:
    """WhatsApp lets a business write freely for 24 hours after the person's last message."""
    now = now or timezone.now()
    return contact.last_inbound_at is not None and now - contact.last_inbound_at < WINDOW


def window_closes_at(contact: Contact) -> dt.datetime | None:
    return contact.last_inbound_at + WINDOW if contact.last_inbound_at else None


def _ref(record: ChannelMessage) -> str:
    return f"{ChannelMessage._meta.label_lower}:{record.pk}"


def record_for_ref(ref: str) -> ChannelMessage | None:
    label, _colon, pk = (ref or "").rpartition(":")
    if label != ChannelMessage._meta.label_lower or not pk.isdigit():
        return None
    return ChannelMessage.objects.filter(pk=int(pk)).first()


def _enqueue_whatsapp(record: ChannelMessage, phone_number_id: str, payload: dict) -> None:
    ref = _ref(record)
    core_events.on_commit(lambda: notify_tasks.whatsapp_send.delay(ref, phone_number_id, payload))


def whatsapp_notify(
    *, consultation: Consultation, text: str, message: Message | None = None, now: dt.datetime | None = None
) -> ChannelMessage | None:
    """Send `text` to the consultation's WhatsApp contact (after commit, with retry).

    Inside the 24-hour window it goes as a text. Outside it, WhatsApp only carries a pre-approved
    template: that is sent (once until the person writes again), inviting them back, and the text
    waits; their next message releases it.
    """
    thread = Thread.objects.select_related("contact").filter(consultation=consultation).first()
    if thread is None or thread.contact.kind != Kind.WHATSAPP:
        return None
    now = now or timezone.now()
    contact = thread.contact
    phone_number_id = whatsapp_phone_number_id(consultation)
    status = Sent.QUEUED if window_open(contact, now) else Sent.WAITING_WINDOW
    with transaction.atomic():
        record = ChannelMessage.objects.create(
            kind=Kind.WHATSAPP,
            direction=Direction.OUT,
            consultation=consultation,
            message=message,
            contact=contact,
            status=status,
            text=text,
        )
        # Each file of the reply follows as its own image or document message, in order.
        files = [
            ChannelMessage.objects.create(
                kind=Kind.WHATSAPP,
                direction=Direction.OUT,
                consultation=consultation,
                message=message,
                contact=contact,
                attachment=attachment,
                status=status,
                text=attachment.original_name,
            )
            for attachment in attachments_of(message)
        ]
        if status == Sent.QUEUED:
            _enqueue_whatsapp(record, phone_number_id, whatsapp.text_payload(contact.address, text))
            for file_record in files:
                _enqueue_whatsapp_file(file_record, phone_number_id, contact.address)
            return record
        _send_template(consultation=consultation, contact=contact, phone_number_id=phone_number_id)
        return record


def attachments_of(message: Message | None) -> list[Attachment]:
    """The files of a public reply, as the user may see them."""
    if message is None or message.pk is None or message.internal:
        return []
    return list(message.attachments.order_by("id"))


def file_spec(attachment: Attachment) -> dict:
    return notify_files.spec(
        storage=ATTACHMENT_STORAGE,
        path=attachment.file.name,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _enqueue_whatsapp_file(record: ChannelMessage, phone_number_id: str, to: str) -> None:
    attachment = record.attachment
    ref = _ref(record)
    payload = whatsapp.media_payload(
        to, filename=attachment.original_name, content_type=attachment.content_type, size=attachment.size
    )
    media = file_spec(attachment)
    core_events.on_commit(lambda: notify_tasks.whatsapp_send.delay(ref, phone_number_id, payload, media))


def _send_template(*, consultation: Consultation, contact: Contact, phone_number_id: str) -> None:
    since = contact.last_inbound_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    already = (
        ChannelMessage.objects.filter(
            kind=Kind.WHATSAPP,
            direction=Direction.OUT,
            consultation=consultation,
            created_at__gt=since,
        )
        .exclude(template="")
        .exclude(status=Sent.FAILED)
        .exists()
    )
    if already:
        return
    config = whatsapp.config()
    record = ChannelMessage.objects.create(
        kind=Kind.WHATSAPP,
        direction=Direction.OUT,
        consultation=consultation,
        contact=contact,
        status=Sent.QUEUED if config.template else Sent.FAILED,
        template=config.template or "-",
        text=consultation.number,
        error="" if config.template else "WHATSAPP_TEMPLATE is not set: nothing can reach the user now",
    )
    if not config.template:
        logger.warning(
            "Consultation %s: WhatsApp window closed and no template configured", consultation.number
        )
        return
    payload = whatsapp.template_payload(
        contact.address,
        name=config.template,
        language=config.template_language,
        parameters=[consultation.number],
    )
    _enqueue_whatsapp(record, phone_number_id, payload)


def _release_waiting(contact: Contact) -> None:
    """The person wrote: their 24-hour window is open, so the texts that waited for it go now."""
    waiting = ChannelMessage.objects.select_related("consultation", "attachment").filter(
        kind=Kind.WHATSAPP, direction=Direction.OUT, contact=contact, status=Sent.WAITING_WINDOW
    )
    for record in waiting.order_by("id"):
        record.status = Sent.QUEUED
        record.save(update_fields=["status", "updated_at"])
        phone_number_id = (
            whatsapp_phone_number_id(record.consultation)
            if record.consultation
            else settings.WHATSAPP_PHONE_NUMBER_ID
        )
        if record.attachment_id:
            _enqueue_whatsapp_file(record, phone_number_id, contact.address)
        else:
            _enqueue_whatsapp(record, phone_number_id, whatsapp.text_payload(contact.address, record.text))


def delivery_sent(*, ref: str, external_id: str) -> None:
    with transaction.atomic():
        record = record_for_ref(ref)
        if record is None:
            return
        record = ChannelMessage.objects.select_for_update().get(pk=record.pk)
        record.external_id = external_id[:255]
        if record.status in (Sent.QUEUED, Sent.FAILED):
            record.status = Sent.SENT
            record.error = ""
        record.save(update_fields=["external_id", "status", "error", "updated_at"])


def delivery_failed(*, ref: str, error: str, outside_window: bool = False) -> None:
    with transaction.atomic():
        record = record_for_ref(ref)
        if record is None:
            return
        record = (
            ChannelMessage.objects.select_for_update(of=("self",)).select_related("contact").get(pk=record.pk)
        )
        if outside_window and not record.template and record.consultation_id and record.contact_id:
            # Our clock and WhatsApp's disagreed: the text waits for the person, and the template goes.
            record.status = Sent.WAITING_WINDOW
            record.error = error
            record.save(update_fields=["status", "error", "updated_at"])
            consultation = record.consultation
            _send_template(
                consultation=consultation,
                contact=record.contact,
                phone_number_id=whatsapp_phone_number_id(consultation),
            )
            return
        record.status = Sent.FAILED
        record.error = error
        record.save(update_fields=["status", "error", "updated_at"])


# --- email out --------------------------------------------------------------------------------------


def email_recipient(consultation: Consultation) -> str:
    if consultation.user_id and consultation.user.email:
        return consultation.user.email
    thread = Thread.objects.select_related("contact").filter(consultation=consultation).first()
    if thread is not None and thread.contact.kind == Kind.EMAIL:
        return thread.contact.address
    return ""


ATTACHMENT_STORAGE = "terpadu.consultation.storage.attachment_storage"
# Mail servers commonly refuse messages over 20-25 MB; base64 adds a third.
EMAIL_ATTACHMENTS_MAX_BYTES = 15 * 1024 * 1024


def email_attachments_max_bytes() -> int:
    return int(getattr(settings, "CONSULTATION_EMAIL_ATTACHMENTS_MAX_BYTES", EMAIL_ATTACHMENTS_MAX_BYTES))


def email_notify(
    *, consultation: Consultation, subject: str, text: str, message: Message | None = None
) -> ChannelMessage | None:
    """Mail `text` to the consultation's user: the number in the subject, a stored Message-ID,
    In-Reply-To/References to the conversation so far, and a Reply-To naming the consultation."""
    to = email_recipient(consultation)
    if not to:
        return None
    earlier = list(
        ChannelMessage.objects.filter(consultation=consultation, kind=Kind.EMAIL)
        .exclude(external_id="")
        .order_by("id")
        .values_list("external_id", flat=True)
    )
    ids = [f"<{i}>" for i in earlier]
    # The first message and the latest ones, as RFC 5322 suggests when the chain grows long.
    references = list(dict.fromkeys(ids[:1] + ids[-9:]))
    message_id = new_message_id()
    files = attachments_of(message)
    total = sum(a.size for a in files)
    attach = bool(files) and total <= email_attachments_max_bytes()
    link = settings.SITE_URL + reverse("consultation:detail", args=[consultation.pk])
    with override(settings.LANGUAGE_CODE):
        footer = [_("Reply to this email to write to the consultant; keep %(number)s in the subject.")]
        if consultation.user_id:
            footer.append(_("Or read and answer the whole conversation at %(link)s") % {"link": link})
        notes = []
        names = ", ".join(a.original_name for a in files)
        if attach:
            notes.append(_("Attached: %(names)s") % {"names": names})
        elif files:
            notes.append(
                _(
                    "The consultant sent files too large for email (%(names)s, %(size)s in all). "
                    "Sign in with this email address to download them at %(link)s"
                )
                % {"names": names, "size": filesizeformat(total), "link": link}
            )
        body = "\n\n".join(part for part in [text.strip(), *notes] if part)
        body += "\n\n-- \n" + "\n".join(footer) % {"number": consultation.number}
    with transaction.atomic():
        record = ChannelMessage.objects.create(
            kind=Kind.EMAIL,
            direction=Direction.OUT,
            consultation=consultation,
            message=message,
            external_id=message_id.strip("<>"),
            status=Sent.QUEUED,
            text=text,
        )
        reply_to = reply_address(consultation)
        payload = {
            "to": [to],
            "subject": f"[{consultation.number}] {subject}",
            "text": body,
            "message_id": message_id,
            "in_reply_to": ids[-1] if ids else "",
            "references": references,
            "reply_to": [reply_to] if reply_to else [],
            "attachments": [file_spec(a) for a in files] if attach else [],
        }
        ref = _ref(record)
        core_events.on_commit(lambda: notify_tasks.email_send.delay(ref, payload))
    return record


# --- routing ----------------------------------------------------------------------------------------


def notify(
    consultation: Consultation, *, subject: str, text: str, message: Message | None = None
) -> ChannelMessage | None:
    """Tell the consultation's user on their channel: WhatsApp (text or template) for a WhatsApp
    consultation while the channel is configured, email otherwise."""
    if consultation.channel == Consultation.Channel.WHATSAPP:
        if whatsapp.is_configured():
            return whatsapp_notify(
                consultation=consultation, text=f"[{consultation.number}] {text}", message=message
            )
        logger.warning(
            "Consultation %s is on WhatsApp but the channel is off; trying email", consultation.number
        )
    return email_notify(consultation=consultation, subject=subject, text=text, message=message)


def plain_text(html: str) -> str:
    return unescape(strip_tags(html or "")).strip()


# --- email in ---------------------------------------------------------------------------------------


class InboundEmailError(Exception):
    """An inbound email that can never be processed; `exit_code` follows sysexits.h for MTA pipes."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


EX_DATAERR = 65  # the input was not a readable email
EX_NOUSER = 67  # nobody here to deliver it to (no consultation, no unit)


@dataclass
class EmailOutcome:
    action: str  # appended | opened | held | duplicate | ignored
    consultation: Consultation | None = None
    held: HeldEmail | None = None
    message: Message | None = None


def _consultation_by_number(numbers: list[str]) -> Consultation | None:
    for number in numbers:
        found = Consultation.objects.filter(number__iexact=number.strip()).first()
        if found is not None:
            return found
    return None


def match_consultation(inbound: mail.Inbound) -> Consultation | None:
    """In-Reply-To/References first, then the reply address, then the number in the subject."""
    ids = inbound.in_reply_to + list(reversed(inbound.references))
    if ids:
        known = dict(
            ChannelMessage.objects.filter(
                kind=Kind.EMAIL, external_id__in=ids, consultation__isnull=False
            ).values_list("external_id", "consultation_id")
        )
        for message_id in ids:
            if message_id in known:
                return Consultation.objects.get(pk=known[message_id])
    by_address = _consultation_by_number(mail.plus_tags(inbound.recipients, settings.EMAIL_REPLY_ADDRESS))
    return by_address or _consultation_by_number(mail.subject_tags(inbound.subject))


def sender_allowed(consultation: Consultation, sender: str) -> bool:
    """The consultation's user (by their account email or a verified address of theirs) or its contact."""
    sender = sender.lower()
    if consultation.user_id:
        from allauth.account.models import EmailAddress

        if consultation.user.email.lower() == sender:
            return True
        if EmailAddress.objects.filter(
            user_id=consultation.user_id, email__iexact=sender, verified=True
        ).exists():
            return True
    return Thread.objects.filter(
        consultation=consultation, contact__kind=Kind.EMAIL, contact__address=sender
    ).exists()


def _unit_for_new_email(inbound: mail.Inbound) -> Unit | None:
    for tag in mail.plus_tags(inbound.recipients, settings.EMAIL_REPLY_ADDRESS):
        unit = Unit.objects.filter(code=tag, is_active=True).first()
        if unit is not None:
            return unit
    return default_unit()


def _is_our_own(sender: str) -> bool:
    """Mail from our own reply address (or its plus forms): a loop, never a user's message."""
    sender_local, _at, sender_domain = sender.lower().rpartition("@")
    for address in (settings.EMAIL_REPLY_ADDRESS, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]):
        local, _at, domain = (address or "").lower().rpartition("@")
        if local and domain == sender_domain and sender_local.split("+", 1)[0] == local:
            return True
    return False


def email_receive(raw: bytes, *, now: dt.datetime | None = None) -> EmailOutcome:
    """One inbound email (from the MTA pipe or the IMAP poller), matched and posted, or held.

    A reply from the consultation's user is appended as their message; from anyone else it is held
    for a consultant. An email matching no consultation opens one when it comes from a known
    account, and is held otherwise. A message id seen before is a duplicate and changes nothing.
    """
    try:
        inbound = mail.parse(raw)
    except mail.BadEmail as exc:
        raise InboundEmailError(str(exc), EX_DATAERR) from exc
    now = now or timezone.now()
    if inbound.automatic or _is_our_own(inbound.sender):
        return EmailOutcome("ignored")
    consultation = match_consultation(inbound)
    unit = consultation.unit if consultation else _unit_for_new_email(inbound)
    if unit is None:
        raise InboundEmailError(
            "this email matches no consultation and no unit is configured for new ones "
            "(set CONSULTATION_CHANNEL_UNIT)",
            EX_NOUSER,
        )
    with transaction.atomic():
        record = None
        if inbound.message_id:
            try:
                with transaction.atomic():
                    record = ChannelMessage.objects.create(
                        kind=Kind.EMAIL,
                        direction=Direction.IN,
                        external_id=inbound.message_id[:255],
                        status=Sent.RECEIVED,
                        text=inbound.text[:20_000],
                    )
            except IntegrityError:
                return EmailOutcome("duplicate")
        outcome = _email_deliver(inbound, raw, consultation=consultation, unit=unit, now=now)
        if record is not None:
            record.consultation = outcome.consultation
            record.message = outcome.message
            record.save(update_fields=["consultation", "message"])
    return outcome


def _hold(inbound: mail.Inbound, raw: bytes, *, unit, consultation, reason, now) -> EmailOutcome:
    held = HeldEmail.objects.create(
        unit=unit,
        consultation=consultation,
        sender=inbound.sender,
        sender_name=inbound.sender_name,
        subject=inbound.subject,
        text=inbound.text[:20_000],
        attachment_names=[name for name, _data in inbound.attachments][:50],
        raw=raw,
        email_message_id=inbound.message_id[:255],
        reason=reason,
        received_at=now,
    )
    return EmailOutcome("held", consultation=consultation, held=held)


def _email_deliver(inbound: mail.Inbound, raw: bytes, *, consultation, unit, now) -> EmailOutcome:
    if consultation is not None and not sender_allowed(consultation, inbound.sender):
        return _hold(
            inbound,
            raw,
            unit=unit,
            consultation=consultation,
            reason=HeldEmail.Reason.UNKNOWN_SENDER,
            now=now,
        )
    if consultation is not None and not consultation.is_closed:
        message = _append_email(consultation, inbound, now=now)
        return EmailOutcome("appended", consultation=consultation, message=message)
    if consultation is not None:
        # The user wrote again after the consultation closed: a new question, in the same unit.
        user = consultation.user
        thread = Thread.objects.filter(consultation=consultation).select_related("contact").first()
        contact = thread.contact if thread and thread.contact.kind == Kind.EMAIL else None
    else:
        user = user_for_email(inbound.sender)
        contact = None
        if user is None:
            return _hold(
                inbound, raw, unit=unit, consultation=None, reason=HeldEmail.Reason.NO_MATCH, now=now
            )
    opened = _open_from_email(inbound, unit=unit, user=user, contact=contact, now=now)
    return EmailOutcome("opened", consultation=opened, message=opened.messages.order_by("id").first())


def _email_text_and_files(inbound: mail.Inbound) -> tuple[str, list[ContentFile]]:
    with override(settings.LANGUAGE_CODE):
        files, notes = _keep_files(inbound.attachments)
        text = _with_notes(inbound.text, notes)
        if not text and not files:
            text = _("(an empty message)")
    return text, files


def _append_email(consultation: Consultation, inbound: mail.Inbound, *, now) -> Message:
    text, files = _email_text_and_files(inbound)
    return consultation_services.message_post_from_channel(
        consultation=consultation, text=text, files=files, now=now
    )


def _open_from_email(inbound: mail.Inbound, *, unit, user, contact: Contact | None, now) -> Consultation:
    text, files = _email_text_and_files(inbound)
    consultation = consultation_services.consultation_open_from_channel(
        user=user,
        unit=unit,
        topic=mail.clean_subject(inbound.subject) or _topic_from(text, contact or Contact(address="")),
        text=text,
        channel=Consultation.Channel.EMAIL,
        files=files,
        now=now,
    )
    if contact is not None:
        Thread.objects.create(consultation=consultation, contact=contact)
    return consultation


# --- held email -------------------------------------------------------------------------------------


def check_held_access(*, held: HeldEmail, actor) -> None:
    if not is_staff_of(actor, held.unit, consultation_services.CONSULTANT_ROLES):
        raise ValidationError(_("Only a consultant of the unit decides on this email."))


def _lock_held(held: HeldEmail) -> HeldEmail:
    held = (
        HeldEmail.objects.select_for_update(of=("self",))
        .select_related("unit", "consultation")
        .get(pk=held.pk)
    )
    if held.status != HeldEmail.Status.HELD:
        raise ValidationError(_("This email was already decided on."))
    return held


@transaction.atomic
def held_email_accept(*, held: HeldEmail, actor, now: dt.datetime | None = None) -> Message:
    """Append the held email as the user's message (or, if it matched no open consultation, open
    one for its sender); its attachments are kept as they came."""
    check_held_access(held=held, actor=actor)
    held = _lock_held(held)
    now = now or timezone.now()
    inbound = mail.parse(bytes(held.raw))
    consultation = held.consultation
    if consultation is not None and not consultation.is_closed:
        message = _append_email(consultation, inbound, now=now)
    else:
        contact = contact_for(Kind.EMAIL, inbound.sender, name=inbound.sender_name)
        unit = consultation.unit if consultation else held.unit
        opened = _open_from_email(inbound, unit=unit, user=contact.user, contact=contact, now=now)
        message = opened.messages.order_by("id").first()
        consultation = opened
    ChannelMessage.objects.filter(
        kind=Kind.EMAIL, direction=Direction.IN, external_id=held.email_message_id
    ).exclude(external_id="").update(consultation=consultation, message=message)
    held.status = HeldEmail.Status.ACCEPTED
    held.decided_by = actor
    held.decided_at = now
    held.message = message
    held.consultation = consultation
    held.save(update_fields=["status", "decided_by", "decided_at", "message", "consultation"])
    return message


@transaction.atomic
def held_email_reject(*, held: HeldEmail, actor, now: dt.datetime | None = None) -> HeldEmail:
    check_held_access(held=held, actor=actor)
    held = _lock_held(held)
    held.status = HeldEmail.Status.REJECTED
    held.decided_by = actor
    held.decided_at = now or timezone.now()
    held.save(update_fields=["status", "decided_by", "decided_at"])
    return held


def held_emails_pending(consultation_ids: list[int]) -> int:
    return HeldEmail.objects.filter(
        Q(consultation_id__in=consultation_ids), status=HeldEmail.Status.HELD
    ).count()
