"""The across-school rows drawn in Python say what the template loops they replaced said."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from django.template import Context, Template

from attune.checkins import across_rows
from attune.checkins.across_school import (
    AcrossSchool,
    AdultName,
    AdultRow,
    ChildName,
    ChildRow,
    Completion,
    CurrentRelationship,
    RaisedWarning,
)
from attune.checkins.domain.warnings import CheckinWarning, WarningKind
from attune.checkins.models import CheckinPlan
from attune.people.models import School

# The loops as ``across_school.html`` held them before the rows were drawn in Python.
OLD_LOOPS = Template((Path(__file__).parent / "old_across_school_loops.html").read_text())
SCHOOL = School(urn="100001")


def spaced(html: str) -> str:
    """The markup with the template's indentation and line breaks between tags taken out."""
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "\n", html)).strip()


def table(html: str, name: str) -> str:
    found = re.search(rf'<table id="{name}"><tbody>(.*?)</tbody></table>', html, re.S)
    assert found is not None
    return spaced(found.group(1))


def relationship(child: str, surname: str, adult: str) -> CurrentRelationship:
    first, last = adult.split(" ", 1)
    return CurrentRelationship(
        pk=uuid.uuid4(),
        started_on=date(2026, 9, 3),
        pupil=ChildName(uuid.uuid4(), f"{child} {surname}"),
        key_adult=AdultName(uuid.uuid4(), first, last),
        co_worker=None,
        plan=None,
    )


def picture() -> AcrossSchool:
    maya = relationship("Maya", "Fletcher", "Priya Shah")
    sam = relationship("Sam <b>", "O'Neill & Co", "Bo <Tan> & Ray")
    plan = CheckinPlan(review_on=date(2027, 1, 8))
    later = CheckinPlan(review_on=date(2026, 12, 14))
    children = [
        ChildRow(maya, Completion(40, 31, 4), date(2026, 12, 4), plan),
        ChildRow(sam, Completion(0, 0, 0), None, later),
        ChildRow(maya, Completion(3, 1, 1), date(2026, 9, 1), plan),
    ]
    raised = [
        RaisedWarning(sam, CheckinWarning(WarningKind.NOT_SEEN, "Not seen <for> 6 days", 6, 3)),
        RaisedWarning(maya, CheckinWarning(WarningKind.NO_COVER, "Nobody & no one", 1, 1)),
    ]
    adults = [
        AdultRow(maya.key_adult, Completion(43, 32, 5), 2),
        AdultRow(sam.key_adult, Completion(0, 0, 0), 1),
    ]
    return AcrossSchool(
        since=date(2026, 11, 9),
        until=date(2026, 12, 6),
        children=children,
        adults=adults,
        without_plan=[],
        _every_warning=lambda: raised,
    )


def test_the_rows_say_what_the_template_said() -> None:
    o = picture()
    old = OLD_LOOPS.render(Context({"o": o, "school": SCHOOL}))
    new_warnings = across_rows.warning_rows(o.warnings, urn=SCHOOL.urn)
    new_children = across_rows.child_rows(o.children, urn=SCHOOL.urn)
    assert spaced(new_warnings) == table(old, "warnings")
    assert spaced(across_rows.adult_rows(o.adults)) == table(old, "adults")
    assert spaced(new_children) == table(old, "children")
    assert "Sam &lt;b&gt; O&#x27;Neill &amp; Co" in new_children  # escaped, as the template did
    assert "<td>Not yet</td>" in new_children and "<td>4 Dec</td>" in new_children
    assert "<td>8 Jan 2027</td>" in new_children and "None due" in new_children
    assert new_children.count("<tr>") == 3 and new_warnings.count("<tr>") == 2


def test_a_school_with_no_plans_says_so_in_both_tables() -> None:
    o = picture()
    o.children, o.adults = [], []
    old = OLD_LOOPS.render(Context({"o": o, "school": SCHOOL}))
    assert spaced(across_rows.adult_rows([])) == table(old, "adults")
    assert spaced(across_rows.child_rows([], urn=SCHOOL.urn)) == table(old, "children")
    assert "No check-in plans yet." in across_rows.child_rows([], urn=SCHOOL.urn)
