"""A sheet as a reader returns it (raw rows, notes on how they were read) and the limits every reader keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopmap.data.registry.report import RowIssue

MAX_FILE_BYTES = 256 * 2**20
"""Largest registry file read (a 100,000-row registry is about 20 MB)."""
MAX_UNPACKED_BYTES = 1024 * 2**20
"""Largest total size a workbook may unpack to."""
MAX_CELLS = 20_000_000
"""Largest sheet area (rows × columns, counted from A1) a workbook may span."""

_RESAVE = "open it in Excel or WPS and save it again as .xlsx (or as 'CSV UTF-8')"


@dataclass
class _Sheet:
    """Raw rows of one sheet (row 1 first) and notes about how they were read.

    ``tail``, when set, holds the rows after ``rows`` as a table of text cells (a large
    CSV file read by pandas' C parser; see :func:`_read_csv_fast`).
    """

    rows: list[list[Any]]
    name: str | None = None
    notes: list[RowIssue] = field(default_factory=list)
    tail: pd.DataFrame | None = None
