"""A dashboard as sections of tables, built from `Figures`: the page, its charts and every export
read these same tables, so the browser, the XLSX, the CSV and the PDF can never disagree.

Every cell that shows a figure carries the link to the rows behind it: the drill-down list of
the figure's source, filtered by the same units, period, breakdown and metric.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
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


class Builder:
    def __init__(self, *, unit: Unit, units: list[Unit], start, end, group: str, figures: Figures):
        self.unit, self.units, self.start, self.end, self.group = unit, units, start, end, group
        self.f = figures
        self.periods = periods_between(start, end, group)

    # Links -------------------------------------------------------------------------------------

    def link(self, source: str, metric: str = "", dimension: str = "all", key: str = "", **over) -> str:
        params = {
            "from": (over.get("start") or self.start).isoformat(),
            "to": (over.get("end") or self.end).isoformat(),
        }
        if metric:
            params["metric"] = metric
        if dimension != "all":
            params["dimension"] = dimension
            params["key"] = key
        code = over.get("unit_code") or self.unit.code
        return f"{reverse('reports:drilldown', args=[code, source])}?{urlencode(params)}"

    # Getters over totals or one period ---------------------------------------------------------

    def _get(self, period, metric, dimension="all", key=""):
        if period is None:
            return self.f.total(metric, dimension, key)
        return self.f.in_period(period, metric, dimension, key)

    def _period_rows(self, cells_for) -> list[tuple[Cell, list[Cell]]]:
        rows = []
        for key, first, last in self.periods:
            rows.append((label_cell(self.period_label(key, first, last)), cells_for(key, first, last)))
        rows.append((label_cell(_("Total")), cells_for(None, self.start, self.end)))
        return rows

    def period_label(self, key: dt.date, first: dt.date, last: dt.date) -> str:
        if self.group == "month":
            return formats.date_format(key, "F Y")
        if self.group == "week":
            return f"{formats.date_format(first, 'd M')} – {formats.date_format(last, 'd M Y')}"
        return formats.date_format(key, "D, d M Y")

    # Sections ----------------------------------------------------------------------------------

    def build(self) -> Report:
        sections = []
        if len(self.units) > 1:
            sections.append(self.units_section())
        sections += [
            self.front_office(),
            self.queue(),
            self.library(),
            self.consultation(),
            self.satisfaction(),
            self.complaints(),
        ]
        return Report(self.unit, self.units, self.start, self.end, self.group, sections)

    def units_section(self) -> Section:
        f = self.f
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
                _("Answered within 3 working days"),
                _("Survey responses"),
                _("IKM score"),
                _("Grade"),
                _("Complaints"),
            ],
        )
        for unit in self.units:

            def get(metric, dimension="all", key="", unit=unit):
                return f.of_unit(unit.pk, metric, dimension, key)

            result = ikm.compute(
                {e.code: get(f"surveys.{e.code}_sum") for e in ELEMENTS}, get("surveys.responses")
            )
            code = unit.code
            table.rows.append(
                (
                    label_cell(unit),
                    [
                        count_cell(get("visits.visits"), self.link("visits", unit_code=code)),
                        count_cell(get("tickets.tickets"), self.link("tickets", unit_code=code)),
                        *(
                            share_cell(
                                get("tickets.met", "standard", minutes),
                                get("tickets.measured", "standard", minutes),
                                self.link("tickets", "measured", "standard", minutes, unit_code=code),
                            )
                            for minutes in ("5", "10")
                        ),
                        count_cell(get("usage.reads"), self.link("usage", "reads", unit_code=code)),
                        count_cell(
                            get("consultations.consultations"), self.link("consultations", unit_code=code)
                        ),
                        share_cell(
                            get("consultations.within_standard"),
                            get("consultations.clocked"),
                            self.link("consultations", "clocked", unit_code=code),
                        ),
                        count_cell(get("surveys.responses"), self.link("surveys", unit_code=code)),
                        self._score_cell(result, self.link("surveys", unit_code=code)),
                        label_cell(result.grade or "–"),
                        count_cell(get("complaints.complaints"), self.link("complaints", unit_code=code)),
                    ],
                )
            )
        return Section("units", _("Units side by side"), [table])

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

        def cells(p, a, b):
            return [
                count_cell(self._get(p, "visits.visits"), self.link("visits", start=a, end=b)),
                count_cell(self._get(p, "visits.visitors"), self.link("visits", start=a, end=b)),
                *(
                    count_cell(
                        self._get(p, "visits.visits", "service", key),
                        self.link("visits", "", "service", key, start=a, end=b),
                    )
                    for key in services
                ),
                *(
                    count_cell(
                        self._get(p, "visits.visits", "institution_kind", key),
                        self.link("visits", "", "institution_kind", key, start=a, end=b),
                    )
                    for key in kinds
                ),
            ]

        per_period.rows = self._period_rows(cells)
        headline = [
            (_("Visits"), count_cell(self.f.total("visits.visits"), self.link("visits"))),
            (_("Visitors (people)"), count_cell(self.f.total("visits.visitors"), self.link("visits"))),
        ]
        return Section("front-office", _("Front office"), [per_period], headline)

    def standards(self) -> list[str]:
        present = set(self.f.keys("tickets.measured", "standard")) - {""}
        return sorted(present | {"5", "10"}, key=int)

    def _queue_cells(self, get, link, *, with_standards: bool) -> list[Cell]:
        cells = [
            count_cell(get("tickets.tickets"), link("tickets")),
            average_cell(
                get("tickets.wait_us"), get("tickets.called"), per=60, href=link("tickets", "wait_us")
            ),
            average_cell(
                get("tickets.service_us"), get("tickets.served"), per=60, href=link("tickets", "service_us")
            ),
        ]
        if with_standards:
            for minutes in self.standards():
                cells.append(
                    share_cell(
                        get("tickets.met", "standard", minutes),
                        get("tickets.measured", "standard", minutes),
                        link("tickets", "measured", "standard", minutes),
                    )
                )
        else:
            cells.append(share_cell(get("tickets.met"), get("tickets.measured"), link("tickets", "measured")))
        cells.append(count_cell(get("tickets.no_show"), link("tickets", "no_show")))
        return cells

    def _standard_columns(self) -> list[str]:
        return [_("Met the %(minutes)s-minute standard") % {"minutes": m} for m in self.standards()]

    def queue(self) -> Section:
        base_columns = [_("Tickets"), _("Average wait (min)"), _("Average service (min)")]
        per_period = Table(
            "queue",
            _("Queue per %(period)s") % {"period": self.group_label()},
            [*base_columns, *self._standard_columns(), _("No-show")],
            chart_column=3,
            chart_unit="%",
        )

        def period_cells(p, a, b):
            def get(metric, dimension="all", key=""):
                return self._get(p, metric, dimension, key)

            def link(source, metric="", dimension="all", key=""):
                return self.link(source, metric, dimension, key, start=a, end=b)

            return self._queue_cells(get, link, with_standards=True)

        per_period.rows = self._period_rows(period_cells)

        per_counter = Table(
            "counters",
            _("Queue per counter"),
            [_("Calls (with recalls)"), *base_columns, _("Met the standard"), _("No-show")],
        )
        counter_keys = sorted(
            set(self.f.keys_of(["tickets.tickets", "calls.calls"], "counter")),
            key=lambda k: (k == "", int(k) if k.isdigit() else 0),
        )
        names = {
            str(pk): name
            for pk, name in Counter.objects.filter(pk__in=[k for k in counter_keys if k]).values_list(
                "pk", "name"
            )
        }
        units_by_counter = dict(
            Counter.objects.filter(pk__in=[k for k in counter_keys if k]).values_list("pk", "unit__code")
        )
        for key in counter_keys:
            label = names.get(key, _("No counter")) if key else _("No counter")
            if len(self.units) > 1 and key and int(key) in units_by_counter:
                label = f"{units_by_counter[int(key)]} · {label}"

            def get(metric, dimension="all", k="", key=key):
                return self.f.total(metric, "counter", key)

            def link(source, metric="", dimension="all", k="", key=key):
                return self.link(source, metric, "counter", key)

            cells = [
                count_cell(
                    self.f.total("calls.calls", "counter", key), self.link("calls", "", "counter", key)
                )
            ]
            cells += self._queue_cells(get, link, with_standards=False)
            per_counter.rows.append((label_cell(label), cells))

        per_service = Table(
            "queue-by-service",
            _("Queue by service"),
            [*base_columns, _("Met the standard"), _("No-show")],
        )
        labels = dict(QUEUE_SERVICE_KINDS)
        for key in self.f.keys("tickets.tickets", "service"):

            def get(metric, dimension="all", k="", key=key):
                return self.f.total(metric, "service", key)

            def link(source, metric="", dimension="all", k="", key=key):
                return self.link(source, metric, "service", key)

            per_service.rows.append(
                (label_cell(labels.get(key, key)), self._queue_cells(get, link, with_standards=False))
            )

        headline = [
            (_("Tickets"), count_cell(self.f.total("tickets.tickets"), self.link("tickets"))),
            (
                _("Average wait (min)"),
                average_cell(
                    self.f.total("tickets.wait_us"),
                    self.f.total("tickets.called"),
                    per=60,
                    href=self.link("tickets", "wait_us"),
                ),
            ),
        ]
        for minutes in ("5", "10"):
            headline.append(
                (
                    _("Met the %(minutes)s-minute standard") % {"minutes": minutes},
                    share_cell(
                        self.f.total("tickets.met", "standard", minutes),
                        self.f.total("tickets.measured", "standard", minutes),
                        self.link("tickets", "measured", "standard", minutes),
                    ),
                )
            )
        return Section(
            "queue", _("Queue and service times"), [per_period, per_counter, per_service], headline
        )

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

        def cells(p, a, b):
            def g(metric):
                return self._get(p, metric)

            def ln(source, metric=""):
                return self.link(source, metric, start=a, end=b)

            return [
                count_cell(g("usage.reads"), ln("usage", "reads")),
                count_cell(g("usage.downloads"), ln("usage", "downloads")),
                count_cell(g("usage.views"), ln("usage", "views")),
                count_cell(g("reading.reading_room"), ln("reading")),
                count_cell(g("reading.from_storage"), ln("reading", "from_storage")),
                count_cell(g("scanner.pages"), ln("scanner")),
                count_cell(g("softcopy.requests"), ln("softcopy")),
                average_cell(
                    g("softcopy.turnaround_us"),
                    g("softcopy.decided"),
                    per=3600,
                    href=ln("softcopy", "decided"),
                ),
                count_cell(g("retrievals.retrievals"), ln("retrievals")),
                average_cell(
                    g("retrievals.fetch_us"),
                    g("retrievals.fetched"),
                    per=60,
                    href=ln("retrievals", "fetched"),
                ),
                average_cell(
                    g("retrievals.deliver_us"),
                    g("retrievals.delivered"),
                    per=60,
                    href=ln("retrievals", "delivered"),
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
            most_read.rows.append(
                (
                    label_cell(titles.get(key, f"#{key}")),
                    [
                        count_cell(
                            self.f.total("usage.reads", "publication", key),
                            self.link("usage", "reads", "publication", key),
                        ),
                        count_cell(
                            self.f.total("reading.reading_room", "publication", key),
                            self.link("reading", "", "publication", key),
                        ),
                        count_cell(
                            self.f.total("usage.downloads", "publication", key),
                            self.link("usage", "downloads", "publication", key),
                        ),
                    ],
                )
            )
        by_channel = Table(
            "softcopy-by-channel", _("Softcopy requests by channel"), [_("Requests"), _("Approved")]
        )
        labels = dict(SoftcopyRequest.Channel.choices)
        for key in self.f.keys("softcopy.requests", "channel"):
            by_channel.rows.append(
                (
                    label_cell(labels.get(key, key)),
                    [
                        count_cell(
                            self.f.total("softcopy.requests", "channel", key),
                            self.link("softcopy", "", "channel", key),
                        ),
                        count_cell(
                            self.f.total("softcopy.approved", "channel", key),
                            self.link("softcopy", "approved", "channel", key),
                        ),
                    ],
                )
            )
        headline = [
            (_("Read online"), count_cell(self.f.total("usage.reads"), self.link("usage", "reads"))),
            (_("Downloads"), count_cell(self.f.total("usage.downloads"), self.link("usage", "downloads"))),
            (_("Softcopy requests"), count_cell(self.f.total("softcopy.requests"), self.link("softcopy"))),
        ]
        return Section("library", _("Library"), [per_period, most_read, by_channel], headline)

    def _consultation_cells(self, get, link) -> list[Cell]:
        return [
            count_cell(get("consultations.consultations"), link("consultations")),
            average_cell(
                get("consultations.first_response_us"),
                get("consultations.responded"),
                per=3600,
                href=link("consultations", "first_response_us"),
            ),
            share_cell(
                get("consultations.within_standard"),
                get("consultations.clocked"),
                link("consultations", "clocked"),
            ),
            count_cell(get("consultations.closed"), link("consultations", "closed")),
            share_cell(
                get("consultations.auto_closed"), get("consultations.closed"), link("consultations", "closed")
            ),
        ]

    def consultation(self) -> Section:
        columns = [
            _("Consultations"),
            _("Average first response (hours)"),
            _("Answered within 3 working days"),
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

        def cells(p, a, b):
            def g(metric, dimension="all", key=""):
                return self._get(p, metric, dimension, key)

            def ln(source, metric=""):
                return self.link(source, metric, start=a, end=b)

            deflected = g("deflections.deflections")
            return [
                *self._consultation_cells(g, ln),
                count_cell(deflected, ln("deflections")),
                share_cell(deflected, deflected + g("consultations.consultations"), ln("deflections")),
            ]

        per_period.rows = self._period_rows(cells)
        by_channel = Table("consultations-by-channel", _("Consultations by channel"), columns)
        from terpadu.consultation.models import Consultation

        labels = dict(Consultation.Channel.choices)
        for key in self.f.keys("consultations.consultations", "channel"):

            def g(metric, dimension="all", k="", key=key):
                return self.f.total(metric, "channel", key)

            def ln(source, metric="", key=key):
                return self.link(source, metric, "channel", key)

            by_channel.rows.append((label_cell(labels.get(key, key)), self._consultation_cells(g, ln)))
        headline = [
            (
                _("Consultations"),
                count_cell(self.f.total("consultations.consultations"), self.link("consultations")),
            ),
            (
                _("Answered within 3 working days"),
                share_cell(
                    self.f.total("consultations.within_standard"),
                    self.f.total("consultations.clocked"),
                    self.link("consultations", "clocked"),
                ),
            ),
            (
                _("Closed for no response"),
                share_cell(
                    self.f.total("consultations.auto_closed"),
                    self.f.total("consultations.closed"),
                    self.link("consultations", "closed"),
                ),
            ),
        ]
        return Section("consultation", _("Statistical consultation"), [per_period, by_channel], headline)

    def _ikm(self, get) -> ikm.IkmResult:
        return ikm.compute({e.code: get(f"surveys.{e.code}_sum") for e in ELEMENTS}, get("surveys.responses"))

    @staticmethod
    def _score_cell(result: ikm.IkmResult, href: str) -> Cell:
        if result.score is None:
            return Cell("–", None, href)
        shown = result.score_display
        return Cell(_number(shown, 2), float(shown), href)

    def _survey_cells(self, get, link) -> list[Cell]:
        result = self._ikm(get)
        quality = f"{result.grade} ({result.quality})" if result.grade else "–"
        return [
            count_cell(get("surveys.responses"), link("surveys")),
            Cell(_number(result.ikm_display, 4), float(result.ikm_display), link("surveys"))
            if result.ikm is not None
            else Cell("–", None, link("surveys")),
            self._score_cell(result, link("surveys")),
            Cell(quality, result.grade or None, link("surveys")),
            ratio_cell(
                get("surveys.staff_rating_sum"),
                get("surveys.staff_rated"),
                href=link("surveys", "staff_rated"),
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

        def cells(p, a, b):
            def g(metric, dimension="all", key=""):
                return self._get(p, metric, dimension, key)

            def ln(source, metric=""):
                return self.link(source, metric, start=a, end=b)

            return self._survey_cells(g, ln)

        per_period.rows = self._period_rows(cells)

        total = self._ikm(lambda metric: self.f.total(metric))
        elements = Table(
            "ikm-elements",
            _("Average per element (NRR)"),
            [_("Element"), _("NRR"), _("Weighted NRR")],
            note=_("IKM = Σ NRR × 1/9; score = IKM × 25. Weakest elements first in the IKM report."),
        )
        display = total.nrr_display()
        for element in ELEMENTS:
            nrr = total.nrr.get(element.code)
            elements.rows.append(
                (
                    label_cell(element.label),
                    [
                        label_cell(element.title),
                        Cell(
                            _number(display[element.code], 3),
                            float(display[element.code]),
                            self.link("surveys"),
                        )
                        if nrr is not None
                        else Cell("–"),
                        Cell(_number(float(nrr * Fraction(1, 9)), 3), round(float(nrr * Fraction(1, 9)), 3))
                        if nrr is not None
                        else Cell("–"),
                    ],
                )
            )
        by_service = Table("ikm-by-service", _("Satisfaction by service"), columns)
        labels = dict(SURVEY_SERVICE_KINDS)
        for key in self.f.keys("surveys.responses", "service"):

            def g(metric, dimension="all", k="", key=key):
                return self.f.total(metric, "service", key)

            def ln(source, metric="", key=key):
                return self.link(source, metric, "service", key)

            by_service.rows.append((label_cell(labels.get(key, key)), self._survey_cells(g, ln)))
        by_channel = Table("ikm-by-channel", _("Survey responses by channel"), [_("Responses")])
        channel_labels = dict(SurveyChannel.choices)
        for key in self.f.keys("surveys.responses", "channel"):
            by_channel.rows.append(
                (
                    label_cell(channel_labels.get(key, key)),
                    [
                        count_cell(
                            self.f.total("surveys.responses", "channel", key),
                            self.link("surveys", "", "channel", key),
                        )
                    ],
                )
            )
        headline = [
            (_("Survey responses"), count_cell(total.responses, self.link("surveys"))),
            (_("IKM score"), self._score_cell(total, self.link("surveys"))),
            (
                _("Grade"),
                Cell(
                    f"{total.grade} ({total.quality})" if total.grade else "–",
                    total.grade,
                    self.link("surveys"),
                ),
            ),
        ]
        return Section(
            "satisfaction",
            _("Satisfaction survey (IKM)"),
            [per_period, elements, by_service, by_channel],
            headline,
        )

    def _complaint_cells(self, get, link) -> list[Cell]:
        return [
            count_cell(get("complaints.complaints"), link("complaints")),
            average_cell(
                get("complaints.first_response_us"),
                get("complaints.responded"),
                per=3600,
                href=link("complaints", "first_response_us"),
            ),
            average_cell(
                get("complaints.handling_us"),
                get("complaints.closed"),
                per=86400,
                href=link("complaints", "closed"),
            ),
            count_cell(get("complaints.open"), link("complaints", "open")),
            share_cell(
                get("complaints.breached"), get("complaints.complaints"), link("complaints", "breached")
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

        def cells(p, a, b):
            def g(metric, dimension="all", key=""):
                return self._get(p, metric, dimension, key)

            def ln(source, metric=""):
                return self.link(source, metric, start=a, end=b)

            return self._complaint_cells(g, ln)

        per_period.rows = self._period_rows(cells)
        by_channel = Table("complaints-by-channel", _("Complaints by channel"), columns)
        labels = dict(ChannelKind.choices)
        for key in self.f.keys("complaints.complaints", "channel"):

            def g(metric, dimension="all", k="", key=key):
                return self.f.total(metric, "channel", key)

            def ln(source, metric="", key=key):
                return self.link(source, metric, "channel", key)

            by_channel.rows.append((label_cell(labels.get(key, key)), self._complaint_cells(g, ln)))
        by_category = Table("complaints-by-category", _("Complaints by category"), [_("Complaints")])
        category_labels = dict(Complaint.Category.choices)
        for key in self.f.keys("complaints.complaints", "category"):
            by_category.rows.append(
                (
                    label_cell(category_labels.get(key, key)),
                    [
                        count_cell(
                            self.f.total("complaints.complaints", "category", key),
                            self.link("complaints", "", "category", key),
                        )
                    ],
                )
            )
        headline = [
            (_("Complaints"), count_cell(self.f.total("complaints.complaints"), self.link("complaints"))),
            (
                _("Follow-up overdue"),
                count_cell(self.f.total("complaints.breached"), self.link("complaints", "breached")),
            ),
        ]
        return Section("complaints", _("Complaints"), [per_period, by_channel, by_category], headline)

    def group_label(self) -> str:
        return str(GROUP_LABELS[self.group]).lower()


def build_report(*, unit: Unit, units: list[Unit], start, end, group: str, figures: Figures) -> Report:
    return Builder(unit=unit, units=units, start=start, end=end, group=group, figures=figures).build()
