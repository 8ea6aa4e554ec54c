"""Ranking the adults who could become a child's key adult, each with reasons in plain words.

Availability matters more than seniority: an adult who is in school every day with room in
their caseload is a better key adult than a senior colleague who is rarely free. An adult who
already works with the child's class (or, failing that, year) sees the child every day, so they
come next. The child's own preference comes first of all.

Attune has no timetable of which adult works in which class, so an adult's class is where their
key children are: the registration group most of them are in.
"""

from __future__ import annotations

from dataclasses import dataclass

FULL_WEEK_MINUTES = 5 * 6 * 60  # five six-hour school days
SHORTLIST = 5
# Roles whose day is rarely their own: an empty caseload must not lift them above the
# adults who are with children all day.
RARELY_FREE = frozenset({"headteacher", "office"})


@dataclass(frozen=True, slots=True)
class CandidateFacts:
    staff_id: str
    name: str
    days_in_school: int
    minutes_in_school: int
    caseload: int
    named_by_child: bool
    child_words: str = ""
    role: str = ""  # the job role's value, e.g. "teaching_assistant"
    role_label: str = ""
    in_childs_class: int = 0  # of their key children, how many share the child's class
    in_childs_year: int = 0  # ... and the child's year
    class_label: str = ""  # where most of their key children are, e.g. "Maple"


@dataclass(frozen=True, slots=True)
class Candidate:
    staff_id: str
    name: str
    score: float
    reasons: tuple[str, ...]
    caseload_full: bool
    role_label: str = ""
    named_by_child: bool = False
    class_label: str = ""


def rank_candidates(
    facts: list[CandidateFacts], *, caseload_limit: int, child_name: str
) -> list[Candidate]:
    """Best first. Ties keep the order given (callers pass staff in name order)."""
    ranked = [_candidate(f, caseload_limit=caseload_limit, child_name=child_name) for f in facts]
    return sorted(ranked, key=lambda c: -c.score)


def _candidate(f: CandidateFacts, *, caseload_limit: int, child_name: str) -> Candidate:
    availability = min(f.minutes_in_school / FULL_WEEK_MINUTES, 1.0)
    spare = max(caseload_limit - f.caseload, 0) / caseload_limit if caseload_limit else 0.0
    full = f.caseload >= caseload_limit
    busy = 1.5 if f.role in RARELY_FREE else 0.0
    near = 1.0 if f.in_childs_class else 0.5 if f.in_childs_year else 0.0
    score = (
        (3.0 if f.named_by_child else 0.0)
        + 2.0 * availability
        + near
        + spare
        - (2.0 if full else 0.0)
    ) - busy
    return Candidate(
        f.staff_id,
        f.name,
        round(score, 3),
        tuple(_reasons(f, caseload_limit, child_name)),
        full,
        f.role_label,
        f.named_by_child,
        f.class_label,
    )


def _reasons(f: CandidateFacts, caseload_limit: int, child_name: str) -> list[str]:
    reasons = []
    if f.named_by_child:
        said = f' ("{f.child_words}")' if f.child_words else ""
        reasons.append(f"{child_name} named them as someone they trust{said}.")
    if f.days_in_school == 0:
        reasons.append("No working days recorded, so we cannot tell when they are in school.")
    else:
        hours = f.minutes_in_school / 60
        days = "day" if f.days_in_school == 1 else "days"
        reasons.append(f"In school {f.days_in_school} {days} a week, about {hours:.0f} hours.")
    if f.in_childs_class or f.in_childs_year:
        where, n = ("class", f.in_childs_class) if f.in_childs_class else ("year", f.in_childs_year)
        reasons.append(f"Already key adult to {_children(n)} in {child_name}'s {where}.")
    if f.caseload >= caseload_limit:
        reasons.append(f"Caseload is full: {f.caseload} key children of {caseload_limit}.")
    else:
        places = caseload_limit - f.caseload
        reasons.append(f"Has room for {places} more (currently {f.caseload} of {caseload_limit}).")
    return reasons


def _children(n: int) -> str:
    return "1 child" if n == 1 else f"{n} children"
