"""When a looked-after child's PEP is held, due or overdue, by the statutory timescales.

Where the timescales come from:

* The Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959):
  regulation 5(b)(ii) and Schedule 1, paragraph 2 make the personal education plan part of
  the child's care plan; regulation 4(2) says the care plan is prepared before the child is
  first placed or, where that is not practicable, within ten working days of the start of the
  first placement. The child's case is first reviewed within twenty working days of their
  becoming looked after (regulation 33), and the PEP is to be ready for that review.
* The DfE's statutory guidance "Promoting the education of looked-after children and previously
  looked-after children" (February 2018), in its section "Initiating, developing and reviewing
  the PEP": the PEP is started as part of the care plan, is available for the first statutory
  review of the care plan, and is reviewed every school term after that.

So a child new to care should have their first PEP within twenty working days of coming into
care (started within ten), and then one every term; the termly cycle itself is
``attune.pep.domain.cycle`` (shared with schools' own PEPs, so both count terms alike).

Working days here are Monday to Friday. Bank holidays are not known to this module, so a
deadline can fall a day or two earlier than the law's, never later.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from attune.pep.domain.cycle import PepTerm
from attune.pep.domain.cycle import Standing as TermStanding
from attune.pep.domain.cycle import standing as term_standing

FIRST_PEP_STARTED_WITHIN = 10  # working days: with the care plan (regulation 4(2))
FIRST_PEP_READY_WITHIN = 20  # working days: for the first review of the care plan


class PepStatus(StrEnum):
    HELD = "held"
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"held": "Held", "due": "Due", "overdue": "Overdue"}[self.value]


def add_working_days(day: date, days: int) -> date:
    """The working day ``days`` working days after ``day`` (Monday to Friday)."""
    found = day
    while days > 0:
        found += timedelta(days=1)
        if found.weekday() < 5:
            days -= 1
    return found


def first_pep_due(looked_after_from: date) -> date:
    """The last day a child new to care should have their first PEP by."""
    return add_working_days(looked_after_from, FIRST_PEP_READY_WITHIN)


def first_pep_started_by(looked_after_from: date) -> date:
    return add_working_days(looked_after_from, FIRST_PEP_STARTED_WITHIN)


def pep_status(
    *,
    term: PepTerm,
    today: date,
    looked_after_from: date,
    held_this_term: bool,
    held_last_term: bool,
) -> PepStatus:
    """Where the child's PEP stands on ``today``: held this term; or due; or overdue because
    the first PEP's twenty working days have passed, last term's was missed, or this term's
    teaching has ended without one."""
    if held_this_term:
        return PepStatus.HELD
    new_to_care = looked_after_from >= term.previous.starts_on and not held_last_term
    if new_to_care and today > first_pep_due(looked_after_from):
        return PepStatus.OVERDUE
    termly = term_standing(
        term,
        today,
        None,
        held_last_term=held_last_term or new_to_care,
        looked_after_since=looked_after_from,
    )
    return PepStatus.OVERDUE if termly == TermStanding.OVERDUE else PepStatus.DUE
