"""The board's WebSocket: calls and changes arrive after commit; unknown units are refused."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from terpadu.config.asgi import application
from terpadu.frontdesk import services
from tests.frontdesk.wsclient import WebsocketClient

pytestmark = [pytest.mark.django_db(transaction=True)]


async def connect(code):
    communicator = WebsocketClient(application, f"/ws/units/{code}/board/")
    connected = await communicator.connect()
    return communicator, connected


def test_board_receives_issue_and_call(unit_a, office_a):
    async_to_sync(_test_board_receives_issue_and_call)(unit_a, office_a)


async def _test_board_receives_issue_and_call(unit_a, office_a):
    communicator, connected = await connect("7601")
    assert connected
    ticket = await database_sync_to_async(services.ticket_issue)(unit=unit_a, service="library")
    issued = await communicator.receive_json_from(timeout=2)
    assert issued["type"] == "issued"
    assert issued["number"] == "A001"
    assert issued["waiting"]["library"] == 1
    await database_sync_to_async(services.ticket_call_next)(counter=office_a["counter1"])
    called = await communicator.receive_json_from(timeout=2)
    assert {k: called[k] for k in ("type", "number", "counter", "counter_number", "service")} == {
        "type": "called",
        "number": "A001",
        "counter": "Loket 1",
        "counter_number": 1,
        "service": "library",
    }
    assert called["waiting"]["library"] == 0
    await database_sync_to_async(services.ticket_finish)(ticket=ticket)
    assert (await communicator.receive_json_from(timeout=2))["type"] == "finished"
    await communicator.disconnect()


def test_other_units_board_hears_nothing(unit_a, office_a, unit_b, office_b):
    async_to_sync(_test_other_units_board_hears_nothing)(unit_a, office_a, unit_b, office_b)


async def _test_other_units_board_hears_nothing(unit_a, office_a, unit_b, office_b):
    communicator, connected = await connect("8200")
    assert connected
    await database_sync_to_async(services.ticket_issue)(unit=unit_a, service="library")
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


def test_rolled_back_call_is_never_announced(unit_a, office_a):
    async_to_sync(_test_rolled_back_call_is_never_announced)(unit_a, office_a)


async def _test_rolled_back_call_is_never_announced(unit_a, office_a):
    from django.db import transaction

    communicator, _ = await connect("7601")

    def issue_and_roll_back():
        with transaction.atomic():
            services.ticket_issue(unit=unit_a, service="library")
            transaction.set_rollback(True)

    await database_sync_to_async(issue_and_roll_back)()
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


def test_unknown_unit_is_refused(db):
    async_to_sync(_test_unknown_unit_is_refused)(db)


async def _test_unknown_unit_is_refused(db):
    communicator = WebsocketClient(application, "/ws/units/9999/board/")
    connected = await communicator.connect()
    assert not connected
