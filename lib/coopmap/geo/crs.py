"""Chinese web-map coordinates (GCJ-02, BD-09) to WGS84 and back.

GCJ-02 ("Mars coordinates", AMap/Gaode, Tencent) is WGS84 passed through a published
obfuscation polynomial; BD-09 (Baidu) is a further rotation-and-shift of GCJ-02. Neither
is a CRS that pyproj knows, so a file in either cannot be reprojected from metadata:
the caller says which one it is and :func:`to_wgs84` converts every vertex.

The forward formulas are the widely published ones (as in ``eviltransform`` and
``coordtransform``). The inverses are solved by fixed-point iteration of the forward
formula until the residual is below about 1 mm, instead of the one-step approximation
that is off by metres.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import shapely

__all__ = [
    "CRS_CHOICES",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "normalize_crs_name",
    "transform_geometry",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

#: Accepted values of the ``crs`` option of loaders and the CLI.
CRS_CHOICES = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_TOLERANCE_DEG = 1e-8  # about 1 mm
_MAX_ITER = 30


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return where the GCJ-02 shift applies (the formula's own bounding box)."""
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset (degrees) added to a WGS84 position."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _out(lon: np.ndarray, lat: np.ndarray, like) -> tuple:
    if np.ndim(like) == 0:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """Convert WGS84 longitude/latitude to GCJ-02.

    Parameters
    ----------
    lon, lat : float or array-like
        Degrees. Points outside China's box are returned unchanged.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02, floats or arrays like the input.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
    >>> round(lon, 6), round(lat, 6)
    (116.410244, 39.916404)
    """
    x, y = _arrays(lon, lat)
    dlon, dlat = _gcj_delta(x, y)
    return _out(x + dlon, y + dlat, lon)


def _invert(forward: Callable, lon, lat):
    """Solve ``forward(w) == target`` for ``w`` by fixed-point iteration."""
    tx, ty = _arrays(lon, lat)
    wx, wy = tx.copy(), ty.copy()
    for _ in range(_MAX_ITER):
        fx, fy = forward(wx, wy)
        ex, ey = fx - tx, fy - ty
        wx, wy = wx - ex, wy - ey
        if np.all(np.abs(ex) < _TOLERANCE_DEG) and np.all(np.abs(ey) < _TOLERANCE_DEG):
            break
    return _out(wx, wy, lon)


def gcj02_to_wgs84(lon, lat):
    """Convert GCJ-02 longitude/latitude to WGS84 (iterative, error below 1 mm).

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS84.
    """
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon, lat):
    """Convert GCJ-02 longitude/latitude to Baidu's BD-09.

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09.
    """
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, lon)


def bd09_to_gcj02(lon, lat):
    """Convert BD-09 longitude/latitude to GCJ-02 (iterative inverse of :func:`gcj02_to_bd09`)."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon, lat):
    """Convert WGS84 longitude/latitude to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """Convert BD-09 longitude/latitude to WGS84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84: dict[str, Callable | None] = {
    "wgs84": None,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Callable | None] = {
    "wgs84": None,
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def normalize_crs_name(crs: str | None) -> str:
    """Return ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for the spellings people use.

    Accepted: ``None`` (WGS84), ``wgs84``, ``WGS-84``, ``gcj02``, ``GCJ-02``, ``gcj``,
    ``bd09``, ``BD-09``, ``baidu``, ``amap``, ``gaode``.

    Raises
    ------
    ValueError
        For anything else, naming the accepted values.
    """
    if crs is None:
        return "wgs84"
    key = str(crs).strip().lower().replace("-", "").replace("_", "")
    table = {
        "wgs84": "wgs84", "wgs": "wgs84", "epsg4326": "wgs84",
        "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02", "mars": "gcj02",
        "bd09": "bd09", "bd": "bd09", "baidu": "bd09", "bd09ll": "bd09",
    }
    if key not in table:
        raise ValueError(f"unknown coordinate system {crs!r}: use one of {', '.join(CRS_CHOICES)}")
    return table[key]


def transform_geometry(geometry, func: Callable):
    """Apply a ``(lon, lat) -> (lon, lat)`` array function to every vertex of a geometry.

    Parameters
    ----------
    geometry : shapely geometry or array of geometries
    func : callable
        One of this module's converters.

    Returns
    -------
    shapely geometry or array
        Same structure, converted coordinates.
    """

    def _apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, _apply)


def to_wgs84(geometry, crs: str | None):
    """Convert geometries from ``crs`` (``wgs84``, ``gcj02`` or ``bd09``) to WGS84."""
    func = _TO_WGS84[normalize_crs_name(crs)]
    return geometry if func is None else transform_geometry(geometry, func)


def from_wgs84(geometry, crs: str | None):
    """Convert WGS84 geometries to ``crs`` (used to build test fixtures and checks)."""
    func = _FROM_WGS84[normalize_crs_name(crs)]
    return geometry if func is None else transform_geometry(geometry, func)
