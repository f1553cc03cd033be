"""Every chart of every page readable on the light and the dark page: not only the palette
but what each chart really draws — its markers, lines and texts on the page's background,
and on a map (a heatmap, a filled contour, a loss surface's rings) the colours chosen against
that map, left alone by the theme."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from conftest import open_page, problems

from core.figures import theme
from ui.catalog import PAGES


def _page_figures(path: str) -> list[go.Figure]:
    at = open_page(path, timeout=600)
    assert not problems(at)
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return [go.Figure(spec) for spec in specs if spec.get("data")]


def _colours(trace) -> tuple:
    return tuple(getattr(getattr(trace, part, None), "color", None)
                 for part in ("textfont", "marker", "line"))


def _drawn(trace, background: str) -> list[tuple[str, str, float]]:
    """(what, colour, contrast needed) for what ``trace`` draws on the page itself."""
    found = []
    line, marker = trace.line if "line" in trace else None, trace.marker if "marker" in \
        trace else None
    mode = getattr(trace, "mode", None) or ""
    if line is not None and isinstance(line.color, str) and "lines" in mode:
        found.append(("line", line.color, theme.GRAPHICS_CONTRAST))
    if marker is not None and isinstance(marker.color, str) and "markers" in mode:
        outline = marker.line.color if isinstance(marker.line.color, str) else None
        ringed = outline and (marker.line.width or 0) >= 1 and theme.contrast(
            outline, background) >= theme.GRAPHICS_CONTRAST
        if not ringed:
            found.append(("marker", marker.color, theme.TEXT_CONTRAST))
    if "text" in mode and isinstance(trace.textfont.color, str):
        found.append(("text", trace.textfont.color, theme.TEXT_CONTRAST))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_what_every_chart_draws_stands_out_from_its_background(page, dark):
    figures = _page_figures(page.path)
    assert figures, "the page's first view draws a chart"
    which = theme.DARK if dark else theme.LIGHT
    checked = 0
    for fig in figures:
        covered = theme._covered(fig)  # noqa: SLF001 - the rule under test
        kept = {id(t): _colours(t) for t in fig.data}
        theme.apply(fig, dark=dark)
        assert fig.layout.paper_bgcolor == which.background
        assert theme.contrast(fig.layout.font.color, which.background) >= theme.TEXT_CONTRAST
        for trace in fig.data:
            if theme._axes(trace) in covered:  # noqa: SLF001
                # over a map: the colours chosen against the map stay as they were
                assert _colours(trace) == kept[id(trace)]
                continue
            for what, colour, needed in _drawn(trace, which.background):
                if theme.parse(colour) is None or theme.parse(colour)[1] < 1:
                    continue  # translucent fills and bands are context, not content
                assert theme.contrast(colour, which.background) >= needed, \
                    (page.url_path, trace.name, what, colour)
                checked += 1
        for note in fig.layout.annotations:
            if isinstance(note.font.color, str) and note.bgcolor is None:
                assert theme.contrast(note.font.color, which.background) >= 3, note.text
    assert checked, "something on the page's background was checked"


def test_points_beside_a_surface_are_themed_and_labels_on_it_are_not():
    """The gradient-descent replay: its data points (left) were dark blue on the dark page
    while the surface's level labels (right) turned white on the light rings."""
    from core import gradient_descent as GD
    from core.figures import gradient_descent as fig_gd

    fig = fig_gd.descent_replay(GD.run(GD.GradientDescentParams()), frames=[0, 100])
    theme.apply(fig, dark=True)
    data = next(t for t in fig.data if t.name == "data")
    labels = next(t for t in fig.data if t.name == "J levels")
    assert theme.contrast(data.marker.color, theme.DARK.background) >= theme.TEXT_CONTRAST
    assert labels.textfont.color == "#1A1A1A"  # dark text on the light rings, as drawn
    # positive case: the same label colour on the page itself would have been flipped
    assert theme.themed("#1A1A1A", theme.DARK, theme.TEXT_CONTRAST) != "#1A1A1A"
