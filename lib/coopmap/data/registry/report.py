"""What the loader tells about a registry file: its rows' problems and their fate.

:class:`RowIssue` is one problem of a cell or row, :class:`RejectedRow` names a
rejected row's cooperative, :class:`ValidationReport` accounts for every row read
(``rows_read == accepted + rejected + skipped``) and :class:`Registry` pairs the
accepted rows with that report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coopmap.data.messages import text_of
from coopmap.data.registry.cells import is_blank


@dataclass(frozen=True)
class RowIssue:
    """One problem (error or warning) found in one cell or row.

    Attributes
    ----------
    row : int or None
        Row number as a spreadsheet shows it (1-based, counting title and header rows);
        ``None`` for a problem of the whole file.
    column : str or None
        Canonical column id.
    value : str
        The raw cell value as read.
    message : str
        The problem in plain words, in English; usually a :class:`coopmap.data.messages.Message`,
        which :meth:`text` gives in Chinese too.
    """

    row: int | None
    column: str | None
    value: str
    message: str

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``)."""
        return text_of(self.message, lang)


@dataclass(frozen=True)
class RejectedRow:
    """A rejected row's cooperative, as far as its cells say (to name it to the official).

    Attributes
    ----------
    row : int
        Row number as the spreadsheet shows it.
    name : str
        The cooperative's name as read (``""`` when blank).
    uscc : str
        The credit code as typed, valid or not (``""`` when blank).
    township : str
        The township's official name, or the cell as typed when it names none.
    """

    row: int
    name: str
    uscc: str
    township: str


@dataclass
class ValidationReport:
    """What happened to every row of a registry file."""

    source: str
    sheet: str | None = None
    title: str = ""
    header_row: int = 0
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    skipped_rows: list[RowIssue] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    rejected_rows: list[RejectedRow] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        """Whether the file says it holds illustrative (generated) data."""
        text = self.title.lower()
        return "示例" in text or "illustrative" in text

    @property
    def balanced(self) -> bool:
        """``rows_read == accepted + rejected + skipped``."""
        return self.rows_read == self.accepted + self.rejected + self.skipped

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the CLI's ``validate --json``)."""
        issue = lambda i: {"row": i.row, "column": i.column, "value": i.value, "message": str(i.message), "message_zh": i.text("zh")}  # noqa: E731
        return {
            "source": self.source,
            "sheet": self.sheet,
            "title": self.title,
            "illustrative": self.illustrative,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
            "skipped_rows": [issue(i) for i in self.skipped_rows],
            "rejected_rows": [{"row": r.row, "name": r.name, "uscc": r.uscc, "township": r.township} for r in self.rejected_rows],
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON with Chinese text kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


@dataclass
class Registry:
    """A loaded registry: the accepted rows and the report on every row."""

    frame: pd.DataFrame
    report: ValidationReport

    @property
    def illustrative(self) -> bool:
        """Whether the data is the illustrative sample (or says it is)."""
        return self.report.illustrative


def _note(message: str, row: int | None = None, value: str = "") -> RowIssue:
    return RowIssue(row, None, value, message)


def _cell_text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _RowErrors:
    """The errors of the kept rows so far, by row (its index among the kept rows), in the order found.

    ``raw_text`` holds each parsed column's raw cells, for the value an error quotes.
    """

    def __init__(self, row_numbers: np.ndarray) -> None:
        self.row_numbers = row_numbers
        self.raw_text: dict[str, np.ndarray] = {}
        self.by_row: dict[int, list[RowIssue]] = {}

    def add(self, k: int, col_id: str | None, message: str) -> None:
        """Record an error of kept row ``k`` in column ``col_id``, quoting the cell as read."""
        value = _cell_text(self.raw_text[col_id][k]) if col_id in self.raw_text else ""
        self.by_row.setdefault(k, []).append(RowIssue(int(self.row_numbers[k]), col_id, value, message))
