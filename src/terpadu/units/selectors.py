"""Reads for units and service standards.

The clocks of the front office and the consultation desk read their limits from
`completion_time_for`: the minutes and working days a unit promises are data, never constants.
"""

import datetime as dt
from typing import TypedDict

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from terpadu.lib.workdays import CIVIL_SERVICE_HOURS
from terpadu.units.models import (
    CompletionTime,
    Component,
    Mode,
    OfficeHours,
    ServiceStandard,
    StandardComplaintChannel,
    StandardItem,
    Unit,
)


class ItemNode(TypedDict):
    id: int
    text: str
    mode: str
    order: int
    children: list["ItemNode"]


class UnitNode(TypedDict):
    unit: Unit
    children: list["UnitNode"]


class Section(TypedDict):
    mode: str
    heading: str
    items: list[ItemNode]


def _standard_queryset() -> QuerySet[ServiceStandard]:
    return ServiceStandard.objects.select_related("unit", "published_by").prefetch_related(
        Prefetch("items", queryset=StandardItem.objects.order_by("component", "order", "id")),
        Prefetch("completion_times", queryset=CompletionTime.objects.order_by("order", "id")),
        Prefetch("complaint_channels", queryset=StandardComplaintChannel.objects.order_by("order", "id")),
    )


def standard_current(*, unit: Unit, service: str) -> ServiceStandard | None:
    """The published standard of `unit` for `service`, with items, times and channels prefetched."""
    return (
        _standard_queryset()
        .filter(unit=unit, service=service, status=ServiceStandard.Status.PUBLISHED)
        .first()
    )


def standards_current(*, unit: Unit) -> list[ServiceStandard]:
    """Every published standard of `unit` (one per service), prefetched, in service order."""
    return list(
        _standard_queryset().filter(unit=unit, status=ServiceStandard.Status.PUBLISHED).order_by("service")
    )


def standard_in_force(*, unit: Unit, service: str, on: dt.date) -> ServiceStandard | None:
    """The standard (published or since superseded) that was in force on `on`, for reports."""
    return (
        _standard_queryset()
        .filter(
            unit=unit,
            service=service,
            status__in=[ServiceStandard.Status.PUBLISHED, ServiceStandard.Status.SUPERSEDED],
            effective_from__lte=on,
        )
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from")
        .first()
    )


def standard_history(*, unit: Unit, service: str, include_drafts: bool = False) -> QuerySet[ServiceStandard]:
    """Published and superseded versions, newest first (drafts only when asked)."""
    statuses = [ServiceStandard.Status.PUBLISHED, ServiceStandard.Status.SUPERSEDED]
    if include_drafts:
        statuses.append(ServiceStandard.Status.DRAFT)
    return (
        ServiceStandard.objects.select_related("unit", "published_by")
        .filter(unit=unit, service=service, status__in=statuses)
        .order_by("-effective_from", "-id")
    )


def completion_time_for(
    *, unit: Unit, service: str, mode: str, on: dt.date | None = None
) -> CompletionTime | None:
    """The completion time a unit promises for `service` in `mode` (walk_in or online).

    Reads the current standard, or the one in force on `on`. A row for the exact mode wins over a
    row for both modes. None when the standard states no time for that mode.
    """
    standard = (
        standard_current(unit=unit, service=service)
        if on is None
        else standard_in_force(unit=unit, service=service, on=on)
    )
    if standard is None:
        return None
    times = list(standard.completion_times.all())
    for wanted in (mode, Mode.BOTH):
        for time in times:
            if time.mode == wanted:
                return time
    return None


def unit_search(
    *, q: str | None = None, parent: Unit | str | None = None, kind: str | None = None
) -> QuerySet[Unit]:
    """Active units matching a name or code fragment, a parent (unit or BPS code) and a kind."""
    units = Unit.objects.filter(is_active=True).select_related("parent")
    if q and q.strip():
        q = q.strip()
        # Every word in the name ("majene", "sulawesi barat"), or a BPS / Kemendagri code.
        every_word = Q()
        for word in q.split():
            every_word &= Q(name__icontains=word)
        units = units.filter(every_word | Q(code__startswith=q) | Q(kemendagri_code=q))
    if parent is not None:
        units = units.filter(parent__code=parent) if isinstance(parent, str) else units.filter(parent=parent)
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("code")


def unit_tree(*, units: QuerySet[Unit] | None = None) -> list[UnitNode]:
    """National > provinces > regencies/cities, as nested nodes ordered by code (one query)."""
    rows = list((units if units is not None else Unit.objects.filter(is_active=True)).order_by("path"))
    nodes: dict[int, UnitNode] = {unit.pk: {"unit": unit, "children": []} for unit in rows}
    roots: list[UnitNode] = []
    for unit in rows:
        node = nodes[unit.pk]
        if unit.parent_id in nodes:
            nodes[unit.parent_id]["children"].append(node)
        else:
            roots.append(node)
    return roots


def _items_of(standard: ServiceStandard) -> list[StandardItem]:
    # Use the prefetched rows when the standard came from standard_current(): no extra query.
    cache = getattr(standard, "_prefetched_objects_cache", {})
    if "items" in cache:
        return list(cache["items"])
    return list(standard.items.order_by("component", "order", "id"))


def standard_item_tree(standard: ServiceStandard, component: str, mode: str | None = None) -> list[ItemNode]:
    """The items of one component as a nested list; `mode` picks the top-level items of one mode.

    Children belong to their parent whatever their own mode, so a step's sub-steps always follow it.
    """
    items = [item for item in _items_of(standard) if item.component == component]
    items.sort(key=lambda item: (item.order, item.pk))
    nodes: dict[int, ItemNode] = {
        item.pk: {"id": item.pk, "text": item.text, "mode": item.mode, "order": item.order, "children": []}
        for item in items
    }
    roots: list[ItemNode] = []
    for item in items:
        node = nodes[item.pk]
        if item.parent_id is not None:
            if item.parent_id in nodes:
                nodes[item.parent_id]["children"].append(node)
        elif mode is None or item.mode == mode:
            roots.append(node)
    return roots


def standard_sections(standard: ServiceStandard, component: str) -> list[Section]:
    """One section per mode that has items, in the order walk-in, online, both, with the seed's heading."""
    sections: list[Section] = []
    for mode in (Mode.WALK_IN, Mode.ONLINE, Mode.BOTH):
        items = standard_item_tree(standard, component, mode)
        if items:
            sections.append(
                {"mode": str(mode), "heading": standard.mode_heading(component, mode), "items": items}
            )
    return sections


LIST_COMPONENTS = tuple(Component.values)


PUBLIC_STATUSES = (ServiceStandard.Status.PUBLISHED, ServiceStandard.Status.SUPERSEDED)
MODE_ORDER = (Mode.WALK_IN, Mode.ONLINE, Mode.BOTH)


def unit_public_queryset() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).select_related("parent")


def unit_get_public(code: str) -> Unit:
    return get_object_or_404(unit_public_queryset(), code=code)


def standard_public_versions(unit: Unit, service: str | None = None) -> QuerySet[ServiceStandard]:
    """Every version the public may read (published and superseded) of all or one service, newest
    first, prefetched for rendering; `standard_history` covers one service, unprefetched."""
    queryset = ServiceStandard.objects.filter(unit=unit, status__in=PUBLIC_STATUSES)
    if service:
        queryset = queryset.filter(service=service)
    return (
        queryset.select_related("unit")
        .prefetch_related(
            Prefetch("items", queryset=StandardItem.objects.order_by("component", "order", "id")),
            Prefetch("completion_times", queryset=CompletionTime.objects.order_by("order", "id")),
            Prefetch("complaint_channels", queryset=StandardComplaintChannel.objects.order_by("order", "id")),
        )
        .order_by("service", "-effective_from", "-id")
    )


def standard_items_by_mode(standard: ServiceStandard, component: str) -> dict[str, list]:
    """{walk_in: [tree], online: [tree], both: [tree]} for one list component."""
    return {str(mode): standard_item_tree(standard, component, mode) for mode in MODE_ORDER}


def office_hours_rows(unit: Unit) -> tuple[list[dict], bool]:
    """[{weekday, name, opens, closes}] per open weekday, and whether this is the default."""
    rows = list(unit.office_hours.all())
    hours = {row.weekday: (row.opens, row.closes) for row in rows}
    is_default = not hours
    if is_default:
        hours = dict(CIVIL_SERVICE_HOURS)
    return [
        {"weekday": weekday, "name": OfficeHours.Weekday(weekday).label, "opens": opens, "closes": closes}
        for weekday, (opens, closes) in sorted(hours.items())
    ], is_default


def office_hours_grouped(rows: list[dict]) -> list[dict]:
    """Consecutive weekdays with the same hours as one line: 'Monday–Thursday 07:30–16:00'."""
    groups: list[dict] = []
    for row in rows:
        last = groups[-1] if groups else None
        if (
            last
            and last["last_weekday"] == row["weekday"] - 1
            and (last["opens"], last["closes"]) == (row["opens"], row["closes"])
        ):
            last["last_weekday"] = row["weekday"]
            last["last"] = row["name"]
        else:
            groups.append({**row, "first": row["name"], "last": None, "last_weekday": row["weekday"]})
    return groups
