"""What every township frame shares: the county outline, an equal-area projection, official order.

The county outline (``data/boundaries/longling_county.geojson``) is the shape the
schematic townships are cut from and the reference an official file's coordinates
are checked against. Areas are measured in :data:`EQUAL_AREA_CRS`. Schematic and
official township frames both leave through :func:`in_official_order`, which gives
them the same rows, names and provenance.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from coopmap import paths
from coopmap.data.divisions import Divisions

__all__ = ["EQUAL_AREA_CRS", "county_outline", "equal_area", "in_official_order"]

#: Albers equal-area projection centred on the county, for areas in km².
EQUAL_AREA_CRS = "+proj=aea +lat_0=24.5 +lat_1=23 +lat_2=26 +lon_0=98.8 +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=1)
def _outline() -> shapely.Geometry:
    gdf = gpd.read_file(paths.COUNTY_OUTLINE)
    return shapely.union_all(gdf.geometry.values)


def county_outline() -> shapely.Geometry:
    """Return the county outline (WGS84 MultiPolygon) shipped in ``data/boundaries/``."""
    return _outline()


def equal_area(geoms) -> np.ndarray:
    """Project WGS84 geometries to :data:`EQUAL_AREA_CRS`.

    Parameters
    ----------
    geoms : sequence of shapely.Geometry
        Geometries in longitude/latitude (EPSG:4326).

    Returns
    -------
    numpy.ndarray
        The same geometries in metres of the equal-area projection.
    """
    return gpd.GeoSeries(geoms, crs=4326).to_crs(EQUAL_AREA_CRS).values


def in_official_order(gdf: gpd.GeoDataFrame, divisions: Divisions, *, source: str,
                      schematic: bool) -> gpd.GeoDataFrame:
    """Put rows in official order with official names and record provenance in attrs.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        One row per township with ``code`` and ``geometry``, in EPSG:4326.
    divisions : Divisions
        The county's divisions (order and names).
    source : str
        Where the shapes come from (``attrs["source"]``).
    schematic : bool
        Whether the shapes are the schematic default (``attrs["schematic"]``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code, name, geometry`` in official order, EPSG:4326.
    """
    order = list(divisions.townships["code"])
    gdf = gdf.set_index("code").loc[order].reset_index()
    gdf["name"] = gdf["code"].map(divisions.township_name)
    gdf = gpd.GeoDataFrame(gdf[["code", "name", "geometry"]], geometry="geometry", crs=4326)
    gdf.attrs.update({"schematic": schematic, "source": source})
    return gdf
