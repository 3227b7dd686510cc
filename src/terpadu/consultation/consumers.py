"""The consultation chat socket. Messages are saved by the service first and broadcast after commit;
the socket only carries what changed. After a reconnect the client sends `{"type": "catch_up",
"after": <last id seen>}` and gets every newer message once, in order (ids are monotonic)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.http import Http404

from . import selectors, services


@database_sync_to_async
def _access(user, pk: int):
    try:
        consultation, staff = selectors.consultation_for(user=user, pk=pk)
    except Http404:
        return None, False
    return consultation, staff


@database_sync_to_async
def _messages_after(consultation, staff: bool, after: int) -> list[dict]:
    messages = selectors.consultation_messages(consultation=consultation, staff=staff, after_id=after)
    return [services.message_payload(m) for m in messages[:500]]


@database_sync_to_async
def _post(consultation, user, body: str, internal: bool) -> dict | None:
    try:
        services.message_post(consultation=consultation, actor=user, body=body, internal=internal)
    except ValidationError as exc:
        return {"type": "error", "errors": [str(m) for m in exc.messages]}
    return None


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        pk = int(self.scope["url_route"]["kwargs"]["pk"])
        consultation, staff = await _access(user, pk) if user is not None else (None, False)
        if consultation is None:
            await self.close(code=4404)
            return
        self.consultation, self.staff, self.user = consultation, staff, user
        # Staff hear internal notes too, from their own group; a user's group never carries them.
        self.group = services.staff_chat_group(pk) if staff else services.chat_group(pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "catch_up":
            try:
                after = int(content.get("after") or 0)
            except (TypeError, ValueError):
                after = 0
            for message in await _messages_after(self.consultation, self.staff, after):
                await self.send_json({"type": "message", "message": message})
        elif kind == "message":
            error = await _post(
                self.consultation,
                self.user,
                str(content.get("body", "")),
                bool(content.get("internal")) and self.staff,
            )
            if error:
                await self.send_json(error)
        elif kind == "ping":
            await self.send_json({"type": "pong"})

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_status(self, event):
        await self.send_json({"type": "status", "status": event["status"], "due_at": event["due_at"]})
