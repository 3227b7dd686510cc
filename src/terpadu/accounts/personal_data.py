"""A registry through which each app adds its share of a person's data to the export and the
deletion of an account (UU 27/2022: the right to access and to erasure).

Register in your app's ``AppConfig.ready()`` (or in a module it imports)::

    from terpadu.accounts.personal_data import register_eraser, register_exporter

    @register_exporter("consultations")
    def export_consultations(user) -> list[dict] | dict:
        return [...]  # JSON-serialisable; appears under "consultations" in the export

    @register_eraser
    def erase_download_log(user) -> None:
        DownloadLog.objects.filter(user=user).update(user=None, email="")

Rows with ``on_delete=CASCADE`` to the user go with the account anyway; an eraser is for data
that must outlive the person in anonymised form (statistics, audit trails) or lives elsewhere
(files, search indexes). Erasers run inside the deletion transaction, before the user row goes.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []

RESERVED_KEYS = frozenset({"format", "exported_at", "profile", "email_addresses", "consents"})


def register_exporter(key: str) -> Callable[[Exporter], Exporter]:
    """Decorator: `func(user)` returns JSON-serialisable data exported under `key`."""
    if key in RESERVED_KEYS:
        raise ValueError(f"{key!r} is reserved by the accounts export")

    def decorator(func: Exporter) -> Exporter:
        existing = _exporters.get(key)
        if existing is not None and existing is not func:
            raise ValueError(f"an exporter is already registered under {key!r}")
        _exporters[key] = func
        return func

    return decorator


def register_eraser(func: Eraser) -> Eraser:
    """Decorator: `func(user)` removes or anonymises the app's data before the user is deleted."""
    if func not in _erasers:
        _erasers.append(func)
    return func


def unregister(func: Callable) -> None:
    """Remove a registered exporter or eraser (for tests)."""
    for key, exporter in list(_exporters.items()):
        if exporter is func:
            del _exporters[key]
    if func in _erasers:
        _erasers.remove(func)


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> list[Eraser]:
    return list(_erasers)
