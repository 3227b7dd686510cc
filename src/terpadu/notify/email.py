"""Outbound email with the headers a mail client threads by: Message-ID, In-Reply-To, References."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from . import files


def sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "terpadu.local"


def new_message_id() -> str:
    """A globally unique Message-ID, angle brackets included."""
    return make_msgid(domain=sender_domain())


def send_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    message_id: str,
    in_reply_to: str = "",
    references: list[str] | None = None,
    reply_to: list[str] | None = None,
    attachments: list[dict] | None = None,
) -> None:
    """Send one mail; `attachments` are `notify.files` specs, read from their storage now."""
    headers = {"Message-ID": message_id, "X-Auto-Response-Suppress": "OOF, AutoReply"}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    email = EmailMessage(
        subject=subject.replace("\n", " ").replace("\r", " "),
        body=text,
        to=to,
        reply_to=reply_to or None,
        headers=headers,
    )
    for file in attachments or []:
        email.attach(file["filename"], files.read(file), file["content_type"])
    email.send()
