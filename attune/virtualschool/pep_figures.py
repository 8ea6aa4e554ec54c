"""Personal Education Plan figures for the Virtual School: counts per school, and one child's
current PEP where the school shares its looked-after children.

Only counts leave a school here; ``reports.pep_table`` suppresses them before anything is
shown. The child's PEP is read only for a child the access rules have already let the caller
read (``children.open_child``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from attune.people.models import Cohort, Pupil
from attune.pep.domain.cycle import PepTerm, Standing, term_for
from attune.pep.selectors import PepCounts, looked_after_rows, pep_status_counts
from attune.tenancy import scopes_disabled

# Looked-after children on the day, then how their PEP for that day's term stands. The last
# three add up to the first, so the report suppresses them as a row with its total.
PEP_TOTAL: tuple[str, str] = ("looked_after", "Looked-after children")
PEP_MEASURES: tuple[tuple[str, str], ...] = (
    ("held", "PEP held this term"),
    ("due", "PEP due, not yet held"),
    ("overdue", "PEP overdue"),
)


def pep_counts(school_ids: list[int], on: date) -> dict[int, dict[str, int]]:
    """Per school, every key of ``PEP_TOTAL`` and ``PEP_MEASURES`` on ``on`` (zeros for a school
    with no looked-after children). One query whatever the number of schools.

    The pages count on today, whatever date range is chosen: an officer can open a child the
    school shares and see their PEP as it stands today, so the counts must be the same day's.
    """
    found = pep_status_counts(school_ids, on) if school_ids else {}
    empty = PepCounts(0, 0, 0)
    return {school_id: _as_dict(found.get(school_id, empty)) for school_id in school_ids}


def _as_dict(counts: PepCounts) -> dict[str, int]:
    return {
        "looked_after": counts.looked_after,
        "held": counts.held,
        "due": counts.due,
        "overdue": counts.overdue,
    }


@dataclass(frozen=True, slots=True)
class ChildPep:
    term: PepTerm
    standing: Standing
    meeting_on: date | None  # this term's PEP meeting, held or planned


def child_pep(pupil: Pupil, shared: tuple[str, ...], today: date) -> ChildPep | None:
    """This term's PEP for a child the school shares as looked after (two queries); None when
    the school does not share looked-after children or the child is not looked after today."""
    if Cohort.LOOKED_AFTER not in shared:
        return None
    with scopes_disabled():
        one = Pupil.objects.filter(school_id=pupil.school_id, pk=pupil.pk)
        rows = looked_after_rows(one, today)
    if not rows:
        return None
    pep = rows[0].pep
    return ChildPep(term_for(today), rows[0].standing, pep.meeting_on if pep else None)
