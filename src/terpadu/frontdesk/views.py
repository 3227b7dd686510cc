"""Front-office pages: kiosk guest book, ticket page, counter, TV board, lockers, visits."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from terpadu.core.access import unit_for_staff
from terpadu.frontdesk import appointments, selectors, services
from terpadu.frontdesk.api import DESK_ROLES, QUEUE_ROLES, estimate_note
from terpadu.frontdesk.forms import (
    AppointmentCodeForm,
    CallTicketForm,
    DepositForm,
    DeviceActivationForm,
    GuestBookForm,
    TransferForm,
)
from terpadu.frontdesk.models import Counter, Device, LockerDeposit, Ticket, Visit
from terpadu.units.models import Unit

DEVICE_SESSION_KEY = "frontdesk_device"
KIOSK_VISIT_SESSION_KEY = "frontdesk_kiosk_visits"
KIOSK_TICKET_SESSION_KEY = "frontdesk_kiosk_appointment_tickets"


def _session_device(request) -> Device | None:
    device_id = request.session.get(DEVICE_SESSION_KEY)
    if not device_id:
        return None
    device = Device.objects.select_related("unit").filter(pk=device_id, revoked_at__isnull=True).first()
    if device is None:
        request.session.pop(DEVICE_SESSION_KEY, None)
    return device


def _kiosk_unit(request, code: str) -> tuple[Unit, Device | None]:
    """A kiosk page is open to the unit's own activated kiosk, or to its front-office staff."""
    device = _session_device(request)
    if device is not None and device.kind == Device.Kind.KIOSK:
        if device.unit.code != code:
            raise Http404
        return device.unit, device
    if not request.user.is_authenticated:
        raise _LoginRequired
    return unit_for_staff(request.user, code, QUEUE_ROLES), None


class _LoginRequired(Exception):
    pass


def kiosk_view(view):
    def wrapper(request, code, *args, **kwargs):
        try:
            unit, device = _kiosk_unit(request, code)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())
        return view(request, unit, device, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


# --- kiosk ------------------------------------------------------------------------------------


def device_activate(request, code):
    """Pair this browser with a kiosk or board device by pasting the token a unit admin issued."""
    unit = get_object_or_404(Unit, code=code, is_active=True)
    form = DeviceActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.device_authenticate(form.cleaned_data["token"].strip())
        if device is None or device.unit_id != unit.id:
            form.add_error("token", _("Unknown or revoked device token for this unit."))
        else:
            request.session.cycle_key()
            request.session[DEVICE_SESSION_KEY] = device.id
            request.session.set_expiry(365 * 24 * 3600)
            target = "frontdesk-kiosk" if device.kind == Device.Kind.KIOSK else "frontdesk-board"
            return redirect(target, code=unit.code)
    return render(request, "frontdesk/device_activate.html", {"unit": unit, "form": form})


@kiosk_view
def kiosk(request, unit, device):
    form = GuestBookForm(request.POST or None, unit=unit, initial={"id_type": "ktp", "group_size": 1})
    if request.method == "POST" and form.is_valid():
        try:
            visit, tickets = _guest_book_entry(request, unit, device, form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[KIOSK_VISIT_SESSION_KEY] = [
                visit.id,
                *request.session.get(KIOSK_VISIT_SESSION_KEY, []),
            ][:5]
            return redirect("frontdesk-kiosk-done", code=unit.code, visit_id=visit.id)
    return render(request, "frontdesk/kiosk.html", {"unit": unit, "form": form, "device": device})


def _guest_book_entry(request, unit, device, data):
    from django.db import transaction

    actor = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        visit = services.visit_create(
            unit=unit,
            actor=actor,
            device=device,
            source=Visit.Source.KIOSK if device else Visit.Source.STAFF,
            **data,
        )
        # Someone whose appointment is due now gets its appointment ticket instead of a walk-in one.
        booked = appointments.appointments_check_in_visit(visit=visit, device=device, actor=actor)
        covered = {appointment.service.kind for appointment in booked}
        tickets = [appointment.ticket for appointment in booked] + [
            services.ticket_issue(unit=unit, service=kind, visit=visit, actor=actor, device=device)
            for kind in visit.services
            if kind not in covered
        ]
    return visit, tickets


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@kiosk_view
def kiosk_lookup(request, unit, device):
    """htmx: recognise a returning visitor by email or phone; the page's script prefills the form."""
    visit = selectors.returning_visitor(
        unit=unit, email=request.GET.get("email", ""), phone=request.GET.get("phone", "")
    )
    return render(request, "frontdesk/includes/kiosk_prefill.html", {"visit": visit})


@kiosk_view
def kiosk_done(request, unit, device, visit_id):
    # Only the visit this browser just entered: the kiosk never lists other visitors.
    if visit_id not in request.session.get(KIOSK_VISIT_SESSION_KEY, []):
        raise Http404
    visit = get_object_or_404(Visit, pk=visit_id, unit=unit)
    tickets = list(visit.tickets.select_related("service").order_by("id"))
    for ticket in tickets:
        ticket.qr_svg = _qr_svg(
            request.build_absolute_uri(reverse("frontdesk-ticket", args=[ticket.public_code]))
        )
    return render(request, "frontdesk/kiosk_done.html", {"unit": unit, "visit": visit, "tickets": tickets})


@kiosk_view
def kiosk_appointment(request, unit, device):
    """Check in with the appointment code: an appointment ticket, called before the walk-in line."""
    form = AppointmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = appointments.appointment_check_in(
                unit=unit,
                code=form.cleaned_data["code"],
                device=device,
                actor=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[KIOSK_TICKET_SESSION_KEY] = [
                appointment.ticket_id,
                *request.session.get(KIOSK_TICKET_SESSION_KEY, []),
            ][:5]
            return redirect(
                "frontdesk-kiosk-appointment-done", code=unit.code, ticket_id=appointment.ticket_id
            )
    return render(request, "frontdesk/kiosk_appointment.html", {"unit": unit, "form": form, "device": device})


@kiosk_view
def kiosk_appointment_done(request, unit, device, ticket_id):
    # Only the ticket this browser just checked in, as for the guest book.
    if ticket_id not in request.session.get(KIOSK_TICKET_SESSION_KEY, []):
        raise Http404
    ticket = get_object_or_404(
        Ticket.objects.select_related("service", "appointment"), pk=ticket_id, unit=unit, is_appointment=True
    )
    ticket.qr_svg = _qr_svg(
        request.build_absolute_uri(reverse("frontdesk-ticket", args=[ticket.public_code]))
    )
    return render(
        request,
        "frontdesk/kiosk_done.html",
        {"unit": unit, "visit": {"name": ticket.appointment.name}, "tickets": [ticket]},
    )


def _qr_svg(url: str) -> str:
    # segno writes a self-contained <svg> (no scripts, no styles), safe under the strict CSP.
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False)


# --- the visitor's ticket page ----------------------------------------------------------------


def ticket_page(request, public_code):
    ticket = get_object_or_404(
        Ticket.objects.select_related("service", "counter", "unit"), public_code=public_code
    )
    context = _ticket_context(ticket)
    template = "frontdesk/includes/ticket_status.html" if request.htmx else "frontdesk/ticket.html"
    return render(request, template, context)


def _ticket_context(ticket):
    estimate = selectors.estimated_wait(ticket)
    return {
        "ticket": ticket,
        "unit": ticket.unit,
        "place": selectors.ticket_place_in_line(ticket),
        "estimate": estimate,
        "estimate_note": estimate_note(ticket, estimate),
        "issued_local": ticket.unit.local(ticket.issued_at),
    }


# --- counter ----------------------------------------------------------------------------------


@login_required
def counter_list(request, code):
    unit = unit_for_staff(request.user, code, QUEUE_ROLES)
    return render(
        request,
        "frontdesk/counter_list.html",
        {"unit": unit, "counters": selectors.counters_for_unit(unit=unit)},
    )


def _counter(request, code, pk) -> Counter:
    unit = unit_for_staff(request.user, code, QUEUE_ROLES)
    return get_object_or_404(Counter.objects.prefetch_related("services"), pk=pk, unit=unit)


@login_required
def counter_page(request, code, pk):
    counter = _counter(request, code, pk)
    template = "frontdesk/includes/counter_panel.html" if request.htmx else "frontdesk/counter.html"
    return render(request, template, _counter_context(request, counter))


def _counter_context(request, counter, *, error: str = ""):
    unit = counter.unit
    now = timezone.now()
    current = (
        Ticket.objects.filter(counter=counter, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING])
        .select_related("service", "visit")
        .order_by("-called_at")
        .first()
    )
    groups = []
    for service in counter.services.all():
        clock = selectors.walk_in_clock(unit=unit, service=service.kind)
        rows = []
        for ticket in selectors.waiting_tickets(unit=unit, services=[service]):
            start = (
                ticket.visit.created_at
                if (ticket.visit_id and service.kind == "library")
                else ticket.issued_at
            )
            age = now - start
            level = "ok"
            if clock:
                ratio = age / clock.limit
                level = "late" if ratio >= 1 else "near" if ratio >= 0.6 else "ok"
            rows.append({"ticket": ticket, "age_minutes": int(age.total_seconds() // 60), "level": level})
        groups.append({"service": service, "clock": clock, "rows": rows})
    return {
        "unit": unit,
        "counter": counter,
        "current": current,
        "groups": groups,
        "error": error,
        "max_recalls": services.max_recalls(),
        "transfer_form": TransferForm(unit=unit),
        "signed_in": counter.staff_id == request.user.pk,
    }


COUNTER_ACTIONS = {
    "recall": services.ticket_recall,
    "start": services.ticket_start,
    "finish": services.ticket_finish,
    "no-show": services.ticket_no_show,
    "cancel": services.ticket_cancel,
}


@login_required
@require_POST
def counter_action(request, code, pk, action):
    counter = _counter(request, code, pk)
    error = ""
    try:
        if action == "call-next":
            if services.ticket_call_next(counter=counter, actor=request.user) is None:
                error = _("Nobody is waiting.")
        elif action == "sign-in":
            services.counter_sign_in(counter=counter, actor=request.user)
        elif action == "sign-out":
            services.counter_sign_out(counter=counter, actor=request.user)
        elif action == "call":
            form = CallTicketForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why this ticket is called out of order."))
            ticket = get_object_or_404(Ticket, pk=form.cleaned_data["ticket"], unit=counter.unit)
            services.ticket_call(
                ticket=ticket, counter=counter, reason=form.cleaned_data["reason"], actor=request.user
            )
        elif action in COUNTER_ACTIONS or action == "transfer":
            ticket = get_object_or_404(
                Ticket, pk=request.POST.get("ticket"), unit=counter.unit, counter=counter
            )
            if action == "transfer":
                form = TransferForm(request.POST, unit=counter.unit)
                if not form.is_valid():
                    raise ValidationError(_("Choose the service to transfer to."))
                services.ticket_transfer(
                    ticket=ticket,
                    service=form.cleaned_data["service"],
                    counter=form.cleaned_data["counter"],
                    actor=request.user,
                )
            else:
                COUNTER_ACTIONS[action](ticket=ticket, actor=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        error = " ".join(exc.messages)
    counter.refresh_from_db()
    if request.htmx:
        return render(
            request, "frontdesk/includes/counter_panel.html", _counter_context(request, counter, error=error)
        )
    if error:
        messages.error(request, error)
    return redirect("frontdesk-counter", code=code, pk=pk)


# --- board ------------------------------------------------------------------------------------


def board(request, code):
    """The TV board: public, like the numbers on a screen in the waiting room."""
    unit = get_object_or_404(Unit, code=code, is_active=True)
    return render(request, "frontdesk/board.html", {"unit": unit})


# --- visits and lockers -----------------------------------------------------------------------


@login_required
def visit_list(request, code):
    unit = unit_for_staff(request.user, code, DESK_ROLES)
    day = selectors.local_day(unit)
    visits = (
        selectors.visits_of_day(unit=unit, day=day)
        .prefetch_related("tickets", "locker_deposits__locker")
        .order_by("-created_at")
    )
    return render(request, "frontdesk/visits.html", {"unit": unit, "visits": visits, "day": day})


@login_required
@require_POST
def visit_checkout(request, code, pk):
    unit = unit_for_staff(request.user, code, DESK_ROLES)
    visit = get_object_or_404(Visit, pk=pk, unit=unit)
    try:
        services.visit_checkout(visit=visit, actor=request.user)
        messages.success(request, _("%(name)s checked out.") % {"name": visit.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("frontdesk-visits", code=code)


@login_required
def lockers(request, code):
    unit = unit_for_staff(request.user, code, DESK_ROLES)
    visits = selectors.open_visits(unit=unit)
    form = DepositForm(request.POST or None, unit=unit, visits=visits)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deposit = services.locker_deposit(
                unit=unit,
                visit=data["visit"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                locker=data["locker"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("ID card held; locker %(locker)s given to %(name)s.")
                % {"locker": deposit.locker.number, "name": deposit.visit.name},
            )
            return redirect("frontdesk-lockers", code=code)
    context = {
        "unit": unit,
        "form": form,
        "lockers": selectors.lockers_with_state(unit=unit),
        "unreturned": selectors.unreturned_deposits(unit=unit),
        "today": selectors.local_day(unit),
    }
    return render(request, "frontdesk/lockers.html", context)


@login_required
@require_POST
def locker_return(request, code, pk):
    unit = unit_for_staff(request.user, code, DESK_ROLES)
    deposit = get_object_or_404(LockerDeposit, pk=pk, unit=unit)
    try:
        services.locker_return(deposit=deposit, actor=request.user)
        messages.success(
            request, _("ID card returned; locker %(locker)s is free.") % {"locker": deposit.locker.number}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("frontdesk-lockers", code=code)
