"""Measure 5, library scale: load, validate and summarise synthetic registries.

For each size and format, runs alternate between our pipeline
(:func:`coopmap.data.registry.load_registry` with the synthetic divisions, then
:func:`coopmap.figures.tables.county_summary` and :func:`coopmap.figures.tables.township_table`)
and the baseline (plain ``pandas.read_csv`` / ``pandas.read_excel(engine="calamine")``
of the same file), each in a fresh process (``scale_child.py``).

The synthetic files (see :mod:`coopmap.data.synthetic`) are written once into a cache folder
(``$COOPMAP_BENCH_CACHE``, default ``<tmp>/coopmap-bench``) keyed by the generator's
source, so reruns do not pay for writing them.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import BENCH_DIR, PROJECT_DIR, PYTHON, Row, fmt, log, loglog_slope

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
FULL_PLAN = {"csv": {"1k": 5, "10k": 5, "100k": 3, "1M": 1}, "xlsx": {"1k": 3, "10k": 3, "100k": 2}}
QUICK_PLAN = {"csv": {"1k": 1, "10k": 1}, "xlsx": {"1k": 1}}
XLSX_1M_REASON = (
    "not measured: a 1M-row .xlsx is at Excel's own row limit (1,048,576) and no county or province "
    "keeps one; writing it with openpyxl would take ~{minutes:.0f} min on this machine (extrapolated from 100k)"
)
CSV_TARGET_SECONDS = 2.0
CHILD = str(BENCH_DIR / "scale_child.py")
CHILD_TIMEOUT = 1800


def cache_root() -> Path:
    """Folder holding the synthetic files, keyed by the generator's source code."""
    from coopmap.data import synthetic, uscc
    from coopmap.data.schema import HEADERS_ZH  # the headers written; other edits to schema.py do not matter

    digest = hashlib.sha1(json.dumps(HEADERS_ZH, ensure_ascii=False).encode("utf-8"))
    for module in (synthetic, uscc):  # the generator's sources, wherever the package keeps them
        digest.update(Path(module.__file__).read_bytes())
    base = Path(os.environ.get("COOPMAP_BENCH_CACHE", Path(tempfile.gettempdir()) / "coopmap-bench"))
    return base / digest.hexdigest()[:12]


def _run_child(args: list[str]) -> list[dict]:
    """Run ``scale_child.py`` with ``args``; return its JSON lines."""
    proc = subprocess.run([PYTHON, CHILD, *args], capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=PROJECT_DIR)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(args[:3])}: exit {proc.returncode}: {last}")
    return [json.loads(line) for line in proc.stdout.strip().splitlines() if line.startswith("{")]


def ensure_data(n: int, formats: list[str]) -> dict:
    """Return the manifest of the synthetic set of ``n`` rows, writing missing formats."""
    folder = cache_root() / f"n{n}"
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": {}, "build_seconds": {}}
    missing = [f for f in formats if f not in manifest["files"] or not Path(manifest["files"][f]).exists()]
    for fmt_ in missing:  # one format per build, so that the build time of each is known
        log(f"writing synthetic registry: {n:,} rows as {fmt_} (cached in {folder})")
        info = _run_child(["build", "--folder", str(folder), "--n", str(n), "--formats", fmt_])[-1]
        files = {**manifest["files"], **info["files"]}
        seconds = {**manifest.get("build_seconds", {}), fmt_: info["build_seconds"]}
        manifest = {**info, "files": files, "build_seconds": seconds}
        manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def _measure(manifest: dict, fmt_: str, mode: str) -> list[dict]:
    args = ["measure", "--mode", mode, "--file", manifest["files"][fmt_]]
    if mode in ("ours", "both"):
        args += ["--divisions", manifest["divisions_csv"], "--aliases", manifest["aliases_csv"], "--rows", str(manifest["rows"]),
                 "--expect-rejected", str(manifest["rejected"]), "--expect-skipped", str(manifest["skipped"])]
    return _run_child(args)


def run(quick: bool) -> list[Row]:
    """Run measure 5 and return its rows (same keys in quick and full runs)."""
    plan = QUICK_PLAN if quick else FULL_PLAN
    rows: list[Row] = []
    for fmt_, baseline_label in (("csv", "pandas.read_csv"), ("xlsx", "pandas.read_excel (calamine)")):
        time_points: list[tuple[int, float]] = []
        mem_points: list[tuple[int, float]] = []
        xlsx_write_100k: float | None = None
        fitted: dict[str, float] = {}
        for label, n in SIZES.items():
            t_row = Row(f"scale.{fmt_}.{label}.seconds", f"5 scale {fmt_.upper()} {label}: load+validate+summarise", "s",
                        baseline_label=baseline_label)
            m_row = Row(f"scale.{fmt_}.{label}.peak_mb", f"5 scale {fmt_.upper()} {label}: peak memory", "MB",
                        baseline_label=baseline_label)
            if fmt_ == "csv" and label == "100k":
                t_row.target = f"< {CSV_TARGET_SECONDS:g} s"
            rows += [t_row, m_row]
            repeats = plan.get(fmt_, {}).get(label, 0)
            if not repeats:
                if fmt_ == "xlsx" and label == "1M":
                    per_row = (xlsx_write_100k or 0) / 100_000
                    reason = XLSX_1M_REASON.format(minutes=per_row * n / 60) if per_row else "not measured: XLSX stops at 100k rows"
                else:
                    reason = "not measured: --quick runs CSV 1k/10k and XLSX 1k only"
                t_row.note = m_row.note = reason
                continue
            try:
                manifest = ensure_data(n, [fmt_])
            except Exception as exc:  # a failed build is reported, not hidden
                t_row.note = m_row.note = f"not measured: synthetic data could not be written ({exc})"
                continue
            if fmt_ == "xlsx" and label == "100k":
                xlsx_write_100k = manifest.get("build_seconds", {}).get("xlsx")
            details: list[dict] = []
            failures: list[str] = []
            t0 = time.perf_counter()
            for rep in range(repeats):
                # separate processes, alternating; quick runs share one process per size
                modes = ("both",) if quick else (("ours", "baseline") if rep % 2 == 0 else ("baseline", "ours"))
                for mode in modes:
                    try:
                        results = _measure(manifest, fmt_, mode)
                    except Exception as exc:  # reported in the table, never hidden
                        failures.append(f"{mode}: {exc}")
                        continue
                    for result in results:
                        details.append(result)
                        if result["mode"] == "ours":
                            t_row.samples.append(result["seconds"])
                            m_row.samples.append(result["peak_mb"])
                        else:
                            t_row.baseline_samples.append(result["seconds"])
                            m_row.baseline_samples.append(result["peak_mb"])
            log(f"scale {fmt_} {label}: {len(t_row.samples)} runs in {time.perf_counter() - t0:.1f} s")
            ours = [d for d in details if d["mode"] == "ours"]
            if failures:
                t_row.note = m_row.note = f"{'not measured' if not ours else 'some runs failed'}: {failures[0]}"
                t_row.extra["failures"] = failures
            if t_row.baseline_samples:
                t_row.baseline = statistics.median(t_row.baseline_samples)
                m_row.baseline = statistics.median(m_row.baseline_samples)
            if ours:
                bad = [d for d in ours if not d.get("counts_ok")]
                split = (f"load {fmt(statistics.median(d['load_seconds'] for d in ours))} s + summary "
                         f"{fmt(statistics.median(d['summary_seconds'] for d in ours))} s; "
                         f"{manifest['townships']:,} townships, {manifest['villages']:,} villages")
                t_row.note = "; ".join(x for x in (split, t_row.note) if x)
                if bad:
                    t_row.note += f"; WRONG COUNTS: got {bad[0].get('rows_read'), bad[0].get('accepted'), bad[0].get('rejected'), bad[0].get('skipped')}, expected {bad[0].get('counts_expected')}"
                t_row.extra |= {"runs": details, "townships": manifest["townships"], "villages": manifest["villages"],
                               "file_mb": Path(manifest["files"][fmt_]).stat().st_size / 1e6}
                if t_row.target:
                    t_row.met = t_row.median < CSV_TARGET_SECONDS and not bad
                time_points.append((n, t_row.median))
                mem_points.append((n, m_row.median))
        # fitted growth exponents: over 10k and above when there are two such sizes
        for kind, points, unit_word in (("exponent", time_points, "time"), ("exponent_memory", mem_points, "peak memory")):
            big = [p for p in points if p[0] >= 10_000]
            use = big if len(big) >= 2 else points
            slope = loglog_slope(use)
            row = Row(f"scale.{fmt_}.{kind}", f"5 scale {fmt_.upper()}: growth exponent of {unit_word}", "", value=slope,
                      target="≈ 1 (0.8–1.2)" if kind == "exponent" else "")
            if slope is None:
                row.note = "not measured: needs two sizes"
            else:
                labels = [k for k, v in SIZES.items() if v in {p[0] for p in use}]
                row.note = f"log-log fit over {', '.join(labels)}"
                if kind == "exponent" and use is big:
                    row.met = 0.8 <= slope <= 1.2
                elif kind == "exponent":
                    row.note += " (not judged: below 10k rows the fixed costs dominate; the full run fits 10k and up)"
                fitted[kind] = slope
            rows.append(row)
        if fmt_ == "csv":
            target_row = next(r for r in rows if r.key == "scale.csv.100k.seconds")
            if target_row.median is None and time_points:
                n0, t0_ = time_points[-1]
                estimate = t0_ * 100_000 / n0
                label0 = next(k for k, v in SIZES.items() if v == n0)
                target_row.note += (f"; linear from {label0}: ~{estimate:.1f} s (an upper bound: the fixed costs are scaled too; "
                                    "the full run measures it)")
                target_row.extra["estimate_seconds"] = estimate
    return rows
