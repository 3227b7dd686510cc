"""The IMAP poller: unseen messages of the mailbox in IMAP_URL go through `services.email_receive`.

A message is marked seen once processed, or when it can never be processed (not an email, nobody
to deliver it to: logged). Anything else (the database away) leaves it unseen for the next poll.
Idempotent by Message-ID, so a message seen twice (a crash before the flag) is stored once.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import services

logger = logging.getLogger(__name__)

TIMEOUT = 30


@dataclass
class PollResult:
    seen: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    left_unseen: int = 0


class ImapUrlError(ValueError):
    pass


def _connect(url: str) -> tuple[imaplib.IMAP4, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ImapUrlError("IMAP_URL must look like imaps://user:password@host/INBOX")
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    if parts.scheme == "imaps":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            parts.hostname, parts.port or 993, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    else:
        client = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=TIMEOUT)
    client.login(unquote(parts.username or ""), unquote(parts.password or ""))
    return client, mailbox


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(url: str | None = None, *, limit: int = 200) -> PollResult:
    url = url or settings.IMAP_URL
    if not url:
        raise ImapUrlError("IMAP_URL is not set")
    result = PollResult()
    client, mailbox = _connect(url)
    try:
        status, _data = client.select(_quoted(mailbox))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {mailbox!r}")
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids[:limit]:
            status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in fetched or [] if isinstance(part, tuple)), None)
            if status != "OK" or raw is None:
                result.left_unseen += 1
                continue
            try:
                outcome = services.email_receive(raw)
            except services.InboundEmailError as exc:
                logger.warning("IMAP message %s refused: %s", uid.decode(), exc)
                result.refused += 1
            except Exception:
                logger.exception("IMAP message %s left unseen for the next poll", uid.decode())
                result.left_unseen += 1
                continue
            else:
                result.outcomes[outcome.action] = result.outcomes.get(outcome.action, 0) + 1
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            result.seen += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result
