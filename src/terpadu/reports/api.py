"""GET /api/v1/units/{code}/reports/: a dashboard's tables as JSON (the same figures as the page)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from terpadu.core.access import unit_for_staff
from terpadu.reports import selectors
from terpadu.reports.forms import PeriodForm
from terpadu.reports.report import build_report
from terpadu.reports.rollups import local_today
from terpadu.units.models import StaffRole

CELL = inline_serializer(
    "ReportCell",
    {
        "text": serializers.CharField(),
        "value": serializers.JSONField(allow_null=True),
        "href": serializers.CharField(help_text="The drill-down list of the records behind the figure."),
    },
)


class UnitReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="unit_report",
        summary="A unit's dashboard figures (unit admins of the unit or above)",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="4-digit BPS code"),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first local day (default: 1st of month)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last local day (default: today)"),
            OpenApiParameter("group", OpenApiTypes.STR, enum=["day", "week", "month"]),
        ],
        responses=inline_serializer(
            "UnitReport",
            {
                "unit": serializers.CharField(),
                "units": serializers.ListField(child=serializers.CharField()),
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "group": serializers.CharField(),
                "sections": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, code: str):
        unit = unit_for_staff(request.user, code, roles=[StaffRole.Role.UNIT_ADMIN])
        form = PeriodForm(request.query_params, today=local_today(unit))
        if not form.is_valid():
            return Response({"detail": form.errors}, status=400)
        start, end, group = form.period()
        units = selectors.subtree(unit)
        data = selectors.rollup_figures(units, start, end, group)
        report = build_report(unit=unit, units=units, start=start, end=end, group=group, figures=data)
        return Response(
            {
                "unit": unit.code,
                "units": [u.code for u in units],
                "from": start,
                "to": end,
                "group": group,
                "sections": [
                    {
                        "slug": section.slug,
                        "title": section.title,
                        "tables": [
                            {
                                "slug": table.slug,
                                "title": table.title,
                                "columns": table.columns,
                                "rows": [
                                    {
                                        "label": label.text,
                                        "cells": [
                                            {"text": c.text, "value": c.value, "href": c.href} for c in cells
                                        ],
                                    }
                                    for label, cells in table.rows
                                ],
                            }
                            for table in section.tables
                        ],
                    }
                    for section in report.sections
                ],
            }
        )
