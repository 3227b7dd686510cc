"""Writes: record a walk-in consultation at the counter, propose a walk-in appointment or a video meeting.

Every change to the consultation itself goes through `consultation.services` (open, message,
close), so its events, clock and notifications stay what they are for every other channel; this
module adds the front-office booking, the video link and the .ics invitation, mailed after commit.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from terpadu.consultation import services as consultation_services
from terpadu.consultation.models import Consultation
from terpadu.core.access import is_staff_of
from terpadu.core.events import on_commit
from terpadu.frontdesk import appointments as frontdesk_appointments
from terpadu.frontdesk import services as frontdesk_services
from terpadu.frontdesk.models import QueueService, Ticket
from terpadu.units.calendar import unit_calendar
from terpadu.units.models import ServiceKind, StaffRole, Unit

from . import invitations, providers
from .models import ConsultationAppointment, Meeting, WalkInRecord

logger = logging.getLogger(__name__)

CONSULTANT_ROLES = [StaffRole.Role.CONSULTANT]
MEETING_MINUTES = (15, 180)


def _check_consultant(actor, unit: Unit) -> None:
    if not is_staff_of(actor, unit, CONSULTANT_ROLES):
        raise ValidationError(_("Only the unit's consultants can do this."))


def _check_open(consultation: Consultation) -> None:
    if consultation.is_closed:
        raise ValidationError(_("This consultation is closed."))


def consultation_queue_service(unit: Unit) -> QueueService | None:
    return QueueService.objects.filter(unit=unit, kind=ServiceKind.CONSULTATION, active=True).first()


def _paragraphs(*lines: str) -> str:
    return "".join(f"<p>{line}</p>" for line in lines if line)


# --- walk-in at the counter -------------------------------------------------------------------


def referral_choices(unit: Unit) -> list[tuple[str, str]]:
    """The unit's other PST services a consultant may refer a visitor to."""
    return [
        (s.kind, s.name)
        for s in QueueService.objects.filter(unit=unit, active=True)
        .exclude(kind=ServiceKind.CONSULTATION)
        .order_by("order", "prefix")
    ]


def linked_consultation(ticket: Ticket) -> Consultation | None:
    """The online consultation whose proposed appointment this ticket checked in, if still open."""
    link = (
        ConsultationAppointment.objects.select_related("consultation")
        .filter(appointment__ticket=ticket)
        .first()
    )
    if link and not link.consultation.is_closed:
        return link.consultation
    return None


@transaction.atomic
def walk_in_record(
    *,
    ticket: Ticket,
    actor,
    topic: str,
    asked: str,
    answer: str,
    referral_services: list[str] | None = None,
    referral_unit: Unit | None = None,
    finish_ticket: bool = True,
    now: dt.datetime | None = None,
) -> WalkInRecord:
    """Record a consultation given at the counter: a walk-in Consultation linked to the visit and ticket,
    answered by the consultant and closed as resolved (or the answer added to the online consultation
    the visitor booked this appointment from)."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("unit", "service", "visit")
        .get(pk=ticket.pk)
    )
    unit = ticket.unit
    _check_consultant(actor, unit)
    errors: dict[str, list] = {}
    if ticket.service.kind != ServiceKind.CONSULTATION:
        raise ValidationError(_("Only a consultation ticket can be recorded as a consultation."))
    if ticket.status not in (Ticket.Status.CALLED, Ticket.Status.SERVING, Ticket.Status.FINISHED):
        raise ValidationError(_("Call the ticket before recording its consultation."))
    if WalkInRecord.objects.filter(ticket=ticket).exists():
        raise ValidationError(_("The consultation of this ticket was already recorded."))
    offered = dict(referral_choices(unit))
    referral_services = list(dict.fromkeys(referral_services or []))
    unknown = [kind for kind in referral_services if kind not in offered]
    if unknown:
        errors["referral_services"] = [
            _("This unit does not offer: %(services)s.") % {"services": ", ".join(unknown)}
        ]
    if referral_unit is not None and (referral_unit.pk == unit.pk or not referral_unit.is_active):
        errors["referral_unit"] = [_("Choose another active BPS unit to refer to.")]
    try:
        answer_html = consultation_services.check_message_body(answer)
    except ValidationError as exc:
        errors["answer"] = exc.messages
    existing = linked_consultation(ticket)
    if existing is None:
        try:
            consultation_services.check_consultation_open(unit=unit, topic=topic, description=asked)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[{"description": "asked"}.get(field, field)] = messages
    if errors:
        raise ValidationError(errors)
    del answer_html  # validated here; message_post cleans it again as it stores it
    now = now or timezone.now()
    referrals = [{"kind": "service", "value": kind, "label": offered[kind]} for kind in referral_services]
    if referral_unit is not None:
        referrals.append({"kind": "unit", "value": referral_unit.code, "label": referral_unit.name})

    if existing is None:
        consultation = consultation_services.consultation_open(
            user=ticket.visit.user if ticket.visit_id and ticket.visit.user_id else None,
            unit=unit,
            topic=topic,
            description=asked,
            channel=Consultation.Channel.WALK_IN,
            visit=ticket.visit,
            ticket=ticket,
            now=now,
        )
    else:
        consultation = existing
        if (asked or "").strip():
            with override(settings.LANGUAGE_CODE):
                note = _("Asked at the counter (ticket %(number)s): %(asked)s") % {
                    "number": ticket.number,
                    "asked": asked.strip(),
                }
            consultation_services.message_post(
                consultation=consultation, actor=actor, body=note, internal=True, now=now
            )
    body = answer.strip()
    if referrals:
        with override(settings.LANGUAGE_CODE):
            body += "\n\n" + _("Referred to: %(referrals)s") % {
                "referrals": "; ".join(r["label"] for r in referrals)
            }
    consultation_services.message_post(consultation=consultation, actor=actor, body=body, now=now)
    record = WalkInRecord.objects.create(
        consultation=consultation, ticket=ticket, referrals=referrals, recorded_by=actor, recorded_at=now
    )
    consultation_services.consultation_close(
        consultation=consultation, actor=actor, reason=Consultation.CloseReason.RESOLVED, now=now
    )
    if finish_ticket and ticket.status in (Ticket.Status.CALLED, Ticket.Status.SERVING):
        frontdesk_services.ticket_finish(ticket=ticket, actor=actor, now=now)
    return record


# --- walk-in appointment ----------------------------------------------------------------------


def free_slots(*, consultation: Consultation, now: dt.datetime | None = None, working_days: int = 5):
    service = consultation_queue_service(consultation.unit)
    if service is None:
        return []
    return frontdesk_appointments.free_slots(
        unit=consultation.unit, service=service, now=now, working_days=working_days
    )


@transaction.atomic
def appointment_propose(
    *, consultation: Consultation, actor, starts_at: dt.datetime, now: dt.datetime | None = None
) -> ConsultationAppointment:
    """Book a walk-in slot for the consultation's user, tell them in the chat and mail the invitation."""
    consultation = Consultation.objects.select_related("unit", "user").get(pk=consultation.pk)
    unit = consultation.unit
    _check_consultant(actor, unit)
    _check_open(consultation)
    service = consultation_queue_service(unit)
    if service is None:
        raise ValidationError(
            _("This unit has no consultation queue at the front office; ask the unit admin to add one.")
        )
    now = now or timezone.now()
    user = consultation.user
    appointment = frontdesk_appointments.appointment_book(
        unit=unit,
        service=service,
        starts_at=starts_at,
        name=user.name if user else consultation.number,
        email=user.email if user else "",
        phone=user.phone if user else "",
        user=user,
        source=f"{_('Consultation')} {consultation.number}",
        actor=actor,
        now=now,
    )
    link = ConsultationAppointment.objects.create(
        consultation=consultation, appointment=appointment, created_by=actor, created_at=now
    )
    with override(settings.LANGUAGE_CODE):
        when = invitations.when_text(unit, appointment.starts_at)
        values = {
            **{k: escape(v) for k, v in when.items()},
            "code": escape(appointment.code),
            "place": escape(invitations.unit_location(unit)),
            "minutes": frontdesk_appointments.check_in_early_minutes(),
        }
        chat = _paragraphs(
            _(
                "You are invited to consult us in person on <strong>%(date)s at %(time)s %(zone)s</strong> "
                "at %(place)s."
            )
            % values,
            _(
                "Your appointment code is <strong>%(code)s</strong>. Type it at the guest-book kiosk "
                "when you arrive (from %(minutes)d minutes before): you will be called before the "
                "walk-in line."
            )
            % values,
            _("The invitation (.ics) for your calendar is on this page and in your email."),
        )
        subject = _("Walk-in appointment: %(date)s %(time)s %(zone)s") % when
        text = "\n\n".join(
            [
                _("You are invited to consult us in person on %(date)s at %(time)s %(zone)s at %(place)s.")
                % {**when, "place": invitations.unit_location(unit)},
                _("Your appointment code is %(code)s. Type it at the guest-book kiosk when you arrive.")
                % {"code": appointment.code},
                invitations.consultation_url(consultation),
            ]
        )
    consultation_services.message_post(consultation=consultation, actor=actor, body=chat, now=now)
    _mail_after_commit(
        consultation, subject, text, lambda: invitations.appointment_event(_fresh_link(link.pk))
    )
    return link


def _fresh_link(pk: int) -> ConsultationAppointment:
    return ConsultationAppointment.objects.select_related(
        "appointment", "consultation__unit", "consultation__user"
    ).get(pk=pk)


@transaction.atomic
def appointment_withdraw(
    *, link: ConsultationAppointment, actor, now: dt.datetime | None = None
) -> ConsultationAppointment:
    """Cancel a proposed appointment that has not checked in; the user is told and gets the cancellation."""
    link = _fresh_link(link.pk)
    consultation = link.consultation
    _check_consultant(actor, consultation.unit)
    now = now or timezone.now()
    frontdesk_appointments.appointment_cancel(
        appointment=link.appointment,
        actor=actor,
        reason=f"{_('Consultation')} {consultation.number}",
        now=now,
    )
    link.sequence += 1
    link.save(update_fields=["sequence"])
    with override(settings.LANGUAGE_CODE):
        when = invitations.when_text(consultation.unit, link.appointment.starts_at)
        text = _("The walk-in appointment on %(date)s at %(time)s %(zone)s is cancelled.") % when
        subject = _("Appointment cancelled: %(date)s %(time)s %(zone)s") % when
    if not consultation.is_closed:
        consultation_services.message_post(consultation=consultation, actor=actor, body=text, now=now)
    _mail_after_commit(
        consultation,
        subject,
        text,
        lambda: invitations.appointment_event(_fresh_link(link.pk), cancelled=True),
        method="CANCEL",
    )
    return link


# --- video meeting ----------------------------------------------------------------------------


def check_meeting_time(
    *, unit: Unit, starts_at: dt.datetime, duration_minutes: int, now: dt.datetime
) -> None:
    """In the future, on a working day, inside the unit's office hours."""
    errors: dict[str, list] = {}
    if (
        not isinstance(duration_minutes, int)
        or not MEETING_MINUTES[0] <= duration_minutes <= MEETING_MINUTES[1]
    ):
        errors["duration_minutes"] = [
            _("A meeting lasts %(min)d to %(max)d minutes.")
            % {"min": MEETING_MINUTES[0], "max": MEETING_MINUTES[1]}
        ]
    if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [_("Choose a date and time for the meeting.")]
    elif starts_at <= now:
        errors["starts_at"] = [_("The meeting must be in the future.")]
    elif "duration_minutes" not in errors:
        day = unit.local(starts_at).date()
        hours = unit_calendar(unit, years={day.year}).office_hours_on(day)
        ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
        if hours is None:
            errors["starts_at"] = [_("The unit is closed on that day; choose a working day.")]
        elif starts_at < hours[0] or ends_at > hours[1]:
            errors["starts_at"] = [
                _("The meeting must fall within office hours (%(opens)s–%(closes)s %(zone)s).")
                % {
                    "opens": hours[0].strftime("%H:%M"),
                    "closes": hours[1].strftime("%H:%M"),
                    "zone": unit.zone_abbreviation,
                }
            ]
    if errors:
        raise ValidationError(errors)


def meeting_propose(
    *,
    consultation: Consultation,
    actor,
    provider: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    now: dt.datetime | None = None,
) -> Meeting:
    """Create the meeting at the provider, then store it, tell the user in the chat and mail the invitation.

    The provider is called before anything is written: when it refuses, the consultant reads why
    and nothing is stored. (A database failure after the provider said yes leaves an unused room.)
    """
    consultation = Consultation.objects.select_related("unit", "user").get(pk=consultation.pk)
    unit = consultation.unit
    _check_consultant(actor, unit)
    _check_open(consultation)
    now = now or timezone.now()
    if provider not in providers.available():
        raise ValidationError({"provider": _("This video-meeting provider is not available here.")})
    check_meeting_time(unit=unit, starts_at=starts_at, duration_minutes=duration_minutes, now=now)
    with override(settings.LANGUAGE_CODE):
        topic = _("Statistical consultation %(number)s: %(topic)s") % {
            "number": consultation.number,
            "topic": consultation.topic,
        }
    try:
        created = providers.get(provider).create_meeting(
            topic=topic, starts_at=starts_at, duration_minutes=duration_minutes, time_zone=unit.time_zone
        )
    except providers.ProviderError as exc:
        raise ValidationError({"provider": str(exc)}) from exc
    with transaction.atomic():
        meeting = Meeting.objects.create(
            consultation=consultation,
            provider=provider,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            join_url=created.join_url,
            external_id=created.external_id[:100],
            passcode=created.passcode[:40],
            created_by=actor,
            created_at=now,
        )
        with override(settings.LANGUAGE_CODE):
            when = invitations.when_text(unit, starts_at)
            values = {
                **{k: escape(v) for k, v in when.items()},
                "provider": escape(meeting.get_provider_display()),
                "minutes": duration_minutes,
                "url": escape(meeting.join_url),
            }
            lines = [
                _(
                    "You are invited to a video meeting (%(provider)s) on <strong>%(date)s at %(time)s "
                    "%(zone)s</strong>, %(minutes)d minutes."
                )
                % values,
                _('Join with this link: <a href="%(url)s">%(url)s</a>') % values,
            ]
            if meeting.passcode:
                lines.append(_("Passcode: %(passcode)s") % {"passcode": escape(meeting.passcode)})
            lines.append(_("The invitation (.ics) for your calendar is on this page and in your email."))
            subject = _("Video meeting: %(date)s %(time)s %(zone)s") % when
            text_lines = [
                _(
                    "You are invited to a video meeting (%(provider)s) on %(date)s at %(time)s %(zone)s, "
                    "%(minutes)d minutes."
                )
                % {**when, "provider": meeting.get_provider_display(), "minutes": duration_minutes},
                _("Join: %(url)s") % {"url": meeting.join_url},
            ]
            if meeting.passcode:
                text_lines.append(_("Passcode: %(passcode)s") % {"passcode": meeting.passcode})
            text_lines.append(invitations.consultation_url(consultation))
        consultation_services.message_post(
            consultation=consultation, actor=actor, body=_paragraphs(*lines), now=now
        )
        _mail_after_commit(
            consultation,
            subject,
            "\n\n".join(text_lines),
            lambda: invitations.meeting_event(_fresh_meeting(meeting.pk)),
        )
    return meeting


def _fresh_meeting(pk: int) -> Meeting:
    return Meeting.objects.select_related("consultation__unit", "consultation__user").get(pk=pk)


def meeting_cancel(*, meeting: Meeting, actor, now: dt.datetime | None = None) -> Meeting:
    """Call the meeting off (at the provider too); the user is told and gets the cancellation."""
    meeting = _fresh_meeting(meeting.pk)
    consultation = meeting.consultation
    _check_consultant(actor, consultation.unit)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("This meeting is already cancelled."))
    if meeting.provider in providers.available():
        try:
            providers.get(meeting.provider).cancel_meeting(
                meeting.external_id if meeting.provider == "zoom" else ""
            )
        except providers.ProviderError as exc:
            raise ValidationError(str(exc)) from exc
    now = now or timezone.now()
    with transaction.atomic():
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_at = now
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_at", "sequence"])
        with override(settings.LANGUAGE_CODE):
            when = invitations.when_text(consultation.unit, meeting.starts_at)
            text = _("The video meeting on %(date)s at %(time)s %(zone)s is cancelled.") % when
            subject = _("Video meeting cancelled: %(date)s %(time)s %(zone)s") % when
        if not consultation.is_closed:
            consultation_services.message_post(consultation=consultation, actor=actor, body=text, now=now)
        _mail_after_commit(
            consultation,
            subject,
            text,
            lambda: invitations.meeting_event(_fresh_meeting(meeting.pk), cancelled=True),
            method="CANCEL",
        )
    return meeting


def _mail_after_commit(
    consultation: Consultation, subject: str, text: str, event, *, method: str = "REQUEST"
):
    def send() -> None:
        try:
            invitations.send(consultation, subject=subject, text=text, event=event(), method=method)
        except Exception:  # the booking stands; the invitation stays downloadable from the page
            logger.exception("Invitation mail for consultation %s failed", consultation.pk)

    on_commit(send)
