"""The children an officer of the Virtual School reads, each asked of the access rules.

An officer reaches a school's children through its authority, not a school membership, so the
standing is built from the school's sharing agreement (``ties.shared_among``) and the rules
answer (``attune.access.authority``). Every child shown is noted, so the audit record logs a
read on that child's school's chain once the page is served.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.http import Http404

from attune.access.authority import authority_may, authority_open
from attune.access.rules import Right
from attune.auditlog.context import note_read
from attune.people.models import Pupil, School

from . import selectors
from .selectors import ChildRow
from .ties import shared_among

# The child's page and the school's list show cohort flags, plans and PEPs: the sensitive record.
CHILD_RIGHT = Right.SEE_SENSITIVE


def open_child(school: School, shared: tuple[str, ...], pupil_id: uuid.UUID, today: date) -> Pupil:
    """One child of the school if the rules let an officer read them; else the same 404."""
    pupil = selectors.school_child(school, shared, pupil_id, today)
    if pupil is None:
        raise Http404
    tied = pupil.pk in shared_among(school.pk, [pupil.pk], shared)
    authority_open(pupil, CHILD_RIGHT, shared=tied)
    return pupil


def children_shown(school: School, shared: tuple[str, ...], today: date) -> list[ChildRow]:
    """The school's shared children the rules let an officer read, each read noted."""
    rows = selectors.shared_children(school, shared, today)
    tied = shared_among(school.pk, [row.pupil.pk for row in rows], shared)
    shown = [row for row in rows if authority_may(CHILD_RIGHT, shared=row.pupil.pk in tied)]
    for row in shown:
        note_read(school.pk, row.pupil.pk)
    return shown
