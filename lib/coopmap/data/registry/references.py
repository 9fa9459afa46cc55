"""Cells that refer to other cells: a village to its row's township, the villages a cooperative serves, a credit code to the rows above.

Each check runs once per distinct value (or pair of values) and is taken per row;
a problem is an error of the row, in the referring column.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from coopmap.data import uscc
from coopmap.data.divisions import Divisions
from coopmap.data.messages import Message
from coopmap.data.registry.report import _RowErrors
from coopmap.data.schema import SERVES_SEPARATOR


def _resolve_references(parsed: dict[str, np.ndarray], divisions: Divisions, errors: _RowErrors) -> None:
    """Resolve the villages and the villages served against each row's township; reject repeated credit codes.

    ``parsed["village"]`` and ``parsed["serves_villages"]`` get village codes in place of names.
    """
    _resolve_villages(parsed, divisions, errors)
    parsed["serves_villages"] = _resolve_served(np.asarray(parsed["serves_villages"], dtype=object), parsed["township"],
                                                divisions, errors.add)
    _reject_repeated_codes(parsed["uscc"], errors)


def _resolve_villages(parsed: dict[str, np.ndarray], divisions: Divisions, errors: _RowErrors) -> None:
    """Resolve each row's village against the row's own township; a township never comes from the village."""
    village, town = parsed["village"], parsed["township"]
    both = np.flatnonzero(pd.notna(village) & pd.notna(town))
    if len(both):
        v_codes, v_uniques = pd.factorize(village[both])
        t_codes, t_uniques = pd.factorize(town[both])
        pair_ids, pair_of_row = np.unique(v_codes.astype(np.int64) * len(t_uniques) + t_codes, return_inverse=True)
        codes, problems = divisions.resolve_villages(v_uniques[pair_ids // len(t_uniques)], t_uniques[pair_ids % len(t_uniques)])
        village = village.copy()
        village[both] = np.asarray(codes, dtype=object)[pair_of_row]
        parsed["village"] = village
        problem_of_row = np.asarray(problems, dtype=object)[pair_of_row]
        for i in np.flatnonzero(pd.notna(problem_of_row)):
            errors.add(int(both[i]), "village", problem_of_row[i])


def _resolve_served(serves: np.ndarray, town: np.ndarray, divisions: Divisions,
                    add_error: Callable[[int, str | None, str], None]) -> np.ndarray:
    """Resolve each row's list of villages served against the row's own township.

    Returns per row the village codes joined by :data:`coopmap.data.schema.SERVES_SEPARATOR`
    (``None`` without a list); each name that is no village of the township is an error
    of the row, in the ``serves_villages`` column.
    """
    out = np.full(len(serves), None, dtype=object)
    rows = np.flatnonzero(pd.notna(serves) & pd.notna(np.asarray(town, dtype=object)))
    if not len(rows):
        return out
    lists = [str(serves[k]).split("、") for k in rows]
    of_row = np.repeat(rows, [len(names) for names in lists])
    codes, problems = divisions.resolve_villages([n for names in lists for n in names], np.asarray(town, dtype=object)[of_row])
    resolved: dict[int, list[str]] = {}
    for k, code, problem in zip(of_row, codes, problems):
        if problem is not None:
            add_error(int(k), "serves_villages", problem)
        elif code not in resolved.setdefault(int(k), []):
            resolved[int(k)].append(code)
    for k, found in resolved.items():
        out[k] = SERVES_SEPARATOR.join(found) or None
    return out


def _reject_repeated_codes(codes: np.ndarray, errors: _RowErrors) -> None:
    """Record each malformed credit code, and each repeated one in the later row, naming the earlier row."""
    problems = np.asarray(uscc.problems(codes), dtype=object)
    has_problem = pd.notna(problems)
    valid = np.flatnonzero(pd.notna(codes) & ~has_problem)
    earlier = np.full(len(codes), -1, dtype=np.int64)
    if len(valid):
        code_ids, _ = pd.factorize(codes[valid])
        _, first_of_code = np.unique(code_ids, return_index=True)
        first_rows = valid[first_of_code[code_ids]]
        repeated = first_rows != valid
        earlier[valid[repeated]] = first_rows[repeated]
    for k in np.flatnonzero(has_problem | (earlier >= 0)):
        if has_problem[k]:
            errors.add(int(k), "uscc", problems[k])
        else:
            errors.add(int(k), "uscc", Message("load.duplicate_uscc", row=int(errors.row_numbers[earlier[k]])))
