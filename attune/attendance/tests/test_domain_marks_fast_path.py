"""The marks reader's fast path gives exactly what the slow, fully checking path gives."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from attune.attendance.domain.marks_csv import iter_marks
from attune.people.domain.upn import make_upn

TODAY = date(2026, 11, 23)
UPN = make_upn(823, 2001, 24, 101)
CELLS = {
    "school_urn": ["123456", "12345", "", "12345a", " 123456 "],
    "upn": [UPN, UPN.lower(), "", "X" + UPN[1:], UPN[:-1]],
    "date": ["2026-09-07", "2026-09-08", "2026-13-01", "2027-01-04", "", "07/09/2026"],
    "session": ["AM", "pm", "", "EV"],
    "code": ["/", "\\", "L", "U", "H", "X01", "ZZ", "", "c1", "i"],
    "minutes_late": ["", "5", "0", "301", "x"],
}
HEADER = ",".join(CELLS)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({name: st.sampled_from(values) for name, values in CELLS.items()}),
        min_size=1,
        max_size=12,
    )
)
def test_fast_and_slow_paths_agree(rows: list[dict[str, str]]) -> None:
    text = HEADER + "\n" + "".join(",".join(row.values()) + "\n" for row in rows)

    def read(fast: bool) -> list[object]:
        return list(iter_marks(io.StringIO(text), today=TODAY, fast_path=fast))

    assert read(True) == read(False)
