"""The school page's pupil rows, drawn in Python (``templatetags/attendance_rows.py``): the
markup the row template drew, escaped as it escaped, and rounded as ``floatformat:1`` rounds."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from attune.attendance.domain.calculations import AttendanceSummary
from attune.attendance.school import PupilFigures
from attune.attendance.templatetags.attendance_rows import one_place

PUPIL = uuid.UUID("12345678-1234-5678-1234-567812345678")


def figures(name: str, group: str, **counts: int) -> PupilFigures:
    return PupilFigures(PUPIL, "A1", name, "x", 6, group, AttendanceSummary(**counts))


def rows(*pupils: PupilFigures) -> str:
    template = Template("{% load attendance_rows %}{% pupil_rows rows %}")
    return template.render(Context({"rows": pupils, "school": SimpleNamespace(urn="100001")}))


def test_each_row_is_the_pupils_link_name_and_figures_escaped() -> None:
    severe = figures("<b>Bo</b> O'Hara & Co", "", possible=12, present=5, unauthorised_absence=7)
    persistent = figures("Ann Lee", "6A", possible=20, present=18, authorised_absence=2)
    unmarked = figures("Kit Moss", "R & B")

    link = reverse("attendance:pupil", kwargs={"urn": "100001", "pupil_id": PUPIL})
    assert rows(severe, persistent, unmarked) == (
        f'<tr><td><a href="{link}">'
        "&lt;b&gt;Bo&lt;/b&gt; O&#x27;Hara &amp; Co</a></td><td>Year 6</td><td>\u2013</td>"
        '<td>41.7% <span class="tag tag-warn">Severe</span></td>'
        "<td>12</td><td>0</td><td>7</td></tr>\n"
        f'<tr><td><a href="{link}">Ann Lee</a></td>'
        "<td>Year 6</td><td>6A</td>"
        '<td>90.0% <span class="tag tag-warn">Persistent</span></td>'
        "<td>20</td><td>2</td><td>0</td></tr>\n"
        f'<tr><td><a href="{link}">Kit Moss</a></td>'
        "<td>Year 6</td><td>R &amp; B</td>"
        '<td><span class="muted">No figure</span></td><td>0</td><td>0</td><td>0</td></tr>\n'
    )


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@example((5, 8))  # 62.5: one place already
@example((1, 3))
@example((1, 2_000))  # 0.05
@example((1_999, 2_000))  # 99.95
def test_a_percentage_is_rounded_as_floatformat_rounds_it(sessions: tuple[int, int]) -> None:
    """Every attendance a pupil can have: present of possible, as ``attendance_pct`` works it."""
    present, possible = sessions
    pct = AttendanceSummary(possible=possible, present=present).attendance_pct
    assert pct is not None
    assert one_place(pct) == floatformat(pct, 1)
