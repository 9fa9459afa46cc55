"""The schematic township boundaries drawn when no official file is supplied.

They are built from the county outline (``data/boundaries/longling_county.geojson``)
and one label point per township (``data/boundaries/longling_township_points.csv``):
the Voronoi cells of the points clipped to the outline. They are *not* the official
boundaries, and maps drawn on them must say 示意边界.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coopmap import paths
from coopmap.data.divisions import load_divisions
from coopmap.errors import BoundaryError
from coopmap.geo.county import EQUAL_AREA_CRS, county_outline, equal_area, in_official_order

__all__ = ["schematic_townships"]


@lru_cache(maxsize=1)
def _schematic() -> gpd.GeoDataFrame:
    divisions = load_divisions()
    points = pd.read_csv(paths.TOWNSHIP_POINTS, dtype={"code": str})
    missing = set(divisions.townships["code"]) - set(points["code"])
    if missing:
        raise BoundaryError(f"{paths.TOWNSHIP_POINTS}: no label point for townships {sorted(missing)}")
    pts = gpd.GeoSeries(gpd.points_from_xy(points["lon"], points["lat"]), crs=4326).to_crs(EQUAL_AREA_CRS)
    outline = equal_area([county_outline()])[0]
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
    return in_official_order(gdf, divisions, source="示意边界 (schematic: Voronoi cells of township points clipped to the county outline)", schematic=True)


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
