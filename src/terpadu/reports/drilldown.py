"""The rows behind a figure, as text a person reads: choices by their label, times in the unit's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from terpadu.frontdesk.models.queue import QUEUE_SERVICE_KINDS
from terpadu.reports.figures import Source


def _value(obj, path: str):
    """(value, display) of a dotted path; a choice field shows its label."""
    *parents, name = path.split(".")
    for part in parents:
        obj = getattr(obj, part, None)
        if obj is None:
            return None, None
    display = getattr(obj, f"get_{name}_display", None)
    value = getattr(obj, name, None)
    return value, (display() if callable(display) and value not in (None, "") else None)


def _unit_of(src: Source, obj):
    holder = obj
    for part in src.unit_field.split("__"):
        holder = getattr(holder, part, None)
        if holder is None:
            return None
    return holder


def _text(value, display, zone: ZoneInfo) -> str:
    if display is not None:
        return str(display)
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(value.astimezone(zone), "d-m-Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "d-m-Y")
    if isinstance(value, list):
        labels = dict(QUEUE_SERVICE_KINDS)
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(value)


def drilldown_rows(src: Source, objects, *, units) -> tuple[list[str], list[list[str]]]:
    zones = {unit.pk: ZoneInfo(unit.time_zone) for unit in units}
    names = {unit.pk: unit.code for unit in units}
    several = len(units) > 1
    headings = ([_("Unit")] if several else []) + [str(heading) for _path, heading in src.columns]
    lines = []
    for obj in objects:
        unit = _unit_of(src, obj)
        zone = zones.get(getattr(unit, "pk", None), ZoneInfo("Asia/Jakarta"))
        line = [names.get(unit.pk, "") if unit is not None else ""] if several else []
        for path, _heading in src.columns:
            line.append(_text(*_value(obj, path), zone))
        lines.append(line)
    return headings, lines


def key_label(src: Source, dimension, key: str) -> str:
    """A breakdown value as a person reads it: the choice's label, the counter's or title's name."""
    if key == "":
        return _("not stated")
    if dimension.keys:  # the services a visit asked for
        return str(dict(QUEUE_SERVICE_KINDS).get(key, key))
    if dimension.field == "standard_minutes":
        return _("%(minutes)s minutes") % {"minutes": key}
    model = src.model_class
    *relations, name = dimension.field.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=key).first() if key.isdigit() else None
        return str(related) if related is not None else key
    return str(dict(field.flatchoices).get(key, key))
