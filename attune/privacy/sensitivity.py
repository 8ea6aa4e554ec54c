"""Need to know: how widely a note about a child may be read, and the one rule that says who.

A note (a meeting's record, a contact with the family...) carries one of three levels, chosen by
whoever writes it:

* ``everyone``: everyone who works with the child and may open the page it is on (not the
  administrator, who runs accounts rather than working with children);
* ``team`` (the default): the child's team, meaning whoever may see the child's sensitive
  record (the attachment lead, the headteacher, the child's key adult and co-worker, and a
  Virtual School officer for the children in its cohorts), or a DSL under break glass;
* ``dsl``: the designated safeguarding lead only (memberships marked ``is_dsl``), among those
  who may see the child's sensitive record; break glass opens that too.

Every selector that lists such notes filters by :func:`visible_sensitivities`, so a page
cannot show a note its reader may not see.
"""

from __future__ import annotations

from django.db import models

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.people.access import can_see_sensitive
from attune.people.models import Pupil


class Sensitivity(models.TextChoices):
    EVERYONE = "everyone", "Everyone who works with the child"
    TEAM = "team", "The child's team"
    DSL = "dsl", "Designated safeguarding lead only"


def sensitivity_field() -> models.CharField[str, str]:
    """The field each note-bearing model adds, so every one offers the same choice."""
    return models.CharField(
        "Who may read this",
        max_length=8,
        choices=Sensitivity.choices,
        default=Sensitivity.TEAM,
        help_text="Notes for the safeguarding lead only are hidden from everyone else, "
        "including the person who wrote them.",
    )


def visible_sensitivities(membership: Membership, pupil: Pupil) -> set[str]:
    """The levels of note about ``pupil`` this membership may read (the caller has already
    checked that it may see the child at all)."""
    levels = set()
    if membership.role != Role.ADMINISTRATOR:  # runs accounts; does not work with children
        levels.add(Sensitivity.EVERYONE.value)
    if can_see_sensitive(membership, pupil):
        levels.add(Sensitivity.TEAM.value)
        if membership.is_dsl:
            levels.add(Sensitivity.DSL.value)
    return levels


def dsl_only_notes_exist(pupil: Pupil) -> bool:
    """Whether any note about the child is for the DSL only: one query per kind of note."""
    from attune.privacy.records import all_kinds

    for kind in all_kinds():
        names = {f.name for f in kind.model._meta.concrete_fields}
        if "sensitivity" in names and kind.for_pupil(pupil.pk).filter(sensitivity="dsl").exists():
            return True
    return False


def may_export_everything(membership: Membership, pupil: Pupil) -> bool:
    """A subject access export holds every note, so only someone who may read each level
    makes it: with notes for the DSL only, that is a DSL."""
    if Sensitivity.DSL.value in visible_sensitivities(membership, pupil):
        return True
    return not dsl_only_notes_exist(pupil)
