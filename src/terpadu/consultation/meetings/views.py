"""Pages: record a walk-in consultation at the counter; propose an appointment or a video meeting; .ics."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from terpadu.consultation.selectors import consultation_for
from terpadu.core.access import get_for_staff
from terpadu.frontdesk.models import Ticket

from . import invitations, selectors, services
from .forms import MeetingForm, WalkInRecordForm
from .models import ConsultationAppointment, Meeting


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _staff_consultation(request, pk: int):
    consultation, staff = consultation_for(user=request.user, pk=pk)
    if not staff:
        raise Http404
    return consultation


# --- walk-in at the counter -------------------------------------------------------------------


@login_required
def walk_in(request, ticket_id: int):
    ticket = get_for_staff(
        Ticket.objects.select_related("unit", "service", "visit", "counter"),
        request.user,
        roles=services.CONSULTANT_ROLES,
        pk=ticket_id,
    )
    record = selectors.walk_in_record_of_ticket(ticket)
    if record is not None:
        messages.info(request, _("The consultation of this ticket was already recorded."))
        return redirect("consultation:detail", pk=record.consultation_id)
    linked = services.linked_consultation(ticket)
    form = WalkInRecordForm(
        request.POST or None,
        unit=ticket.unit,
        referral_choices=services.referral_choices(ticket.unit),
        initial={
            "topic": linked.topic if linked else (ticket.visit.purpose[:200] if ticket.visit_id else ""),
            "finish_ticket": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.walk_in_record(
                ticket=ticket,
                actor=request.user,
                topic=data["topic"],
                asked=data["asked"],
                answer=data["answer"],
                referral_services=data["referral_services"],
                referral_unit=data["referral_unit"],
                finish_ticket=data["finish_ticket"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Consultation %(number)s recorded for ticket %(ticket)s.")
                % {"number": record.consultation.number, "ticket": ticket.number},
            )
            if ticket.counter_id:
                return redirect("frontdesk-counter", code=ticket.unit.code, pk=ticket.counter_id)
            return redirect("consultation:detail", pk=record.consultation_id)
    return render(
        request,
        "consultation_meetings/walk_in.html",
        {"ticket": ticket, "unit": ticket.unit, "form": form, "linked": linked},
    )


# --- walk-in appointment ----------------------------------------------------------------------


@login_required
def appointment_new(request, pk: int):
    consultation = _staff_consultation(request, pk)
    if request.method == "POST":
        try:
            starts_at = dt.datetime.fromisoformat(request.POST.get("starts_at", ""))
        except ValueError:
            starts_at = None
        try:
            link = services.appointment_propose(
                consultation=consultation, actor=request.user, starts_at=starts_at
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Appointment %(code)s booked and sent to the user.") % {"code": link.appointment.code},
            )
            return redirect("consultation:detail", pk=pk)
    return render(
        request,
        "consultation_meetings/appointment_new.html",
        {
            "consultation": consultation,
            "unit": consultation.unit,
            "days": services.free_slots(consultation=consultation),
            "has_queue": services.consultation_queue_service(consultation.unit) is not None,
        },
    )


@login_required
@require_POST
def appointment_cancel(request, pk: int, link_id: int):
    consultation = _staff_consultation(request, pk)
    link = get_object_or_404(ConsultationAppointment, pk=link_id, consultation=consultation)
    try:
        services.appointment_withdraw(link=link, actor=request.user)
        messages.success(request, _("The appointment is cancelled and the user told."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation:detail", pk=pk)


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def appointment_ics(request, pk: int, link_id: int):
    consultation, _staff = consultation_for(user=request.user, pk=pk)
    link = get_object_or_404(
        ConsultationAppointment.objects.select_related(
            "appointment", "consultation__unit", "consultation__user"
        ),
        pk=link_id,
        consultation=consultation,
    )
    cancelled = link.appointment.status == link.appointment.Status.CANCELLED
    event = invitations.appointment_event(link, cancelled=cancelled)
    return _ics_response(invitations.calendar_text(event), f"janji-{link.appointment.code}.ics")


# --- video meeting ----------------------------------------------------------------------------


@login_required
def meeting_new(request, pk: int):
    consultation = _staff_consultation(request, pk)
    form = MeetingForm(request.POST or None, unit=consultation.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_propose(
                consultation=consultation,
                actor=request.user,
                provider=form.cleaned_data["provider"],
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Video meeting scheduled and sent to the user."))
            return redirect("consultation:detail", pk=pk)
    return render(
        request,
        "consultation_meetings/meeting_new.html",
        {"consultation": consultation, "unit": consultation.unit, "form": form},
    )


@login_required
@require_POST
def meeting_cancel(request, pk: int, meeting_id: int):
    consultation = _staff_consultation(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, consultation=consultation)
    try:
        services.meeting_cancel(meeting=meeting, actor=request.user)
        messages.success(request, _("The video meeting is cancelled and the user told."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("consultation:detail", pk=pk)


@login_required
def meeting_ics(request, pk: int, meeting_id: int):
    consultation, _staff = consultation_for(user=request.user, pk=pk)
    meeting = get_object_or_404(
        Meeting.objects.select_related("consultation__unit", "consultation__user"),
        pk=meeting_id,
        consultation=consultation,
    )
    event = invitations.meeting_event(meeting, cancelled=meeting.status == Meeting.Status.CANCELLED)
    return _ics_response(invitations.calendar_text(event), f"pertemuan-{meeting.pk}.ics")
