"""A dashboard as sections of tables, built from `Figures`: the page, its charts and every export
read these same tables, so the browser, the XLSX, the CSV and the PDF can never disagree.

Every cell that shows a figure carries the link to the rows behind it: the drill-down list of
the figure's source, filtered by the same units, period, breakdown and metric.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from terpadu.feedback import ikm
from terpadu.feedback.models import SURVEY_SERVICE_KINDS, Complaint, SurveyChannel
from terpadu.feedback.skm import ELEMENTS
from terpadu.frontdesk.models import Counter, Visit
from terpadu.frontdesk.models.queue import QUEUE_SERVICE_KINDS
from terpadu.library.models import Publication, SoftcopyRequest
from terpadu.reports.forms import GROUP_LABELS
from terpadu.reports.selectors import Figures, periods_between
from terpadu.units.models import ChannelKind, Unit

MICRO = 10**6


@dataclass
class Cell:
    text: str
    value: float | int | str | None = None
    href: str = ""


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[tuple[Cell, list[Cell]]] = field(default_factory=list)
    chart_column: int | None = None  # which column the SVG chart draws, when any
    chart_unit: str = ""
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class Section:
    slug: str
    title: str
    tables: list[Table]
    headline: list[tuple[str, Cell]] = field(default_factory=list)


@dataclass
class Report:
    unit: Unit
    units: list[Unit]
    start: dt.date
    end: dt.date
    group: str
    sections: list[Section]

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS[self.group])


# --- formatting -----------------------------------------------------------------------------------


def _number(value: float | int, places: int = 0) -> str:
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def count_cell(value: int, href: str = "") -> Cell:
    return Cell(_number(value), value, href)


def average_cell(total_us: int, count: int, *, per: int, href: str = "", places: int = 1) -> Cell:
    """An average duration from a sum in microseconds: minutes (per=60) or hours (per=3600)."""
    if not count:
        return Cell("–", None, href)
    value = round(total_us / count / MICRO / per, places)
    return Cell(_number(value, places), value, href)


def share_cell(part: int, whole: int, href: str = "") -> Cell:
    if not whole:
        return Cell("–", None, href)
    value = round(100 * part / whole, 1)
    return Cell(f"{_number(value, 1)} %", value, href)


def ratio_cell(total: int, count: int, *, places: int = 2, href: str = "") -> Cell:
    if not count:
        return Cell("–", None, href)
    value = round(total / count, places)
    return Cell(_number(value, places), value, href)


def label_cell(text) -> Cell:
    return Cell(str(text), str(text))


# --- the builder ----------------------------------------------------------------------------------


@dataclass
class Scope:
    """Where the cells of one table row read: all units or one, a period or the whole range, and a
    breakdown (a counter, a channel, ...). `get` reads a figure there; `link` lists its records."""

    builder: Builder
    start: dt.date
    end: dt.date
    period: dt.date | None = None  # None: the sum over the whole range
    dimension: str = "all"
    key: str = ""
    unit: Unit | None = None  # None: every unit of the report added up
    unit_ids: tuple[int, ...] = ()  # with `unit`: the units added up for it (its subtree)
    own: bool = False  # with `unit`: its own office only, not the units below it

    def get(self, metric: str, dimension: str | None = None, key: str | None = None) -> int:
        dimension, key = (self.dimension, self.key) if dimension is None else (dimension, key or "")
        f = self.builder.f
        if self.unit is not None:
            return sum(f.of_unit(unit_id, metric, dimension, key) for unit_id in self.unit_ids)
        if self.period is None:
            return f.total(metric, dimension, key)
        return f.in_period(self.period, metric, dimension, key)

    def link(
        self, source: str, metric: str = "", dimension: str | None = None, key: str | None = None
    ) -> str:
        dimension, key = (self.dimension, self.key) if dimension is None else (dimension, key or "")
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if metric:
            params["metric"] = metric
        if dimension != "all":
            params.update(dimension=dimension, key=key)
        if self.own:
            params["own"] = "1"
        code = (self.unit or self.builder.unit).code
        return f"{reverse('reports:drilldown', args=[code, source])}?{urlencode(params)}"


class Builder:
    def __init__(self, *, unit: Unit, units: list[Unit], start, end, group: str, figures: Figures):
        self.unit, self.units, self.start, self.end, self.group = unit, units, start, end, group
        self.f = figures
        self.periods = periods_between(start, end, group)

    def whole(self, dimension: str = "all", key: str = "") -> Scope:
        return Scope(self, self.start, self.end, dimension=dimension, key=key)

    def _period_rows(self, cells_for: Callable[[Scope], list[Cell]]) -> list[tuple[Cell, list[Cell]]]:
        """One row per period, then the Total row (the table's last)."""
        rows = [
            (label_cell(self.period_label(key, first, last)), cells_for(Scope(self, first, last, period=key)))
            for key, first, last in self.periods
        ]
        rows.append((label_cell(_("Total")), cells_for(self.whole())))
        return rows

    def _breakdown_rows(
        self, metric: str, dimension: str, labels, cells_for
    ) -> list[tuple[Cell, list[Cell]]]:
        return [
            (label_cell(labels.get(key, key)), cells_for(self.whole(dimension, key)))
            for key in self.f.keys(metric, dimension)
        ]

    def period_label(self, key: dt.date, first: dt.date, last: dt.date) -> str:
        if self.group == "month":
            return formats.date_format(key, "F Y")
        if self.group == "week":
            return f"{formats.date_format(first, 'd M')} – {formats.date_format(last, 'd M Y')}"
        return formats.date_format(key, "D, d M Y")

    def group_label(self) -> str:
        return str(GROUP_LABELS[self.group]).lower()

    def build(self) -> Report:
        sections = [self.units_section()] if len(self.units) > 1 else []
        sections += [
            self.front_office(),
            self.queue(),
            self.library(),
            self.consultation(),
            self.satisfaction(),
            self.complaints(),
        ]
        return Report(self.unit, self.units, self.start, self.end, self.group, sections)

    # Units side by side ------------------------------------------------------------------------

    def units_section(self) -> Section:
        table = Table(
            "units",
            _("Units side by side"),
            [
                _("Visits"),
                _("Tickets"),
                _("Met the 5-minute standard"),
                _("Met the 10-minute standard"),
                _("Read online"),
                _("Consultations"),
                _("Answered within the standard"),
                _("Survey responses"),
                _("IKM score"),
                _("Grade"),
                _("Complaints"),
            ],
        )
        for unit, members, own in self._side_by_side():
            at = Scope(self, self.start, self.end, unit=unit, unit_ids=members, own=own)
            result = self._ikm(at)
            label = _("%(unit)s (own office)") % {"unit": unit} if own else str(unit)
            table.rows.append(
                (
                    label_cell(label),
                    [
                        count_cell(at.get("visits.visits"), at.link("visits")),
                        count_cell(at.get("tickets.tickets"), at.link("tickets")),
                        *(self._standard_share(at, minutes) for minutes in ("5", "10")),
                        count_cell(at.get("usage.reads"), at.link("usage", "reads")),
                        count_cell(at.get("consultations.consultations"), at.link("consultations")),
                        share_cell(
                            at.get("consultations.within_standard"),
                            at.get("consultations.clocked"),
                            at.link("consultations", "clocked"),
                        ),
                        count_cell(at.get("surveys.responses"), at.link("surveys")),
                        self._score_cell(result, at.link("surveys")),
                        label_cell(result.grade or "–"),
                        count_cell(at.get("complaints.complaints"), at.link("complaints")),
                    ],
                )
            )
        return Section("units", _("Units side by side"), [table])

    def _side_by_side(self) -> list[tuple[Unit, tuple[int, ...], bool]]:
        """The report's unit by its own office, then each unit right below it with its subtree:
        a province sees its regencies, the nation its provinces."""
        rows = [(self.unit, (self.unit.pk,), True)]
        for child in self.units:
            if child.parent_id == self.unit.pk:
                members = tuple(u.pk for u in self.units if u.path.startswith(child.path))
                rows.append((child, members, False))
        return rows

    # Front office ------------------------------------------------------------------------------

    def front_office(self) -> Section:
        # One table: totals, then the breakdown by service and by kind of institution, per period.
        services = self.f.keys("visits.visits", "service")
        service_labels = dict(QUEUE_SERVICE_KINDS)
        kinds = self.f.keys("visits.visits", "institution_kind")
        kind_labels = {**dict(Visit.InstitutionKind.choices), "": _("Not stated")}
        columns = [
            _("Visits"),
            _("Visitors (people)"),
            *(_("Service: %(name)s") % {"name": service_labels.get(key, key)} for key in services),
            *(_("Institution: %(name)s") % {"name": kind_labels.get(key, key)} for key in kinds),
        ]
        per_period = Table(
            "visits", _("Visits per %(period)s") % {"period": self.group_label()}, columns, chart_column=0
        )

        def cells(at: Scope) -> list[Cell]:
            return [
                count_cell(at.get("visits.visits"), at.link("visits")),
                count_cell(at.get("visits.visitors"), at.link("visits")),
                *(
                    count_cell(at.get("visits.visits", "service", key), at.link("visits", "", "service", key))
                    for key in services
                ),
                *(
                    count_cell(
                        at.get("visits.visits", "institution_kind", key),
                        at.link("visits", "", "institution_kind", key),
                    )
                    for key in kinds
                ),
            ]

        per_period.rows = self._period_rows(cells)
        everything = self.whole()
        headline = [
            (_("Visits"), count_cell(everything.get("visits.visits"), everything.link("visits"))),
            (
                _("Visitors (people)"),
                count_cell(everything.get("visits.visitors"), everything.link("visits")),
            ),
        ]
        return Section("front-office", _("Front office"), [per_period], headline)

    # Queue -------------------------------------------------------------------------------------

    def standards(self) -> list[str]:
        present = set(self.f.keys("tickets.measured", "standard")) - {""}
        return sorted(present | {"5", "10"}, key=int)

    @staticmethod
    def _standard_share(at: Scope, minutes: str) -> Cell:
        return share_cell(
            at.get("tickets.met", "standard", minutes),
            at.get("tickets.measured", "standard", minutes),
            at.link("tickets", "measured", "standard", minutes),
        )

    def _queue_cells(self, at: Scope, *, per_standard: bool) -> list[Cell]:
        cells = [
            count_cell(at.get("tickets.tickets"), at.link("tickets")),
            average_cell(
                at.get("tickets.wait_us"),
                at.get("tickets.called"),
                per=60,
                href=at.link("tickets", "wait_us"),
            ),
            average_cell(
                at.get("tickets.service_us"),
                at.get("tickets.served"),
                per=60,
                href=at.link("tickets", "service_us"),
            ),
        ]
        if per_standard:
            cells += [self._standard_share(at, minutes) for minutes in self.standards()]
        else:
            cells.append(
                share_cell(at.get("tickets.met"), at.get("tickets.measured"), at.link("tickets", "measured"))
            )
        cells.append(count_cell(at.get("tickets.no_show"), at.link("tickets", "no_show")))
        return cells

    def queue(self) -> Section:
        base_columns = [_("Tickets"), _("Average wait (min)"), _("Average service (min)")]
        standard_columns = [
            _("Met the %(minutes)s-minute standard") % {"minutes": m} for m in self.standards()
        ]
        per_period = Table(
            "queue",
            _("Queue per %(period)s") % {"period": self.group_label()},
            [*base_columns, *standard_columns, _("No-show")],
            chart_column=3,
            chart_unit="%",
        )
        per_period.rows = self._period_rows(lambda at: self._queue_cells(at, per_standard=True))

        per_counter = Table(
            "counters",
            _("Queue per counter"),
            [_("Calls (with recalls)"), *base_columns, _("Met the standard"), _("No-show")],
        )
        keys = self.f.keys_of(["tickets.tickets", "calls.calls"], "counter")
        counters = {
            str(pk): (name, code)
            for pk, name, code in Counter.objects.filter(pk__in=[k for k in keys if k]).values_list(
                "pk", "name", "unit__code"
            )
        }
        for key in sorted(keys, key=lambda k: (k == "", int(k) if k.isdigit() else 0)):
            name, code = counters.get(key, (_("No counter"), ""))
            label = f"{code} · {name}" if len(self.units) > 1 and code else name
            at = self.whole("counter", key)
            cells = [
                count_cell(at.get("calls.calls"), at.link("calls")),
                *self._queue_cells(at, per_standard=False),
            ]
            per_counter.rows.append((label_cell(label), cells))

        per_service = Table(
            "queue-by-service", _("Queue by service"), [*base_columns, _("Met the standard"), _("No-show")]
        )
        per_service.rows = self._breakdown_rows(
            "tickets.tickets",
            "service",
            dict(QUEUE_SERVICE_KINDS),
            lambda at: self._queue_cells(at, per_standard=False),
        )
        everything = self.whole()
        headline = [
            (_("Tickets"), count_cell(everything.get("tickets.tickets"), everything.link("tickets"))),
            (
                _("Average wait (min)"),
                average_cell(
                    everything.get("tickets.wait_us"),
                    everything.get("tickets.called"),
                    per=60,
                    href=everything.link("tickets", "wait_us"),
                ),
            ),
            *(
                (
                    _("Met the %(minutes)s-minute standard") % {"minutes": m},
                    self._standard_share(everything, m),
                )
                for m in ("5", "10")
            ),
        ]
        return Section(
            "queue", _("Queue and service times"), [per_period, per_counter, per_service], headline
        )

    # Library -----------------------------------------------------------------------------------

    def library(self) -> Section:
        columns = [
            _("Read online"),
            _("Downloads"),
            _("Metadata views"),
            _("Reading-room uses"),
            _("Fetched from storage"),
            _("Scanned pages"),
            _("Softcopy requests"),
            _("Average turnaround (hours)"),
            _("Retrievals from storage"),
            _("Average time to fetch (min)"),
            _("Average time to deliver (min)"),
        ]
        per_period = Table(
            "library", _("Library per %(period)s") % {"period": self.group_label()}, columns, chart_column=0
        )

        def cells(at: Scope) -> list[Cell]:
            return [
                count_cell(at.get("usage.reads"), at.link("usage", "reads")),
                count_cell(at.get("usage.downloads"), at.link("usage", "downloads")),
                count_cell(at.get("usage.views"), at.link("usage", "views")),
                count_cell(at.get("reading.reading_room"), at.link("reading")),
                count_cell(at.get("reading.from_storage"), at.link("reading", "from_storage")),
                count_cell(at.get("scanner.pages"), at.link("scanner")),
                count_cell(at.get("softcopy.requests"), at.link("softcopy")),
                average_cell(
                    at.get("softcopy.turnaround_us"),
                    at.get("softcopy.decided"),
                    per=3600,
                    href=at.link("softcopy", "decided"),
                ),
                count_cell(at.get("retrievals.retrievals"), at.link("retrievals")),
                average_cell(
                    at.get("retrievals.fetch_us"),
                    at.get("retrievals.fetched"),
                    per=60,
                    href=at.link("retrievals", "fetched"),
                ),
                average_cell(
                    at.get("retrievals.deliver_us"),
                    at.get("retrievals.delivered"),
                    per=60,
                    href=at.link("retrievals", "delivered"),
                ),
            ]

        per_period.rows = self._period_rows(cells)

        # Most read: online reads and reading-room uses together, the ten highest.
        scores: dict[str, int] = {}
        for metric in ("usage.reads", "reading.reading_room"):
            for key in self.f.keys(metric, "publication"):
                scores[key] = scores.get(key, 0) + self.f.total(metric, "publication", key)
        top = sorted(scores, key=lambda k: (-scores[k], int(k)))[:10]
        titles = {
            str(pk): title for pk, title in Publication.objects.filter(pk__in=top).values_list("pk", "title")
        }
        most_read = Table(
            "most-read",
            _("Most-read publications"),
            [_("Read online"), _("Reading-room uses"), _("Downloads")],
        )
        for key in top:
            at = self.whole("publication", key)
            most_read.rows.append(
                (
                    label_cell(titles.get(key, f"#{key}")),
                    [
                        count_cell(at.get("usage.reads"), at.link("usage", "reads")),
                        count_cell(at.get("reading.reading_room"), at.link("reading")),
                        count_cell(at.get("usage.downloads"), at.link("usage", "downloads")),
                    ],
                )
            )
        by_channel = Table(
            "softcopy-by-channel", _("Softcopy requests by channel"), [_("Requests"), _("Approved")]
        )
        by_channel.rows = self._breakdown_rows(
            "softcopy.requests",
            "channel",
            dict(SoftcopyRequest.Channel.choices),
            lambda at: [
                count_cell(at.get("softcopy.requests"), at.link("softcopy")),
                count_cell(at.get("softcopy.approved"), at.link("softcopy", "approved")),
            ],
        )
        everything = self.whole()
        headline = [
            (_("Read online"), count_cell(everything.get("usage.reads"), everything.link("usage", "reads"))),
            (
                _("Downloads"),
                count_cell(everything.get("usage.downloads"), everything.link("usage", "downloads")),
            ),
            (
                _("Softcopy requests"),
                count_cell(everything.get("softcopy.requests"), everything.link("softcopy")),
            ),
        ]
        return Section("library", _("Library"), [per_period, most_read, by_channel], headline)

    # Consultation ------------------------------------------------------------------------------

    @staticmethod
    def _consultation_cells(at: Scope) -> list[Cell]:
        return [
            count_cell(at.get("consultations.consultations"), at.link("consultations")),
            average_cell(
                at.get("consultations.first_response_us"),
                at.get("consultations.responded"),
                per=3600,
                href=at.link("consultations", "first_response_us"),
            ),
            share_cell(
                at.get("consultations.within_standard"),
                at.get("consultations.clocked"),
                at.link("consultations", "clocked"),
            ),
            count_cell(at.get("consultations.closed"), at.link("consultations", "closed")),
            share_cell(
                at.get("consultations.auto_closed"),
                at.get("consultations.closed"),
                at.link("consultations", "closed"),
            ),
        ]

    def consultation(self) -> Section:
        from terpadu.consultation.models import Consultation

        columns = [
            _("Consultations"),
            _("Average first response (hours)"),
            _("Answered within the standard"),
            _("Closed"),
            _("Closed for no response"),
        ]
        per_period = Table(
            "consultations",
            _("Consultations per %(period)s") % {"period": self.group_label()},
            [*columns, _("Answered by an article"), _("Deflection rate")],
            chart_column=2,
            chart_unit="%",
        )

        def cells(at: Scope) -> list[Cell]:
            deflected = at.get("deflections.deflections")
            return [
                *self._consultation_cells(at),
                count_cell(deflected, at.link("deflections")),
                share_cell(
                    deflected, deflected + at.get("consultations.consultations"), at.link("deflections")
                ),
            ]

        per_period.rows = self._period_rows(cells)
        by_channel = Table("consultations-by-channel", _("Consultations by channel"), columns)
        by_channel.rows = self._breakdown_rows(
            "consultations.consultations",
            "channel",
            dict(Consultation.Channel.choices),
            self._consultation_cells,
        )
        everything = self.whole()
        headline = [
            (
                _("Consultations"),
                count_cell(everything.get("consultations.consultations"), everything.link("consultations")),
            ),
            (_("Answered within the standard"), self._consultation_cells(everything)[2]),
            (_("Closed for no response"), self._consultation_cells(everything)[4]),
        ]
        return Section("consultation", _("Statistical consultation"), [per_period, by_channel], headline)

    # Satisfaction ------------------------------------------------------------------------------

    @staticmethod
    def _ikm(at: Scope) -> ikm.IkmResult:
        """IKM through feedback's arithmetic, from the rolled-up sums per element."""
        return ikm.compute(
            {e.code: at.get(f"surveys.{e.code}_sum") for e in ELEMENTS}, at.get("surveys.responses")
        )

    @staticmethod
    def _score_cell(result: ikm.IkmResult, href: str) -> Cell:
        if result.score is None:
            return Cell("–", None, href)
        shown = result.score_display
        return Cell(_number(shown, 2), float(shown), href)

    def _survey_cells(self, at: Scope) -> list[Cell]:
        result = self._ikm(at)
        href = at.link("surveys")
        quality = f"{result.grade} ({result.quality})" if result.grade else "–"
        index = (
            Cell(_number(result.ikm_display, 4), float(result.ikm_display), href)
            if result.ikm is not None
            else Cell("–", None, href)
        )
        return [
            count_cell(at.get("surveys.responses"), href),
            index,
            self._score_cell(result, href),
            Cell(quality, result.grade or None, href),
            ratio_cell(
                at.get("surveys.staff_rating_sum"),
                at.get("surveys.staff_rated"),
                href=at.link("surveys", "staff_rated"),
            ),
        ]

    def satisfaction(self) -> Section:
        columns = [_("Responses"), _("IKM"), _("IKM score"), _("Grade"), _("Average staff rating (1–5)")]
        per_period = Table(
            "ikm",
            _("Satisfaction (IKM) per %(period)s") % {"period": self.group_label()},
            columns,
            chart_column=2,
        )
        per_period.rows = self._period_rows(self._survey_cells)

        everything = self.whole()
        total = self._ikm(everything)
        elements = Table(
            "ikm-elements",
            _("Average per element (NRR)"),
            [_("Element"), _("NRR"), _("Weighted NRR")],
            note=_("IKM = Σ NRR × 1/9; score = IKM × 25. Weakest elements first in the IKM report."),
        )
        shown = total.nrr_display()
        for element in ELEMENTS:
            nrr = total.nrr.get(element.code)
            if nrr is None:
                values = [Cell("–"), Cell("–")]
            else:
                weighted = round(float(nrr * ikm.WEIGHT), 3)
                values = [
                    Cell(
                        _number(shown[element.code], 3),
                        float(shown[element.code]),
                        everything.link("surveys"),
                    ),
                    Cell(_number(weighted, 3), weighted),
                ]
            elements.rows.append((label_cell(element.label), [label_cell(element.title), *values]))
        by_service = Table("ikm-by-service", _("Satisfaction by service"), columns)
        by_service.rows = self._breakdown_rows(
            "surveys.responses", "service", dict(SURVEY_SERVICE_KINDS), self._survey_cells
        )
        by_channel = Table("ikm-by-channel", _("Survey responses by channel"), [_("Responses")])
        by_channel.rows = self._breakdown_rows(
            "surveys.responses",
            "channel",
            dict(SurveyChannel.choices),
            lambda at: [count_cell(at.get("surveys.responses"), at.link("surveys"))],
        )
        headline = [
            (_("Survey responses"), count_cell(total.responses, everything.link("surveys"))),
            (_("IKM score"), self._score_cell(total, everything.link("surveys"))),
            (
                _("Grade"),
                Cell(
                    f"{total.grade} ({total.quality})" if total.grade else "–",
                    total.grade,
                    everything.link("surveys"),
                ),
            ),
        ]
        return Section(
            "satisfaction",
            _("Satisfaction survey (IKM)"),
            [per_period, elements, by_service, by_channel],
            headline,
        )

    # Complaints --------------------------------------------------------------------------------

    @staticmethod
    def _complaint_cells(at: Scope) -> list[Cell]:
        return [
            count_cell(at.get("complaints.complaints"), at.link("complaints")),
            average_cell(
                at.get("complaints.first_response_us"),
                at.get("complaints.responded"),
                per=3600,
                href=at.link("complaints", "first_response_us"),
            ),
            average_cell(
                at.get("complaints.handling_us"),
                at.get("complaints.closed"),
                per=86400,
                href=at.link("complaints", "closed"),
            ),
            count_cell(at.get("complaints.open"), at.link("complaints", "open")),
            share_cell(
                at.get("complaints.breached"),
                at.get("complaints.complaints"),
                at.link("complaints", "breached"),
            ),
        ]

    def complaints(self) -> Section:
        columns = [
            _("Complaints"),
            _("Average first response (hours)"),
            _("Average handling time (days)"),
            _("Open"),
            _("Follow-up overdue"),
        ]
        per_period = Table(
            "complaints",
            _("Complaints per %(period)s") % {"period": self.group_label()},
            columns,
            chart_column=0,
        )
        per_period.rows = self._period_rows(self._complaint_cells)
        by_channel = Table("complaints-by-channel", _("Complaints by channel"), columns)
        by_channel.rows = self._breakdown_rows(
            "complaints.complaints", "channel", dict(ChannelKind.choices), self._complaint_cells
        )
        by_category = Table("complaints-by-category", _("Complaints by category"), [_("Complaints")])
        by_category.rows = self._breakdown_rows(
            "complaints.complaints",
            "category",
            dict(Complaint.Category.choices),
            lambda at: [count_cell(at.get("complaints.complaints"), at.link("complaints"))],
        )
        everything = self.whole()
        headline = [
            (
                _("Complaints"),
                count_cell(everything.get("complaints.complaints"), everything.link("complaints")),
            ),
            (
                _("Follow-up overdue"),
                count_cell(everything.get("complaints.breached"), everything.link("complaints", "breached")),
            ),
        ]
        return Section("complaints", _("Complaints"), [per_period, by_channel, by_category], headline)


def build_report(*, unit: Unit, units: list[Unit], start, end, group: str, figures: Figures) -> Report:
    return Builder(unit=unit, units=units, start=start, end=end, group=group, figures=figures).build()
