"""Official township boundaries: a user's boundary file checked and turned into the county's 10 townships.

:func:`load_townships` reads GeoJSON, a Shapefile (a folder, a ``.shp`` or a ``.zip``)
or a GeoPackage (:mod:`coopmap.geo.boundary_file`), finds each feature's township from
a code or name column, and returns exactly the county's 10 townships in EPSG:4326. It
never draws a wrong map silently: missing, duplicate or unknown townships raise
:class:`~coopmap.errors.BoundaryError`; repaired geometries, overlaps, gaps and a
GCJ-02-looking shift give a :class:`BoundaryWarning`. :func:`boundary_report` lists
the same findings for a person to judge (``coopmap boundaries``), and
:func:`measure_topology` measures overlaps and gaps between neighbours.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coopmap.data.divisions import load_divisions
from coopmap.errors import BoundaryError
from coopmap.geo import crs as crs_mod
from coopmap.geo.boundary_file import first_line, identify_townships, locate, read_layer
from coopmap.geo.county import county_outline, equal_area, in_official_order
from coopmap.geo.schematic import schematic_townships

__all__ = ["BoundaryWarning", "boundary_report", "load_townships", "measure_topology"]

_TOPOLOGY_WARN_FRACTION = 0.005  # warn on load when overlaps or gaps exceed 0.5 % of the area
_SHIFT_MIN_FRACTION = 0.005  # a hypothesis must fit better by 0.5 % of the area to warn
_LONLAT_BOX = (-180.0, -90.0, 180.0, 90.0)


class BoundaryWarning(UserWarning):
    """A boundary file was usable but something about it deserves a look."""


# -- geometry ---------------------------------------------------------------------------
def _looks_like_degrees(geoms) -> bool:
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    return _LONLAT_BOX[0] <= xmin and xmax <= _LONLAT_BOX[2] and _LONLAT_BOX[1] <= ymin and ymax <= _LONLAT_BOX[3]


def _to_lonlat(frame: gpd.GeoDataFrame, label: str, warns: list[str]) -> np.ndarray:
    """Return the geometries in longitude/latitude as the file states them (no GCJ step)."""
    geoms = shapely.force_2d(frame.geometry.values)
    if frame.crs is None:
        if not _looks_like_degrees(geoms):
            raise BoundaryError(
                f"{label}: the file has no coordinate system (for a Shapefile: no .prj) and its coordinates "
                "are not degrees; export it again with its .prj or in EPSG:4490/EPSG:4326")
        warns.append(f"{label}: no coordinate system stated; read as longitude/latitude (WGS84/CGCS2000)")
        return np.asarray(geoms)
    series = gpd.GeoSeries(geoms, crs=frame.crs)
    if series.crs.equals(gpd.GeoSeries([], crs=4326).crs):
        return np.asarray(series.values)
    try:
        return np.asarray(series.to_crs(4326).values)
    except Exception as exc:
        raise BoundaryError(f"{label}: cannot reproject from {frame.crs.name} to WGS84 ({first_line(exc)})") from None


def _repair(geoms: np.ndarray, names: list[str], warns: list[str]) -> np.ndarray:
    out = geoms.copy()
    for i, geom in enumerate(geoms):
        if shapely.is_valid(geom):
            continue
        reason = shapely.is_valid_reason(geom)
        fixed = shapely.make_valid(geom)
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
        fixed = shapely.union_all(parts) if parts else shapely.Polygon()
        out[i] = fixed
        warns.append(f"repaired invalid geometry of {names[i]} ({reason})")
    return out


def _shift_score(geoms: np.ndarray, complete: bool) -> float:
    """Area (m²) by which ``geoms`` disagree with the county outline."""
    union = equal_area([shapely.union_all(geoms)])[0]
    outline = equal_area([county_outline()])[0]
    if complete:
        return float(shapely.symmetric_difference(union, outline).area)
    return float(shapely.difference(union, outline).area)


def _check_shift(lonlat: np.ndarray, chosen: str, complete: bool) -> str | None:
    """Say which ``crs`` option fits the county outline when it is not the chosen one."""
    scores = {name: _shift_score(crs_mod.to_wgs84(lonlat, name), complete) for name in crs_mod.CRS_CHOICES}
    best = min(scores, key=scores.get)
    if best == chosen:
        return None
    area = float(sum(shapely.area(equal_area(crs_mod.to_wgs84(lonlat, chosen)))))
    if scores[chosen] < 2 * scores[best] or scores[chosen] - scores[best] < _SHIFT_MIN_FRACTION * area:
        return None
    names = {"wgs84": "WGS84/CGCS2000", "gcj02": "GCJ-02 (AMap/Gaode, Tencent)", "bd09": "BD-09 (Baidu)"}
    option = "no crs option (WGS84)" if best == "wgs84" else f"crs={best!r} (--crs {best})"
    return (f"the boundaries sit off the county outline the way {names[best]} coordinates do "
            f"({scores[chosen] / 1e6:.1f} km² mismatch as {chosen}, {scores[best] / 1e6:.1f} km² as {best}); "
            f"load with {option}")


def measure_topology(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Measure areas, overlaps and enclosed gaps between neighbouring townships.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Township polygons in EPSG:4326 with ``name`` (or ``code``) column.

    Returns
    -------
    dict
        ``area_km2`` (area of the union), ``overlap_km2`` (sum of pairwise
        intersections), ``overlap_pairs`` (list of ``[name, name, km²]`` above
        0.001 km²), ``gap_km2`` and ``gap_count`` (holes of the union: slivers
        between neighbours that belong to no township), all in an equal-area
        projection.
    """
    geoms = equal_area(gdf.geometry.values)
    labels = list(gdf["name"] if "name" in gdf else gdf["code"])
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    overlap = 0.0
    pairs = []
    for i, j in zip(left, right):
        if i >= j:
            continue
        area = float(shapely.intersection(geoms[i], geoms[j]).area)
        overlap += area
        if area > 1_000:
            pairs.append([labels[i], labels[j], round(area / 1e6, 3)])
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(ring) for poly in shapely.get_parts(union) for ring in poly.interiors]
    gap = float(sum(h.area for h in holes))
    return {
        "area_km2": round(float(union.area) / 1e6, 3),
        "overlap_km2": round(overlap / 1e6, 3),
        "overlap_pairs": pairs,
        "gap_km2": round(gap / 1e6, 3),
        "gap_count": len(holes),
    }


# -- loading ----------------------------------------------------------------------------
@dataclass
class _Loaded:
    label: str
    crs: str
    source_crs: str | None
    column: str | None
    rows: int
    gdf: gpd.GeoDataFrame  # matched rows, in file order, EPSG:4326
    unmatched: list[str]
    missing: list[str]
    duplicates: list[str]
    warnings: list[str]

    @property
    def problems(self) -> list[str]:
        out = []
        if self.missing:
            out.append("missing " + ", ".join(self.missing))
        if self.duplicates:
            out.append("duplicate " + "; ".join(self.duplicates))
        if self.unmatched:
            out.append("unknown " + ", ".join(self.unmatched))
        return out

    def error(self) -> str:
        where = f" (column {self.column})" if self.column else ""
        return (f"{self.label}: {'; '.join(self.problems)}{where}. "
                "The file must hold each of the county's 10 townships exactly once")


def _prepare(path: str | os.PathLike, crs: str | None) -> _Loaded:
    try:
        chosen = crs_mod.normalize_crs_name(crs)
    except ValueError as exc:
        raise BoundaryError(str(exc)) from None
    divisions = load_divisions()
    source = locate(Path(path))
    frame = read_layer(source)
    if frame.empty:
        raise BoundaryError(f"{source.label}: the file holds no features")
    match = identify_townships(frame, divisions)
    if source.shapefile and not source.has_cpg and match.score < len(frame):
        # Chinese shapefiles without a .cpg are usually GBK-encoded.
        retry = read_layer(source, encoding="gb18030")
        retry_match = identify_townships(retry, divisions)
        if retry_match.score > match.score:
            frame, match = retry, retry_match
    if match.column is None:
        columns = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "(none)"
        raise BoundaryError(
            f"{source.label}: no column names the townships (columns: {columns}); add a code column "
            "(code or XZQDM, e.g. 530523101 or 530523101000) or a name column (name, NAME, XZQMC or 乡镇)")
    kinds = set(shapely.get_type_id(shapely.force_2d(frame.geometry.values[frame.geometry.notna().values])))
    if not kinds or not kinds <= {3, 6}:
        raise BoundaryError(f"{source.label}: the features are not polygons; township boundaries must be (Multi)Polygons")

    warns: list[str] = list(match.conflicts)
    lonlat = _to_lonlat(frame, source.label, warns)
    values = frame[match.column].tolist()
    unmatched = [f"{values[i]!r} (feature {i + 1})" for i, c in enumerate(match.codes) if c is None]
    keep = [i for i, c in enumerate(match.codes) if c is not None]
    codes = [match.codes[i] for i in keep]
    names = [divisions.township_name(c) for c in codes]
    lonlat = lonlat[keep]
    empty = [names[i] for i, g in enumerate(lonlat) if g is None or shapely.is_empty(g)]
    if empty:
        raise BoundaryError(f"{source.label}: empty geometry for {', '.join(empty)}")
    lonlat = _repair(lonlat, names, warns)
    counts = pd.Series(codes).value_counts()
    duplicates = [
        f"{divisions.township_name(c)} (features {', '.join(str(keep[i] + 1) for i, x in enumerate(codes) if x == c)})"
        for c in counts[counts > 1].index
    ]
    missing = [n for c, n in divisions.townships[["code", "name"]].itertuples(index=False) if c not in set(codes)]
    complete = not missing and not duplicates and not unmatched
    shift = _check_shift(lonlat, chosen, complete) if len(lonlat) else None
    if shift:
        warns.append(shift)
    geoms = crs_mod.to_wgs84(lonlat, chosen)
    gdf = gpd.GeoDataFrame({"code": codes, "name": names}, geometry=list(geoms), crs=4326)
    source_crs = frame.crs.to_string() if frame.crs is not None else None
    return _Loaded(source.label, chosen, source_crs, match.column, len(frame), gdf,
                   unmatched, missing, duplicates, warns)


def load_townships(path: str | os.PathLike | None = None, crs: str | None = None) -> gpd.GeoDataFrame:
    """Load township boundaries and return exactly the county's 10 townships.

    Parameters
    ----------
    path : str or path-like, optional
        A GeoJSON, a Shapefile (the ``.shp``, its folder or a ``.zip``) or a
        GeoPackage. ``None`` gives the schematic default (:func:`schematic_townships`).
    crs : {"wgs84", "gcj02", "bd09"}, optional
        Coordinates that a file cannot declare: ``"gcj02"`` (AMap/Gaode, Tencent)
        and ``"bd09"`` (Baidu) are converted to WGS84. Files with a stated CRS
        (e.g. CGCS2000, EPSG:4490, or a projected CRS) are reprojected first.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (9 digits), ``name`` (official), ``geometry``; 10 rows in
        official order; EPSG:4326. ``attrs`` holds ``schematic``, ``source``,
        ``column``, ``crs`` and ``topology`` (:func:`measure_topology`).

    Raises
    ------
    BoundaryError
        When the file cannot be read, has no column naming townships, or has
        missing, duplicate or unknown townships (the message says which).

    Warns
    -----
    BoundaryWarning
        Repaired invalid geometries; coordinates that look GCJ-02/BD-09 shifted (the
        message names the ``crs`` option to use); conflicting code and name columns;
        overlaps or gaps above 0.5 % of the county's area.

    Examples
    --------
    >>> towns = load_townships()  # schematic default
    >>> len(towns), towns.crs.to_epsg()
    (10, 4326)
    """
    if path is None:
        return schematic_townships()
    loaded = _prepare(path, crs)
    if loaded.problems:
        raise BoundaryError(loaded.error())
    topology = measure_topology(loaded.gdf)
    messages = list(loaded.warnings)
    for key, what in (("overlap_km2", "neighbouring townships overlap by"), ("gap_km2", "gaps between townships cover")):
        if topology[key] > _TOPOLOGY_WARN_FRACTION * topology["area_km2"]:
            messages.append(f"{what} {topology[key]:.1f} km² (run `coopmap boundaries` for details)")
    for message in messages:
        warnings.warn(f"{loaded.label}: {message}", BoundaryWarning, stacklevel=2)
    gdf = in_official_order(loaded.gdf, load_divisions(), source=loaded.label, schematic=False)
    gdf.attrs.update({"column": loaded.column, "crs": loaded.crs, "topology": topology})
    return gdf


def boundary_report(path: str | os.PathLike, crs: str | None = None) -> dict[str, Any]:
    """Check a boundary file and return what a person needs to judge it.

    Unlike :func:`load_townships`, township problems do not raise: they are listed.

    Parameters
    ----------
    path : str or path-like
        The boundary file (as for :func:`load_townships`).
    crs : {"wgs84", "gcj02", "bd09"}, optional
        Coordinate option, as for :func:`load_townships`.

    Returns
    -------
    dict
        ``source``, ``usable`` (bool), ``error`` (str or None), ``column``,
        ``features``, ``townships_matched`` (int), ``unmatched`` (values that name no
        township), ``missing`` and ``duplicates`` (township names), ``crs`` (the
        option applied), ``source_crs``, ``area_km2``, ``overlap_km2``,
        ``overlap_pairs``, ``gap_km2``, ``gap_count``, ``townships`` (code, name,
        area_km2 each) and ``warnings``.

    Raises
    ------
    BoundaryError
        When the file cannot be read at all or no column names the townships.
    """
    loaded = _prepare(path, crs)
    gdf = loaded.gdf
    topology = measure_topology(gdf) if len(gdf) else {
        "area_km2": 0.0, "overlap_km2": 0.0, "overlap_pairs": [], "gap_km2": 0.0, "gap_count": 0}
    warns = list(loaded.warnings)
    if topology["overlap_km2"] > 0.01:
        warns.append(f"neighbouring townships overlap by {topology['overlap_km2']:.2f} km²")
    if topology["gap_count"]:
        warns.append(f"{topology['gap_count']} gaps between townships, {topology['gap_km2']:.2f} km² in all")
    areas = shapely.area(equal_area(gdf.geometry.values)) / 1e6 if len(gdf) else []
    return {
        "source": loaded.label,
        "usable": not loaded.problems,
        "error": loaded.error() if loaded.problems else None,
        "column": loaded.column,
        "features": loaded.rows,
        "townships_matched": int(gdf["code"].nunique()),
        "unmatched": loaded.unmatched,
        "missing": loaded.missing,
        "duplicates": loaded.duplicates,
        "crs": loaded.crs,
        "source_crs": loaded.source_crs,
        **topology,
        "townships": [
            {"code": c, "name": n, "area_km2": round(float(a), 3)}
            for c, n, a in zip(gdf["code"], gdf["name"], areas)
        ],
        "warnings": warns,
    }
