"""Writes of the front office: guest book, queue tickets, counters, lockers, devices.

Every service validates first and raises ValidationError (bad input) or InvalidTransition (a
ticket or locker not in a state that allows the action) before it changes anything; the web
pages, the API and the commands all call these, so they cannot disagree.

Locking contract (the one place rows are locked for numbering and allocation):
- numbering: the (service, local day) DailySequence row is locked by an UPDATE ... +1 and the
  ticket's unique constraint on (numbering service, day, sequence) backs it;
- call next: PostgreSQL picks with SELECT ... FOR UPDATE SKIP LOCKED, so two counters skip past
  each other; every backend then claims the row with a conditional UPDATE (status still
  waiting) and retries if another counter won, which is what keeps SQLite correct as well;
- start, finish, no-show, cancel: one conditional UPDATE ... RETURNING (status still one that
  allows the action) both locks the row and reads it back as it now is;
- lockers: the open-deposit partial unique constraint refuses a second holder.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from terpadu.core.events import on_commit
from terpadu.core.models import audit
from terpadu.frontdesk import broadcast, selectors, signals
from terpadu.frontdesk.models import (
    Counter,
    DailySequence,
    Device,
    Locker,
    LockerDeposit,
    QueueService,
    Ticket,
    TicketEvent,
    Visit,
)
from terpadu.frontdesk.models.guestbook import IdType
from terpadu.lib import personal_id
from terpadu.units.models import CompletionTime, Unit

CONSENT_VERSION = "2025-1"
MAX_DAILY_NUMBER = 999
Status = Ticket.Status
Event = TicketEvent.Kind


class InvalidTransition(ValidationError):
    """The object exists and the input is well formed, but its state does not allow the action."""


def max_recalls() -> int:
    return getattr(settings, "FRONTDESK_MAX_RECALLS", 3)


def board_group(unit_code: str) -> str:
    return f"frontdesk.board.{unit_code}"


# --- guest book -------------------------------------------------------------------------------


def _clean_id(id_type: str, id_number: str) -> tuple[str, str]:
    if id_type not in IdType.values:
        raise ValidationError({"id_type": _("Choose the ID type: KTP, SIM, passport or other.")})
    try:
        return id_type, personal_id.validate_id_number(id_type, id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc


def _id_fields(id_type: str, number: str) -> dict[str, str]:
    return {
        "id_type": id_type,
        "id_number_encrypted": personal_id.encrypt(number),
        "id_number_hash": personal_id.keyed_hash(number),
        "id_number_masked": personal_id.mask(number),
    }


def _clean_services(unit: Unit, services: list[str]) -> list[str]:
    if not services:
        raise ValidationError({"services": _("Choose at least one service.")})
    offered = set(selectors.queue_services(unit=unit).values_list("kind", flat=True))
    unknown = [s for s in services if s not in offered]
    if unknown:
        raise ValidationError(
            {
                "services": _("This unit does not offer: %(services)s.")
                % {"services": ", ".join(map(str, unknown))}
            }
        )
    return list(dict.fromkeys(services))


@transaction.atomic
def visit_create(
    *,
    unit: Unit,
    name: str,
    id_type: str,
    id_number: str,
    services: list[str],
    consent: bool,
    email: str = "",
    phone: str = "",
    institution: str = "",
    institution_kind: str = "",
    occupation: str = "",
    education: str = "",
    gender: str = "",
    purpose: str = "",
    group_size: int = 1,
    source: str = Visit.Source.KIOSK,
    actor=None,
    device: Device | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """A guest-book entry; its time starts the library clock."""
    errors: dict[str, Any] = {}
    if consent is not True:
        errors["consent"] = [_("The guest book needs your consent to the processing of your personal data.")]
    if not (name or "").strip():
        errors["name"] = [_("Enter your name.")]
    try:
        id_type, number = _clean_id(id_type, id_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    try:
        services = _clean_services(unit, services)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for field, value, choices in (
        ("institution_kind", institution_kind, Visit.InstitutionKind.values),
        ("education", education, Visit.Education.values),
        ("gender", gender, Visit.Gender.values),
    ):
        if value and value not in choices:
            errors[field] = [_("Choose one of the options.")]
    if not isinstance(group_size, int) or not 1 <= group_size <= 500:
        errors["group_size"] = [_("A group has 1 to 500 people.")]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    visit = Visit(
        unit=unit,
        created_at=now,
        name=name.strip()[:150],
        email=email.strip().lower(),
        phone=(phone or "").strip()[:24],
        institution=institution.strip()[:200],
        institution_kind=institution_kind,
        occupation=occupation.strip()[:100],
        education=education,
        gender=gender,
        purpose=purpose.strip(),
        services=services,
        group_size=group_size,
        consent_at=now,
        consent_version=CONSENT_VERSION,
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
        device=device,
        **_id_fields(id_type, number),
    )
    visit.full_clean(exclude=["id_number_encrypted", "id_number_hash", "id_number_masked", "services"])
    visit.save()
    return visit


@transaction.atomic
def visit_checkout(*, visit: Visit, actor=None, now: dt.datetime | None = None) -> Visit:
    """Close the visit; waiting tickets are cancelled, but an ID card still held must be returned first."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.checked_out_at:
        raise InvalidTransition(_("This visit was already checked out."))
    if visit.locker_deposits.filter(returned_at__isnull=True).exists():
        raise InvalidTransition(_("Return the visitor's ID card from the locker first."))
    now = now or timezone.now()
    for ticket in visit.tickets.filter(status=Status.WAITING):
        _transition(ticket, Status.CANCELLED, Event.CANCELLED, actor=actor, now=now, note="visit checked out")
    visit.checked_out_at = now
    visit.checked_out_by = actor if getattr(actor, "pk", None) else None
    visit.save(update_fields=["checked_out_at", "checked_out_by"])
    on_commit(lambda: signals.visit_checked_out.send(sender=Visit, visit=visit))
    return visit


# --- queue ------------------------------------------------------------------------------------


class _ShortCache:
    """What every queue action reads but staff rarely change: a unit's queue services and clocks.

    Kept per process for FRONTDESK_CACHE_SECONDS (default 30). A change saved in this process
    clears it at once (the signals below); another app node sees it within the TTL. Nothing
    that guards correctness is read from here: whether a service is still active is checked
    again by the statement that numbers the ticket.
    """

    def __init__(self) -> None:
        self._data: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        ttl = getattr(settings, "FRONTDESK_CACHE_SECONDS", 30)
        hit = self._data.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        value = load()
        if ttl > 0:
            with self._lock:
                self._data[key] = (time.monotonic() + ttl, value)
        return value

    def clear(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self._data.clear()


_cache = _ShortCache()
for _model in ("units.Unit", "units.ServiceStandard", "units.CompletionTime", "frontdesk.QueueService"):
    for _signal in (post_save, post_delete):
        _signal.connect(_cache.clear, sender=_model, weak=False, dispatch_uid=f"frontdesk-cache-{_model}")


def _walk_in_clock(unit: Unit, kind: str) -> selectors.Clock | None:
    return _cache.get(("clock", unit.pk, kind), lambda: selectors.walk_in_clock(unit=unit, service=kind))


def _resolve_service(unit: Unit, service: QueueService | str) -> QueueService:
    if isinstance(service, QueueService):
        if service.unit_id != unit.id or not service.active:
            raise ValidationError({"service": _("This unit does not queue that service.")})
        return service
    found = _cache.get(
        ("service", unit.pk, service),
        lambda: QueueService.objects.filter(unit=unit, kind=service, active=True).first(),
    )
    if found is None:
        raise ValidationError(
            {"service": _("Unknown service %(service)s for this unit.") % {"service": service}}
        )
    return copy.copy(found)  # the cached instance is shared between threads


def _next_sequence(service: QueueService, day: dt.date) -> int | None:
    """Increment and return the day's counter in one statement; the row stays locked until commit.

    An upsert (INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING) on PostgreSQL and SQLite
    alike: the first ticket of a local day creates the row, every later one locks and bumps it.
    The SELECT yields nothing once the service is deactivated, so None means: not queued any more.
    """
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    services = connection.ops.quote_name(QueueService._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (service_id, day, last_number) "  # noqa: S608 - table names only
            f"SELECT id, %s, 1 FROM {services} WHERE id = %s AND active = %s "
            "ON CONFLICT (service_id, day) DO UPDATE SET last_number = "
            f"{table}.last_number + 1 RETURNING last_number",
            [day, service.pk, True],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def ticket_issue(
    *,
    unit: Unit,
    service: QueueService | str,
    visit: Visit | None = None,
    actor=None,
    device: Device | None = None,
    is_appointment: bool = False,
    now: dt.datetime | None = None,
) -> Ticket:
    """Issue the next number of the service's local day: A001, A002, ... reset at the unit's midnight."""
    service = _resolve_service(unit, service)
    if visit is not None:
        if visit.unit_id != unit.id:
            raise ValidationError({"visit": _("That visit is not in this unit's guest book.")})
        if visit.checked_out_at:
            raise ValidationError({"visit": _("That visit has already checked out.")})
    now = now or timezone.now()
    day = selectors.local_day(unit, now)
    sequence = _next_sequence(service, day)
    if sequence is None:
        _cache.clear()
        raise ValidationError({"service": _("This unit does not queue that service.")})
    if sequence > MAX_DAILY_NUMBER:
        raise ValidationError(
            _("All %(max)d numbers of today are used for this service.") % {"max": MAX_DAILY_NUMBER}
        )
    ticket = Ticket.objects.create(
        unit=unit,
        service=service,
        numbering_service=service,
        local_day=day,
        sequence=sequence,
        number=f"{service.prefix}{sequence:03d}",
        visit=visit,
        is_appointment=is_appointment,
        issued_at=now,
    )
    _event(ticket, Event.ISSUED, at=now, actor=actor, device=device)
    return ticket


def _event(
    ticket: Ticket, kind: str, *, at, actor=None, counter=None, device=None, note="", **data
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        at=at,
        counter=counter,
        actor=actor if getattr(actor, "pk", None) else None,
        device=device,
        note=note[:255],
        data=data,
    )
    _announce(ticket, kind, at=at)
    return event


def _announce(ticket: Ticket, kind: str, *, at: dt.datetime) -> None:
    """After commit, tell the unit's boards what changed (with fresh waiting counts)."""
    unit = ticket.unit
    payload = {
        "type": kind,
        "ticket": ticket.id,
        "number": ticket.number,
        "service": ticket.service.kind,
        "service_name": ticket.service.name,
        "prefix": ticket.service.prefix,
        "status": ticket.status,
        "counter": ticket.counter.name if ticket.counter_id else None,
        "counter_number": ticket.counter.number if ticket.counter_id else None,
        "at": at.isoformat(),
    }

    def send() -> None:
        message = dict(payload)
        if kind not in (
            Event.STARTED,
            Event.FINISHED,
            Event.RECALLED,
        ):  # these leave the waiting line as it was
            message["waiting"] = selectors.waiting_counts(unit=unit)
        message["sent_at"] = time.time()
        broadcast.send(board_group(unit.code), {"type": "board.event", "event": message})

    on_commit(send)


def _transition(ticket: Ticket, to: str, kind: str, *, actor, now, counter=None, note="", **fields) -> Ticket:
    ticket.status = to
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", *fields])
    _event(ticket, kind, at=now, actor=actor, counter=counter or ticket.counter, note=note)
    return ticket


def _clock_at_first_call(ticket: Ticket, counter: Counter, now: dt.datetime) -> dict[str, Any]:
    """Fix the standard's clock at the first call (see Clock for where the minutes come from).

    Library (clock_start = guest-book entry): from the visit's guest-book time (the issue time when
    the ticket has no visit). Walk-in consultation (clock_start = previous ticket finished): from
    the moment this counter finished its previous ticket, but never before this ticket was issued:
    a counter that was idle when the visitor arrived (or the day's first ticket) starts the clock
    at the issue time, so idle minutes before the visitor came are not counted against anyone.
    """
    clock = _walk_in_clock(ticket.unit, ticket.service.kind)
    if clock is None:
        return {}
    if clock.clock_start == CompletionTime.ClockStart.GUEST_BOOK_ENTRY:
        start = ticket.visit.created_at if ticket.visit_id else ticket.issued_at
    elif clock.clock_start == CompletionTime.ClockStart.PREVIOUS_TICKET_FINISHED:
        previous = (
            Ticket.objects.filter(counter=counter, finished_at__isnull=False, finished_at__lte=now)
            .exclude(pk=ticket.pk)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        start = max(previous, ticket.issued_at) if previous else ticket.issued_at
    else:
        start = ticket.issued_at
    waited = max(now - start, dt.timedelta(0))
    return {
        "clock_started_at": start,
        "standard_minutes": clock.minutes,
        "wait_seconds": int(waited.total_seconds()),
        "met_standard": waited <= clock.limit,
    }


def _claim(ticket: Ticket, counter: Counter, actor, now: dt.datetime) -> bool:
    """Mark a waiting ticket called by `counter` in one conditional UPDATE; False if another won.

    The first call's clock is worked out beforehand from the row as read and written by the same
    statement, which only matches while the ticket is still waiting with that first call.
    """
    fields: dict[str, Any] = {
        "status": Status.CALLED,
        "counter": counter,
        "called_at": now,
        "served_by": actor if getattr(actor, "pk", None) else None,
    }
    if ticket.first_called_at is None:
        fields.update(first_called_at=now, **_clock_at_first_call(ticket, counter, now))
    claimed = Ticket.objects.filter(
        pk=ticket.pk, status=Status.WAITING, first_called_at=ticket.first_called_at
    ).update(**fields)
    if not claimed:
        return False
    for name, value in fields.items():
        setattr(ticket, name, value)
    return True


def _check_counter(counter: Counter) -> None:
    if not counter.active:
        raise InvalidTransition(_("This counter is closed."))


def ticket_call_next(*, counter: Counter, actor=None, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket for `counter`, or None when nobody waits.

    Appointments first, then tickets transferred to this counter, then the oldest issue time.
    """
    _check_counter(counter)
    served = Counter.services.through.objects.filter(counter_id=counter.pk).values("queueservice_id")
    for _attempt in range(20):
        with transaction.atomic():
            now_ = now or timezone.now()
            candidates = (
                Ticket.objects.filter(unit_id=counter.unit_id, service_id__in=served, status=Status.WAITING)
                .filter(Q(target_counter__isnull=True) | Q(target_counter=counter))
                .select_related("service", "visit", "unit")
                .order_by("-is_appointment", F("target_counter").asc(nulls_last=True), "issued_at", "id")
            )
            if settings.IS_POSTGRES:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            ticket = candidates.first()
            if ticket is None:
                return None
            if not _claim(ticket, counter, actor, now_):
                continue  # another counter won the race: look again
            _event(ticket, Event.CALLED, at=now_, actor=actor, counter=counter)
            return ticket
    raise InvalidTransition(_("The queue is very busy; try again."))


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service", "unit", "counter", "visit")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def ticket_call(*, ticket: Ticket, counter: Counter, reason: str, actor=None, now=None) -> Ticket:
    """Call one ticket out of order; the reason is kept with the event."""
    _check_counter(counter)
    if counter.unit_id != ticket.unit_id or not counter.services.filter(pk=ticket.service_id).exists():
        raise ValidationError({"counter": _("This counter does not serve that ticket's service.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why this ticket is called out of order.")})
    ticket = _locked(ticket)
    if ticket.status != Status.WAITING:
        raise InvalidTransition(
            _("Ticket %(number)s is %(status)s, not waiting.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    now = now or timezone.now()
    _claim(ticket, counter, actor, now)  # the row is locked: the claim cannot lose
    _event(ticket, Event.CALLED, at=now, actor=actor, counter=counter, note=reason.strip(), out_of_order=True)
    return ticket


def _require(ticket: Ticket, allowed: tuple[str, ...], action: str) -> None:
    if ticket.status not in allowed:
        raise InvalidTransition(
            _("Ticket %(number)s is %(status)s: it cannot be %(action)s.")
            % {"number": ticket.number, "status": ticket.get_status_display().lower(), "action": action}
        )


@transaction.atomic
def ticket_recall(*, ticket: Ticket, actor=None, now=None) -> Ticket:
    ticket = _locked(ticket)
    _require(ticket, (Status.CALLED,), _("recalled"))
    if ticket.recall_count >= max_recalls():
        raise InvalidTransition(
            _("Ticket %(number)s was recalled %(n)d times: mark it as a no-show.")
            % {"number": ticket.number, "n": ticket.recall_count}
        )
    now = now or timezone.now()
    ticket.recall_count += 1
    ticket.called_at = now
    ticket.save(update_fields=["recall_count", "called_at"])
    _event(ticket, Event.RECALLED, at=now, actor=actor, counter=ticket.counter, recall=ticket.recall_count)
    return ticket


_RELATED = ("unit", "service", "counter", "visit")


def _change(ticket: Ticket, allowed: tuple[str, ...], action: str, *, sql: str = "", **values: Any) -> Ticket:
    """Set `values` (and the raw `sql` assignments) while the status is one of `allowed`.

    One UPDATE ... RETURNING both locks the row and reads it back as it now is (PostgreSQL and
    SQLite alike), so the action needs no SELECT first. Related rows the caller's ticket already
    holds are reused for the board message; when the status does not allow the action, the row
    is read to say why.
    """
    meta = Ticket._meta
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    if sql:
        assignments.append(sql)
    columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
    marks = ", ".join(["%s"] * len(allowed))
    statement = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 - names only
        f"WHERE {quote('id')} = %s AND {quote('status')} IN ({marks}) RETURNING {columns}"
    )
    rows = list(Ticket.objects.raw(statement, [*params, ticket.pk, *allowed]))
    if not rows:
        current = _locked(ticket)
        _require(current, allowed, action)
        raise InvalidTransition(_("The ticket changed meanwhile; try again."))
    fresh = rows[0]
    for name in _RELATED:
        field = meta.get_field(name)
        if field.is_cached(ticket) and getattr(ticket, field.attname) == getattr(fresh, field.attname):
            field.set_cached_value(fresh, field.get_cached_value(ticket))
    return fresh


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor=None, now=None) -> Ticket:
    now = now or timezone.now()
    ticket = _change(ticket, (Status.CALLED,), _("started"), status=Status.SERVING, started_at=now)
    _event(ticket, Event.STARTED, at=now, actor=actor, counter=ticket.counter)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, actor=None, now=None) -> Ticket:
    now = now or timezone.now()
    ticket = _change(
        ticket,
        (Status.CALLED, Status.SERVING),
        _("finished"),
        sql='"started_at" = COALESCE("started_at", "called_at")',
        status=Status.FINISHED,
        finished_at=now,
    )
    _event(ticket, Event.FINISHED, at=now, actor=actor, counter=ticket.counter)
    on_commit(lambda: signals.ticket_finished.send(sender=Ticket, ticket=ticket))
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, actor=None, now=None) -> Ticket:
    now = now or timezone.now()
    ticket = _change(
        ticket, (Status.CALLED,), _("marked as a no-show"), status=Status.NO_SHOW, finished_at=now
    )
    _event(ticket, Event.NO_SHOW, at=now, actor=actor, counter=ticket.counter)
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor=None, reason: str = "", now=None) -> Ticket:
    now = now or timezone.now()
    ticket = _change(ticket, (Status.WAITING, Status.CALLED), _("cancelled"), status=Status.CANCELLED)
    _event(ticket, Event.CANCELLED, at=now, actor=actor, counter=ticket.counter, note=reason)
    return ticket


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    service: QueueService | str | None = None,
    counter: Counter | None = None,
    actor=None,
    now=None,
) -> Ticket:
    """Put the ticket back in line for another service and/or counter, keeping its number and issue time."""
    if service is None and counter is None:
        raise ValidationError({"service": _("Choose the service or counter to transfer to.")})
    ticket = _locked(ticket)
    _require(ticket, (Status.WAITING, Status.CALLED, Status.SERVING), _("transferred"))
    target = _resolve_service(ticket.unit, service) if service is not None else ticket.service
    if counter is not None:
        if counter.unit_id != ticket.unit_id:
            raise ValidationError({"counter": _("Unknown counter for this unit.")})
        if not counter.services.filter(pk=target.pk).exists():
            raise ValidationError(
                {"counter": _("That counter does not serve %(service)s.") % {"service": target.name}}
            )
    now = now or timezone.now()
    origin = {"service": ticket.service.kind, "counter": ticket.counter.name if ticket.counter_id else None}
    previous_counter = ticket.counter
    ticket.service = target
    ticket.status = Status.WAITING
    ticket.target_counter = counter
    ticket.counter = None
    ticket.save(update_fields=["service", "status", "target_counter", "counter"])
    _event(
        ticket,
        Event.TRANSFERRED,
        at=now,
        actor=actor,
        counter=previous_counter,
        origin=origin,
        to_service=target.kind,
        to_counter=counter.name if counter else None,
    )
    return ticket


@transaction.atomic
def counter_sign_in(*, counter: Counter, actor, now=None) -> Counter:
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    counter.staff = actor
    counter.signed_in_at = now or timezone.now()
    counter.save(update_fields=["staff", "signed_in_at"])
    return counter


@transaction.atomic
def counter_sign_out(*, counter: Counter, actor) -> Counter:
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    if counter.staff_id == getattr(actor, "pk", None):
        counter.staff = None
        counter.signed_in_at = None
        counter.save(update_fields=["staff", "signed_in_at"])
    return counter


# --- lockers ----------------------------------------------------------------------------------


def locker_deposit(
    *,
    unit: Unit,
    visit: Visit,
    id_type: str,
    id_number: str,
    locker: Locker | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> LockerDeposit:
    """Hold the visitor's ID card against a free locker (the given one, or the lowest free number)."""
    if not unit.lockers_enabled:
        raise ValidationError(_("This unit does not offer lockers."))
    if visit.unit_id != unit.id:
        raise ValidationError({"visit": _("That visit is not in this unit's guest book.")})
    if visit.checked_out_at:
        raise ValidationError({"visit": _("That visit has already checked out.")})
    id_type, number = _clean_id(id_type, id_number)
    if locker is not None and (locker.unit_id != unit.id or not locker.in_service):
        raise ValidationError({"locker": _("That locker is not in service in this unit.")})
    now = now or timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                chosen = locker or _free_locker(unit)
                if chosen is None:
                    raise InvalidTransition(_("All lockers are in use."))
                deposit = LockerDeposit.objects.create(
                    unit=unit,
                    locker=chosen,
                    visit=visit,
                    deposited_at=now,
                    deposited_by=actor if getattr(actor, "pk", None) else None,
                    **_id_fields(id_type, number),
                )
                return deposit
        except IntegrityError as exc:
            if locker is not None:
                raise InvalidTransition(
                    {"locker": _("Locker %(number)s is already in use.") % {"number": locker.number}}
                ) from exc
    raise InvalidTransition(_("The lockers are busy; try again."))


def _free_locker(unit: Unit) -> Locker | None:
    free = Locker.objects.filter(unit=unit, in_service=True).exclude(
        id__in=LockerDeposit.objects.filter(unit=unit, returned_at__isnull=True).values("locker_id")
    )
    if settings.IS_POSTGRES:
        free = free.select_for_update(skip_locked=True)
    return free.order_by("number").first()


@transaction.atomic
def locker_return(*, deposit: LockerDeposit, actor=None, checkout: bool = True, now=None) -> LockerDeposit:
    """Give the ID card back and free the locker; the visit closes with it unless `checkout` is False."""
    deposit = LockerDeposit.objects.select_for_update().select_related("visit", "locker").get(pk=deposit.pk)
    if deposit.returned_at:
        raise InvalidTransition(_("This ID card was already returned."))
    now = now or timezone.now()
    deposit.returned_at = now
    deposit.returned_by = actor if getattr(actor, "pk", None) else None
    deposit.save(update_fields=["returned_at", "returned_by"])
    visit = deposit.visit
    if (
        checkout
        and visit.checked_out_at is None
        and not visit.locker_deposits.filter(returned_at__isnull=True).exists()
    ):
        visit_checkout(visit=visit, actor=actor, now=now)
    return deposit


# --- retention -------------------------------------------------------------------------------


def id_retention_days() -> int:
    return getattr(settings, "FRONTDESK_ID_RETENTION_DAYS", 90)


def personal_ids_purge(*, now: dt.datetime | None = None) -> int:
    """Erase the encrypted ID numbers and their hashes once the retention period has passed.

    The masked form stays, so reports still count visits; ID cards still held are kept.
    Idempotent: a purged row has nothing left to purge.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=id_retention_days())
    erased = {"id_number_encrypted": "", "id_number_hash": ""}
    visits = Visit.objects.filter(created_at__lt=cutoff).exclude(id_number_encrypted="").update(**erased)
    deposits = (
        LockerDeposit.objects.filter(returned_at__lt=cutoff).exclude(id_number_encrypted="").update(**erased)
    )
    return visits + deposits


# --- devices ----------------------------------------------------------------------------------


@transaction.atomic
def device_issue(*, unit: Unit, kind: str, name: str, actor) -> tuple[Device, str]:
    """Create a device and return it with its token, which is shown this once and never stored."""
    if kind not in Device.Kind.values:
        raise ValidationError({"kind": _("A device is a kiosk or a board.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the device a name, e.g. 'Kiosk lobby'.")})
    token = f"tpd_{secrets.token_urlsafe(32)}"
    device = Device.objects.create(
        unit=unit,
        kind=kind,
        name=name.strip()[:100],
        token_hash=Device.hash_token(token),
        token_prefix=token[:12],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor=actor, action="device.issue", obj=device, unit_code=unit.code, summary=str(device))
    return device, token


@transaction.atomic
def device_revoke(*, device: Device, actor, now=None) -> Device:
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.revoked_at is None:
        device.revoked_at = now or timezone.now()
        device.save(update_fields=["revoked_at"])
        audit(
            actor=actor, action="device.revoke", obj=device, unit_code=device.unit.code, summary=str(device)
        )
    return device


def device_authenticate(token: str) -> Device | None:
    if not token or not token.startswith("tpd_"):
        return None
    device = Device.objects.select_related("unit").filter(token_hash=Device.hash_token(token)).first()
    if device is None or device.revoked_at is not None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > dt.timedelta(minutes=1):
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device
