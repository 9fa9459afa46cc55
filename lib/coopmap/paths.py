"""Where the project's shipped files live: fixed locations, nothing read from the environment.

Which registry and which boundaries are shown, and the local data folder a user may
move with ``COOPMAP_DATA_LOCAL``, are decided by :mod:`coopmap.data.sources`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = PROJECT_DIR / "data"

DIVISIONS_CSV = DATA_DIR / "divisions" / "longling_divisions.csv"
ALIASES_CSV = DATA_DIR / "divisions" / "aliases.csv"
REPORTED_YAML = DATA_DIR / "reported" / "longling_2023.yaml"
SAMPLE_XLSX = DATA_DIR / "registry" / "longling_coops_2023_sample.xlsx"
SAMPLE_CSV = DATA_DIR / "registry" / "longling_coops_2023_sample.csv"
COUNTY_OUTLINE = DATA_DIR / "boundaries" / "longling_county.geojson"
TOWNSHIP_POINTS = DATA_DIR / "boundaries" / "longling_township_points.csv"

COUNTY_CODE = "530523"
