"""Integration API: answer a survey by its link's token, read a unit's IKM (staff), file and
track complaints. Every write goes through `services`, the same code the pages use."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from terpadu.core.access import unit_for_staff
from terpadu.units.models import ChannelKind, Unit

from . import selectors, services, skm
from .models import SURVEY_SERVICE_KINDS
from .views import LINK_ERROR_STATUS, client_ip, error_dict


class SurveyAnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(), help_text='{"u1": 1-4, ..., "u9": 1-4}: every element is required'
    )
    staff_rating = serializers.IntegerField(required=False, allow_null=True, help_text="1-5, optional")
    comment = serializers.CharField(required=False, allow_blank=True)
    gender = serializers.CharField(required=False, allow_blank=True, help_text="female, male or empty")
    age_group = serializers.CharField(required=False, allow_blank=True)
    education = serializers.CharField(required=False, allow_blank=True)
    occupation = serializers.CharField(required=False, allow_blank=True)
    asked_for_money = serializers.BooleanField(required=False, allow_null=True)
    offered_gift = serializers.BooleanField(required=False, allow_null=True)
    extra_fee = serializers.BooleanField(required=False, allow_null=True)
    broker_seen = serializers.BooleanField(required=False, allow_null=True)
    discrimination = serializers.BooleanField(required=False, allow_null=True)


@extend_schema(
    operation_id="survey_answer",
    request=SurveyAnswerSerializer,
    responses={
        201: OpenApiTypes.OBJECT,
        400: OpenApiTypes.OBJECT,
        404: OpenApiTypes.OBJECT,
        409: OpenApiTypes.OBJECT,
        410: OpenApiTypes.OBJECT,
    },
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def survey_answer(request, token: str):
    """Answer the survey of one service event. The token is single-use: a second answer → 409,
    an expired link → 410; a missing element or an answer outside 1–4 → 400 and nothing stored."""
    data = request.data if isinstance(request.data, dict) else {}
    try:
        response = services.survey_submit(token=token, data=data)
    except services.SurveyLinkError as exc:
        return Response({"detail": exc.message, "code": exc.code}, status=LINK_ERROR_STATUS[exc.code])
    except DjangoValidationError as exc:
        return Response({"errors": error_dict(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(
        {
            "id": response.pk,
            "unit": response.unit.code,
            "service": response.service,
            "submitted_at": response.unit.local(response.submitted_at).isoformat(),
        },
        status=status.HTTP_201_CREATED,
    )


@extend_schema(
    operation_id="unit_ikm",
    parameters=[
        OpenApiParameter("service", str, enum=[value for value, _label in SURVEY_SERVICE_KINDS]),
        OpenApiParameter("from", OpenApiTypes.DATE, description="first local day (default: 1 January)"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="last local day (default: today)"),
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def unit_ikm(request, code: str):
    """The unit's IKM for a period (staff of the unit and the admins above it; others 404)."""
    unit = unit_for_staff(request.user, code)
    service = request.query_params.get("service", "")
    if service and service not in services.SERVICE_VALUES:
        return Response({"service": [_("Unknown service.")]}, status=status.HTTP_400_BAD_REQUEST)
    period = selectors.parse_period(unit, request.query_params.get("from"), request.query_params.get("to"))
    result = selectors.ikm_for(unit=unit, period=period, service=service or None)
    return Response(
        {
            "unit": unit.code,
            "service": service or None,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            **result.as_dict(),
            "elements": {element.code: str(element.title) for element in skm.ELEMENTS},
        }
    )


@extend_schema(operation_id="unit_survey_responses", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def unit_responses(request, code: str):
    """The unit's latest survey responses (staff of the unit and above; others 404)."""
    unit = unit_for_staff(request.user, code)
    period = selectors.parse_period(unit, request.query_params.get("from"), request.query_params.get("to"))
    rows = selectors.responses(unit=unit, period=period).select_related("staff")[:500]
    return Response(
        {
            "unit": unit.code,
            "results": [
                {
                    "id": r.pk,
                    "service": r.service,
                    "channel": r.channel,
                    "submitted_at": unit.local(r.submitted_at).isoformat(),
                    "answers": r.answers,
                    "staff_rating": r.staff_rating,
                    "staff": r.staff.get_full_name() if r.staff_id else None,
                    "comment": r.comment,
                }
                for r in rows
            ],
        }
    )


class ComplaintCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="BPS code of the unit, e.g. 7601")
    channel = serializers.ChoiceField(choices=ChannelKind.choices, required=False)
    body = serializers.CharField(allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True)
    service = serializers.CharField(required=False, allow_blank=True)
    contact = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, help_text="{name?, email?, phone?}"
    )


@extend_schema(
    operation_id="complaint_create",
    request=ComplaintCreateSerializer,
    responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def complaint_create(request):
    """File a complaint (anonymous allowed). Answers the public tracking code."""
    data = request.data if isinstance(request.data, dict) else {}
    contact = data.get("contact") or {}
    if not isinstance(contact, dict):
        return Response({"errors": {"contact": [_("Give the contact as {name, email, phone}.")]}}, status=400)
    unit = Unit.objects.filter(code=str(data.get("unit", "")), is_active=True).first()
    try:
        complaint = services.complaint_create(
            unit=unit,
            channel=str(data.get("channel") or ChannelKind.WEBSITE),
            body=str(data.get("body") or ""),
            category=str(data.get("category") or ""),
            service=str(data.get("service") or ""),
            contact_name=str(contact.get("name") or ""),
            contact_email=str(contact.get("email") or ""),
            contact_phone=str(contact.get("phone") or ""),
            client_key=client_ip(request),
        )
    except DjangoValidationError as exc:
        return Response({"errors": error_dict(exc)}, status=status.HTTP_400_BAD_REQUEST)
    except services.RateLimited as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return Response(
        {"tracking_code": complaint.tracking_code, "status_url": services.tracking_url(complaint)},
        status=status.HTTP_201_CREATED,
    )


@extend_schema(operation_id="complaint_status", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def complaint_status(request, tracking_code: str):
    """A complaint's public status: status, dates and the public reply; never its content or contact."""
    complaint = selectors.complaint_by_code(tracking_code)
    if complaint is None:
        raise NotFound(_("No complaint has this tracking code."))
    return Response(selectors.complaint_public(complaint))


@extend_schema(operation_id="unit_complaints", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def unit_complaints(request, code: str):
    """The unit's complaints (staff of the unit and above; others 404)."""
    unit = unit_for_staff(request.user, code)
    rows = selectors.complaints(unit=unit, status=request.query_params.get("status", ""))[:500]
    return Response(
        {
            "unit": unit.code,
            "results": [
                {
                    **selectors.complaint_public(c),
                    "id": c.pk,
                    "channel": c.channel,
                    "category": c.category,
                    "body": c.body,
                    "handler": c.handler.get_full_name() if c.handler_id else None,
                    "breached": c.breached,
                    "lapor_tracking_id": c.lapor_tracking_id or None,
                }
                for c in rows
            ],
        }
    )
