"""Reading an inbound email: who sent it, what it answers, the new text without the quoted history.

Pure functions over RFC 822 bytes; no database.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html import unescape

import nh3

MAX_RAW_BYTES = 30 * 1024 * 1024

_MESSAGE_ID_RE = re.compile(r"<([^<>\s]+)>")
_SUBJECT_TAG_RE = re.compile(r"\[([^\[\]\s]{3,40})\]")
_REPLY_PREFIX_RE = re.compile(r"^\s*((re|fw|fwd|aw|balas|tr|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# "On Mon, 16 Mar 2026 at 10:00, Name <a@b> wrote:" (English) and "Pada ... menulis:" (Indonesian);
# mail clients wrap it over two lines, so it is also looked for across a line break.
_ATTRIBUTION_RE = re.compile(r"^\s*(on|pada)\b.{0,300}\b(wrote|menulis)\s*:\s*$", re.IGNORECASE | re.DOTALL)
_ATTRIBUTION_START_RE = re.compile(r"^\s*(on|pada)\b", re.IGNORECASE)
_FORWARD_MARKERS = re.compile(
    r"^\s*(-{3,}\s*(original message|pesan asli|forwarded message|pesan yang diteruskan)\s*-{3,}|_{20,})\s*$",
    re.IGNORECASE,
)
_AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.IGNORECASE)


class BadEmail(ValueError):
    """The bytes are not an email we can read (no sender, not RFC 822, too large)."""


@dataclass
class Inbound:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    sender: str
    sender_name: str
    subject: str
    text: str
    recipients: list[str]
    automatic: bool
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without angle brackets."""
    return _MESSAGE_ID_RE.findall(str(value or ""))


def clean_subject(subject: str) -> str:
    """The subject without "Re:"/"Fwd:"/"Balas:" prefixes and without the [number] tag."""
    subject = _REPLY_PREFIX_RE.sub("", subject or "")
    return " ".join(_SUBJECT_TAG_RE.sub(" ", subject).split())


def subject_tags(subject: str) -> list[str]:
    return _SUBJECT_TAG_RE.findall(subject or "")


def plus_tags(recipients: list[str], reply_address: str) -> list[str]:
    """For a reply address "pst@example.id", the TAG of every recipient "pst+TAG@example.id"."""
    local, _, domain = (reply_address or "").lower().rpartition("@")
    if not local or not domain:
        return []
    tags = []
    for address in recipients:
        r_local, _, r_domain = address.lower().rpartition("@")
        if r_domain == domain and r_local.startswith(local + "+"):
            tags.append(address.rpartition("@")[0][len(local) + 1 :])
    return tags


def html_to_text(html: str) -> str:
    # Quoted history in HTML mail sits in <blockquote>s (and Gmail's "gmail_quote" divs): dropped first.
    html = re.sub(r"<blockquote\b.*?</blockquote>", "", html, flags=re.IGNORECASE | re.DOTALL)
    html = re.sub(r"<div[^>]*gmail_quote.*", "", html, flags=re.IGNORECASE | re.DOTALL)
    html = re.sub(r"<\s*(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", "\n", html, flags=re.IGNORECASE)
    return unescape(nh3.clean(html, tags=set()))


def trim_quoted(text: str) -> str:
    """The new text of a reply: quoted lines (">"), the history after "On ... wrote:" / "Pada ...
    menulis:" or an "Original Message" marker, and the signature after "-- " are dropped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ") or _FORWARD_MARKERS.match(line):
            break
        if _ATTRIBUTION_START_RE.match(line) and (
            _ATTRIBUTION_RE.match(line)
            or (i + 1 < len(lines) and _ATTRIBUTION_RE.match(f"{line} {lines[i + 1]}"))
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        content = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return content


def _attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    found = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if not name or part.get_content_maintype() == "multipart":
            continue
        found.append((name, part.get_payload(decode=True) or b""))
    return found


def _is_automatic(message: EmailMessage, sender: str) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto not in ("", "no")
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        or bool(_AUTOMATIC_SENDERS.match(sender))
    )


def parse(raw: bytes) -> Inbound:
    if not raw or not raw.strip():
        raise BadEmail("the message is empty")
    if len(raw) > MAX_RAW_BYTES:
        raise BadEmail(f"the message is larger than {MAX_RAW_BYTES // (1024 * 1024)} MB")
    message = email.message_from_bytes(raw, policy=policy.default)
    if message.defects and not message.keys():
        raise BadEmail("this is not an RFC 822 message (no headers)")
    try:
        from_header = message["From"]
        sender_name, sender = parseaddr(str(from_header or ""))
    except (ValueError, IndexError, TypeError) as exc:
        raise BadEmail(f"unreadable From header: {exc}") from exc
    sender = sender.strip().lower()
    if not sender or "@" not in sender:
        raise BadEmail("the message has no sender address (From)")
    try:
        Address(addr_spec=sender)
    except (ValueError, IndexError, TypeError) as exc:
        raise BadEmail(f"the sender address {sender!r} is not valid") from exc
    recipients = [
        address.lower()
        for _name, address in getaddresses(
            [
                str(value)
                for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
                for value in message.get_all(header, [])
            ]
        )
        if address
    ]
    ids = message_ids(message.get("Message-ID"))
    return Inbound(
        message_id=ids[0] if ids else "",
        in_reply_to=message_ids(message.get("In-Reply-To")),
        references=message_ids(message.get("References")),
        sender=sender,
        sender_name=sender_name.strip()[:150],
        subject=" ".join(str(message.get("Subject", "")).split())[:255],
        text=trim_quoted(_body_text(message)),
        recipients=recipients,
        automatic=_is_automatic(message, sender),
        attachments=_attachments(message),
    )
