"""Dashboards, drill-down lists and exports: parse the filters, check scope, call the selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from terpadu.core.access import unit_for_staff
from terpadu.reports import charts, exports, figures, selectors
from terpadu.reports.drilldown import drilldown_rows, key_label
from terpadu.reports.forms import PeriodForm
from terpadu.reports.report import build_report
from terpadu.reports.rollups import local_today
from terpadu.units.models import StaffRole

REPORT_ROLES = [StaffRole.Role.UNIT_ADMIN]


def nav_link(request, _obj) -> str:
    """The staff navigation's link to the dashboards, for whoever may read one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return ""
    if not selectors.report_units(user).exists():
        return ""
    return format_html(
        '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
        reverse("reports:home"),
        _("Reports"),
    )


def _period(request, unit):
    form = PeriodForm(request.GET, today=local_today(unit))
    if request.GET and not form.is_valid():
        for error in form.non_field_errors() or [_("Enter valid dates.")]:
            messages.error(request, error)
    return form, *form.period()


@login_required
def home(request):
    """/laporan/: the widest unit the person may read (their province, or the nation)."""
    units = selectors.report_units(request.user).order_by("path")
    wanted = request.GET.get("unit")
    unit = units.filter(code=wanted).first() if wanted else None
    unit = unit or min(units, key=lambda u: (len(u.path), u.path), default=None)
    if unit is None:
        raise Http404
    query = {k: v for k, v in request.GET.items() if k in ("from", "to", "group")}
    url = reverse("reports:dashboard", args=[unit.code])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


def _report(request, code):
    unit = unit_for_staff(request.user, code, roles=REPORT_ROLES)
    form, start, end, group = _period(request, unit)
    units = selectors.subtree(unit)
    data = selectors.rollup_figures(units, start, end, group)
    report = build_report(unit=unit, units=units, start=start, end=end, group=group, figures=data)
    return unit, form, report


@login_required
def dashboard(request, code):
    unit, form, report = _report(request, code)
    query = urlencode({"from": report.start.isoformat(), "to": report.end.isoformat(), "group": report.group})
    sections = [
        {
            "section": section,
            "tables": [{"table": table, "chart": charts.bar_chart(table)} for table in section.tables],
        }
        for section in report.sections
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "form": form,
            "report": report,
            "sections": sections,
            "query": query,
            "choosable_units": selectors.report_units(request.user).order_by("path"),
        },
    )


@login_required
def export(request, code, fmt):
    _unit, _form, report = _report(request, code)
    if fmt == "xlsx":
        return exports.xlsx_response(report)
    if fmt == "csv":
        return exports.csv_response(report)
    if fmt == "pdf":
        return exports.pdf_response(request, report)
    raise Http404


@login_required
def drilldown(request, code, source):
    unit = unit_for_staff(request.user, code, roles=REPORT_ROLES)
    src = figures.sources().get(source)
    if src is None:
        raise Http404
    form, start, end, group = _period(request, unit)
    metric = request.GET.get("metric", "")
    dimension = request.GET.get("dimension", figures.ALL)
    key = request.GET.get("key", "")
    try:
        if metric:
            src.metric(metric)
        if dimension != figures.ALL:
            src.dimension(dimension)
    except KeyError:
        messages.error(request, _("That figure does not exist; all records of the period are listed."))
        metric, dimension, key = "", figures.ALL, ""
    # `own`: the unit's own office only (its row among the units side by side).
    units = [unit] if request.GET.get("own") == "1" else selectors.subtree(unit)
    rows = figures.drilldown_queryset(
        src, units=units, start=start, end=end, metric=metric, dimension=dimension, key=key
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    headings, lines = drilldown_rows(src, page.object_list, units=units)
    back = urlencode({"from": start.isoformat(), "to": end.isoformat(), "group": group})
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "reports/drilldown.html",
        {
            "unit": unit,
            "source": src,
            "metric": src.metric(metric) if metric else None,
            "dimension": src.dimension(dimension) if dimension != figures.ALL else None,
            "key_label": key_label(src, src.dimension(dimension), key) if dimension != figures.ALL else "",
            "start": start,
            "end": end,
            "page": page,
            "headings": headings,
            "lines": lines,
            "back": back,
            "page_query": urlencode(params),
        },
    )
