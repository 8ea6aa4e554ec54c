"""Who may do what with a child's record: the whole policy, as plain Python.

A reader's *standing* with one child is their role in the school, whether their membership is
marked as the designated safeguarding lead (DSL), and their *ties* to that child: key adult,
co-worker, close team, named in a keeping-in-touch routine, designated teacher on a PEP, the
child being in a cohort the school shares with the Virtual School, the child being on the list of
children the officer's own authority looks after, an open break-glass grant, or (for a partner
of the Virtual School, who has no role in any school) being invited to the child's PEP.
From that standing alone this module answers every question Attune asks before it shows or
changes anything about a child: which *rights* hold, and which *levels* of note may be read.

No Django here: the facts are gathered elsewhere (``attune.access.standing``) and every answer
is tested over every combination of role, DSL mark and ties (``tests/test_rules.py``). Asking
never writes anything.

Three rules shape the rest:

* **Break glass reads, never writes.** A DSL's open grant opens the child's sensitive record
  and every level of note, and nothing that changes the record.
* **A note's level is a ceiling, not a floor.** A note for the team is read by those who see
  the child's sensitive record; a note for the DSL only, by a DSL among them; nobody reads a
  note because of its level alone.
* **A partner reaches one PEP and nothing else.** The designated teacher at any school, the
  social worker, the carer and the child, invited to a child's PEP with the Virtual School, read
  that PEP and write their own section of it; no school page, no note, no other child.
* **A family reaches its own child, and only what the school shares home.** A parent or carer
  with parental responsibility the school has recorded, and no "no contact" mark, reads the
  family page of that child and writes to the school from it (``FAMILY_RIGHTS``); no level of
  note is theirs, so a note for the team or the DSL can never reach them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from itertools import combinations

from attune.accounts.roles import ROLE_PERMISSIONS, Permission, Role


class Tie(StrEnum):
    """How a reader is connected to one child."""

    KEY_ADULT = "key_adult"  # the child's current key adult
    CO_WORKER = "co_worker"  # the current key adult's named co-worker
    CLOSE_TEAM = "close_team"  # a member of the close team the child chose
    KEEP_IN_TOUCH = "keep_in_touch"  # the adult named in the child's keeping-in-touch routine
    DESIGNATED_TEACHER = "designated_teacher"  # named on one of the child's PEPs
    SHARED_COHORT = "shared_cohort"  # in a cohort the school shares with the Virtual School
    BREAK_GLASS = "break_glass"  # an open break-glass grant for this child
    # On the list of children the officer's own authority looks after (its corporate parent's
    # named duty, wherever the child is at school).
    LOOKED_AFTER_BY = "looked_after_by"
    PEP_PARTNER = "pep_partner"  # invited to the child's PEP with the Virtual School
    # A parent or carer with parental responsibility the school recorded, not marked "no
    # contact", who holds a live sign-in by emailed link (``attune/families/ties.py``).
    FAMILY = "family"


class Partner(StrEnum):
    """Someone the Virtual School writes a child's PEP with, who has no role in any school."""

    DESIGNATED_TEACHER = "designated_teacher"  # at the child's school, on Attune or not
    SOCIAL_WORKER = "social_worker"
    CARER = "carer"
    CHILD = "child"

    @property
    def label(self) -> str:
        return PARTNER_LABELS[self]


PARTNER_LABELS = {
    Partner.DESIGNATED_TEACHER: "Designated teacher",
    Partner.SOCIAL_WORKER: "Social worker",
    Partner.CARER: "Carer",
    Partner.CHILD: "The child",
}


class Family(StrEnum):
    """A child's parent or carer, signed in by an emailed link: no role in any school."""

    PARENT = "parent"


# Whoever a standing is for: a role in a school (or the Virtual School), a PEP partner, or a
# child's family.
Reader = Role | Partner | Family


class PepSection(StrEnum):
    """The parts of a PEP written with partners, each by the partner whose part it is."""

    SCHOOL = "school"  # attendance, progress, targets and Pupil Premium Plus: the school's part
    CARE = "care"  # the care plan's side: placement, contact, what the social worker sees
    HOME = "home"  # the carer's part: learning at home, what helps
    CHILD = "child"  # the child's own words


class Level(StrEnum):
    """How widely a note may be read (``sensitivity`` on each note)."""

    EVERYONE = "everyone"  # everyone who works with the child
    TEAM = "team"  # the child's team: whoever sees the child's sensitive record
    DSL = "dsl"  # the designated safeguarding lead only


class Right(StrEnum):
    """What a reader may do with one child's record."""

    SEE_CHILD = "see_child"  # the child's page: name, class, "about me" and "what helps me"
    SEE_SENSITIVE = "see_sensitive"  # cohort flags, needs, plans, the whole team and its contacts
    SUPPORT = "support"  # change the team; write plans, reviews, meetings and contacts
    EDIT_ABOUT_ME = "edit_about_me"  # change "about me" and "what helps me"
    SEE_ALL_INCIDENTS = "see_all_incidents"  # every incident of the child, and the trend
    READ_PEPS = "read_peps"  # the child's Personal Education Plans
    WRITE_PEPS = "write_peps"  # plan, record and sign off PEPs; set and review targets
    AGREE_CHECKIN_PLAN = "agree_checkin_plan"  # agree or change the child's check-in plan
    LOG_CHECKINS = "log_checkins"  # log the child's check-ins and noticing (own relationship)
    RECORD_ATTUNEMENT = "record_attunement"  # attunement and targets of a relationship
    SET_FAMILY_ARRANGEMENTS = "set_family_arrangements"  # how noticing goes home
    KEEP_IN_TOUCH = "keep_in_touch"  # log contacts while the child is absent
    WRITE_PEP_SECTION = "write_pep_section"  # a partner's own section of a PEP
    QUALITY_ASSURE_PEPS = "quality_assure_peps"  # rate, return and approve Pupil Premium Plus
    SEE_AS_FAMILY = "see_as_family"  # the family page: only what the school shares home
    WRITE_AS_FAMILY = "write_as_family"  # reply to a note, tell the school about an absence


# Rights that change the record: break glass never grants these.
WRITES = frozenset(
    {
        Right.SUPPORT,
        Right.EDIT_ABOUT_ME,
        Right.WRITE_PEPS,
        Right.AGREE_CHECKIN_PLAN,
        Right.LOG_CHECKINS,
        Right.RECORD_ATTUNEMENT,
        Right.SET_FAMILY_ARRANGEMENTS,
        Right.KEEP_IN_TOUCH,
        Right.WRITE_PEP_SECTION,
        Right.QUALITY_ASSURE_PEPS,
        Right.WRITE_AS_FAMILY,
    }
)
# What a partner with an invitation to the child's PEP may do: read it and write their part.
PARTNER_RIGHTS = frozenset({Right.READ_PEPS, Right.WRITE_PEP_SECTION})
# Which sections each partner writes. The child's words may also be written down with the
# child by the carer or the designated teacher, for a child too young to type them.
PARTNER_SECTIONS: dict[Partner, frozenset[PepSection]] = {
    Partner.DESIGNATED_TEACHER: frozenset({PepSection.SCHOOL, PepSection.CHILD}),
    Partner.SOCIAL_WORKER: frozenset({PepSection.CARE}),
    Partner.CARER: frozenset({PepSection.HOME, PepSection.CHILD}),
    Partner.CHILD: frozenset({PepSection.CHILD}),
}
# What a family with the family tie may do: their own child's family page, and writing from it.
FAMILY_RIGHTS = frozenset({Right.SEE_AS_FAMILY, Right.WRITE_AS_FAMILY})
KEY_TIES = frozenset({Tie.KEY_ADULT, Tie.CO_WORKER})


@dataclass(frozen=True, slots=True)
class Standing:
    """One reader's standing with one child."""

    role: Reader
    is_dsl: bool = False
    ties: frozenset[Tie] = frozenset()

    def has(self, permission: Permission) -> bool:
        return isinstance(self.role, Role) and permission in ROLE_PERMISSIONS[self.role]

    @property
    def partner(self) -> bool:
        return isinstance(self.role, Partner)

    @property
    def family(self) -> bool:
        return isinstance(self.role, Family)

    def tied(self, *ties: Tie) -> bool:
        return any(tie in self.ties for tie in ties)

    @property
    def keyed(self) -> bool:
        """The child's key adult or co-worker."""
        return bool(self.ties & KEY_TIES)

    @property
    def glass(self) -> bool:
        """An open break-glass grant: it counts only for a DSL who works with children (not
        for a membership that runs accounts, nor for the Virtual School)."""
        return (
            self.is_dsl
            and Tie.BREAK_GLASS in self.ties
            and isinstance(self.role, Role)
            and self.role not in (Role.ADMINISTRATOR, Role.VIRTUAL_SCHOOL)
        )

    def without_break_glass(self) -> Standing:
        return replace(self, ties=self.ties - {Tie.BREAK_GLASS})


def sees_child(s: Standing) -> bool:
    """May see the child at all: a Virtual School officer only the children the school shares
    and the children their own authority looks after; a partner no child's record (only the
    PEP they were invited to); everyone else with the pupil list, every child."""
    if s.role == Role.VIRTUAL_SCHOOL:
        return s.tied(Tie.SHARED_COHORT, Tie.LOOKED_AFTER_BY)
    return s.has(Permission.VIEW_PUPILS)


def sees_sensitive(s: Standing) -> bool:
    if not sees_child(s):
        return False
    if s.has(Permission.VIEW_ALL_SENSITIVE):
        return True
    return (s.has(Permission.VIEW_OWN_SENSITIVE) and s.keyed) or s.glass


def _designated_teacher(s: Standing) -> bool:
    """Named on the child's PEP, in a role that works with children (an administrator's
    membership runs accounts even if its staff record is named)."""
    return s.tied(Tie.DESIGNATED_TEACHER) and s.role != Role.ADMINISTRATOR


def _reads(s: Standing, right: Right, own: bool) -> bool:
    match right:
        case Right.SEE_CHILD:
            return True
        case Right.SEE_SENSITIVE:
            return sees_sensitive(s)
        case Right.SEE_ALL_INCIDENTS:
            if s.has(Permission.VIEW_ALL_INCIDENTS) or s.glass:
                return True
            return s.has(Permission.RECORD_INCIDENTS) and (s.keyed or s.tied(Tie.CLOSE_TEAM))
        case Right.READ_PEPS:
            return sees_sensitive(s) or _designated_teacher(s)
        case Right.SEE_AS_FAMILY:
            return False  # families only (``allows``)
    raise ValueError(right)  # pragma: no cover - every read right is matched above


def _writes(s: Standing, right: Right, own: bool) -> bool:
    """Write rights, for a standing that has no break glass in it."""
    leads = s.has(Permission.MANAGE_CHECKINS)
    match right:
        case Right.SUPPORT:
            return (
                s.role != Role.VIRTUAL_SCHOOL
                and sees_sensitive(s)
                and (s.has(Permission.MANAGE_KEY_ADULTS) or s.role == Role.KEY_ADULT)
            )
        case Right.EDIT_ABOUT_ME:
            return s.has(Permission.EDIT_ABOUT_ME) or (s.role == Role.KEY_ADULT and s.keyed)
        case Right.WRITE_PEPS:
            return _writes(s, Right.SUPPORT, own) or (
                s.role != Role.VIRTUAL_SCHOOL and _designated_teacher(s)
            )
        case Right.AGREE_CHECKIN_PLAN:
            return leads or (s.has(Permission.CHECK_IN) and s.keyed)
        case Right.LOG_CHECKINS:
            # Leads oversee check-ins but do not log them for other adults' children.
            return s.has(Permission.CHECK_IN) and (own or s.keyed)
        case Right.RECORD_ATTUNEMENT:
            return leads or (s.has(Permission.CHECK_IN) and (own or s.keyed))
        case Right.SET_FAMILY_ARRANGEMENTS:
            return leads or (s.has(Permission.CHECK_IN) and s.tied(Tie.KEY_ADULT))
        case Right.KEEP_IN_TOUCH:
            return leads or (s.has(Permission.CHECK_IN) and (s.keyed or s.tied(Tie.KEEP_IN_TOUCH)))
        case Right.WRITE_PEP_SECTION:
            return False  # partners only (``allows``)
        case Right.WRITE_AS_FAMILY:
            return False  # families only (``allows``)
        case Right.QUALITY_ASSURE_PEPS:
            # The authority's own record of its children's PEPs, never a school's.
            return s.role == Role.VIRTUAL_SCHOOL and s.tied(Tie.LOOKED_AFTER_BY)
    raise ValueError(right)  # pragma: no cover - every write right is matched above


def allows(s: Standing, right: Right, *, own: bool = False) -> bool:
    """Whether this standing has ``right`` over the child.

    ``own`` is a fact about one record rather than the child: the reader wrote it (an
    incident they recorded) or is named on it (the relationship they log check-ins for).
    A writer of an incident reads that incident even when they may not read the child's others.
    """
    if s.partner:
        return s.tied(Tie.PEP_PARTNER) and right in PARTNER_RIGHTS
    if s.family:
        return s.tied(Tie.FAMILY) and right in FAMILY_RIGHTS
    if not sees_child(s):
        return False
    if right in WRITES:
        return _writes(s.without_break_glass(), right, own)
    if right == Right.SEE_ALL_INCIDENTS and own and s.has(Permission.RECORD_INCIDENTS):
        return True
    return _reads(s, right, own)


def only_through_break_glass(s: Standing, right: Right) -> bool:
    """The right holds, but would not without the grant: each such read is reported."""
    return s.glass and allows(s, right) and not allows(s.without_break_glass(), right)


def note_levels(s: Standing) -> frozenset[Level]:
    """The levels of note about the child this standing may read."""
    if not sees_child(s):
        return frozenset()
    levels = set()
    if s.role != Role.ADMINISTRATOR:  # runs accounts; does not work with children
        levels.add(Level.EVERYONE)
    if sees_sensitive(s):
        levels.add(Level.TEAM)
        if s.is_dsl:
            levels.add(Level.DSL)
    return frozenset(levels)


def may_read_note(s: Standing, level: str) -> bool:
    return level in note_levels(s)


def pep_sections(s: Standing) -> frozenset[PepSection]:
    """The sections of the child's PEP this standing writes: a partner's own, nobody else's."""
    if not isinstance(s.role, Partner) or not allows(s, Right.WRITE_PEP_SECTION):
        return frozenset()
    return PARTNER_SECTIONS[s.role]


@cache
def granting_tie_sets(role: Reader, is_dsl: bool, right: Right) -> tuple[frozenset[Tie], ...]:
    """The smallest sets of ties that give ``right`` to this role: a child is in a list of
    the children someone has a right over exactly when they have every tie of one of these
    sets. ``(frozenset(),)`` means every child they can see; ``()`` means none.

    Worked out from :func:`allows` itself, so lists and checks cannot disagree.
    """
    found: list[frozenset[Tie]] = []
    for size in range(len(Tie) + 1):
        for ties in combinations(Tie, size):
            candidate = frozenset(ties)
            if any(smaller <= candidate for smaller in found):
                continue
            if allows(Standing(role, is_dsl, candidate), right):
                found.append(candidate)
    return tuple(found)


@cache
def relevant_ties(role: Reader, is_dsl: bool) -> frozenset[Tie]:
    """The ties that can change any answer for this role: only these need looking up."""
    ties: set[Tie] = set()
    for right in Right:
        for tie_set in granting_tie_sets(role, is_dsl, right):
            ties |= tie_set
    if role == Role.VIRTUAL_SCHOOL:
        ties |= {Tie.SHARED_COHORT, Tie.LOOKED_AFTER_BY}
    return frozenset(ties)


def rights(s: Standing) -> frozenset[Right]:
    return frozenset(right for right in Right if allows(s, right))


def describe(ties: Iterable[Tie]) -> str:
    """The ties in words, for messages and the docs."""
    words = {
        Tie.KEY_ADULT: "key adult",
        Tie.CO_WORKER: "co-worker",
        Tie.CLOSE_TEAM: "in the close team",
        Tie.KEEP_IN_TOUCH: "keeps in touch",
        Tie.DESIGNATED_TEACHER: "designated teacher",
        Tie.SHARED_COHORT: "shared with the Virtual School",
        Tie.BREAK_GLASS: "break glass",
        Tie.LOOKED_AFTER_BY: "looked after by the officer's authority",
        Tie.PEP_PARTNER: "invited to the PEP",
        Tie.FAMILY: "parent or carer with parental responsibility",
    }
    return ", ".join(words[tie] for tie in ties) or "no tie"
