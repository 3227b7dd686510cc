"""Reads of the front office, always scoped by unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from terpadu.frontdesk.models import Counter, Locker, LockerDeposit, QueueService, Ticket, Visit
from terpadu.units.models import CompletionTime, Mode, ServiceStandard, Unit


@dataclass(frozen=True)
class Clock:
    """A unit's published walk-in standard for one service, as the queue measures it."""

    minutes: int
    clock_start: str  # CompletionTime.ClockStart value

    @property
    def limit(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)


def _completion_time_row(*, unit: Unit, service: str) -> dict | None:
    """The walk-in row of the unit's published standard (an exact walk-in row wins over 'both').

    The same reading as terpadu.units.selectors.completion_time_for, as one indexed query: it
    runs on every call of a ticket, where the full standard with its items is not needed.
    """
    rows = (
        CompletionTime.objects.filter(
            standard__unit=unit,
            standard__service=service,
            standard__status=ServiceStandard.Status.PUBLISHED,
            mode__in=[Mode.WALK_IN, Mode.BOTH],
        )
        .order_by("order", "id")
        .values("mode", "amount", "unit", "clock_start")
    )
    rows = list(rows)
    for wanted in (Mode.WALK_IN, Mode.BOTH):
        for row in rows:
            if row["mode"] == wanted:
                return row
    return None


def walk_in_clock(*, unit: Unit, service: str) -> Clock | None:
    """The minutes and start event of the unit's published walk-in standard, or None when unmeasured."""
    row = _completion_time_row(unit=unit, service=service)
    if row is None or row["unit"] != CompletionTime.TimeUnit.MINUTES or not row["amount"]:
        return None
    return Clock(minutes=row["amount"], clock_start=row["clock_start"])


def local_day(unit: Unit, moment: dt.datetime | None = None) -> dt.date:
    """The calendar day in the unit's own zone: the queue numbering resets at its midnight."""
    return (moment or timezone.now()).astimezone(unit.zone).date()


def queue_services(*, unit: Unit) -> QuerySet[QueueService]:
    return QueueService.objects.filter(unit=unit, active=True).order_by("order", "prefix")


def counters_for_unit(*, unit: Unit) -> QuerySet[Counter]:
    return Counter.objects.filter(unit=unit, active=True).prefetch_related("services").order_by("number")


def waiting_tickets(*, unit: Unit, services=None) -> QuerySet[Ticket]:
    """Waiting tickets in call-next order: appointments first, then by original issue time."""
    qs = Ticket.objects.filter(unit=unit, status=Ticket.Status.WAITING)
    if services is not None:
        qs = qs.filter(service__in=services)
    return qs.select_related("service", "visit", "target_counter").order_by(
        "-is_appointment", "issued_at", "id"
    )


def waiting_counts(*, unit: Unit) -> dict[str, int]:
    """Waiting tickets per active service of the unit, zeros included, in one query."""
    rows = (
        QueueService.objects.filter(unit=unit, active=True)
        .annotate(n=Count("tickets", filter=Q(tickets__status=Ticket.Status.WAITING)))
        .order_by("order", "prefix")
        .values_list("kind", "n")
    )
    return dict(rows)


def ticket_place_in_line(ticket: Ticket) -> int | None:
    """1 for the next to be called in the ticket's service, None once it is no longer waiting."""
    if ticket.status != Ticket.Status.WAITING:
        return None
    waiting = Ticket.objects.filter(service_id=ticket.service_id, status=Ticket.Status.WAITING)
    earlier = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, id__lt=ticket.id)
    if ticket.is_appointment:
        ahead = waiting.filter(Q(is_appointment=True) & earlier)
    else:
        ahead = waiting.filter(Q(is_appointment=True) | earlier)
    return ahead.count() + 1


@dataclass(frozen=True)
class WaitEstimate:
    minutes: int | None
    basis_tickets: int
    counters: int


def estimated_wait(ticket: Ticket, *, now: dt.datetime | None = None) -> WaitEstimate:
    """From the last hour's real service times of this service; no data gives minutes=None.

    Each counter that finished tickets of the service in the last hour is taken as serving it; the
    people ahead are shared among them at the average call-to-finish time.
    """
    now = now or timezone.now()
    place = ticket_place_in_line(ticket)
    recent = Ticket.objects.filter(
        service_id=ticket.service_id,
        status=Ticket.Status.FINISHED,
        finished_at__gte=now - dt.timedelta(hours=1),
        called_at__isnull=False,
    )
    stats = recent.aggregate(
        n=Count("id"),
        counters=Count("counter", distinct=True),
        avg=Avg(ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField())),
    )
    if place is None or not stats["n"] or stats["avg"] is None:
        return WaitEstimate(minutes=None, basis_tickets=stats["n"] or 0, counters=stats["counters"] or 0)
    average = (
        stats["avg"] if isinstance(stats["avg"], dt.timedelta) else dt.timedelta(microseconds=stats["avg"])
    )
    counters = max(1, stats["counters"])
    rounds = -(-(place - 1) // counters)  # the people ahead, shared among the counters
    minutes = round(rounds * average.total_seconds() / 60)
    return WaitEstimate(minutes=minutes, basis_tickets=stats["n"], counters=counters)


def board_state(*, unit: Unit, last_calls: int = 8) -> dict:
    """What the TV board shows; the same dict the API serves and the WebSocket catches up from."""
    now = timezone.now()
    today = local_day(unit, now)
    services = list(queue_services(unit=unit))
    counts = waiting_counts(unit=unit)
    counters = []
    for counter in counters_for_unit(unit=unit):
        current = (
            Ticket.objects.filter(counter=counter, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING])
            .select_related("service")
            .order_by("-called_at")
            .first()
        )
        counters.append(
            {
                "id": counter.id,
                "number": counter.number,
                "name": counter.name,
                "services": [s.kind for s in counter.services.all()],
                "current": _ticket_brief(current) if current else None,
            }
        )
    calls = (
        Ticket.objects.filter(unit=unit, local_day=today, called_at__isnull=False)
        .select_related("service", "counter")
        .order_by("-called_at")[:last_calls]
    )
    return {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "zone": unit.zone_abbreviation,
            "time_zone": unit.time_zone,
        },
        "now": now.isoformat(),
        "services": [
            {"kind": s.kind, "prefix": s.prefix, "name": s.name, "waiting": counts.get(s.kind, 0)}
            for s in services
        ],
        "counters": counters,
        "last_calls": [_ticket_brief(t) for t in calls],
    }


def _ticket_brief(ticket: Ticket) -> dict:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service.kind,
        "service_name": ticket.service.name,
        "status": ticket.status,
        "is_appointment": ticket.is_appointment,
        "counter": ticket.counter.name if ticket.counter_id else None,
        "counter_number": ticket.counter.number if ticket.counter_id else None,
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
    }


def returning_visitor(*, unit: Unit, email: str = "", phone: str = "") -> Visit | None:
    """The latest guest-book entry in this unit with that email or phone, to prefill the form."""
    condition = Q()
    if email.strip():
        condition |= Q(email__iexact=email.strip())
    if phone.strip():
        condition |= Q(phone=phone.strip())
    if not condition:
        return None
    return Visit.objects.filter(unit=unit).filter(condition).order_by("-created_at").first()


def open_visits(*, unit: Unit, day: dt.date | None = None) -> QuerySet[Visit]:
    qs = Visit.objects.filter(unit=unit, checked_out_at__isnull=True)
    if day is not None:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=unit.zone)
        qs = qs.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
    return qs.order_by("-created_at")


def visits_of_day(*, unit: Unit, day: dt.date) -> QuerySet[Visit]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=unit.zone)
    return Visit.objects.filter(unit=unit, created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))


def lockers_with_state(*, unit: Unit) -> list[tuple[Locker, LockerDeposit | None]]:
    open_deposits = {
        d.locker_id: d
        for d in LockerDeposit.objects.filter(unit=unit, returned_at__isnull=True).select_related("visit")
    }
    return [(locker, open_deposits.get(locker.id)) for locker in Locker.objects.filter(unit=unit)]


def unreturned_deposits(*, unit: Unit) -> QuerySet[LockerDeposit]:
    """End of day: ID cards still held and lockers still occupied."""
    return (
        LockerDeposit.objects.filter(unit=unit, returned_at__isnull=True)
        .select_related("locker", "visit")
        .order_by("deposited_at")
    )
