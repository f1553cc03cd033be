"""Presenter mode through app.py (AppTest): ``?present=1`` turns the sidebar toggle on, scales
every chart's text, hides the intro; without it the same page reads normally. The real
browser's view of it (sidebar collapsed, nothing cut) is in tests/test_browser.py."""

from __future__ import annotations

import json

import pytest
from conftest import open_page, problems

from core.figures import style
from ui.catalog import PAGES

PAGE = PAGES[0]


def _fonts(at) -> list[float]:
    return [json.loads(chart.proto.spec)["layout"]["font"]["size"]
            for chart in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def normal():
    return open_page(PAGE.path, timeout=600)


@pytest.fixture(scope="module")
def presenting():
    return open_page(PAGE.path, {"present": "1"}, timeout=600)


def test_presenter_mode_scales_every_chart(normal, presenting):
    assert not problems(normal) and not problems(presenting)
    assert _fonts(normal) and set(_fonts(normal)) == {style.FONT_SIZE}
    assert _fonts(presenting) and all(
        f == pytest.approx(style.FONT_SIZE * style.PRESENTER_SCALE) for f in _fonts(presenting))


def test_presenter_mode_hides_the_intro_and_sets_the_toggle(normal, presenting):
    intro = [c.value for c in normal.caption if c.value not in
             {p.value for p in presenting.caption}]
    assert len(intro) == 1 and len(normal.caption) == len(presenting.caption) + 1
    assert presenting.toggle(key="hall.present").value is True
    assert normal.toggle(key="hall.present").value is False


def test_the_toggle_writes_present_into_the_link():
    at = open_page(PAGE.path, timeout=600)
    at.toggle(key="hall.present").set_value(True).run()
    assert at.query_params.get("present") in ("1", ["1"])
    assert _fonts(at) and all(
        f == pytest.approx(style.FONT_SIZE * style.PRESENTER_SCALE) for f in _fonts(at))
    at.toggle(key="hall.present").set_value(False).run()
    assert "present" not in at.query_params
