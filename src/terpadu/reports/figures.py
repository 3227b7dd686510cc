"""What the reports count, defined once over the raw tables of the service apps.

Each `Source` is one raw table with the moment that places a row on a unit's local day, the
breakdowns (`Dimension`) and the counts and sums (`Metric`) taken over it. The same definitions
serve three readers: the daily rollup (one unit, one day), the raw computation the rollups are
checked against (any units, any period, grouped by day, week or month in each unit's zone), and
the drill-down lists (the rows behind one figure). Only integers are produced: counts, sums of
scores and sums of durations in microseconds; averages are divided where they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

GROUPS = ("day", "week", "month")
ALL = "all"
Key = tuple[int, dt.date, str, str, str]  # unit id, period start, "source.metric", dimension, key


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    kind: str = "count"  # count | sum | duration
    field: str = ""  # summed field (sum)
    start: str = ""  # duration = end - start
    end: str = ""
    where: Q | None = None

    def qualified(self, src: Source) -> str:
        """The stored name: metric names repeat across sources (responded, closed)."""
        return f"{src.name}.{self.name}"

    def condition(self) -> Q | None:
        conditions = [c for c in (self.where,) if c is not None]
        if self.kind == "duration":
            conditions.append(Q(**{f"{self.start}__isnull": False, f"{self.end}__isnull": False}))
        elif self.kind == "sum":
            conditions.append(Q(**{f"{self.field}__isnull": False}))
        if not conditions:
            return None
        result = conditions[0]
        for extra in conditions[1:]:
            result &= extra
        return result

    def aggregate(self, extra: Q | None = None):
        condition = self.condition()
        if extra is not None:
            condition = extra if condition is None else condition & extra
        if self.kind == "count":
            return Count("pk", filter=condition)
        if self.kind == "sum":
            return Sum(self.field, filter=condition)
        span = ExpressionWrapper(F(self.end) - F(self.start), output_field=DurationField())
        return Sum(span, filter=condition)


@dataclass(frozen=True)
class Dimension:
    """A breakdown: by a field's value, or by fixed keys each selected by its own condition."""

    name: str
    label: str
    field: str = ""  # empty for "all"
    nullable: bool = False  # "" stands for NULL (a ticket never called to a counter)
    keys: tuple[str, ...] = ()
    key_condition: Callable[[str], Q] | None = None

    def condition(self, key: str) -> Q:
        if self.key_condition is not None:
            return self.key_condition(key)
        if not self.field:
            return Q()
        if key == "" and self.nullable:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: key})


TOTAL = Dimension(ALL, _("Total"))


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    model: str
    metrics: tuple[Metric, ...]
    dimensions: tuple[Dimension, ...] = (TOTAL,)
    time_field: str = ""  # an aware datetime placed on the unit's local day
    day_field: str = ""  # or a date that already is the unit's local day
    unit_field: str = "unit"
    where: Q | None = None
    annotate: Callable[[], dict] | None = None
    select_related: tuple[str, ...] = ()
    # Drill-down list: (field path, heading) pairs.
    columns: tuple[tuple[str, str], ...] = ()
    # Models whose changes move this source's figures, with the path from them to a source row.
    watch: tuple[tuple[str, str], ...] = field(default=())

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def moment_field(self) -> str:
        return self.day_field or self.time_field

    def queryset(self) -> QuerySet:
        qs = self.model_class._default_manager.all()
        if self.annotate is not None:
            qs = qs.annotate(**self.annotate())
        if self.where is not None:
            qs = qs.filter(self.where)
        return qs

    def metric(self, name: str) -> Metric:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def dimension(self, name: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.name == name:
                return dimension
        raise KeyError(name)


def _contains_service(key: str) -> Q:
    # Visit.services is a JSON list of slugs: the quoted slug in its text is exact membership, and
    # the lookup reads the same on SQLite and PostgreSQL (JSON `contains` does not exist on SQLite).
    return Q(services__icontains=f'"{key}"')


def _first_staff_reply() -> dict:
    Message = apps.get_model("consultation", "Message")
    first = (
        Message.objects.filter(consultation=OuterRef("pk"), author_kind="staff", internal=False)
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    return {"first_response_at": Subquery(first)}


def _queue_service_kinds() -> tuple[str, ...]:
    from terpadu.frontdesk.models.queue import QUEUE_SERVICE_KINDS

    return tuple(kind for kind, _label in QUEUE_SERVICE_KINDS)


SOURCES: dict[str, Source] = {}


def _register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def _build_sources() -> None:
    # Built lazily: the choices of the service apps are read once the app registry is ready.
    if SOURCES:
        return
    elements = tuple(Metric(f"u{n}_sum", f"U{n}", "sum", field=f"u{n}") for n in range(1, 10))
    _register(
        Source(
            "visits",
            _("Guest book"),
            "frontdesk.Visit",
            time_field="created_at",
            metrics=(
                Metric("visits", _("Visits")),
                Metric("visitors", _("Visitors (people)"), "sum", field="group_size"),
            ),
            dimensions=(
                TOTAL,
                Dimension(
                    "service",
                    _("Service"),
                    keys=_queue_service_kinds(),
                    key_condition=_contains_service,
                ),
                Dimension("institution_kind", _("Kind of institution"), field="institution_kind"),
            ),
            columns=(
                ("created_at", _("Guest-book entry")),
                ("name", _("Name")),
                ("institution", _("Institution")),
                ("institution_kind", _("Kind of institution")),
                ("services", _("Services")),
                ("group_size", _("People")),
            ),
            watch=(("frontdesk.Visit", ""),),
        )
    )
    _register(
        Source(
            "tickets",
            _("Queue tickets"),
            "frontdesk.Ticket",
            day_field="local_day",
            select_related=("service", "counter"),
            metrics=(
                Metric("tickets", _("Tickets")),
                Metric("called", _("Called"), where=Q(first_called_at__isnull=False)),
                Metric("wait_us", _("Waiting time"), "duration", start="issued_at", end="first_called_at"),
                Metric("served", _("Served"), where=Q(started_at__isnull=False, finished_at__isnull=False)),
                Metric("service_us", _("Service time"), "duration", start="started_at", end="finished_at"),
                Metric("measured", _("Measured against the standard"), where=Q(met_standard__isnull=False)),
                Metric("met", _("Met the standard"), where=Q(met_standard=True)),
                Metric("no_show", _("No-show"), where=Q(status="no_show")),
            ),
            dimensions=(
                TOTAL,
                Dimension("service", _("Service"), field="service__kind"),
                Dimension("counter", _("Counter"), field="counter_id", nullable=True),
                Dimension("standard", _("Standard (minutes)"), field="standard_minutes", nullable=True),
            ),
            columns=(
                ("number", _("Number")),
                ("local_day", _("Day")),
                ("service.name", _("Service")),
                ("counter.name", _("Counter")),
                ("issued_at", _("Issued at")),
                ("first_called_at", _("First called at")),
                ("started_at", _("Service started at")),
                ("finished_at", _("Finished at")),
                ("standard_minutes", _("Standard (minutes)")),
                ("met_standard", _("Met the standard")),
            ),
            watch=(("frontdesk.Ticket", ""), ("frontdesk.TicketEvent", "ticket")),
        )
    )
    _register(
        Source(
            "calls",
            _("Counter calls"),
            "frontdesk.TicketEvent",
            # The ticket's day (numbers reset at the unit's midnight), read through the ticket's
            # (unit, local_day) index rather than a scan of every event's time.
            day_field="ticket__local_day",
            unit_field="ticket__unit",
            where=Q(kind__in=["called", "recalled"]),
            select_related=("ticket", "counter"),
            metrics=(Metric("calls", _("Calls (with recalls)")),),
            dimensions=(TOTAL, Dimension("counter", _("Counter"), field="counter_id", nullable=True)),
            columns=(
                ("at", _("Time")),
                ("ticket.number", _("Number")),
                ("kind", _("Event")),
                ("counter.name", _("Counter")),
            ),
            watch=(("frontdesk.TicketEvent", ""),),
        )
    )
    _register(
        Source(
            "usage",
            _("Online reads and downloads"),
            "library.UsageEvent",
            time_field="created_at",
            select_related=("publication",),
            metrics=(
                Metric("views", _("Metadata views"), where=Q(kind="view")),
                Metric("reads", _("Read online"), where=Q(kind="read")),
                Metric("downloads", _("Downloads"), where=Q(kind="download")),
            ),
            dimensions=(TOTAL, Dimension("publication", _("Publication"), field="publication_id")),
            columns=(
                ("created_at", _("Time")),
                ("kind", _("Kind")),
                ("publication.title", _("Publication")),
            ),
            watch=(("library.UsageEvent", ""),),
        )
    )
    _register(
        Source(
            "softcopy",
            _("Softcopy requests"),
            "library.SoftcopyRequest",
            time_field="created_at",
            select_related=("publication",),
            metrics=(
                Metric("requests", _("Requests")),
                Metric("decided", _("Decided"), where=Q(decided_at__isnull=False)),
                Metric("approved", _("Approved"), where=Q(status="approved")),
                Metric("turnaround_us", _("Turnaround"), "duration", start="created_at", end="decided_at"),
            ),
            dimensions=(TOTAL, Dimension("channel", _("Channel"), field="channel")),
            columns=(
                ("created_at", _("Requested at")),
                ("publication.title", _("Publication")),
                ("channel", _("Channel")),
                ("status", _("Status")),
                ("decided_at", _("Decided at")),
            ),
            watch=(("library.SoftcopyRequest", ""),),
        )
    )
    _register(
        Source(
            "retrievals",
            _("Retrievals from storage"),
            "library.RetrievalRequest",
            time_field="requested_at",
            select_related=("publication",),
            metrics=(
                Metric("retrievals", _("Retrievals")),
                Metric("fetched", _("Fetched"), where=Q(fetched_at__isnull=False)),
                Metric("fetch_us", _("Time to fetch"), "duration", start="requested_at", end="fetched_at"),
                Metric("delivered", _("Delivered"), where=Q(delivered_at__isnull=False)),
                Metric(
                    "deliver_us", _("Time to deliver"), "duration", start="requested_at", end="delivered_at"
                ),
            ),
            columns=(
                ("requested_at", _("Requested at")),
                ("publication.title", _("Publication")),
                ("visitor_name", _("Visitor")),
                ("status", _("Status")),
                ("fetched_at", _("Fetched at")),
                ("delivered_at", _("Delivered at")),
            ),
            watch=(("library.RetrievalRequest", ""),),
        )
    )
    _register(
        Source(
            "reading",
            _("Reading room"),
            "library.ReadingLog",
            time_field="created_at",
            select_related=("publication",),
            metrics=(
                Metric("reading_room", _("Reading-room uses")),
                Metric("from_storage", _("Fetched from storage"), where=Q(from_storage=True)),
            ),
            dimensions=(TOTAL, Dimension("publication", _("Publication"), field="publication_id")),
            columns=(
                ("created_at", _("Time")),
                ("publication.title", _("Publication")),
                ("visitor_name", _("Visitor")),
                ("from_storage", _("Fetched from storage")),
            ),
            watch=(("library.ReadingLog", ""),),
        )
    )
    _register(
        Source(
            "scanner",
            _("Self-service scanner"),
            "library.ScannerLog",
            time_field="created_at",
            select_related=("publication",),
            metrics=(Metric("scans", _("Scanner uses")), Metric("pages", _("Pages"), "sum", field="pages")),
            columns=(
                ("created_at", _("Time")),
                ("publication.title", _("Publication")),
                ("pages", _("Pages")),
            ),
            watch=(("library.ScannerLog", ""),),
        )
    )
    _register(
        Source(
            "consultations",
            _("Consultations"),
            "consultation.Consultation",
            time_field="created_at",
            annotate=_first_staff_reply,
            metrics=(
                Metric("consultations", _("Consultations")),
                Metric("responded", _("Responded"), where=Q(first_response_at__isnull=False)),
                Metric(
                    "first_response_us",
                    _("First response"),
                    "duration",
                    start="created_at",
                    end="first_response_at",
                ),
                Metric("clocked", _("Measured against the standard"), where=Q(standard_met__isnull=False)),
                Metric("within_standard", _("Answered within the standard"), where=Q(standard_met=True)),
                Metric("closed", _("Closed"), where=Q(closed_at__isnull=False)),
                Metric("auto_closed", _("Closed for no response"), where=Q(close_reason="no_response")),
            ),
            dimensions=(TOTAL, Dimension("channel", _("Channel"), field="channel")),
            columns=(
                ("number", _("Number")),
                ("created_at", _("Opened at")),
                ("channel", _("Channel")),
                ("topic", _("Topic")),
                ("first_response_at", _("First response")),
                ("answered_at", _("Answered at")),
                ("standard_met", _("Within the standard")),
                ("close_reason", _("Close reason")),
            ),
            watch=(
                ("consultation.Consultation", ""),
                ("consultation.Message", "consultation"),
                ("consultation.ConsultationEvent", "consultation"),
            ),
        )
    )
    _register(
        Source(
            "deflections",
            _("Answered by the knowledge base"),
            "consultation.Deflection",
            time_field="at",
            select_related=("article",),
            metrics=(Metric("deflections", _("Answered by an article")),),
            columns=(("at", _("Time")), ("article.question", _("Article")), ("query", _("What was typed"))),
            watch=(("consultation.Deflection", ""),),
        )
    )
    _register(
        Source(
            "surveys",
            _("Satisfaction survey"),
            "feedback.SurveyResponse",
            time_field="submitted_at",
            metrics=(
                Metric("responses", _("Responses")),
                *elements,
                Metric("staff_rated", _("Staff ratings"), where=Q(staff_rating__isnull=False)),
                Metric("staff_rating_sum", _("Sum of staff ratings"), "sum", field="staff_rating"),
            ),
            dimensions=(
                TOTAL,
                Dimension("service", _("Service"), field="service"),
                Dimension("channel", _("Channel"), field="channel"),
            ),
            columns=(
                ("submitted_at", _("Submitted at")),
                ("service", _("Service")),
                ("channel", _("Channel")),
                *((f"u{n}", f"U{n}") for n in range(1, 10)),
                ("staff_rating", _("Staff rating")),
                ("comment", _("Comment")),
            ),
            watch=(("feedback.SurveyResponse", ""),),
        )
    )
    _register(
        Source(
            "complaints",
            _("Complaints"),
            "feedback.Complaint",
            time_field="received_at",
            metrics=(
                Metric("complaints", _("Complaints")),
                Metric("responded", _("Responded"), where=Q(first_response_at__isnull=False)),
                Metric(
                    "first_response_us",
                    _("First response"),
                    "duration",
                    start="received_at",
                    end="first_response_at",
                ),
                Metric("closed", _("Closed"), where=Q(closed_at__isnull=False)),
                Metric("handling_us", _("Handling time"), "duration", start="received_at", end="closed_at"),
                Metric("breached", _("Follow-up overdue"), where=Q(breached=True)),
                Metric("open", _("Open"), where=Q(status__in=["received", "in_progress"])),
            ),
            dimensions=(
                TOTAL,
                Dimension("channel", _("Channel"), field="channel"),
                Dimension("category", _("Category"), field="category"),
            ),
            columns=(
                ("tracking_code", _("Tracking code")),
                ("received_at", _("Received at")),
                ("channel", _("Channel")),
                ("category", _("Category")),
                ("status", _("Status")),
                ("first_response_at", _("First response")),
                ("closed_at", _("Closed at")),
                ("breached", _("Follow-up overdue")),
            ),
            watch=(("feedback.Complaint", ""), ("feedback.ComplaintEvent", "complaint")),
        )
    )


def sources() -> dict[str, Source]:
    _build_sources()
    return SOURCES


def source(name: str) -> Source:
    return sources()[name]


# --- computing figures from the raw tables -------------------------------------------------------


def local_bounds(zone: ZoneInfo, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the zone, as aware datetimes."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def period_start(day: dt.date, group: str) -> dt.date:
    if group == "week":
        return day - dt.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _period_expression(src: Source, group: str, zone: ZoneInfo):
    if src.day_field:
        if group == "day":
            return F(src.day_field)
        return (TruncWeek if group == "week" else TruncMonth)(src.day_field)
    if group == "day":
        return TruncDate(src.time_field, tzinfo=zone)
    return (TruncWeek if group == "week" else TruncMonth)(src.time_field, tzinfo=zone)


def in_period(src: Source, qs: QuerySet, zone: ZoneInfo, start: dt.date, end: dt.date) -> QuerySet:
    if src.day_field:
        return qs.filter(**{f"{src.day_field}__gte": start, f"{src.day_field}__lte": end})
    lo, hi = local_bounds(zone, start, end)
    return qs.filter(**{f"{src.time_field}__gte": lo, f"{src.time_field}__lt": hi})


def as_int(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    return int(value)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def raw_figures(
    units: Iterable, start: dt.date, end: dt.date, *, group: str = "day", only: Iterable[str] | None = None
) -> dict[Key, int]:
    """Every figure of `units` from `start` to `end` (inclusive, local days), per unit and period.

    Zero figures are left out, as the rollups leave them out.
    """
    if group not in GROUPS:
        raise ValueError(group)
    by_zone: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_zone[unit.time_zone].append(unit.pk)
    wanted = [sources()[name] for name in only] if only is not None else list(sources().values())
    result: dict[Key, int] = {}
    for zone_name, unit_ids in by_zone.items():
        zone = ZoneInfo(zone_name)
        for src in wanted:
            base = in_period(src, src.queryset(), zone, start, end)
            base = base.filter(**{f"{src.unit_field}__in": unit_ids}).annotate(
                _unit=F(src.unit_field), _period=_period_expression(src, group, zone)
            )
            for dim in src.dimensions:
                _collect(result, src, dim, base)
    return result


def _collect(result: dict[Key, int], src: Source, dim: Dimension, base: QuerySet) -> None:
    if dim.keys:
        aggregates = {
            f"m{i}_{j}": metric.aggregate(dim.condition(key))
            for i, metric in enumerate(src.metrics)
            for j, key in enumerate(dim.keys)
        }
        rows = base.values("_unit", "_period").annotate(**aggregates).order_by()
        for row in rows:
            period = _as_date(row["_period"])
            for i, metric in enumerate(src.metrics):
                for j, key in enumerate(dim.keys):
                    value = as_int(row[f"m{i}_{j}"])
                    if value:
                        result[(row["_unit"], period, metric.qualified(src), dim.name, key)] = value
        return
    group_by = ["_unit", "_period"]
    if dim.field:
        base = base.annotate(_key=F(dim.field))
        group_by.append("_key")
    aggregates = {f"m{i}": metric.aggregate() for i, metric in enumerate(src.metrics)}
    # order_by() drops the model's default ordering, which would otherwise join the GROUP BY.
    for row in base.values(*group_by).annotate(**aggregates).order_by():
        key = "" if row.get("_key") is None else str(row.get("_key", ""))
        period = _as_date(row["_period"])
        for i, metric in enumerate(src.metrics):
            value = as_int(row[f"m{i}"])
            if value:
                result[(row["_unit"], period, metric.qualified(src), dim.name, key)] = value


def drilldown_queryset(
    src: Source,
    *,
    units: Iterable,
    start: dt.date,
    end: dt.date,
    metric: str = "",
    dimension: str = ALL,
    key: str = "",
) -> QuerySet:
    """The raw rows behind one figure, newest first."""
    units = list(units)
    qs = src.queryset().filter(**{f"{src.unit_field}__in": [u.pk for u in units]})
    by_zone: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_zone[unit.time_zone].append(unit.pk)
    when = Q(pk__in=[])
    for zone_name, unit_ids in by_zone.items():
        zone = ZoneInfo(zone_name)
        if src.day_field:
            span = Q(**{f"{src.day_field}__gte": start, f"{src.day_field}__lte": end})
        else:
            lo, hi = local_bounds(zone, start, end)
            span = Q(**{f"{src.time_field}__gte": lo, f"{src.time_field}__lt": hi})
        when |= span & Q(**{f"{src.unit_field}__in": unit_ids})
    qs = qs.filter(when)
    if dimension != ALL:
        qs = qs.filter(src.dimension(dimension).condition(key))
    if metric:
        condition = src.metric(metric).condition()
        if condition is not None:
            qs = qs.filter(condition)
    qs = qs.select_related(src.unit_field, *src.select_related)
    return qs.order_by(f"-{src.moment_field}", "-pk")
