"""Where the tables stage spends its time: ``find_tables`` timed per layout and profiled (cProfile).

    PYTHONPATH=. .venv/bin/python bench/profile_tables.py /tmp/corpus [--only rotated] [--top 40]
    PYTHONPATH=. .venv/bin/python bench/profile_tables.py raw/huang2023_carnk_ash2022.txt --repeat 3

Ingest runs before the timing; each document's ``find_tables`` is timed (best of ``--repeat`` runs:
the stage keeps no state between calls) and then run once more under the profiler. A document's
layout is the last word of its name (``gen0_00012_rotated``); other files count as "other".
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections import defaultdict
from pathlib import Path

from pipeline.ingest import read_document
from pipeline.tables import find_tables

LAYOUTS = ("rotated", "flowing", "pipe", "aligned", "line", "transposed")


def layout(path: Path) -> str:
    last = path.stem.rsplit("_", 1)[-1]
    return last if path.stem.startswith("gen") and last in LAYOUTS else "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--only", help="profile only documents of this layout")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile (0: no profile)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    paths = [p for a in args.paths for p in (sorted(Path(a).glob("*.txt")) if Path(a).is_dir() else [Path(a)])]
    if args.only:
        paths = [p for p in paths if layout(p) == args.only]
    docs = [(p, read_document(p)) for p in paths]
    find_tables(docs[0][1])  # warm-up: lexicons, compiled patterns
    times: dict[str, list[float]] = defaultdict(list)
    for path, doc in docs:
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            find_tables(doc)
            best = min(best, time.perf_counter() - start)
        times[layout(path)].append(best)
    total = sum(sum(v) for v in times.values())
    print(f"{len(docs)} documents, find_tables {total:.3f} s")
    for name, values in sorted(times.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {name:10s} {len(values):4d} docs  {1000 * statistics.mean(values):7.1f} ms/doc  "
              f"{sum(values):6.3f} s ({100 * sum(values) / total:.0f}%)")
    if not args.top:
        return
    profile = cProfile.Profile()
    profile.enable()
    for _, doc in docs:
        find_tables(doc)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
