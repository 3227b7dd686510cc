"""Public pages: home, unit directory, unit profile and the published service standards.

Everything here is read-only and public; the reads are in `selectors.py`, shared with the API so
page and API can never disagree.
"""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from terpadu.units import selectors
from terpadu.units.models import (
    Component,
    Mode,
    ServiceKind,
    ServiceStandard,
    Unit,
)

# The services PST offers that have a published standard today; the rest are "coming soon".
STANDARD_SERVICES = (ServiceKind.LIBRARY, ServiceKind.CONSULTATION)


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
        {"services": services, "unit_count": selectors.unit_public_queryset().count()},
    )


@require_GET
def unit_directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    service = request.GET.get("service", "")
    units = selectors.unit_search(q=query)
    service_label = ""
    if service in ServiceKind.values:
        units = units.filter(
            standards__service=service, standards__status=ServiceStandard.Status.PUBLISHED
        ).distinct()
        service_label = ServiceKind(service).label
    else:
        service = ""
    filtered = bool(query or service)
    results = list(units) if filtered else []
    context = {
        "query": query,
        "service": service,
        "service_label": service_label,
        "filtered": filtered,
        "results": results,
        "tree": [] if filtered else selectors.unit_tree(units=units),
    }
    template = "units/includes/directory_results.html" if request.htmx else "units/directory.html"
    return render(request, template, context)


@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_public(code)
    rows, hours_default = selectors.office_hours_rows(unit)
    standards = selectors.standards_current(unit=unit)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "office_hours": selectors.office_hours_grouped(rows),
            "office_hours_default": hours_default,
            "children": unit.children.filter(is_active=True).order_by("code"),
            "channels": unit.complaint_channels.all(),
            "standards": [{"standard": s, "urls": standard_urls(s, current=True)} for s in standards],
        },
    )


def _mode_groups(standard: ServiceStandard, component: str) -> list[tuple]:
    """(mode, heading as published, show a heading, roots) for each mode that has items.

    A lone walk-in-and-online list needs no heading unless the document gives one.
    """
    sections = selectors.standard_sections(standard, component)
    only_both = len(sections) == 1 and sections[0]["mode"] == Mode.BOTH
    return [
        (sec["mode"], sec["heading"], bool(sec["heading"]) or not only_both, sec["items"]) for sec in sections
    ]


def _standard_context(code: str, service: str, pk: int | None) -> dict:
    unit = selectors.unit_get_public(code)
    service = _service_or_404(service)
    history = list(selectors.standard_public_versions(unit, service))
    current = next((s for s in history if s.status == ServiceStandard.Status.PUBLISHED), None)
    standard = current if pk is None else next((s for s in history if s.pk == pk), None)
    if standard is None:
        raise Http404
    is_current = standard.status == ServiceStandard.Status.PUBLISHED
    return {
        "unit": unit,
        "standard": standard,
        "is_current": is_current,
        "current": current,
        "current_urls": standard_urls(current, current=True) if current else None,
        "urls": standard_urls(standard, current=pk is None),
        "requirements": _mode_groups(standard, Component.REQUIREMENT),
        "procedure": _mode_groups(standard, Component.PROCEDURE),
        "products": _mode_groups(standard, Component.PRODUCT),
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
