"""Where the project's files live: one place for every path the library reads.

Environment variables let a user point the dashboard and the CLI at their own files
without editing code:

``COOPMAP_REGISTRY``
    A registry file (.xlsx or .csv) used instead of the shipped illustrative sample
    (``coopmap serve --registry`` sets it; the dashboard takes it as the base version of
    the local store, see :mod:`coopmap.data.versions`).
``COOPMAP_BOUNDARIES``
    An official township boundary file used instead of the schematic default.
``COOPMAP_DATA_LOCAL``
    The folder for local, never-committed data (default ``<project>/data/local``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("COOPMAP_DATA_DIR", PROJECT_DIR / "data"))

DIVISIONS_CSV = DATA_DIR / "divisions" / "longling_divisions.csv"
ALIASES_CSV = DATA_DIR / "divisions" / "aliases.csv"
REPORTED_YAML = DATA_DIR / "reported" / "longling_2023.yaml"
SAMPLE_XLSX = DATA_DIR / "registry" / "longling_coops_2023_sample.xlsx"
SAMPLE_CSV = DATA_DIR / "registry" / "longling_coops_2023_sample.csv"
COUNTY_OUTLINE = DATA_DIR / "boundaries" / "longling_county.geojson"
TOWNSHIP_POINTS = DATA_DIR / "boundaries" / "longling_township_points.csv"

COUNTY_CODE = "530523"


def local_dir() -> Path:
    """Return the git-ignored folder for a user's own data (official files, versions)."""
    return Path(os.environ.get("COOPMAP_DATA_LOCAL", DATA_DIR / "local"))


def base_registry() -> Path:
    """Return the registry a program was started with: ``COOPMAP_REGISTRY``, else the shipped sample.

    It is the *base version* of the local store (:func:`coopmap.data.versions.base_version`):
    shown until a version is accepted, and always one to switch back to.
    """
    env = os.environ.get("COOPMAP_REGISTRY")
    return Path(env) if env else SAMPLE_XLSX


def default_registry() -> Path:
    """Return the registry the CLI and the notebooks use when none is named.

    ``COOPMAP_REGISTRY`` wins (a file named for this program); then the active version
    accepted into the local store (:mod:`coopmap.data.versions`); otherwise the shipped
    illustrative sample (xlsx). The dashboard, whose data panel switches versions,
    takes the store's choice first: :func:`coopmap.data.versions.current_registry`.
    """
    env = os.environ.get("COOPMAP_REGISTRY")
    if env:
        return Path(env)
    from coopmap.data.versions import active_registry_path

    return active_registry_path() or SAMPLE_XLSX
