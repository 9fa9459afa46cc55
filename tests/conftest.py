"""Shared fixtures: small registries written the way county offices keep them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from valid_row import HEADER, coop_row  # noqa: F401  (tests import them from here)

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
REAL_BOUNDARIES = SHARED / "data" / "boundaries" / "longling_townships.geojson"


def write_csv(path: Path, rows: list[dict[str, object]], title: str | None = None, encoding: str = "utf-8-sig", header: list[str] | None = None) -> Path:
    """Write rows as a CSV registry, optionally under a title row."""
    header = header or HEADER
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


@pytest.fixture
def registry_csv(tmp_path: Path):
    """Factory: ``registry_csv(rows, title=None, encoding=...)`` → path of a CSV registry."""

    def make(rows: list[dict[str, object]], **kwargs: object) -> Path:
        return write_csv(tmp_path / "registry.csv", rows, **kwargs)

    return make
