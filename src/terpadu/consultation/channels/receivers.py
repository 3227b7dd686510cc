"""What notify reports about our outbound messages (sent with its outside id, or failed) is recorded."""

from terpadu.notify import signals as notify_signals

from . import services


def _sent(sender, *, ref: str, external_id: str, **kwargs) -> None:
    services.delivery_sent(ref=ref, external_id=external_id)


def _failed(sender, *, ref: str, error: str, outside_window: bool = False, **kwargs) -> None:
    services.delivery_failed(ref=ref, error=error, outside_window=outside_window)


def connect() -> None:
    notify_signals.sent.connect(_sent, dispatch_uid="consultation_channels.sent")
    notify_signals.failed.connect(_failed, dispatch_uid="consultation_channels.failed")
