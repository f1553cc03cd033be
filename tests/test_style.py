"""The figure rules of core.figures.style: legends in their own band, titles that fit, no text
under 16 px, no rotated ticks, presenter scaling as a pure function, labels that don't collide.

Positions are checked with the arithmetic Plotly uses for them (container fractions times the
figure height), independently of the module's own helpers; tests/test_browser.py checks the
drawn result in Chromium.
"""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from core.figures import style
from core.figures import training as fig_training


def _loss_figure(title: str = "Loss per epoch") -> go.Figure:
    history = {"loss": np.linspace(1.0, 0.1, 40), "val_loss": np.linspace(1.2, 0.3, 40)}
    return fig_training.loss_curve(history, title=title, diverged_at=30)


def _bands(fig: go.Figure) -> dict[str, float]:
    """Title and legend extents in px from the top, from the laid-out figure's own numbers."""
    height = fig.layout.height
    title_size = fig.layout.title.font.size
    lines = fig.layout.title.text.count("<br>") + 1
    title_mid = (1 - fig.layout.title.y) * height
    return {"title_bottom": title_mid + lines * title_size * 1.3 / 2,
            "legend_top": (1 - fig.layout.legend.y) * height,
            "plot_top": fig.layout.margin.t}


def test_the_legend_sits_between_title_and_plot():
    fig = style.tidy(_loss_figure())
    b = _bands(fig)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yanchor == "top"
    assert b["title_bottom"] <= b["legend_top"] < b["plot_top"]
    # Two entries of 16 px text need at least one row of ~24 px above the plot.
    assert b["plot_top"] - b["legend_top"] >= 24


def test_a_hand_placed_legend_over_the_plot_is_moved_to_the_band():
    fig = _loss_figure()
    fig.update_layout(legend=dict(x=0.5, y=0.5, orientation="v"))  # in the middle of the data
    style.tidy(fig)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yref == "container"
    assert (1 - fig.layout.legend.y) * fig.layout.height < fig.layout.margin.t


def test_no_legend_no_band():
    fig = style.figure("One series", height=300)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="only"))
    with_one = style.tidy(fig).layout.margin.t
    two = style.figure("One series", height=300)
    two.add_traces([go.Scatter(x=[0, 1], y=[0, 1], name="a"), go.Scatter(x=[0, 1], y=[1, 0],
                                                                        name="b")])
    assert style.tidy(two).layout.margin.t > with_one  # positive case: a legend gets room


def test_more_entries_than_fit_in_a_row_get_more_rows():
    few, many = style.figure("f", height=400), style.figure("f", height=400)
    few.add_traces([go.Scatter(x=[0], y=[0], name=f"s{i}") for i in range(2)])
    many.add_traces([go.Scatter(x=[0], y=[0], name=f"a long series name {i}") for i in range(8)])
    assert style.tidy(many).layout.margin.t >= style.tidy(few).layout.margin.t + 3 * 24


def test_long_titles_wrap_into_two_lines_at_most_and_fit_the_width():
    long = "Output after epoch 500 · training loss 0.001 · test loss 0.002 · accuracy 100 %"
    fig = style.tidy(_loss_figure(long), width=420)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2
    size = fig.layout.title.font.size
    assert all(len(line) * size * 0.5 <= 420 for line in lines)  # 0.5 em: a wide average glyph
    assert lines[-1].endswith("…")
    short = style.tidy(_loss_figure("Loss"), width=420)
    assert short.layout.title.text == "Loss"  # positive case: a short title stays as it is


def test_frame_titles_wrap_too_and_the_band_fits_the_longest():
    axis = np.linspace(0, 1, 5)
    frames = [(e, np.full(25, 0.5)) for e in (1, 2)]
    fig = fig_training.output_replay(axis, frames, np.zeros((2, 2)), np.array([0, 1]),
                                     losses=np.array([0.5, 0.4]),
                                     title="A replay with a title long enough to need two lines")
    style.tidy(fig, width=420)
    assert all("<br>" in f.layout.title.text for f in fig.frames)
    assert _bands(fig)["title_bottom"] <= _bands(fig)["legend_top"]


def test_no_text_under_16_px_and_no_rotated_ticks():
    fig = _loss_figure()
    fig.update_layout(legend=dict(font=dict(size=11)), font=dict(size=12))
    fig.update_xaxes(tickangle=90, tickfont=dict(size=10))
    spec = style.tidy(fig).to_dict()
    sizes = _font_sizes(spec["layout"])
    assert sizes and min(sizes) >= style.MIN_FONT_SIZE
    assert spec["layout"]["xaxis"]["tickangle"] == 0
    # Positive case: sizes above the minimum are kept.
    big = style.tidy(_loss_figure()).to_dict()
    assert big["layout"]["title"]["font"]["size"] == style.TITLE_SIZE


def _font_sizes(node) -> list[float]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "font" and isinstance(value, dict) and "size" in value:
                found.append(value["size"])
            found += _font_sizes(value)
    elif isinstance(node, list):
        for value in node:
            found += _font_sizes(value)
    return found


def test_a_line_only_contour_gets_a_legend_line():
    axis = np.linspace(0, 1, 5)
    fig = style.figure("map")
    fig.add_trace(go.Contour(x=axis, y=axis, z=np.linspace(0, 1, 25).reshape(5, 5),
                             contours=dict(coloring="lines", start=0.5, end=0.5, size=1),
                             name="decision boundary", showscale=False))
    style.tidy(fig)
    contour = [t for t in fig.data if t.type == "contour"][0]
    proxies = [t for t in fig.data if t.type == "scatter" and t.name == "decision boundary"]
    assert contour.showlegend is False
    assert len(proxies) == 1 and proxies[0].line.width >= 2 and proxies[0].mode == "lines"
    style.tidy(fig)  # idempotent: no second proxy
    assert len([t for t in fig.data if t.name == "decision boundary"]) == 2


def test_annotations_on_the_top_edge_get_their_own_band():
    fig = style.figure("t", height=400)
    fig.add_traces([go.Scatter(x=[0], y=[0], name="a"), go.Scatter(x=[0], y=[0], name="b")])
    plain = style.tidy(fig).layout.margin.t
    fig.add_annotation(text="left panel", x=0, y=1, xref="paper", yref="paper",
                       yanchor="bottom", showarrow=False)
    assert style.tidy(fig).layout.margin.t >= plain + style.FONT_SIZE


def test_for_presenter_scales_a_copy_and_leaves_the_figure_alone():
    fig = style.tidy(_loss_figure())
    before = json.dumps(fig.to_dict(), sort_keys=True, default=str)
    big = style.for_presenter(fig, 1.5)
    assert json.dumps(fig.to_dict(), sort_keys=True, default=str) == before
    assert big.layout.font.size == pytest.approx(fig.layout.font.size * 1.5)
    assert big.layout.title.font.size == pytest.approx(fig.layout.title.font.size * 1.5)
    assert big.layout.legend.font.size == pytest.approx(fig.layout.legend.font.size * 1.5)
    assert big.data[0].line.width == pytest.approx(style.LINE_WIDTH * 1.5)
    assert big.layout.margin.t > fig.layout.margin.t  # bigger title and legend, bigger band


@pytest.mark.parametrize("width", [320, 420, 880])
def test_wrap_title_lines_fit(width):
    text = "The line on the data, and θ = (W, b) on the loss surface"
    wrapped = style.wrap_title(text, style.TITLE_SIZE, width)
    for line in wrapped.split("<br>"):
        assert len(line) * style.TITLE_SIZE * 0.5 <= width
    if width == 880:
        assert "<br>" not in wrapped  # positive case: room enough for one line


def _label_box(x, y, position, text, x_range, y_range):
    """Where Plotly draws a text label, in plot units: beside the point, in the direction of
    its textposition (independent re-implementation of the geometry)."""
    dx = {"left": -1, "center": 0, "right": 1}[position.split()[1]]
    dy = {"top": 1, "middle": 0, "bottom": -1}[position.split()[0]]
    w = len(text) * 0.56 * 16 / 420
    h = 1.3 * 16 / 420
    cx = (x - x_range[0]) / (x_range[1] - x_range[0]) + dx * (w / 2 + 0.02)
    cy = (y - y_range[0]) / (y_range[1] - y_range[0]) + dy * (h / 2 + 0.02)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def test_coinciding_points_share_one_label_and_labels_stay_inside():
    # The lecture's hand-set XOR network: (0,1) and (1,0) both land on h = (1, 0).
    h = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (2.0, 1.0)]
    names = ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
    rng = (-0.6, 2.6)
    labels = style.place_labels([p[0] for p in h], [p[1] for p in h], names, x_range=rng,
                                y_range=rng)
    assert labels["text"] == ["(0,0)", "(0,1) = (1,0)", "(1,1)"]
    boxes = [_label_box(x, y, pos, t, rng, rng) for x, y, pos, t in
             zip(labels["x"], labels["y"], labels["textposition"], labels["text"])]
    for x0, y0, x1, y1 in boxes:
        assert x0 >= 0 and y0 >= 0 and x1 <= 1 and y1 <= 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    go.Figure(go.Scatter(**labels))  # a valid trace


def test_a_label_at_the_right_edge_goes_left():
    labels = style.place_labels([0.0, 1.0], [0.5, 0.5], ["left", "(1,0)"], x_range=(0, 1.05),
                                y_range=(0, 1))
    assert labels["textposition"][1].endswith("left")
    assert not labels["textposition"][0].endswith("left")  # and one at the left edge goes right


def test_legend_band_matches_plotly_row_height():
    # One row of 16 px entries is at least 24 px high in Chromium (measured: 23-24 px).
    fig = style.figure("t", height=400)
    fig.add_traces([go.Scatter(x=[0], y=[0], name="a"), go.Scatter(x=[0], y=[0], name="b")])
    style.tidy(fig)
    assert (fig.layout.margin.t - (1 - fig.layout.legend.y) * 400) >= 24
    assert not math.isnan(fig.layout.legend.y)


def test_log_axes_keep_only_full_size_labels():
    fig = style.tidy(_loss_figure())  # log y
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.minorloglabels == "none"
    assert fig.layout.xaxis.minorloglabels is None  # positive case: a linear axis is left alone


def _replay(height: int = 480) -> go.Figure:
    axis = np.linspace(-1.0, 1.0, 5)
    frames = [(e, np.full(25, e / 10.0)) for e in (0, 5, 10)]
    points = [go.Scatter(x=[0.0], y=[0.0], mode="markers", name="points")]
    return fig_training.replay(axis, axis, frames, points, zrange=(0.0, 1.0),
                               captions=[f"epoch {e}" for e, _ in frames], height=height)


@pytest.mark.parametrize("scale", [1.0, style.PRESENTER_SCALE])
def test_the_player_sits_below_the_x_axis_labels_in_the_margin_it_needs(scale):
    fig = style.tidy(_replay(), scale=scale)
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    below = (style.X_TITLE_BOTTOM + style.PLAYER_GAP) * scale  # the x axis has a title
    slider, menu = fig.layout.sliders[0], fig.layout.updatemenus[0]
    for control in (slider, menu):
        assert control.yanchor == "top"
        assert -control.y * plot == pytest.approx(below)
    # Room below it for the slider: its value, its rail, its ticks and Plotly's padding.
    value = slider.currentvalue.font.size
    assert fig.layout.margin.b >= below + style.LINE * value + style.SLIDER_TICKS + 12
    assert slider.font.color == style.HIDDEN  # the frame is named by the value above it
    # Positive case: a figure without a player keeps its margins.
    plain = style.tidy(_loss_figure())
    assert plain.layout.margin.b < below + style.SLIDER_TICKS


def test_presenter_figures_are_taller_so_their_larger_text_leaves_the_plot_room():
    normal = style.tidy(_replay())
    big = style.tidy(_replay(), scale=style.PRESENTER_SCALE)
    assert big.layout.height == round(480 * style.PRESENTER_HEIGHT)
    plot = lambda f: f.layout.height - f.layout.margin.t - f.layout.margin.b  # noqa: E731
    assert plot(big) >= plot(normal)


def test_short_y_axes_get_fewer_ticks_so_their_labels_keep_apart():
    short = style.figure("f", height=260)
    short.add_trace(go.Scatter(x=[0, 1], y=[1e-3, 10.0]))
    short.update_yaxes(type="log")
    style.tidy(short, scale=style.PRESENTER_SCALE)
    bottom = short.layout.margin.b or style.TEMPLATE.layout.margin.b
    plot = short.layout.height - short.layout.margin.t - bottom
    label = style.LINE * short.layout.yaxis.tickfont.size
    assert short.layout.yaxis.nticks is not None
    assert plot / max(short.layout.yaxis.nticks - 1, 1) >= label * style.LOG_TICK_SPACING
    # Positive case: a tall axis keeps Plotly's own choice, and so does one with set ticks.
    tall = style.tidy(style.figure("f", height=700).add_trace(go.Scatter(x=[0, 1], y=[0, 1])))
    assert tall.layout.yaxis.nticks is None
    fixed = style.figure("f", height=260).add_trace(go.Scatter(x=[0, 1], y=[0, 1]))
    fixed.update_yaxes(dtick=0.25)
    assert style.tidy(fixed).layout.yaxis.nticks is None
