"""Bar charts drawn on the server as SVG geometry: no script, so a strict CSP holds, and the PDF
export (WeasyPrint renders inline SVG) shows the very same chart as the page."""

from __future__ import annotations

import math
from dataclasses import dataclass

from terpadu.reports.report import Table

WIDTH = 720
HEIGHT = 220
LEFT = 48
RIGHT = 8
TOP = 12
BOTTOM = 44


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    href: str


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class XLabel:
    x: float
    text: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[XLabel]
    baseline: float
    plot_left: int
    plot_right: int


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(table: Table) -> Chart | None:
    """A chart of the table's `chart_column` over its period rows (the Total row left out)."""
    if table.chart_column is None or len(table.rows) < 2:
        return None
    rows = table.rows[:-1]
    values = [cells[table.chart_column].value for _label, cells in rows]
    numbers = [float(v) if isinstance(v, int | float) else 0.0 for v in values]
    top = 100.0 if table.chart_unit == "%" else _nice_max(max(numbers, default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / len(rows)
    gap = min(slot * 0.2, 6)
    baseline = TOP + plot_h
    bars = []
    for (label, cells), number in zip(rows, numbers, strict=True):
        cell = cells[table.chart_column]
        height = plot_h * (number / top) if top else 0
        index = len(bars)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(baseline - height, 2),
                width=round(max(slot - gap, 1), 2),
                height=round(height, 2),
                label=label.text,
                text=cell.text,
                href=cell.href,
            )
        )
    every = max(1, math.ceil(len(rows) / 12))
    labels = [
        XLabel(x=round(bar.x + bar.width / 2, 2), text=_short(bar.label))
        for i, bar in enumerate(bars)
        if i % every == 0
    ]
    suffix = " %" if table.chart_unit == "%" else ""
    ticks = [
        Tick(y=round(baseline - plot_h * fraction, 2), text=f"{_tick(top * fraction)}{suffix}")
        for fraction in (0, 0.5, 1)
    ]
    return Chart(
        title=f"{table.title}: {table.columns[table.chart_column]}",
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        labels=labels,
        baseline=baseline,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
    )


def _tick(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


def _short(label: str) -> str:
    # "Mon, 03 Mar 2025" → "03 Mar"; "March 2025" stays; a week "03 Mar – 09 Mar 2025" → "03 Mar".
    if "–" in label:
        return label.split("–")[0].strip()
    if "," in label:
        return " ".join(label.split(",")[1].split()[:2])
    return label
