"""The development mailbox: with no EMAIL_HOST, mail is written to var/mail/ and read here."""

import email
from email import policy
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render


def _mail_dir() -> Path | None:
    if not settings.DEBUG or settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return None
    return Path(settings.EMAIL_FILE_PATH)


def _read_messages(folder: Path, limit: int = 50) -> list[dict]:
    messages = []
    files = sorted(folder.glob("*.log"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
    for file in files:
        # The file backend appends the messages of one connection (and of any later backend that
        # gets the same file name within the same second) to one file, separated by a dash line.
        for raw in reversed(file.read_bytes().split(b"\n" + b"-" * 79 + b"\n")):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip(), policy=policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            messages.append(
                {
                    "subject": message["subject"],
                    "to": message["to"],
                    "date": message["date"],
                    "body": body.get_content() if body else "",
                }
            )
            if len(messages) >= limit:
                return messages
    return messages


def dev_mailbox(request):
    folder = _mail_dir()
    if folder is None:
        raise Http404
    messages = _read_messages(folder) if folder.exists() else []
    return render(request, "notify/dev_mailbox.html", {"mail_messages": messages, "folder": folder})
