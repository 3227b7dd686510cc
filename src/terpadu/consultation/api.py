"""Integration API: knowledge base, a user's consultations and the consultant's actions.

The user sees only their own consultations, staff only their units' (others answer 404 and
nothing changes). Every write goes through `services`, the same code the pages use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from terpadu.units.models import Unit

from . import selectors, services
from .forms import InboxFilterForm
from .models import Consultation


def _error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return exceptions.ValidationError({"detail": exc.messages})


def _local_iso(unit: Unit, moment):
    return unit.local(moment).isoformat() if moment else None


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    answer_html = serializers.CharField()
    subjects = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField(allow_null=True, help_text="BPS code, or null for a nation-wide article")


def article_data(article) -> dict:
    return {
        "id": article.pk,
        "question": article.question,
        "answer_html": article.answer_html,
        "subjects": article.subjects,
        "unit": article.unit.code if article.unit_id else None,
    }


@extend_schema(responses=ArticleSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def knowledge_search(request):
    """Published articles matching `q` (Indonesian stemming, typo-tolerant); `unit` narrows to a unit's."""
    unit = None
    if code := request.query_params.get("unit"):
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise exceptions.ValidationError({"unit": [_("Unknown unit.")]})
    query = request.query_params.get("q", "")
    hits = selectors.knowledge_search(query=query, unit=unit, limit=20)
    return Response({"query": query, "count": len(hits), "results": [article_data(h.article) for h in hits]})


class ConsultationCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="BPS code of the unit, e.g. 8200")
    topic = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="multipart/form-data only: files (PDF, PNG, JPEG, XLSX, DOCX, PPTX, CSV, TXT)",
    )


def _files(request) -> list:
    return request.FILES.getlist("attachments") if request.FILES else []


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    unit = serializers.CharField()
    topic = serializers.CharField()
    status = serializers.CharField()
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    clock_started_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="In the unit's time zone")
    clock_paused = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    standard_met = serializers.BooleanField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.CharField()


def consultation_data(c: Consultation) -> dict:
    unit = c.unit
    return {
        "id": c.pk,
        "number": c.number,
        "unit": unit.code,
        "unit_time_zone": unit.time_zone,
        "topic": c.topic,
        "description": c.description,
        "status": c.status,
        "channel": c.channel,
        "created_at": _local_iso(unit, c.created_at),
        "clock_started_at": _local_iso(unit, c.clock_started_at),
        "due_at": _local_iso(unit, c.due_at),
        "clock_paused": c.paused_at is not None,
        "answered_at": _local_iso(unit, c.answered_at),
        "standard_met": c.standard_met,
        "closed_at": _local_iso(unit, c.closed_at),
        "close_reason": c.close_reason,
        "assigned_to": c.assigned_to.name if c.assigned_to_id else None,
        "user_read_up_to": c.user_read_up_to,
        "staff_read_up_to": c.staff_read_up_to,
    }


_YES = {"1", "true", "yes", "on"}


def _inbox_filters(params) -> dict:
    """The inbox page's filters from query parameters: the page's own names (status, channel, due,
    assigned, q) or the switches due_soon, overdue, mine, unassigned; checked by the page's form."""
    data = {name: params.get(name, "") for name in ("status", "channel", "due", "assigned", "q")}
    switches = {name for name in ("due_soon", "overdue", "mine", "unassigned") if params.get(name) in _YES}
    if {"due_soon", "overdue"} <= switches:
        raise exceptions.ValidationError({"due": [_("Choose either due soon or overdue, not both.")]})
    if {"mine", "unassigned"} <= switches:
        raise exceptions.ValidationError({"assigned": [_("Choose either mine or unassigned, not both.")]})
    if "due_soon" in switches:
        data["due"] = "soon"
    elif "overdue" in switches:
        data["due"] = "overdue"
    if "mine" in switches:
        data["assigned"] = "me"
    elif "unassigned" in switches:
        data["assigned"] = "none"
    form = InboxFilterForm(data)
    if not form.is_valid():
        raise exceptions.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


@extend_schema(
    request=ConsultationCreateSerializer,
    parameters=[
        OpenApiParameter("inbox", bool, description="Staff: your units' consultations, as the inbox"),
        OpenApiParameter("status", str, description='With inbox: a status, or "all" (default: not closed)'),
        OpenApiParameter("channel", str, description="With inbox: web, whatsapp, email, walk_in, video"),
        OpenApiParameter("due_soon", bool, description="With inbox: at most 1 working day left"),
        OpenApiParameter("overdue", bool, description="With inbox: past the due time, unanswered"),
        OpenApiParameter("mine", bool, description="With inbox: assigned to you"),
        OpenApiParameter("unassigned", bool, description="With inbox: assigned to nobody"),
        OpenApiParameter("q", str, description="With inbox: a number or words of the topic"),
    ],
    responses={200: ConsultationSerializer(many=True), 201: dict},
)
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
@permission_classes([IsAuthenticated])
def consultations(request):
    """GET: your consultations (staff add `?inbox=1` for their units'). POST: open one."""
    if request.method == "GET":
        if request.query_params.get("inbox"):
            qs = selectors.inbox_filtered(user=request.user, filters=_inbox_filters(request.query_params))
        else:
            qs = selectors.consultations_of_user(user=request.user)
        return Response([consultation_data(c) for c in qs[:200]])
    serializer = ConsultationCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    unit = Unit.objects.filter(code=data["unit"], is_active=True).first()
    try:
        consultation = services.consultation_open(
            user=request.user,
            unit=unit,
            topic=data["topic"],
            description=data["description"],
            files=_files(request),
        )
    except DjangoValidationError as exc:
        raise _error(exc) from exc
    return Response(
        {"id": consultation.pk, "number": consultation.number, "status": consultation.status},
        status=status.HTTP_201_CREATED,
    )


@extend_schema(responses=ConsultationSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def consultation_detail(request, pk: int):
    consultation, _staff = selectors.consultation_for(user=request.user, pk=pk)
    return Response(consultation_data(consultation))


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    internal = serializers.BooleanField(default=False, help_text="Staff only: a note the user never sees")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="multipart/form-data only: files; the body may then be empty",
    )


@extend_schema(request=MessageCreateSerializer, responses={200: dict, 201: dict})
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
@permission_classes([IsAuthenticated])
def consultation_messages(request, pk: int):
    """GET `?after=<id>` returns only newer messages: how a client catches up after a reconnect."""
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    if request.method == "GET":
        try:
            after = int(request.query_params.get("after", 0))
        except ValueError as exc:
            raise exceptions.ValidationError({"after": [_("A message id is a number.")]}) from exc
        messages = selectors.consultation_messages(consultation=consultation, staff=staff, after_id=after)
        return Response([services.message_payload(m) for m in messages[:500]])
    serializer = MessageCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        message = services.message_post(
            consultation=consultation,
            actor=request.user,
            body=serializer.validated_data["body"],
            internal=serializer.validated_data["internal"],
            files=_files(request),
        )
    except DjangoValidationError as exc:
        raise _error(exc) from exc
    return Response(services.message_payload(message), status=status.HTTP_201_CREATED)


@extend_schema(responses={(200, "application/octet-stream"): bytes})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def consultation_attachment(request, pk: int, attachment_id: int):
    """A message's file, for the consultation's user (public messages) or its unit's staff."""
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    attachment = selectors.attachment_for(consultation=consultation, staff=staff, pk=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0, help_text="Id of the last message read")


@extend_schema(request=ReadSerializer, responses=ConsultationSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def consultation_read(request, pk: int):
    """Mark messages read up to `up_to` for your side (the user, or the unit's staff)."""
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    serializer = ReadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    services.chat_mark_read(consultation=consultation, staff=staff, up_to=serializer.validated_data["up_to"])
    consultation.refresh_from_db()
    return Response(consultation_data(consultation))


def _staff_consultation(request, pk: int) -> Consultation:
    consultation, staff = selectors.consultation_for(user=request.user, pk=pk)
    if not staff:
        # The owner learns nothing about staff actions either: the same 404 as a stranger.
        raise exceptions.NotFound()
    return consultation


@extend_schema(request=None, responses=ConsultationSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def consultation_mark_clear(request, pk: int):
    """Staff: the request is clear and complete; the response clock starts."""
    consultation = _staff_consultation(request, pk)
    try:
        consultation = services.consultation_mark_clear(consultation=consultation, actor=request.user)
    except DjangoValidationError as exc:
        raise _error(exc) from exc
    return Response(consultation_data(consultation))


@extend_schema(request=MessageCreateSerializer, responses=ConsultationSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def consultation_request_clarification(request, pk: int):
    """Staff: ask the user what is missing (`body`); the clock pauses until they reply."""
    consultation = _staff_consultation(request, pk)
    try:
        services.consultation_request_clarification(
            consultation=consultation, actor=request.user, body=request.data.get("body", "")
        )
    except DjangoValidationError as exc:
        raise _error(exc) from exc
    consultation.refresh_from_db()
    return Response(consultation_data(consultation))


@extend_schema(request=None, responses=ConsultationSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def consultation_close(request, pk: int):
    """Staff: close (reason `resolved` by default)."""
    consultation = _staff_consultation(request, pk)
    try:
        consultation = services.consultation_close(
            consultation=consultation,
            actor=request.user,
            reason=request.data.get("reason", Consultation.CloseReason.RESOLVED),
        )
    except DjangoValidationError as exc:
        raise _error(exc) from exc
    return Response(consultation_data(consultation))
