"""Township shapes prepared for the browser: simplified, oriented for Vega, with label points.

This is for drawing only: areas and checks use the geometry as loaded
(:mod:`coopmap.geo.official`, :mod:`coopmap.geo.schematic`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.polygon import orient

from coopmap.geo.county import EQUAL_AREA_CRS, equal_area

__all__ = ["label_points", "orient_for_vega", "simplify_for_web"]


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
    projected = equal_area(gdf.geometry.values)
    centres = []
    for geom in projected:
        largest = max(shapely.get_parts(geom), key=lambda p: p.area)
        centres.append(shapely.get_point(shapely.maximum_inscribed_circle(largest, 50.0), 0))
    lonlat = gpd.GeoSeries(centres, crs=EQUAL_AREA_CRS).to_crs(4326)
    return pd.DataFrame({
        "code": gdf["code"].to_numpy(), "name": gdf["name"].to_numpy(),
        "lon": np.round(lonlat.x.to_numpy(), 5), "lat": np.round(lonlat.y.to_numpy(), 5),
    })
