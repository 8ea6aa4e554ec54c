"""Small-number suppression for figures shown outside a school.

The Virtual School sees counts across many schools. A count of one or two children in a
cell can point to a child, so before a table leaves a school:

* primary suppression hides every count from 1 up to and including ``threshold`` (default
  5: 1 to 5 are hidden, as the Department's statistics on looked-after children and children
  in need do: "Numbers from 1 to 5 inclusive have been suppressed", with the next smallest
  figure suppressed where a hidden one could be worked out, as the DCSF put it in Hansard,
  HC Deb 8 January 2008, "Children in Care"; see also the DfE's "A guide to looked after
  children statistics in England", section 4.5, "Rounding, suppression and grossing"). A
  threshold of 0 hides none;
* secondary suppression hides further cells so that a hidden count cannot be worked out
  by subtracting the shown cells from a shown total;
* a rate is hidden when its numerator or denominator is hidden or small, because
  ``rate x denominator`` would give the hidden count back.

Zeros are shown by default. A zero says that no child is in the group, so it points at
nobody; hiding zeros as well makes tables hard to read and leads readers to guess that a
small number sits behind every gap. Set ``suppress_zeros=True`` for a table where "none"
would itself be sensitive (for example "children in this school with a social worker").

Secondary suppression works on the table as written, totals included. Every row and
column that has a total shown is an equation (cells add up to the total). An equation with
exactly one hidden member gives that member away, so for each such line we hide the
smallest other figure in it, preferring a non-zero interior cell (hiding a zero protects
little) and only then the line's total, and repeat until no line has exactly one hidden
member. Hiding only ever grows, so this always stops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_THRESHOLD = 5


class SuppressionError(ValueError):
    """Bad input to the suppression functions; ``code`` is stable for tests and callers."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Reason(StrEnum):
    SMALL = "small"
    SECONDARY = "secondary"
    RATE_INPUT = "rate_input"


@dataclass(frozen=True, slots=True)
class ShownCell:
    """One figure as it may be shown: ``value`` is None when hidden, with the reason."""

    value: int | None
    reason: Reason | None = None
    threshold: int = DEFAULT_THRESHOLD

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def reason_text(self) -> str:
        """The words shown beside a hidden figure."""
        if self.reason is Reason.SMALL:
            return f"{self.threshold} or fewer"
        if self.reason is Reason.SECONDARY:
            return "hidden so another figure cannot be worked out"
        if self.reason is Reason.RATE_INPUT:
            return "hidden because a figure it is worked out from is hidden"
        return ""


@dataclass(frozen=True, slots=True)
class ShownRate:
    value: float | None
    reason: Reason | None = None
    threshold: int = DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """A table ready to show. ``cells[r][c]``; totals are None when not shown at all."""

    cells: tuple[tuple[ShownCell, ...], ...]
    row_totals: tuple[ShownCell, ...] | None
    column_totals: tuple[ShownCell, ...] | None
    grand_total: ShownCell | None

    def cell(self, row: int, column: int) -> ShownCell:
        return self.cells[row][column]


Position = tuple[int, int]


def is_small(
    value: int, *, threshold: int = DEFAULT_THRESHOLD, suppress_zeros: bool = False
) -> bool:
    """True when a count must be hidden on its own account."""
    if value < 0:
        raise SuppressionError("A count cannot be negative.", "suppression.negative")
    if value == 0:
        return suppress_zeros
    return value <= threshold


def suppress_count(
    value: int, *, threshold: int = DEFAULT_THRESHOLD, suppress_zeros: bool = False
) -> ShownCell:
    """A single figure with no totals around it: primary suppression only."""
    _check_threshold(threshold)
    if is_small(value, threshold=threshold, suppress_zeros=suppress_zeros):
        return ShownCell(None, Reason.SMALL, threshold)
    return ShownCell(value, None, threshold)


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zeros: bool = False,
) -> SuppressedTable:
    """Hide small counts and anything that would let them be worked out.

    ``rows`` is a rectangular grid of counts. Totals are computed here (never taken from
    the caller) so they always match the cells they sum.
    """
    _check_threshold(threshold)
    grid = _extended_grid(rows, row_totals=row_totals, column_totals=column_totals)
    hidden: dict[Position, Reason] = {
        pos: Reason.SMALL
        for pos, value in grid.values.items()
        if is_small(value, threshold=threshold, suppress_zeros=suppress_zeros)
    }
    _secondary(grid, hidden)
    return _build(grid, hidden, threshold)


def suppress_rate(
    numerator: ShownCell | int,
    denominator: ShownCell | int,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zeros: bool = False,
) -> ShownRate:
    """A proportion (0-1) that is hidden whenever either figure behind it is hidden.

    Plain ints are first put through primary suppression, so a rate can never reveal a
    small count that the table would have hidden. A zero denominator gives no rate.
    """
    num = _as_cell(numerator, threshold, suppress_zeros)
    den = _as_cell(denominator, threshold, suppress_zeros)
    if num.value is None or den.value is None:
        return ShownRate(None, Reason.RATE_INPUT, threshold)
    if den.value == 0:
        return ShownRate(None, None, threshold)
    if num.value > den.value:
        raise SuppressionError(
            "The part cannot be bigger than the whole.", "suppression.rate_over_one"
        )
    return ShownRate(num.value / den.value, None, threshold)


# --- internals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grid:
    values: Mapping[Position, int]
    n_rows: int
    n_cols: int
    # Each line is (members, total position); members include the total itself.
    lines: tuple[tuple[tuple[Position, ...], Position], ...]
    row_totals: bool
    column_totals: bool


def _check_threshold(threshold: int) -> None:
    if threshold < 0:
        raise SuppressionError("The threshold cannot be negative.", "suppression.threshold")


def _as_cell(value: ShownCell | int, threshold: int, suppress_zeros: bool) -> ShownCell:
    if isinstance(value, ShownCell):
        return value
    return suppress_count(value, threshold=threshold, suppress_zeros=suppress_zeros)


def _extended_grid(
    rows: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> _Grid:
    """Cells plus totals in one grid: the totals column is index n_cols, totals row n_rows."""
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    if n_rows == 0 or n_cols == 0:
        raise SuppressionError("A table needs at least one cell.", "suppression.empty")
    if any(len(r) != n_cols for r in rows):
        raise SuppressionError(
            "Every row must have the same number of cells.", "suppression.ragged"
        )
    values: dict[Position, int] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value < 0:
                raise SuppressionError("A count cannot be negative.", "suppression.negative")
            values[(r, c)] = value
    # The totals row (when shown) also has a total of its own: the grand total.
    row_range = range(n_rows + 1) if column_totals else range(n_rows)
    col_range = range(n_cols + 1) if row_totals else range(n_cols)
    if row_totals:
        for r in range(n_rows):
            values[(r, n_cols)] = sum(rows[r])
    if column_totals:
        for c in range(n_cols):
            values[(n_rows, c)] = sum(row[c] for row in rows)
    if row_totals and column_totals:
        values[(n_rows, n_cols)] = sum(sum(row) for row in rows)
    lines: list[tuple[tuple[Position, ...], Position]] = []
    if row_totals:
        for r in row_range:
            lines.append((tuple((r, c) for c in range(n_cols + 1)), (r, n_cols)))
    if column_totals:
        for c in col_range:
            lines.append((tuple((r, c) for r in range(n_rows + 1)), (n_rows, c)))
    return _Grid(values, n_rows, n_cols, tuple(lines), row_totals, column_totals)


def _secondary(grid: _Grid, hidden: dict[Position, Reason]) -> None:
    changed = True
    while changed:
        changed = False
        for members, total in grid.lines:
            if sum(1 for p in members if p in hidden) != 1:
                continue
            pick = _complement(grid, members, total, hidden)
            if pick is not None:
                hidden[pick] = Reason.SECONDARY
                changed = True


def _complement(
    grid: _Grid, members: tuple[Position, ...], total: Position, hidden: Mapping[Position, Reason]
) -> Position | None:
    """The cell to hide beside a lone hidden one: smallest non-zero interior cell first."""
    open_cells = [p for p in members if p not in hidden]
    if not open_cells:
        return None

    def preference(p: Position) -> tuple[int, int, int, Position]:
        value = grid.values[p]
        return (p == total, value == 0, value, p)

    return min(open_cells, key=preference)


def _build(grid: _Grid, hidden: Mapping[Position, Reason], threshold: int) -> SuppressedTable:
    def shown(p: Position) -> ShownCell:
        if p in hidden:
            return ShownCell(None, hidden[p], threshold)
        return ShownCell(grid.values[p], None, threshold)

    cells = tuple(tuple(shown((r, c)) for c in range(grid.n_cols)) for r in range(grid.n_rows))
    row_totals = (
        tuple(shown((r, grid.n_cols)) for r in range(grid.n_rows)) if grid.row_totals else None
    )
    column_totals = (
        tuple(shown((grid.n_rows, c)) for c in range(grid.n_cols)) if grid.column_totals else None
    )
    grand = shown((grid.n_rows, grid.n_cols)) if grid.row_totals and grid.column_totals else None
    return SuppressedTable(cells, row_totals, column_totals, grand)
