"""The consultation chat socket. Messages are saved by the service first and broadcast after commit;
the socket only carries what changed. After a reconnect the client sends `{"type": "catch_up",
"after": <last id seen>}` and gets every newer message once, in order (ids are monotonic).

Besides messages the socket carries, without storing them: `typing` (relayed to the other people on
the consultation for a few seconds), and for staff `presence` (who else has the consultation open,
kept in the shared cache with a short expiry so it works across ASGI nodes). Read marks are stored
(`read`, one per side) and broadcast.
"""

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


def _post_sync(consultation, user, body: str, internal: bool) -> dict | None:
    try:
        services.message_post(consultation=consultation, actor=user, body=body, internal=internal)
    except ValidationError as exc:
        return {"type": "error", "errors": [str(m) for m in exc.messages]}
    return None


# Not thread-sensitive: messages of different consultations are saved in parallel threads (each
# with its own database connection) instead of queueing behind one another on a single thread.
_post = database_sync_to_async(_post_sync, thread_sensitive=False)


@database_sync_to_async
def _mark_read(consultation, staff: bool, up_to: int) -> None:
    services.chat_mark_read(consultation=consultation, staff=staff, up_to=up_to)


@database_sync_to_async
def _read_marks(consultation) -> dict:
    consultation.refresh_from_db(fields=["user_read_up_to", "staff_read_up_to"])
    return {"user": consultation.user_read_up_to, "staff": consultation.staff_read_up_to}


def _as_int(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        pk = int(self.scope["url_route"]["kwargs"]["pk"])
        consultation, staff = await _access(user, pk) if user is not None else (None, False)
        if consultation is None:
            await self.close(code=4404)
            return
        self.pk, self.consultation, self.staff, self.user = pk, consultation, staff, user
        # Staff hear internal notes too, from their own group; a user's group never carries them.
        self.group = services.staff_chat_group(pk) if staff else services.chat_group(pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "read", **await _read_marks(consultation)})
        if staff:
            await self._presence(
                await database_sync_to_async(services.presence_touch)(
                    consultation_id=pk, connection=self.channel_name, user=user
                )
            )

    async def disconnect(self, code):
        if not getattr(self, "group", None):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.staff:
            await self._presence(
                await database_sync_to_async(services.presence_leave)(
                    consultation_id=self.pk, connection=self.channel_name
                )
            )

    async def _presence(self, viewers: list[dict]) -> None:
        await self.channel_layer.group_send(
            services.staff_chat_group(self.pk), {"type": "chat.presence", "viewers": viewers}
        )

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "catch_up":
            for message in await _messages_after(
                self.consultation, self.staff, _as_int(content.get("after"))
            ):
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
        elif kind == "typing":
            await self._typing(internal=bool(content.get("internal")) and self.staff)
        elif kind == "read":
            await _mark_read(self.consultation, self.staff, _as_int(content.get("up_to")))
        elif kind == "ping":
            if self.staff:
                # The page pings every 20 s: that renews this viewer's presence before it expires.
                viewers = await database_sync_to_async(services.presence_touch)(
                    consultation_id=self.pk, connection=self.channel_name, user=self.user
                )
                await self.send_json({"type": "presence", "viewers": viewers})
            await self.send_json({"type": "pong"})

    async def _typing(self, *, internal: bool) -> None:
        event = {
            "type": "chat.typing",
            "side": "staff" if self.staff else "user",
            "name": self.user.name if self.staff else "",
            "sender": self.channel_name,
        }
        await self.channel_layer.group_send(services.staff_chat_group(self.pk), event)
        if not internal:
            await self.channel_layer.group_send(services.chat_group(self.pk), event)

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_status(self, event):
        await self.send_json(
            {
                "type": "status",
                "status": event["status"],
                "label": event.get("label", ""),
                "due_at": event["due_at"],
            }
        )

    async def chat_typing(self, event):
        if event["sender"] != self.channel_name:
            await self.send_json({"type": "typing", "side": event["side"], "name": event["name"]})

    async def chat_read(self, event):
        await self.send_json({"type": "read", event["side"]: event["up_to"]})

    async def chat_presence(self, event):
        await self.send_json({"type": "presence", "viewers": event["viewers"]})


@database_sync_to_async
def _inbox_unit(user, code: str):
    return selectors.inbox_unit(user=user, code=code)


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """A unit's live inbox: tells the unit's consultants which consultation changed (opened, a new
    message, status, due time, assignee, transfer) so the page reloads its rows. Only an id and a
    kind travel; the rows themselves come from the scoped page. Anyone else is refused."""

    async def connect(self):
        user = self.scope.get("user")
        code = self.scope["url_route"]["kwargs"]["unit"]
        unit = await _inbox_unit(user, code) if user is not None else None
        if unit is None:
            await self.close(code=4404)
            return
        self.group = services.inbox_group(unit.code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def inbox_event(self, event):
        await self.send_json({"type": "inbox", "kind": event["event"]["kind"], "id": event["event"]["id"]})
