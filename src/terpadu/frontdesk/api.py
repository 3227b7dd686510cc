"""The integration API of the front office: kiosks, boards, counters and partners.

Staff authenticate as usual (token or session); kiosk tablets and boards with a device token
(`Authorization: Device tpd_...`). Objects outside the caller's units answer 404.
"""

from __future__ import annotations

import functools

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from terpadu.core.access import get_for_staff, staff_units
from terpadu.frontdesk import selectors, services
from terpadu.frontdesk.models import Counter, Device, Locker, LockerDeposit, QueueService, Ticket, Visit
from terpadu.frontdesk.models.guestbook import IdType
from terpadu.units.models import StaffRole, Unit

QUEUE_ROLES = (StaffRole.Role.FRONTLINER, StaffRole.Role.LIBRARIAN, StaffRole.Role.CONSULTANT)
DESK_ROLES = (StaffRole.Role.FRONTLINER,)
ADMIN_ROLES = (StaffRole.Role.UNIT_ADMIN,)


class DeviceTokenAuthentication(BaseAuthentication):
    """`Authorization: Device <token>`: the request acts as that kiosk or board, never as a person."""

    keyword = b"device"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid device token header."))
        device = services.device_authenticate(parts[1].decode(errors="replace"))
        if device is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked device token."))
        return AnonymousUser(), device

    def authenticate_header(self, request):
        return "Device"


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "terpadu.frontdesk.api.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Device tpd_..."}


def _device(request) -> Device | None:
    return request.auth if isinstance(request.auth, Device) else None


def _require_caller(request) -> None:
    if _device(request) is None and not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()


def _unit(request, code: str, roles, *, device_kinds=()) -> Unit:
    """The unit if the caller may act on it: a device only for its own unit and kind."""
    _require_caller(request)
    device = _device(request)
    if device is not None:
        if device.kind in device_kinds and device.unit.code == code:
            return device.unit
        raise Http404
    try:
        return staff_units(request.user, roles).get(code=code)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc


def _staff_object(request, queryset, roles, *, device_kinds=(), **lookup):
    _require_caller(request)
    device = _device(request)
    if device is not None:
        if device.kind not in device_kinds:
            raise Http404
        return get_object_or_404(queryset.filter(unit=device.unit), **lookup)
    return get_for_staff(queryset, request.user, roles=roles, **lookup)


def _actor(request):
    return request.user if request.user.is_authenticated else None


def handles_service_errors(view):
    """Service refusals become 400 (bad input) or 409 (wrong state), with the service's message."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DjangoValidationError as exc:
            code = status.HTTP_409_CONFLICT if isinstance(exc, services.InvalidTransition) else 400
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
            return Response(detail, status=code)

    return wrapper


def _auth_classes():
    from rest_framework.settings import api_settings

    return [DeviceTokenAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]


def endpoint(methods, *, public=False):
    """api_view with device-token authentication and errors mapped; access is checked in the view."""

    def decorate(view):
        view = handles_service_errors(view)
        view = permission_classes([AllowAny])(view)
        view = authentication_classes(_auth_classes())(view)
        return api_view(methods)(view)

    return decorate


# --- serializers ------------------------------------------------------------------------------


class VisitInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=24)
    institution = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    institution_kind = serializers.ChoiceField(
        choices=Visit.InstitutionKind.choices, required=False, allow_blank=True, default=""
    )
    occupation = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    education = serializers.ChoiceField(
        choices=Visit.Education.choices, required=False, allow_blank=True, default=""
    )
    gender = serializers.ChoiceField(
        choices=Visit.Gender.choices, required=False, allow_blank=True, default=""
    )
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    services = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False)
    group_size = serializers.IntegerField(required=False, default=1, min_value=1, max_value=500)
    consent = serializers.BooleanField()

    def validate_consent(self, value):
        if value is not True:
            raise serializers.ValidationError(
                _("The guest book needs your consent to the processing of your personal data.")
            )
        return value


class VisitSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    id_number = serializers.CharField(source="id_number_masked")
    tickets = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id", "unit", "created_at", "checked_out_at", "name", "id_type", "id_number", "email", "phone",
            "institution", "institution_kind", "occupation", "education", "gender", "purpose", "services",
            "group_size", "source", "tickets",
        ]  # fmt: skip

    def get_tickets(self, visit) -> list[dict]:
        return [{"id": t.id, "number": t.number, "status": t.status} for t in visit.tickets.all()]


class TicketSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    service = serializers.CharField(source="service.kind")
    service_name = serializers.CharField(source="service.name")
    counter = serializers.CharField(source="counter.name", default=None)
    counter_number = serializers.IntegerField(source="counter.number", default=None)
    place_in_line = serializers.SerializerMethodField()
    estimated_wait_minutes = serializers.SerializerMethodField()
    estimate_note = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id", "unit", "number", "service", "service_name", "status", "visit", "is_appointment",
            "issued_at", "called_at", "started_at", "finished_at", "counter", "counter_number",
            "recall_count",
            "clock_started_at", "standard_minutes", "wait_seconds", "met_standard", "public_code",
            "place_in_line", "estimated_wait_minutes", "estimate_note",
        ]  # fmt: skip

    def _estimate(self, ticket):
        if not hasattr(ticket, "_estimate"):
            ticket._estimate = selectors.estimated_wait(ticket)
        return ticket._estimate

    def get_place_in_line(self, ticket) -> int | None:
        return selectors.ticket_place_in_line(ticket)

    def get_estimated_wait_minutes(self, ticket) -> int | None:
        return self._estimate(ticket).minutes

    def get_estimate_note(self, ticket) -> str:
        return estimate_note(ticket, self._estimate(ticket))


def estimate_note(ticket, estimate) -> str:
    if ticket.status != Ticket.Status.WAITING:
        return ""
    if estimate.minutes is None:
        return _("No ticket of this service was finished in the last hour, so there is no estimate yet.")
    return _("Estimated from %(n)d tickets finished in the last hour.") % {"n": estimate.basis_tickets}


class PublicTicketSerializer(TicketSerializer):
    class Meta(TicketSerializer.Meta):
        fields = [
            "number", "service", "service_name", "status", "issued_at", "called_at", "counter",
            "counter_number",
            "place_in_line", "estimated_wait_minutes", "estimate_note",
        ]  # fmt: skip


class CounterSerializer(serializers.ModelSerializer):
    services = serializers.SlugRelatedField(slug_field="kind", many=True, read_only=True)
    staff = serializers.CharField(source="staff.name", default=None)

    class Meta:
        model = Counter
        fields = ["id", "number", "name", "services", "active", "staff"]


class LockerDepositSerializer(serializers.ModelSerializer):
    locker = serializers.CharField(source="locker.number")
    id_number = serializers.CharField(source="id_number_masked")
    visitor = serializers.CharField(source="visit.name")

    class Meta:
        model = LockerDeposit
        fields = ["id", "locker", "visit", "visitor", "id_type", "id_number", "deposited_at", "returned_at"]


class DeviceSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = Device
        fields = ["id", "unit", "kind", "name", "token_prefix", "created_at", "revoked_at", "last_seen_at"]


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- guest book -------------------------------------------------------------------------------


@extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer})
@endpoint(["GET", "POST"])
def unit_visits(request, code):
    if request.method == "GET":
        unit = _unit(request, code, DESK_ROLES)
        day = selectors.local_day(unit)
        visits = selectors.visits_of_day(unit=unit, day=day).prefetch_related("tickets")
        return Response(VisitSerializer(visits, many=True).data)
    unit = _unit(request, code, DESK_ROLES, device_kinds=(Device.Kind.KIOSK,))
    data = _valid(VisitInputSerializer, request.data)
    device = _device(request)
    visit = services.visit_create(
        unit=unit,
        actor=_actor(request),
        device=device,
        source=Visit.Source.KIOSK if device else Visit.Source.API,
        **data,
    )
    return Response(VisitSerializer(visit).data, status=201)


@extend_schema(responses=VisitSerializer)
@endpoint(["GET"])
def visit_detail(request, pk):
    visit = _staff_object(request, Visit.objects.all(), DESK_ROLES, pk=pk)
    return Response(VisitSerializer(visit).data)


@extend_schema(request=None, responses=VisitSerializer)
@endpoint(["POST"])
def visit_checkout(request, pk):
    visit = _staff_object(request, Visit.objects.all(), DESK_ROLES, pk=pk)
    visit = services.visit_checkout(visit=visit, actor=_actor(request))
    return Response(VisitSerializer(visit).data)


@extend_schema(responses=dict)
@endpoint(["GET"])
def returning_visitor(request, code):
    """Prefill for the kiosk: who this email or phone was last time (never the ID number)."""
    unit = _unit(request, code, DESK_ROLES, device_kinds=(Device.Kind.KIOSK,))
    visit = selectors.returning_visitor(
        unit=unit, email=request.query_params.get("email", ""), phone=request.query_params.get("phone", "")
    )
    if visit is None:
        return Response(status=204)
    fields = ["name", "institution", "institution_kind", "occupation", "education", "gender", "id_type"]
    return Response({f: getattr(visit, f) for f in fields})


# --- queue ------------------------------------------------------------------------------------


class TicketInputSerializer(serializers.Serializer):
    service = serializers.CharField(max_length=32)
    visit = serializers.IntegerField(required=False, allow_null=True)
    is_appointment = serializers.BooleanField(required=False, default=False)


@extend_schema(request=TicketInputSerializer, responses={201: TicketSerializer})
@endpoint(["GET", "POST"])
def unit_tickets(request, code):
    if request.method == "GET":
        unit = _unit(request, code, QUEUE_ROLES)
        qs = Ticket.objects.filter(unit=unit, local_day=selectors.local_day(unit)).select_related(
            "service", "counter"
        )
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        return Response(TicketSerializer(qs.order_by("issued_at", "id"), many=True).data)
    unit = _unit(request, code, QUEUE_ROLES, device_kinds=(Device.Kind.KIOSK,))
    data = _valid(TicketInputSerializer, request.data)
    visit = None
    if data.get("visit") is not None:
        visit = Visit.objects.filter(pk=data["visit"], unit=unit).first()
        if visit is None:
            return Response({"visit": [_("That visit is not in this unit's guest book.")]}, status=400)
    ticket = services.ticket_issue(
        unit=unit,
        service=data["service"],
        visit=visit,
        is_appointment=data["is_appointment"] and _device(request) is None,
        actor=_actor(request),
        device=_device(request),
    )
    return Response(TicketSerializer(ticket).data, status=201)


def _ticket(request, pk, *, device_kinds=()):
    qs = Ticket.objects.select_related("service", "counter", "unit")
    return _staff_object(request, qs, QUEUE_ROLES, device_kinds=device_kinds, pk=pk)


@extend_schema(responses=TicketSerializer)
@endpoint(["GET"])
def ticket_detail(request, pk):
    return Response(TicketSerializer(_ticket(request, pk, device_kinds=(Device.Kind.KIOSK,))).data)


@extend_schema(responses=PublicTicketSerializer)
@endpoint(["GET"])
def public_ticket(request, public_code):
    """What the visitor's own ticket page shows: anyone holding the QR code may read it."""
    ticket = get_object_or_404(Ticket.objects.select_related("service", "counter"), public_code=public_code)
    return Response(PublicTicketSerializer(ticket).data)


def _ticket_action(action):
    def view(request, pk):
        ticket = _ticket(request, pk)
        extra = {}
        if action is services.ticket_cancel:
            extra["reason"] = str(request.data.get("reason", ""))[:200]
        ticket = action(ticket=ticket, actor=_actor(request), **extra)
        return Response(TicketSerializer(ticket).data)

    view.__name__ = view.__qualname__ = action.__name__
    return extend_schema(request=None, responses=TicketSerializer)(endpoint(["POST"])(view))


ticket_recall = _ticket_action(services.ticket_recall)
ticket_start = _ticket_action(services.ticket_start)
ticket_finish = _ticket_action(services.ticket_finish)
ticket_no_show = _ticket_action(services.ticket_no_show)
ticket_cancel = _ticket_action(services.ticket_cancel)


class TransferSerializer(serializers.Serializer):
    service = serializers.CharField(max_length=32, required=False)
    counter = serializers.IntegerField(required=False)


@extend_schema(request=TransferSerializer, responses=TicketSerializer)
@endpoint(["POST"])
def ticket_transfer(request, pk):
    ticket = _ticket(request, pk)
    data = _valid(TransferSerializer, request.data)
    counter = None
    if data.get("counter") is not None:
        counter = Counter.objects.filter(pk=data["counter"], unit=ticket.unit).first()
        if counter is None:
            return Response({"counter": [_("Unknown counter for this unit.")]}, status=400)
    ticket = services.ticket_transfer(
        ticket=ticket, service=data.get("service"), counter=counter, actor=_actor(request)
    )
    return Response(TicketSerializer(ticket).data)


@extend_schema(responses=CounterSerializer(many=True))
@endpoint(["GET"])
def unit_counters(request, code):
    unit = get_object_or_404(Unit, code=code, is_active=True)
    counters = selectors.counters_for_unit(unit=unit).select_related("staff")
    return Response(CounterSerializer(counters, many=True).data)


def _counter(request, pk) -> Counter:
    return _staff_object(request, Counter.objects.all(), QUEUE_ROLES, pk=pk)


@extend_schema(request=None, responses={200: TicketSerializer, 204: None})
@endpoint(["POST"])
def counter_call_next(request, pk):
    ticket = services.ticket_call_next(counter=_counter(request, pk), actor=_actor(request))
    if ticket is None:
        return Response(status=204)
    return Response(TicketSerializer(ticket).data)


class CallSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)


@extend_schema(request=CallSerializer, responses=TicketSerializer)
@endpoint(["POST"])
def counter_call(request, pk):
    counter = _counter(request, pk)
    data = _valid(CallSerializer, request.data)
    ticket = Ticket.objects.filter(pk=data["ticket"], unit=counter.unit).first()
    if ticket is None:
        return Response({"ticket": [_("Unknown ticket for this unit.")]}, status=400)
    ticket = services.ticket_call(
        ticket=ticket, counter=counter, reason=data["reason"], actor=_actor(request)
    )
    return Response(TicketSerializer(ticket).data)


@extend_schema(responses=dict)
@endpoint(["GET"])
def unit_queue(request, code):
    """The board's state: public, like the board itself."""
    unit = get_object_or_404(Unit, code=code, is_active=True)
    return Response(selectors.board_state(unit=unit))


@extend_schema(responses=dict)
@endpoint(["GET"])
def unit_services(request, code):
    unit = get_object_or_404(Unit, code=code, is_active=True)
    return Response(
        [
            {"kind": s.kind, "name": s.name, "prefix": s.prefix}
            for s in QueueService.objects.filter(unit=unit, active=True)
        ]
    )


# --- lockers ----------------------------------------------------------------------------------


class DepositInputSerializer(serializers.Serializer):
    visit = serializers.IntegerField()
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=40)
    locker = serializers.CharField(max_length=10, required=False)


@extend_schema(request=DepositInputSerializer, responses={201: LockerDepositSerializer})
@endpoint(["GET", "POST"])
def unit_locker_deposits(request, code):
    unit = _unit(request, code, DESK_ROLES)
    if request.method == "GET":
        qs = LockerDeposit.objects.filter(unit=unit).select_related("locker", "visit")
        if request.query_params.get("open") in ("1", "true"):
            qs = qs.filter(returned_at__isnull=True)
        return Response(LockerDepositSerializer(qs[:500], many=True).data)
    data = _valid(DepositInputSerializer, request.data)
    visit = Visit.objects.filter(pk=data["visit"], unit=unit).first()
    if visit is None:
        return Response({"visit": [_("That visit is not in this unit's guest book.")]}, status=400)
    locker = None
    if data.get("locker"):
        locker = Locker.objects.filter(unit=unit, number=data["locker"]).first()
        if locker is None:
            return Response({"locker": [_("Unknown locker for this unit.")]}, status=400)
    deposit = services.locker_deposit(
        unit=unit, visit=visit, id_type=data["id_type"], id_number=data["id_number"], locker=locker,
        actor=_actor(request),
    )  # fmt: skip
    return Response(LockerDepositSerializer(deposit).data, status=201)


@extend_schema(request=None, responses=LockerDepositSerializer)
@endpoint(["POST"])
def locker_deposit_return(request, pk):
    deposit = _staff_object(
        request, LockerDeposit.objects.select_related("locker", "visit"), DESK_ROLES, pk=pk
    )
    deposit = services.locker_return(deposit=deposit, actor=_actor(request))
    return Response(LockerDepositSerializer(deposit).data)


@extend_schema(responses=dict)
@endpoint(["GET"])
def unit_lockers(request, code):
    unit = _unit(request, code, DESK_ROLES)
    return Response(
        [
            {
                "id": locker.id,
                "number": locker.number,
                "size": locker.size,
                "in_service": locker.in_service,
                "deposit": LockerDepositSerializer(deposit).data if deposit else None,
            }
            for locker, deposit in selectors.lockers_with_state(unit=unit)
        ]
    )


# --- devices ----------------------------------------------------------------------------------


class DeviceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Device.Kind.choices)
    name = serializers.CharField(max_length=100)


@extend_schema(request=DeviceInputSerializer, responses={201: DeviceSerializer})
@endpoint(["GET", "POST"])
def unit_devices(request, code):
    if _device(request) is not None:
        raise Http404
    unit = _unit(request, code, ADMIN_ROLES)
    if request.method == "GET":
        return Response(DeviceSerializer(Device.objects.filter(unit=unit), many=True).data)
    data = _valid(DeviceInputSerializer, request.data)
    device, token = services.device_issue(unit=unit, actor=request.user, **data)
    return Response(dict(DeviceSerializer(device).data, token=token), status=201)


@extend_schema(request=None, responses=DeviceSerializer)
@endpoint(["POST"])
def device_revoke(request, pk):
    if _device(request) is not None:
        raise Http404
    device = _staff_object(request, Device.objects.all(), ADMIN_ROLES, pk=pk)
    return Response(DeviceSerializer(services.device_revoke(device=device, actor=request.user)).data)
