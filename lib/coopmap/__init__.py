"""coopmap: party-led farmer cooperatives of Longling County (龙陵县), mapped and checked.

The names below are the public API (``__all__``). The documented modules are
:mod:`coopmap.data.registry` (load, check and write registries), :mod:`coopmap.figures.catalog`
(the metric catalog), :mod:`coopmap.figures.tables` (county, township and village figures),
:mod:`coopmap.figures.relations` (union members, comparison peers, named cases),
:mod:`coopmap.figures.reconcile` (published against computed), :mod:`coopmap.figures.plugins`
(metric plug-ins), the charts (:mod:`coopmap.presentation.township_charts`,
:mod:`coopmap.presentation.village_charts`, :mod:`coopmap.presentation.cooperative_charts`),
:mod:`coopmap.presentation.chart_images`,
:mod:`coopmap.geo.boundaries` (the shapes to show), :mod:`coopmap.geo.official` (a boundary file,
checked), :mod:`coopmap.geo.schematic`, :mod:`coopmap.data.sample`, :mod:`coopmap.data.reported`,
:mod:`coopmap.data.divisions`, :mod:`coopmap.data.schema`, :mod:`coopmap.paths` and
:mod:`coopmap.errors`. ``docs/analyst-guide.md`` shows how to use them.
"""

from __future__ import annotations

from coopmap.data.divisions import Divisions, load_divisions
from coopmap.data.registry import Registry, ValidationReport, load_registry, write_registry
from coopmap.data.reported import Reported, load_reported
from coopmap.errors import BoundaryError, CoopmapError, DivisionError, ExportError, FontError, RegistryError
from coopmap.figures.catalog import Metric, get_metric, list_metrics, register_metric, unregister_metric
from coopmap.figures.plugins import load_plugins
from coopmap.figures.reconcile import reconcile
from coopmap.figures.tables import county_summary, township_table, village_table

__version__ = "0.1.0"

__all__ = [
    "BoundaryError",
    "CoopmapError",
    "DivisionError",
    "Divisions",
    "ExportError",
    "FontError",
    "RegistryError",
    "load_divisions",
    "Metric",
    "Reported",
    "county_summary",
    "get_metric",
    "list_metrics",
    "load_reported",
    "reconcile",
    "register_metric",
    "township_table",
    "village_table",
    "unregister_metric",
    "load_plugins",
    "Registry",
    "ValidationReport",
    "load_registry",
    "write_registry",
]
