"""A small client of the WhatsApp Cloud API (Meta's Graph API): send a text or a template, fetch media.

Configured from settings (`WHATSAPP_*`); with no token, phone number ID, app secret and verify token
the channel is off. Errors say whether a retry may help (network trouble, 429, 5xx) or not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 15
MAX_MEDIA_BYTES = 32 * 1024 * 1024
MAX_TEXT = 4096  # the Cloud API's limit for a text message body
# Graph error code: a free-form message outside the 24-hour customer-service window.
OUTSIDE_WINDOW_CODES = {131047}


@dataclass(frozen=True)
class WhatsAppConfig:
    api_base: str
    token: str
    phone_number_id: str
    app_secret: str
    verify_token: str
    template: str
    template_language: str


class WhatsAppError(Exception):
    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def retryable(self) -> bool:
        # No status: the request never got an answer (refused, reset, timed out).
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def outside_window(self) -> bool:
        return self.code in OUTSIDE_WINDOW_CODES


def config() -> WhatsAppConfig:
    return WhatsAppConfig(
        api_base=(settings.WHATSAPP_API_BASE or "").rstrip("/"),
        token=settings.WHATSAPP_TOKEN,
        phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
        app_secret=settings.WHATSAPP_APP_SECRET,
        verify_token=settings.WHATSAPP_VERIFY_TOKEN,
        template=settings.WHATSAPP_TEMPLATE,
        template_language=settings.WHATSAPP_TEMPLATE_LANGUAGE or "id",
    )


def is_configured() -> bool:
    c = config()
    return bool(c.api_base and c.token and c.phone_number_id and c.app_secret and c.verify_token)


def signature_valid(body: bytes, header: str | None, secret: str) -> bool:
    """`X-Hub-Signature-256` is "sha256=" + hex HMAC-SHA256 of the raw body with the app secret."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def _open(request: urllib.request.Request, *, limit: int) -> tuple[bytes, str]:
    if urlsplit(request.full_url).scheme not in ("http", "https"):
        raise WhatsAppError(f"refusing to open {request.full_url!r}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked
            data = response.read(limit + 1)
            if len(data) > limit:
                raise WhatsAppError("response too large", status=response.status)
            return data, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body = exc.read(65536)
        message, code = f"HTTP {exc.code}", None
        try:
            error = json.loads(body).get("error", {})
            message, code = f"HTTP {exc.code}: {error.get('message', '')}".strip(), error.get("code")
        except (ValueError, AttributeError):
            pass
        raise WhatsAppError(message, status=exc.code, code=code) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise WhatsAppError(f"no answer from the WhatsApp API: {exc}") from exc


def _request(method: str, url: str, *, payload: dict | None = None, limit: int = 1024 * 1024) -> bytes:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - scheme checked in _open
    request.add_header("Authorization", f"Bearer {config().token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    return _open(request, limit=limit)[0]


def send(phone_number_id: str, payload: dict) -> str:
    """POST {base}/{phone-number-id}/messages; returns the message id (wamid) the API gives."""
    body = _request("POST", f"{config().api_base}/{phone_number_id}/messages", payload=payload)
    try:
        return json.loads(body)["messages"][0]["id"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise WhatsAppError(f"unexpected answer from the WhatsApp API: {body[:200]!r}", status=200) from exc


def text_payload(to: str, text: str) -> dict:
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": text},
    }


def template_payload(to: str, *, name: str, language: str, parameters: list[str]) -> dict:
    template: dict = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}
        ]
    return {"messaging_product": "whatsapp", "to": to, "type": "template", "template": template}


# What the Cloud API takes as media messages: JPEG/PNG images up to 5 MB; other files go as a
# document (up to 100 MB). CSV is uploaded as plain text, which the API accepts for documents.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
_UPLOAD_TYPES = {"text/csv": "text/plain"}


def media_payload(to: str, *, filename: str, content_type: str, size: int, caption: str = "") -> dict:
    """A media message; its `id` is filled in once the file is uploaded (`with_media_id`)."""
    kind = "image" if content_type in IMAGE_TYPES and size <= MAX_IMAGE_BYTES else "document"
    media: dict = {"id": ""}
    if kind == "document":
        media["filename"] = filename
    if caption:
        media["caption"] = caption[:1024]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: media,
    }


def with_media_id(payload: dict, media_id: str) -> dict:
    kind = payload["type"]
    return {**payload, kind: {**payload[kind], "id": media_id}}


def upload_type(content_type: str) -> str:
    return _UPLOAD_TYPES.get(content_type, content_type)


def media_upload(phone_number_id: str, data: bytes, *, filename: str, content_type: str) -> str:
    """POST {base}/{phone-number-id}/media as multipart/form-data (messaging_product, type, file);
    returns the media id to send in a message."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise WhatsAppError(f"{filename} is larger than WhatsApp takes", status=413)
    mime = upload_type(content_type)
    boundary = "terpadu-" + secrets.token_hex(16)
    safe_name = filename.replace('"', "").replace("\r", " ").replace("\n", " ")

    def field(name: str, value: str) -> bytes:
        return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()

    file_head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    )
    parts = [
        field("messaging_product", "whatsapp"),
        field("type", mime),
        file_head.encode() + data + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    url = f"{config().api_base}/{phone_number_id}/media"
    request = urllib.request.Request(url, data=b"".join(parts), method="POST")  # noqa: S310 - scheme checked
    request.add_header("Authorization", f"Bearer {config().token}")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    body = _open(request, limit=1024 * 1024)[0]
    try:
        return str(json.loads(body)["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise WhatsAppError(f"unexpected answer to a media upload: {body[:200]!r}", status=200) from exc


@dataclass(frozen=True)
class Media:
    data: bytes
    mime_type: str


def media_fetch(media_id: str) -> Media:
    """GET {base}/{media-id} for the download URL, then the file itself (both with the bearer token)."""
    info = json.loads(_request("GET", f"{config().api_base}/{media_id}"))
    url = info.get("url")
    if not url:
        raise WhatsAppError(f"no download URL for media {media_id}", status=200)
    request = urllib.request.Request(url, method="GET")  # noqa: S310 - scheme checked in _open
    request.add_header("Authorization", f"Bearer {config().token}")
    data, content_type = _open(request, limit=MAX_MEDIA_BYTES)
    return Media(data=data, mime_type=info.get("mime_type") or content_type)
