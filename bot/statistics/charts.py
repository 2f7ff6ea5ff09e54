"""Bar charts as plain numbers for an SVG template (statistics/charts.html).

No script and no style attribute: the template draws rectangles at the
positions worked out here, and statistics.css colours them by series. Each
chart also gets a table of the same numbers (its text alternative).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import List, Sequence

from core.dates import SHORT_MONTHS

WIDTH = 640
HEIGHT = 220
LEFT = 44
BOTTOM = 36
TOP = 12
LABELS_SHOWN = 14


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str  # "Webb, 2026-12-01: 4" for the bar's <title>


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    series: List[str]
    periods: List[str]
    values: List[List[float]]  # per series, per period
    unit: str
    bars: List[Bar]
    ticks: List[Tick]
    top_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def _number(value: float, unit: str) -> str:
    text = f"{value:.1f}".replace(".", ",") if unit == "%" or value != int(value) else str(int(value))
    return f"{text} {unit}".strip() if unit else text


def axis_label(period: str) -> str:
    """"2026-11-28" -> "28 nov", "2026 v49" -> "v49": short, and not read as month-day."""
    try:
        day = date.fromisoformat(period)
    except ValueError:
        return period.split(" ")[-1]
    return f"{day.day} {SHORT_MONTHS[day.month - 1]}"


def bar_chart(id: str, title: str, description: str, series: Sequence[str], periods: Sequence[str],
              values: Sequence[Sequence[float]], unit: str = "") -> Chart:
    """Grouped bars: one group per period, one bar per series."""
    highest = max([v for row in values for v in row] + [0])
    top = highest if highest > 0 else 1
    plot_height = HEIGHT - BOTTOM - TOP
    group = (WIDTH - LEFT - 8) / max(1, len(periods))
    bar_width = max(1.0, group * 0.8 / max(1, len(series)))
    bars, ticks = [], []
    step = max(1, -(-len(periods) // LABELS_SHOWN))
    for p, period in enumerate(periods):
        start = LEFT + p * group + group * 0.1
        for s, name in enumerate(series):
            value = values[s][p]
            height = plot_height * value / top
            bars.append(Bar(round(start + s * bar_width, 2), round(HEIGHT - BOTTOM - height, 2), round(bar_width, 2),
                            round(height, 2), s, f"{name}, {period}: {_number(value, unit)}"))
        if p % step == 0:
            ticks.append(Tick(round(start + group * 0.4, 2), axis_label(period)))
    return Chart(id, title, description, list(series), list(periods), [list(row) for row in values], unit, bars,
                 ticks, _number(highest, unit))


def shown(chart: Chart, value: float) -> str:
    return _number(value, chart.unit)


ROW = 22
LABEL_WIDTH = 210


@dataclass(frozen=True)
class Row:
    y: float
    width: float
    label: str
    value: str


@dataclass(frozen=True)
class Ranking:
    id: str
    title: str
    description: str
    heading: str  # the value column's heading in the table
    rows: List[Row]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return max(ROW, ROW * len(self.rows) + 4)


def ranking_chart(id: str, title: str, description: str, heading: str, items: Sequence[tuple]) -> Ranking:
    """Horizontal bars, one row per (label, value), largest first: long names stay readable."""
    highest = max([value for _label, value in items] + [1])
    room = WIDTH - LABEL_WIDTH - 60
    rows = [Row(i * ROW + 2, round(room * value / highest, 2), label, _number(value, ""))
            for i, (label, value) in enumerate(items)]
    return Ranking(id, title, description, heading, rows)
