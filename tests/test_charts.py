"""The server-drawn SVG charts: scales, texts, edge cases and the escaped markup."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from zorgzaam import charts
from zorgzaam.charts import BarRow

HOSTILE = '<script>alert("x")</script>'


def bars(chart: charts.Chart) -> list[charts.Shape]:
    return chart.of_kind("chart-bar")


def render(chart: charts.Chart) -> str:
    return render_to_string("includes/charts/chart.html", {"chart": chart})


def bar_chart(rows, **options) -> charts.Chart:
    return charts.bar_chart(id="c", title="Title", description="Description", rows=rows, **options)


def test_coordinates_are_written_with_a_dot_in_every_language():
    assert charts.number(12.25) == "12.2" or charts.number(12.25) == "12.3"
    assert charts.number(3.0) == "3" and charts.number(0) == "0"
    with translation.override("nl"):
        chart = bar_chart([BarRow("Een", 1.5), BarRow("Twee", 3)])
        html = render(chart)
    assert not re.search(r'="[\d.]*,\d', html)  # no decimal comma in any attribute


def test_the_largest_bar_fills_the_width_and_the_others_follow_the_scale():
    chart = bar_chart([BarRow("Veel", 10), BarRow("Half", 5), BarRow("Niets", 0)])
    full, half = (float(bar.width) for bar in bars(chart))
    assert half == pytest.approx(full / 2, abs=0.1)
    assert full + 6 < charts.WIDTH  # room for the figure beside it
    assert len(bars(chart)) == 2  # a zero draws no bar ...
    assert chart.texts[-1] == "0"  # ... but its figure is written


def test_a_fixed_maximum_scales_percentages_and_caps_what_exceeds_it():
    chart = bar_chart([BarRow("A", 50, "50%"), BarRow("B", 150, "150%")], maximum=100)
    half, capped = (float(bar.width) for bar in bars(chart))
    assert capped == pytest.approx(2 * half, abs=0.1)
    assert "50%" in chart.texts and "150%" in chart.texts


def test_every_figure_fits_inside_the_drawing():
    long_figure = "123 of 456 places"
    chart = bar_chart([BarRow("A", 10, long_figure)])
    (bar,) = bars(chart)
    estimate = len(long_figure) * charts.FONT_SIZE * charts.CHAR_WIDTH
    assert float(bar.x) + float(bar.width) + 6 + estimate <= charts.WIDTH + 1


def test_long_labels_wrap_and_a_very_long_one_ends_in_an_ellipsis():
    lines = charts.wrap("Samenwerking met zorg- en ondersteuningsaanbieders", width=150)
    assert len(lines) > 1 and all(len(line) * charts.FONT_SIZE * 0.58 <= 150 for line in lines)
    endless = charts.wrap("x" * 500, width=150)
    assert len(endless) == charts.MAX_LINES and endless[-1].endswith("…")
    assert charts.wrap("", width=150) == [""]


def test_hostile_labels_titles_and_descriptions_are_escaped():
    chart = charts.bar_chart(
        id="c",
        title=HOSTILE,
        description=f"{HOSTILE} & more",
        rows=[BarRow(HOSTILE, 3, text=HOSTILE, group=HOSTILE)],
    )
    html = render(chart)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; more" in html


def test_the_markup_is_an_image_named_by_its_title_and_description():
    html = render(bar_chart([BarRow("A", 1)]))
    assert 'role="img"' in html and 'aria-labelledby="c-title c-desc"' in html
    assert '<title id="c-title">Title</title>' in html
    assert '<desc id="c-desc">Description</desc>' in html
    assert 'viewBox="0 0 340 ' in html and 'width="100%"' in html
    assert "style=" not in html  # the CSP allows no inline style


def test_empty_bars_draw_nothing_but_may_say_why():
    chart = bar_chart([], empty_text="Nothing yet")
    assert bars(chart) == [] and chart.texts == ["Nothing yet"] and chart.height >= 24
    assert bars(bar_chart([])) == []


def test_all_zeros_divide_by_nothing():
    chart = bar_chart([BarRow("A", 0), BarRow("B", 0)])
    assert bars(chart) == [] and chart.texts == ["A", "0", "B", "0"]


def test_a_missing_figure_writes_its_reason_instead_of_a_bar():
    chart = bar_chart([BarRow("Klein", None, "too little data"), BarRow("Groot", 40)])
    assert len(bars(chart)) == 1
    assert [shape.text for shape in chart.of_kind("chart-note")] == ["too little data"]


def test_a_band_marks_the_reference_range_behind_every_bar():
    chart = bar_chart(
        [BarRow("A", 20), BarRow("B", 70)], maximum=100, band=(50, 60), band_label="Land"
    )
    legend, *per_bar = chart.of_kind("chart-band")
    assert len(per_bar) == 2
    full = float(bars(chart)[1].width) / 0.7
    assert float(per_bar[0].x) == pytest.approx(full * 0.5, abs=0.2)
    assert float(per_bar[0].width) == pytest.approx(full * 0.1, abs=0.2)
    assert "Land" in chart.texts
    # The band comes before its bar, so the bar is drawn over it.
    kinds = [shape.css for shape in chart.shapes if shape.kind == "rect"]
    assert kinds == ["chart-band", "chart-band", "chart-bar", "chart-band", "chart-bar"]


def test_groups_head_their_bars_and_labels_can_sit_beside_them():
    rows = [BarRow("Abcd", 2, group="Assen"), BarRow("Dos", 1, group="Assen")]
    rows.append(BarRow("Abcd", 1, group="Emmen"))
    chart = bar_chart(rows, label_width=170)
    assert [shape.text for shape in chart.of_kind("chart-group")] == ["Assen", "Emmen"]
    assert all(float(bar.x) == 170 for bar in bars(chart))
    beside = bar_chart(rows, label_width=170).height
    above = bar_chart(rows).height
    assert beside < above


def test_the_percent_axis_has_its_ticks():
    chart = bar_chart([BarRow("A", 10)], maximum=100, axis=[(0, "0%"), (50, "50%"), (100, "100%")])
    labels = chart.of_kind("chart-axis-label")
    assert [label.text for label in labels] == ["0%", "50%", "100%"]
    assert [label.anchor for label in labels] == ["start", "middle", "end"]


@pytest.mark.parametrize(
    ("span", "step"), [(0, 1), (1, 1), (4, 1), (7, 2), (10, 5), (38, 10), (40, 10), (130, 50)]
)
def test_nice_steps(span, step):
    assert charts.nice_step(span) == step


def days(*totals):
    return [(f"{n + 1} jun", total) for n, total in enumerate(totals)]


def test_the_running_total_rises_to_its_last_point():
    chart = charts.running_total_chart(
        id="s", title="T", description="D", points=days(2, 5, 5, 9), capacity=None
    )
    (line,) = chart.of_kind("chart-line")
    ys = [float(point.split(",")[1]) for point in line.points.split()]
    assert ys == sorted(ys, reverse=True)  # rising: smaller y is higher
    assert ys[2] == ys[1]  # a day without sign-ups stays level
    assert chart.of_kind("chart-capacity") == []
    assert "9" in chart.texts  # the last total is written beside its dot
    axis = [shape.text for shape in chart.of_kind("chart-axis-label") if "jun" in shape.text]
    assert axis == ["1 jun", "2 jun", "3 jun", "4 jun"]


def test_the_capacity_is_a_dashed_line_with_its_label():
    chart = charts.running_total_chart(
        id="s", title="T", description="D", points=days(3, 38), capacity=40, capacity_label="40 pl"
    )
    (capacity,) = chart.of_kind("chart-capacity")
    (line,) = chart.of_kind("chart-line")
    last_y = float(line.points.split()[-1].split(",")[1])
    assert float(capacity.y) < last_y  # 40 is above 38
    assert "40 pl" in chart.texts
    # The scale reaches the capacity even when sign-ups are far below it.
    low = charts.running_total_chart(
        id="s", title="T", description="D", points=days(1, 2), capacity=100
    )
    assert "100" in low.texts


def test_many_days_get_a_few_labels_only():
    chart = charts.running_total_chart(id="s", title="T", description="D", points=days(*range(60)))
    labels = [shape for shape in chart.of_kind("chart-axis-label") if "jun" in shape.text]
    assert [label.text for label in labels] == ["1 jun", "21 jun", "40 jun", "60 jun"]
    assert labels[0].anchor == "start" and labels[-1].anchor == "end"


def test_one_day_is_a_dot_in_the_middle():
    chart = charts.running_total_chart(id="s", title="T", description="D", points=days(4))
    assert chart.of_kind("chart-line") == [] and len(chart.of_kind("chart-dot")) == 1
    (dot,) = chart.of_kind("chart-dot")
    (axis,) = chart.of_kind("chart-axis")
    assert float(dot.x) == pytest.approx((float(axis.x) + float(axis.x2)) / 2, abs=0.1)
    assert "<circle" in render(chart)


def test_no_days_draw_no_line_and_may_say_why():
    chart = charts.running_total_chart(
        id="s", title="T", description="D", points=[], capacity=10, empty_text="No one yet"
    )
    assert chart.of_kind("chart-line") == [] and chart.of_kind("chart-dot") == []
    assert "No one yet" in chart.texts and len(chart.of_kind("chart-capacity")) == 1
    assert "<polyline" not in render(chart)


def test_the_gauge_fills_its_share_of_the_track():
    chart = charts.gauge(id="g", title="T", description="D", value=15, total=40, text="15 of 40")
    (track,) = chart.of_kind("chart-track")
    (bar,) = bars(chart)
    assert float(bar.width) == pytest.approx(float(track.width) * 15 / 40, abs=0.1)
    assert chart.texts == ["15 of 40"]


@pytest.mark.parametrize(("value", "total"), [(0, 0), (0, 10), (3, 0)])
def test_an_empty_gauge_divides_by_nothing(value, total):
    chart = charts.gauge(id="g", title="T", description="D", value=value, total=total, text="-")
    assert bars(chart) == [] and len(chart.of_kind("chart-track")) == 1


def test_a_gauge_over_its_total_stays_in_its_track():
    chart = charts.gauge(id="g", title="T", description="D", value=50, total=40, text="50")
    assert float(bars(chart)[0].width) == float(chart.of_kind("chart-track")[0].width)
