"""User-interface text in Simplified Chinese (default) and English, and number formats.

Every string a user sees is looked up here by key with :func:`t`; the keys live in the
string catalog :mod:`coopmap.strings` (grouped by a dotted prefix: ``map.``, ``status.``...),
loaded whole into :data:`STRINGS` when this module is imported.
:func:`format_number` writes numbers the way county reports do: 万元 with thousands
separators, 亩, percentages with one decimal; in English CNY 10k and mu.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

__all__ = ["LANGS", "STRINGS", "TOWNSHIP_EN", "UNITS", "add_strings", "colon", "format_number", "join", "paren", "t",
           "township_label"]

#: Supported interface languages; the first is the default.
LANGS = ("zh", "en")

#: key -> {"zh": ..., "en": ...}: the whole catalog, every table of :mod:`coopmap.strings`
#: loaded when this module is imported (see the end of the module).
STRINGS: dict[str, dict[str, str]] = {}

#: Township names in English (Hanyu Pinyin, as on national maps), by 9-digit code.
TOWNSHIP_EN: dict[str, str] = {
    "530523101": "Longshan",
    "530523102": "Zhen'an",
    "530523103": "Mengnuo",
    "530523104": "Lameng",
    "530523105": "Xiangda",
    "530523201": "Longjiang",
    "530523203": "Bizhai",
    "530523204": "Longxin",
    "530523206": "Pingda",
    "530523207": "Mucheng",
}

_ETHNIC_TAIL = re.compile(r"^(.{2,}?)(?:[^族]{1,3}族)+$")  # 木城彝族傈僳族 → 木城

#: Unit id -> (zh unit, en unit, default decimals). Aliases map to these ids.
UNITS: dict[str, tuple[str, str, int]] = {
    "money": ("万元", "CNY 10k", 1),
    "mu": ("亩", "mu", 1),
    "pct": ("%", "%", 1),
    "count": ("", "", 0),
    "people": ("人", "people", 0),
    "households": ("户", "households", 0),
    "coops": ("个", "", 0),
    "member_coops": ("个", "member cooperatives", 0),  # a union's members (coopmap.data.schema.members_unit)
    "km2": ("平方千米", "km²", 1),
    "head": ("只", "", 0),  # hams, pigs: a named case's count
    "times": ("次", "times", 0),
}
_UNIT_ALIASES = {
    "万元": "money", "cny 10k": "money", "wan_yuan": "money",
    "亩": "mu", "land": "mu",
    "%": "pct", "percent": "pct",
    "人": "people", "户": "households", "个": "coops", "家": "coops",
    "": "count", "number": "count", "int": "count",
    "km²": "km2", "平方千米": "km2",
    "只": "head", "次": "times",
}


def add_strings(strings: dict[str, dict[str, str]], owner: str) -> None:
    """Add a module's interface text to :data:`STRINGS` (idempotent).

    Parameters
    ----------
    strings : dict
        Text by key, each ``{"zh": ..., "en": ...}``.
    owner : str
        The module adding it, named in the error.

    Raises
    ------
    KeyError
        When a key is already used with other text.
    """
    clash = {k for k in strings if k in STRINGS and STRINGS[k] != strings[k]}
    if clash:
        raise KeyError(f"{owner} text keys already used with other text in coopmap.i18n: {sorted(clash)}")
    STRINGS.update(strings)


def _load_catalog() -> None:
    """Load every table of :mod:`coopmap.strings` (data only, so this cannot form a cycle)."""
    from coopmap import strings

    for owner, table in strings.TABLES:
        add_strings(table, owner)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = "zh", **values: Any) -> str:
    """Return the interface text for ``key`` in ``lang``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`, e.g. ``"map.schematic"``.
    lang : {"zh", "en"}, default "zh"
    **values
        Substituted into ``{name}`` placeholders.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For an unknown key (a typo should fail a test, not show a raw key).

    Examples
    --------
    >>> t("map.schematic")
    '示意边界'
    >>> t("map.schematic", "en")
    'Schematic boundaries'
    """
    _check_lang(lang)
    try:
        entry = STRINGS[key]
    except KeyError:
        raise KeyError(f"no interface text for key {key!r} in coopmap.i18n.STRINGS") from None
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


#: Punctuation by language: Chinese full-width marks, English ones with their spaces.
_PUNCTUATION: dict[str, dict[str, str]] = {
    "zh": {"colon": "：", "list": "、", "clauses": "，", "names": "、", "open": "（", "close": "）"},
    "en": {"colon": ": ", "list": ", ", "clauses": ", ", "names": "; ", "open": " (", "close": ")"},
}


def colon(lang: str = "zh") -> str:
    """Return the colon after a label: ``：`` in Chinese, ``: `` in English.

    Examples
    --------
    >>> "边界" + colon("zh") + "示意边界"
    '边界：示意边界'
    """
    return _PUNCTUATION[_check_lang(lang)]["colon"]


def join(items: Iterable[Any], lang: str = "zh", *, clauses: bool = False, names: bool = False) -> str:
    """Join items as a list: ``、`` in Chinese (``，`` between ``clauses``), ``, `` in English.

    ``names``: a list of names, which may hold commas of their own (a union's member
    cooperatives): ``、`` in Chinese, ``; `` in English.

    Examples
    --------
    >>> join([2022, 2023], "zh"), join([2022, 2023], "en")
    ('2022、2023', '2022, 2023')
    >>> join(["甲合作社", "乙合作社"], "en", names=True)
    '甲合作社; 乙合作社'
    """
    kind = "clauses" if clauses else "names" if names else "list"
    return _PUNCTUATION[_check_lang(lang)][kind].join(str(item) for item in items)


def paren(text: str, lang: str = "zh") -> str:
    """Return ``text`` in parentheses to set after a word: ``（…）`` in Chinese, `` (…)`` in English.

    Examples
    --------
    >>> "收入" + paren("万元"), "Revenue" + paren("CNY 10k", "en")
    ('收入（万元）', 'Revenue (CNY 10k)')
    """
    marks = _PUNCTUATION[_check_lang(lang)]
    return f"{marks['open']}{text}{marks['close']}"


def township_label(code: str, name: str, lang: str = "zh", short: bool = False) -> str:
    """Return a township's display name: Chinese name (or short form) or its pinyin.

    Parameters
    ----------
    code : str
        9-digit code.
    name : str
        Official Chinese name (木城彝族傈僳族乡).
    lang : {"zh", "en"}
    short : bool
        Drop 镇/乡 and the ethnic part for map labels (木城彝族傈僳族乡 → 木城).
    """
    _check_lang(lang)
    if lang == "en":
        return TOWNSHIP_EN.get(code, name)
    if not short:
        return name
    base = name[:-1] if len(name) > 2 and name.endswith(("镇", "乡")) else name
    ethnic = _ETHNIC_TAIL.match(base)
    return ethnic.group(1) if ethnic else base


def unit_id(unit: str) -> str:
    """Return the canonical unit id for a unit id or alias (万元 → money)."""
    key = str(unit).strip()
    if key in UNITS:
        return key
    lowered = key.lower()
    if lowered in _UNIT_ALIASES:
        return _UNIT_ALIASES[lowered]
    raise ValueError(f"unknown unit {unit!r}: use one of {', '.join(UNITS)} or 万元, 亩, %")


def unit_label(unit: str, lang: str = "zh") -> str:
    """Return the unit as shown beside a number (万元 / CNY 10k)."""
    zh, en, _ = UNITS[unit_id(unit)]
    return zh if _check_lang(lang) == "zh" else en


def format_number(value: Any, unit: str = "count", lang: str = "zh", decimals: int | None = None, *,
                  label: str | None = None, missing: str = "—", trim: bool = False, signed: bool = False) -> str:
    """Format a number with thousands separators and its unit.

    The one number formatter of coopmap: dashboard, charts, report, slides, tables
    and the reconciliation's prose all write numbers through it.

    Parameters
    ----------
    value : number or None
        ``None``/NaN/``pandas.NA`` gives ``missing``.
    unit : str
        A unit id of :data:`UNITS` (``money``, ``mu``, ``pct``, ``count``, ``people``,
        ``households``, ``coops``, ``member_coops``, ``km2``, ``head``, ``times``) or
        its Chinese symbol (万元, 亩, %, 个, 人, 户, 只, 次).
    lang : {"zh", "en"}
    decimals : int, optional
        Digits after the point; default per unit (money 1, mu 1, pct 1, counts 0).
    label : str, optional
        Unit text to show instead of the unit's own (a metric's ``unit(lang)``, which a
        plug-in may name freely); ``"%"`` is written without a space.
    missing : str, default "—"
        Text for a missing value (charts say 未填报).
    trim : bool, default False
        Drop trailing zeros after the point (``1,300.00`` → ``1,300``), as prose does.
    signed : bool, default False
        Write ``+`` before a positive number (a difference).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown unit or a value that is not a number.

    Examples
    --------
    >>> format_number(1234.56, "万元")
    '1,234.6 万元'
    >>> format_number(1234.56, "money", "en")
    '1,234.6 CNY 10k'
    >>> format_number(71.0744, "pct")
    '71.1%'
    >>> format_number(12000, "亩", "en")
    '12,000.0 mu'
    >>> format_number(1300.0, decimals=2, trim=True)
    '1,300'
    >>> format_number(-0.5, decimals=2, trim=True, signed=True)
    '-0.5'
    """
    _check_lang(lang)
    uid = unit_id(unit)
    zh, en, default = UNITS[uid]
    if value is None:
        return missing
    try:
        number = float(value)
    except (TypeError, ValueError):
        import pandas as pd  # lazy: the base layer stays light; only a pandas missing value gets here

        if value is pd.NA or value is pd.NaT:
            return missing
        raise ValueError(f"not a number: {value!r}") from None
    if math.isnan(number):
        return missing
    digits = default if decimals is None else decimals
    text = f"{number:{'+' if signed else ''},.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    shown = (zh if lang == "zh" else en) if label is None else label
    if (label is None and uid == "pct") or shown == "%":
        return f"{text}%"
    return f"{text} {shown}" if shown else text


_load_catalog()
