"""Chart slots: a cached chart keeps its spec; profile charts built from a template."""

from __future__ import annotations

import pytest

from coopmap.app.data import AppData
from coopmap.app.slots import ChartCache, chart_cache, with_rows
from coopmap.errors import CoopmapError
from coopmap.presentation import cooperative_charts, township_charts, village_charts


@pytest.fixture(scope="module")
def data():
    return AppData.load()


def _without_data_name(spec):
    rest = {k: v for k, v in spec.items() if k not in ("datasets", "data")}
    return rest, list(spec["datasets"].values())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("unions", [False, True], ids=["cooperatives", "unions"])
def test_profile_charts_from_a_template_equal_charts_built_for_the_cooperative(data, lang, unions):
    # a template serves cooperatives of one kind: a union's members are cooperatives, so
    # its comparison panels are labelled differently (the profile keeps a template per kind)
    kind = data.frame[(data.frame["lead_level"] == "township") == unions]
    first, other = kind["uscc"].iloc[0], kind["uscc"].iloc[-1]
    cache = ChartCache()
    income = cache.get(("income", lang), lambda: cooperative_charts.income_streams(data.coop(first), lang=lang, width=300))
    got = with_rows(income, cooperative_charts.income_rows(data.coop(other), lang=lang)).to_dict()
    want = cooperative_charts.income_streams(data.coop(other), lang=lang, width=300).to_dict()
    assert _without_data_name(got) == _without_data_name(want)
    compare = cache.get(("compare", lang), lambda: cooperative_charts.median_comparison(data.frame, first, lang=lang, width=260))
    got = with_rows(compare, cooperative_charts.comparison_rows(data.frame, other, lang=lang)).to_dict()
    want = cooperative_charts.median_comparison(data.frame, other, lang=lang, width=260).to_dict()
    assert _without_data_name(got) == _without_data_name(want)
    # The template itself still shows the first cooperative.
    assert _without_data_name(income.to_dict()) == _without_data_name(
        cooperative_charts.income_streams(data.coop(first), lang=lang, width=300).to_dict())


def test_a_cached_chart_is_built_once_and_gives_its_spec_without_rebuilding(data):
    cache = ChartCache()
    calls = []

    def build():
        calls.append(1)
        return village_charts.village_grid(data.tables().villages, lang="en")

    chart = cache.get("grid", build)
    assert cache.get("grid", build) is chart and len(calls) == 1
    spec = chart.to_dict()
    assert spec == village_charts.village_grid(data.tables().villages, lang="en").to_dict()
    spec["title"] = "changed"  # a caller's change does not reach the cached spec
    assert "title" not in chart.to_dict()


def test_a_template_needs_exactly_one_dataset(data):
    import altair as alt
    import pandas as pd

    two = alt.layer(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"),
                    alt.Chart(pd.DataFrame({"x": [2, 3]})).mark_tick().encode(x="x:Q"))
    chart = ChartCache().get("two", lambda: two)
    assert len(chart.to_dict()["datasets"]) == 2
    with pytest.raises(CoopmapError, match="exactly one inline dataset"):
        with_rows(chart, pd.DataFrame({"x": [4]}))


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_map_outlined_from_another_maps_spec_equals_the_map_built_for_that_township(data, lang):
    codes = data.township_codes
    table = data.tables().townships
    template = township_charts.township_map(data.boundaries, table, highlight=codes[0], lang=lang).to_dict()
    for code in codes[1:]:
        want = township_charts.township_map(data.boundaries, table, highlight=code, lang=lang).to_dict()
        assert township_charts.outline_township(template, code) == want
    with pytest.raises(CoopmapError, match="not a township code"):
        township_charts.outline_township(template, "530523999")
    plain = township_charts.township_map(data.boundaries, table, lang=lang).to_dict()
    with pytest.raises(CoopmapError, match="drawn with a highlight"):
        township_charts.outline_township(plain, codes[1])


@pytest.mark.slow  # 2-5 s of CPU (make test-fast leaves it out)
def test_a_preheated_app_switches_language_and_lead_level_without_building_charts(monkeypatch):
    from coopmap.app.data import Filters
    from coopmap.app.main import build_app

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    app = build_app()
    built = len(chart_cache(app.data))
    app.state.update(lang="en")
    app.state.update(lang="zh", filters=Filters(lead_level="village"))
    app.state.update(filters=Filters())
    assert len(chart_cache(app.data)) == built
    # Another township: its map is derived from the prepared outlined map (and kept).
    app.state.update(township=app.data.township_codes[4])
    assert len(chart_cache(app.data)) == built + 1
    # What the map shows is the chart built for that township.
    spec = app.map.charts["map"].chart.chart.to_dict()
    assert spec["layer"][1]["data"]["values"][0]["code"] == app.data.township_codes[4]
