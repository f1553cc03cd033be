"""The dashboard's one visual language for Plotly figures.

Sized to be read from the back of a lecture hall on a projector, with the colour-blind-safe
Okabe-Ito palette, and with the same colour for the same class on every page.
"""

from __future__ import annotations

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

FONT_SIZE = 18
MARKER_SIZE = 14
LINE_WIDTH = 3

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=FONT_SIZE, color="#1A1A1A"),
        title=dict(font=dict(size=FONT_SIZE + 4), x=0.0, xanchor="left"),
        colorway=list(CLASS_COLORS),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=60, b=55),
        xaxis=dict(showgrid=True, gridcolor="#E5E5E5", zeroline=True, zerolinecolor="#B0B0B0",
                   linecolor="#404040", ticks="outside", title=dict(standoff=8), automargin=True),
        yaxis=dict(showgrid=True, gridcolor="#E5E5E5", zeroline=True, zerolinecolor="#B0B0B0",
                   linecolor="#404040", ticks="outside", title=dict(standoff=10), automargin=True),
        legend=dict(bgcolor="rgba(255,255,255,0.8)", font=dict(size=FONT_SIZE - 2)),
        hoverlabel=dict(font=dict(size=FONT_SIZE - 2)),
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
