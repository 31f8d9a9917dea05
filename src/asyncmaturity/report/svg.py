"""Inline SVG charts for the HTML report: pure functions from figures to SVG markup.

Each chart is a complete ``<svg>`` element meant to sit inline in an HTML page: it carries
``role="img"``, an ``aria-label``, a ``<title>`` and a ``<desc>``, uses no element ids (so several
charts can share a page) and no external resource. It omits the ``xmlns`` attribute, which the
HTML parser supplies; a standalone ``.svg`` file would need it added. All text is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from asyncmaturity.units import format_axis_number, format_count

FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#1f2937"
MUTED = "#4b5563"
GRID = "#e5e7eb"
AXIS = "#9ca3af"
ACCENT = "#2563eb"
ZERO_FILL = "#eef1f5"
# ColorBrewer "Blues": ordered by lightness, so it reads in greyscale print and for colour-blind
# readers; the lightest stop is still distinguishable from ZERO_FILL.
SEQUENTIAL_STOPS = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")

_FONT_SIZE = 12
# Average glyph advance of the sans-serif stack as a share of the font size, to size labels.
_GLYPH_WIDTH = 0.6
_LABEL_ANGLE = 35
_MAX_LABEL_CHARS = 18


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart: a label, a value (None leaves a gap) and the texts shown with it."""

    label: str
    value: float | None
    value_text: str
    sublabel: str = ""
    tooltip: str = ""


def _attr(value: str) -> str:
    """Escape text for an attribute or a text node."""
    return escape(value, quote=True)


def _num(value: float) -> str:
    """Write a coordinate with at most two decimals, keeping the markup short."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float = _FONT_SIZE) -> float:
    """Estimate the rendered width of a label, good enough to decide whether labels collide."""
    return len(text) * size * _GLYPH_WIDTH


def _shorten(label: str) -> str:
    """Cut an axis label to a length that fits under a bar, marking the cut with an ellipsis."""
    if len(label) <= _MAX_LABEL_CHARS:
        return label
    return label[: _MAX_LABEL_CHARS - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: float = _FONT_SIZE,
    fill: str = TEXT,
    weight: str = "normal",
    extra: str = "",
    tooltip: str = "",
) -> str:
    """Render one ``<text>`` element, with a ``<title>`` (hover text) when `tooltip` is given."""
    title = f"<title>{_attr(tooltip)}</title>" if tooltip else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{_num(size)}" '
        f'fill="{fill}" font-weight="{weight}"{extra}>{title}{_attr(content)}</text>'
    )


def svg_open(width: float, height: float, title: str, description: str = "") -> str:
    """Open an accessible inline ``<svg>`` element with its title and description."""
    desc = f"<desc>{_attr(description)}</desc>" if description else ""
    return (
        f'<svg class="chart-svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-label="{_attr(title)}" '
        f'font-family="{_attr(FONT_STACK)}">'
        f"<title>{_attr(title)}</title>{desc}"
    )


_ZERO_MARK = 3.0
"""Height of the baseline marker a bar of 0 is drawn as."""


def nice_ticks(max_value: float, *, target: int = 4, integer: bool = False) -> list[float]:
    """Return evenly spaced axis ticks from 0 to a round value at or above ``max_value``.

    Among round steps (1, 2, 2.5 or 5 times a power of ten) giving at most six intervals, the
    one with the least headroom above the maximum wins, then the one nearest ``target`` intervals.
    """
    if not math.isfinite(max_value) or max_value <= 0:
        max_value = 1.0
    exponent = math.floor(math.log10(max_value))
    # Counts cannot step by 2.5 (or by less than 1) without showing fractional people.
    multipliers = (1.0, 2.0, 5.0) if integer else (1.0, 2.0, 2.5, 5.0)
    steps = [m * 10.0**e for e in range(exponent - 2, exponent + 2) for m in multipliers]
    if integer:
        steps = [s for s in steps if s >= 1]

    def intervals(step: float) -> int:
        return max(1, math.ceil(max_value / step - 1e-9))

    fitting = [s for s in steps if intervals(s) <= 6]
    step = min(fitting, key=lambda s: (intervals(s) * s, abs(intervals(s) - target)))
    return [i * step for i in range(intervals(step) + 1)]


def sequential_colour(t: float) -> str:
    """Map t in [0, 1] to a colour of the sequential scale, interpolating between its stops."""
    t = min(1.0, max(0.0, t))
    position = t * (len(SEQUENTIAL_STOPS) - 1)
    index = min(int(position), len(SEQUENTIAL_STOPS) - 2)
    frac = position - index
    low, high = SEQUENTIAL_STOPS[index], SEQUENTIAL_STOPS[index + 1]
    channels = (
        round(int(low[i : i + 2], 16) * (1 - frac) + int(high[i : i + 2], 16) * frac)
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str = "",
    axis_format: Callable[[float], str] = format_axis_number,
    integer_axis: bool = False,
    width: float = 960,
    height: float = 300,
    colour: str = ACCENT,
    axis_max: float | None = None,
) -> str:
    """Render a vertical bar chart with a value axis, value labels and optional sublabels.

    A bar whose value is None is drawn as a gap marked with its ``value_text``; a bar of 0 as a
    marker on the baseline, so that a zero reads as a value and not as nothing drawn. Labels
    that would collide are thinned (axis labels) or left to the tooltips (value labels).
    `axis_max`, when given, is the least top of the value axis (a scale's highest value).
    """
    values = [b.value for b in bars if b.value is not None and math.isfinite(b.value)]
    ticks = nice_ticks(max([*values, axis_max or 0.0]), integer=integer_axis)
    y_max = ticks[-1]
    n = max(len(bars), 1)
    left = max(_text_width(axis_format(t)) for t in ticks) + 14
    plot_w = width - left - 12
    slot = plot_w / n

    # Labels that fit under their bars stay whole; otherwise they are rotated and long ones
    # shortened on the axis only (the label's tooltip, the bar's and the data table keep them).
    rotate = max((_text_width(b.label) for b in bars), default=0.0) > slot * 0.95
    labels = [_shorten(b.label) if rotate else b.label for b in bars]
    label_w = max((_text_width(label) for label in labels), default=0.0)
    if rotate:
        # The first rotated label reaches left of its bar: widen the margin so it is not cut.
        reach = label_w * math.cos(math.radians(_LABEL_ANGLE)) + 4
        if reach - slot / 2 > left:
            left = reach - slot / 2
            plot_w = width - left - 12
            slot = plot_w / n
    # Thin axis labels only when even rotated ones would overlap; every k-th bar keeps its label.
    every = max(1, math.ceil((_FONT_SIZE * 1.6 if rotate else label_w + 8) / slot))
    has_sub = any(b.sublabel for b in bars)
    top = 22
    # The plot keeps its height; rotated labels make the chart taller instead of squashing it.
    plot_h = height - top - 38
    base = top + plot_h
    if rotate:
        bottom = label_w * math.sin(math.radians(_LABEL_ANGLE)) + 24
    else:
        bottom = 24 + (14 if has_sub else 0)
    height = base + bottom
    show_values = max((_text_width(b.value_text, 10) for b in bars), default=0.0) <= slot - 2

    def y_of(value: float) -> float:
        return base - plot_h * (value / y_max)

    parts = [svg_open(width, height, title, description)]
    for tick in ticks:
        y = y_of(tick)
        stroke = AXIS if tick == 0 else GRID
        parts.append(
            f'<line x1="{_num(left)}" x2="{_num(width - 12)}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y + 4, axis_format(tick), anchor="end", fill=MUTED))

    bar_w = min(slot * 0.68, 72.0)
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        tip = bar.tooltip or f"{bar.label}: {bar.value_text}"
        if bar.value is None or not math.isfinite(bar.value):
            parts.append(
                f'<g><title>{_attr(tip)}</title><rect x="{_num(cx - bar_w / 2)}" '
                f'y="{_num(base - 24)}" width="{_num(bar_w)}" height="24" fill="none" '
                f'stroke="{AXIS}" stroke-dasharray="3 3"/></g>'
            )
        else:
            # A zero (or a negative, clipped) is a marker on the baseline: a value, not a gap.
            y = min(y_of(max(bar.value, 0.0)), base - _ZERO_MARK)
            parts.append(
                f'<g><title>{_attr(tip)}</title><rect x="{_num(cx - bar_w / 2)}" y="{_num(y)}" '
                f'width="{_num(bar_w)}" height="{_num(base - y)}" rx="2" fill="{colour}"/></g>'
            )
        if show_values:
            missing = bar.value is None or not math.isfinite(bar.value)
            value_y = base - 30 if missing else y_of(max(bar.value or 0.0, 0.0)) - 6
            parts.append(
                _text(
                    cx,
                    value_y,
                    bar.value_text,
                    size=10,
                    fill=MUTED if missing else TEXT,
                    weight="normal" if missing else "600",
                )
            )
        if i % every == 0:
            # A shortened label shows its whole text on hover.
            whole = bar.label if labels[i] != bar.label else ""
            if rotate:
                parts.append(
                    _text(
                        cx,
                        base + 14,
                        labels[i],
                        anchor="end",
                        extra=f' transform="rotate(-{_LABEL_ANGLE} {_num(cx)} {_num(base + 14)})"',
                        tooltip=whole,
                    )
                )
            else:
                parts.append(_text(cx, base + 16, labels[i], tooltip=whole))
                if bar.sublabel:
                    parts.append(_text(cx, base + 30, bar.sublabel, size=10, fill=MUTED))
    parts.append("</svg>")
    return "".join(parts)


def heatmap(
    grid: Sequence[Sequence[float]],
    *,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    title: str,
    description: str = "",
    tooltip: Callable[[int, int, float], str] | None = None,
    value_format: Callable[[float], str] = format_count,
    col_label_every: int = 1,
    legend_title: str = "",
    width: float = 960,
    max_cell: float = 40,
) -> str:
    """Render a grid of values as square coloured cells with row totals and a colour legend.

    Cells are as large as ``width`` allows, up to ``max_cell``. Zero cells get a neutral fill
    distinct from the scale, so "none" never reads as "a few". ``tooltip(row, col, value)``
    gives each cell's hover text; by default "row col: value".
    """
    gap = 3.0
    left = max((_text_width(label) for label in row_labels), default=0.0) + 12
    top = 22.0
    cols = max(len(col_labels), 1)
    totals_w = 72.0
    cell = min(max_cell, (width - left - totals_w) / cols)
    grid_w = cols * cell
    width = left + grid_w + totals_w
    grid_h = len(row_labels) * cell
    legend_y = top + grid_h + 18
    height = legend_y + 36
    peak = max((v for row in grid for v in row), default=0.0)

    def fill_of(value: float) -> str:
        return ZERO_FILL if value <= 0 or peak <= 0 else sequential_colour(value / peak)

    parts = [svg_open(width, height, title, description)]
    for c, label in enumerate(col_labels):
        if c % col_label_every == 0:
            parts.append(_text(left + (c + 0.5) * cell, top - 6, label, size=10, fill=MUTED))
    parts.append(_text(left + grid_w + 10, top - 6, "Total", anchor="start", size=10, fill=MUTED))
    for r, label in enumerate(row_labels):
        y = top + r * cell
        row = grid[r] if r < len(grid) else []
        parts.append(_text(left - 8, y + cell / 2 + 4, label, anchor="end"))
        for c in range(len(col_labels)):
            value = row[c] if c < len(row) else 0.0
            tip = tooltip(r, c, value) if tooltip else f"{label} {col_labels[c]}: {value}"
            parts.append(
                f'<rect x="{_num(left + c * cell + gap / 2)}" y="{_num(y + gap / 2)}" '
                f'width="{_num(cell - gap)}" height="{_num(cell - gap)}" rx="3" '
                f'fill="{fill_of(value)}"><title>{_attr(tip)}</title></rect>'
            )
        parts.append(
            _text(
                left + grid_w + 10,
                y + cell / 2 + 4,
                value_format(sum(row)),
                anchor="start",
                fill=MUTED,
            )
        )

    parts.append(_legend(left, legend_y, peak, legend_title, value_format))
    parts.append("</svg>")
    return "".join(parts)


def _legend(
    x: float, y: float, peak: float, title: str, value_format: Callable[[float], str]
) -> str:
    """Render the heatmap legend: a swatch for zero, then the scale from low to the peak value."""
    swatch = 26.0
    parts = []
    if title:
        parts.append(_text(x, y + 14, title, anchor="start", fill=MUTED))
        x += _text_width(title) + 12
    parts.append(
        f'<rect x="{_num(x)}" y="{_num(y + 2)}" width="{_num(swatch)}" height="14" rx="2" '
        f'fill="{ZERO_FILL}" stroke="{GRID}"/>'
    )
    parts.append(_text(x + swatch / 2, y + 30, "0", size=10, fill=MUTED))
    x += swatch + 14
    if peak <= 0:
        parts.append(_text(x, y + 14, "no activity recorded", anchor="start", fill=MUTED))
        return "".join(parts)
    steps = 6
    for i in range(steps):
        parts.append(
            f'<rect x="{_num(x + i * swatch)}" y="{_num(y + 2)}" width="{_num(swatch)}" '
            f'height="14" fill="{sequential_colour((i + 1) / steps)}"/>'
        )
    parts.append(_text(x, y + 30, "fewer", anchor="start", size=10, fill=MUTED))
    parts.append(
        _text(
            x + steps * swatch,
            y + 30,
            f"{value_format(peak)} (peak)",
            anchor="end",
            size=10,
            fill=MUTED,
        )
    )
    return "".join(parts)


@dataclass(frozen=True)
class GridItem:
    """One activity on the scheduled x synchronous grid: where it is meant to sit, where it was
    measured (None: unknown) and the texts shown with it."""

    label: str
    intended: tuple[bool, bool]  # (scheduled, synchronous)
    measured: tuple[bool, bool] | None
    value_text: str
    tooltip: str = ""


_GRID_COLOURS = {"as intended": "#15803d", "departs": "#c2410c", "unknown": "#6b7280"}
_GRID_CELL = (300.0, 150.0)
_GRID_MARGIN = (110.0, 44.0)
_GRID_ROW = 24.0
_GRID_MARK = 6.0


def _grid_point(place: tuple[bool, bool], slot: int) -> tuple[float, float]:
    """Where an activity's marker sits: its quadrant (scheduled on top, synchronous on the
    left), and its own row inside it, so that no two activities overlap."""
    scheduled, synchronous = place
    width, height = _GRID_CELL
    left, top = _GRID_MARGIN
    x = left + (0 if synchronous else width) + 18
    y = top + (0 if scheduled else height) + 26 + slot * _GRID_ROW
    return x, y


def _arrow(start: tuple[float, float], end: tuple[float, float], colour: str) -> str:
    """A dashed route from the marker at `start` to the one at `end`, with a drawn head
    (markers would need element ids). A move along a row runs just beneath it, so that it does
    not cross the label written to the right of the marker it reaches."""
    (x1, y1), (x2, y2) = start, end
    below = _GRID_MARK + 5
    if abs(y2 - y1) < 1:
        route = [(x1, y1 + _GRID_MARK), (x1, y1 + below), (x2, y2 + below)]
        tip = (x2, y2 + _GRID_MARK + 1)
    else:
        side = 1.0 if y2 > y1 else -1.0
        route = [(x1, y1 + side * _GRID_MARK)]
        tip = (x2, y2 - side * (_GRID_MARK + 1))
    fx, fy = route[-1]
    length = math.hypot(tip[0] - fx, tip[1] - fy) or 1.0
    ux, uy = (tip[0] - fx) / length, (tip[1] - fy) / length
    back = (tip[0] - ux * 6, tip[1] - uy * 6)
    wing = (-uy * 3.5, ux * 3.5)
    corners = (tip, (back[0] + wing[0], back[1] + wing[1]), (back[0] - wing[0], back[1] - wing[1]))
    head = " ".join(f"{_num(px)},{_num(py)}" for px, py in corners)
    points = " ".join(f"{_num(px)},{_num(py)}" for px, py in [*route, back])
    return (
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5" '
        f'stroke-dasharray="4 3"/><polygon points="{head}" fill="{colour}"/>'
    )


def activity_grid(items: Sequence[GridItem], *, title: str, description: str = "") -> str:
    """The scheduled/unscheduled x synchronous/asynchronous grid with each activity placed.

    An activity measured where it is meant to sit is one filled marker; one that departs is a
    hollow marker where it is meant to sit and a filled one where it was measured, joined by an
    arrow; an unknown one is a hollow grey marker where it is meant to sit.
    """
    width, height = _GRID_CELL
    left, top = _GRID_MARGIN
    total_w, total_h = left + 2 * width + 10, top + 2 * height + 10
    parts = [svg_open(total_w, total_h, title, description)]
    for col, label in enumerate(("Synchronous", "Asynchronous")):
        parts.append(_text(left + col * width + width / 2, top - 16, label, weight="bold"))
    for row, label in enumerate(("Scheduled", "Unscheduled")):
        parts.append(
            _text(left - 10, top + row * height + height / 2, label, anchor="end", weight="bold")
        )
    for row in range(2):
        for col in range(2):
            parts.append(
                f'<rect x="{_num(left + col * width)}" y="{_num(top + row * height)}" '
                f'width="{_num(width)}" height="{_num(height)}" fill="{ZERO_FILL}" '
                f'stroke="{AXIS}"/>'
            )
    for slot, item in enumerate(items):
        status = (
            "unknown"
            if item.measured is None
            else ("as intended" if item.measured == item.intended else "departs")
        )
        colour = _GRID_COLOURS[status]
        home = _grid_point(item.intended, slot)
        title_tag = f"<title>{_attr(item.tooltip)}</title>" if item.tooltip else ""
        dashes = ' stroke-dasharray="3 2"' if status == "unknown" else ""
        hollow = (
            f'<circle cx="{_num(home[0])}" cy="{_num(home[1])}" r="{_num(_GRID_MARK)}" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2"'
            f"{dashes}>{title_tag}</circle>"
        )
        if status == "unknown":
            parts.append(hollow)
            parts.append(
                _text(
                    home[0] + 12,
                    home[1] + 4,
                    f"{item.label}: unknown",
                    anchor="start",
                    fill=MUTED,
                    tooltip=item.tooltip,
                )
            )
            continue
        assert item.measured is not None
        spot = _grid_point(item.measured, slot)
        if status == "departs":
            parts.append(hollow)
            parts.append(_arrow(home, spot, colour))
        parts.append(
            f'<circle cx="{_num(spot[0])}" cy="{_num(spot[1])}" r="{_num(_GRID_MARK)}" '
            f'fill="{colour}">{title_tag}</circle>'
        )
        parts.append(
            _text(
                spot[0] + 12,
                spot[1] + 4,
                f"{item.label} ({item.value_text})",
                anchor="start",
                tooltip=item.tooltip,
            )
        )
    parts.append("</svg>")
    return "".join(parts)
