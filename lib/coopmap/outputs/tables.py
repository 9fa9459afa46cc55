"""Table exports: the county's or one township's cooperatives as .xlsx or .csv.

The tables are registries in the schema's layout (:func:`coopmap.data.registry.write_registry`
writes them: a title row, the Chinese headers of :mod:`coopmap.data.schema`, column widths
and number formats in .xlsx, UTF-8 with a BOM in .csv, cells beginning with
``= + - @`` neutralised), so an exported table loads again with
:func:`coopmap.data.registry.load_registry` and gives the same records.

This module chooses the rows (:func:`select_township`), writes the title that says
what the table holds (:func:`export_title`) and offers the bytes for a download
(:func:`table_bytes`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Iterable

import pandas as pd

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.privacy import mask_frame
from coopmap.data.registry import write_registry
from coopmap.errors import ExportError, RegistryError
from coopmap.i18n import join, paren, t, township_label

__all__ = ["FORMATS", "MEDIA_TYPES", "export_table", "export_title", "file_name", "select_township", "table_bytes"]

#: Table formats (file suffixes).
FORMATS = ("xlsx", "csv")
#: Media types for downloads.
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv;charset=utf-8",
}
ILLUSTRATIVE_MARK = "示例数据，程序生成，非真实记录 / Illustrative data, generated, not real records"


def select_township(frame: pd.DataFrame, township: str | None, divisions: Divisions | None = None) -> tuple[pd.DataFrame, str | None]:
    """Return the cooperatives of one township (or all of them) and its 9-digit code.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry.
    township : str or None
        A township code or name in any form :meth:`Divisions.resolve_township` accepts
        (``530523103``, ``勐糯镇``, ``勐糯``); ``None`` keeps the whole county.

    Raises
    ------
    DivisionError
        When ``township`` is not one of Longling's ten townships.
    """
    if township is None or str(township).strip() == "":
        return frame, None
    divisions = divisions or load_divisions()
    code = divisions.resolve_township(township)
    return frame[frame["township"].astype(str) == code], code


def _years(frame: pd.DataFrame) -> list[int]:
    if "year" not in frame.columns:
        return []
    return sorted({int(y) for y in frame["year"].dropna()})


def export_title(frame: pd.DataFrame, *, township: str | None = None, illustrative: bool = False,
                 divisions: Divisions | None = None, today: dt.date | None = None, lang: str = "zh") -> str:
    """Return the title row of an exported table, in ``lang`` (the ``table.`` strings).

    ``龙陵县党组织领办合作社台账（2023年）——勐糯镇——示例数据，程序生成，非真实记录 …（导出 2026-11-30）``:
    the years of the records, the township if one was chosen, the illustrative mark
    when the data are the sample (so that the file stays marked when loaded again; it is
    the same in both languages) and the export date.
    """
    divisions = divisions or load_divisions()
    years = _years(frame)
    year_text = paren(t("table.years", lang, years=join(years, lang)), lang) if years else ""
    parts = [t("table.title", lang) + year_text]
    if township:
        code = divisions.resolve_township(township)
        parts.append(township_label(code, divisions.township_name(code), lang))
    if illustrative:
        parts.append(ILLUSTRATIVE_MARK)
    today = today or dt.date.today()
    return t("table.separator", lang).join(parts) + paren(t("table.exported", lang, date=today.isoformat()), lang)


def export_table(frame: pd.DataFrame, path: str | Path, *, township: str | None = None, illustrative: bool = False,
                 title: str | None = None, mask: bool = False, divisions: Divisions | None = None,
                 lang: str = "zh") -> Path:
    """Write the county's or one township's cooperatives as ``.xlsx`` or ``.csv``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry (``Registry.frame``).
    path : str or Path
        Output file; the suffix (``.xlsx`` or ``.csv``) chooses the format.
    township : str, optional
        Only this township's cooperatives (code or name).
    illustrative : bool
        The data are the illustrative sample: the title row says 示例数据.
    title : str, optional
        Title row instead of :func:`export_title`.
    mask : bool
        Mask chairs' names, phone and identity numbers (:func:`coopmap.data.privacy.mask_frame`)
        for a table that leaves the office.
    lang : {"zh", "en"}
        Language of the title row (:func:`export_title`); the header stays the schema's
        Chinese headers, so that the table loads again.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ExportError
        For another suffix or a file that cannot be written.
    DivisionError
        For an unknown township.
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"{out}: a table can be written as .xlsx or .csv, not {out.suffix or 'a file without suffix'}")
    divisions = divisions or load_divisions()
    rows, code = select_township(frame, township, divisions)
    if mask:
        rows = mask_frame(rows, names=["leader"])
    if title is None:
        title = export_title(rows, township=code, illustrative=illustrative, divisions=divisions, lang=lang)
    try:
        return write_registry(rows, out, title=title, divisions=divisions)
    except RegistryError as exc:
        raise ExportError(str(exc)) from None
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the table ({exc.strerror or exc}); choose another folder or close the file in Excel") from None


def table_bytes(frame: pd.DataFrame, fmt: str, **options) -> bytes:
    """Return an exported table as bytes (for a download button); options as :func:`export_table`."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"a table can be written as {' or '.join(FORMATS)}, not {fmt!r}")
    with tempfile.TemporaryDirectory(prefix="coopmap-table-") as folder:
        path = export_table(frame, Path(folder) / f"table.{fmt}", **options)
        return path.read_bytes()


def file_name(township: str | None, fmt: str, divisions: Divisions | None = None, stem: str = "龙陵县党组织领办合作社",
              parts: Iterable[str] = ()) -> str:
    """Return a download file name such as ``龙陵县党组织领办合作社_勐糯镇.xlsx``."""
    names = [stem, *parts]
    if township:
        divisions = divisions or load_divisions()
        names.append(divisions.township_name(divisions.resolve_township(township)))
    return "_".join(names) + f".{fmt.lower().lstrip('.')}"
