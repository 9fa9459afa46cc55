"""Units come from the schema: the dashboard, charts and report show a column in the schema's unit."""

from __future__ import annotations

import pytest

from coopmap.app.html import column_value
from coopmap.data.schema import COLUMNS, column_unit
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
