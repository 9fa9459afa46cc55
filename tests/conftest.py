"""Shared fixtures: small registries written the way county offices keep them.

Helpers that tests import (rows, paths, ``write_csv``) live in ``tests/helpers``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_csv


@pytest.fixture
def registry_csv(tmp_path: Path):
    """Factory: ``registry_csv(rows, title=None, encoding=...)`` → path of a CSV registry."""

    def make(rows: list[dict[str, object]], **kwargs: object) -> Path:
        return write_csv(tmp_path / "registry.csv", rows, **kwargs)

    return make
