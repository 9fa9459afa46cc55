"""coopmap: party-led farmer cooperatives of Longling County (龙陵县), mapped and checked."""

from __future__ import annotations

from .divisions import Divisions, load_divisions
from .errors import BoundaryError, CoopmapError, DivisionError, ExportError, FontError, RegistryError
from .metrics import Metric, county_summary, get_metric, list_metrics, reconcile, register_metric, township_table, village_table
from .reported import Reported, load_reported

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
]
