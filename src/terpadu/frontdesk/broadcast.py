"""Delivery of board events to the channel layer, after commit.

With the Redis layer, events go through one sender thread per process that keeps one event loop:
channels_redis pools its connections per event loop, so `async_to_sync` from a worker thread
(a fresh loop for every call) would open a Redis connection for every event. The in-memory
layer (development, tests) lives in the server's own loop, so it is sent to directly.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)


class _Sender:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, group: str, message: dict[str, Any]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="frontdesk-board-sender", daemon=True)
                self._thread.start()
        self._queue.put((group, message))

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        layer = get_channel_layer()
        while True:
            batch = [self._queue.get()]
            while True:  # whatever queued up meanwhile goes out in the same loop turn
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                loop.run_until_complete(_send_all(layer, batch))
            except Exception:  # a board missing one event catches up on its next refetch
                logger.exception("board events could not be sent")


async def _send_all(layer, batch) -> None:
    for group, message in batch:
        await layer.group_send(group, message)


_sender = _Sender()


def send(group: str, message: dict[str, Any]) -> None:
    """Send now (call it from an on-commit hook)."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
    else:
        _sender.submit(group, message)
