"""Units come from the schema: the dashboard, charts and report show a column in the schema's unit."""

from __future__ import annotations

import pytest

from coopmap.app.html import column_value
from coopmap.app.overview import TILE_FIGURES, figure_text, tile_unit
from coopmap.data.schema import BY_ID, COLUMNS, column_unit
from coopmap.figures import catalog
from coopmap.i18n import unit_id
from coopmap.presentation.cooperative_charts import income_rows

UNIT_COLUMNS = [c for c in COLUMNS if c.unit]


@pytest.mark.parametrize("column", UNIT_COLUMNS, ids=lambda c: c.id)
def test_a_column_value_carries_the_schema_unit(column) -> None:
    assert column_value(column.id, 1234.5, "zh").endswith(f" {column.unit}")
    assert column_value(column.id, 1234.5, "en").endswith(f" {column.unit_en}")


def test_a_column_without_unit_is_a_plain_count() -> None:
    assert column_unit("name") == "count" and column_value("villages_total", 1234, "zh") == "1,234"


def test_income_streams_are_labelled_in_the_schema_unit() -> None:
    rows = income_rows({"income_rent": 12.34}, lang="en")
    assert rows["value_text"].iloc[0] == "12.3 CNY 10k"
    assert set(rows["value_text"].iloc[1:]) == {"not reported"}


@pytest.mark.parametrize(("figure", "zh", "en"), [
    ("coop_revenue_2023", "1,235 万元", "1,235 CNY 10k"),
    ("sales_driven_2023", "1,235 万元", "1,235 CNY 10k"),
    ("land_transferred", "1,235 亩", "1,235 mu"),
    ("village_coverage_pct", "1,234.6%", "1,234.6%"),
    ("coops_total", "1,235", "1,235"),
])
def test_overview_tiles_take_their_unit_from_the_schema_or_the_catalog(figure, zh, en) -> None:
    source = TILE_FIGURES[figure][0]
    if source in BY_ID:
        assert tile_unit(figure) == column_unit(source)
    elif source is not None:
        assert unit_id(catalog.get_metric(source).unit("zh")) == tile_unit(figure)
    assert figure_text(figure, 1234.6, "", "zh") == zh and figure_text(figure, 1234.6, "", "en") == en
