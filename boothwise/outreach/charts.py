"""The coverage chart, drawn on the server as SVG: no chart library, no script.

Bars are the visits of each day (left scale); the line is the households met so far
(right scale). The template draws what `days_chart` computes, in a fixed viewBox that
the page scales to its width.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format

# A narrow drawing: on a 360 px phone its 12 px labels stay readable.
WIDTH = 420
HEIGHT = 210
LEFT = 34
RIGHT = 38
TOP = 10
BOTTOM = 26


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Tick:
    x: float
    y: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    line: str = ""
    x_ticks: list[Tick] = field(default_factory=list)
    left_ticks: list[Tick] = field(default_factory=list)
    right_ticks: list[Tick] = field(default_factory=list)
    empty: bool = True


def _nice_max(value: int) -> int:
    """A round number at or above `value` for the top of a scale."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for multiple in (1, 2, 2.5, 5, 10):
        top = int(step * multiple)
        if top >= value:
            return top
    return value


def days_chart(days: list[tuple[datetime.date, int, int, int]]) -> Chart:
    """Geometry for (day, visits, met, cumulative met) rows, oldest first."""
    chart = Chart()
    if not days:
        return chart
    chart.empty = not any(visits for _day, visits, _met, _cum in days)
    plot_w = chart.plot_right - chart.plot_left
    plot_h = chart.plot_bottom - chart.plot_top
    slot = plot_w / len(days)
    top_visits = _nice_max(max(v for _d, v, _m, _c in days))
    top_cum = _nice_max(max(c for _d, _v, _m, c in days))
    points = []
    for i, (day, visits, met, cumulative) in enumerate(days):
        height = plot_h * visits / top_visits
        x = chart.plot_left + i * slot
        label = date_format(day, "j M")
        chart.bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=round(chart.plot_bottom - height, 1),
                width=round(max(slot * 0.7, 1), 1),
                height=round(height, 1),
                title=f"{label}: {visits} / {met} / {cumulative}",
            )
        )
        y = chart.plot_bottom - plot_h * cumulative / top_cum
        points.append(f"{x + slot / 2:.1f},{y:.1f}")
    chart.line = " ".join(points)
    every = max(1, len(days) // 4)
    for i in range(0, len(days), every):
        chart.x_ticks.append(
            Tick(
                x=round(chart.plot_left + (i + 0.5) * slot, 1),
                y=chart.plot_bottom + 17,
                label=date_format(days[i][0], "j M"),
            )
        )
    for fraction in (0, 0.5, 1):
        y = round(chart.plot_bottom - plot_h * fraction, 1)
        chart.left_ticks.append(
            Tick(
                x=chart.plot_left - 6, y=y + 4, label=str(round(top_visits * fraction))
            )
        )
        chart.right_ticks.append(
            Tick(x=chart.plot_right + 6, y=y + 4, label=str(round(top_cum * fraction)))
        )
    return chart
