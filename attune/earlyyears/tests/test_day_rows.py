"""The day's record rows drawn in Python say what the template loop they replaced said."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.template import Context, Template

from attune.accounts.models import User
from attune.earlyyears.day_rows import record_rows
from attune.earlyyears.domain.day import KeyPersonToday, Problem
from attune.earlyyears.models import ChildVisit, VisitAmendment
from attune.earlyyears.selectors import ChildDay, VisitLine
from attune.people.models import Pupil, School

# The loop as ``day_record.html`` held it before the rows were drawn in Python.
OLD_LOOP = Template((Path(__file__).parent / "old_day_record_loop.html").read_text())
DAY = date(2026, 12, 4)


def spaced(html: str) -> str:
    """The markup with the template's indentation and line breaks between tags taken out."""
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", "\n", html)).strip()


def child(forename: str, surname: str) -> Pupil:
    return Pupil(id=uuid.uuid4(), legal_forename=forename, legal_surname=surname)


def visit(pupil: Pupil, signed_in: time, **more: object) -> ChildVisit:
    return ChildVisit(id=uuid.uuid4(), pupil=pupil, on=DAY, signed_in_at=signed_in, **more)


def rows() -> list[ChildDay]:
    maya, sam, jo = child("Maya", "Fletcher"), child("Sam <b>", "O'Neill & Co"), child("Jo", "Li")
    staff = User(full_name="Priya Shah")
    first = visit(maya, time(8, 5), brought_by="Mum", signed_in_by=staff)
    later = visit(
        maya, time(13, 0), signed_out_at=time(15, 30), collected_by="Dad", signed_out_by=staff
    )
    amended = visit(sam, time(9, 0), brought_by="<Gran>", collected_by="Aunt")
    changes = [
        VisitAmendment(
            visit=amended,
            signed_in_at=time(9, 15),
            signed_out_at=None,
            collected_by="",
            reason="Arrived <late>",
            amended_at=datetime(2026, 12, 4, 17, 2, tzinfo=UTC),
        ),
        VisitAmendment(
            visit=amended,
            signed_in_at=time(9, 15),
            signed_out_at=time(16, 0),
            collected_by="Uncle & co",
            reason="Forgot",
            amended_at=datetime(2026, 12, 5, 8, 30, tzinfo=UTC),
            amended_by=staff,
        ),
    ]
    return [
        ChildDay(
            maya,
            [VisitLine(first, []), VisitLine(later, [])],
            KeyPersonToday("Ann Lee"),
            375,
            [Problem("x", "", "No sign-out time was recorded.")],
        ),
        ChildDay(sam, [VisitLine(amended, changes)], KeyPersonToday("Bo <Tan>", None, True), 405),
        ChildDay(jo, [VisitLine(visit(jo, time(10, 0)), [])], KeyPersonToday(None), 0),
        ChildDay(
            child("Al", "Ng"),
            [VisitLine(visit(jo, time(7, 45)), [])],
            KeyPersonToday("Ann Lee", "Cy Ray", True),
            60,
        ),
    ]


def test_the_rows_say_what_the_template_said() -> None:
    school = School(urn="100001")
    shown = rows()
    old = OLD_LOOP.render(Context({"rows": shown, "on": DAY, "school": school}))
    new = record_rows(shown, urn=school.urn, on=DAY)
    assert spaced(new) == spaced(old)
    assert "Sam &lt;b&gt; O&#x27;Neill &amp; Co" in new  # escaped, as the template escapes
    assert "Amended 5 Dec 08:30 by Priya Shah" in new and "by unknown: in 09:15, out not" in new
    assert new.count('data-testid="record-row"') == 5


def test_a_day_with_nobody_says_so() -> None:
    old = OLD_LOOP.render(Context({"rows": [], "on": DAY, "school": School(urn="1")}))
    assert spaced(record_rows([], urn="1", on=DAY)) == spaced(old)
