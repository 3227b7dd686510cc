"""Loopback peers for the channels: a Graph API server speaking WhatsApp Cloud JSON, SMTP (aiosmtpd,
from tests/accounts) and a small IMAP4rev1 server (imap_server.py)."""

import hashlib
import hmac
import itertools
import json
import threading
from collections import deque
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.accounts.conftest import Inbox, body_of, smtp_inbox  # noqa: F401 - fixtures shared with accounts
from tests.consultation.conftest import publish_consultation_standard

APP_SECRET = "rahasia-aplikasi"
VERIFY_TOKEN = "token-verifikasi"
PHONE_NUMBER_ID = "106540352242922"
TEMPLATE = "pst_balasan_baru"


class GraphAPI:
    """What the test's Graph API server received, and the answers it should give next."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.failures: deque[tuple[int, dict]] = deque()
        self.upload_failures: deque[tuple[int, dict]] = deque()
        self.media: dict[str, tuple[bytes, str]] = {}
        self.root = ""
        self.base = ""
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def fail_next(self, status: int, code: int = 1, message: str = "Service temporarily unavailable") -> None:
        """The next POST answers `status` with a Graph error body."""
        self.failures.append(
            (status, {"error": {"message": message, "type": "OAuthException", "code": code}})
        )

    def fail_next_upload(self, status: int, code: int = 1, message: str = "Service unavailable") -> None:
        self.upload_failures.append(
            (status, {"error": {"message": message, "type": "OAuthException", "code": code}})
        )

    def sent(self) -> list[dict]:
        """Messages sent (media uploads are in `uploads`)."""
        return [r for r in self.requests if r["method"] == "POST" and not r["path"].endswith("/media")]

    def uploads(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"].endswith("/media")]

    def next_wamid(self) -> str:
        with self._lock:
            return f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjk{next(self._ids):06d}"


def _handler(api: GraphAPI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _upload(self, raw: bytes):
            """POST /{phone-number-id}/media: multipart/form-data with messaging_product, type, file."""
            head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
            form = BytesParser(policy=policy.default).parsebytes(head + raw)
            fields, upload = {}, None
            for part in form.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    upload = {
                        "filename": part.get_filename(),
                        "content_type": part.get_content_type(),
                        "data": part.get_payload(decode=True),
                    }
                else:
                    fields[name] = part.get_payload(decode=True).decode()
            media_id = f"media-{next(api._ids)}"
            api.requests.append(
                {
                    "method": "POST",
                    "path": self.path,
                    "auth": self.headers.get("Authorization"),
                    "json": None,
                    "form": fields,
                    "file": upload,
                    "media_id": media_id,
                }
            )
            if api.upload_failures:
                status, error = api.upload_failures.popleft()
                return self._reply(status, json.dumps(error).encode())
            if fields.get("messaging_product") != "whatsapp" or not upload or "type" not in fields:
                return self._reply(400, b'{"error": {"message": "bad upload", "code": 100}}')
            return self._reply(200, json.dumps({"id": media_id}).encode())

        def do_POST(self):  # noqa: N802 - http.server's hook name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.endswith("/media"):
                return self._upload(raw)
            payload = json.loads(raw or b"{}")
            api.requests.append(
                {
                    "method": "POST",
                    "path": self.path,
                    "auth": self.headers.get("Authorization"),
                    "json": payload,
                }
            )
            if api.failures:
                status, error = api.failures.popleft()
                return self._reply(status, json.dumps(error).encode())
            answer = {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload.get("to"), "wa_id": payload.get("to")}],
                "messages": [{"id": api.next_wamid()}],
            }
            return self._reply(200, json.dumps(answer).encode())

        def do_GET(self):  # noqa: N802
            api.requests.append(
                {"method": "GET", "path": self.path, "auth": self.headers.get("Authorization")}
            )
            if self.headers.get("Authorization") != "Bearer test-token":
                return self._reply(401, b'{"error": {"message": "bad token", "code": 190}}')
            parts = self.path.strip("/").split("/")
            if parts[0] == "download" and parts[-1] in api.media:
                data, mime = api.media[parts[-1]]
                return self._reply(200, data, mime)
            if parts[-1] in api.media:
                data, mime = api.media[parts[-1]]
                info = {
                    "messaging_product": "whatsapp",
                    "url": f"{api.root}/download/{parts[-1]}",
                    "mime_type": mime,
                    "file_size": len(data),
                    "id": parts[-1],
                }
                return self._reply(200, json.dumps(info).encode())
            return self._reply(404, b'{"error": {"message": "unknown", "code": 100}}')

    return Handler


@pytest.fixture
def graph_api():
    api = GraphAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.root = f"http://127.0.0.1:{server.server_address[1]}"
    api.base = f"{api.root}/v21.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def whatsapp_on(settings, graph_api, unit_a):
    """The WhatsApp channel configured against the loopback Graph API; unit A takes what comes in."""
    publish_consultation_standard(unit_a)
    settings.WHATSAPP_API_BASE = graph_api.base
    settings.WHATSAPP_TOKEN = "test-token"
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.WHATSAPP_TEMPLATE = TEMPLATE
    settings.WHATSAPP_TEMPLATE_LANGUAGE = "id"
    settings.CONSULTATION_CHANNEL_UNIT = unit_a.code
    return graph_api


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def inbound_payload(*messages: dict, contacts=None, statuses=None, phone_number_id=PHONE_NUMBER_ID) -> dict:
    """A webhook body as Meta sends it for inbound messages and statuses."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6282210007601", "phone_number_id": phone_number_id},
    }
    if messages:
        value["contacts"] = contacts or [
            {"profile": {"name": "Budi Nelayan"}, "wa_id": m["from"]} for m in messages
        ]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-1", "changes": [{"value": value, "field": "messages"}]}],
    }


def text_message(wamid: str, text: str, sender: str = "6285298765432", timestamp: str = "1773626400") -> dict:
    return {"from": sender, "id": wamid, "timestamp": timestamp, "type": "text", "text": {"body": text}}


def post_webhook(client, payload: dict, *, signature: str | None = "sign"):
    body = json.dumps(payload).encode()
    headers = {}
    if signature == "sign":
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(body)
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post("/webhooks/whatsapp/", data=body, content_type="application/json", **headers)


@pytest.fixture
def mail_settings(settings, unit_a):
    publish_consultation_standard(unit_a)
    settings.EMAIL_REPLY_ADDRESS = "pst@pst.example.id"
    settings.DEFAULT_FROM_EMAIL = "PST BPS Majene <pst@pst.example.id>"
    settings.CONSULTATION_CHANNEL_UNIT = unit_a.code
    return settings


__all__ = ["Inbox", "body_of", "smtp_inbox"]
