from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.checkins.domain.schedule import Moment, Slot
from attune.checkins.domain.today import SlotState, slot_key, slot_state, slot_when

MON = date(2025, 9, 1)
START, END, LUNCH = Slot(Moment.START_OF_DAY), Slot(Moment.END_OF_DAY), Slot(time(12, 30))


@pytest.mark.parametrize(
    ("slot", "now", "logged", "expected"),
    [
        (START, time(7, 30), False, SlotState.LATER),
        (START, time(8, 15), False, SlotState.DUE_NOW),  # within half an hour
        (START, time(11, 0), False, SlotState.DUE_NOW),  # still due until logged
        (LUNCH, time(11, 0), False, SlotState.LATER),
        (LUNCH, time(12, 0), False, SlotState.DUE_NOW),
        (END, time(12, 0), False, SlotState.LATER),
        (END, time(15, 0), True, SlotState.DONE),
    ],
)
def test_where_a_slot_stands_during_the_day(
    slot: Slot, now: time, logged: bool, expected: SlotState
) -> None:
    assert slot_state(slot, logged=logged, day=MON, now=datetime.combine(MON, now)) is expected


def test_an_earlier_day_with_nothing_logged_is_not_logged_and_a_later_day_is_later() -> None:
    now = datetime.combine(MON, time(9))
    assert slot_state(START, logged=False, day=date(2025, 8, 29), now=now) is SlotState.NOT_LOGGED
    assert slot_state(START, logged=False, day=date(2025, 9, 2), now=now) is SlotState.LATER


@given(
    st.sampled_from([Moment.START_OF_DAY, Moment.END_OF_DAY])
    | st.times().map(lambda t: t.replace(second=0, microsecond=0))
)
def test_slot_keys_round_trip(when: Moment | time) -> None:
    assert slot_when(slot_key(Slot(when))) == when


def test_a_bad_key_is_refused() -> None:
    with pytest.raises(ValueError):
        slot_when("lunchtime")
