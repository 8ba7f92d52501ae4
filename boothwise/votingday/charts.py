"""The booth's turnout curve as a small server-rendered SVG (no scripts)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 320, 160, 28


def turnout_chart(rows: list[dict[str, Any]]) -> SafeString:
    """Party marks (solid) and official figures (dashed) at each slot, cumulative."""
    top = max(
        [r["marks"] or 0 for r in rows] + [r["official"] or 0 for r in rows] + [1]
    )
    step = (WIDTH - 2 * PAD) / max(len(rows) - 1, 1)

    def point(i: int, value: int) -> tuple[float, float]:
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
        return round(PAD + i * step, 1), round(y, 1)

    def line(key: str, css: str) -> SafeString:
        points = [point(i, r[key]) for i, r in enumerate(rows) if r[key] is not None]
        if not points:
            return mark_safe("")
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="3" class="{}"/>',
            ((x, y, css) for x, y in points),
        )
        return format_html(
            '<polyline class="{}" fill="none" points="{}"/>{}',
            css,
            " ".join(f"{x},{y}" for x, y in points),
            dots,
        )

    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        ((point(i, 0)[0], HEIGHT - 8, r["label"]) for i, r in enumerate(rows)),
    )
    return format_html(
        '<svg class="vd-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="vd-axis"/>'
        '<text x="{}" y="{}">{}</text>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        _("Turnout through the day: party marks and official figures"),
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        4,
        PAD - 10,
        top,
        labels,
        line("official", "vd-official"),
        line("marks", "vd-marks"),
    )
