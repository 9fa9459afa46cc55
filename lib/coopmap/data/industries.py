"""The industries a cooperative lists in its 主导产业 cell, one at a time.

A registry writes several industries in one cell ("核桃、茶叶", "茶叶，核桃",
"石斛/蔬菜"), in any order. Everything that offers or matches industries (the
dashboard's filter, links, case matching) goes through :func:`split_industries`, so
that "茶叶" finds every cooperative that lists tea, whatever else it lists and in
whichever order.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pandas as pd

__all__ = ["INDUSTRY_SEPARATORS", "industry_counts", "industry_mask", "split_industries"]

#: Characters that separate industries in one cell: 、 , ， / ／ ; ； | ｜ and line breaks.
INDUSTRY_SEPARATORS = "、,，/／;；|｜\n\r"
_SEPARATOR = re.compile("[" + re.escape(INDUSTRY_SEPARATORS) + "]+")
# Whitespace separates industries too ("茶叶 核桃"), except between two Latin letters
# or digits, where it is part of one name ("Yunnan tea").
_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for chunk in _SEPARATOR.split(text):
        for part in _SPACE.split(chunk.strip()):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
    return tuple(parts)


def split_industries(value: Any) -> tuple[str, ...]:
    """Return the industries one 主导产业 cell lists, in its order, each once.

    Parameters
    ----------
    value : object
        A cell: ``"核桃、茶叶"``, ``"茶叶，核桃"``, ``"石斛 / 蔬菜"``...; ``None``, NaN
        and blank cells list none.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> split_industries("核桃、茶叶")
    ('核桃', '茶叶')
    >>> split_industries(" 茶叶 ；核桃，茶叶 ")
    ('茶叶', '核桃')
    >>> split_industries("Yunnan tea/咖啡")
    ('Yunnan tea', '咖啡')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ()
    return _split(str(value))


def industry_counts(values: Iterable[Any]) -> Counter:
    """Count, for each single industry, the cells that list it.

    Parameters
    ----------
    values : iterable
        主导产业 cells (one per cooperative).

    Returns
    -------
    collections.Counter
        Industry → number of cooperatives listing it.
    """
    counts: Counter = Counter()
    for value in values:
        counts.update(split_industries(value))
    return counts


def industry_mask(values: pd.Series, selected: str | Iterable[str]) -> pd.Series:
    """Return which cells list any of the ``selected`` industries.

    Parameters
    ----------
    values : pandas.Series
        主导产业 cells.
    selected : str or iterable of str
        One industry, or several (a cell matches when it lists any of them). Each is
        itself split, so ``"茶叶"`` and ``" 茶叶 "`` select the same.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``values``.
    """
    wanted = set(split_industries(selected)) if isinstance(selected, str) else {
        part for item in selected for part in split_industries(item)}
    # one split per distinct cell: a registry repeats a few dozen industry texts
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    lists = np.fromiter((bool(wanted.intersection(split_industries(cell))) for cell in distinct),
                        dtype=bool, count=len(distinct))
    mask = np.zeros(len(values), dtype=bool)
    known = codes >= 0  # -1: an empty cell lists no industry
    mask[known] = lists[codes[known]]
    return pd.Series(mask, index=values.index)
