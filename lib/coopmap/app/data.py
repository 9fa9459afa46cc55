"""The data one dashboard shows, loaded once per kernel, and the tables derived from it.

:class:`AppData` holds the registry, the divisions, the township boundaries (already
simplified and oriented for the browser), the published figures and where each came
from. :class:`Filters` narrows the registry; :meth:`AppData.tables` computes the
county, township and village tables for a set of filters once and keeps them, so that a
click never recomputes what it has seen before.

Nothing here holds a visitor's selection: that is :class:`coopmap.app.state.AppState`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

import geopandas as gpd
import pandas as pd

from coopmap.data import sources
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.industries import industry_counts, industry_mask, split_industries
from coopmap.data.reported import Reported, load_reported
from coopmap.data.schema import FORMATIONS, LEAD_LEVELS
from coopmap.figures import catalog
from coopmap.figures.reconcile import reconcile
from coopmap.figures.tables import county_summary, township_table, village_table
from coopmap.i18n import t

YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class Filters:
    """What the visitor narrowed the registry to; ``None`` means no restriction.

    Attributes
    ----------
    lead_level : {"township", "village", "group"} or None
    formation : {"new", "upgraded"} or None
    standardized : bool or None
    industry : str or None
        One industry (:func:`coopmap.data.industries.split_industries` of a 主导产业 cell);
        a cooperative passes when its cell lists it, alone or among others.
    """

    lead_level: Optional[str] = None
    formation: Optional[str] = None
    standardized: Optional[bool] = None
    industry: Optional[str] = None

    @property
    def active(self) -> bool:
        """Whether any filter restricts the registry."""
        return any(v is not None for v in (self.lead_level, self.formation, self.standardized, self.industry))

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``frame`` that pass every filter."""
        mask = pd.Series(True, index=frame.index)
        if self.lead_level is not None:
            mask &= frame["lead_level"] == self.lead_level
        if self.formation is not None:
            mask &= frame["formation"] == self.formation
        if self.standardized is not None:
            mask &= frame["standardized"].astype(bool) == self.standardized
        if self.industry is not None:
            mask &= industry_mask(frame["industry"], self.industry)
        return frame[mask]

    def describe(self, lang: str = "zh") -> str:
        """Say what the filters keep: ``领办层级：村级领办；主导产业：茶叶`` (empty when none is on)."""
        parts = []
        if self.lead_level is not None:
            parts.append((t("app.filter.lead_level", lang), t(f"app.level.{self.lead_level}", lang)))
        if self.formation is not None:
            parts.append((t("app.filter.formation", lang), t(f"app.formation.{self.formation}", lang)))
        if self.standardized is not None:
            parts.append((t("app.filter.standardized", lang), t("app.yes" if self.standardized else "app.no", lang)))
        if self.industry is not None:
            parts.append((t("app.filter.industry", lang), self.industry))
        if lang == "zh":
            return "；".join(f"{name}：{value}" for name, value in parts)
        return "; ".join(f"{name}: {value}" for name, value in parts)

    def query_items(self) -> list[tuple[str, str]]:
        """Return the filters as query-string pairs (``level``, ``formation``, ``standardized``, ``industry``)."""
        items = []
        if self.lead_level is not None:
            items.append(("level", self.lead_level))
        if self.formation is not None:
            items.append(("formation", self.formation))
        if self.standardized is not None:
            items.append(("standardized", "yes" if self.standardized else "no"))
        if self.industry is not None:
            items.append(("industry", self.industry))
        return items

    @classmethod
    def from_query(cls, params: dict[str, str], industries: tuple[str, ...]) -> tuple["Filters", list[tuple[str, str]]]:
        """Read filters from query parameters.

        ``industry`` names one of ``industries`` (spaces and separators around it are
        forgiven). A value listing several industries (``核桃、茶叶``, as links made
        when the filter offered whole 主导产业 cells did) is not a filter any more: it
        is returned as not understood.

        Returns
        -------
        tuple
            The filters and the ``(name, value)`` pairs that were not understood
            (they are ignored, and the page says so).
        """
        bad: list[tuple[str, str]] = []
        values: dict[str, Any] = {}
        for name, attr, allowed in (("level", "lead_level", LEAD_LEVELS), ("formation", "formation", FORMATIONS)):
            if name in params:
                if params[name] in allowed:
                    values[attr] = params[name]
                else:
                    bad.append((name, params[name]))
        if "standardized" in params:
            if params["standardized"] in YES_NO:
                values["standardized"] = YES_NO[params["standardized"]]
            else:
                bad.append(("standardized", params["standardized"]))
        if "industry" in params:
            parts = split_industries(params["industry"])
            if len(parts) == 1 and parts[0] in industries:
                values["industry"] = parts[0]
            else:
                bad.append(("industry", params["industry"]))
        return cls(**values), bad


@dataclass(frozen=True)
class Tables:
    """Everything derived from the registry under one set of filters.

    Attributes
    ----------
    filters : Filters
    frame : pandas.DataFrame
        The matching cooperatives.
    townships, villages : pandas.DataFrame
        :func:`coopmap.figures.tables.township_table` and :func:`coopmap.figures.tables.village_table`
        of ``frame``.
    summary : dict
        :func:`coopmap.figures.tables.county_summary` of ``frame``.
    empty : frozenset of str
        Under filters, the townships none of whose cooperatives match: they have no
        data (no rank, grey on the map), not zeros. Empty without filters.
    """

    filters: Filters
    frame: pd.DataFrame
    townships: pd.DataFrame
    villages: pd.DataFrame
    summary: dict[str, Any]
    empty: frozenset[str] = frozenset()

    @property
    def nothing_matches(self) -> bool:
        """Whether filters are on and no cooperative of the county matches them."""
        return self.filters.active and self.frame.empty


@dataclass
class AppData:
    """What the dashboard shows and where it came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        The canonical registry (accepted rows).
    divisions : Divisions
        Official townships and villages.
    boundaries : geopandas.GeoDataFrame
        The 10 townships (``code``, ``name``, ``geometry``) as loaded; the chart
        builders simplify them for the browser.
    schematic : bool
        Whether the boundaries are the schematic default (maps must say 示意边界).
    boundaries_source : str
        The boundary file used, or a description of the schematic default.
    registry_source : str
        The registry file shown.
    illustrative : bool
        Whether the registry is illustrative sample data.
    title : str
        The registry file's title row, if it has one.
    file_date : datetime.date or None
        When the registry file was last modified.
    reported : Reported
        The published figures.
    report : object or None
        The registry's validation report (rows read, accepted, rejected...).
    provenance : coopmap.data.sources.Provenance or None
        What data is shown, as :mod:`coopmap.data.sources` resolved it (``None`` for
        data built by hand, e.g. in tests).
    """

    frame: pd.DataFrame
    divisions: Divisions
    boundaries: gpd.GeoDataFrame
    schematic: bool
    boundaries_source: str
    registry_source: str
    illustrative: bool
    title: str = ""
    file_date: Optional[dt.date] = None
    reported: Optional[Reported] = None
    report: Any = None
    provenance: Optional[sources.Provenance] = None
    _cache: dict[tuple, Tables] = field(default_factory=dict, repr=False)
    _reconciled: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _industries: Optional[tuple[str, ...]] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.reported is None:
            self.reported = load_reported()
        self.frame = self.frame.reset_index(drop=True)
        self._by_uscc = {u: i for i, u in enumerate(self.frame["uscc"])}
        if self.provenance is None:  # data built by hand (tests, notebooks): its fields say what it is
            boundaries = (sources.BoundarySource("schematic") if self.schematic
                          else sources.BoundarySource("official", Path(self.boundaries_source)))
            self.provenance = sources.Provenance(
                registry_file=Path(self.registry_source), version_id=None, version_name=Path(self.registry_source).name,
                file_date=self.file_date, years=tuple(self.years), illustrative=bool(self.illustrative),
                title=self.title or "", boundaries=boundaries)

    # -- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, registry: str | os.PathLike[str] | None = None,
             boundaries: str | os.PathLike[str] | None = None, *,
             policy: sources.Policy = sources.NAMED_FILE_FIRST) -> "AppData":
        """Load the registry and boundaries the dashboard should show.

        Parameters
        ----------
        registry : path, optional
            Registry file; default :func:`coopmap.data.sources.registry_file` under
            ``policy``.
        boundaries : path, optional
            Township boundaries; default :func:`coopmap.geo.boundaries.default_boundaries`
            (``COOPMAP_BOUNDARIES``, a file in ``data/local/``, else schematic).
        policy : coopmap.data.sources.Policy
            Who wins when no registry is named: ``COOPMAP_REGISTRY`` (default, as the
            CLI) or the store's active version (:data:`coopmap.data.sources.STORE_FIRST`,
            the dashboard).

        Raises
        ------
        RegistryError, BoundaryError
            When a file cannot be used.
        """
        from coopmap.geo.boundaries import default_boundaries

        loaded, shown = sources.load(registry, boundaries, policy=policy)
        with warnings.catch_warnings():
            # Boundary warnings (overlaps, repairs) are for `coopmap boundaries`; the
            # dashboard shows the file it drew.
            warnings.simplefilter("ignore")
            gdf, _, _ = default_boundaries(shown.boundaries)
        return cls(
            frame=loaded.frame,
            divisions=load_divisions(),
            boundaries=gdf,
            schematic=shown.schematic,
            boundaries_source=shown.boundaries.description,
            registry_source=str(shown.registry_file),
            illustrative=shown.illustrative,
            title=shown.title,
            file_date=shown.file_date,
            report=loaded.report,
            provenance=shown,
        )

    # -- lookups -----------------------------------------------------------------------
    @property
    def industries(self) -> tuple[str, ...]:
        """The single industries the registry's cooperatives list, most often listed first.

        A cell listing several (``核桃、茶叶``) counts for each of them
        (:func:`coopmap.data.industries.split_industries`).
        """
        if self._industries is None:
            counts = industry_counts(self.frame["industry"])
            self._industries = tuple(sorted(counts, key=lambda i: (-counts[i], i)))
        return self._industries

    @property
    def years(self) -> list[int]:
        """Registry years (年度) present in the data."""
        return sorted({int(y) for y in self.frame["year"].dropna()}) if "year" in self.frame else []

    @property
    def township_codes(self) -> list[str]:
        """The 10 township codes in official order."""
        return list(self.divisions.townships["code"])

    def has_coop(self, uscc: str) -> bool:
        """Whether ``uscc`` is a cooperative of the registry."""
        return uscc in self._by_uscc

    def coop(self, uscc: str) -> pd.Series:
        """Return the registry row of one cooperative."""
        return self.frame.iloc[self._by_uscc[uscc]]

    def tables(self, filters: Filters = Filters()) -> Tables:
        """Return the county summary, township and village tables under ``filters``.

        Cached per filters and per set of registered metrics (a metric registered
        later becomes a column of the township table at the next call).
        """
        key = (filters, tuple(m.id for m in catalog.list_metrics()))
        cached = self._cache.get(key)
        if cached is None:
            frame = filters.apply(self.frame)
            townships = township_table(frame, self.divisions)
            empty = frozenset(townships.loc[townships["coops"] == 0, "code"].astype(str)) if filters.active else frozenset()
            cached = Tables(
                filters=filters,
                frame=frame,
                townships=townships,
                villages=village_table(frame, self.divisions),
                summary=county_summary(frame, self.divisions),
                empty=empty,
            )
            self._cache[key] = cached
        return cached

    def reconciliation(self, lang: str) -> pd.DataFrame:
        """Published against computed figures for the whole registry (never filtered)."""
        if lang not in self._reconciled:
            self._reconciled[lang] = reconcile(self.frame, self.reported, divisions=self.divisions, lang=lang)
        return self._reconciled[lang]

    def invalidate(self) -> None:
        """Forget derived tables (after a metric is registered, for instance).

        The charts built from them are kept by the chart layer:
        ``coopmap.app.slots.chart_cache(data).clear()`` forgets them.
        """
        self._cache.clear()
        self._reconciled.clear()

    def with_frame(self, frame: pd.DataFrame) -> "AppData":
        """Return a copy showing another registry frame (same boundaries and sources)."""
        return replace(self, frame=frame, _cache={}, _reconciled={}, _industries=None)


def is_missing(value: Any) -> bool:
    """Whether a registry cell is empty (None, NaN, pandas NA)."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False
