"""The display board's WebSocket: read-only, public, one group per unit."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from terpadu.frontdesk.services import board_group
from terpadu.units.models import Unit


@database_sync_to_async
def _unit_exists(code: str) -> bool:
    return Unit.objects.filter(code=code, is_active=True).exists()


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Pushes `{"type": "called", "number", "counter", "service", ...}` and every other ticket change.

    Clients catch up after a (re)connect from GET /api/v1/units/{code}/queue/; the socket only
    carries what changed since.
    """

    async def connect(self):
        self.code = self.scope["url_route"]["kwargs"]["code"]
        if not await _unit_exists(self.code):
            await self.close(code=4404)
            return
        self.group = board_group(self.code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def board_event(self, message):
        await self.send_json(message["event"])
