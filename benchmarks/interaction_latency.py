"""Click latency on the Playground: a fixed-seed random walk of single-control changes.

In one warm, server-like process (the start-up warm-up of ``ui/catalog.py`` done, the page
visited once), a session changes one control at a time as a lecturer and students would:
activation (all offered), depth 0–6, a layer's width, optimizer, loss, regularisation and its
rate, dropout, data set, an input feature, learning rate, seed, batch size 1–30, and the
lecture's presets. Every change is a rerun through Streamlit's AppTest (app.py's router),
timed from the change to

* the first picture: the page's main picture drawn (``ui.live.mark``): the untrained
  network of a streamed run, or the finished one from the cache;
* finished: the rerun done (every chart and metric of the finished run on the page).

Steps are split by whether they compiled a new trainer (a new structure). The result cache
is shared as on a server, so a configuration visited again is answered from it. Then, in the
same process, the engine's throughput against NumPy (benchmarks.training_speed's measure)
and the growth of resident memory over the walk.

    python -m benchmarks.interaction_latency [--steps N]

The last line is JSON: first_picture_p50_s, first_picture_p95_s, finished_p50_s,
finished_p95_s, finished_max_s, new_structure_finished_p95_s, batch5_finished_p95_s,
engine_vs_numpy, rss_growth_mb and more.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["DASHBOARD_WARM_UP"] = "0"  # the warm-up runs here, in the foreground, first

from benchmarks import training_speed  # noqa: E402
from benchmarks.memory_soak import rss_mb  # noqa: E402
from core import activations, engine, optimizers  # noqa: E402
from core import playground as pg  # noqa: E402
from ui import live, server  # noqa: E402
from ui.catalog import PAGES  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/playground.py"
STEPS, SEED, TIMEOUT = 40, 11, 300
#: The walk's controls and the values it draws from (the widget kinds AppTest sets).
CHOICES = {
    "activation": ("selectbox", tuple(activations.ACTIVATIONS)),
    "optimizer": ("selectbox", tuple(optimizers.OPTIMIZERS)),
    "loss": ("selectbox", tuple(pg.LOSSES)),
    "regularization": ("selectbox", pg.REGULARIZATIONS),
    "regularization_rate": ("select_slider", pg.REGULARIZATION_RATES),
    "dropout": ("select_slider", pg.DROPOUTS),
    "dataset": ("selectbox", ("circle", "xor", "gauss", "spiral", "checkerboard", "moons",
                             "three_blobs", "plane")),
    "learning_rate": ("select_slider", pg.LEARNING_RATES),
    "batch_size": ("slider", tuple(range(1, 31))),
    "seed": ("number_input", tuple(range(0, 100))),
    "hidden_units.n": ("number_input", tuple(range(0, 7))),
    "hidden_units.0": ("number_input", tuple(range(1, 9))),
    **{name: ("toggle", (False, True)) for name in pg.FEATURE_NAMES},
}
PRESET = "preset"


@dataclass
class Step:
    what: str
    first_s: float
    finished_s: float
    compiled: bool
    batch_size: int


def _widget(at, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


def _change(at, rng: np.random.Generator) -> str:
    """Make one single-control change (not yet run); returns what changed."""
    names = [*CHOICES, PRESET]
    name = names[int(rng.integers(len(names)))]
    if name == PRESET:
        buttons = [b for b in at.button if (b.key or "").startswith("playground.preset.")]
        button = buttons[int(rng.integers(len(buttons)))]
        button.click()
        return f"preset {button.label}"
    kind, values = CHOICES[name]
    key = f"playground.{name}"
    try:
        widget = _widget(at, kind, key)
    except StopIteration:  # not drawn now (loss only for classification, no layer 0)
        return _change(at, rng)
    options = [v for v in values if v != widget.value]
    value = options[int(rng.integers(len(options)))]
    widget.set_value(value)
    return f"{name}={value}"


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3) if values else float("nan")


def warm_up() -> float:
    """The server's start-up warm-up (ui.server.start_warm_up's targets), in the foreground."""
    start = time.perf_counter()
    for page in PAGES:
        if page.warm_up:
            module, _, function = page.warm_up.partition(":")
            getattr(importlib.import_module(module), function)()
    server.freeze_warm_objects()  # as the server's warm-up thread does last
    return time.perf_counter() - start


def walk(steps: int) -> tuple[list[Step], float]:
    """The random walk; returns its steps and the RSS growth (MB) over it."""
    from streamlit.testing.v1 import AppTest

    marks: list[float] = []
    live.OBSERVERS.append(lambda event: marks.append(time.perf_counter()))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE)
    at.run()  # the first visit, not measured
    gc.collect()
    start_mb = rss_mb()
    rng = np.random.default_rng(SEED)
    out = []
    for _ in range(steps):
        what = _change(at, rng)
        builds, marks[:] = engine.TRAINERS.builds, []
        start = time.perf_counter()
        at.run()
        finished = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{what}: {at.exception[0].value}")
        first = marks[0] - start if marks else finished
        batch = int(at.session_state["playground.batch_size"])
        out.append(Step(what, first, finished, engine.TRAINERS.builds > builds, batch))
        print(f"{what:38.38s} {first:7.2f} {finished:9.2f} {'new' if out[-1].compiled else '':>9s}",
              flush=True)
    gc.collect()
    return out, rss_mb() - start_mb


def engine_vs_numpy() -> float:
    """benchmarks.training_speed's ratio, measured in this process after the walk."""
    x, y = training_speed._data()
    net = engine.Network(2, (8, 8), "tanh", 1, "tanh")
    fit = engine.Training("mse", "sgd", training_speed.RATE, training_speed.BATCH,
                          training_speed.EPOCHS, seed=training_speed.SEED)
    data = engine.Data(x, y)
    engine.train(net, fit, data)
    engine_s = training_speed._best(lambda: engine.train(net, fit, data))
    numpy_s = training_speed._best(lambda: training_speed.numpy_sgd(x, y, training_speed.EPOCHS))
    return numpy_s / engine_s


def summary(steps: list[Step]) -> dict[str, float]:
    first = [s.first_s for s in steps]
    done = [s.finished_s for s in steps]
    new = [s.finished_s for s in steps if s.compiled]
    reused = [s.finished_s for s in steps if not s.compiled]
    big_batch = [s.finished_s for s in steps if s.batch_size >= 5]
    return {
        "steps": len(steps), "new_structure_steps": len(new),
        "first_picture_p50_s": _p(first, 50), "first_picture_p95_s": _p(first, 95),
        "first_picture_max_s": _p(first, 100),
        "new_structure_first_picture_p95_s": _p([s.first_s for s in steps if s.compiled], 95),
        "finished_p50_s": _p(done, 50), "finished_p95_s": _p(done, 95),
        "finished_max_s": _p(done, 100),
        "new_structure_finished_p50_s": _p(new, 50), "new_structure_finished_p95_s": _p(new, 95),
        "reused_finished_p50_s": _p(reused, 50), "reused_finished_p95_s": _p(reused, 95),
        "batch5_finished_p95_s": _p(big_batch, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--no-warm-up", action="store_true",
                        help="skip the start-up warm-up (a quick check of the walk only)")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warm_s = 0.0 if args.no_warm_up else warm_up()
    print(f"start-up warm-up: {warm_s:.1f} s, {engine.compiled_trainers()} trainers compiled")
    print(f"{'change':38s} {'first s':>7s} {'finished s':>9s} {'structure':>9s}")
    steps, growth = walk(args.steps)
    result = summary(steps)
    result["engine_vs_numpy"] = round(engine_vs_numpy(), 3)
    result["rss_growth_mb"] = round(growth, 1)
    result["warm_up_s"] = round(warm_s, 1)
    print("\n" + "\n".join(f"{k:36s} {v}" for k, v in result.items()))
    print("targets: first picture p95 < 0.5 s; finished p95 < 1.5 s (batch >= 5), "
          "< 4 s (any); engine_vs_numpy >= 0.5; rss growth < 100 MB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
