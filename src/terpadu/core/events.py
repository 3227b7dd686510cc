"""Side effects that must only happen once the transaction that caused them has committed."""

from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def on_commit(callback: Callable[[], Any]) -> None:
    transaction.on_commit(callback, robust=True)


def broadcast(group: str, message: dict[str, Any]) -> None:
    """Send `message` to a Channels group after the current transaction commits."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    on_commit(send)


def enqueue(task, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task after commit, so the worker sees the rows it is given."""
    on_commit(lambda: task.delay(*args, **kwargs))
