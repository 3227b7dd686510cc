"""Public, read-only API over units and their published service standards."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from terpadu.units import selectors
from terpadu.units.models import ServiceKind, Unit, UnitComplaintChannel
from terpadu.units.serializers import ServiceStandardSerializer, UnitDetailSerializer, UnitSerializer

CODE_PARAMETER = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="4-digit BPS code"
)


class DirectoryPagination(PageNumberPagination):
    # Kiosks and partner systems may take the whole directory (500+ units) in one page.
    page_size_query_param = "page_size"
    max_page_size = 1000


@extend_schema_view(
    list=extend_schema(
        summary="BPS units",
        parameters=[
            OpenApiParameter(
                "parent", OpenApiTypes.STR, description="BPS code of the parent unit, e.g. 7600"
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=Unit.Kind.values,
                description="national, province, regency or city",
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="Name contains, or BPS code starts with"),
        ],
    ),
    retrieve=extend_schema(summary="A unit's profile", parameters=[CODE_PARAMETER]),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = DirectoryPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            return selectors.unit_search(
                q=params.get("q", "")[:100],
                parent=params.get("parent", "").strip() or None,
                kind=params.get("kind", "").strip() or None,
            )
        return selectors.unit_public_queryset().prefetch_related(
            Prefetch("complaint_channels", queryset=UnitComplaintChannel.objects.order_by("order", "id")),
            "office_hours",
        )

    def get_serializer_class(self):
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer

    def get_object(self):
        try:
            return self.get_queryset().get(code=self.kwargs["code"])
        except Unit.DoesNotExist as exc:
            # DRF's own message, translated into the caller's language (Accept-Language).
            raise NotFound from exc

    def _standards_response(self, queryset):
        page = self.paginate_queryset(queryset)
        serializer = ServiceStandardSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="A unit's current published service standards",
        parameters=[CODE_PARAMETER],
        responses=ServiceStandardSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="standards", url_name="standards")
    def standards(self, request, code=None):
        unit = self.get_object()
        return self._standards_response(selectors.standards_current(unit=unit))

    @extend_schema(
        summary="Every published and superseded version of a unit's service standards",
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter(
                "service", OpenApiTypes.STR, enum=ServiceKind.values, description="Only this service"
            ),
        ],
        responses=ServiceStandardSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="standards/history", url_name="standards-history")
    def standards_history(self, request, code=None):
        unit = self.get_object()
        service = request.query_params.get("service") or None
        return self._standards_response(selectors.standard_public_versions(unit, service))
