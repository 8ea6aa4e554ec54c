"""The access rules over every combination of reader, DSL mark and ties (12 x 2 x 1,024
standings: the seven roles, the Virtual School's four partners and a child's family):
properties that must hold for all of them, and a table of the people Attune is built for.

Plain Python: no database, no Django (``pytest -p no:django attune/access/tests/test_rules.py``).
"""

from __future__ import annotations

from functools import cache
from itertools import chain, combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.access.rules import (
    FAMILY_RIGHTS,
    PARTNER_RIGHTS,
    WRITES,
    Family,
    Level,
    Partner,
    PepSection,
    Reader,
    Right,
    Standing,
    Tie,
    allows,
    granting_tie_sets,
    only_through_break_glass,
    pep_sections,
    relevant_ties,
    sees_child,
)
from attune.access.rules import note_levels as _note_levels
from attune.access.rules import rights as _rights
from attune.accounts.roles import Role

# The same standings are asked about many times below: remember each answer.
rights = cache(_rights)
note_levels = cache(_note_levels)

ALL_TIES = [
    frozenset(ties)
    for ties in chain.from_iterable(combinations(Tie, n) for n in range(len(Tie) + 1))
]
READERS: list[Reader] = [*Role, *Partner, *Family]
EVERY_STANDING = [
    Standing(role, is_dsl, ties)
    for role in READERS
    for is_dsl in (False, True)
    for ties in ALL_TIES
]
READS = frozenset(Right) - WRITES

standings = st.builds(
    Standing, st.sampled_from(READERS), st.booleans(), st.frozensets(st.sampled_from(Tie))
)


def test_there_are_as_many_standings_as_combinations() -> None:
    assert len(EVERY_STANDING) == (len(Role) + len(Partner) + len(Family)) * 2 * 2 ** len(Tie)


def standings_of(role: Reader) -> list[Standing]:
    return [s for s in EVERY_STANDING if s.role == role]


@pytest.mark.parametrize("role", READERS)
def test_properties_that_hold_for_every_standing(role: Reader) -> None:
    for s in standings_of(role):
        _holds_for(s)


def _holds_for(s: Standing) -> None:
    granted = rights(s)
    levels = note_levels(s)
    plain = s.without_break_glass()
    # Nothing at all about a child one cannot see, but for a partner's own PEP.
    if not sees_child(s):
        assert not levels
        outside = PARTNER_RIGHTS if s.partner else FAMILY_RIGHTS if s.family else frozenset()
        assert granted <= outside
    # A family reaches its own child's family page and nothing else: no level of note at all.
    if s.family:
        assert granted == (FAMILY_RIGHTS if Tie.FAMILY in s.ties else frozenset())
        assert not levels and not sees_child(s)
    else:
        assert not granted & FAMILY_RIGHTS
    # A partner reaches the PEP they were invited to and nothing else: no note, no record.
    if s.partner:
        assert granted == (PARTNER_RIGHTS if Tie.PEP_PARTNER in s.ties else frozenset())
        assert not sees_child(s)
    else:
        assert Right.WRITE_PEP_SECTION not in granted
        assert not pep_sections(s)
    # Only a partner writes a section, and only the sections that are theirs.
    if pep_sections(s):
        assert isinstance(s.role, Partner) and Right.WRITE_PEP_SECTION in granted
    # Break glass reads; it never writes.
    assert granted & WRITES == rights(plain) & WRITES
    # Only a designated safeguarding lead can be let in by break glass.
    if not s.is_dsl:
        assert granted == rights(plain) and levels == note_levels(plain)
    # Notes for the DSL only are read by a DSL, and only alongside the team's.
    if Level.DSL in levels:
        assert s.is_dsl and Level.TEAM in levels
    # A note for the team is read exactly by those who see the child's sensitive record.
    assert (Level.TEAM in levels) == (Right.SEE_SENSITIVE in granted)
    # The administrator runs accounts and reads no note of any level.
    if s.role == Role.ADMINISTRATOR:
        assert not levels
        assert not granted & {Right.SEE_SENSITIVE, Right.SEE_ALL_INCIDENTS, Right.READ_PEPS}
    # The Virtual School reads what is shared and its own children, and never changes a school's
    # record: its one write is its own quality assurance of the PEPs of children it looks after.
    if s.role == Role.VIRTUAL_SCHOOL:
        assert granted & WRITES <= {Right.QUALITY_ASSURE_PEPS}
        assert sees_child(s) == bool(s.ties & {Tie.SHARED_COHORT, Tie.LOOKED_AFTER_BY})
    if Right.QUALITY_ASSURE_PEPS in granted:
        assert s.role == Role.VIRTUAL_SCHOOL and Tie.LOOKED_AFTER_BY in s.ties
    # Whoever changes a record can read what they change.
    if Right.SUPPORT in granted:
        assert Right.SEE_SENSITIVE in granted
    if Right.WRITE_PEPS in granted:
        assert Right.READ_PEPS in granted
    # "Only through break glass" means exactly that.
    for right in Right:
        assert only_through_break_glass(s, right) == (
            right in granted and right not in rights(plain)
        ), (s, right)


@pytest.mark.parametrize("role", READERS)
def test_a_tie_more_never_takes_a_right_or_a_level_away(role: Reader) -> None:
    for s in standings_of(role):
        for tie in Tie:
            more = Standing(s.role, s.is_dsl, s.ties | {tie})
            assert rights(s) <= rights(more), (s, tie)
            assert note_levels(s) <= note_levels(more), (s, tie)
            assert pep_sections(s) <= pep_sections(more), (s, tie)


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("is_dsl", [False, True])
def test_lists_of_children_and_checks_agree(role: Reader, is_dsl: bool) -> None:
    """A child is in a list of those a reader has a right over exactly when the check says so."""
    for right in Right:
        sets = granting_tie_sets(role, is_dsl, right)
        for ties in ALL_TIES:
            s = Standing(role, is_dsl, ties)
            assert allows(s, right) == any(tie_set <= ties for tie_set in sets), (s, right)


@given(standings)
def test_only_the_relevant_ties_change_an_answer(s: Standing) -> None:
    kept = Standing(s.role, s.is_dsl, s.ties & relevant_ties(s.role, s.is_dsl))
    assert rights(kept) == rights(s)
    assert note_levels(kept) == note_levels(s)


@given(standings, st.sampled_from(sorted(READS)))
def test_a_record_of_ones_own_opens_no_more_than_incidents(s: Standing, right: Right) -> None:
    """``own`` (the reader wrote the record) matters for an incident and nothing else read."""
    if right != Right.SEE_ALL_INCIDENTS:
        assert allows(s, right, own=True) == allows(s, right)


K, C, CT, KIT, DT, SC, BG, LA, PP, FAM = (
    Tie.KEY_ADULT,
    Tie.CO_WORKER,
    Tie.CLOSE_TEAM,
    Tie.KEEP_IN_TOUCH,
    Tie.DESIGNATED_TEACHER,
    Tie.SHARED_COHORT,
    Tie.BREAK_GLASS,
    Tie.LOOKED_AFTER_BY,
    Tie.PEP_PARTNER,
    Tie.FAMILY,
)
R = Right
E, T, D = Level.EVERYONE, Level.TEAM, Level.DSL

# (who, standing, rights they have, levels of note they read)
PEOPLE = [
    (
        "headteacher",
        Standing(Role.HEADTEACHER),
        {
            R.SEE_CHILD,
            R.SEE_SENSITIVE,
            R.SUPPORT,
            R.SEE_ALL_INCIDENTS,
            R.READ_PEPS,
            R.WRITE_PEPS,
            R.AGREE_CHECKIN_PLAN,
            R.RECORD_ATTUNEMENT,
            R.SET_FAMILY_ARRANGEMENTS,
            R.KEEP_IN_TOUCH,
        },
        {E, T},
    ),
    (
        "headteacher marked as DSL",
        Standing(Role.HEADTEACHER, is_dsl=True),
        {
            R.SEE_CHILD,
            R.SEE_SENSITIVE,
            R.SUPPORT,
            R.SEE_ALL_INCIDENTS,
            R.READ_PEPS,
            R.WRITE_PEPS,
            R.AGREE_CHECKIN_PLAN,
            R.RECORD_ATTUNEMENT,
            R.SET_FAMILY_ARRANGEMENTS,
            R.KEEP_IN_TOUCH,
        },
        {E, T, D},
    ),
    (
        "attachment lead (not the DSL)",
        Standing(Role.ATTACHMENT_LEAD),
        {
            R.SEE_CHILD,
            R.SEE_SENSITIVE,
            R.SUPPORT,
            R.EDIT_ABOUT_ME,
            R.SEE_ALL_INCIDENTS,
            R.READ_PEPS,
            R.WRITE_PEPS,
            R.AGREE_CHECKIN_PLAN,
            R.RECORD_ATTUNEMENT,
            R.SET_FAMILY_ARRANGEMENTS,
            R.KEEP_IN_TOUCH,
        },
        {E, T},
    ),
    (
        "the child's key adult",
        Standing(Role.KEY_ADULT, ties=frozenset({K})),
        {
            R.SEE_CHILD,
            R.SEE_SENSITIVE,
            R.SUPPORT,
            R.EDIT_ABOUT_ME,
            R.SEE_ALL_INCIDENTS,
            R.READ_PEPS,
            R.WRITE_PEPS,
            R.AGREE_CHECKIN_PLAN,
            R.LOG_CHECKINS,
            R.RECORD_ATTUNEMENT,
            R.SET_FAMILY_ARRANGEMENTS,
            R.KEEP_IN_TOUCH,
        },
        {E, T},
    ),
    (
        "the child's co-worker",
        Standing(Role.KEY_ADULT, ties=frozenset({C})),
        {
            R.SEE_CHILD,
            R.SEE_SENSITIVE,
            R.SUPPORT,
            R.EDIT_ABOUT_ME,
            R.SEE_ALL_INCIDENTS,
            R.READ_PEPS,
            R.WRITE_PEPS,
            R.AGREE_CHECKIN_PLAN,
            R.LOG_CHECKINS,
            R.RECORD_ATTUNEMENT,
            R.KEEP_IN_TOUCH,
        },
        {E, T},
    ),
    (
        "another child's key adult",
        Standing(Role.KEY_ADULT),
        {R.SEE_CHILD},
        {E},
    ),
    (
        "a teacher in the close team",
        Standing(Role.TEACHER, ties=frozenset({CT})),
        {R.SEE_CHILD, R.SEE_ALL_INCIDENTS},
        {E},
    ),
    (
        "a teacher who keeps in touch",
        Standing(Role.TEACHER, ties=frozenset({KIT})),
        {R.SEE_CHILD, R.KEEP_IN_TOUCH},
        {E},
    ),
    (
        "the designated teacher",
        Standing(Role.TEACHER, ties=frozenset({DT})),
        {R.SEE_CHILD, R.READ_PEPS, R.WRITE_PEPS},
        {E},
    ),
    ("office staff", Standing(Role.OFFICE), {R.SEE_CHILD}, {E}),
    (
        "a DSL teacher under break glass",
        Standing(Role.TEACHER, is_dsl=True, ties=frozenset({BG})),
        {R.SEE_CHILD, R.SEE_SENSITIVE, R.SEE_ALL_INCIDENTS, R.READ_PEPS},
        {E, T, D},
    ),
    (
        "a teacher holding a grant without being the DSL",
        Standing(Role.TEACHER, ties=frozenset({BG})),
        {R.SEE_CHILD},
        {E},
    ),
    ("the Virtual School, child not shared", Standing(Role.VIRTUAL_SCHOOL), set(), set()),
    (
        "the Virtual School, child shared",
        Standing(Role.VIRTUAL_SCHOOL, ties=frozenset({SC})),
        {R.SEE_CHILD, R.SEE_SENSITIVE, R.READ_PEPS},
        {E, T},
    ),
    (
        "the Virtual School, a child its authority looks after",
        Standing(Role.VIRTUAL_SCHOOL, ties=frozenset({LA})),
        {R.SEE_CHILD, R.SEE_SENSITIVE, R.READ_PEPS, R.QUALITY_ASSURE_PEPS},
        {E, T},
    ),
    ("the administrator", Standing(Role.ADMINISTRATOR), {R.SEE_CHILD}, set()),
    (
        "a designated teacher invited to the child's PEP",
        Standing(Partner.DESIGNATED_TEACHER, ties=frozenset({PP})),
        {R.READ_PEPS, R.WRITE_PEP_SECTION},
        set(),
    ),
    ("a social worker not invited", Standing(Partner.SOCIAL_WORKER), set(), set()),
    (
        "a parent with parental responsibility, signed in by link",
        Standing(Family.PARENT, ties=frozenset({FAM})),
        {R.SEE_AS_FAMILY, R.WRITE_AS_FAMILY},
        set(),
    ),
    ("a parent marked 'no contact' (no family tie)", Standing(Family.PARENT), set(), set()),
    (
        "a parent who is also somehow a key adult's tie holder",
        Standing(Family.PARENT, ties=frozenset({FAM, K, BG})),
        {R.SEE_AS_FAMILY, R.WRITE_AS_FAMILY},
        set(),
    ),
    (
        "a carer invited, even holding a stray tie of another kind",
        Standing(Partner.CARER, is_dsl=True, ties=frozenset({PP, K, BG, LA})),
        {R.READ_PEPS, R.WRITE_PEP_SECTION},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("who", "s", "expected_rights", "expected_levels"), PEOPLE, ids=[p[0] for p in PEOPLE]
)
def test_each_person_has_what_their_work_needs_and_no_more(
    who: str, s: Standing, expected_rights: set[Right], expected_levels: set[Level]
) -> None:
    assert rights(s) == expected_rights
    assert note_levels(s) == expected_levels


def test_leads_oversee_check_ins_but_log_only_their_own() -> None:
    lead = Standing(Role.ATTACHMENT_LEAD)
    assert not allows(lead, Right.LOG_CHECKINS)
    assert allows(lead, Right.LOG_CHECKINS, own=True)


def test_whoever_recorded_an_incident_reads_it_back() -> None:
    teacher = Standing(Role.TEACHER)
    assert not allows(teacher, Right.SEE_ALL_INCIDENTS)
    assert allows(teacher, Right.SEE_ALL_INCIDENTS, own=True)
    assert not allows(Standing(Role.ADMINISTRATOR), Right.SEE_ALL_INCIDENTS, own=True)


@pytest.mark.parametrize(
    ("partner", "sections"),
    [
        (Partner.DESIGNATED_TEACHER, {PepSection.SCHOOL, PepSection.CHILD}),
        (Partner.SOCIAL_WORKER, {PepSection.CARE}),
        (Partner.CARER, {PepSection.HOME, PepSection.CHILD}),
        (Partner.CHILD, {PepSection.CHILD}),
    ],
)
def test_each_partner_writes_their_own_part_of_the_pep(
    partner: Partner, sections: set[PepSection]
) -> None:
    assert pep_sections(Standing(partner, ties=frozenset({PP}))) == sections
    assert not pep_sections(Standing(partner))


def test_every_section_has_someone_to_write_it() -> None:
    written = set().union(*(pep_sections(Standing(p, ties=frozenset({PP}))) for p in Partner))
    assert written == set(PepSection)
