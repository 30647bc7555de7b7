"""Charts drawn on the server as inline SVG: readable without JavaScript, and printable.

The functions here only work out shapes and texts; templates/includes/charts/chart.html
turns them into markup, so the template engine escapes every label. Coordinates are
strings already: a language that writes a decimal comma cannot break an SVG attribute.
Colours live in static/css/site.css ("Charts"), as classes: the CSP allows no inline style.

The drawing is WIDTH units wide and scales to its box, so text is about FONT_SIZE pixels
on a phone; labels sit above their bars and wrap, so a long label never runs off the edge.
"""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 340
FONT_SIZE = 15  # labels, in drawing units; .chart text in site.css says the same
SMALL_SIZE = 13  # axes
LINE_HEIGHT = 19
CHAR_WIDTH = 0.58  # a generous average character width, in em: wrap before it overflows
MAX_LINES = 3
BAR_HEIGHT = 16
ROW_GAP = 12


def number(value: float) -> str:
    """A coordinate for an SVG attribute: a dot for decimals whatever the language."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def wrap(text: str, *, width: float, size: int = FONT_SIZE, max_lines: int = MAX_LINES):
    """The text as lines that fit `width` units; a longer text ends in an ellipsis."""
    chars = max(int(width / (size * CHAR_WIDTH)), 1)
    lines = textwrap.wrap(" ".join(str(text).split()), chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


@dataclass(frozen=True)
class Shape:
    """One element of the drawing; `kind` says which, `css` its class in site.css."""

    kind: str  # rect, line, polyline, polygon, circle or text
    css: str
    x: str = "0"
    y: str = "0"
    width: str = "0"
    height: str = "0"
    x2: str = "0"
    y2: str = "0"
    points: str = ""
    text: str = ""
    anchor: str = "start"


def _rect(x, y, width, height, css) -> Shape:
    return Shape("rect", css, number(x), number(y), number(width), number(height))


def _line(x, y, x2, y2, css) -> Shape:
    return Shape("line", css, number(x), number(y), x2=number(x2), y2=number(y2))


def _text(x, y, text, css="chart-label", anchor="start") -> Shape:
    return Shape("text", css, number(x), number(y), text=str(text), anchor=anchor)


def _points(points) -> str:
    return " ".join(f"{number(x)},{number(y)}" for x, y in points)


@dataclass
class Chart:
    """What the template needs: an id for aria-labelledby, title, description, shapes."""

    id: str
    title: str
    description: str
    height: float
    shapes: list[Shape] = field(default_factory=list)
    width: int = WIDTH

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {number(self.height)}"

    @property
    def texts(self) -> list[str]:
        return [shape.text for shape in self.shapes if shape.kind == "text"]

    def of_kind(self, css: str) -> list[Shape]:
        return [shape for shape in self.shapes if shape.css == css]


# Bars --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarRow:
    """One bar: its label, its value (None: no figure, `text` says why) and what it says."""

    label: str
    value: float | None
    text: str = ""  # the figure written beside the bar; the value when empty
    group: str = ""  # a heading above a run of bars with the same group


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    rows: Sequence[BarRow],
    maximum: float | None = None,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    label_width: float = 0,
    axis: Sequence[tuple[float, str]] = (),
    empty_text: str = "",
) -> Chart:
    """Horizontal bars, each with its label and with its figure at the end.

    Labels sit above their bars, or in a column `label_width` wide left of them (more
    compact for many bars). `maximum` fixes the scale (100 for percentages); otherwise the
    largest value fills the width. `band` marks a reference range behind every bar,
    explained by `band_label`. `axis` puts (value, label) ticks beneath the bars.
    """
    figures = [row.text or _figure(row.value) for row in rows if row.value is not None]
    # Room right of the longest bar for the longest figure, so no figure runs off the edge.
    room = max((len(figure) for figure in figures), default=0) * FONT_SIZE * CHAR_WIDTH + 10
    left = min(label_width, WIDTH / 2)
    plot = WIDTH - left - min(max(room, 30), WIDTH / 2)
    largest = max((row.value or 0 for row in rows), default=0)
    scale = maximum or largest or 1

    def x_of(value: float) -> float:
        return left + plot * min(max(value, 0) / scale, 1)

    shapes: list[Shape] = []
    y = 4.0
    if band and band_label:
        shapes.append(_rect(0, y + 1, 22, 14, "chart-band"))
        for line in wrap(band_label, width=WIDTH - 30):
            shapes.append(_text(30, y + FONT_SIZE - 1, line))
            y += LINE_HEIGHT
        y += 8
    if not rows and empty_text:
        shapes.append(_text(0, y + FONT_SIZE, empty_text, "chart-note"))
        y += LINE_HEIGHT
    group = None
    for row in rows:
        if row.group and row.group != group:
            y += 10 if group is not None else 0
            for line in wrap(row.group, width=WIDTH):
                shapes.append(_text(0, y + FONT_SIZE, line, "chart-group"))
                y += LINE_HEIGHT
            shapes.append(_line(0, y + 1, WIDTH, y + 1, "chart-rule"))
            y += 8
            group = row.group
        if left:
            lines = wrap(row.label, width=left - 8)
            for n, line in enumerate(lines):
                shapes.append(_text(0, y + BAR_HEIGHT - 3 + n * LINE_HEIGHT, line))
            bar_y, next_y = y, y + max(len(lines) * LINE_HEIGHT, BAR_HEIGHT) + 8
        else:
            for line in wrap(row.label, width=WIDTH):
                shapes.append(_text(0, y + FONT_SIZE, line))
                y += LINE_HEIGHT
            bar_y = y + 3
            next_y = bar_y + BAR_HEIGHT + ROW_GAP
        baseline = bar_y + BAR_HEIGHT - 3  # of the text beside the bar
        if band:
            low, high = x_of(band[0]), x_of(band[1])
            shapes.append(_rect(low, bar_y - 2, high - low, BAR_HEIGHT + 4, "chart-band"))
        if row.value is None:
            shapes.append(_text(left, baseline, row.text, "chart-note"))
        else:
            end = x_of(row.value)
            if end > left:
                shapes.append(_rect(left, bar_y, max(end - left, 2), BAR_HEIGHT, "chart-bar"))
            text = row.text or _figure(row.value)
            shapes.append(_text(end + 6, baseline, text, "chart-value"))
        y = next_y
    if axis and rows:
        shapes.append(_line(left, y - 4, left + plot, y - 4, "chart-axis"))
        for n, (value, label) in enumerate(axis):
            anchor = "start" if n == 0 else "end" if n == len(axis) - 1 else "middle"
            shapes.append(_line(x_of(value), y - 4, x_of(value), y + 1, "chart-axis"))
            shapes.append(_text(x_of(value), y + SMALL_SIZE + 2, label, "chart-axis-label", anchor))
        y += SMALL_SIZE + 8
    return Chart(id, title, description, max(y, 24), shapes)


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else number(value)


# A running total over days, with a capacity line -------------------------------------------


def nice_step(span: float, *, intervals: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, …) that divides `span` into at most `intervals`."""
    if span <= 0:
        return 1
    raw = span / intervals
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for multiple in (1, 2, 5, 10):
        step = max(int(multiple * power), 1)
        if step >= raw:
            return step
    return int(10 * power)


def running_total_chart(
    *,
    id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, int]],
    capacity: int | None = None,
    capacity_label: str = "",
    empty_text: str = "",
) -> Chart:
    """A line of a running total, one point per day (label, total), from left to right.

    A dashed line marks `capacity` when there is one, so how full it is shows at a glance.
    """
    height = 220
    top, bottom = 30, height - 30
    values = [total for _, total in points]
    ceiling = max([*values, capacity or 0, 1])
    step = nice_step(ceiling)
    y_max = step * math.ceil(ceiling / step)
    left = len(str(y_max)) * SMALL_SIZE * CHAR_WIDTH + 10
    right = WIDTH - 14

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / y_max

    shapes: list[Shape] = []
    for tick in range(0, y_max + 1, step):
        shapes.append(_line(left, y_of(tick), right, y_of(tick), "chart-grid"))
        shapes.append(_text(left - 6, y_of(tick) + 4, tick, "chart-axis-label", "end"))
    shapes.append(_line(left, bottom, right, bottom, "chart-axis"))
    if capacity is not None:
        shapes.append(_line(left, y_of(capacity), right, y_of(capacity), "chart-capacity"))
        label_y = y_of(capacity) - 6
        shapes.append(_text(left + 4, label_y, capacity_label or capacity, "chart-capacity-label"))
    if not points:
        if empty_text:
            middle = ((left + right) / 2, (top + bottom) / 2)
            shapes.append(_text(*middle, empty_text, "chart-note", "middle"))
        return Chart(id, title, description, height, shapes)
    n = len(points)

    def x_of(index: int) -> float:
        return left + (right - left) * index / (n - 1) if n > 1 else (left + right) / 2

    line = [(x_of(i), y_of(total)) for i, (_, total) in enumerate(points)]
    if n > 1:
        area = [(line[0][0], bottom), *line, (line[-1][0], bottom)]
        shapes.append(Shape("polygon", "chart-area", points=_points(area)))
        shapes.append(Shape("polyline", "chart-line", points=_points(line)))
    last_x, last_y = line[-1]
    shapes.append(Shape("circle", "chart-dot", number(last_x), number(last_y)))
    anchor = "end" if n > 1 else "middle"
    shapes.append(
        _text(last_x - (4 if n > 1 else 0), last_y - 9, values[-1], "chart-value", anchor)
    )
    for index in _label_indices(n):
        anchor = "middle"
        if n > 1 and index == 0:
            anchor = "start"
        elif n > 1 and index == n - 1:
            anchor = "end"
        shapes.append(_text(x_of(index), height - 10, points[index][0], "chart-axis-label", anchor))
    return Chart(id, title, description, height, shapes)


def _label_indices(n: int, most: int = 4) -> list[int]:
    """Which days get a label on the axis: the first, the last and a few evenly between."""
    if n <= most:
        return list(range(n))
    return sorted({round(i * (n - 1) / (most - 1)) for i in range(most)})


# One figure out of a whole -----------------------------------------------------------------


def gauge(*, id: str, title: str, description: str, value: int, total: int, text: str) -> Chart:
    """One bar of `value` out of `total` in an outlined track, `text` written above it."""
    track = WIDTH - 2
    shapes = [_text(0, FONT_SIZE, text, "chart-label")]
    shapes.append(_rect(1, 24, track, 26, "chart-track"))
    if total > 0 and value > 0:
        shapes.append(_rect(1, 24, track * min(value / total, 1), 26, "chart-bar"))
    return Chart(id, title, description, 52, shapes)
