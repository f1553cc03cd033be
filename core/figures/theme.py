"""Figures that follow the page's light or dark theme, colours that keep their contrast on
either background, and a text alternative saying what a chart shows.

Applied by ``ui.layout.chart`` to every figure after :func:`core.figures.style.tidy`. The
class colours keep their hue on both themes: a line, an open marker or a text whose colour
has less than the WCAG contrast for graphics (3:1) against the background is darkened (light
theme) or lightened (dark theme) just enough; greys, which draw grids and guides, swap their
lightness on the dark theme. Heatmap colour scales are data and stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go


@dataclass(frozen=True)
class Theme:
    background: str
    text: str
    grid: str
    zeroline: str
    axis: str


LIGHT = Theme(background="#FFFFFF", text="#1A1A1A", grid="#E5E5E5", zeroline="#B0B0B0",
              axis="#404040")
#: Streamlit's dark background; text, grid and axis lines chosen for it.
DARK = Theme(background="#0E1117", text="#F0F2F6", grid="#2B2F3A", zeroline="#5A5F6B",
             axis="#B8BCC6")
#: WCAG 2.1: non-text graphics need 3:1 against their background, text 4.5:1.
GRAPHICS_CONTRAST, TEXT_CONTRAST = 3.0, 4.5


# ----------------------------------------------------------------------------------------
# Colour arithmetic (WCAG 2.1 definitions)
# ----------------------------------------------------------------------------------------

_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0)}
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")


def parse(colour: str) -> tuple[tuple[int, int, int], float] | None:
    """(r, g, b) and alpha of ``#RRGGBB``, ``#RGB``, ``rgb(...)``, ``rgba(...)``, white or
    black; None for anything else (left as it is)."""
    text = colour.strip().lower()
    if text in _NAMED:
        return _NAMED[text], 1.0
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)), 1.0
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return (int(text[1] * 2, 16), int(text[2] * 2, 16), int(text[3] * 2, 16)), 1.0
    m = _RGB.fullmatch(text)
    if m:
        r, g, b = (round(float(v)) for v in m.groups()[:3])
        return (r, g, b), float(m.group(4)) if m.group(4) is not None else 1.0
    return None


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance of an sRGB colour (0 black … 1 white)."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two opaque colours (1 … 21)."""
    pa, pb = parse(a), parse(b)
    if pa is None or pb is None:
        raise ValueError(f"contrast: cannot read colour {a!r} or {b!r}")
    hi, lo = sorted((luminance(pa[0]), luminance(pb[0])), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02X}" for c in rgb)


def is_grey(rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    return max(rgb) - min(rgb) <= tolerance


def ink(colour: str, background: str, minimum: float = GRAPHICS_CONTRAST) -> str:
    """``colour`` mixed towards black (on a light background) or white (on a dark one) in
    small steps until it has ``minimum`` contrast against ``background``; unchanged if it
    already has, or cannot be read. Alpha is kept."""
    parsed, bg = parse(colour), parse(background)
    if parsed is None or bg is None:
        return colour
    rgb, alpha = parsed
    target = 0.0 if luminance(bg[0]) > 0.18 else 255.0
    mixed: tuple[float, float, float] = tuple(float(c) for c in rgb)  # type: ignore[assignment]
    for step in range(21):
        share = step / 20
        mixed = tuple(c + (target - c) * share for c in rgb)  # type: ignore[assignment]
        if contrast(_hex(mixed), background) >= minimum:
            break
    out = _hex(mixed)
    if alpha < 1.0:
        r, g, b = (int(out[i:i + 2], 16) for i in (1, 3, 5))
        return f"rgba({r},{g},{b},{alpha:g})"
    return out if out != _hex(tuple(float(c) for c in rgb)) else colour  # type: ignore[arg-type]


def themed(colour: Any, theme: Theme, minimum: float = GRAPHICS_CONTRAST) -> Any:
    """The colour to draw ``colour`` with on ``theme``: greys swap lightness on the dark
    theme (a pale guide stays a quiet guide, black text turns white), other colours keep
    their hue and get the contrast they lack. Non-strings (arrays of colours) pass as they
    are."""
    parsed = parse(colour) if isinstance(colour, str) else None
    if parsed is None:
        return colour
    rgb, alpha = parsed
    if not is_grey(rgb):
        return ink(colour, theme.background, minimum)
    if theme is not DARK:
        return colour
    flipped = tuple(255 - c for c in rgb)
    out = (_hex(flipped) if alpha == 1.0  # type: ignore[arg-type]
           else f"rgba({flipped[0]},{flipped[1]},{flipped[2]},{alpha:g})")
    return out if luminance(rgb) > 0.5 else ink(out, theme.background, minimum)


# ----------------------------------------------------------------------------------------
# Applying a theme to a figure
# ----------------------------------------------------------------------------------------


def apply(fig: go.Figure, dark: bool = False) -> go.Figure:
    """Recolour ``fig`` in place for the light or dark page and return it: background, text,
    axes and grid from the theme; lines, markers and texts by :func:`themed`."""
    theme = DARK if dark else LIGHT
    layout = fig.layout
    # Plain attribute assignments: update_layout's path parsing costs ~10 ms a figure.
    layout.paper_bgcolor = layout.plot_bgcolor = theme.background
    layout.font.color = theme.text
    for name in layout:
        if name.startswith(("xaxis", "yaxis")):
            axis = layout[name]
            axis.gridcolor, axis.zerolinecolor, axis.linecolor = (theme.grid, theme.zeroline,
                                                                  theme.axis)
    for note in fig.layout.annotations:
        if note.font.color is not None:
            note.font.color = themed(note.font.color, theme, TEXT_CONTRAST)
        if note.arrowcolor is not None:
            note.arrowcolor = themed(note.arrowcolor, theme)
        if isinstance(note.bgcolor, str) and parse(note.bgcolor) == ((255, 255, 255), 1.0):
            note.bgcolor = theme.background
    for shape in fig.layout.shapes:
        if shape.line.color is not None:
            shape.line.color = themed(shape.line.color, theme)
    # Controls' own colours only (a transparent one hides labels on purpose: it stays so).
    fonts = [c.font for c in (*fig.layout.sliders, *fig.layout.updatemenus)]
    for font in (*fonts, *(s.currentvalue.font for s in fig.layout.sliders)):
        if font.color is not None:
            font.color = themed(font.color, theme, TEXT_CONTRAST)
    for trace in fig.data:
        if trace.type == "contour" and trace.contours.coloring not in ("lines", "none") \
                and trace.contours.labelfont.color is None:
            trace.contours.labelfont.color = LIGHT.text  # labels sit on the map's colours
    covered = _covered(fig)
    traces = (*fig.data, *(t for frame in fig.frames or () for t in frame.data))
    for trace in traces:
        # Lines, points and labels over a map keep the colours chosen against the map.
        if _axes(trace) not in covered:
            _theme_trace(trace, theme)
    return fig


def _axes(trace: Any) -> tuple[str, str]:
    return (getattr(trace, "xaxis", None) or "x", getattr(trace, "yaxis", None) or "y")


def _covered(fig: go.Figure) -> set[tuple[str, str]]:
    """The subplots (x and y axis) whose plot area a map covers: a heatmap, a filled contour,
    or filled shapes such as a loss surface's rings. The map's colours are data and stay, so
    what is drawn over it keeps the colours chosen against them."""
    return {_axes(t) for t in fig.data
            if t.type == "heatmap"
            or (t.type == "contour" and t.contours.coloring not in ("lines", "none"))
            or (t.type == "scatter" and t.fill == "toself" and t.fillcolor is not None)}


def _theme_trace(trace: Any, theme: Theme) -> None:
    props = trace._props  # noqa: SLF001 - only what is set, without building defaults
    line, marker = props.get("line") or {}, props.get("marker") or {}
    if isinstance(line.get("color"), str):
        trace.line.color = themed(line["color"], theme)
    if isinstance(marker.get("color"), str) and not _outlined(marker, theme):
        # Points are small: they get the contrast of text, not of lines.
        trace.marker.color = themed(marker["color"], theme, TEXT_CONTRAST)
    outline = marker.get("line") or {}
    if isinstance(outline.get("color"), str):
        trace.marker.line.color = _halo(outline["color"], theme)
    font = props.get("textfont") or {}
    if isinstance(font.get("color"), str):
        trace.textfont.color = themed(font["color"], theme, TEXT_CONTRAST)


def _halo(colour: str, theme: Theme) -> str:
    """A marker's outline on ``theme``: a white outline is a halo that parts the point from
    the page and from its neighbours, so it takes the page's own colour (on the dark theme a
    black ring would only blur the point); other outlines are themed like lines."""
    if parse(colour) == ((255, 255, 255), 1.0):
        return theme.background
    return themed(colour, theme)


def _outlined(marker: dict, theme: Theme) -> bool:
    """A filled marker whose outline already stands out: its fill (a class colour) may keep
    its exact shade. Widths and symbols may be per point (lists)."""
    symbols = marker.get("symbol") or "circle"
    symbols = [symbols] if isinstance(symbols, str) else list(symbols)
    outline = marker.get("line") or {}
    colour, width = outline.get("color"), outline.get("width") or 0
    widths = [width] if isinstance(width, int | float) else list(width)
    if any("open" in str(s) for s in symbols) or not isinstance(colour, str) or \
            not widths or min(widths) < 1 or parse(colour) is None:
        return False
    return contrast(_halo(colour, theme), theme.background) >= GRAPHICS_CONTRAST


# ----------------------------------------------------------------------------------------
# A text alternative
# ----------------------------------------------------------------------------------------

_SYMBOL_WORDS = {"circle": "circles", "diamond": "diamonds", "square": "squares",
                 "triangle-up": "triangles", "cross": "crosses", "star": "stars", "x": "crosses"}
_TAGS = re.compile(r"<[^>]+>")
MAX_DESCRIPTION = 220


def _plain(text: Any) -> str:
    return " ".join(_TAGS.sub(" ", str(text or "")).split())


def describe(fig: go.Figure) -> str:
    """One sentence saying what ``fig`` shows, for readers who cannot see it: its title, the
    axes, and its named series with their marker shapes ("class 1 (diamonds)"); a replay
    says how many frames it has."""
    parts = [_plain(fig.layout.title.text) or "Chart"]
    x, y = _plain(fig.layout.xaxis.title.text), _plain(fig.layout.yaxis.title.text)
    if x and y:
        parts.append(f"{y} against {x}")
    series = []
    for trace in fig.data:
        name = _plain(trace.name)
        if not name or trace.showlegend is False or name in series:
            continue
        symbol = getattr(getattr(trace, "marker", None), "symbol", None)
        mode = getattr(trace, "mode", None) or ""
        if isinstance(symbol, str) and "markers" in mode:
            base = symbol.replace("-open", "").replace("-thin", "")
            shape = _SYMBOL_WORDS.get(base, base)
            name += f" ({'open ' if 'open' in symbol else ''}{shape})"
        series.append(name)
    if series:
        parts.append("shows " + ", ".join(series))
    if fig.frames:
        parts.append(f"replayed over {len(fig.frames)} frames")
    text = parts[0] + (": " + "; ".join(parts[1:]) if parts[1:] else "") + "."
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1].rstrip() + "…"
