"""Consultation fixtures: each unit's published consultation standard (3 working days online)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter

from terpadu.consultation import services
from terpadu.consultation.routing import websocket_urlpatterns
from terpadu.units.models import CompletionTime, Mode, ServiceKind, ServiceStandard

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


def publish_consultation_standard(unit, *, working_days=3):
    standard = ServiceStandard.objects.create(
        unit=unit,
        service=ServiceKind.CONSULTATION,
        title=f"Konsultasi {unit.code}",
        effective_from=dt.date(2024, 1, 1),
        status=ServiceStandard.Status.PUBLISHED,
        completion_time_summary="10 Menit",
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.WALK_IN,
        amount=10,
        unit=CompletionTime.TimeUnit.MINUTES,
        clock_start=CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED,
        wording="maksimal 10 (sepuluh) menit",
    )
    CompletionTime.objects.create(
        standard=standard,
        mode=Mode.ONLINE,
        amount=working_days,
        unit=CompletionTime.TimeUnit.WORKING_DAYS,
        clock_start=CompletionTime.ClockStart.REQUEST_CLEAR_AND_COMPLETE,
        wording=f"maksimal {working_days} hari kerja setelah permintaan jelas dan persyaratan lengkap",
    )
    return standard


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.CONSULTATION_PRIVATE_ROOT = tmp_path / "consultation-private"


@pytest.fixture
def standard_a(unit_a):
    return publish_consultation_standard(unit_a)


@pytest.fixture
def standard_b(unit_b):
    return publish_consultation_standard(unit_b)


def local(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


def open_consultation(
    unit, user, *, now=None, topic="Data kemiskinan", description="Saya butuh data kemiskinan."
):
    return services.consultation_open(user=user, unit=unit, topic=topic, description=description, now=now)


@pytest.fixture
def consultation_a(unit_a, standard_a, public_user):
    return open_consultation(unit_a, public_user, now=local(WITA, 2026, 3, 16, 9, 0))


class Socket(ApplicationCommunicator):
    """A chat WebSocket driven in-process. `receive()` returns the next chat message or error,
    passing over read marks, presence and pongs; `receive_kind` waits for one of those."""

    SIDE_KINDS = frozenset({"read", "presence", "pong", "typing"})

    def __init__(self, user, pk):
        scope = {
            "type": "websocket",
            "path": f"/ws/consultations/{pk}/",
            "user": user,
            "headers": [],
            "subprotocols": [],
        }
        super().__init__(URLRouter(websocket_urlpatterns), scope)

    async def connect(self):
        await self.send_input({"type": "websocket.connect"})
        if (await self.receive_output(2))["type"] != "websocket.accept":
            return False
        self.read_marks = await self._next()  # the consumer's greeting: both sides' read marks
        assert self.read_marks["type"] == "read"
        return True

    async def send(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def _next(self):
        out = await self.receive_output(2)
        assert out["type"] == "websocket.send", out
        return json.loads(out["text"])

    async def receive(self):
        while True:
            data = await self._next()
            if data["type"] not in self.SIDE_KINDS - {"typing"}:
                return data

    async def receive_kind(self, kind):
        while True:
            data = await self._next()
            if data["type"] == kind:
                return data

    async def nothing_of(self, kind, timeout=0.2):
        """True when no event of `kind` arrives within `timeout` (others are passed over)."""
        while not await self.receive_nothing(timeout):
            if (await self._next())["type"] == kind:
                return False
        return True

    async def close(self):
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)
