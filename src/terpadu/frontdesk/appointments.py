"""Appointments: a slot in a unit's office hours that becomes an appointment ticket at check-in.

Writes and reads of appointments live here rather than in services.py (close to the size at which
STYLE.md splits a module); they call the queue's own `services.ticket_issue`.

Slots are a fixed grid from each working day's opening time (`FRONTDESK_APPOINTMENT_SLOT_MINUTES`,
30 by default) that must end by closing time, in the unit's own zone and calendar (weekends,
national holidays, cuti bersama and the unit's closures are not bookable). A slot holds one
booking per active counter serving the service (at least one).

Locking contract: a booking takes the lowest free place ("seat") of its slot; the partial unique
constraint on (service, starts_at, seat) among booked and checked-in appointments refuses a
concurrent second booking of the same place, and the loser re-reads the slot and takes the next
place or is told the slot is taken. Check-in locks the appointment row, so a code is used once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from terpadu.frontdesk import selectors, services
from terpadu.frontdesk.models import Appointment, Counter, Device, QueueService, Visit
from terpadu.lib.workdays import WorkingCalendar
from terpadu.units.calendar import unit_calendar
from terpadu.units.models import Unit

Status = Appointment.Status


def slot_minutes() -> int:
    return getattr(settings, "FRONTDESK_APPOINTMENT_SLOT_MINUTES", 30)


def days_ahead() -> int:
    """How far ahead a slot may be booked (calendar days)."""
    return getattr(settings, "FRONTDESK_APPOINTMENT_DAYS_AHEAD", 60)


def check_in_early_minutes() -> int:
    """How long before its slot an appointment may check in (and so go to the front of the line)."""
    return getattr(settings, "FRONTDESK_APPOINTMENT_CHECK_IN_EARLY_MINUTES", 15)


def slot_capacity(service: QueueService) -> int:
    """One booking per slot per active counter serving the service, and at least one."""
    return max(1, Counter.objects.filter(services=service, active=True).count())


def _calendar(unit: Unit, *days: dt.date) -> WorkingCalendar:
    years = {d.year for d in days}
    return unit_calendar(unit, years=range(min(years), max(years) + 1))


def _slot_grid(calendar: WorkingCalendar, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    interval = calendar.office_hours_on(day)
    if interval is None:
        return []
    opens, closes = interval
    length = dt.timedelta(minutes=slot_minutes())
    slots = []
    # Arithmetic in UTC: adding to a zoned datetime is wall-clock arithmetic.
    start, closes_utc = opens.astimezone(dt.UTC), closes.astimezone(dt.UTC)
    while start + length <= closes_utc:
        slots.append((start, start + length))
        start += length
    return slots


def check_slot(*, unit: Unit, starts_at: dt.datetime, now: dt.datetime | None = None) -> dt.datetime:
    """The slot's end if `starts_at` starts a bookable slot of the unit, else ValidationError."""
    if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("Choose a date and time for the appointment.")})
    now = now or timezone.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": _("The appointment must be in the future.")})
    if starts_at > now + dt.timedelta(days=days_ahead()):
        raise ValidationError(
            {
                "starts_at": _("Appointments can be booked at most %(days)d days ahead.")
                % {"days": days_ahead()}
            }
        )
    day = unit.local(starts_at).date()
    calendar = _calendar(unit, day)
    if not calendar.is_working_day(day):
        raise ValidationError({"starts_at": _("The unit is closed on that day; choose a working day.")})
    for start, end in _slot_grid(calendar, day):
        if start == starts_at.astimezone(dt.UTC):
            return end
    raise ValidationError(
        {
            "starts_at": _(
                "That time is not an appointment slot: slots of %(minutes)d minutes start at opening "
                "time and end by closing time."
            )
            % {"minutes": slot_minutes()}
        }
    )


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int


@dataclass(frozen=True)
class DaySlots:
    day: dt.date
    slots: list[Slot]


def free_slots(
    *, unit: Unit, service: QueueService, now: dt.datetime | None = None, working_days: int = 5
) -> list[DaySlots]:
    """The slots with a free place on the next `working_days` working days (today's later slots too)."""
    now = now or timezone.now()
    today = unit.local(now).date()
    calendar = _calendar(unit, today, today + dt.timedelta(days=days_ahead()))
    capacity = slot_capacity(service)
    days: list[dt.date] = []
    day = calendar.next_working_day(today, inclusive=True)
    while len(days) < working_days and (day - today).days <= days_ahead():
        days.append(day)
        day = calendar.next_working_day(day)
    if not days:
        return []
    first = dt.datetime.combine(days[0], dt.time.min, tzinfo=unit.zone)
    last = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=unit.zone)
    taken: dict[dt.datetime, int] = {}
    for starts_at in Appointment.objects.filter(
        service=service, status__in=Appointment.HOLDING_STATUSES, starts_at__gte=first, starts_at__lt=last
    ).values_list("starts_at", flat=True):
        taken[starts_at] = taken.get(starts_at, 0) + 1
    result = []
    for day in days:
        slots = [
            Slot(start, end, capacity - taken.get(start, 0))
            for start, end in _slot_grid(calendar, day)
            if start > now and taken.get(start, 0) < capacity
        ]
        if slots:
            result.append(DaySlots(day, slots))
    return result


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return "0" + digits[2:] if digits.startswith("62") else digits


@transaction.atomic
def appointment_book(
    *,
    unit: Unit,
    service: QueueService | str,
    starts_at: dt.datetime,
    name: str,
    email: str = "",
    phone: str = "",
    user=None,
    source: str = "",
    actor=None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book `starts_at` for `service`; refuses a time outside office hours, in the past or full."""
    now = now or timezone.now()
    errors: dict[str, list] = {}
    try:
        service = services._resolve_service(unit, service)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    name = (name or getattr(user, "name", "") or "").strip()
    email = (email or getattr(user, "email", "") or "").strip().lower()
    phone = (phone or getattr(user, "phone", "") or "").strip()
    if not name:
        errors["name"] = [_("Enter the name of the person who comes.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    try:
        ends_at = check_slot(unit=unit, starts_at=starts_at, now=now)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    starts_at = starts_at.astimezone(dt.UTC)
    capacity = slot_capacity(service)
    for _attempt in range(capacity + 3):
        taken = set(
            Appointment.objects.filter(
                service=service, starts_at=starts_at, status__in=Appointment.HOLDING_STATUSES
            ).values_list("seat", flat=True)
        )
        seats = [seat for seat in range(1, capacity + 1) if seat not in taken]
        if not seats:
            break
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    unit=unit,
                    service=service,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    seat=seats[0],
                    name=name[:150],
                    email=email,
                    phone=phone[:24],
                    user=user if getattr(user, "pk", None) else None,
                    source=(source or "")[:200],
                    created_at=now,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            continue  # a concurrent booking took this place (or the code collided): read again
    raise ValidationError({"starts_at": _("That slot is already taken; choose another time.")})


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor=None, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Status.BOOKED:
        raise services.InvalidTransition(
            _("This appointment is %(status)s: it cannot be cancelled.")
            % {"status": appointment.get_status_display().lower()}
        )
    appointment.status = Status.CANCELLED
    appointment.cancelled_at = now or timezone.now()
    appointment.cancel_reason = (reason or "")[:255]
    appointment.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    return appointment


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def _check_window(appointment: Appointment, now: dt.datetime) -> None:
    unit = appointment.unit
    opens = appointment.starts_at - dt.timedelta(minutes=check_in_early_minutes())
    if now < opens:
        local = unit.local(appointment.starts_at)
        raise services.InvalidTransition(
            {
                "code": _(
                    "Your appointment is on %(date)s at %(time)s %(zone)s; you can check in from "
                    "%(from)s on that day."
                )
                % {
                    "date": local.strftime("%d-%m-%Y"),
                    "time": local.strftime("%H:%M"),
                    "zone": unit.zone_abbreviation,
                    "from": unit.local(opens).strftime("%H:%M"),
                }
            }
        )
    if now >= appointment.ends_at:
        raise services.InvalidTransition(
            {
                "code": _(
                    "The time of this appointment has passed; please take a queue number at the guest book."
                )
            }
        )


def _open_visit_of(appointment: Appointment, now: dt.datetime) -> Visit | None:
    """Today's open guest-book entry of the person who booked, so the ticket joins their visit."""
    who = Q()
    if appointment.user_id:
        who |= Q(user_id=appointment.user_id)
    if appointment.email:
        who |= Q(email__iexact=appointment.email)
    if not who:
        return None
    return (
        selectors.open_visits(unit=appointment.unit, day=selectors.local_day(appointment.unit, now))
        .filter(who)
        .order_by("-created_at")
        .first()
    )


def _check_in(
    appointment: Appointment, *, visit: Visit | None, device: Device | None, actor, now: dt.datetime
) -> Appointment:
    ticket = services.ticket_issue(
        unit=appointment.unit,
        service=appointment.service,
        visit=visit,
        actor=actor,
        device=device,
        is_appointment=True,
        now=now,
    )
    appointment.status = Status.CHECKED_IN
    appointment.ticket = ticket
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "ticket", "checked_in_at"])
    return appointment


@transaction.atomic
def appointment_check_in(
    *,
    unit: Unit,
    code: str,
    visit: Visit | None = None,
    device: Device | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> Appointment:
    """The visitor's code at the kiosk: an appointment ticket, called before the walk-in line."""
    code = normalise_code(code)
    if not code:
        raise ValidationError({"code": _("Enter the code of your appointment.")})
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("unit", "service", "ticket")
        .filter(unit=unit, code=code)
        .first()
    )
    if appointment is None:
        raise ValidationError({"code": _("No appointment with this code at this unit.")})
    if appointment.status == Status.CHECKED_IN:
        raise services.InvalidTransition(
            {
                "code": _("This appointment has already checked in: your number is %(number)s.")
                % {"number": appointment.ticket.number if appointment.ticket_id else "-"}
            }
        )
    if appointment.status != Status.BOOKED:
        if appointment.status == Status.CANCELLED:
            message = _("This appointment was cancelled.")
        else:
            message = _(
                "The time of this appointment has passed; please take a queue number at the guest book."
            )
        raise services.InvalidTransition({"code": message})
    now = now or timezone.now()
    _check_window(appointment, now)
    if visit is None:
        visit = _open_visit_of(appointment, now)
    return _check_in(appointment, visit=visit, device=device, actor=actor, now=now)


@transaction.atomic
def appointments_check_in_visit(
    *, visit: Visit, device: Device | None = None, actor=None, now: dt.datetime | None = None
) -> list[Appointment]:
    """A guest-book entry by someone with a booking due now (same account, email or phone) checks it in."""
    now = now or timezone.now()
    who = Q()
    if visit.user_id:
        who |= Q(user_id=visit.user_id)
    if visit.email:
        who |= Q(email__iexact=visit.email)
    candidates = Appointment.objects.select_for_update(of=("self",)).filter(
        unit=visit.unit,
        status=Status.BOOKED,
        starts_at__lte=now + dt.timedelta(minutes=check_in_early_minutes()),
        ends_at__gt=now,
    )
    by_account_or_email = set(candidates.filter(who).values_list("pk", flat=True)) if who else set()
    phone = _digits(visit.phone)
    matched = [
        a
        for a in candidates.select_related("unit", "service").order_by("starts_at", "id")
        if a.pk in by_account_or_email or (phone and _digits(a.phone) == phone)
    ]
    checked_in, seen_services = [], set()
    for appointment in matched:
        if appointment.service_id in seen_services:
            continue  # one appointment ticket per service and visit
        seen_services.add(appointment.service_id)
        checked_in.append(_check_in(appointment, visit=visit, device=device, actor=actor, now=now))
    return checked_in


def appointments_mark_no_show(*, now: dt.datetime | None = None) -> int:
    """Bookings whose slot has ended without a check-in become no-shows (free places stay free)."""
    now = now or timezone.now()
    return Appointment.objects.filter(status=Status.BOOKED, ends_at__lte=now).update(status=Status.NO_SHOW)


def appointments_of_day(*, unit: Unit, day: dt.date) -> QuerySet[Appointment]:
    first = dt.datetime.combine(day, dt.time.min, tzinfo=unit.zone)
    return (
        Appointment.objects.filter(
            unit=unit, starts_at__gte=first, starts_at__lt=first + dt.timedelta(days=1)
        )
        .select_related("service", "ticket")
        .order_by("starts_at", "seat")
    )
