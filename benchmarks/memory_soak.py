"""Memory over a lecture's worth of trainings.

Trains 200 distinct configurations, of the kinds the pages produce (1-4 hidden layers of
1-16 units, Playground's four activations, several learning, L1 and L2 rates, seeds, batch
sizes), and reports how much the process's resident memory grew after a warm-up of 20
trainings.

    python -m benchmarks.memory_soak

The last line is JSON: rss_growth_mb and trainings.
"""

from __future__ import annotations

import gc
import json
import time

import numpy as np

from core import datasets, engine

TRAININGS, WARM_UP, EPOCHS = 200, 20, 20


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def configurations(count: int, seed: int = 2026) -> list[tuple[engine.Network, engine.Training]]:
    """``count`` distinct (network, training) pairs drawn at random."""
    rng = np.random.default_rng(seed)
    seen: set = set()
    out = []
    while len(out) < count:
        depth = int(rng.integers(1, 5))
        net = engine.Network(
            2, tuple(int(w) for w in rng.integers(1, 17, depth)),
            str(rng.choice(["relu", "tanh", "sigmoid", "linear"])), 1, "tanh")
        fit = engine.Training(
            "half_mse", "sgd", float(rng.choice([0.003, 0.01, 0.03, 0.1, 0.3])),
            int(rng.choice([1, 10, 30])), EPOCHS,
            l1_rate=float(rng.choice([0.0, 0.001])), l2_rate=float(rng.choice([0.0, 0.001, 0.01])),
            seed=int(rng.integers(0, 1000)))
        if (net, fit) not in seen:
            seen.add((net, fit))
            out.append((net, fit))
    return out


def main() -> None:
    ds = datasets.generate("circle", 200, 0.1, np.random.default_rng(0))
    data = engine.Data(ds.x / 6.0, np.where(ds.y == 1, 1.0, -1.0))
    configs = configurations(TRAININGS)
    start_mb = rss_mb()
    base_mb = start_mb
    start = time.perf_counter()
    print(f"{'trainings':>9s} {'rss MB':>8s} {'compiled trainers':>18s}")
    for i, (net, fit) in enumerate(configs, 1):
        engine.train(net, fit, data)
        if i == WARM_UP:
            gc.collect()
            base_mb = rss_mb()
        if i % 20 == 0:
            print(f"{i:9d} {rss_mb():8.1f} {engine.compiled_trainers():18d}")
    gc.collect()
    growth = rss_mb() - base_mb
    print(f"start {start_mb:.0f} MB, after warm-up {base_mb:.0f} MB, end {rss_mb():.0f} MB, "
          f"{time.perf_counter() - start:.1f} s")
    print(json.dumps({"rss_growth_mb": round(growth, 1), "trainings": TRAININGS,
                      "warm_up": WARM_UP, "compiled_trainers": engine.compiled_trainers()}))


if __name__ == "__main__":
    main()
