"""The metric catalog: the township metrics charts can show, and the analysts' extension point.

A :class:`Metric` names a township-level figure (label, unit, decimals) and how to
compute it from the township table. The built-in metrics are columns of
:func:`coopmap.figures.tables.township_table`; :func:`register_metric` adds an
analyst's own, which then becomes a column of that table and a choice for the map,
the ranking and the charts. Metric plug-ins (:mod:`coopmap.figures.plugins`) call
:func:`register_metric` so that a metric reaches the dashboard and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from coopmap.errors import CoopmapError

__all__ = [
    "BUILTIN_METRICS",
    "Metric",
    "TOWNSHIP_COLUMNS",
    "get_metric",
    "list_metrics",
    "register_metric",
    "unregister_metric",
]


@dataclass(frozen=True)
class Metric:
    """A township-level metric that charts can show.

    Attributes
    ----------
    id : str
        Column name in :func:`coopmap.figures.tables.township_table` and the key charts use.
    label_zh, label_en : str
        Labels for the user interface.
    unit_zh, unit_en : str
        Units (``万元`` / ``CNY 10k``, ``亩`` / ``mu``, ``%``, ``个`` / ``cooperatives``).
    decimals : int
        Decimals to show.
    compute : callable
        ``compute(township_table) -> Series`` aligned to the table's rows.
    """

    id: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    decimals: int
    compute: Callable[[pd.DataFrame], Any]

    def label(self, lang: str = "zh") -> str:
        """Return the label in ``lang`` (``zh`` or ``en``)."""
        return self.label_en if lang == "en" else self.label_zh

    def unit(self, lang: str = "zh") -> str:
        """Return the unit in ``lang`` (``zh`` or ``en``)."""
        return self.unit_en if lang == "en" else self.unit_zh


#: Columns :func:`coopmap.figures.tables.township_table` always has, before registered metrics
#: (kept here because a metric may not take one of their ids).
TOWNSHIP_COLUMNS: tuple[str, ...] = (
    "code", "name", "coops", "coops_township", "coops_village", "coops_group", "formed_new",
    "formed_upgraded", "standardized", "secretaries_as_chair", "cross_appointed", "villages_total",
    "villages_covered", "villages_reached", "villages_not_covered", "coverage_pct", "union_members", "members", "households", "land_mu",
    "revenue", "farmer_income", "collective_income", "sales",
)

_METRICS: dict[str, Metric] = {}


def _column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    def compute(table: pd.DataFrame) -> pd.Series:
        return table[name]

    compute.__name__ = f"column_{name}"
    return compute


_BUILTINS = (
    Metric("coverage_pct", "村覆盖率", "Village coverage", "%", "%", 1, _column("coverage_pct")),
    Metric("coops", "合作社数", "Cooperatives", "个", "cooperatives", 0, _column("coops")),
    Metric("revenue", "经营收入", "Revenue", "万元", "CNY 10k", 1, _column("revenue")),
    Metric("farmer_income", "带动群众增收", "Income brought to farmers", "万元", "CNY 10k", 1, _column("farmer_income")),
    Metric("collective_income", "村集体增收", "Added collective income", "万元", "CNY 10k", 1, _column("collective_income")),
    Metric("land_mu", "流转土地", "Land transferred", "亩", "mu", 0, _column("land_mu")),
)
BUILTIN_METRICS: tuple[str, ...] = tuple(m.id for m in _BUILTINS)
for _m in _BUILTINS:
    _METRICS[_m.id] = _m


def register_metric(metric: Metric, *, replace: bool = False) -> Metric:
    """Add a metric: it becomes a column of :func:`~coopmap.figures.tables.township_table` and a choice for charts.

    Parameters
    ----------
    metric : Metric
        The metric; its ``compute`` receives the township table (base columns and the
        metrics registered before it).
    replace : bool
        Replace a registered metric of the same id instead of raising.

    Returns
    -------
    Metric
        The metric, so that this can be used as a one-liner.

    Raises
    ------
    CoopmapError
        When the id is already registered (and ``replace`` is false) or is one of the
        table's own columns.

    Examples
    --------
    >>> register_metric(Metric("revenue_per_coop", "社均经营收入", "Revenue per cooperative",
    ...     "万元", "CNY 10k", 1, lambda t: t["revenue"] / t["coops"].where(t["coops"] > 0)))  # doctest: +SKIP
    """
    if not isinstance(metric, Metric):
        raise CoopmapError(f"register_metric needs a coopmap.figures.catalog.Metric, got {type(metric).__name__}")
    if not metric.id or not isinstance(metric.id, str):
        raise CoopmapError("a metric needs a non-empty string id")
    if metric.id in TOWNSHIP_COLUMNS and metric.id not in BUILTIN_METRICS:
        raise CoopmapError(f"metric id {metric.id!r} is a column of the township table already; choose another id")
    if metric.id in _METRICS and not replace:
        raise CoopmapError(f"a metric with id {metric.id!r} is already registered; pick another id or pass replace=True")
    if not callable(metric.compute):
        raise CoopmapError(f"metric {metric.id!r}: compute must be callable as compute(township_table)")
    _METRICS[metric.id] = metric
    return metric


def unregister_metric(metric_id: str) -> None:
    """Remove a registered metric (built-in metrics cannot be removed).

    Parameters
    ----------
    metric_id : str
        Id of a metric added with :func:`register_metric`.

    Raises
    ------
    CoopmapError
        When the id is a built-in metric or is not registered.
    """
    if metric_id in BUILTIN_METRICS:
        raise CoopmapError(f"{metric_id!r} is a built-in metric and cannot be removed")
    if metric_id not in _METRICS:
        raise CoopmapError(f"no metric {metric_id!r} is registered; registered: {', '.join(_METRICS)}")
    del _METRICS[metric_id]


def get_metric(metric_id: str) -> Metric:
    """Return a registered metric by id.

    Parameters
    ----------
    metric_id : str
        The metric's id (a column of :func:`~coopmap.figures.tables.township_table`).

    Returns
    -------
    Metric

    Raises
    ------
    CoopmapError
        When no metric has that id (the message lists the registered ones).
    """
    try:
        return _METRICS[metric_id]
    except KeyError:
        raise CoopmapError(f"no metric {metric_id!r} is registered; registered: {', '.join(_METRICS)}") from None


def list_metrics() -> list[Metric]:
    """Return the registered metrics, built-ins first, in registration order.

    Returns
    -------
    list of Metric
        A copy: changing it does not change the registry.
    """
    return list(_METRICS.values())
