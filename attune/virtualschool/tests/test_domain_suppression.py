from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.virtualschool.domain.suppression import (
    Reason,
    ShownCell,
    SuppressedTable,
    SuppressionError,
    suppress_count,
    suppress_rate,
    suppress_table,
)


def values(table: SuppressedTable) -> list[list[int | None]]:
    return [[cell.value for cell in row] for row in table.cells]


@pytest.mark.parametrize(
    ("value", "threshold", "suppress_zeros", "shown"),
    [
        (0, 5, False, 0),
        (0, 5, True, None),
        (1, 5, False, None),
        (4, 5, False, None),
        (5, 5, False, None),  # the DfE's looked-after and CIN statistics hide 1 to 5
        (6, 5, False, 6),
        (10, 10, False, None),
        (11, 10, False, 11),
        (1, 1, False, None),
        (2, 1, False, 2),
        (1, 0, False, 1),  # a threshold of 0 hides nothing
        (0, 0, True, None),
    ],
)
def test_single_count(value: int, threshold: int, suppress_zeros: bool, shown: int | None) -> None:
    cell = suppress_count(value, threshold=threshold, suppress_zeros=suppress_zeros)
    assert cell.value == shown
    assert cell.reason == (Reason.SMALL if shown is None else None)


def test_reason_words_name_the_threshold() -> None:
    assert suppress_count(3).reason_text == "5 or fewer"
    assert suppress_count(3, threshold=10).reason_text == "10 or fewer"
    assert ShownCell(None, Reason.SECONDARY).reason_text == (
        "hidden so another figure cannot be worked out"
    )
    assert suppress_count(7).reason_text == ""


def test_table_with_no_small_numbers_is_unchanged() -> None:
    table = suppress_table([[10, 20], [30, 40]])
    assert values(table) == [[10, 20], [30, 40]]
    assert [c.value for c in table.row_totals or ()] == [30, 70]
    assert [c.value for c in table.column_totals or ()] == [40, 60]
    assert table.grand_total == ShownCell(100)


def test_one_small_cell_gets_a_partner_in_its_row_and_column() -> None:
    # 3 is small. Its row would give it away (total 23), so the smallest other cell in
    # the row (20) is hidden; likewise in its column (30). Then 40 closes the rectangle.
    table = suppress_table([[3, 20], [30, 40]])
    assert values(table) == [[None, None], [None, None]]
    assert table.cell(0, 0).reason is Reason.SMALL
    assert table.cell(0, 1).reason is Reason.SECONDARY
    assert table.cell(1, 0).reason is Reason.SECONDARY
    # The totals are still fine to show: each line has two hidden members or none.
    assert [c.value for c in table.row_totals or ()] == [23, 70]
    assert [c.value for c in table.column_totals or ()] == [33, 60]


def test_secondary_picks_the_smallest_other_cell() -> None:
    table = suppress_table([[2, 50, 9, 30], [12, 60, 15, 40]])
    assert values(table) == [[None, 50, None, 30], [None, 60, None, 40]]
    assert table.cell(1, 0).reason is Reason.SECONDARY
    assert table.cell(0, 2).reason is Reason.SECONDARY
    assert table.cell(1, 2).reason is Reason.SECONDARY


def test_zero_is_shown_and_not_chosen_as_the_partner_when_another_cell_will_do() -> None:
    table = suppress_table([[2, 0, 9]], column_totals=False)
    assert values(table) == [[None, 0, None]]


def test_a_lone_small_count_among_zeros_hides_its_small_total_too() -> None:
    table = suppress_table([[2, 0]], column_totals=False)
    assert values(table) == [[None, 0]]
    assert table.row_totals is not None
    assert table.row_totals[0].value is None
    assert table.row_totals[0].reason is Reason.SMALL


def test_without_totals_only_primary_suppression_happens() -> None:
    table = suppress_table([[3, 20], [30, 40]], row_totals=False, column_totals=False)
    assert values(table) == [[None, 20], [30, 40]]
    assert table.row_totals is None and table.column_totals is None and table.grand_total is None


def test_small_total_is_hidden_and_the_cells_behind_it_too() -> None:
    table = suppress_table([[1, 2], [20, 30]])
    assert values(table)[0] == [None, None]
    assert table.row_totals is not None
    assert table.row_totals[0].value is None
    assert table.row_totals[0].reason is Reason.SMALL


def test_single_column_table_hides_the_total_rather_than_leave_it_exposed() -> None:
    table = suppress_table([[3], [40]], row_totals=True, column_totals=True)
    # Row 0: cell 3 and its row total 3 are both small.
    assert table.cell(0, 0).value is None
    assert table.row_totals is not None and table.row_totals[0].value is None
    # Column: 3 hidden, so 40 is hidden as a partner.
    assert table.cell(1, 0).value is None


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([], "suppression.empty"),
        ([[]], "suppression.empty"),
        ([[1, 2], [3]], "suppression.ragged"),
        ([[1, -2]], "suppression.negative"),
    ],
)
def test_bad_tables_are_refused_with_a_code(rows: list[list[int]], code: str) -> None:
    with pytest.raises(SuppressionError) as err:
        suppress_table(rows)
    assert err.value.code == code


def test_the_default_hides_one_to_five() -> None:
    assert [suppress_count(n).value for n in range(8)] == [0, None, None, None, None, None, 6, 7]


def test_threshold_cannot_be_negative() -> None:
    with pytest.raises(SuppressionError) as err:
        suppress_table([[1]], threshold=-1)
    assert err.value.code == "suppression.threshold"


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected", "reason"),
    [
        (10, 40, 0.25, None),
        (0, 40, 0.0, None),
        (3, 40, None, Reason.RATE_INPUT),
        (10, 4, None, Reason.RATE_INPUT),
        (0, 0, None, None),
        (ShownCell(None, Reason.SECONDARY), 40, None, Reason.RATE_INPUT),
        (ShownCell(12), ShownCell(None, Reason.SECONDARY), None, Reason.RATE_INPUT),
        (ShownCell(12), ShownCell(48), 0.25, None),
    ],
)
def test_rates(
    numerator: ShownCell | int,
    denominator: ShownCell | int,
    expected: float | None,
    reason: Reason | None,
) -> None:
    rate = suppress_rate(numerator, denominator)
    assert rate.value == expected
    assert rate.reason == reason


def test_rate_over_one_is_refused() -> None:
    with pytest.raises(SuppressionError) as err:
        suppress_rate(50, 40)
    assert err.value.code == "suppression.rate_over_one"


# --- properties -------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 6), st.integers(0, 60))
tables = st.integers(1, 5).flatmap(
    lambda n_cols: st.lists(
        st.lists(counts, min_size=n_cols, max_size=n_cols), min_size=1, max_size=5
    )
)


def _lines(
    rows: list[list[int]], table: SuppressedTable, row_totals: bool, column_totals: bool
) -> list[list[ShownCell]]:
    """Every shown equation: cells of a line plus its total."""
    lines: list[list[ShownCell]] = []
    if row_totals and table.row_totals is not None:
        for r, row in enumerate(table.cells):
            lines.append([*row, table.row_totals[r]])
    if column_totals and table.column_totals is not None:
        for c in range(len(rows[0])):
            lines.append([row[c] for row in table.cells] + [table.column_totals[c]])
    if table.row_totals is not None and table.column_totals is not None:
        assert table.grand_total is not None
        lines.append([*table.column_totals, table.grand_total])
        lines.append([*table.row_totals, table.grand_total])
    return lines


@settings(max_examples=300, deadline=None)
@given(
    rows=tables,
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    threshold=st.integers(0, 10),
    suppress_zeros=st.booleans(),
)
def test_properties(
    rows: list[list[int]],
    row_totals: bool,
    column_totals: bool,
    threshold: int,
    suppress_zeros: bool,
) -> None:
    table = suppress_table(
        rows,
        row_totals=row_totals,
        column_totals=column_totals,
        threshold=threshold,
        suppress_zeros=suppress_zeros,
    )
    # No line whose total is shown has exactly one hidden cell, and no shown line of
    # any kind has exactly one unknown (a hidden total with all cells shown).
    for line in _lines(rows, table, row_totals, column_totals):
        assert sum(cell.suppressed for cell in line) != 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            # Every small count is hidden, zeros only when asked.
            if (0 < value <= threshold) or (value == 0 and suppress_zeros):
                assert cell.value is None
                assert cell.reason is Reason.SMALL
            # Nothing is invented: a shown figure is the original one.
            if cell.value is not None:
                assert cell.value == value
                assert cell.reason is None
            else:
                assert cell.reason is not None
    # Shown totals are the true totals.
    if table.row_totals is not None:
        for r, total in enumerate(table.row_totals):
            assert total.value in (None, sum(rows[r]))
    if table.column_totals is not None:
        for c, total in enumerate(table.column_totals):
            assert total.value in (None, sum(row[c] for row in rows))
