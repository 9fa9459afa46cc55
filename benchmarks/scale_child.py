"""One library-scale run in its own process (so each run's peak memory is its own).

``build``   writes the synthetic divisions and registry of N rows into a folder.
``measure`` loads, validates and summarises one file (``--mode ours``), or reads it
            with plain pandas (``--mode baseline``), or both in turn (``--mode both``, for
            quick runs: one process start instead of two), and prints one JSON line per
            run: seconds and peak memory above the process's size before the run.

Peak memory is the kernel's high-water mark of resident memory (``VmHWM``), reset just
before the timed part by writing ``5`` to ``/proc/self/clear_refs``; imports and the
division table are loaded first and not counted.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def build(args: argparse.Namespace) -> None:
    from coopmap.data import synthetic

    t0 = time.perf_counter()
    info = synthetic.build(args.folder, args.n, tuple(args.formats.split(",")), seed=args.seed)
    info["build_seconds"] = time.perf_counter() - t0
    print(json.dumps(info))


def measure_one(mode: str, args: argparse.Namespace) -> dict[str, object]:
    """One timed run in this process; see the module docstring."""
    t_import = time.perf_counter()
    if mode == "ours":
        from coopmap.data.divisions import Divisions
        from coopmap.data.registry import load_registry
        from coopmap.figures import tables
    import pandas as pd

    out: dict[str, object] = {"mode": mode, "file": args.file, "import_seconds": time.perf_counter() - t_import}
    if mode == "ours":
        t0 = time.perf_counter()
        divisions = Divisions.from_files(Path(args.divisions), Path(args.aliases))
        out["divisions_seconds"] = time.perf_counter() - t0
    gc.collect()
    resettable = _reset_peak()
    rss0 = _status_kb("VmRSS")
    t0 = time.perf_counter()
    if mode == "ours":
        registry = load_registry(args.file, divisions=divisions)
        t1 = time.perf_counter()
        county = tables.county_summary(registry.frame, divisions)
        table = tables.township_table(registry.frame, divisions)
        t2 = time.perf_counter()
        report = registry.report
        out.update(load_seconds=t1 - t0, summary_seconds=t2 - t1, rows_read=report.rows_read,
                   accepted=report.accepted, rejected=report.rejected, skipped=report.skipped,
                   warnings=len(report.warnings), townships=len(table), coops_total=county["coops_total"])
        expected = (args.rows + args.expect_skipped, args.rows - args.expect_rejected, args.expect_rejected, args.expect_skipped)
        got = (report.rows_read, report.accepted, report.rejected, report.skipped)
        out["counts_ok"] = got == expected
        if got != expected:
            out["counts_expected"] = expected
        del registry, county, table
    else:
        if args.file.endswith(".csv"):
            frame = pd.read_csv(args.file, skiprows=1)
        else:
            frame = pd.read_excel(args.file, skiprows=1, engine="calamine")
        t2 = time.perf_counter()
        out["rows_read"] = len(frame)
        del frame
    out["seconds"] = t2 - t0
    peak = _status_kb("VmHWM")  # without a reset this includes the imports: flagged below
    out["peak_mb"] = max(0, peak - rss0) / 1024.0
    out["rss_before_mb"] = rss0 / 1024.0
    out["peak_reset"] = resettable
    return out


def measure(args: argparse.Namespace) -> None:
    """Print one JSON line per run: ``--mode both`` runs the baseline, then ours (quick runs)."""
    modes = ("baseline", "ours") if args.mode == "both" else (args.mode,)
    for mode in modes:
        print(json.dumps(measure_one(mode, args)), flush=True)
        gc.collect()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--folder", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--formats", default="csv")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=build)
    p = sub.add_parser("measure")
    p.add_argument("--mode", choices=("ours", "baseline", "both"), required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--divisions")
    p.add_argument("--aliases")
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--expect-rejected", type=int, default=0)
    p.add_argument("--expect-skipped", type=int, default=0)
    p.set_defaults(func=measure)
    args = parser.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
