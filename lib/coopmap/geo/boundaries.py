"""The township boundaries to show: the official file when one is supplied, else the schematic default.

Which file is decided by :func:`coopmap.data.sources.boundaries_file`; the shapes come
from :mod:`coopmap.geo.official` (a user's file, checked) or :mod:`coopmap.geo.schematic`
(generated, marked 示意边界). :mod:`coopmap.geo.web_shapes` prepares either for the map.
"""

from __future__ import annotations

import os

import geopandas as gpd

from coopmap.data import sources
from coopmap.geo.official import load_townships
from coopmap.geo.schematic import schematic_townships

__all__ = ["default_boundaries"]


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
