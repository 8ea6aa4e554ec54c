from __future__ import annotations

from datetime import date, time
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.earlyyears.domain.ratios import (
    FRAMEWORK_TITLE,
    AgeBand,
    Child,
    Level,
    Provision,
    RatioError,
    RatioStatus,
    Role,
    StaffMember,
    age_band,
    assess_room,
    assess_setting,
)

TODAY = date(2025, 10, 6)
U2, TWO, THREE = AgeBand.UNDER_TWO, AgeBand.TWO, AgeBand.THREE_PLUS


def kids(band: AgeBand, n: int) -> list[Child]:
    return [Child(f"{band}-{i}", band=band) for i in range(n)]


def adults(n: int, level: Level = Level.LEVEL_3) -> list[StaffMember]:
    return [StaffMember(f"s{i}", level=level) for i in range(n)]


TEACHER = StaffMember("teacher", level=Level.LEVEL_6)


@pytest.mark.parametrize(
    ("dob", "band"),
    [
        (date(2024, 10, 7), U2),  # 11 months
        (date(2023, 10, 7), U2),  # second birthday is tomorrow
        (date(2023, 10, 6), TWO),  # second birthday today
        (date(2022, 10, 7), TWO),
        (date(2022, 10, 6), THREE),
        (date(2020, 1, 1), THREE),
        (date(2025, 10, 6), U2),  # born today
    ],
)
def test_age_band_uses_actual_age_on_the_day(dob: date, band: AgeBand) -> None:
    assert age_band(dob, TODAY) is band


def test_leap_day_birthday_counts_from_the_first_of_march() -> None:
    assert age_band(date(2024, 2, 29), date(2026, 2, 28)) is U2
    assert age_band(date(2024, 2, 29), date(2026, 3, 1)) is TWO


def test_future_birth_and_missing_age_are_refused() -> None:
    with pytest.raises(RatioError) as err:
        age_band(date(2026, 1, 1), TODAY)
    assert err.value.code == "ratios.future_birth"
    with pytest.raises(RatioError) as err:
        assess_room([Child("x")], adults(1), on=TODAY)
    assert err.value.code == "ratios.child_age"


# Boundaries: exactly at the ratio is allowed (and at its limit); one over is not.
@pytest.mark.parametrize(
    ("band", "n_children", "staff", "status", "required"),
    [
        (U2, 3, adults(1), RatioStatus.AT_LIMIT, 1),
        (U2, 4, adults(1), RatioStatus.OUT_OF_RATIO, 2),
        (U2, 2, adults(1), RatioStatus.IN_RATIO, 1),
        (U2, 6, adults(2), RatioStatus.AT_LIMIT, 2),
        (TWO, 5, adults(1), RatioStatus.AT_LIMIT, 1),
        (TWO, 6, adults(1), RatioStatus.OUT_OF_RATIO, 2),
        (TWO, 4, adults(1), RatioStatus.IN_RATIO, 1),
        (THREE, 8, adults(1), RatioStatus.AT_LIMIT, 1),
        (THREE, 9, adults(1), RatioStatus.OUT_OF_RATIO, 2),
        # A teacher alone is 1:8: 1:13 needs another member of staff with a level 3 too.
        (THREE, 13, [TEACHER], RatioStatus.OUT_OF_RATIO, 2),
        (THREE, 8, [TEACHER], RatioStatus.AT_LIMIT, 1),
        (THREE, 14, [TEACHER], RatioStatus.OUT_OF_RATIO, 2),
        (THREE, 16, [TEACHER, *adults(1, Level.LEVEL_2)], RatioStatus.AT_LIMIT, 2),
        (THREE, 17, [TEACHER, *adults(1, Level.LEVEL_2)], RatioStatus.OUT_OF_RATIO, 3),
        (THREE, 26, [TEACHER, *adults(1)], RatioStatus.AT_LIMIT, 2),
        (THREE, 27, [TEACHER, *adults(1)], RatioStatus.OUT_OF_RATIO, 3),
        (THREE, 1, [], RatioStatus.OUT_OF_RATIO, 1),
    ],
)
def test_single_age_rooms_at_and_over_the_boundary(
    band: AgeBand, n_children: int, staff: list[StaffMember], status: RatioStatus, required: int
) -> None:
    room = assess_room(kids(band, n_children), staff, on=TODAY)
    assert room.status is status
    assert room.required_staff == required
    assert room.in_ratio == (status is not RatioStatus.OUT_OF_RATIO)


def test_at_limit_warning_names_the_youngest_band_and_cites_the_framework() -> None:
    room = assess_room(kids(U2, 3) + kids(THREE, 2), adults(2), on=TODAY)
    # 3/3 + 2/8 = 5/4 of an adult: 3/4 spare is room for 2 babies, 3 twos or 6 older.
    assert room.status is RatioStatus.IN_RATIO
    assert room.required_exact == Fraction(5, 4)
    assert room.headroom == {U2: 2, TWO: 3, THREE: 6}
    room = assess_room(kids(U2, 5) + kids(THREE, 1), adults(2), on=TODAY)
    assert room.status is RatioStatus.AT_LIMIT
    warning = next(f for f in room.findings if f.code == "ratios.at_limit")
    assert "under two" in warning.message
    assert FRAMEWORK_TITLE in warning.citation
    assert "14 July 2025" in warning.citation
    assert "paragraph 3.52" in warning.citation


@pytest.mark.parametrize(
    ("children", "staff", "required", "status"),
    [
        # 1/3 + 2/5 = 11/15 of an adult: one adult will do, but not one more baby.
        (kids(U2, 1) + kids(TWO, 2), 1, 1, RatioStatus.AT_LIMIT),
        (kids(U2, 1) + kids(TWO, 1), 1, 1, RatioStatus.IN_RATIO),
        # 2/3 + 2/5 = 16/15: two adults needed.
        (kids(U2, 2) + kids(TWO, 2), 1, 2, RatioStatus.OUT_OF_RATIO),
        (kids(U2, 2) + kids(TWO, 2), 2, 2, RatioStatus.IN_RATIO),
        # 3/3 + 5/5 + 8/8 = 3 exactly.
        (kids(U2, 3) + kids(TWO, 5) + kids(THREE, 8), 3, 3, RatioStatus.AT_LIMIT),
        (kids(U2, 3) + kids(TWO, 5) + kids(THREE, 9), 3, 4, RatioStatus.OUT_OF_RATIO),
    ],
)
def test_mixed_age_rooms_add_each_childs_share(
    children: list[Child], staff: int, required: int, status: RatioStatus
) -> None:
    room = assess_room(children, adults(staff), on=TODAY)
    assert room.required_staff == required
    assert room.status is status


@pytest.mark.parametrize(
    ("at", "provision", "per_adult"),
    [
        (time(8, 0), Provision.REGISTERED, 13),
        (time(16, 0), Provision.REGISTERED, 13),
        (time(7, 59), Provision.REGISTERED, 8),
        (time(16, 1), Provision.REGISTERED, 8),
        (None, Provision.REGISTERED, 13),
        (time(17, 30), Provision.MAINTAINED_NURSERY, 13),
    ],
)
def test_one_to_thirteen_only_in_core_hours_in_registered_settings(
    at: time | None, provision: Provision, per_adult: int
) -> None:
    room = assess_room(kids(THREE, 26), [TEACHER, *adults(1)], on=TODAY, at=at, provision=provision)
    assert room.three_plus_ratio == per_adult
    if per_adult == 8:
        assert room.status is RatioStatus.OUT_OF_RATIO
        assert "ratios.outside_level6_hours" in {f.code for f in room.findings}


@pytest.mark.parametrize("provision", list(Provision))
def test_a_teacher_alone_does_not_allow_one_to_thirteen(provision: Provision) -> None:
    """Group and school-based framework (effective 1 September 2025), paragraphs 3.54 and
    3.58: 1:13 with a level 6 working with the children also needs at least one other member
    of staff with a full and relevant level 3."""
    alone = assess_room(kids(THREE, 13), [TEACHER], on=TODAY, provision=provision)
    assert (alone.three_plus_ratio, alone.status) == (8, RatioStatus.OUT_OF_RATIO)
    [note] = [f for f in alone.findings if f.code == "ratios.level6_without_level3"]
    assert "paragraph 3.5" in note.citation and "14 July 2025" in note.citation
    two_teachers = assess_room(kids(THREE, 26), [TEACHER, TEACHER], on=TODAY, provision=provision)
    assert two_teachers.three_plus_ratio == 13  # the other teacher holds more than a level 3
    with_level3 = assess_room(kids(THREE, 13), [TEACHER, *adults(1)], on=TODAY)
    assert with_level3.three_plus_ratio == 13
    assert "ratios.level6_without_level3" not in {f.code for f in with_level3.findings}


def test_one_to_thirteen_does_not_apply_to_under_threes() -> None:
    room = assess_room(kids(TWO, 6), [TEACHER], on=TODAY)
    assert room.status is RatioStatus.OUT_OF_RATIO


def test_reliance_on_the_teacher_is_flagged() -> None:
    room = assess_room(kids(THREE, 20), [TEACHER, *adults(1)], on=TODAY)
    assert room.in_ratio
    assert "ratios.relies_on_level6" in {f.code for f in room.findings}
    room = assess_room(kids(THREE, 16), [TEACHER, *adults(1)], on=TODAY)
    assert "ratios.relies_on_level6" not in {f.code for f in room.findings}


@pytest.mark.parametrize(
    ("member", "counts", "level"),
    [
        (StaffMember("a", age=16), False, Level.NONE),
        (StaffMember("a", age=17), True, Level.NONE),
        (
            StaffMember("a", age=16, role=Role.APPRENTICE, studying_for=Level.LEVEL_3),
            True,
            Level.LEVEL_2,
        ),
        (StaffMember("a", age=15, role=Role.APPRENTICE), False, Level.NONE),
        (StaffMember("a", age=16, role=Role.STUDENT), False, Level.NONE),
        (StaffMember("a", role=Role.STUDENT, studying_for=Level.LEVEL_6), True, Level.LEVEL_3),
        (StaffMember("a", role=Role.STUDENT, studying_for=Level.LEVEL_2), True, Level.NONE),
        (StaffMember("a", role=Role.STUDENT, judged_competent=False), False, Level.NONE),
        (StaffMember("a", role=Role.VOLUNTEER, judged_competent=False), False, Level.NONE),
        (StaffMember("a", role=Role.VOLUNTEER), True, Level.NONE),
        # Already qualified: training for more does not lower them.
        (
            StaffMember("a", level=Level.LEVEL_3, role=Role.APPRENTICE, studying_for=Level.LEVEL_3),
            True,
            Level.LEVEL_3,
        ),
    ],
)
def test_who_counts_and_at_what_level(member: StaffMember, counts: bool, level: Level) -> None:
    assert (member.not_counted_because() is None) == counts
    assert member.counting_level is level
    room = assess_room(kids(THREE, 1), [member], on=TODAY)
    assert room.staff_counted == int(counts)
    assert len(room.not_counted) == int(not counts)


def test_a_trainee_teacher_does_not_unlock_one_to_thirteen() -> None:
    student = StaffMember("st", role=Role.STUDENT, studying_for=Level.LEVEL_6)
    room = assess_room(kids(THREE, 13), [student], on=TODAY)
    assert room.three_plus_ratio == 8
    assert room.status is RatioStatus.OUT_OF_RATIO


def test_no_level_three_is_flagged() -> None:
    room = assess_room(kids(THREE, 4), adults(1, Level.LEVEL_2), on=TODAY)
    assert "ratios.no_level3" in {f.code for f in room.findings}
    room = assess_room(kids(THREE, 4), adults(1, Level.LEVEL_3), on=TODAY)
    assert "ratios.no_level3" not in {f.code for f in room.findings}


def test_empty_room_is_quiet() -> None:
    room = assess_room([], [], on=TODAY)
    assert room.status is RatioStatus.IN_RATIO and room.findings == ()


def test_dates_of_birth_are_used_on_the_day() -> None:
    baby = Child("b", date_of_birth=date(2024, 1, 1))
    toddler = Child("t", date_of_birth=date(2023, 1, 1))
    room = assess_room([baby, toddler], adults(1), on=TODAY)
    assert room.children == {U2: 1, TWO: 1, THREE: 0}


def test_setting_pools_rooms() -> None:
    babies = assess_room(kids(U2, 4), adults(1), on=TODAY)  # needs 4/3
    preschool = assess_room(kids(THREE, 4), adults(2), on=TODAY)  # needs 1/2
    setting = assess_setting([babies, preschool])
    assert not babies.in_ratio
    assert setting.required_staff == 2 and setting.staff_counted == 3 and setting.in_ratio


@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 30), st.integers(0, 6), st.booleans())
def test_headroom_is_exact(u2: int, two: int, three: int, staff: int, teacher: bool) -> None:
    team = adults(staff) + ([TEACHER] if teacher else [])
    children = kids(U2, u2) + kids(TWO, two) + kids(THREE, three)
    room = assess_room(children, team, on=TODAY)
    assert room.in_ratio == (len(team) >= room.required_staff)
    if not room.in_ratio:
        return
    for band in AgeBand:
        more = room.headroom[band]
        assert assess_room(children + kids(band, more), team, on=TODAY).in_ratio
        assert not assess_room(children + kids(band, more + 1), team, on=TODAY).in_ratio
