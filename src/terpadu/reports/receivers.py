"""Marking the (unit, day) of every changed raw row, connected in ReportsConfig.ready().

post_save/post_delete are used for every watched model, not only the service apps' own signals
(`ticket_finished`, `visit_checked_out`, ...): those fire after commit and only at the end of a
service, while a ticket's waiting time is fixed at its first call and a consultation's first
response arrives as a message. The marks of one transaction are gathered and written once, after
it commits, so a rolled-back change marks nothing and a bulk of changes enqueues one task.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from terpadu.reports import figures, rollups

_WATCHED: dict[type, list[tuple[figures.Source, str]]] = {}


class _Flush:
    """The after-commit callback of one transaction, holding the days it marked."""

    def __init__(self) -> None:
        self.keys: set[rollups.DayKey] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        rollups.mark_days(self.keys)


def _pending(connection) -> _Flush | None:
    flush = getattr(connection, "_reports_flush", None)
    # After a rollback Django drops the registered callbacks: start a new gathering then.
    if (
        flush is not None
        and not flush.done
        and any(func is flush for _sids, func, _robust in connection.run_on_commit)
    ):
        return flush
    return None


def mark(key: rollups.DayKey) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        rollups.mark_days({key})
        return
    flush = _pending(connection)
    if flush is None:
        flush = _Flush()
        connection._reports_flush = flush
        transaction.on_commit(flush, robust=True)
    flush.keys.add(key)


def _follow(obj, path: str):
    for part in filter(None, path.split("__")):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _unit_zone(target, unit_path: str, unit_id: int) -> ZoneInfo:
    holder_path, _sep, field_name = unit_path.rpartition("__")
    holder = _follow(target, holder_path)
    if holder is not None and type(holder)._meta.get_field(field_name).is_cached(holder):
        return ZoneInfo(getattr(holder, field_name).time_zone)
    Unit = apps.get_model("units", "Unit")
    return ZoneInfo(Unit.objects.values_list("time_zone", flat=True).get(pk=unit_id))


def day_key(src: figures.Source, target) -> rollups.DayKey | None:
    """The (unit id, local day) on which `target` (a row of `src`) is counted, or None."""
    holder_path, _sep, field_name = src.unit_field.rpartition("__")
    holder = _follow(target, holder_path)
    unit_id = getattr(holder, f"{field_name}_id", None) if holder is not None else None
    if unit_id is None:
        return None
    if src.day_field:
        day = _follow(target, src.day_field)
        return (unit_id, day) if day else None
    moment = _follow(target, src.time_field)
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return unit_id, moment.astimezone(_unit_zone(target, src.unit_field, unit_id)).date()
    return unit_id, moment


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded: `rebuild_rollups` covers them
    for src, path in _WATCHED.get(sender, ()):
        try:
            target = _follow(instance, path)
        except ObjectDoesNotExist:  # the parent of a deleted row is already gone
            target = None
        if target is None:
            continue
        key = day_key(src, target)
        if key is not None:
            mark(key)


def connect() -> None:
    for src in figures.sources().values():
        for label, path in src.watch:
            model = apps.get_model(label)
            _WATCHED.setdefault(model, []).append((src, path))
    for model in _WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"reports-{model._meta.label_lower}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"reports-{model._meta.label_lower}-delete")
