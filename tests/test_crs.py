"""GCJ-02 / BD-09 conversion against published reference points."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from coopmap.geo import crs


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# (wgs lon, wgs lat, gcj lon, gcj lat): the test points of googollee/eviltransform
# (Shanghai, Shenzhen, Beijing) and the example of wandergis/coordtransform.
GCJ_REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]


@pytest.mark.parametrize("wlon, wlat, glon, glat", GCJ_REFERENCE)
def test_wgs84_to_gcj02_matches_reference(wlon, wlat, glon, glat):
    lon, lat = crs.wgs84_to_gcj02(wlon, wlat)
    assert metres(lon, lat, glon, glat) < 1.0


@pytest.mark.parametrize("wlon, wlat, glon, glat", GCJ_REFERENCE)
def test_gcj02_to_wgs84_recovers_reference_within_a_metre(wlon, wlat, glon, glat):
    lon, lat = crs.gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 1.0
    # the one-step approximation many libraries use is off by metres; ours is not
    assert metres(lon, lat, wlon, wlat) < 0.01


def test_bd09_reference_points():
    # wandergis/coordtransform: gcj02tobd09(116.404, 39.915) and bd09togcj02(116.404, 39.915)
    lon, lat = crs.gcj02_to_bd09(116.404, 39.915)
    assert metres(lon, lat, 116.41036949371029, 39.92133699351021) < 1.0
    lon, lat = crs.bd09_to_gcj02(116.404, 39.915)
    assert metres(lon, lat, 116.39762729119315, 39.90865673957631) < 1.0


def test_round_trips_over_the_county_are_below_a_millimetre():
    rng = np.random.default_rng(7)
    lon = rng.uniform(98.4, 99.2, 500)
    lat = rng.uniform(24.1, 24.9, 500)
    for forward, backward in ((crs.wgs84_to_gcj02, crs.gcj02_to_wgs84), (crs.wgs84_to_bd09, crs.bd09_to_wgs84)):
        back_lon, back_lat = backward(*forward(lon, lat))
        worst = max(metres(a, b, c, d) for a, b, c, d in zip(lon, lat, back_lon, back_lat))
        assert worst < 0.001


def test_the_shift_in_longling_is_hundreds_of_metres():
    # the GCJ-02 warning of coopmap.geo.official relies on a shift of this size
    glon, glat = crs.wgs84_to_gcj02(98.8, 24.5)
    assert 100 < metres(98.8, 24.5, glon, glat) < 1000
    blon, blat = crs.wgs84_to_bd09(98.8, 24.5)
    assert metres(glon, glat, blon, blat) > 300


def test_points_outside_china_are_unchanged():
    assert crs.wgs84_to_gcj02(2.35, 48.86) == (2.35, 48.86)
    assert crs.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_arrays_in_arrays_out():
    lon, lat = crs.gcj02_to_wgs84(np.array([98.6, 98.9]), np.array([24.6, 24.3]))
    assert lon.shape == (2,) and lat.shape == (2,)


def test_geometry_conversion_keeps_structure_and_moves_every_vertex():
    outer = [(98.6, 24.4), (98.9, 24.4), (98.9, 24.7), (98.6, 24.7), (98.6, 24.4)]
    hole = [(98.7, 24.5), (98.8, 24.5), (98.8, 24.6), (98.7, 24.6), (98.7, 24.5)]
    polygon = shapely.Polygon(outer, [hole])
    converted = crs.to_wgs84(polygon, "gcj02")
    assert converted.geom_type == "Polygon" and len(converted.interiors) == 1
    for (x0, y0), (x1, y1) in zip(polygon.exterior.coords, converted.exterior.coords):
        expected = crs.gcj02_to_wgs84(x0, y0)
        assert metres(x1, y1, *expected) < 0.001
        assert metres(x0, y0, x1, y1) > 100
    back = crs.from_wgs84(converted, "gcj02")
    assert shapely.equals_exact(back, polygon, tolerance=1e-8)
    assert crs.to_wgs84(polygon, None) is polygon


@pytest.mark.parametrize("name, expected", [
    (None, "wgs84"), ("WGS-84", "wgs84"), ("GCJ-02", "gcj02"), ("gaode", "gcj02"), ("BD09", "bd09"), ("baidu", "bd09"),
])
def test_crs_names(name, expected):
    assert crs.normalize_crs_name(name) == expected


def test_unknown_crs_name_says_what_is_accepted():
    with pytest.raises(ValueError, match="wgs84, gcj02, bd09"):
        crs.normalize_crs_name("utm47")
