"""Run every benchmark and print one table; write ``benchmarks/results/latest.json``.

Usage::

    .venv/bin/python benchmarks/run.py            # full run (several minutes)
    .venv/bin/python benchmarks/run.py --quick    # same keys, fewer sizes and repeats, < 60 s
    .venv/bin/python benchmarks/run.py --only scale

Measures (see ``docs/benchmarks.md``): 1 time to interactive, 2 interaction latency,
3 bytes to first render, 4 memory and concurrency (``dashboard.py``); 5 library scale
(``scale.py``). Targets are judged on ratios or medians measured in this run, never as
timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS_DIR, Row, log, render_table  # noqa: E402

MEASURES = ("dashboard", "scale")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced run in under 60 s with the same keys")
    parser.add_argument("--only", choices=MEASURES, action="append", help="run only this group (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json", help="where to write the JSON results")
    args = parser.parse_args(argv)
    groups = args.only or list(MEASURES)

    started = time.perf_counter()
    rows: list[Row] = []
    # one group after the other: a server warming up would slow the timed library runs
    if "dashboard" in groups:
        import dashboard

        rows += dashboard.run(args.quick)
    if "scale" in groups:
        import scale

        rows += scale.run(args.quick)
    elapsed = time.perf_counter() - started

    print(render_table(rows))
    print(f"\n{'quick' if args.quick else 'full'} run, {elapsed:.0f} s, {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": elapsed,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "rows": [r.to_dict() for r in rows],
    }, indent=1, ensure_ascii=False, default=str))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
