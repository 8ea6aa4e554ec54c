"""The one CSV writer: formulas defused in text, numbers and dates left as they are."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from attune import csv_files


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_text_that_a_spreadsheet_would_run_is_written_as_text() -> None:
    rows = [["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain"]]
    [_, row] = parsed(csv_files.text(["a"] * 7, rows))
    assert row == ["'=HYPERLINK(1)", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "plain"]


def test_numbers_dates_and_empties_stay_as_they_are() -> None:
    [_, row] = parsed(
        csv_files.text(["a"] * 6, [[-3, 2.5, Decimal("-1.50"), date(2024, 9, 2), None, True]])
    )
    assert row == ["-3", "2.5", "-1.50", "2024-09-02", "", "true"]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_text_cell_ever_starts_with_a_formula_character(values: list[str]) -> None:
    text = csv_files.text([f"c{i}" for i in range(len(values))], [values])
    for row in parsed(text):
        for value in row:
            assert not value.startswith(csv_files.FORMULA_STARTS)
