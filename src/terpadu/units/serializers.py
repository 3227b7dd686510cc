"""Read-only API shapes for units and their published service standards."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from terpadu.units import selectors, views
from terpadu.units.models import Component, Mode, ServiceStandard, Unit


def _strip_ids(value):
    """Item trees as the API shows them: text, mode, children (no database ids or sort keys)."""
    if isinstance(value, dict) and "text" in value:
        return {"text": value["text"], "mode": value["mode"], "children": _strip_ids(value["children"])}
    if isinstance(value, dict):
        return {key: _strip_ids(nodes) for key, nodes in value.items()}
    return [_strip_ids(node) for node in value]


class ComplaintChannelSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    href = serializers.CharField(
        help_text="A working link: mailto:, https://wa.me/62…, a website; empty for a box."
    )


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "kind", "name"]


class OfficeHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday")
    name = serializers.CharField()
    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    time_zone_abbreviation = serializers.CharField(source="zone_abbreviation", read_only=True)
    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["code", "kind", "name", "parent", "time_zone", "time_zone_abbreviation", "url", "web_url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, unit: Unit) -> str:
        return self._absolute(reverse("api-unit-detail", args=[unit.code]))

    @extend_schema_field(serializers.URLField())
    def get_web_url(self, unit: Unit) -> str:
        return self._absolute(reverse("unit-detail", args=[unit.code]))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class UnitDetailSerializer(UnitSerializer):
    parent = UnitRefSerializer(read_only=True)
    children = serializers.SerializerMethodField()
    complaint_channels = ComplaintChannelSerializer(many=True, read_only=True)
    office_hours = serializers.SerializerMethodField()
    office_hours_default = serializers.SerializerMethodField()
    standards_url = serializers.SerializerMethodField()

    class Meta(UnitSerializer.Meta):
        fields = [
            *UnitSerializer.Meta.fields,
            "address",
            "postcode",
            "phone",
            "email",
            "website",
            "kemendagri_code",
            "complaint_channels",
            "office_hours",
            "office_hours_default",
            "children",
            "standards_url",
        ]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_children(self, unit: Unit) -> list[dict]:
        children = unit.children.filter(is_active=True).order_by("code")
        return UnitRefSerializer(children, many=True).data

    @extend_schema_field(OfficeHoursSerializer(many=True))
    def get_office_hours(self, unit: Unit) -> list[dict]:
        rows, _default = selectors.office_hours_rows(unit)
        return OfficeHoursSerializer(rows, many=True).data

    @extend_schema_field(serializers.BooleanField(help_text="True when the civil-service default applies."))
    def get_office_hours_default(self, unit: Unit) -> bool:
        return selectors.office_hours_rows(unit)[1]

    @extend_schema_field(serializers.URLField())
    def get_standards_url(self, unit: Unit) -> str:
        return self._absolute(reverse("api-unit-standards", args=[unit.code]))


class ItemNodeSerializer(serializers.Serializer):
    text = serializers.CharField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    children = serializers.ListField(
        child=serializers.DictField(),
        help_text="Nested items, each of this same shape (text, mode, children).",
    )


class ItemsByModeSerializer(serializers.Serializer):
    walk_in = ItemNodeSerializer(many=True)
    online = ItemNodeSerializer(many=True)
    both = ItemNodeSerializer(many=True)


class CompletionTimeSerializer(serializers.Serializer):
    mode = serializers.CharField()
    amount = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(help_text="minutes | working_days | self_service")
    clock_start = serializers.CharField()
    heading = serializers.CharField(help_text="The mode's heading as published, or empty.")
    wording = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Rupiah; 0 = free of charge")
    wording = serializers.CharField()


class ServiceStandardSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="get_service_display", read_only=True)
    requirements = serializers.SerializerMethodField()
    procedure = serializers.SerializerMethodField()
    completion_time = CompletionTimeSerializer(source="completion_times", many=True, read_only=True)
    fee = serializers.SerializerMethodField()
    products = serializers.SerializerMethodField()
    complaint_channels = ComplaintChannelSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceStandard
        fields = [
            "id",
            "unit",
            "service",
            "service_name",
            "title",
            "status",
            "sk_number",
            "effective_from",
            "effective_until",
            "requirements",
            "procedure",
            "completion_time",
            "completion_time_summary",
            "fee",
            "mode_headings",
            "products",
            "complaint_channels",
            "web_url",
            "pdf_url",
        ]

    def _by_mode(self, standard: ServiceStandard, component: str) -> dict:
        return _strip_ids(selectors.standard_items_by_mode(standard, component))

    @extend_schema_field(ItemsByModeSerializer)
    def get_requirements(self, standard: ServiceStandard) -> dict:
        return self._by_mode(standard, Component.REQUIREMENT)

    @extend_schema_field(ItemsByModeSerializer)
    def get_procedure(self, standard: ServiceStandard) -> dict:
        return self._by_mode(standard, Component.PROCEDURE)

    @extend_schema_field(ItemNodeSerializer(many=True))
    def get_products(self, standard: ServiceStandard) -> list[dict]:
        by_mode = self._by_mode(standard, Component.PRODUCT)
        return [node for mode in selectors.MODE_ORDER for node in by_mode[mode]]

    @extend_schema_field(FeeSerializer)
    def get_fee(self, standard: ServiceStandard) -> dict:
        return {"amount": int(standard.fee_amount), "wording": standard.fee_wording}

    def _urls(self, standard: ServiceStandard) -> dict:
        urls = views.standard_urls(standard, current=standard.status == ServiceStandard.Status.PUBLISHED)
        request = self.context.get("request")
        return {k: request.build_absolute_uri(v) if request else v for k, v in urls.items()}

    @extend_schema_field(serializers.URLField())
    def get_web_url(self, standard: ServiceStandard) -> str:
        return self._urls(standard)["page"]

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, standard: ServiceStandard) -> str:
        return self._urls(standard)["pdf"]
