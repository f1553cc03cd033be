"""The lecture's "2 hidden layers of 30 nodes" on the universal-approximation page: how long
its training takes (the one-click preset), first with compiling, then on a compiled trainer,
with the error it reaches.

    python -m benchmarks.universal_preset

The last line is JSON: {"first_s", "compiled_s", "steps", "steps_per_s", "max_error",
"rms_error"}.
"""

from __future__ import annotations

import json
import time

from core import universal_approximation as U


def main() -> None:
    p = U.ApproxParams().replace(**U.LECTURE_PRESET)
    start = time.perf_counter()
    run = U.train_fit(p)
    first = time.perf_counter() - start
    start = time.perf_counter()
    U.train_fit(p.replace(seed=p.seed + 1))  # same structure: the compiled trainer is reused
    compiled = time.perf_counter() - start
    steps = p.epochs * -(-p.points // U.BATCH_SIZE)
    max_error, rms_error = run.errors
    print(f"2 x 30 preset: {p.epochs} epochs x {-(-p.points // U.BATCH_SIZE)} batches = "
          f"{steps} steps; first {first:.2f} s (with compiling), compiled {compiled:.2f} s; "
          f"max error {max_error:.3f}, RMS {rms_error:.3f}")
    print(json.dumps({"first_s": round(first, 2), "compiled_s": round(compiled, 2),
                      "steps": steps, "steps_per_s": round(steps / compiled),
                      "max_error": round(max_error, 3), "rms_error": round(rms_error, 3)}))


if __name__ == "__main__":
    main()
