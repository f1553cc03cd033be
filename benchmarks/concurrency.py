"""A hall pressing "train" at once: how many trainers per structure, and does one cache miss
asked for by many sessions train once?

Part 1, the pool: 30 runs of the Playground's default structure with 30 distinct seeds start
at the same instant in one process (threads, as Streamlit runs sessions), after the
server's warm-up has compiled one trainer. Each pool size runs in a fresh process:
``TRAINERS_PER_STRUCTURE`` 1, 2 and 3 with ``MAX_TRAININGS`` slots of 2, 2 and 3. Reported:
wall time, p50 / p95 / max time from the start to a run's result, peak resident memory
of the process, trainers compiled, most runs training at once.

Part 2, the same configuration: 10 sessions ask the cached page function (ui.layout.cached,
i.e. ``st.cache_data``) for the same uncached Playground configuration at once: how many
trainings ran, and how long the last caller waited; then 10 ask the core function itself
(no cache, as the streamed Playground page trains), where the engine shares the run.

    python -m benchmarks.concurrency

Part 3, two trainers of one structure in parallel: runs per second and CPU per second with
one thread and with two.

Part 4, the work cap in seconds: one wide run at a tenth of ``MAX_WORK``.

The last line is JSON: {"pool1": {...}, "pool2": {...}, "pool3": {...}, "dedupe": {...},
"parallel": {...}, "cap": {...}}.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time

import numpy as np

RUNS, SAME = 30, 10
#: (trainers per structure, training slots) of each measured design.
DESIGNS = {"pool1": (1, 2), "pool2": (2, 2), "pool3": (3, 3)}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def at_once(calls: list) -> tuple[float, list[float]]:
    """Run every call in its own thread, all released together; wall time and each call's
    seconds from the release to its result."""
    barrier = threading.Barrier(len(calls) + 1)
    times: list[float] = [0.0] * len(calls)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        try:
            calls[i]()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)
        times[i] = time.perf_counter() - start

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start, times


def pool_child(per_structure: int, slots: int) -> dict:
    """Part 1 in this process, with the engine's pool and slots set as asked."""
    from core import playground as pg
    from core.engine import run as engine_run
    from core.engine.pool import Pools
    from core.engine.slots import TrainingSlots
    from core.engine.trainer import Trainer
    from core.limits import MAX_TRAINERS

    engine_run.TRAINERS = Pools(Trainer, per_structure, MAX_TRAINERS)
    engine_run.SLOTS = TrainingSlots(slots)
    p = pg.PlaygroundParams()
    pg.run(p)  # the server's warm-up: TensorFlow loaded, one trainer compiled
    alone = time.perf_counter()
    pg.run(p.replace(seed=99_999))
    alone = time.perf_counter() - alone
    wall, times = at_once([lambda s=s: pg.run(p.replace(seed=1000 + s)) for s in range(RUNS)])
    return {"trainers_per_structure": per_structure, "slots": slots, "runs": RUNS,
            "one_run_alone_s": round(alone, 2), "wall_s": round(wall, 1),
            "p50_s": round(float(np.percentile(times, 50)), 1),
            "p95_s": round(float(np.percentile(times, 95)), 1),
            "max_s": round(max(times), 1), "peak_rss_mb": round(peak_rss_mb()),
            "trainers_compiled": engine_run.TRAINERS.builds,
            "most_at_once": engine_run.SLOTS.peak}


def dedupe_child() -> dict:
    """Part 2 in this process: the page's cached function, asked by SAME threads at once."""
    os.environ.setdefault("DASHBOARD_WARM_UP", "0")
    from core import engine
    from core import playground as pg
    from ui import layout

    train = layout.cached(pg.run, max_entries=48, spinner=False)
    p = pg.PlaygroundParams()
    train(p)  # compiled and cached once; the measured configuration is a new seed
    before = engine.SLOTS.served
    wall, times = at_once([lambda: train(p.replace(seed=4242))] * SAME)
    cached = {"requests": SAME, "trainings": engine.SLOTS.served - before,
              "wall_s": round(wall, 2), "max_s": round(max(times), 2)}
    # The streamed Playground computes outside st.cache_data: the engine shares the run.
    before = engine.SLOTS.served
    wall, times = at_once([lambda: pg.run(p.replace(seed=4243))] * SAME)
    return {**cached, "uncached_path_trainings": engine.SLOTS.served - before,
            "uncached_path_max_s": round(max(times), 2)}


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def parallel_child() -> dict:
    """Part 3, whether two trainers of one structure really train in parallel: three runs
    on one thread, then three on each of two threads (two trainers), with the CPU time the
    process got. Two loops that TensorFlow ran one after the other would get no more CPU
    per second than one; a busy machine slows both designs alike."""
    from core import engine
    from core import playground as pg

    p = pg.PlaygroundParams()
    at_once([lambda: pg.run(p.replace(seed=1)), lambda: pg.run(p.replace(seed=2))])
    out = {"trainers": engine.compiled_trainers()}
    for threads in (1, 2):
        cpu, start = cpu_seconds(), time.perf_counter()
        at_once([lambda k=k: [pg.run(p.replace(seed=100 + 10 * k + j)) for j in range(3)]
                 for k in range(threads)])
        wall = time.perf_counter() - start
        out[f"threads{threads}"] = {"runs": 3 * threads, "wall_s": round(wall, 2),
                                    "cpu_per_wall": round((cpu_seconds() - cpu) / wall, 2),
                                    "runs_per_s": round(3 * threads / wall, 3)}
    return out


def cap_child() -> dict:
    """Part 4: what MAX_WORK means in seconds: a wide network (1-128-128-1, 16,897
    parameters) on 200 points for a tenth of MAX_WORK, alone on the machine; the run at the
    cap takes about ten times as long (the work of a network this wide is its time)."""
    from core import engine
    from core.limits import MAX_WORK

    net = engine.Network(1, (128, 128), "tanh")
    x = np.linspace(-1, 1, 200)[:, None]
    data = engine.Data(x, np.sin(3 * x))
    epochs = MAX_WORK // 10 // (200 * engine.budget.parameters(net))
    fit = engine.Training(batch_size=32, epochs=int(epochs))
    engine.train(net, engine.Training(batch_size=32, epochs=1), data)  # compile first
    start = time.perf_counter()
    engine.train(net, fit, data)
    tenth = time.perf_counter() - start
    return {"max_work": MAX_WORK, "tenth_epochs": int(epochs), "tenth_s": round(tenth, 1),
            "at_cap_s_estimate": round(10 * tenth)}


def child(args: list[str]) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    children = {"dedupe": dedupe_child, "cap": cap_child, "parallel": parallel_child}
    result = pool_child(*DESIGNS[args[0]]) if args[0] in DESIGNS else children[args[0]]()
    print(json.dumps(result))


def run_child(name: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.concurrency", "--child", name],
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results = {}
    print(f"{'design':8s} {'per structure':>13s} {'slots':>5s} {'alone s':>7s} {'wall s':>6s} "
          f"{'p50 s':>5s} {'p95 s':>5s} {'max s':>5s} {'peak MB':>7s} {'compiled':>8s}")
    for name in DESIGNS:
        r = results[name] = run_child(name)
        print(f"{name:8s} {r['trainers_per_structure']:13d} {r['slots']:5d} "
              f"{r['one_run_alone_s']:7.2f} {r['wall_s']:6.1f} {r['p50_s']:5.1f} "
              f"{r['p95_s']:5.1f} {r['max_s']:5.1f} {r['peak_rss_mb']:7d} "
              f"{r['trainers_compiled']:8d}", flush=True)
    d = results["dedupe"] = run_child("dedupe")
    print(f"{d['requests']} identical uncached requests at once: {d['trainings']} training(s) "
          f"through st.cache_data (the last answered after {d['max_s']} s), "
          f"{d['uncached_path_trainings']} straight through the engine (as the streamed "
          f"Playground does; {d['uncached_path_max_s']} s)")
    q = results["parallel"] = run_child("parallel")
    print(f"one structure, two trainers: 1 thread {q['threads1']['runs_per_s']} runs/s at "
          f"{q['threads1']['cpu_per_wall']} CPU, 2 threads {q['threads2']['runs_per_s']} runs/s "
          f"at {q['threads2']['cpu_per_wall']} CPU")
    c = results["cap"] = run_child("cap")
    print(f"a tenth of MAX_WORK ({c['tenth_epochs']} epochs of 1-128-128-1 on 200 points): "
          f"{c['tenth_s']} s, so about {c['at_cap_s_estimate']} s at the cap")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
    else:
        main()
