"""A lecture hall on one server: N students at once, through real websockets.

Starts ``streamlit run app.py`` (headless, loopback, a free port) and lets N simulated
students work at the same time. Each opens a page of ui/catalog.py, then every 2-5 s opens
it again with other parameters, the way a link with a new query string does (the pages read
their parameters from the link on a session's first visit, so each change is a fresh
session of the real protocol: connect to /_stcore/stream, ``rerun_script`` with the page and
the query string, deltas until ``script_finished``). The parameters come from a shared pool
per page (benchmarks.variants: the defaults and variants of them, many of them structure
changes such as a new activation, depth or optimizer), drawn so that popular settings
repeat across students and the rest are new.

Measured per change: seconds from the request to ``script_finished``. Errors: exception
elements, the guard's "Something went wrong", error messages a quiet single-session run of
the same parameters does not show, dropped connections, timeouts. Mismatches: a run whose
chart data (Plotly ``data``, parsed) differs from a single-session run of the same
parameters on a fresh server. Peak RSS: the server's resident memory (with children),
sampled every 0.25 s, and its kernel high-water mark.

    python -m benchmarks.load                # N = 10 and N = 30, about 5 minutes
    python -m benchmarks.load --sessions 10 --seconds 30 --pool 4

Before the first hall, each page's cached defaults are opened three times, one at a time, and
the server's CPU seconds per visit are reported (``cached_visit_cpu_s``): what any visit
costs the one interpreter that all visits share, even when nothing is trained.

The last line is JSON: {"n10": {...}, "n30": {...}, "alone": {...}, "cached_visit_cpu_s":
{page: s}}: per N the runs, p50_s, p95_s, max_s, errors, mismatches, peak_rss_mb,
distinct_links, a few example problems and the load average; "alone" is the references'
own timing (one student on a quiet server, uncached), the yardstick for what the hall adds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import parse_qsl

import numpy as np

from benchmarks import live, variants
from ui.catalog import PAGES

THINK_S = (2.0, 5.0)
POPULAR = 3  # the first links of a page's pool (defaults first) that students share most
TIMEOUT_S = 300.0


def page_pools(port: int, pool: int) -> tuple[dict[str, list[dict[str, str]]], dict[str, float]]:
    """Open every page once with its defaults (as the lecturer does before class) and draw
    ``pool`` links per page from the link each page writes; returns the pools and the
    seconds each first visit took."""
    pools, first = {}, {}
    for i, page in enumerate(PAGES):
        seen = asyncio.run(live.visit(port, page.url_path, {}, TIMEOUT_S))
        if not seen.finished:
            raise RuntimeError(f"{page.url_path} did not open: {seen.failure}")
        first[page.url_path] = round(seen.seconds, 2)
        pools[page.url_path] = variants.query_sets(dict(parse_qsl(seen.final_query)), pool,
                                                   seed=100 + i)
    return pools, first


async def student(port: int, index: int, pools: dict[str, list[dict[str, str]]],
                  deadline: float, visits: list[live.Visit]) -> None:
    """One student: a page, then a change every few seconds until ``deadline``."""
    rng = np.random.default_rng(index)
    names = list(pools)
    page = names[index % len(names)]
    query = pools[page][0]
    while time.perf_counter() < deadline:
        visits.append(await live.visit(port, page, query, TIMEOUT_S))
        await asyncio.sleep(float(rng.uniform(*THINK_S)))
        if rng.random() < 0.2:
            page = names[int(rng.integers(len(names)))]
        pool = pools[page]
        top = POPULAR if rng.random() < 0.5 else len(pool)
        query = pool[int(rng.integers(min(top, len(pool))))]


async def hall(port: int, sessions: int, seconds: float,
               pools: dict[str, list[dict[str, str]]]) -> list[live.Visit]:
    """``sessions`` students at once for ``seconds`` (runs in flight are awaited)."""
    visits: list[live.Visit] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(student(port, i, pools, deadline, visits) for i in range(sessions)))
    return visits


def _key(page: str, query: dict[str, str]) -> tuple:
    return page, tuple(sorted(query.items()))


def references(port: int, wanted: set[tuple]) -> dict[tuple, live.Visit]:
    """Each distinct (page, link) opened alone, one after another, on a quiet server."""
    out = {}
    for page, items in sorted(wanted):
        out[(page, items)] = asyncio.run(live.visit(port, page, dict(items), TIMEOUT_S))
    return out


def summarise(visits: list[live.Visit], refs: dict[tuple, live.Visit],
              peak_rss_mb: float) -> dict:
    """Latency percentiles, errors (with a few examples) and mismatches of one phase."""
    times = np.array([v.seconds for v in visits if v.finished]) if visits else np.zeros(0)
    errors, mismatches, examples = 0, 0, []
    for v in visits:
        ref = refs.get(_key(v.page, v.query))
        expected = set(ref.error_alerts) if ref is not None and ref.finished else set()
        problems = [v.failure] if v.failure else []
        problems += v.exceptions + v.guard_messages
        problems += [a for a in v.error_alerts if a not in expected and live.GUARD_TEXT not in a]
        errors += len(problems)
        if problems and len(examples) < 5:
            examples.append(f"{v.page}: {problems[0][:160]}")
        if v.finished and ref is not None and ref.finished and not live.same_data(
                v.chart_data(), ref.chart_data()):
            mismatches += 1
            if len(examples) < 5:
                examples.append(f"{v.page}: chart data differs for {dict(v.query)}")
    pct = (lambda q: round(float(np.percentile(times, q)), 2)) if times.size else (lambda q: None)
    return {"runs": len(visits), "p50_s": pct(50), "p95_s": pct(95), "max_s": pct(100),
            "errors": errors, "mismatches": mismatches, "peak_rss_mb": round(peak_rss_mb),
            "distinct_links": len({_key(v.page, v.query) for v in visits}),
            "examples": examples}


def cached_visit_cpu(server: live.Server, repeats: int = 3) -> dict[str, float]:
    """The server's CPU seconds per visit of each page's cached defaults, one visit at a
    time: the work every student's visit costs even when nothing is trained, which visits
    share through one interpreter."""
    out = {}
    for page in PAGES:
        before = server.cpu_s()
        for _ in range(repeats):
            asyncio.run(live.visit(server.port, page.url_path, {}, TIMEOUT_S))
        out[page.url_path] = round((server.cpu_s() - before) / repeats, 2)
    return out


def phase(sessions: int, seconds: float, pool: int, port: int, *, measure_cpu: bool = False
          ) -> tuple[list[live.Visit], dict]:
    """A fresh server with its warm-up, the lecturer's first visits, then (once the warm-up
    has finished, as on a server opened before class) the hall."""
    with live.Server(port) as server:
        server.wait_healthy()
        pools, first = page_pools(server.port, pool)
        settled = server.wait_idle()
        cpu = cached_visit_cpu(server) if measure_cpu else {}
        visits = asyncio.run(hall(server.port, sessions, seconds, pools))
        return visits, {"peak_rss_mb": server.peak_rss_mb(), "first_visit_s": first,
                        "settle_s": round(settled, 1), "load_average": live.load_average(),
                        "cached_visit_cpu_s": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10,30", help="comma-separated N (default 10,30)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--pool", type=int, default=8, help="links per page")
    parser.add_argument("--port", type=int, default=0, help="server port (default: free)")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",")]
    port = args.port or live.free_port()
    phases = {}
    for n in counts:
        print(f"N = {n}: {args.seconds:.0f} s of changes…", flush=True)
        phases[n] = phase(n, args.seconds, args.pool, port, measure_cpu=n == counts[0])
    wanted = {_key(v.page, v.query) for visits, _ in phases.values() for v in visits}
    print(f"references: {len(wanted)} links, one at a time on a fresh server…", flush=True)
    with live.Server(port, warm_up=False) as server:
        server.wait_healthy()
        refs = references(server.port, wanted)
    report = {f"n{n}": {**summarise(visits, refs, info["peak_rss_mb"]),
                        "load_average": info["load_average"]}
              for n, (visits, info) in phases.items()}
    report["cached_visit_cpu_s"] = phases[counts[0]][1]["cached_visit_cpu_s"]
    alone = [v.seconds for v in refs.values() if v.finished]
    report["alone"] = {"runs": len(alone),
                       "p50_s": round(float(np.percentile(alone, 50)), 2) if alone else None,
                       "max_s": round(max(alone), 2) if alone else None}
    print(f"{'N':>3s} {'runs':>5s} {'links':>5s} {'p50 s':>6s} {'p95 s':>6s} {'max s':>6s} "
          f"{'errors':>6s} {'mismatch':>8s} {'peak RSS MB':>11s}  load average")
    for n in counts:
        r = report[f"n{n}"]
        p50, p95, top = (f"{r[k]:6.2f}" if r[k] is not None else "     -"
                         for k in ("p50_s", "p95_s", "max_s"))
        print(f"{n:3d} {r['runs']:5d} {r['distinct_links']:5d} {p50} {p95} {top} "
              f"{r['errors']:6d} {r['mismatches']:8d} {r['peak_rss_mb']:11d}  "
              f"{r['load_average']}")
        for line in r["examples"]:
            print(f"    {line}")
    print(f"one student alone (the references, uncached): p50 {report['alone']['p50_s']} s, "
          f"max {report['alone']['max_s']} s over {report['alone']['runs']} links")
    print("first visits (s): " + ", ".join(f"{k} {v}" for k, v in phases[counts[0]][1][
        "first_visit_s"].items()))
    print("server CPU per visit of a page's cached defaults (s): " + ", ".join(
        f"{k} {v}" for k, v in report["cached_visit_cpu_s"].items()))
    print("targets: 0 errors, 0 mismatches, peak RSS < 1500 MB, p95 < 10 s at N = 30")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
