"""Reads of the feedback app, always scoped by unit: IKM per unit, service and period, the
population of service users behind it, responses, complaints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from terpadu.units.models import Unit

from . import ikm, skm
from .models import FRONT_OFFICE_SERVICE, SURVEY_SERVICE_KINDS, Complaint, IkmFollowUp, SurveyResponse

SERVICE_LABELS = dict(SURVEY_SERVICE_KINDS)


@dataclass(frozen=True)
class Period:
    """Local calendar days, both ends included, read in each unit's own zone."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, unit: Unit) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC for the unit's zone."""
        zone = unit.zone
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end

    def previous(self) -> Period:
        """The period of the same shape just before: the previous month(s) or the same number
        of days."""
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            year, month = divmod(self.start.year * 12 + self.start.month - 1 - months, 12)
            start = dt.date(year, month + 1, 1)
            return Period(start, self.start - dt.timedelta(days=1))
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"


def default_period(unit: Unit, today: dt.date | None = None) -> Period:
    """This local year up to today: the IKM is published at least once a year."""
    today = today or timezone.now().astimezone(unit.zone).date()
    return Period(dt.date(today.year, 1, 1), today)


def parse_period(unit: Unit, start: str | None, end: str | None) -> Period:
    """From ?from=YYYY-MM-DD&to=YYYY-MM-DD; a bad or missing end falls back to the default."""
    default = default_period(unit)

    def parse(value: str | None, fallback: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(value) if value else fallback
        except ValueError:
            return fallback

    first, last = parse(start, default.start), parse(end, default.end)
    if last < first:
        first, last = last, first
    return Period(first, last)


def responses(*, unit: Unit, period: Period | None = None, service: str | None = None) -> QuerySet:
    queryset = SurveyResponse.objects.filter(unit=unit)
    if period is not None:
        start, end = period.bounds(unit)
        queryset = queryset.filter(submitted_at__gte=start, submitted_at__lt=end)
    if service:
        queryset = queryset.filter(service=service)
    return queryset


def element_totals(queryset: QuerySet) -> tuple[dict[str, int], int]:
    row = queryset.aggregate(n=Count("id"), **{code: Sum(code) for code in skm.ELEMENT_CODES})
    count = row.pop("n") or 0
    return {code: int(row[code] or 0) for code in skm.ELEMENT_CODES}, count


def population(*, unit: Unit, period: Period, service: str | None = None) -> int:
    """Service users in the period: finished tickets, fulfilled softcopy requests, consultations
    closed online (a walk-in consultation counts once, through its ticket) and, for the front
    office as a whole, checked-out visits without a finished ticket."""
    from terpadu.consultation.models import Consultation
    from terpadu.frontdesk.models import Ticket, Visit
    from terpadu.library.models import SoftcopyRequest

    start, end = period.bounds(unit)
    total = 0
    if service != FRONT_OFFICE_SERVICE:
        tickets = Ticket.objects.filter(
            unit=unit, status=Ticket.Status.FINISHED, finished_at__gte=start, finished_at__lt=end
        )
        if service:
            tickets = tickets.filter(service__kind=service)
        total += tickets.count()
    if service in (None, "", "library"):
        total += SoftcopyRequest.objects.filter(
            unit=unit, status=SoftcopyRequest.Status.APPROVED, decided_at__gte=start, decided_at__lt=end
        ).count()
    if service in (None, "", "consultation"):
        total += Consultation.objects.filter(
            unit=unit,
            status=Consultation.Status.CLOSED,
            closed_at__gte=start,
            closed_at__lt=end,
            ticket__isnull=True,
        ).count()
    if service in (None, "", FRONT_OFFICE_SERVICE):
        total += (
            Visit.objects.filter(unit=unit, checked_out_at__gte=start, checked_out_at__lt=end)
            .exclude(tickets__status=Ticket.Status.FINISHED)
            .count()
        )
    return total


def ikm_for(*, unit: Unit, period: Period, service: str | None = None) -> ikm.IkmResult:
    totals, count = element_totals(responses(unit=unit, period=period, service=service))
    return ikm.compute(totals, count, population=population(unit=unit, period=period, service=service))


def ikm_by_service(*, unit: Unit, period: Period) -> list[tuple[str, str, ikm.IkmResult]]:
    """(service, label, result) for every service with responses in the period."""
    rows = (
        responses(unit=unit, period=period)
        .values("service")
        .annotate(n=Count("id"), **{code: Sum(code) for code in skm.ELEMENT_CODES})
        .order_by("service")
    )
    result = []
    for row in rows:
        service = row["service"]
        totals = {code: int(row[code] or 0) for code in skm.ELEMENT_CODES}
        result.append(
            (
                service,
                str(SERVICE_LABELS.get(service, service)),
                ikm.compute(
                    totals, row["n"], population=population(unit=unit, period=period, service=service)
                ),
            )
        )
    return result


def ikm_trend(*, unit: Unit, period: Period, service: str | None = None, count: int = 4):
    """(period, result) for `count` periods ending with `period`, oldest first."""
    periods = [period]
    for _index in range(count - 1):
        periods.append(periods[-1].previous())
    periods.reverse()
    return [(p, ikm_for(unit=unit, period=p, service=service)) for p in periods]


def ikm_side_by_side(*, units, period: Period, service: str | None = None):
    return [(unit, ikm_for(unit=unit, period=period, service=service)) for unit in units]


def staff_rating_summary(queryset: QuerySet) -> dict:
    row = queryset.filter(staff_rating__isnull=False).aggregate(n=Count("id"), total=Sum("staff_rating"))
    n = row["n"] or 0
    return {"count": n, "average": (row["total"] / n) if n else None}


def staff_ratings(queryset: QuerySet) -> list[dict]:
    """Average staff rating per staff member (SPATULA)."""
    rows = (
        queryset.filter(staff_rating__isnull=False, staff__isnull=False)
        .values("staff_id", "staff__name", "staff__email")
        .annotate(n=Count("id"), total=Sum("staff_rating"))
        .order_by("staff__name")
    )
    return [
        {
            "name": row["staff__name"] or row["staff__email"],
            "count": row["n"],
            "average": row["total"] / row["n"],
        }
        for row in rows
    ]


def integrity_summary(queryset: QuerySet) -> list[dict]:
    """For each anti-corruption question: how many answered, how many said yes."""
    aggregates = {}
    for field, _question in skm.INTEGRITY_QUESTIONS:
        aggregates[f"{field}_answered"] = Count("id", filter=Q(**{f"{field}__isnull": False}))
        aggregates[f"{field}_yes"] = Count("id", filter=Q(**{field: True}))
    row = queryset.aggregate(**aggregates)
    return [
        {
            "field": field,
            "question": question,
            "answered": row[f"{field}_answered"],
            "yes": row[f"{field}_yes"],
        }
        for field, question in skm.INTEGRITY_QUESTIONS
    ]


def follow_up(*, unit: Unit, period: Period, service: str = "") -> IkmFollowUp | None:
    return IkmFollowUp.objects.filter(
        unit=unit, service=service or "", period_start=period.start, period_end=period.end
    ).first()


def complaints(*, unit: Unit, status: str = "", breached: bool | None = None) -> QuerySet:
    queryset = Complaint.objects.filter(unit=unit).select_related("handler")
    if status == "open":
        queryset = queryset.filter(status__in=[Complaint.Status.RECEIVED, Complaint.Status.IN_PROGRESS])
    elif status in Complaint.Status.values:
        queryset = queryset.filter(status=status)
    if breached is not None:
        queryset = queryset.filter(breached=breached)
    return queryset


def complaint_by_code(code: str) -> Complaint | None:
    from .services import normalise_tracking_code

    return (
        Complaint.objects.select_related("unit").filter(tracking_code=normalise_tracking_code(code)).first()
    )


def complaint_public(complaint: Complaint) -> dict:
    """What anyone holding the tracking code may learn: status, dates, the public reply.
    Never the body, the contact data, the handler or internal notes."""
    unit = complaint.unit

    def local(moment):
        return unit.local(moment).isoformat() if moment else None

    return {
        "tracking_code": complaint.tracking_code,
        "unit": unit.code,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "received_at": local(complaint.received_at),
        "due_at": local(complaint.due_at),
        "first_response_at": local(complaint.first_response_at),
        "answered_at": local(complaint.answered_at),
        "closed_at": local(complaint.closed_at),
        "reply": complaint.public_reply or None,
    }


def unused_invitation(
    *, user, unit: Unit, source_kind: str, publication=None, now: dt.datetime | None = None
):
    """The user's latest unanswered, unexpired invitation of the unit (for `publication`'s own
    softcopy requests when given)."""
    if user is None or not user.is_authenticated:
        return None
    from .models import SurveyInvitation

    invitations = SurveyInvitation.objects.filter(
        user=user,
        unit=unit,
        source_kind=source_kind,
        used_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    )
    if publication is not None:
        from terpadu.library.models import SoftcopyRequest

        requests = SoftcopyRequest.objects.filter(user=user, publication=publication).values("pk")
        invitations = invitations.filter(source_id__in=requests)
    return invitations.order_by("-created_at").first()
