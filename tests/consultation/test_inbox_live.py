"""The consultant inbox updates live: the unit's socket says which consultation changed (opened, a
new message, assignment, status) and the page reloads its rows through htmx; only the unit's
consultants may follow it; the held-emails notice sits on the page."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter

from terpadu.consultation import services
from terpadu.consultation.routing import websocket_urlpatterns
from terpadu.units.models import StaffRole
from tests.conftest import make_staff

from .conftest import open_consultation

pytestmark = pytest.mark.django_db(transaction=True)


class InboxSocket(ApplicationCommunicator):
    def __init__(self, user, code):
        scope = {
            "type": "websocket",
            "path": f"/ws/consultations/inbox/{code}/",
            "user": user,
            "headers": [],
            "subprotocols": [],
        }
        super().__init__(URLRouter(websocket_urlpatterns), scope)

    async def connect(self):
        await self.send_input({"type": "websocket.connect"})
        out = await self.receive_output(2)
        self.close_code = out.get("code")
        return out["type"] == "websocket.accept"

    async def receive(self):
        out = await self.receive_output(2)
        assert out["type"] == "websocket.send", out
        return json.loads(out["text"])

    async def close(self):
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


def run(scenario):
    async_to_sync(scenario)()


def test_new_consultation_user_message_and_assignment_reach_the_units_inbox(
    unit_a, unit_b, public_user, consultant_a
):
    colleague = make_staff("konsul2.a@bps.go.id", "Bambang Konsultan", unit_a, StaffRole.Role.CONSULTANT)

    async def scenario():
        inbox = InboxSocket(consultant_a, unit_a.code)
        assert await inbox.connect()

        consultation = await sync_to_async(open_consultation)(unit_a, public_user)
        assert await inbox.receive() == {"type": "inbox", "kind": "opened", "id": consultation.pk}

        await sync_to_async(services.message_post)(
            consultation=consultation, actor=public_user, body="Ada tambahan pertanyaan."
        )
        assert await inbox.receive() == {"type": "inbox", "kind": "message", "id": consultation.pk}

        await sync_to_async(services.consultation_assign)(
            consultation=consultation, actor=consultant_a, consultant=colleague
        )
        assert await inbox.receive() == {"type": "inbox", "kind": "status", "id": consultation.pk}

        # An internal note changes nothing in the list; another unit's consultation is not told here.
        await sync_to_async(services.message_post)(
            consultation=consultation, actor=consultant_a, body="catatan", internal=True
        )
        await sync_to_async(open_consultation)(unit_b, public_user)
        assert await inbox.receive_nothing(0.3)

        await inbox.send_input({"type": "websocket.receive", "text": json.dumps({"type": "ping"})})
        assert await inbox.receive() == {"type": "pong"}
        await inbox.close()

    run(scenario)


def test_only_the_units_consultants_may_follow_its_inbox(unit_a, public_user, staff_b, frontliner_a):
    async def scenario():
        for person in (staff_b, public_user, frontliner_a):
            socket = InboxSocket(person, unit_a.code)
            assert not await socket.connect()
            assert socket.close_code == 4404
        unknown = InboxSocket(staff_b, "9999")
        assert not await unknown.connect()

    run(scenario)


def test_the_page_reloads_its_rows_with_the_same_filters(client, unit_a, public_user, consultant_a):
    web = open_consultation(unit_a, public_user, topic="Inflasi Majene")
    client.force_login(consultant_a)
    page = client.get("/konsultasi/kotak-masuk/").content.decode()
    assert 'data-sockets="/ws/consultations/inbox/7601/ "' in page
    assert "consultation/inbox.js" in page
    assert "<script>" not in page  # strict CSP: the live part is a static file

    wa = services.consultation_open(
        user=public_user, unit=unit_a, topic="Upah", description="Upah minimum?", channel="whatsapp"
    )
    rows = client.get("/konsultasi/kotak-masuk/", {"channel": "whatsapp"}, HTTP_HX_REQUEST="true")
    html = rows.content.decode()
    assert html.startswith('<tbody id="inbox-rows">')
    assert wa.number in html
    assert web.number not in html
    assert "<html" not in html
