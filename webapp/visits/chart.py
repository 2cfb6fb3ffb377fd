"""The 14-day chart of the daily report's visits as inline SVG: the same markup on the page
and in the PDF, no JavaScript, nothing to download.

Bars are households visited, the line is person-times, on one scale (both are counts of the
same visits; person-times are never fewer). The SVG holds only digits and dates: its legend and
title are HTML around it, so the words are translated and printed with the PDF's CJK font.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape


@dataclass
class TrendPoint:
    day: date
    visits: int
    households_visited: int
    person_times: int


WIDTH, HEIGHT = 560, 220
RIGHT, TOP, BOTTOM = 6, 12, 26
FONT_SIZE = 14
BAR = "#0b6bcb"
BAR_PARTIAL = "#9cc3ea"  # today's bar: the day is not over
LINE = "#d62828"
GRID = "#dde3e8"
TEXT = "#5f6b76"


def nice_step(top: int, lines: int = 4) -> int:
    """A round step (1, 2 or 5 × 10^k) so that `lines` steps reach at least `top`."""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude * lines >= top:
                return m * magnitude
        magnitude *= 10


def trend_svg(
    points: Sequence[TrendPoint],
    today: date | None = None,
    font: str = "inherit",
    label: str = "",
) -> Markup:
    """Bars of households visited and a line of person-times, one per day."""
    top = max([p.person_times for p in points] + [p.households_visited for p in points] + [1])
    step = nice_step(top)
    scale_top = step * 4
    # Room for the longest axis label ("80000") at the left.
    left = 10 + round(0.62 * FONT_SIZE * len(str(scale_top)))
    plot_w = WIDTH - left - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / scale_top)

    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(label)}" font-family="{escape(font)}" font-size="{FONT_SIZE}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i in range(5):
        value = step * i
        gy = y(value)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 5}" y="{gy + 4:.1f}" text-anchor="end" fill="{TEXT}">{value}</text>'
        )
    line = []
    for i, p in enumerate(points):
        cx = left + slot * (i + 0.5)
        bar_w = slot * 0.6
        colour = BAR_PARTIAL if p.day == today else BAR
        by = y(p.households_visited)
        parts.append(
            f'<rect x="{cx - bar_w / 2:.1f}" y="{by:.1f}" width="{bar_w:.1f}" '
            f'height="{TOP + plot_h - by:.1f}" fill="{colour}"/>'
        )
        # Every other date when the 14 labels would crowd; the last day always.
        if i % 2 == (len(points) - 1) % 2:
            parts.append(
                f'<text x="{cx:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{TEXT}">'
                f"{p.day.month}/{p.day.day}</text>"
            )
        line.append(f"{cx:.1f},{y(p.person_times):.1f}")
    if line:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
        for xy in line:
            cx, cy = xy.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{LINE}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
