"""coopmap: party-led farmer cooperatives of Longling County (龙陵县), mapped and checked."""

from __future__ import annotations

from .divisions import Divisions, load_divisions
from .errors import BoundaryError, CoopmapError, DivisionError, ExportError, FontError, RegistryError

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
]
