"""The table-wide checks: the canonical table, one pandera validation of all rows, the checks' messages and the row warnings.

The rules are :class:`coopmap.data.schema.RegistrySchema`'s; this module builds the
table they check, turns pandera's failure cases into messages for officials (in
Chinese and English) and warns of what is allowed but unusual.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors

from coopmap import i18n
from coopmap.data import uscc
from coopmap.data.messages import Message
from coopmap.data.registry.report import RowIssue, _RowErrors
from coopmap.data.schema import BY_ID, CANONICAL_DTYPES, RegistrySchema, empty_registry
from coopmap.errors import RegistryError

COOP_LAW_DATE = dt.date(2007, 7, 1)
"""The Farmer Cooperatives Law took effect on this day; an earlier founding date is warned about."""

_SCHEMA = RegistrySchema.to_schema()
# pandera registers its pandas backends on the first validation, importing its data
# synthesis strategies (and hypothesis, when installed) on the way: ~0.3 s. Pay it here,
# with the other imports, not inside the first registry a process loads.
_SCHEMA.validate(empty_registry())


_CHECK_FORMS = (
    (re.compile(r"greater_than_or_equal_to\((.*)\)"), "load.check.at_least", "n"),
    (re.compile(r"less_than_or_equal_to\((.*)\)"), "load.check.at_most", "n"),
    (re.compile(r"isin\((.*)\)"), "load.check.one_of", "values"),
)


def _plain_check_message(check: str, column: str | None) -> str:
    """Turn a pandera check name into a sentence for officials, led by the column's header."""
    header = BY_ID[column].header if column in BY_ID else str(column)
    for pattern, key, name in _CHECK_FORMS:
        m = pattern.match(check)
        if m:
            return Message(key, header=header, **{name: m.group(1)})
    if check.startswith(("str_matches", "code_form")):
        return Message("load.check.form", header=header)
    if check in ("not_nullable", "field_uniqueness"):
        return Message("load.check.required" if check == "not_nullable" else "load.check.unique", header=header)
    if f"load.check.{check}" in i18n.STRINGS:
        return Message(f"load.check.{check}", header=header)
    # a rule without a Chinese text yet: its docstring (or name), in English only
    message = (getattr(getattr(RegistrySchema, check, None), "__doc__", None) or check).strip().rstrip(".")
    if column in BY_ID and not message[:1].isupper():
        message = f"{header} {message}"
    return message


def _check_table(parsed: dict[str, Any], errors: _RowErrors) -> pd.DataFrame:
    """Check all kept rows against the schema at once; record the failures in ``errors``; return the accepted rows.

    The accepted rows are those without any error, as a table in canonical form.
    """
    # one pandera validation of all rows: rows that already failed parsing take part with
    # their good cells (so that a row gets one error per problem, not only its first);
    # their other cells hold stand-ins whose failures are not reported
    parsed["source_row"] = errors.row_numbers
    broken = np.array(sorted(errors.by_row), dtype=np.intp)
    typed = _canonical_frame(parsed, broken)
    good: dict[str, np.ndarray] = {}
    if len(broken):
        for col_id, values in parsed.items():
            cells = pd.notna(np.asarray(values, dtype=object)[broken])
            failed = {k for k in broken for e in errors.by_row[k] if e.column == col_id}
            if failed:
                cells &= ~np.isin(broken, list(failed))
            if col_id == "village":  # a village is read (as its code) only against a township that was
                cells &= pd.notna(np.asarray(parsed["township"], dtype=object)[broken])
            good[col_id] = cells
    is_candidate = np.ones(len(errors.row_numbers), dtype=bool)
    is_candidate[broken] = False
    position = {k: i for i, k in enumerate(broken)}
    rejected_now: list[int] = []
    broken_failures: list[tuple[int, str, str]] = []
    for k_label, col_id, message, context in _validate_schema(typed):
        if is_candidate[k_label]:
            rejected_now.append(k_label)
            errors.add(k_label, col_id, message)
        elif col_id not in (None, "uscc", "source_row") and all(good[c][position[k_label]] for c in _TABLE_CHECKS.get(context, (None, (col_id,)))[1]):
            # a rule on cells that all parsed: reported too (a table-wide rule only when all its inputs did)
            broken_failures.append((k_label, col_id, message))
    order = {c: i for i, c in enumerate(_SCHEMA.columns)}
    for k_label, col_id, message in sorted(broken_failures, key=lambda f: order[f[1]]):  # a row's problems in column order
        errors.add(k_label, col_id, message)
    is_candidate[rejected_now] = False
    return typed.iloc[np.flatnonzero(is_candidate)].reset_index(drop=True) if not is_candidate.all() else typed


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


_STAND_INS = {"int64": 0, "bool": False, "float64": 0.0, "datetime64[ns]": dt.date(2000, 1, 1), "str": "-"}
"""Values put in the missing cells of rows that already failed (non-nullable columns only)."""


def _canonical_frame(parsed: dict[str, Any], broken: np.ndarray) -> pd.DataFrame:
    """Build the canonical table of all rows; in ``broken`` rows the missing cells get stand-ins.

    Every column gets its canonical dtype. A rejected row's missing or failed cells would
    keep a column from it (an int column cannot hold a gap), so they hold a stand-in
    value instead, and each rejected row's code a unique stand-in that no real code equals.
    """
    out: dict[str, pd.Series] = {}
    for col_id, dtype in CANONICAL_DTYPES.items():
        values = np.asarray(parsed[col_id])
        if dtype == "float64" and values.dtype == np.float64:
            if len(broken) and not _SCHEMA.columns[col_id].nullable:
                values = values.copy()
                cells = values[broken]
                cells[np.isnan(cells)] = _STAND_INS[dtype]
                values[broken] = cells
            out[col_id] = pd.Series(values)
            continue
        values = np.asarray(values, dtype=object)
        if len(broken) and not _SCHEMA.columns[col_id].nullable:
            values = values.copy()
            if col_id == "uscc":
                values[broken] = np.array([f"#{k}" for k in broken], dtype=object)  # unique, and unlike any code
            else:
                cells = values[broken]
                cells[pd.isna(cells)] = _STAND_INS[dtype]
                values[broken] = cells
        out[col_id] = _to_canonical_column(pd.Series(values), dtype)
    return pd.DataFrame(out)


def _validate_schema(frame: pd.DataFrame) -> list[tuple[int, str | None, str, str]]:
    """Check the rows with the pandera model; return (index, column, message, context) failures.

    ``context`` is ``"Column"`` for a column's own rule and the rule's name (a key of
    :data:`_TABLE_CHECKS`) for a
    rule across columns; each (row, column, rule) once.
    """
    if frame.empty:
        return []
    try:
        _SCHEMA.validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    rejects: dict[tuple[int, str | None, str], tuple[int, str | None, str, str]] = {}
    for case in failures.itertuples(index=False):
        index, check = case.index, str(case.check)
        if index is None or (isinstance(index, float) and np.isnan(index)):
            raise RegistryError(f"registry schema check failed for the whole table: {check} on {case.column}") from None
        table_check = case.schema_context == "DataFrameSchema"
        column = _TABLE_CHECKS.get(check, (None, ()))[0] if table_check else case.column
        context = check if table_check else "Column"
        rejects.setdefault((int(index), column, check), (int(index), column, _plain_check_message(check, column), context))
    return list(rejects.values())


_TABLE_CHECKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village_unless_township_led": ("village", ("lead_level", "village")),
    "group_when_group_led": ("group", ("lead_level", "group")),
    "village_in_township": ("village", ("village", "township")),
    "members_at_least_the_legal_minimum": ("members", ("members", "lead_level")),
    "serves_villages_in_township": ("serves_villages", ("serves_villages", "township")),
}
"""The schema's table-wide rules: the column a failure is reported in, and the columns the rule reads."""


def _row_warnings(frame: pd.DataFrame) -> list[RowIssue]:
    warnings = []
    law = pd.Timestamp(COOP_LAW_DATE)
    for row, founded in frame.loc[frame["founded"] < law, ["source_row", "founded"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "founded", founded.date().isoformat(), Message("load.founded_before_law")))
    for row, code in frame.loc[~frame["uscc"].str.startswith(uscc.FARMER_COOP_PREFIX), ["source_row", "uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "uscc", code, Message("load.uscc_not_93")))
    unions = set(frame.loc[frame["lead_level"] == "township", "uscc"])
    linked = frame[frame["union_uscc"].notna()]
    for row, code in linked.loc[~linked["union_uscc"].isin(unions), ["source_row", "union_uscc"]].itertuples(index=False):
        warnings.append(RowIssue(int(row), "union_uscc", str(code), Message("load.union_unknown")))
    return warnings
