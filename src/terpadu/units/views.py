"""Public pages: home, unit directory, unit profile and the published service standards.

Everything here is read-only and public. The small queries below (`standard_*`, `unit_*`)
are shared with the API so page and API can never disagree; they belong in `selectors.py`
once that module lands (it is being written in parallel) and should move there then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from terpadu.units.models import (
    Component,
    Mode,
    OfficeHours,
    ServiceKind,
    ServiceStandard,
    StandardItem,
    Unit,
)

# Civil-service default (Mon–Thu 07:30–16:00, Fri 07:30–16:30) for units without OfficeHours rows;
# the same values as terpadu.lib.workdays.CIVIL_SERVICE_HOURS, which the clocks use.
DEFAULT_OFFICE_HOURS: dict[int, tuple[dt.time, dt.time]] = {
    **{weekday: (dt.time(7, 30), dt.time(16, 0)) for weekday in range(4)},
    4: (dt.time(7, 30), dt.time(16, 30)),
}

# The services PST offers that have a published standard today; the rest are "coming soon".
STANDARD_SERVICES = (ServiceKind.LIBRARY, ServiceKind.CONSULTATION)
PUBLIC_STATUSES = (ServiceStandard.Status.PUBLISHED, ServiceStandard.Status.SUPERSEDED)
MODE_ORDER = (Mode.WALK_IN, Mode.ONLINE, Mode.BOTH)


# ---------------------------------------------------------------------------------------------
# Queries (to move into selectors.py)


def unit_public_queryset() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).select_related("parent")


def unit_search(*, query: str = "", queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units whose name contains `query`, or whose BPS code starts with it."""
    queryset = unit_public_queryset() if queryset is None else queryset
    query = query.strip()
    if not query:
        return queryset
    condition = Q(name__icontains=query)
    if query.isdigit():
        condition |= Q(code__startswith=query)
    else:
        # "Majene" also finds "BPS Kabupaten Majene"; every word must match somewhere.
        words = query.split()
        if len(words) > 1:
            word_condition = Q()
            for word in words:
                word_condition &= Q(name__icontains=word)
            condition |= word_condition
    return queryset.filter(condition)


def unit_get_public(code: str) -> Unit:
    return get_object_or_404(unit_public_queryset(), code=code)


def _standard_prefetches() -> list:
    return [
        Prefetch("items", queryset=StandardItem.objects.order_by("order", "id")),
        "completion_times",
        "complaint_channels",
    ]


def standard_current_list(unit: Unit) -> QuerySet[ServiceStandard]:
    """The unit's published standards, one per service."""
    return (
        ServiceStandard.objects.filter(unit=unit, status=ServiceStandard.Status.PUBLISHED)
        .select_related("unit")
        .prefetch_related(*_standard_prefetches())
        .order_by("service")
    )


def standard_history_list(unit: Unit, service: str | None = None) -> QuerySet[ServiceStandard]:
    """Every version the public may read (published and superseded), newest first."""
    queryset = ServiceStandard.objects.filter(unit=unit, status__in=PUBLIC_STATUSES)
    if service:
        queryset = queryset.filter(service=service)
    return (
        queryset.select_related("unit")
        .prefetch_related(*_standard_prefetches())
        .order_by("service", "-effective_from", "-id")
    )


@dataclass
class ItemNode:
    text: str
    mode: str
    children: list[ItemNode] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "mode": self.mode,
            "children": [child.as_dict() for child in self.children],
        }


def standard_item_trees(standard: ServiceStandard) -> dict[str, dict[str, list[ItemNode]]]:
    """{component: {mode: [root nodes]}} in stored order; children keep their parent's place."""
    items = sorted(standard.items.all(), key=lambda item: (item.order, item.id))
    nodes = {item.id: ItemNode(text=item.text, mode=item.mode) for item in items}
    trees: dict[str, dict[str, list[ItemNode]]] = {c: {m: [] for m in MODE_ORDER} for c in Component.values}
    for item in items:
        node = nodes[item.id]
        if item.parent_id and item.parent_id in nodes:
            nodes[item.parent_id].children.append(node)
        else:
            trees[item.component].setdefault(item.mode, []).append(node)
    return trees


def office_hours_rows(unit: Unit) -> tuple[list[dict], bool]:
    """[{weekday, name, opens, closes}] per open weekday, and whether this is the default."""
    rows = list(unit.office_hours.all())
    hours = {row.weekday: (row.opens, row.closes) for row in rows}
    is_default = not hours
    if is_default:
        hours = dict(DEFAULT_OFFICE_HOURS)
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


# ---------------------------------------------------------------------------------------------
# Pages


def _service_or_404(service: str) -> str:
    if service not in ServiceKind.values:
        raise Http404
    return service


def standard_urls(standard: ServiceStandard, *, current: bool) -> dict[str, str]:
    code = standard.unit.code
    if current:
        page = reverse("standard-current", args=[code, standard.service])
        pdf = reverse("standard-current-pdf", args=[code, standard.service])
    else:
        page = reverse("standard-version", args=[code, standard.service, standard.pk])
        pdf = reverse("standard-version-pdf", args=[code, standard.service, standard.pk])
    return {"page": page, "pdf": pdf}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    published = (
        ServiceStandard.objects.filter(
            status=ServiceStandard.Status.PUBLISHED, service__in=STANDARD_SERVICES, unit__is_active=True
        )
        .select_related("unit")
        .order_by("unit__code")
    )
    units_by_service: dict[str, list[Unit]] = defaultdict(list)
    for standard in published:
        units_by_service[standard.service].append(standard.unit)
    services = [
        {
            "kind": kind.value,
            "label": kind.label,
            "units": units_by_service.get(kind.value, [])[:8],
            "unit_count": len(units_by_service.get(kind.value, [])),
        }
        for kind in STANDARD_SERVICES
    ]
    return render(
        request,
        "units/home.html",
        {"services": services, "unit_count": unit_public_queryset().count()},
    )


def _unit_tree(units: list[Unit]) -> list[dict]:
    by_parent: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {unit.id for unit in units}
    for unit in units:
        by_parent[unit.parent_id if unit.parent_id in ids else None].append(unit)

    def build(parent_id: int | None) -> list[dict]:
        return [{"unit": unit, "children": build(unit.id)} for unit in by_parent.get(parent_id, [])]

    return build(None)


@require_GET
def unit_directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    service = request.GET.get("service", "")
    units = unit_public_queryset().order_by("code")
    service_label = ""
    if service in ServiceKind.values:
        units = units.filter(
            standards__service=service, standards__status=ServiceStandard.Status.PUBLISHED
        ).distinct()
        service_label = ServiceKind(service).label
    else:
        service = ""
    filtered = bool(query or service)
    results = list(unit_search(query=query, queryset=units)) if filtered else []
    context = {
        "query": query,
        "service": service,
        "service_label": service_label,
        "filtered": filtered,
        "results": results,
        "tree": [] if filtered else _unit_tree(list(units)),
    }
    template = "units/includes/directory_results.html" if request.htmx else "units/directory.html"
    return render(request, template, context)


@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get_public(code)
    rows, hours_default = office_hours_rows(unit)
    standards = list(standard_current_list(unit))
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "office_hours": office_hours_grouped(rows),
            "office_hours_default": hours_default,
            "children": unit.children.filter(is_active=True).order_by("code"),
            "channels": unit.complaint_channels.all(),
            "standards": [{"standard": s, "urls": standard_urls(s, current=True)} for s in standards],
        },
    )


def _mode_groups(standard: ServiceStandard, component: str, tree: dict[str, list[ItemNode]]) -> list[tuple]:
    """(mode, heading as published, show a heading, roots) for each mode that has items.

    A lone walk-in-and-online list needs no heading unless the document gives one.
    """
    groups = [(mode, tree[mode]) for mode in MODE_ORDER if tree.get(mode)]
    only_both = len(groups) == 1 and groups[0][0] == Mode.BOTH
    result = []
    for mode, nodes in groups:
        heading = standard.mode_heading(component, mode)
        result.append((mode, heading, bool(heading) or not only_both, nodes))
    return result


def _standard_context(code: str, service: str, pk: int | None) -> dict:
    unit = unit_get_public(code)
    service = _service_or_404(service)
    history = list(standard_history_list(unit, service))
    current = next((s for s in history if s.status == ServiceStandard.Status.PUBLISHED), None)
    standard = current if pk is None else next((s for s in history if s.pk == pk), None)
    if standard is None:
        raise Http404
    is_current = standard.status == ServiceStandard.Status.PUBLISHED
    trees = standard_item_trees(standard)
    return {
        "unit": unit,
        "standard": standard,
        "is_current": is_current,
        "current": current,
        "current_urls": standard_urls(current, current=True) if current else None,
        "urls": standard_urls(standard, current=pk is None),
        "requirements": _mode_groups(standard, Component.REQUIREMENT, trees[Component.REQUIREMENT]),
        "procedure": _mode_groups(standard, Component.PROCEDURE, trees[Component.PROCEDURE]),
        "products": _mode_groups(standard, Component.PRODUCT, trees[Component.PRODUCT]),
        "completion_times": list(standard.completion_times.all()),
        "channels": list(standard.complaint_channels.all()),
        "history": [
            {"standard": s, "urls": standard_urls(s, current=False), "is_shown": s.pk == standard.pk}
            for s in history
        ],
    }


@require_GET
def standard_detail(request: HttpRequest, code: str, service: str, pk: int | None = None) -> HttpResponse:
    return render(request, "units/standard_detail.html", _standard_context(code, service, pk))


@require_GET
def standard_pdf(request: HttpRequest, code: str, service: str, pk: int | None = None) -> HttpResponse:
    from terpadu.units.pdf import render_standard_pdf

    context = _standard_context(code, service, pk)
    standard = context["standard"]
    content = render_standard_pdf(request, context)
    filename = (
        f"standar-pelayanan-{standard.unit.code}-{standard.service}-{standard.effective_from:%Y%m%d}.pdf"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
