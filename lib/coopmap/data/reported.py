"""The published programme figures (``data/reported/longling_2023.yaml``).

The YAML keeps each figure as published (money in yuan, land in mu, lower bounds as
``qualifier: at_least``). :class:`Figure` converts a figure into the unit the registry
uses (:attr:`Figure.compare_value`, :attr:`Figure.compare_unit`), so that metrics
compare like with like: money always in 万元.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import yaml

from coopmap import paths
from coopmap.errors import CoopmapError
from coopmap.i18n import format_number

QUALIFIERS = ("exact", "at_least", "about")

#: How many 万元 one unit of each money unit is.
MONEY_UNITS: dict[str, float] = {"元": 1e-4, "yuan": 1e-4, "万元": 1.0, "亿元": 1e4}


def to_wan(value: float, unit: str) -> float:
    """Convert an amount of money to 万元 (ten thousand yuan).

    Parameters
    ----------
    value : float
        The amount as published.
    unit : str
        ``元``, ``万元`` or ``亿元``.

    Returns
    -------
    float
        The amount in 万元.

    Raises
    ------
    CoopmapError
        When ``unit`` is not a money unit.

    Examples
    --------
    >>> to_wan(13_000_000, "元")
    1300.0
    """
    try:
        factor = MONEY_UNITS[unit]
    except KeyError:
        raise CoopmapError(f"{unit!r} is not a money unit; use one of {', '.join(MONEY_UNITS)}") from None
    return round(float(value) * factor, 6)


@dataclass(frozen=True)
class Source:
    """Where figures were published."""

    id: str
    headline: str
    author_zh: str
    author_en: str
    publisher_zh: str
    publisher_en: str
    date: dt.date

    def cite(self, lang: str = "zh") -> str:
        """Return a one-line citation in Chinese or English."""
        if lang == "en":
            return f"{self.author_en}, “{self.headline}”, {self.publisher_en}, {self.date.isoformat()}"
        return f"{self.author_zh}：《{self.headline}》，{self.publisher_zh}，{self.date.isoformat()}"


@dataclass(frozen=True)
class Figure:
    """One published figure.

    Attributes
    ----------
    id : str
        The facts sheet's id (``coops_total``, ``coop_revenue_2023`` ...).
    value : float
        The value as published, in :attr:`unit`.
    unit : str
        The published unit (``个``, ``人``, ``%``, ``亩``, ``元`` ...).
    qualifier : str
        ``exact``, ``at_least`` (a published lower bound such as "13 million+") or
        ``about`` (a rounded figure, see :attr:`tolerance`).
    tolerance : float or None
        For ``about`` figures: how far (in :attr:`unit`) the true value may lie.
    """

    id: str
    label_zh: str
    label_en: str
    value: float
    unit: str
    unit_en: str
    qualifier: str
    source: Source
    note: str = ""
    year: Optional[int] = None
    tolerance: Optional[float] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_money(self) -> bool:
        """Whether the figure is an amount of money."""
        return self.unit in MONEY_UNITS

    @property
    def compare_value(self) -> float:
        """The value in the registry's unit (money in 万元, everything else as published)."""
        return to_wan(self.value, self.unit) if self.is_money else float(self.value)

    @property
    def compare_tolerance(self) -> Optional[float]:
        """:attr:`tolerance` in the registry's unit."""
        if self.tolerance is None:
            return None
        return to_wan(self.tolerance, self.unit) if self.is_money else float(self.tolerance)

    @property
    def compare_unit(self) -> str:
        """The registry's unit for this figure (万元 for money)."""
        return "万元" if self.is_money else self.unit

    def accepts(self, computed: float) -> bool:
        """Whether ``computed`` (in :attr:`compare_unit`) is consistent with the figure.

        ``exact``: equal (to 1e-9 relative); ``at_least``: not below the bound;
        ``about``: within the tolerance.
        """
        target = self.compare_value
        if self.qualifier == "at_least":
            return computed >= target - 1e-9
        if self.qualifier == "about":
            return abs(computed - target) <= (self.compare_tolerance or 0.0) + 1e-9
        return abs(computed - target) <= 1e-9 * max(1.0, abs(target))

    def published(self, lang: str = "zh") -> str:
        """Return the figure as published, e.g. ``1300万元以上`` / ``1300 CNY 10k or more``."""
        value = self.compare_value
        text = format_number(value, "count", lang, 2, trim=True)
        unit = self.compare_unit if lang == "zh" else ("CNY 10k" if self.is_money else self.unit_en)
        if lang == "zh":
            prefix = "约" if self.qualifier == "about" else ""
            suffix = "以上" if self.qualifier == "at_least" else ""
            return f"{prefix}{text}{unit}{suffix}"
        prefix = "about " if self.qualifier == "about" else ""
        suffix = " or more" if self.qualifier == "at_least" else ""
        sep = "" if unit == "%" else " "
        return f"{prefix}{text}{sep}{unit}{suffix}"


@dataclass(frozen=True)
class CaseFigure:
    """A figure of a named case; ``column`` names the registry column(s) it matches."""

    id: str
    label_en: str
    value: float
    unit: str
    qualifier: str
    columns: tuple[str, ...] = ()

    @property
    def compare_value(self) -> float:
        """The value in the registry's unit (money in 万元)."""
        return to_wan(self.value, self.unit) if self.unit in MONEY_UNITS else float(self.value)


@dataclass(frozen=True)
class Case:
    """A named case of the report: a real cooperative in a real place."""

    id: str
    place_zh: str
    township: str
    village: Optional[str]
    group: Optional[str]
    level: str
    industry_zh: str
    industry_en: str
    industry_keyword: str
    with_enterprise: bool
    source: Source
    note: str = ""
    figures: tuple[CaseFigure, ...] = ()

    def figure(self, figure_id: str) -> CaseFigure:
        """Return one of the case's figures by id."""
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(f"case {self.id} has no figure {figure_id!r}")


@dataclass(frozen=True)
class Reported:
    """All published figures and named cases."""

    figures: dict[str, Figure]
    cases: dict[str, Case]
    sources: dict[str, Source]
    place: dict[str, Any]
    path: Path

    def __getitem__(self, figure_id: str) -> Figure:
        return self.figures[figure_id]

    def __iter__(self):
        return iter(self.figures.values())

    def __len__(self) -> int:
        return len(self.figures)

    def to_frame(self) -> pd.DataFrame:
        """Return the figures as a table (one row per figure, published and 万元 values)."""
        rows = [
            {
                "id": f.id, "label_zh": f.label_zh, "label_en": f.label_en, "value": f.value,
                "unit": f.unit, "qualifier": f.qualifier, "compare_value": f.compare_value,
                "compare_unit": f.compare_unit, "year": f.year, "note": f.note, "source": f.source.id,
            }
            for f in self.figures.values()
        ]
        return pd.DataFrame(rows)


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] is None:
        raise CoopmapError(f"{where}: missing '{key}'; every figure needs id, value, unit, qualifier and source")
    return entry[key]


def load_reported(path: str | Path | None = None) -> Reported:
    """Load the published figures and named cases.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the shipped layout; default ``data/reported/longling_2023.yaml``.

    Returns
    -------
    Reported
        ``.figures`` keyed by the facts sheet's ids, ``.cases`` keyed by case id.

    Raises
    ------
    CoopmapError
        When the file is missing or a figure lacks a field or names an unknown source.
    """
    path = Path(path) if path is not None else paths.REPORTED_YAML
    if not path.is_file():
        raise CoopmapError(f"{path}: published-figures file not found; restore data/reported/longling_2023.yaml from the repository")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}

    sources: dict[str, Source] = {}
    for sid, s in (data.get("sources") or {}).items():
        date = s.get("date")
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        sources[sid] = Source(sid, s["headline"], s["author_zh"], s["author_en"], s["publisher_zh"], s["publisher_en"], date)

    def source_of(entry: dict[str, Any], where: str) -> Source:
        sid = _require(entry, "source", where)
        if sid not in sources:
            raise CoopmapError(f"{where}: source {sid!r} is not listed under 'sources' in {path}")
        return sources[sid]

    known = {"id", "label_zh", "label_en", "value", "unit", "unit_en", "qualifier", "source", "note", "year", "tolerance"}
    figures: dict[str, Figure] = {}
    for entry in data.get("figures") or []:
        where = f"{path}: figure {entry.get('id', '?')}"
        fid = _require(entry, "id", where)
        if fid in figures:
            raise CoopmapError(f"{where}: id appears twice")
        qualifier = entry.get("qualifier", "exact")
        if qualifier not in QUALIFIERS:
            raise CoopmapError(f"{where}: qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}")
        if qualifier == "about" and entry.get("tolerance") is None:
            raise CoopmapError(f"{where}: an 'about' figure needs a tolerance")
        figures[fid] = Figure(
            id=fid,
            label_zh=entry.get("label_zh", fid),
            label_en=entry.get("label_en", fid),
            value=float(_require(entry, "value", where)),
            unit=str(_require(entry, "unit", where)),
            unit_en=str(entry.get("unit_en", entry["unit"])),
            qualifier=qualifier,
            source=source_of(entry, where),
            note=entry.get("note") or "",
            year=entry.get("year"),
            tolerance=entry.get("tolerance"),
            extra={k: v for k, v in entry.items() if k not in known},
        )

    cases: dict[str, Case] = {}
    for entry in data.get("cases") or []:
        where = f"{path}: case {entry.get('id', '?')}"
        figs = []
        for f in entry.get("figures") or []:
            column = f.get("column")
            columns = tuple(column) if isinstance(column, list) else ((column,) if column else ())
            figs.append(CaseFigure(f["id"], f.get("label_en", f["id"]), float(f["value"]), f["unit"], f.get("qualifier", "exact"), columns))
        cases[entry["id"]] = Case(
            id=entry["id"], place_zh=entry["place_zh"], township=entry["township"],
            village=entry.get("village"), group=entry.get("group"), level=entry["level"],
            industry_zh=entry["industry_zh"], industry_en=entry["industry_en"],
            industry_keyword=entry["industry_keyword"], with_enterprise=bool(entry.get("with_enterprise")),
            source=source_of(entry, where), note=entry.get("note") or "", figures=tuple(figs),
        )
    return Reported(figures, cases, sources, data.get("place") or {}, path)
