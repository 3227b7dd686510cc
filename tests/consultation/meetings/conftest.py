"""Meetings fixtures: a front office with a consultation queue, a local Zoom, a local SMTP inbox."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache

from terpadu.frontdesk.models import Counter, QueueService
from tests.accounts.conftest import smtp_inbox  # noqa: F401 - a real SMTP server on loopback


def queue_office(unit):
    """Library (A) at counter 1; consultation (B) at counter 2 only: one appointment per slot.

    No standards here: the consultation standard comes from tests/consultation's `standard_a`.
    """
    library = QueueService.objects.create(unit=unit, kind="library", name="Perpustakaan", prefix="A")
    consultation = QueueService.objects.create(unit=unit, kind="consultation", name="Konsultasi", prefix="B")
    counter1 = Counter.objects.create(unit=unit, number=1, name="Loket 1")
    counter1.services.set([library])
    counter2 = Counter.objects.create(unit=unit, number=2, name="Loket 2")
    counter2.services.set([consultation])
    return {"library": library, "consultation": consultation, "counter1": counter1, "counter2": counter2}


@pytest.fixture
def office_a(unit_a, standard_a):
    unit_a.address = "Jl. Poros Majene-Mamuju, Banggae"
    unit_a.postcode = "91411"
    unit_a.email = "bps7605@bps.go.id"
    unit_a.save()
    return queue_office(unit_a)


@pytest.fixture
def office_b(unit_b, standard_b):
    return queue_office(unit_b)


def parse_ics(text: str) -> list[dict[str, str]]:
    """A small RFC 5545 reader for the tests: unfold, split name/params/value, one dict per VEVENT."""
    assert "\r\n" in text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75, line
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    events, current = [], None
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        name_params, _, value = line.partition(":")
        name = name_params.split(";")[0]
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
            current[f"{name}/params"] = name_params
    return events


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


class FakeZoom:
    """Zoom's OAuth and meetings endpoints on loopback, answering in Zoom's JSON shapes."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.token_calls = 0
        self.meeting_status = 201
        self.meeting_error = {"code": 300, "message": "Invalid meeting start time."}
        self.client_id, self.client_secret, self.account_id = "cid", "csecret", "acct-1"
        self.token = "tok-1"

    def handler(self):
        zoom = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                zoom.requests.append(
                    {
                        "path": url.path,
                        "query": parse_qs(url.query),
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                if url.path == "/oauth/token":
                    zoom.token_calls += 1
                    expected = base64.b64encode(f"{zoom.client_id}:{zoom.client_secret}".encode()).decode()
                    query = parse_qs(url.query)
                    if self.headers.get("Authorization") != f"Basic {expected}" or query.get(
                        "account_id"
                    ) != [zoom.account_id]:
                        return self._send(
                            400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
                        )
                    return self._send(
                        200,
                        {
                            "access_token": zoom.token,
                            "token_type": "bearer",
                            "expires_in": 3599,
                            "scope": "meeting:write",
                        },
                    )
                if url.path == "/v2/users/me/meetings":
                    if self.headers.get("Authorization") != f"Bearer {zoom.token}":
                        return self._send(401, {"code": 124, "message": "Invalid access token."})
                    if zoom.meeting_status >= 400:
                        return self._send(zoom.meeting_status, zoom.meeting_error)
                    data = json.loads(body)
                    return self._send(
                        201,
                        {
                            "id": 85746065432,
                            "topic": data["topic"],
                            "type": 2,
                            "start_time": data["start_time"],
                            "duration": data["duration"],
                            "timezone": data["timezone"],
                            "join_url": "https://us05web.zoom.us/j/85746065432?pwd=abc",
                            "password": "x7Yk2p",
                        },
                    )
                return self._send(404, {"code": 404, "message": "Not found"})

            def do_DELETE(self):  # noqa: N802
                zoom.requests.append({"path": self.path, "method": "DELETE"})
                self.send_response(204)
                self.end_headers()

        return Handler


@pytest.fixture
def zoom(settings):
    cache.clear()
    fake = FakeZoom()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ZOOM_ACCOUNT_ID = fake.account_id
    settings.ZOOM_CLIENT_ID = fake.client_id
    settings.ZOOM_CLIENT_SECRET = fake.client_secret
    settings.ZOOM_OAUTH_URL = f"{base}/oauth/token"
    settings.ZOOM_API_BASE = f"{base}/v2"
    yield fake
    server.shutdown()
    server.server_close()
    cache.clear()
