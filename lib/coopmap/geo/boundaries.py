"""Township boundaries: official files as people bring them, and a labelled schematic default.

:func:`load_townships` reads GeoJSON, a Shapefile (a folder, a ``.shp`` or a ``.zip``)
or a GeoPackage, finds each feature's township from a code or name column, and returns
exactly the county's 10 townships in EPSG:4326. It never draws a wrong map silently:
missing, duplicate or unknown townships raise :class:`~coopmap.errors.BoundaryError`;
repaired geometries, overlaps, gaps and a GCJ-02-looking shift give a
:class:`BoundaryWarning`.

Without a file, the schematic default is built from the county outline
(``data/boundaries/longling_county.geojson``) and one label point per township: the
Voronoi cells of the points clipped to the outline. Maps drawn on it must say 示意边界.
:func:`default_boundaries` picks official boundaries when a user has supplied them.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.polygon import orient

from coopmap import paths
from coopmap.data import sources
from coopmap.data.divisions import Divisions, load_divisions
from coopmap.errors import BoundaryError, DivisionError
from coopmap.geo import crs as crs_mod

__all__ = [
    "BoundaryWarning",
    "EQUAL_AREA_CRS",
    "boundary_report",
    "county_outline",
    "default_boundaries",
    "label_points",
    "load_townships",
    "measure_topology",
    "orient_for_vega",
    "schematic_townships",
    "simplify_for_web",
]

#: Albers equal-area projection centred on the county, for areas in km².
EQUAL_AREA_CRS = "+proj=aea +lat_0=24.5 +lat_1=23 +lat_2=26 +lon_0=98.8 +datum=WGS84 +units=m +no_defs"

#: Column names tried first, in order (case-insensitive): codes, then names.
CODE_COLUMNS = ("code", "xzqdm", "adcode", "xzdm", "xzqhdm", "gb", "dm", "township_code",
                "乡镇代码", "行政区代码", "区划代码", "代码")
NAME_COLUMNS = ("name", "xzqmc", "xzmc", "mc", "township", "township_name", "name_zh", "name_3",
                "乡镇", "乡镇名称", "乡镇名", "名称")

#: File names looked for in the local data folder, in order.
LOCAL_NAMES = sources.LOCAL_BOUNDARY_NAMES

_READABLE = (".geojson", ".json", ".gpkg", ".shp", ".zip")
_TOPOLOGY_WARN_FRACTION = 0.005  # warn on load when overlaps or gaps exceed 0.5 % of the area
_SHIFT_MIN_FRACTION = 0.005  # a hypothesis must fit better by 0.5 % of the area to warn
_LONLAT_BOX = (-180.0, -90.0, 180.0, 90.0)


class BoundaryWarning(UserWarning):
    """A boundary file was usable but something about it deserves a look."""


# -- shipped geometry -------------------------------------------------------------------
@lru_cache(maxsize=1)
def _outline() -> shapely.Geometry:
    gdf = gpd.read_file(paths.COUNTY_OUTLINE)
    return shapely.union_all(gdf.geometry.values)


def county_outline() -> shapely.Geometry:
    """Return the county outline (WGS84 MultiPolygon) shipped in ``data/boundaries/``."""
    return _outline()


def _equal_area(geoms) -> np.ndarray:
    """Project WGS84 geometries to :data:`EQUAL_AREA_CRS`."""
    return gpd.GeoSeries(geoms, crs=4326).to_crs(EQUAL_AREA_CRS).values


@lru_cache(maxsize=1)
def _schematic() -> gpd.GeoDataFrame:
    divisions = load_divisions()
    points = pd.read_csv(paths.TOWNSHIP_POINTS, dtype={"code": str})
    missing = set(divisions.townships["code"]) - set(points["code"])
    if missing:
        raise BoundaryError(f"{paths.TOWNSHIP_POINTS}: no label point for townships {sorted(missing)}")
    pts = gpd.GeoSeries(gpd.points_from_xy(points["lon"], points["lat"]), crs=4326).to_crs(EQUAL_AREA_CRS)
    outline = _equal_area([_outline()])[0]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(list(pts.values)),
                                                       extend_to=outline.buffer(20_000)))
    main, stray = [], []
    for point in pts.values:
        cell = next(c for c in cells if c.contains(point))
        parts = list(shapely.get_parts(shapely.intersection(cell, outline)))
        main.append(next(p for p in parts if p.intersects(point)))
        stray += [p for p in parts if not p.intersects(point)]
    # A cell can cut off a sliver of the outline beyond a neighbour: give each such
    # piece to the township it shares the longest border with.
    for piece in stray:
        border = [shapely.intersection(piece.boundary, m.boundary).length for m in main]
        i = int(np.argmax(border))
        main[i] = shapely.union(main[i], piece)
    gdf = gpd.GeoDataFrame({"code": list(points["code"])}, geometry=main, crs=EQUAL_AREA_CRS)
    gdf = gdf.to_crs(4326)
    gdf["geometry"] = shapely.transform(gdf.geometry.values, lambda c: np.round(c, 6))
    return _finish(gdf, divisions, source="示意边界 (schematic: Voronoi cells of township points clipped to the county outline)", schematic=True)


def schematic_townships() -> gpd.GeoDataFrame:
    """Return the schematic default township boundaries.

    Built from the county outline and one point per township
    (``data/boundaries/longling_township_points.csv``): each township is the part of
    the county nearer to its point than to any other. The shapes are *not* the
    official boundaries; every map drawn on them must say 示意边界.

    Returns
    -------
    geopandas.GeoDataFrame
        10 rows ``code, name, geometry`` in official order, EPSG:4326, with
        ``attrs["schematic"] = True``.
    """
    return _schematic().copy()


def _finish(gdf: gpd.GeoDataFrame, divisions: Divisions, *, source: str, schematic: bool) -> gpd.GeoDataFrame:
    """Put rows in official order with official names and record provenance in attrs."""
    order = list(divisions.townships["code"])
    gdf = gdf.set_index("code").loc[order].reset_index()
    gdf["name"] = gdf["code"].map(divisions.township_name)
    gdf = gpd.GeoDataFrame(gdf[["code", "name", "geometry"]], geometry="geometry", crs=4326)
    gdf.attrs.update({"schematic": schematic, "source": source})
    return gdf


# -- reading ----------------------------------------------------------------------------
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
class _Source:
    """What to hand to pyogrio for one file, and how to describe it."""

    target: str
    label: str
    shapefile: bool
    has_cpg: bool


def _locate(path: Path) -> _Source:
    if not path.exists():
        raise BoundaryError(f"{path}: no such file or folder")
    if path.is_dir():
        path = _pick_in_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        member = _zip_member(path)
        return _Source(f"/vsizip/{path.resolve()}/{member}", f"{path} ({member})", member.lower().endswith(".shp"), True)
    if suffix not in _READABLE:
        raise BoundaryError(f"{path}: unsupported file type {suffix or '(none)'}; use GeoJSON, a Shapefile (.shp, folder or .zip) or a GeoPackage")
    return _Source(str(path), str(path), suffix == ".shp", _has_cpg(path))


def _read_layer(source: _Source, encoding: str | None = None) -> gpd.GeoDataFrame:
    import pyogrio

    kwargs: dict[str, Any] = {"encoding": encoding} if encoding else {}
    try:
        layers = pyogrio.list_layers(source.target)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BoundaryError(f"{source.label}: cannot be read as a boundary file ({_first_line(exc)})") from None
    polygon_layers = [str(name) for name, kind in layers if kind is None or "polygon" in str(kind).lower()]
    if len(layers) > 1 and len(polygon_layers) != 1:
        names = ", ".join(str(n) for n, _ in layers)
        raise BoundaryError(f"{source.label}: several layers ({names}); keep only the township layer in the file")
    if len(layers) > 1:
        kwargs["layer"] = polygon_layers[0]
    try:
        return gpd.read_file(source.target, **kwargs)
    except Exception as exc:
        raise BoundaryError(f"{source.label}: cannot be read as a boundary file ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- identifying townships ---------------------------------------------------------------
@dataclass
class _Match:
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


def _identify(frame: pd.DataFrame, divisions: Divisions) -> _Match:
    best = _Match(None, [None] * len(frame), 0)
    full: list[_Match] = []
    for column in _candidate_columns(frame):
        codes = _resolve_column(frame[column], divisions)
        score = sum(c is not None for c in codes)
        match = _Match(column, codes, score)
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
        raise BoundaryError(f"{label}: cannot reproject from {frame.crs.name} to WGS84 ({_first_line(exc)})") from None


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
    union = _equal_area([shapely.union_all(geoms)])[0]
    outline = _equal_area([_outline()])[0]
    if complete:
        return float(shapely.symmetric_difference(union, outline).area)
    return float(shapely.difference(union, outline).area)


def _check_shift(lonlat: np.ndarray, chosen: str, complete: bool) -> str | None:
    """Say which ``crs`` option fits the county outline when it is not the chosen one."""
    scores = {name: _shift_score(crs_mod.to_wgs84(lonlat, name), complete) for name in crs_mod.CRS_CHOICES}
    best = min(scores, key=scores.get)
    if best == chosen:
        return None
    area = float(sum(shapely.area(_equal_area(crs_mod.to_wgs84(lonlat, chosen)))))
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
    geoms = _equal_area(gdf.geometry.values)
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
    source = _locate(Path(path))
    frame = _read_layer(source)
    if frame.empty:
        raise BoundaryError(f"{source.label}: the file holds no features")
    match = _identify(frame, divisions)
    if source.shapefile and not source.has_cpg and match.score < len(frame):
        # Chinese shapefiles without a .cpg are usually GBK-encoded.
        retry = _read_layer(source, encoding="gb18030")
        retry_match = _identify(retry, divisions)
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
    gdf = _finish(loaded.gdf, load_divisions(), source=loaded.label, schematic=False)
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
    areas = shapely.area(_equal_area(gdf.geometry.values)) / 1e6 if len(gdf) else []
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


def default_boundaries(path: str | os.PathLike | sources.BoundarySource | None = None,
                       crs: str | None = None) -> tuple[gpd.GeoDataFrame, bool, str]:
    """Return the township boundaries the dashboard should draw.

    Which file is decided by :func:`coopmap.data.sources.boundaries_file` (pass its
    :class:`~coopmap.data.sources.BoundarySource` as ``path`` to load a choice already
    made). The first of these wins: ``path``; the environment variable
    ``COOPMAP_BOUNDARIES`` (with ``COOPMAP_BOUNDARIES_CRS`` for ``gcj02``/``bd09``
    files); a file named ``boundaries.geojson`` / ``.gpkg`` / ``.shp`` / ``.zip`` (or a
    folder ``boundaries/``) in the local data folder (``data/local/``); the schematic
    default.

    Parameters
    ----------
    path : str or path-like, optional
        An explicit boundary file (e.g. from a ``--boundaries`` option).
    crs : str, optional
        Coordinate option for that file (see :func:`load_townships`).

    Returns
    -------
    tuple
        ``(gdf, is_schematic, description)``; the description names the file used
        or says the boundaries are schematic.

    Raises
    ------
    BoundaryError
        When a supplied file is unusable: a bad official file is never replaced by
        the schematic silently.
    """
    source = path if isinstance(path, sources.BoundarySource) else sources.boundaries_file(path, crs)
    if source.schematic:
        return schematic_townships(), True, source.description
    return load_townships(source.path, crs=source.crs), False, source.description


# -- for the browser --------------------------------------------------------------------
def orient_for_vega(geometry: shapely.Geometry) -> shapely.Geometry:
    """Return a (Multi)Polygon with exterior rings clockwise, as d3/Vega expect.

    d3's spherical geometry takes a counter-clockwise exterior ring to mean "the
    whole globe except this", which fills the map with one colour.
    """
    if geometry.geom_type == "Polygon":
        return orient(geometry, -1)
    if geometry.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, -1) for p in geometry.geoms])
    if geometry.geom_type == "GeometryCollection":
        # make_valid or coverage functions can leave stray lines or points beside the
        # polygons; only the polygons are drawn (and only they could be coverage input)
        polygons = [q for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")
                    for q in getattr(g, "geoms", [g])]
        if polygons:
            return orient_for_vega(polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons))
    return geometry


def simplify_for_web(gdf: gpd.GeoDataFrame, tolerance: float = 0.002, decimals: int = 5,
                     gap_width: float = 0.003) -> gpd.GeoDataFrame:
    """Simplify township polygons for the browser, keeping shared edges shared.

    :func:`shapely.coverage_clean` (shapely ≥ 2.2) first makes neighbours meet
    exactly: overlaps go to one side, slivers narrower than ``gap_width`` to the
    neighbour with the longest shared border. :func:`shapely.coverage_simplify` then
    simplifies each shared edge once, so neighbours still meet. Coordinates are
    rounded and rings oriented for Vega. This is for drawing only: areas and checks
    use the geometry as loaded.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Townships in EPSG:4326.
    tolerance : float, default 0.002
        Roughly the square root of the largest removed triangle's area, in degrees
        (0.002° ≈ 200 m).
    decimals : int, default 5
        Coordinate decimals kept (5 ≈ 1 m).
    gap_width : float, default 0.003
        Gaps narrower than this (degrees, ≈ 300 m) are closed.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and columns, lighter geometry, ``attrs`` kept.
    """
    geoms = np.asarray(gdf.geometry.values)
    if hasattr(shapely, "coverage_clean"):  # shapely >= 2.2 with GEOS >= 3.14
        geoms = shapely.coverage_clean(geoms, gap_width=gap_width)
    geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = shapely.transform(geoms, lambda c: np.round(c, decimals))
    geoms = [orient_for_vega(shapely.make_valid(g) if not shapely.is_valid(g) else g) for g in geoms]
    out = gdf.copy()
    out["geometry"] = geoms
    out.attrs.update(gdf.attrs)
    return out


def label_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return one label position per township: the centre of its largest inscribed circle.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name``, ``lon``, ``lat``.
    """
    projected = _equal_area(gdf.geometry.values)
    centres = []
    for geom in projected:
        largest = max(shapely.get_parts(geom), key=lambda p: p.area)
        centres.append(shapely.get_point(shapely.maximum_inscribed_circle(largest, 50.0), 0))
    lonlat = gpd.GeoSeries(centres, crs=EQUAL_AREA_CRS).to_crs(4326)
    return pd.DataFrame({
        "code": gdf["code"].to_numpy(), "name": gdf["name"].to_numpy(),
        "lon": np.round(lonlat.x.to_numpy(), 5), "lat": np.round(lonlat.y.to_numpy(), 5),
    })
