"""The dashboard's one visual language for Plotly figures, and the rules that keep every figure
readable from the back of a lecture hall.

Colours: the colour-blind-safe Okabe-Ito palette, the same colour for the same class on every
page. Layout: :func:`tidy` (applied by ``ui.layout.chart`` to every figure) decides where the
title, the legend and labels go, so that no builder can put a legend over a title or an axis
title, clip a long title or rotate tick labels. :func:`for_presenter` scales a figure for
presenter mode; :func:`place_labels` puts point labels where they collide with nothing.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, PINK = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
VERMILLION, SKY, YELLOW, GREY = "#D55E00", "#56B4E9", "#F0E442", "#7F7F7F"

#: Class k is drawn in CLASS_COLORS[k] everywhere (class 0 blue, class 1 orange, ...).
CLASS_COLORS = (BLUE, ORANGE, GREEN, PINK, VERMILLION, SKY)
#: Series colours: training is blue, validation/test orange, on every loss curve.
TRAIN_COLOR, VALIDATION_COLOR = BLUE, ORANGE
#: Heatmaps of a two-class output run from class 0's blue through white to class 1's orange.
DIVERGING = [[0.0, BLUE], [0.5, "#FFFFFF"], [1.0, ORANGE]]
POSITIVE_NEGATIVE = [[0.0, BLUE], [0.5, "#F2F2F2"], [1.0, VERMILLION]]

#: The colour of text that is there for Plotly but not for the eye (a player's slider labels,
#: whose current value is shown above it): no minimum size applies.
HIDDEN = "rgba(0,0,0,0)"
FONT_SIZE = 18
#: No chart text is smaller than this (px): legible from the back of a hall at 1280 wide.
MIN_FONT_SIZE = 16
TITLE_SIZE = FONT_SIZE + 4
LEGEND_SIZE = FONT_SIZE - 2
MARKER_SIZE = 14
LINE_WIDTH = 3
#: Presenter mode multiplies every font, marker and line by this.
PRESENTER_SCALE = 1.3
#: ... and charts are this much wider there (the sidebar starts collapsed) and this much
#: taller (the larger text around the plot would otherwise take the plot's room).
PRESENTER_ROOM = 1.35
PRESENTER_HEIGHT = 1.2
#: The narrowest a chart is drawn at 1280×720 (half the main column beside the sidebar). Title
#: wrapping and the legend's rows are worked out for it, so wider charts only gain room.
NARROW_WIDTH = 420
#: The narrowest a full-width chart is drawn at 1280×720 (the main column beside the sidebar).
WIDE_WIDTH = 880
#: Average glyph width of the sans-serif font in ems, rounded up so estimates err on the
#: side of more lines and rows.
EM = 0.56
#: Plotly's line height for a text of one line, in font sizes (its boxes measure ~1.1).
LINE = 1.3
_TITLE_LINES = 2

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=FONT_SIZE, color="#1A1A1A"),
        # The title hangs from the top of the figure; tidy() reserves its band above the plot.
        title=dict(font=dict(size=TITLE_SIZE), x=0.0, xanchor="left", xref="container",
                   y=0.96, yanchor="middle", yref="container", pad=dict(l=8)),
        colorway=list(CLASS_COLORS),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=60, b=55),
        xaxis=dict(showgrid=True, gridcolor="#E5E5E5", zeroline=True, zerolinecolor="#B0B0B0",
                   linecolor="#404040", ticks="outside", title=dict(standoff=8), automargin=True,
                   tickangle=0),
        yaxis=dict(showgrid=True, gridcolor="#E5E5E5", zeroline=True, zerolinecolor="#B0B0B0",
                   linecolor="#404040", ticks="outside", title=dict(standoff=10), automargin=True),
        # One horizontal row (or a few) in a band between the title and the plot: tidy() sets
        # its exact height, so it can cover neither the title nor an axis title.
        legend=dict(orientation="h", x=0.0, xanchor="left", xref="container", yref="container",
                    yanchor="top",
                    bgcolor="rgba(255,255,255,0)", font=dict(size=LEGEND_SIZE)),
        hoverlabel=dict(font=dict(size=LEGEND_SIZE)),
    ),
    data=dict(scatter=[go.Scatter(line=dict(width=LINE_WIDTH), marker=dict(size=MARKER_SIZE))]),
)
pio.templates["lecture"] = TEMPLATE
# The default for every figure this process makes: passing the template to each figure
# instead re-validates it every time (~8 ms a figure, against ~0.5 ms).
pio.templates.default = "lecture"


def figure(title: str = "", *, height: int = 460, **layout) -> go.Figure:
    """An empty figure in the dashboard's style."""
    fig = go.Figure(layout=dict(height=height, **layout))
    if title:
        fig.update_layout(title=dict(text=title))
    return fig


def square_axes(fig: go.Figure, lo: float, hi: float, *, x_title: str = "x₁",
                y_title: str = "x₂") -> go.Figure:
    """Equal scaling on both axes over [lo, hi], for pictures of the input plane."""
    fig.update_xaxes(range=[lo, hi], title=dict(text=x_title), constrain="domain")
    fig.update_yaxes(range=[lo, hi], title=dict(text=y_title), scaleanchor="x", scaleratio=1,
                     constrain="domain")
    return fig


def class_marker(label: int, *, size: int = MARKER_SIZE, symbol: str | None = None) -> dict:
    """Marker for points of class ``label``: its colour, and a shape so it also reads in
    black and white (circle, diamond, square, ...)."""
    symbols = ("circle", "diamond", "square", "triangle-up", "cross", "star")
    return dict(color=CLASS_COLORS[label % len(CLASS_COLORS)], size=size,
                symbol=symbol or symbols[label % len(symbols)],
                line=dict(color="#1A1A1A", width=1.5))


# ----------------------------------------------------------------------------------------
# The layout rules
# ----------------------------------------------------------------------------------------


def tidy(fig: go.Figure, *, scale: float = 1.0, width: int = NARROW_WIDTH) -> go.Figure:
    """Lay ``fig`` out by the hall's rules, in place, and return it.

    Fonts at least :data:`MIN_FONT_SIZE` (times ``scale``; a scaled figure also
    :data:`PRESENTER_HEIGHT` times taller); the title wrapped to fit ``width``
    (two lines at most, then shortened with "…"), hanging from the top; the legend in its own
    band between the title and the plot (also above annotations that sit on the plot's top
    edge); a legend entry for every line-only contour; tick labels never rotated, and on log
    axes only the full-size labels; no more ticks on a short y axis than its labels have room
    for; an animation's player below the x axis's labels. Safe to apply twice.
    """
    _scale_fonts(fig, scale)
    if scale > 1.0:  # presenter mode: the larger text around the plot takes more room
        fig.layout.height = round((fig.layout.height or 450) * PRESENTER_HEIGHT)
    _show_contour_lines_in_legend(fig)
    for axis in (*_axes(fig, "x"), *_axes(fig, "y")):
        axis.update(automargin=True)
        if axis.type == "log" and axis.minorloglabels is None:
            # Plotly writes the 2s and 5s between powers of ten at three quarters of the font.
            axis.update(minorloglabels="none")
    for axis in _axes(fig, "x"):
        axis.update(tickangle=0)
    _start_margins(fig, scale)
    title_band = _fit_title(fig, width)
    legend_band = _legend_band(fig, width)
    top_band = _top_annotation_band(fig)
    height = fig.layout.height or 450
    if legend_band:
        fig.update_layout(legend=dict(orientation="h", x=0.0, xanchor="left", xref="container",
                                      yref="container",
                                      y=1.0 - (title_band + 2) / height, yanchor="top"))
    fig.update_layout(margin=dict(t=max(24, title_band + legend_band + top_band + 8)))
    _place_player(fig, scale)
    _fit_y_ticks(fig)
    return fig


def for_presenter(fig: go.Figure, scale: float = PRESENTER_SCALE) -> go.Figure:
    """A copy of ``fig`` laid out for presenter mode: every font, marker and line ``scale``
    times larger, title and legend refitted. ``fig`` itself is left unchanged."""
    copy = go.Figure(fig.to_dict(), skip_invalid=False, _validate=False)
    return tidy(copy, scale=scale)


def _axes(fig: go.Figure, letter: str) -> list:
    return [fig.layout[name] for name in fig.layout if name.startswith(f"{letter}axis")]


def _font(container: Any, default: float, scale: float) -> None:
    """Set ``container.font.size`` (a Plotly font holder) to its size or ``default``, at least
    the minimum, times ``scale``."""
    size = container.size if container.size is not None else default
    container.size = round(max(MIN_FONT_SIZE, size) * scale, 1)


def _scale_fonts(fig: go.Figure, scale: float) -> None:
    """Make every text of the figure at least the minimum size, all times ``scale``.

    Idempotent for scale 1; a figure is scaled once (``for_presenter`` works on a copy).
    """
    layout = fig.layout
    base = layout.font.size or FONT_SIZE
    _font(layout.font, FONT_SIZE, scale)
    _font(layout.title.font, TITLE_SIZE * base / FONT_SIZE, scale)
    _font(layout.legend.font, LEGEND_SIZE, scale)
    _font(layout.hoverlabel.font, LEGEND_SIZE, scale)
    for axis in (*_axes(fig, "x"), *_axes(fig, "y")):
        _font(axis.tickfont, base, scale)
        _font(axis.title.font, base, scale)
    for note in layout.annotations:
        _font(note.font, base, scale)
    for menu in layout.updatemenus:
        _font(menu.font, base, scale)
    for slider in layout.sliders:
        if slider.font.color != HIDDEN:
            _font(slider.font, base, scale)
        _font(slider.currentvalue.font, base, scale)
    for trace in fig.data:
        _scale_trace(trace, base, scale)


def _scale_trace(trace: Any, base: float, scale: float) -> None:
    props = trace._props  # noqa: SLF001 - reading what is set, without building defaults
    if "textfont" in props and not isinstance(props["textfont"].get("size"), list | tuple):
        _font(trace.textfont, base, scale)
    bar = props.get("marker", {}).get("colorbar") if "marker" in props else None
    if "colorbar" in props or bar is not None:
        colorbar = trace.colorbar if "colorbar" in props else trace.marker.colorbar
        _font(colorbar.tickfont, base, scale)
        _font(colorbar.title.font, base, scale)
    if scale == 1.0:
        return
    marker, line = props.get("marker", {}), props.get("line", {})
    if isinstance(marker.get("size"), int | float):
        trace.marker.size = marker["size"] * scale
    if isinstance(line.get("width"), int | float):
        trace.line.width = line["width"] * scale
    elif trace.type in ("scatter", "scattergl") and "lines" in (props.get("mode") or "lines"):
        trace.line.width = LINE_WIDTH * scale


def wrap_title(text: str, size: float, width: int = NARROW_WIDTH) -> str:
    """``text`` broken into lines (``<br>``) that fit ``width`` px at font ``size``: two
    lines at most, the second shortened with "…" if the text is longer still."""
    if not text:
        return text
    per_line = max(12, int((width - 16) / (EM * size)))
    lines = textwrap.wrap(text.replace("<br>", " "), per_line, break_on_hyphens=False)
    if len(lines) > _TITLE_LINES:
        kept = " ".join(lines[_TITLE_LINES - 1:])
        lines = lines[:_TITLE_LINES - 1] + [kept[:per_line - 1].rstrip() + "…"]
    return "<br>".join(lines)


def _fit_title(fig: go.Figure, width: int) -> int:
    """Wrap the title (and every frame's) to the width, centre it in its band at the top of
    the figure, and return the band's height in px."""
    size = fig.layout.title.font.size or TITLE_SIZE
    texts = []
    if fig.layout.title.text:
        fig.layout.title.text = wrap_title(fig.layout.title.text, size, width)
        texts.append(fig.layout.title.text)
    for frame in fig.frames or ():
        title = (frame.layout.title.text if frame.layout is not None else None)
        if title:
            frame.layout.title.text = wrap_title(title, size, width)
            texts.append(frame.layout.title.text)
    if not texts:
        return 0
    lines = max(text.count("<br>") + 1 for text in texts)
    block = lines * size * LINE
    # Plotly places a multi-line title anchored at its top or bottom a line off; anchored at
    # its middle it lands where asked.
    fig.layout.title.update(yref="container", yanchor="middle",
                            y=1.0 - (8 + block / 2) / (fig.layout.height or 450))
    return int(math.ceil(block + 18))


#: Margins in px (at font scale 1) that Plotly's automargin pushes a figure's sides to at
#: the dashboard's font sizes, measured in Chromium: below an x axis with a title, beside a
#: colour bar, at the right end of an x axis (half its last tick label), and left of a
#: titled log or percentage axis. Plotly draws a figure a second time, in full, whenever a
#: push exceeds the margin it started from (the Playground's replay 0.14 s instead of
#: ~0.06-0.1 s, its loss curve 0.04 s instead of 0.015 s). Starting from these, those
#: figures are drawn once; one that needs more room still gets it (automargin stays on).
X_TITLE_BOTTOM = 66
COLORBAR_RIGHT = 90
TICK_OVERHANG_RIGHT = 29
Y_TITLE_LEFT = 92
ONE_ROW_LEGEND_PAD = 12
COLORBAR_LEGEND_PAD = 10


def _margin(fig: go.Figure, side: str) -> float:
    """The figure's margin on ``side`` ("t", "b", "l", "r") in px: its own, or the template's."""
    own = getattr(fig.layout.margin, side)
    return own if own is not None else getattr(pio.templates[pio.templates.default].layout.margin,
                                               side)


def _plot_height(fig: go.Figure) -> float:
    """The plot area's height in px, between the top and bottom margins."""
    return (fig.layout.height or 450) - _margin(fig, "t") - _margin(fig, "b")


def _start_margins(fig: go.Figure, scale: float) -> None:
    """Raise the bottom, right and left margins to what automargin would push them to (see
    :data:`X_TITLE_BOTTOM`); never lower them."""

    def at_least(side: str, px: float) -> None:
        setattr(fig.layout.margin, side, max(_margin(fig, side), round(px * scale)))

    if any(axis.title.text for axis in _axes(fig, "x") if not axis.overlaying):
        at_least("b", X_TITLE_BOTTOM)
    at_least("r", COLORBAR_RIGHT if _has_colorbar(fig) else TICK_OVERHANG_RIGHT)
    if any(axis.title.text and axis.side != "right" and (axis.type == "log" or axis.tickformat)
           for axis in _axes(fig, "y")):
        at_least("l", Y_TITLE_LEFT)


#: The name that marks an animation's replay/pause buttons and slider
#: (``core.figures.training.player``): :func:`tidy` places them.
PLAYER = "player"
#: Below an x axis without a title, its tick labels end this far down (px at scale 1).
X_TICKS_BOTTOM = 36
#: Room between the x axis's labels and the player (px at scale 1).
PLAYER_GAP = 8
#: The slider's current value sits this far above its rail (px at scale 1): the buttons,
#: one line of text and their padding tall, stand beside it and end above the rail.
BUTTON_PAD = 14
#: Plotly draws a slider's ticks 25 px below its rail, 7 px long, then their labels.
SLIDER_TICKS = 32
#: Plotly's automargin keeps this much (px) between a legend, slider or menu and the edge.
AUTOMARGIN_PAD = 12


def _place_player(fig: go.Figure, scale: float) -> None:
    """Put the player's buttons and slider below the x axis's labels, the bottom margin
    raised to hold them (never lowered), at the figure's final font sizes.

    Plotly places both in fractions of the plot area's height, which the margins (title,
    legend, fonts of presenter mode) change: worked out here, last, from the margins in px,
    so no player covers an axis title or tick label at any scale."""
    menus = [m for m in fig.layout.updatemenus if m.name == PLAYER]
    sliders = [s for s in fig.layout.sliders if s.name == PLAYER]
    if not menus and not sliders:
        return
    titled = any(axis.title.text for axis in _axes(fig, "x") if not axis.overlaying)
    below_axis = ((X_TITLE_BOTTOM if titled else X_TICKS_BOTTOM) + PLAYER_GAP) * scale
    pad = round(BUTTON_PAD * scale)
    band = max((LINE * (m.font.size or FONT_SIZE) + pad for m in menus), default=0.0)
    for slider in sliders:
        value = slider.currentvalue.font.size or FONT_SIZE
        labels = slider.font.size or FONT_SIZE
        slider.update(pad=dict(t=0, b=0), currentvalue=dict(offset=pad))
        band = max(band, LINE * value + pad + SLIDER_TICKS + LINE * labels)
    fig.layout.margin.b = max(_margin(fig, "b"), int(math.ceil(below_axis + band + AUTOMARGIN_PAD)))
    plot = _plot_height(fig)
    for control in (*menus, *sliders):
        control.update(y=-below_axis / max(plot, 1), yanchor="top")


#: A y axis's tick labels need this many times their line height each, so that neighbours
#: keep a gap (log axes: their powers of ten carry superscripts).
TICK_SPACING, LOG_TICK_SPACING = 1.5, 1.9


def _fit_y_ticks(fig: go.Figure) -> None:
    """Cap the number of ticks on short y axes so that their labels cannot overlap.

    Plotly's automatic ticks put at least five on an axis whatever its length: on a plot
    area of ~110 px (a small subplot, presenter mode's larger text) their labels touch.
    Axes with ticks chosen by the figure (values, step or count) are left as they are."""
    layout, plot = fig.layout, _plot_height(fig)
    for axis in _axes(fig, "y"):
        if axis.tickvals is not None or axis.dtick is not None or axis.nticks is not None \
                or axis.tickmode in ("array", "linear"):
            continue
        lo, hi = axis.domain if axis.domain is not None else (0.0, 1.0)
        size = axis.tickfont.size or layout.font.size or FONT_SIZE
        room = LINE * size * (LOG_TICK_SPACING if axis.type == "log" else TICK_SPACING)
        fits = int(plot * (hi - lo) // room) + 1
        if fits < 6:
            axis.nticks = max(2, fits)


def _has_colorbar(fig: go.Figure) -> bool:
    return any(getattr(t, "showscale", None) is not False and t.type in _COLORBAR_TYPES
               for t in fig.data)


def _legend_entries(fig: go.Figure) -> list[str]:
    """Names the legend will show (Plotly shows a legend when two or more traces would be in it,
    or when the layout asks for it)."""
    if fig.layout.showlegend is False:
        return []
    names = []
    for trace in fig.data:
        shown = trace.showlegend
        if shown is None:
            shown = trace.type in ("scatter", "scattergl", "bar", "histogram", "box", "violin")
        if shown:
            names.append(str(trace.name if trace.name is not None else f"trace {len(names)}"))
    if len(names) < 2 and fig.layout.showlegend is not True:
        return []
    return names


def _legend_band(fig: go.Figure, width: int) -> int:
    """Height in px of the legend's band: its entries packed into rows as Plotly packs them,
    across the plot area's width (the figure's less the axes' and a colour bar's room)."""
    names = _legend_entries(fig)
    if not names:
        return 0
    size = fig.layout.legend.font.size or LEGEND_SIZE
    colorbar = _has_colorbar(fig)
    room, used, rows = width - 90 - (110 if colorbar else 0), 0.0, 1
    for name in names:
        item = 46 + EM * size * len(name)
        if used and used + item > room:
            rows, used = rows + 1, 0.0
        used += item
    if rows == 1:
        # Plotly pushes the top margin to a one-row legend's bottom edge and ~12 px beyond
        # (measured; beyond that with a colour bar): a smaller band makes it draw the whole
        # figure twice (see X_TITLE_BOTTOM). Taller legends keep the estimate below, which
        # Plotly's own push corrects.
        pad = ONE_ROW_LEGEND_PAD + (COLORBAR_LEGEND_PAD if colorbar else 0)
        return int(math.ceil(size * 1.5 + 10 + pad * size / LEGEND_SIZE))
    return int(math.ceil(rows * size * 1.5 + 6))


_COLORBAR_TYPES = ("heatmap", "contour", "histogram2d", "histogram2dcontour")


def _top_annotation_band(fig: go.Figure) -> int:
    """Room for annotations written on top of the plot's upper edge (subplot titles, the
    label of a vertical line): the legend goes above them."""
    heights = [(note.font.size or FONT_SIZE) * 1.4 * (str(note.text or "").count("<br>") + 1)
               for note in fig.layout.annotations
               # make_subplots puts the top row's titles at 0.9999999999999999
               if str(note.yref or "").endswith(("paper", "domain")) and (note.y or 0) >= 1 - 1e-9
               and note.yanchor in (None, "auto", "bottom")]
    return int(math.ceil(max(heights))) if heights else 0


def _show_contour_lines_in_legend(fig: go.Figure) -> None:
    """A contour drawn as lines only shows an empty legend entry; give it a line instead."""
    for trace in list(fig.data):
        if trace.type != "contour" or trace.showlegend is False or not trace.name:
            continue
        if trace.contours.coloring not in ("none", "lines"):
            continue
        trace.showlegend = False
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=trace.name,
                                 line=dict(color=trace.line.color or "#1A1A1A",
                                           width=trace.line.width or LINE_WIDTH,
                                           dash=trace.line.dash),
                                 hoverinfo="skip"))


# ----------------------------------------------------------------------------------------
# Point labels that collide with nothing
# ----------------------------------------------------------------------------------------

#: Text positions and the direction (dx, dy) each moves the label from its point.
POSITIONS = {"top right": (1, 1), "top left": (-1, 1), "bottom right": (1, -1),
             "bottom left": (-1, -1), "top center": (0, 1), "bottom center": (0, -1),
             "middle right": (1, 0), "middle left": (-1, 0)}


def place_labels(x: Sequence[float], y: Sequence[float], texts: Sequence[str], *,
                 x_range: Sequence[float], y_range: Sequence[float],
                 size: float = LEGEND_SIZE, plot_px: float = NARROW_WIDTH) -> dict:
    """A text trace (as a dict for ``go.Scatter``) labelling the points (x, y) with ``texts``.

    Points that coincide share one label ("(0,1) = (1,0)"); each label takes the position,
    among the eight around its point, that stays inside the plot and lies farthest from the
    other points and the labels already placed. Returned keys: x, y, text, textposition, mode,
    cliponaxis, showlegend, hoverinfo, textfont.
    """
    (x0, x1), (y0, y1) = x_range, y_range
    sx, sy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    pts = [((float(a) - x0) / sx, (float(b) - y0) / sy) for a, b in zip(x, y)]
    groups: list[tuple[tuple[float, float], list[int]]] = []
    for i, p in enumerate(pts):
        for q, members in groups:
            if math.dist(p, q) < 0.02:
                members.append(i)
                break
        else:
            groups.append((p, [i]))
    char, line = EM * size / plot_px, LINE * size / plot_px  # one glyph, one line (plot units)
    placed: list[tuple[float, float]] = []
    out: dict[str, list] = {"x": [], "y": [], "text": [], "textposition": []}
    for p, members in groups:
        text = " = ".join(str(texts[i]) for i in members)
        half_w, half_h = len(text) * char / 2, line / 2
        others = [q for q, _ in groups if q is not p] + placed
        best = max(POSITIONS, key=lambda name: _label_score(p, POSITIONS[name], half_w, half_h,
                                                             others))
        dx, dy = POSITIONS[best]
        placed.append((p[0] + dx * (half_w + 0.02), p[1] + dy * (half_h + 0.02)))
        out["x"].append(x[members[0]])
        out["y"].append(y[members[0]])
        out["text"].append(text)
        out["textposition"].append(best)
    return dict(out, mode="text", cliponaxis=False, showlegend=False, hoverinfo="skip",
                textfont=dict(size=size))


def _label_score(p: tuple[float, float], direction: tuple[int, int], half_w: float,
                 half_h: float, others: list[tuple[float, float]]) -> float:
    """Higher is better: clearance from the others, minus a large penalty for each unit the
    label's box sticks out of the plot."""
    dx, dy = direction
    cx, cy = p[0] + dx * (half_w + 0.02), p[1] + dy * (half_h + 0.02)
    outside = (max(0.0, half_w - cx) + max(0.0, cx + half_w - 1.0)
               + max(0.0, half_h - cy) + max(0.0, cy + half_h - 1.0))
    clearance = min((math.dist((cx, cy), q) for q in others), default=1.0)
    return clearance - 100.0 * outside
