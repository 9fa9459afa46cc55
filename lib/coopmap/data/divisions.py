"""Official divisions of Longling County and exact name/code resolution.

The division table (10 townships, 121 villages) is the National Bureau of Statistics
list shipped in ``data/divisions/``; aliases (pre-2016 names, short forms) are in
``data/divisions/aliases.csv``. Resolution is exact after :func:`coopmap.data.text.normalize`:
no substring or fuzzy matching, so 坡头 never matches 坡头田.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Sequence

import pandas as pd

from coopmap import paths
from coopmap.data.messages import Message, message_of
from coopmap.data.text import normalize
from coopmap.errors import DivisionError

_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会")
_CODE9 = re.compile(r"^\d{9}$")
_CODE12 = re.compile(r"^\d{12}$")


def _digits(text: str) -> str:
    """Return ``text`` without a trailing ``.0`` that spreadsheets add to numeric codes."""
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def township_short(name: str) -> str:
    """Return a township name without its 镇/乡 suffix (龙山镇 → 龙山)."""
    return name[:-1] if name.endswith(("镇", "乡")) else name


def village_short(name: str) -> str:
    """Return the everyday short name of a village (坡头村民委员会 → 坡头村, 田坡社区村民委员会 → 田坡社区)."""
    base = name
    for suffix in _VILLAGE_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base if base.endswith(("社区", "村")) else base + "村"


def _village_keys(name: str) -> set[str]:
    base = name
    for suffix in _VILLAGE_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    keys = {name, base, base + "村委会", base + "居委会"}
    if base.endswith("社区"):
        stem = base[: -len("社区")]
        keys |= {stem, stem + "村", stem + "社区"}
    else:
        keys |= {base + "村"}
    return {normalize(k) for k in keys if k}


@dataclass(frozen=True)
class Divisions:
    """The county's townships and villages with lookup tables.

    Attributes
    ----------
    townships : pandas.DataFrame
        Columns ``code`` (9 digits), ``name``, ``short`` in official order.
    villages : pandas.DataFrame
        Columns ``code`` (12 digits), ``name``, ``short``, ``township`` (parent code).
    """

    townships: pd.DataFrame
    villages: pd.DataFrame
    _township_keys: dict[str, str] = field(repr=False)
    _village_keys: dict[str, dict[str, str]] = field(repr=False)
    _village_global: dict[str, set[str]] = field(repr=False)

    @classmethod
    def from_files(cls, divisions_csv: Path | None = None, aliases_csv: Path | None = None) -> "Divisions":
        """Build the lookup tables from the division CSV and the alias table."""
        table = pd.read_csv(divisions_csv or paths.DIVISIONS_CSV, dtype=str)
        towns = table[table["level"] == "township"][["code", "name"]].reset_index(drop=True)
        towns["short"] = towns["name"].map(township_short)
        vills = table[table["level"] == "village"][["code", "name", "parent_code"]]
        vills = vills.rename(columns={"parent_code": "township"}).reset_index(drop=True)
        vills["short"] = vills["name"].map(village_short)

        tkeys: dict[str, str] = {}
        for code, name, short in towns[["code", "name", "short"]].itertuples(index=False):
            for key in (code, name, short):
                tkeys[normalize(key)] = code
        aliases = pd.read_csv(aliases_csv or paths.ALIASES_CSV, dtype=str)
        for alias, code in aliases[["alias", "code"]].itertuples(index=False):
            if code not in set(towns["code"]):
                raise DivisionError(f"{paths.ALIASES_CSV}: alias {alias!r} names unknown township code {code}")
            tkeys[normalize(alias)] = code

        vkeys: dict[str, dict[str, str]] = {c: {} for c in towns["code"]}
        vglobal: dict[str, set[str]] = {}
        ambiguous: dict[str, set[str]] = {c: set() for c in towns["code"]}
        for code, name, town in vills[["code", "name", "township"]].itertuples(index=False):
            for key in _village_keys(name) | {code}:
                table_for_town = vkeys[town]
                if key in table_for_town and table_for_town[key] != code:
                    ambiguous[town].add(key)
                table_for_town[key] = code
                vglobal.setdefault(key, set()).add(code)
        for town, keys in ambiguous.items():
            for key in keys:
                del vkeys[town][key]
        return cls(towns, vills, tkeys, vkeys, vglobal)

    # -- lookups -----------------------------------------------------------------
    @cached_property
    def _township_names(self) -> dict[str, str]:
        return dict(zip(self.townships["code"], self.townships["name"]))

    @cached_property
    def _village_names(self) -> dict[str, str]:
        return dict(zip(self.villages["code"], self.villages["name"]))

    def township_name(self, code: str) -> str:
        """Return the official name of a township code (``KeyError`` for an unknown code)."""
        return self._township_names[code]

    def village_name(self, code: str) -> str:
        """Return the official name of a village code (``KeyError`` for an unknown code)."""
        return self._village_names[code]

    def villages_of(self, township_code: str) -> pd.DataFrame:
        """Return the villages of one township."""
        return self.villages[self.villages["township"] == township_code]

    def resolve_township(self, value: object) -> str:
        """Resolve a township code, name, short name or alias to its 9-digit code.

        Accepted: ``530523103``; ``530523103000`` (12 digits with trailing zeros, as
        land-survey data has); ``勐糯镇``; ``勐糯``; ``腊勐乡`` (pre-2016); traditional
        characters and full-width digits.

        Raises
        ------
        DivisionError
            When the value names no township of the county.
        """
        key = _digits(normalize(value))
        if _CODE12.match(key) and key.endswith("000"):
            key = key[:9]
        code = self._township_keys.get(key)
        if code is None:
            raise DivisionError(Message("load.not_township", value=value))
        return code

    def resolve_village(self, value: object, township_code: str) -> str:
        """Resolve a village of ``township_code`` to its 12-digit code.

        Accepted: the 12-digit code, the official name (…村民委员会 / …居民委员会), or a
        short form (坡头村, 坡头, 田坡社区, 白塔社区, 镇安村 for 镇安社区).

        Raises
        ------
        DivisionError
            When the value is no village, or a village of another township.
        """
        key = _digits(normalize(value))
        code = self._village_keys.get(township_code, {}).get(key)
        if code is not None:
            return code
        town = self.township_name(township_code)
        elsewhere = sorted(self._village_global.get(key, ()))
        if elsewhere:
            owners = "、".join(sorted({self.township_name(c[:9]) for c in elsewhere}))
            raise DivisionError(Message("load.not_village_elsewhere", value=value, town=town, owners=owners))
        raise DivisionError(Message("load.not_village", value=value, town=town))

    def resolve_villages(self, values: Sequence[object], township_codes: Sequence[str]) -> tuple[list[str | None], list[str | None]]:
        """Resolve many (village, township code) pairs, as :meth:`resolve_village` does each.

        Each distinct value is normalised once; a pair that does not resolve gets the
        message :meth:`resolve_village` would raise.

        Parameters
        ----------
        values : sequence
            Village cells (codes, official or short names).
        township_codes : sequence of str
            The 9-digit township code each value must belong to (same length).

        Returns
        -------
        codes, problems : list, list
            Per pair the 12-digit code or ``None``, and ``None`` or the reason it failed.
        """
        keys: dict[object, str] = {}
        codes: list[str | None] = []
        problems: list[str | None] = []
        for value, town in zip(values, township_codes):
            key = keys.get(value)
            if key is None:
                key = keys[value] = _digits(normalize(value))
            code = self._village_keys.get(town, {}).get(key)
            if code is None:
                try:
                    code = self.resolve_village(value, town)
                except DivisionError as exc:
                    codes.append(None)
                    problems.append(message_of(exc))
                    continue
            codes.append(code)
            problems.append(None)
        return codes, problems


@lru_cache(maxsize=1)
def load_divisions() -> Divisions:
    """Return the shipped division tables (cached).

    Returns
    -------
    Divisions
        The county's 10 townships and 121 village-level units (2023), with the
        aliases that :meth:`Divisions.resolve_township` and
        :meth:`Divisions.resolve_village` accept.
    """
    return Divisions.from_files()
