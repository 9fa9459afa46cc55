"""Shared pieces of the benchmarks: result rows, statistics, the printed table.

Every measure produces :class:`Row` objects with a stable ``key``; ``run.py --quick``
prints the same keys as a full run (a row it skips says why in ``note``).
"""

from __future__ import annotations

import math
import os
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = str(PROJECT_DIR / ".venv" / "bin" / "python") if (PROJECT_DIR / ".venv" / "bin" / "python").exists() else sys.executable


@dataclass
class Row:
    """One line of the benchmark table.

    Attributes
    ----------
    key : str
        Stable identifier (the same in quick and full runs).
    measure : str
        What the line measures, with its unit.
    unit : str
        Unit of ``median``, ``spread`` and ``baseline``.
    samples : list of float
        The repeated measurements behind ``median``.
    baseline : float or None
        The baseline measured in the same run (median of its samples).
    baseline_label : str
        What the baseline is.
    target : str
        The target in words (``"< 2 s"``, ``"ratio ≤ 1.2"``).
    met : bool or None
        Whether the target is met; ``None`` when there is no target or no number.
    note : str
        Why a number is missing, or how it was obtained.
    """

    key: str
    measure: str
    unit: str = ""
    samples: list[float] = field(default_factory=list)
    baseline: float | None = None
    baseline_samples: list[float] = field(default_factory=list)
    baseline_label: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    value: float | None = None  # a derived figure (e.g. a fitted exponent) instead of samples
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        if self.value is not None:
            return self.value
        return statistics.median(self.samples) if self.samples else None

    @property
    def spread(self) -> tuple[str, float, float] | None:
        """``("IQR", q1, q3)`` for 4+ samples, ``("min-max", lo, hi)`` for 2-3."""
        s = sorted(self.samples)
        if len(s) >= 4:
            return ("IQR", percentile(s, 25), percentile(s, 75))
        if len(s) >= 2:
            return ("min-max", s[0], s[-1])
        return None

    @property
    def ratio(self) -> float | None:
        m = self.median
        if m is None or not self.baseline:
            return None
        return m / self.baseline

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        spread = self.spread
        data.update(median=self.median, ratio=self.ratio, n=len(self.samples),
                    spread=None if spread is None else {"kind": spread[0], "low": spread[1], "high": spread[2]})
        return data


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (as numpy's default) of sorted or unsorted values."""
    s = sorted(values)
    if not s:
        return math.nan
    pos = (len(s) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def loglog_slope(points: Iterable[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) against log(x): the growth exponent."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx


def fmt(value: float | None, unit: str = "") -> str:
    """Format a number compactly for the table."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    a = abs(value)
    if a >= 100:
        text = f"{value:,.0f}"
    elif a >= 10:
        text = f"{value:.1f}"
    elif a >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip()


def render_table(rows: list[Row]) -> str:
    """Return the one table every run prints."""
    header = ("measure", "median", "spread", "baseline", "ratio", "target", "met?")
    lines = []
    for r in rows:
        spread = r.spread
        if spread is not None:
            spread_text = f"{spread[0]} {fmt(spread[1])}–{fmt(spread[2])} (n={len(r.samples)})"
        elif r.samples:
            spread_text = f"n={len(r.samples)}"
        else:
            spread_text = ""
        median = fmt(r.median, r.unit) if r.median is not None else ("not measured" if r.note.startswith("not measured") else "-")
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        lines.append((r.measure, median, spread_text, fmt(r.baseline, r.unit) if r.baseline is not None else "-",
                      f"{r.ratio:.2f}" if r.ratio is not None else "-", r.target or "-", met))
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line, r in zip(lines, rows):
        out.append("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
        if r.note:
            out.append(f"    ↳ {r.note}")
    return "\n".join(out)


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default
