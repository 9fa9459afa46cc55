"""Loading a cooperative registry (台账) from a county office's spreadsheet.

:func:`load_registry` reads ``.xlsx``/``.xls``/``.csv`` as offices keep them (title rows
above the header, Chinese headers in several spellings, money in 元 or 万元, GBK or
UTF-8), parses every cell, checks the rows against :class:`coopmap.schema.RegistrySchema`
and returns the accepted rows with a :class:`ValidationReport`. Nothing is dropped
silently: ``rows_read == accepted + rejected + skipped`` always holds.

:func:`write_registry` writes the canonical table back as officials read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import pandera.errors

from . import parsing, paths, uscc
from .divisions import Divisions, load_divisions
from .errors import DivisionError, RegistryError
from .schema import BY_ID, CANONICAL_DTYPES, COLUMNS, HEADERS_ZH, RegistrySchema
from .text import normalize

COOP_LAW_DATE = dt.date(2007, 7, 1)
_TOTAL_WORDS = ("合计", "小计", "总计")
_MAX_HEADER_SEARCH = 30
_LEAD_LEVEL = {
    "乡镇": "township", "乡镇领办": "township", "镇级": "township", "乡级": "township",
    "乡镇级": "township", "乡镇党委领办": "township", "township": "township",
    "村": "village", "村级": "village", "村级领办": "village", "村党组织领办": "village",
    "village": "village",
    "村民小组": "group", "小组": "group", "组级": "group", "村民小组领办": "group",
    "group": "group",
}
_FORMATION = {"新组建": "new", "新建": "new", "new": "new", "改造提升": "upgraded", "提升": "upgraded", "upgraded": "upgraded"}
_LEAD_LEVEL_ZH = {"township": "乡镇", "village": "村", "group": "村民小组"}
_FORMATION_ZH = {"new": "新组建", "upgraded": "改造提升"}
_FORMULA_START = ("=", "+", "-", "@")


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
        The problem in plain words.
    """

    row: int | None
    column: str | None
    value: str
    message: str


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
        issue = lambda i: {"row": i.row, "column": i.column, "value": i.value, "message": i.message}  # noqa: E731
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


# -- reading the raw table ----------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RegistryError(f"{source}: this is a binary file, not a CSV table; save the sheet as .xlsx or UTF-8 .csv")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"{source}: the file is neither UTF-8 nor GBK/GB18030 text (byte {exc.start}); "
            "save it again from Excel as 'CSV UTF-8' or as .xlsx"
        ) from None


def _read_csv(path: Path) -> list[list[Any]]:
    text = _decode(path.read_bytes(), str(path))
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        delimiter = "\t"
    elif sample.count(";") > sample.count(",") and sample.count(";") > 0:
        delimiter = ";"
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_excel(path: Path, sheet: str | None) -> tuple[list[list[Any]], str]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        hint = "is it password-protected, truncated or not a spreadsheet? Save it again from Excel as .xlsx"
        raise RegistryError(f"{path}: cannot open as a spreadsheet ({type(exc).__name__}: {exc}); {hint}") from None
    names = book.sheet_names
    if not names:
        raise RegistryError(f"{path}: the workbook has no sheets")
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise RegistryError(f"{path}: no sheet named {sheet!r}; the sheets are {', '.join(names)}")
    try:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise RegistryError(f"{path}: cannot read sheet {name!r} ({type(exc).__name__}: {exc})") from None
    return rows, name


def read_table(path: str | Path, sheet: str | None = None) -> tuple[list[list[Any]], str | None]:
    """Read a registry file into raw rows (lists of cell values), row 1 first.

    Raises
    ------
    RegistryError
        When the file is missing, of an unknown type, or unreadable.
    """
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"{path}: no such file; give the path of the registry (.xlsx or .csv)")
    if path.is_dir():
        raise RegistryError(f"{path}: is a folder; give the path of the registry file (.xlsx or .csv)")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path), None
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_excel(path, sheet)
    raise RegistryError(f"{path}: unknown file type {suffix or '(none)'}; use .xlsx, .xls or .csv")


# -- headers ------------------------------------------------------------------------

_UNIT_IN_HEADER = re.compile(r"^(?P<base>.*?)\((?P<unit>[^()]*)\)$")


def _header_index() -> dict[str, tuple[str, float]]:
    """Map every accepted normalised header spelling to (column id, unit scale)."""
    index: dict[str, tuple[str, float]] = {}
    for col in COLUMNS:
        spellings = {col.header, col.id, *col.aliases}
        for spelling in spellings:
            key = normalize(spelling)
            index[key] = (col.id, 1.0)
            if col.kind == "money":
                match = _UNIT_IN_HEADER.match(key)
                base = match.group("base") if match else key
                index[base] = (col.id, 1.0)
                index[f"{base}(万元)"] = (col.id, 1.0)
                index[f"{base}(元)"] = (col.id, 0.0001)
    return index


_HEADERS = _header_index()


def _match_header(cell: Any) -> tuple[str, float] | None:
    key = normalize(cell)
    if not key:
        return None
    return _HEADERS.get(key) or _HEADERS.get(key.lstrip("*"))


def _find_header(rows: list[list[Any]], source: str) -> int:
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:_MAX_HEADER_SEARCH]):
        hits = len({m[0] for m in map(_match_header, row) if m})
        if hits > best_hits:
            best, best_hits = i, hits
    required = [c for c in COLUMNS if c.required]
    if best_hits < 3:
        raise RegistryError(
            f"{source}: no header row found in the first {_MAX_HEADER_SEARCH} rows; the registry needs a row "
            f"of column headers such as {', '.join(c.header for c in required[:5])}"
        )
    return best


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _map_columns(header: list[Any], source: str, header_row: int, warnings: list[RowIssue]) -> dict[str, tuple[int, float]]:
    mapping: dict[str, tuple[int, float]] = {}
    for j, cell in enumerate(header):
        match = _match_header(cell)
        if match is None:
            if not parsing.is_blank(cell):
                warnings.append(RowIssue(header_row, None, str(cell), f"column {_column_letter(j)} is not a registry column and was ignored"))
            continue
        col_id, scale = match
        if col_id in mapping:
            first = _column_letter(mapping[col_id][0])
            raise RegistryError(
                f"{source}: row {header_row}: columns {first} and {_column_letter(j)} both hold "
                f"{HEADERS_ZH[col_id]}; delete or rename one of them"
            )
        mapping[col_id] = (j, scale)
    missing = [c.header for c in COLUMNS if c.required and c.id not in mapping]
    if missing:
        raise RegistryError(f"{source}: row {header_row}: the header lacks required columns: {', '.join(missing)}")
    return mapping


# -- rows ---------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if parsing.is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_total_row(row: list[Any], name_index: int | None) -> bool:
    first = next((c for c in row if not parsing.is_blank(c)), None)
    candidates = [first]
    if name_index is not None and name_index < len(row):
        candidates.append(row[name_index])
    return any(isinstance(c, str) and any(w in normalize(c) for w in _TOTAL_WORDS) for c in candidates if c is not None)


def _strip_neutralised(text: str) -> str:
    """Undo the apostrophe our exports put before = + - @ (formula-injection guard)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START else text


def _parse_column(col_id: str, kind: str, values: pd.Series, scale: float, divisions: Divisions, today: dt.date) -> tuple[list[Any], list[str | None]]:
    """Parse one column, each distinct value once. Returns (values, errors) lists."""
    def parse_one(raw: Any) -> tuple[Any, str | None]:
        if parsing.is_blank(raw):
            return None, None
        try:
            if kind in ("text",):
                return _strip_neutralised(parsing.parse_text(raw)) or None, None
            if kind == "uscc":
                return normalize(raw).upper(), None
            if kind == "lead_level":
                key = normalize(raw)
                if key not in _LEAD_LEVEL:
                    raise parsing.CellError(f"lead level must be 乡镇, 村 or 村民小组, got {raw!r}")
                return _LEAD_LEVEL[key], None
            if kind == "formation":
                key = normalize(raw)
                if key not in _FORMATION:
                    raise parsing.CellError(f"formation must be 新组建 or 改造提升, got {raw!r}")
                return _FORMATION[key], None
            if kind == "township":
                return divisions.resolve_township(raw), None
            if kind == "village":
                return parsing.parse_text(raw), None  # resolved later, against the row's township
            if kind == "bool":
                return parsing.parse_bool(raw), None
            if kind == "date":
                return parsing.parse_date(raw, today), None
            if kind in ("int", "year"):
                return parsing.parse_int(raw), None
            if kind == "money":
                return parsing.parse_number(raw, scale, money=True), None
            if kind == "number":
                return parsing.parse_number(raw, scale), None
        except (parsing.CellError, DivisionError) as exc:
            return None, str(exc).strip("'\"") if isinstance(exc, DivisionError) else str(exc)
        raise AssertionError(f"unknown column kind {kind}")  # pragma: no cover

    cache: dict[Any, tuple[Any, str | None]] = {}
    out_values: list[Any] = []
    out_errors: list[str | None] = []
    for raw in values:
        key = (type(raw), raw) if not isinstance(raw, float) or raw == raw else ("nan",)
        try:
            result = cache[key]
        except KeyError:
            result = cache[key] = parse_one(raw)
        except TypeError:  # unhashable cell value
            result = parse_one(raw)
        out_values.append(result[0])
        out_errors.append(result[1])
    return out_values, out_errors


def _plain_check_message(check: str, column: str | None) -> str:
    """Turn a pandera check name into a sentence for officials, led by the column's header."""
    message = _check_sentence(check)
    if column in BY_ID and not message[:1].isupper():
        message = f"{BY_ID[column].header} {message}"
    if column == "members" and check.startswith("greater_than"):
        message += " (the legal minimum membership of a farmers' cooperative)"
    return message


def _check_sentence(check: str) -> str:
    m = re.match(r"greater_than_or_equal_to\((.*)\)", check)
    if m:
        return f"must be at least {m.group(1)}"
    m = re.match(r"less_than_or_equal_to\((.*)\)", check)
    if m:
        return f"must be at most {m.group(1)}"
    m = re.match(r"isin\((.*)\)", check)
    if m:
        return f"must be one of {m.group(1)}"
    if check.startswith("str_matches"):
        return "has the wrong form"
    if check in ("not_nullable", "field_uniqueness"):
        return "is required" if check == "not_nullable" else "must be unique"
    doc = getattr(getattr(RegistrySchema, check, None), "__doc__", None)
    return (doc or check).strip().rstrip(".")


def load_registry(path: str | Path, sheet: str | None = None, *, divisions: Divisions | None = None, today: dt.date | None = None) -> Registry:
    """Load and validate a cooperative registry file.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xls`` (first sheet unless ``sheet`` is given) or ``.csv`` (UTF-8,
        UTF-8 with BOM, or GB18030/GBK, detected).
    sheet : str, optional
        Sheet name in a workbook.
    divisions : Divisions, optional
        Division tables (default: the shipped Longling list).
    today : datetime.date, optional
        The date after which a founding date is "in the future" (default: today).

    Returns
    -------
    Registry
        ``.frame`` holds the accepted rows in canonical form (see
        :class:`coopmap.schema.RegistrySchema`), ``.report`` the fate of every row.

    Raises
    ------
    RegistryError
        When the file cannot be read as a registry at all (missing, not a table, no
        header row, required columns missing, empty).

    Examples
    --------
    >>> reg = load_registry("data/registry/longling_coops_2023_sample.xlsx")
    >>> reg.report.accepted, reg.report.rejected
    (98, 0)
    """
    divisions = divisions or load_divisions()
    today = today or dt.date.today()
    rows, sheet_name = read_table(path, sheet)
    source = str(path)
    report = ValidationReport(source=source, sheet=sheet_name)
    header_i = _find_header(rows, source)
    report.header_row = header_i + 1
    report.title = " ".join(_cell_text(c) for row in rows[:header_i] for c in row if not parsing.is_blank(c))
    mapping = _map_columns(rows[header_i], source, header_i + 1, report.warnings)
    report.columns = {HEADERS_ZH[k]: _column_letter(j) for k, (j, _) in mapping.items()}

    body = rows[header_i + 1 :]
    while body and all(parsing.is_blank(c) for c in body[-1]):
        body.pop()
    report.rows_read = len(body)
    if not body:
        raise RegistryError(f"{source}: the registry has a header (row {header_i + 1}) but no rows below it")

    name_idx = mapping["name"][0]
    keep: list[int] = []
    for i, row in enumerate(body):
        row_no = header_i + 2 + i
        if all(parsing.is_blank(c) for c in row):
            report.skipped_rows.append(RowIssue(row_no, None, "", "blank row"))
        elif _is_total_row(row, name_idx):
            first = next(c for c in row if not parsing.is_blank(c))
            report.skipped_rows.append(RowIssue(row_no, None, _cell_text(first), "total row (合计/小计/总计)"))
        else:
            keep.append(i)
    width = max((len(body[i]) for i in keep), default=0)
    data = [body[i] + [None] * (width - len(body[i])) for i in keep]
    row_numbers = np.array([header_i + 2 + i for i in keep], dtype=np.int64)
    raw = pd.DataFrame(data, dtype=object) if data else pd.DataFrame()

    parsed: dict[str, list[Any]] = {}
    errors: dict[int, list[RowIssue]] = {}
    raw_text: dict[str, list[str]] = {}

    def add_error(k: int, col_id: str | None, message: str) -> None:
        value = raw_text[col_id][k] if col_id in raw_text else ""
        errors.setdefault(k, []).append(RowIssue(int(row_numbers[k]), col_id, value, message))

    for col in COLUMNS:
        if col.id not in mapping:
            parsed[col.id] = [None] * len(keep)
            continue
        j, scale = mapping[col.id]
        series = raw[j] if j in raw.columns else pd.Series([None] * len(keep), dtype=object)
        raw_text[col.id] = [_cell_text(v) for v in series]
        values, errs = _parse_column(col.id, col.kind, series, scale, divisions, today)
        parsed[col.id] = values
        for k, err in enumerate(errs):
            if err:
                add_error(k, col.id, err)
            elif col.required and values[k] is None:
                add_error(k, col.id, f"{col.header} is empty; it is required")

    # village: resolve against the row's own township; a township never comes from the village
    for k in range(len(keep)):
        village, town = parsed["village"][k], parsed["township"][k]
        if village is None or town is None:
            continue
        try:
            parsed["village"][k] = divisions.resolve_village(village, town)
        except DivisionError as exc:
            parsed["village"][k] = None
            add_error(k, "village", str(exc))

    # a duplicate USCC rejects the later row and names the earlier one
    seen: dict[str, int] = {}
    for k, code in enumerate(parsed["uscc"]):
        if code is None:
            continue
        problem = uscc.problem(code)
        if problem:
            add_error(k, "uscc", problem)
        elif code in seen:
            add_error(k, "uscc", f"duplicate: the same code is already on row {int(row_numbers[seen[code]])}")
        else:
            seen[code] = k

    frame = pd.DataFrame(parsed)
    frame["source_row"] = row_numbers
    # rows that already failed parsing: the value rules still run on their good cells,
    # so that a row gets one error per problem, not only its first
    broken = sorted(errors)
    for k_label, col_id, message in _column_failures(frame.iloc[broken], errors):
        add_error(k_label, col_id, message)
    candidates = [k for k in range(len(keep)) if k not in errors]
    typed = _to_canonical(frame.iloc[candidates])
    schema_rejects = _validate_schema(typed)
    for k_label, col_id, message in schema_rejects:
        add_error(k_label, col_id, message)
    typed = typed.drop(index=[k for k, _, _ in schema_rejects], errors="ignore").reset_index(drop=True)

    report.errors = sorted((e for errs in errors.values() for e in errs), key=lambda e: (e.row or 0))
    report.rejected = len(errors)
    report.skipped = len(report.skipped_rows)
    report.accepted = len(typed)
    report.warnings.extend(_row_warnings(typed))
    assert report.balanced, "rows_read must equal accepted + rejected + skipped"
    return Registry(typed, report)


def _to_canonical_column(values: pd.Series, dtype: str) -> pd.Series:
    if dtype == "datetime64[ns]":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if dtype in ("int64", "bool"):
        return values.astype(dtype) if values.notna().all() else values.astype(object)
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if dtype == "string":
        return values.astype("string")
    return values.astype("str") if values.notna().all() else values


def _to_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: _to_canonical_column(frame[c], d) for c, d in CANONICAL_DTYPES.items()}, index=frame.index)


def _column_failures(frame: pd.DataFrame, errors: dict[int, list[RowIssue]]) -> list[tuple[int, str | None, str]]:
    """Run each column's pandera checks on the cells of ``frame`` that did parse."""
    if frame.empty:
        return []
    schema = RegistrySchema.to_schema()
    out: list[tuple[int, str | None, str]] = []
    for col_id, column in schema.columns.items():
        if col_id == "source_row" or column.unique:
            continue
        failed = {k for k in frame.index for e in errors.get(k, ()) if e.column == col_id}
        values = frame[col_id].drop(index=list(failed)).dropna()
        if values.empty:
            continue
        typed = _to_canonical_column(values, CANONICAL_DTYPES[col_id])
        try:
            column.validate(pd.DataFrame({col_id: typed}), lazy=True)
        except pandera.errors.SchemaErrors as exc:
            for case in exc.failure_cases.itertuples(index=False):
                if case.index is not None and case.index == case.index:
                    out.append((int(case.index), col_id, _plain_check_message(str(case.check), col_id)))
    return out


def _validate_schema(frame: pd.DataFrame) -> list[tuple[int, str | None, str]]:
    """Check the parsed rows with the pandera model; return (index, column, message) failures."""
    if frame.empty:
        return []
    try:
        RegistrySchema.validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    rejects: dict[tuple[int, str | None, str], tuple[int, str | None, str]] = {}
    for case in failures.itertuples(index=False):
        index, check = case.index, str(case.check)
        if index is None or (isinstance(index, float) and np.isnan(index)):
            raise RegistryError(f"registry schema check failed for the whole table: {check} on {case.column}") from None
        table_check = case.schema_context == "DataFrameSchema"
        column = _check_column(check) if table_check else case.column
        rejects.setdefault((int(index), column, check), (int(index), column, _plain_check_message(check, column)))
    return list(rejects.values())


def _check_column(check: str) -> str | None:
    return {"village_unless_township_led": "village", "group_when_group_led": "group", "village_in_township": "village"}.get(check)


def _row_warnings(frame: pd.DataFrame) -> list[RowIssue]:
    warnings = []
    law = pd.Timestamp(COOP_LAW_DATE)
    for row, founded in frame.loc[frame["founded"] < law, ["source_row", "founded"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "founded", founded.date().isoformat(), "founded before the Farmers' Cooperatives Law took effect (2007-07-01)"))
    for row, code in frame.loc[~frame["uscc"].str.startswith(uscc.FARMER_COOP_PREFIX), ["source_row", "uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "uscc", code, "does not start with 93, the code of a farmers' cooperative"))
    unions = set(frame.loc[frame["lead_level"] == "township", "uscc"])
    linked = frame[frame["union_uscc"].notna()]
    for row, code in linked.loc[~linked["union_uscc"].isin(unions), ["source_row", "union_uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "union_uscc", str(code), "names no township-led union in this file"))
    return warnings


# -- writing --------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Prefix text starting with = + - @ with an apostrophe (spreadsheet formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_display_table(frame: pd.DataFrame, divisions: Divisions | None = None) -> pd.DataFrame:
    """Return the canonical registry as officials read it: Chinese headers and values.

    Division codes become official names, levels and formations their Chinese words,
    yes/no 是/否, dates ``YYYY-MM-DD``; money stays in 万元.
    """
    divisions = divisions or load_divisions()
    towns = dict(zip(divisions.townships["code"], divisions.townships["name"]))
    vills = dict(zip(divisions.villages["code"], divisions.villages["name"]))
    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        values = frame[col.id] if col.id in frame else pd.Series([None] * len(frame), index=frame.index)
        if col.id == "township":
            values = values.map(towns)
        elif col.id == "village":
            values = values.map(lambda v: vills.get(v) if isinstance(v, str) else None)
        elif col.id == "lead_level":
            values = values.map(_LEAD_LEVEL_ZH)
        elif col.id == "formation":
            values = values.map(_FORMATION_ZH)
        elif col.kind == "bool":
            values = values.map(lambda v: "是" if bool(v) else "否")
        elif col.kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        out[col.header] = values.astype(object).where(values.notna(), None)
    return out


def write_registry(frame: pd.DataFrame, path: str | Path, title: str | None = None, divisions: Divisions | None = None) -> Path:
    """Write a canonical registry as ``.xlsx`` or ``.csv`` that :func:`load_registry` reads back.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical registry (as from :func:`load_registry` or :func:`coopmap.sample.generate`).
    path : str or Path
        Target; the suffix chooses the format. CSV is UTF-8 with a BOM so that Excel
        on Chinese Windows opens it correctly.
    title : str, optional
        A title row written above the header (as offices keep their sheets).

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    table = to_display_table(frame, divisions).map(neutralise)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            if title:
                writer.writerow([title])
            writer.writerow(list(table.columns))
            for row in table.itertuples(index=False):
                writer.writerow([_csv_value(v) for v in row])
        return path
    if path.suffix.lower() != ".xlsx":
        raise RegistryError(f"{path}: can only write .xlsx or .csv")
    _write_xlsx(table, path, title)
    return path


def _csv_value(value: Any) -> str:
    if parsing.is_blank(value):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _write_xlsx(table: pd.DataFrame, path: Path, title: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    first = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
        first = 2
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    for j, header in enumerate(table.columns, start=1):
        cell = sheet.cell(row=first, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    kinds = {c.header: c.kind for c in COLUMNS}
    for i, row in enumerate(table.itertuples(index=False), start=first + 1):
        for j, (header, value) in enumerate(zip(table.columns, row), start=1):
            if parsing.is_blank(value):
                continue
            cell = sheet.cell(row=i, column=j)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if kinds[header] in ("money", "number"):
                cell.number_format = "#,##0.00"
            elif kinds[header] in ("int",):
                cell.number_format = "#,##0"
    for j, header in enumerate(table.columns, start=1):
        width = max([len(str(header)) * 2] + [len(str(v)) * (2 if not str(v).isascii() else 1) for v in table[header].head(200) if v is not None])
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 48)
    sheet.freeze_panes = sheet.cell(row=first + 1, column=3)
    book.save(path)
