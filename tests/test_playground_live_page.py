"""The Playground page streaming a run (AppTest through app.py): an uncached configuration
draws its picture first live, then finished; the final page holds the finished run (the same
numbers as the core's unstreamed run), no progress bar or status left over; a configuration
seen before is answered from the cache with one drawing and no training."""

from __future__ import annotations

import base64
import json

import numpy as np
from conftest import open_page, problems

from core import engine
from core import playground as pg
from ui import live

PAGE = "pages/playground.py"


def _spec(at, title_word: str) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        if title_word in title:
            return spec
    raise AssertionError(f"no chart titled with {title_word!r}")


def test_a_streamed_run_ends_as_the_finished_run_and_is_then_cached() -> None:
    pictures: list[str] = []
    live.OBSERVERS.append(pictures.append)
    try:
        query = {"epochs": "37", "seed": "41", "activation": "relu"}
        at = open_page(PAGE, query)
        assert not problems(at)
        # The first picture (untrained network) came before the finished one.
        assert len(pictures) >= 2
        assert next(m.value for m in at.metric if m.label == "epoch") == "37"
        assert not at.get("progress") and not at.get("status")  # nothing left of the stream
        replay = _spec(at, "Output after epoch 37")
        assert len(replay["frames"]) > 1 and replay["layout"]["updatemenus"]  # the replay
        expected = pg.run(pg.PlaygroundParams(epochs=37, seed=41, activation="relu"))
        loss = _spec(at, "Loss")
        training = next(t for t in loss["data"] if t.get("name") == "training")
        y = training["y"]
        values = (np.frombuffer(base64.b64decode(y["bdata"]), y["dtype"])
                  if isinstance(y, dict) else np.asarray(y))
        np.testing.assert_allclose(values, expected.result.history["loss"], rtol=1e-6)

        pictures.clear()
        builds = engine.TRAINERS.builds
        again = open_page(PAGE, query)  # another session, the same settings: the cache
        assert pictures == ["picture"]  # drawn once, finished at once
        assert engine.TRAINERS.builds == builds
        assert _spec(again, "Output after epoch 37")["frames"] == replay["frames"]
    finally:
        live.OBSERVERS.remove(pictures.append)


def _chart_keys(monkeypatch, query: dict, *, redraw_every_chunk: bool) -> list[str]:
    """The keys of the charts the page draws for an uncached ``query``, in order."""
    from ui import layout

    keys: list[str] = []
    draw = layout.chart

    def recording(figure, key, *args, **kwargs):
        keys.append(key)
        return draw(figure, key, *args, **kwargs)

    monkeypatch.setattr(layout, "chart", recording)
    if redraw_every_chunk:
        monkeypatch.setattr(live.Pace, "due", lambda self, done=None: True)
    assert not problems(open_page(PAGE, query))
    return keys


def test_the_untrained_picture_leaves_the_loss_chart_to_the_first_trained_epochs(
        monkeypatch) -> None:
    # Before any epoch there is no loss to draw: the live picture is the output alone, and the
    # loss chart is drawn once, finished (an empty chart would cost the browser a full draw).
    keys = _chart_keys(monkeypatch, {"epochs": "23", "seed": "42"}, redraw_every_chunk=False)
    assert keys[0] == "playground.chart.replay.live0"
    assert "playground.chart.loss.live0" not in keys
    assert keys.count("playground.chart.loss") == 1


def test_live_redraws_after_the_first_epochs_show_the_loss_so_far(monkeypatch) -> None:
    keys = _chart_keys(monkeypatch, {"epochs": "23", "seed": "43"}, redraw_every_chunk=True)
    live_losses = [k for k in keys if k.startswith("playground.chart.loss.live")]
    assert live_losses and "playground.chart.loss.live0" not in live_losses
    assert keys.count("playground.chart.loss") == 1
