"""The overfitting page's long runs: the lecture's four-run overtraining exercise (1000 epochs
each, the Playground's data and batch size), the default view's three 1-D capacities, and one
sweep point.

The exercise is timed twice: the first time includes compiling its trainer (the server's
warm-up does that at start), the second is what a click costs on a running server.

    python -m benchmarks.overtraining

The last line is JSON.
"""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    from core import overfitting as of
    from core import overfitting_sweeps as sweeps
    from core import overtraining as ot
    from core import playground as pg

    exercise = ot.ExerciseParams()

    def all_four() -> None:
        for name in ot.STEP_NAMES:
            ot.run_step(exercise, name)

    first = _timed(all_four)
    per_run: dict[str, float] = {}
    warm = _timed(lambda: per_run.update(
        {name: _timed(lambda n=name: ot.run_step(exercise, n)) for name in ot.STEP_NAMES}))
    plain = exercise.steps()["plain"]
    n_train = len(pg.make_data(plain)[0])
    steps_per_run = exercise.epochs_2d * -(-n_train // plain.batch_size)
    p = of.OverfitParams()
    for which in of.CAPACITIES:  # compile once, then time as a running server would
        of.fit_capacity(p, which)
    capacities = _timed(lambda: [of.fit_capacity(p, w) for w in of.CAPACITIES])
    point = _timed(lambda: sweeps.rate_point(p, "l2", 1e-3, 0))
    n_sweep = ((len(sweeps.SWEEP_RATES["l2"]) + len(sweeps.SWEEP_WIDTHS))
               * sweeps.SweepParams().seeds)
    result = {
        "exercise_four_runs_s": round(warm, 2),
        "exercise_four_runs_first_s": round(first, 2),
        "exercise_per_run_s": {k: round(v, 2) for k, v in per_run.items()},
        "exercise_epochs": exercise.epochs_2d,
        "exercise_steps_per_run": steps_per_run,
        "default_view_three_fits_s": round(capacities, 2),
        "sweep_point_s": round(point, 3),
        "sweep_runs_default": n_sweep,
    }
    print(f"exercise, four runs of {exercise.epochs_2d} epochs: {warm:.2f} s "
          f"(first, with compiling: {first:.2f} s)")
    print(f"default view, three 1-D fits of {p.epochs} epochs: {capacities:.2f} s")
    print(f"one sweep point: {point:.3f} s; a default sweep trains {n_sweep} of them")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
