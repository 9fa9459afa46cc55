"""A hostile registry: the illustrative sample with markup, Vega expressions and formulas in its text.

Every cooperative's name, industry, partner and chair carry one of :data:`PAYLOADS`
(cycled, so that every township, every union, every case cooperative and both lead
levels get some) in front of the original text. Shown anywhere as markup, the first
three would set ``window.__pwned``; ``'+alert(1)+'`` would open a dialog if it were
pasted into a script; the last four are spreadsheet formula starts.

Used by ``tests/test_hostile.py`` (no browser) and ``tests/browser/test_hostile.py``
(``from helpers.hostile import ...``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coopmap.data import sample
from coopmap.data.registry import load_registry, write_registry

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
SIGNAL = '{"signal": "window.__pwned=1"}'
DATUM = "datum.x || (window.__pwned=1)"
QUOTE = "'+alert(1)+'"
FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)")
MARKUP = (SCRIPT, IMG, SVG)
PAYLOADS = (SCRIPT, IMG, SVG, SIGNAL, DATUM, QUOTE, *FORMULAS)
#: Text columns that carry a payload.
TEXT_COLUMNS = ("name", "industry", "partner", "leader")
#: Substrings that betray a payload wherever they turn up.
MARKERS = ("__pwned", "alert(1)", "calc'", "datum.x", "@SUM(1)")
#: Title row of the file (also hostile).
TITLE = f"{SCRIPT}龙陵县党组织领办合作社台账（测试）"


def hostile_frame() -> pd.DataFrame:
    """The illustrative sample with a payload in front of every text value."""
    frame = sample.generate().copy()
    n = len(PAYLOADS)
    for offset, column in enumerate(TEXT_COLUMNS):
        values = []
        for i, value in enumerate(frame[column]):
            payload = PAYLOADS[(i + offset) % n]
            rest = "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)
            values.append(payload + rest)
        frame[column] = pd.array(values, dtype=frame[column].dtype)
    return frame


def write_hostile(folder: Path, suffix: str = ".xlsx") -> Path:
    """Write the hostile registry into ``folder`` (its file name holds markup too)."""
    path = Path(folder) / f"hostile<img src=x onerror=window.__pwned=1>{suffix}"
    return write_registry(hostile_frame(), path, title=TITLE)


def load_hostile(folder: Path, suffix: str = ".xlsx") -> tuple[Path, pd.DataFrame]:
    """Write the hostile registry and load it back; every row must be accepted."""
    path = write_hostile(folder, suffix)
    loaded = load_registry(path)
    assert loaded.report.rejected == 0, loaded.report.errors[:5]
    return path, loaded.frame
