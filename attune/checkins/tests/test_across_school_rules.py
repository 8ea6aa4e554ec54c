"""The across-school figures' shortcuts give what the plain rules give, for any check-ins."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from attune.checkins import across_school
from attune.checkins.domain import warnings
from attune.checkins.models import Outcome

FIRST = date(2026, 11, 2)
_LOGGED = st.dictionaries(
    st.tuples(
        st.integers(0, 27).map(lambda n: FIRST + timedelta(days=n)),
        st.sampled_from(["start", "12:30", "end"]),
    ),
    st.sampled_from([o.value for o in Outcome]),
    max_size=60,
)


@given(_LOGGED, st.integers(1, 5))
def test_a_run_of_missed_check_ins_is_found_from_the_last_one_that_happened(
    logged: dict[tuple[date, str], str], threshold: int
) -> None:
    every = [
        warnings.CheckinRecord(on, warnings.Outcome(outcome), order=across_school._slot_order(slot))
        for (on, slot), outcome in logged.items()
    ]
    expected = warnings.missed_in_a_row(every, threshold=threshold)
    assert across_school._missed(logged, threshold) == expected
