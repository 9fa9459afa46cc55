"""A boundary file as people bring it: finding it, reading its layer, and naming its townships.

:func:`locate` finds the file to read in a folder, a ``.zip``, a Shapefile, a GeoJSON
or a GeoPackage; :func:`read_layer` reads its one polygon layer; :func:`identify_townships`
finds the column that names each feature's township, by code or by name. Anything
unreadable raises :class:`~coopmap.errors.BoundaryError` with a message that says what
to do. Checking the shapes themselves is :mod:`coopmap.geo.official`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from coopmap.data.divisions import Divisions
from coopmap.errors import BoundaryError, DivisionError

__all__ = ["CODE_COLUMNS", "NAME_COLUMNS", "BoundaryFile", "ColumnMatch", "first_line", "identify_townships",
           "locate", "read_layer"]

#: Column names tried first, in order (case-insensitive): codes, then names.
CODE_COLUMNS = ("code", "xzqdm", "adcode", "xzdm", "xzqhdm", "gb", "dm", "township_code",
                "乡镇代码", "行政区代码", "区划代码", "代码")
NAME_COLUMNS = ("name", "xzqmc", "xzmc", "mc", "township", "township_name", "name_zh", "name_3",
                "乡镇", "乡镇名称", "乡镇名", "名称")

_READABLE = (".geojson", ".json", ".gpkg", ".shp", ".zip")


# -- finding and reading ------------------------------------------------------------------
def _pick_in_folder(folder: Path) -> Path:
    found = [p for p in sorted(folder.rglob("*")) if p.suffix.lower() in _READABLE and p.is_file()]
    if len(found) == 1:
        return found[0]
    shapes = [p for p in found if p.suffix.lower() == ".shp"]
    if len(shapes) == 1:
        return shapes[0]
    if not found:
        raise BoundaryError(f"{folder}: the folder holds no boundary file (.shp, .geojson, .gpkg)")
    names = ", ".join(str(p.relative_to(folder)) for p in found)
    raise BoundaryError(f"{folder}: the folder holds several boundary files ({names}); name one of them")


def _zip_member(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if Path(n).suffix.lower() in (".shp", ".geojson", ".json", ".gpkg")]
    except zipfile.BadZipFile as exc:
        raise BoundaryError(f"{path}: not a readable .zip archive ({exc})") from None
    if not members:
        raise BoundaryError(f"{path}: the archive holds no .shp, .geojson or .gpkg file")
    shapes = [m for m in members if m.lower().endswith(".shp")]
    if len(members) == 1 or len(shapes) == 1:
        return (shapes or members)[0]
    raise BoundaryError(f"{path}: the archive holds several boundary files ({', '.join(members)}); unpack it and name one")


def _has_cpg(path: Path) -> bool:
    return path.suffix.lower() == ".shp" and any(path.with_suffix(s).exists() for s in (".cpg", ".CPG"))


@dataclass
class BoundaryFile:
    """What to hand to pyogrio for one file, and how to describe it.

    Attributes
    ----------
    target : str
        The path (or ``/vsizip/`` path into an archive) pyogrio reads.
    label : str
        How messages name the file.
    shapefile : bool
        Whether it is a Shapefile (whose attribute encoding may be unstated).
    has_cpg : bool
        Whether the attribute encoding is taken as stated (a ``.cpg`` beside the
        ``.shp``; always for a ``.zip``).
    """

    target: str
    label: str
    shapefile: bool
    has_cpg: bool


def locate(path: Path) -> BoundaryFile:
    """Find the boundary file to read at ``path``: the file, the one in a folder or in a ``.zip``.

    Parameters
    ----------
    path : Path
        A GeoJSON, a Shapefile (the ``.shp``, its folder or a ``.zip``) or a GeoPackage.

    Returns
    -------
    BoundaryFile
        What to read and how to name it.

    Raises
    ------
    BoundaryError
        When nothing is there, the type is not supported, or a folder or archive holds
        no boundary file or several.
    """
    if not path.exists():
        raise BoundaryError(f"{path}: no such file or folder")
    if path.is_dir():
        path = _pick_in_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        member = _zip_member(path)
        return BoundaryFile(f"/vsizip/{path.resolve()}/{member}", f"{path} ({member})", member.lower().endswith(".shp"), True)
    if suffix not in _READABLE:
        raise BoundaryError(f"{path}: unsupported file type {suffix or '(none)'}; use GeoJSON, a Shapefile (.shp, folder or .zip) or a GeoPackage")
    return BoundaryFile(str(path), str(path), suffix == ".shp", _has_cpg(path))


def read_layer(source: BoundaryFile, encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read the file's township layer (its only layer, or its only polygon layer).

    Parameters
    ----------
    source : BoundaryFile
        From :func:`locate`.
    encoding : str, optional
        The attribute encoding, for a Shapefile that does not state it (``gb18030``).

    Returns
    -------
    geopandas.GeoDataFrame
        The features as the file holds them.

    Raises
    ------
    BoundaryError
        When the file cannot be read or holds several layers to choose from.
    """
    import pyogrio

    kwargs: dict[str, Any] = {"encoding": encoding} if encoding else {}
    try:
        layers = pyogrio.list_layers(source.target)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BoundaryError(f"{source.label}: cannot be read as a boundary file ({first_line(exc)})") from None
    polygon_layers = [str(name) for name, kind in layers if kind is None or "polygon" in str(kind).lower()]
    if len(layers) > 1 and len(polygon_layers) != 1:
        names = ", ".join(str(n) for n, _ in layers)
        raise BoundaryError(f"{source.label}: several layers ({names}); keep only the township layer in the file")
    if len(layers) > 1:
        kwargs["layer"] = polygon_layers[0]
    try:
        return gpd.read_file(source.target, **kwargs)
    except Exception as exc:
        raise BoundaryError(f"{source.label}: cannot be read as a boundary file ({first_line(exc)})") from None


def first_line(exc: BaseException) -> str:
    """Return the first line of an exception's message (its type's name when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- identifying townships ---------------------------------------------------------------
@dataclass
class ColumnMatch:
    """The column that names the townships, and the township code of each feature.

    Attributes
    ----------
    column : str or None
        The column (``None``: no column names any township).
    codes : list of str or None
        Each feature's township code, ``None`` where the value names none.
    score : int
        How many features are named.
    conflicts : list of str
        Messages about other columns that name different townships.
    """

    column: str | None
    codes: list[str | None]
    score: int
    conflicts: list[str] = field(default_factory=list)


def _candidate_columns(frame: pd.DataFrame) -> list[str]:
    columns = [c for c in frame.columns if c != frame.geometry.name]
    lower = {str(c).lower(): c for c in columns}
    ordered: list[str] = []
    for wanted in CODE_COLUMNS + NAME_COLUMNS:
        if wanted in lower and lower[wanted] not in ordered:
            ordered.append(lower[wanted])
    ordered += [c for c in columns if c not in ordered]
    return ordered


def _resolve_column(values: pd.Series, divisions: Divisions) -> list[str | None]:
    codes: list[str | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            codes.append(None)
            continue
        if isinstance(value, (int, np.integer)):
            value = str(int(value))
        try:
            codes.append(divisions.resolve_township(value))
        except DivisionError:
            codes.append(None)
    return codes


def identify_townships(frame: pd.DataFrame, divisions: Divisions) -> ColumnMatch:
    """Find the column that names each feature's township, by code or by name.

    Known code and name columns (:data:`CODE_COLUMNS`, :data:`NAME_COLUMNS`) are tried
    first, then every other column; the one naming the most features wins. When several
    name every feature and disagree, the first is kept and the disagreement recorded.

    Parameters
    ----------
    frame : pandas.DataFrame
        The features (a GeoDataFrame; its geometry column is skipped).
    divisions : Divisions
        The county's divisions, which resolve codes and names.

    Returns
    -------
    ColumnMatch
        The column and each feature's township code.
    """
    best = ColumnMatch(None, [None] * len(frame), 0)
    full: list[ColumnMatch] = []
    for column in _candidate_columns(frame):
        codes = _resolve_column(frame[column], divisions)
        score = sum(c is not None for c in codes)
        match = ColumnMatch(column, codes, score)
        if score == len(frame) and score:
            full.append(match)
        if score > best.score:
            best = match
    if len(full) > 1:
        first = full[0]
        for other in full[1:]:
            rows = [i + 1 for i, (a, b) in enumerate(zip(first.codes, other.codes)) if a != b]
            if rows:
                first.conflicts.append(
                    f"columns {first.column} and {other.column} name different townships in features {rows}; using {first.column}")
        return first
    return best
