"""A long-lived server: its memory over 300 distinct parameter sets on every page.

Starts ``streamlit run app.py`` (headless, loopback, a free port, with its warm-up) and
opens the pages of ui/catalog.py in turn, each time with a parameter set not seen before
(benchmarks.variants: variants of the page's defaults, most of them structure changes such as
another activation, depth, width, optimizer or data set, which compile new trainers), two
visitors at a time through Streamlit's websocket protocol. The server's resident memory
(with its children) is printed every 25 sets; it must level off below 1.5 GB as the bounded
caches (results, compiled trainers, sessions) fill and then recycle.

    python -m benchmarks.soak [--sets 300] [--visitors 2]

The last line is JSON: sets, the RSS curve, peak_rss_mb, growth_last_third_mb (RSS at the
end minus RSS after two thirds of the sets), errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from urllib.parse import parse_qsl

from benchmarks import live, variants
from ui.catalog import PAGES

EVERY = 25
TIMEOUT_S = 120.0


def plan(port: int, sets: int) -> list[tuple[str, dict[str, str]]]:
    """``sets`` distinct (page, link) pairs, pages taking turns, defaults first."""
    per_page = math.ceil(sets / len(PAGES))
    pools = []
    for i, page in enumerate(PAGES):
        seen = asyncio.run(live.visit(port, page.url_path, {}, TIMEOUT_S))
        if not seen.finished:
            raise RuntimeError(f"{page.url_path} did not open: {seen.failure}")
        pools.append([(page.url_path, q) for q in variants.query_sets(
            dict(parse_qsl(seen.final_query)), per_page, seed=200 + i, structure_share=0.6)])
    rounds = [pool[j] for j in range(per_page) for pool in pools if j < len(pool)]
    return rounds[:sets]


async def soak(server: live.Server, todo: list[tuple[str, dict[str, str]]],
               visitors: int) -> tuple[list[dict], list[str]]:
    """Visit every set, ``visitors`` at a time; returns the RSS curve and the problems."""
    curve: list[dict] = []
    problems: list[str] = []
    start = time.perf_counter()
    queue = list(enumerate(todo, 1))
    done = 0

    async def worker() -> None:
        nonlocal done
        while queue:
            _, (page, query) = queue.pop(0)
            seen = await live.visit(server.port, page, query, TIMEOUT_S)
            trouble = ([seen.failure] if seen.failure else []) + seen.exceptions
            trouble += seen.guard_messages
            problems.extend(f"{page}: {t[:160]}" for t in trouble)
            done += 1
            if done % EVERY == 0 or done == len(todo):
                point = {"sets": done, "rss_mb": round(server.rss_mb()),
                         "seconds": round(time.perf_counter() - start)}
                curve.append(point)
                print(f"{point['sets']:5d} {point['rss_mb']:8d} {point['seconds']:8d}",
                      flush=True)

    print(f"{'sets':>5s} {'RSS MB':>8s} {'seconds':>8s}")
    await asyncio.gather(*(worker() for _ in range(visitors)))
    return curve, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=300)
    parser.add_argument("--visitors", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="server port (default: free)")
    args = parser.parse_args()
    with live.Server(args.port or None) as server:
        server.wait_healthy(TIMEOUT_S)
        todo = plan(server.port, args.sets)
        print(f"{len(todo)} distinct parameter sets over {len(PAGES)} pages, "
              f"after the defaults: {round(server.rss_mb())} MB", flush=True)
        curve, problems = asyncio.run(soak(server, todo, args.visitors))
        peak = server.peak_rss_mb()
    third = next((p["rss_mb"] for p in curve if p["sets"] >= 2 * len(todo) / 3), 0)
    growth = curve[-1]["rss_mb"] - third if curve else 0
    for line in problems[:5]:
        print(f"    {line}")
    print(f"peak {peak:.0f} MB, growth over the last third {growth} MB, "
          f"{len(problems)} errors; load average {live.load_average()}")
    print("target: levels off below 1500 MB")
    print(json.dumps({"sets": len(todo), "curve": curve, "peak_rss_mb": round(peak),
                      "growth_last_third_mb": growth, "errors": len(problems),
                      "load_average": live.load_average()}))


if __name__ == "__main__":
    main()
