"""The Virtual School's pages as tables of text, already suppressed.

The HTML page, the CSV, the PDF and the API all come from the same :class:`Report`, so a
figure hidden on the page is hidden in every export too, with the same mark: ``≤5`` for a
count from 1 to the threshold, ``*`` for a figure hidden so that another cannot be worked out
(or a rate worked out from a hidden figure). The real number never reaches a template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings

from attune.attendance.county import CohortFigures
from attune.people.models import Cohort, LocalAuthority, School
from attune.pep.domain.cycle import term_for

from . import kept, pep_figures, selectors
from .children import children_shown
from .domain.rounding import round_count
from .domain.suppression import (
    DEFAULT_THRESHOLD,
    Reason,
    ShownCell,
    ShownRate,
    suppress_count,
    suppress_rate,
    suppress_table,
)
from .selectors import MEASURES, ChildRow, ChildSummary, DateRange
from .sharing import VIRTUAL_SCHOOL_COHORT_VALUES as VS_COHORTS

NO_FIGURE = "\u2013"  # an en dash: no figure at all (nothing to divide by), not a hidden one


def threshold() -> int:
    return int(getattr(settings, "ATTUNE_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def rounding() -> int:
    """What every shown count is rounded to (``domain/rounding.py``): 5 unless set."""
    return int(getattr(settings, "ATTUNE_VIRTUAL_SCHOOL_ROUND_TO", 5))


def _rounded(shown: ShownCell) -> ShownCell:
    """A shown count rounded to the base (a hidden one stays hidden)."""
    if shown.value is None:
        return shown
    return ShownCell(round_count(shown.value, rounding()), None, shown.threshold)


@dataclass(frozen=True, slots=True)
class Cell:
    """One shown figure: ``text`` as written everywhere; ``value`` only when it is shown."""

    text: str
    value: int | float | None = None
    hidden: str = ""  # "" when shown, else "small" or "secondary" (the API's word for it)
    why: str = ""  # the words for people beside a hidden figure


@dataclass
class Row:
    label: str
    cells: list[Cell]
    link: str | None = None  # a page to drill down to (HTML only)
    key: str = ""  # a stable id for the API (a URN, a cohort)


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[Row]
    total: Row | None = None

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]


@dataclass
class Report:
    title: str
    span: DateRange | None
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filename: str = "report"

    @property
    def span_text(self) -> str:
        if self.span is None:
            return ""
        return f"{self.span.date_from:%-d %B %Y} to {self.span.date_to:%-d %B %Y}"


def _count(shown: ShownCell) -> Cell:
    if shown.value is not None:
        value = round_count(shown.value, rounding())
        return Cell(f"{value:,}", value)
    if shown.reason is Reason.SMALL:
        return Cell(f"≤{shown.threshold}", None, "small", shown.reason_text)
    return Cell("*", None, "secondary", shown.reason_text)


def _rate(shown: ShownRate | None) -> Cell:
    if shown is None:
        return Cell(NO_FIGURE)
    if shown.value is None:
        if shown.reason is None:  # nothing to divide by: no rate at all
            return Cell(NO_FIGURE)
        return Cell(
            "*", None, "secondary", "hidden because a figure it is worked out from is hidden"
        )
    pct = round(100 * shown.value, 1)
    return Cell(f"{pct:.1f}%", pct)


def _attendance_rate(figures: CohortFigures, pupils: ShownCell) -> Cell:
    pct: Decimal | None = figures.attendance_pct
    if pct is None:
        return Cell(NO_FIGURE)
    if pupils.value is None:
        return _rate(ShownRate(None, Reason.RATE_INPUT, pupils.threshold))
    return Cell(f"{pct:.1f}%", float(pct))


def key_text(n: int) -> list[str]:
    base = rounding()
    rounded = (
        [
            f"Counts are rounded to the nearest {base}, totals too, so that moving the dates or "
            "setting one page beside another cannot give a hidden figure away; rates are worked "
            "out from the rounded counts."
        ]
        if base > 1
        else []
    )
    return [
        f"≤{n} means from 1 to {n} children: small numbers are hidden so no child can be "
        "picked out.",
        "* means hidden so that a hidden figure cannot be worked out from the totals, or a "
        "rate worked out from a hidden figure.",
        *rounded,
    ]


# --- the county and a school ------------------------------------------------------------


def schools_table(
    schools: list[School],
    counts: dict[int, dict[str, int]],
    links: dict[int, str] | None = None,
    *,
    knowable: frozenset[int] = frozenset(),
) -> Table:
    """One row per school and the authority's total; secondary suppression down each column.

    ``knowable`` are schools that share every cohort: an officer can count their children on
    their own pages, so a figure hidden there protects nothing. Secondary suppression is
    worked out over the other schools alone (with their own total), the knowable schools get
    primary suppression only, and the authority's total is shown only when the other
    schools' total would be, since one is the other plus figures the officer can count.
    """
    headers = ["School", *(label for _, label in MEASURES)]
    if not schools:
        return Table(SCHOOLS_CAPTION, headers, [])
    columns = [key for key, _ in MEASURES]
    rows, total = _suppressed_by_school(schools, counts, columns, links, knowable, summed=False)
    return Table(SCHOOLS_CAPTION, headers, rows, total)


def _suppressed_by_school(
    schools: list[School],
    counts: dict[int, dict[str, int]],
    columns: list[str],
    links: dict[int, str] | None,
    knowable: frozenset[int],
    *,
    summed: bool,
) -> tuple[list[Row], Row]:
    """Each school's row of ``columns`` and the authority's total, suppressed.

    ``summed`` says the first column is the sum of the others, so suppression runs along each
    row as well as down each column. Schools in ``knowable`` get primary suppression only; the
    others are suppressed among themselves, with their own total, and the authority's total is
    hidden wherever theirs would be (see :func:`schools_table`).
    """
    n = threshold()
    hidden_by = [s for s in schools if s.pk not in knowable]
    cells: dict[int, list[Cell]] = {}
    open_totals: list[ShownCell] = []  # the other schools' totals, column by column
    if hidden_by:
        first = 1 if summed else 0
        grid = [[counts[s.pk][key] for key in columns[first:]] for s in hidden_by]
        shown = suppress_table(grid, row_totals=summed, column_totals=True, threshold=n)
        assert shown.column_totals is not None  # noqa: S101 (asked for above)
        for i, s in enumerate(hidden_by):
            sums = (shown.row_totals[i],) if shown.row_totals else ()
            cells[s.pk] = [_count(c) for c in (*sums, *shown.cells[i])]
        grand = (shown.grand_total,) if shown.grand_total else ()
        open_totals = [*grand, *shown.column_totals]
    for s in schools:
        if s.pk in knowable:
            cells[s.pk] = [_count(suppress_count(counts[s.pk][k], threshold=n)) for k in columns]
    rows = [Row(s.name, cells[s.pk], (links or {}).get(s.pk), s.urn) for s in schools]
    totals = [
        _count(ShownCell(None, Reason.SECONDARY, n))
        if open_totals and open_totals[i].suppressed
        else _count(suppress_count(sum(counts[s.pk][key] for s in schools), threshold=n))
        for i, key in enumerate(columns)
    ]
    return rows, Row("All schools", totals, key="total")


SCHOOLS_CAPTION = "Children in the Virtual School's cohorts, by school"


def attendance_table(figures: list[CohortFigures], *, with_counts: bool) -> Table:
    """Attendance, persistent and severe absence for each cohort against all pupils.

    Rows overlap (a child can be in several cohorts) and do not add up, so each count gets
    primary suppression and each rate is hidden when a figure behind it is. A school's page
    shows rates only (``with_counts=False``): its counts, beside the county's, could be
    subtracted to find a hidden one in another school.
    """
    n = threshold()
    headers = ["Group"]
    headers += ["Pupils"] if with_counts else []
    headers += ["Attendance"]
    headers += ["Persistently absent"] if with_counts else []
    headers += ["Persistent absence rate"]
    headers += ["Severely absent"] if with_counts else []
    headers += ["Severe absence rate"]
    rows = []
    for f in figures:
        pupils = suppress_count(f.pupils, threshold=n)
        persistent = suppress_count(f.persistent_absentees, threshold=n)
        severe = suppress_count(f.severe_absentees, threshold=n)
        pa = suppress_rate(_rounded(persistent), _rounded(pupils), threshold=n)
        sa = suppress_rate(_rounded(severe), _rounded(pupils), threshold=n)
        cells = [_count(pupils)] if with_counts else []
        cells.append(_attendance_rate(f, pupils))
        cells += [_count(persistent)] if with_counts else []
        cells.append(_rate(pa))
        cells += [_count(severe)] if with_counts else []
        cells.append(_rate(sa))
        rows.append(Row(f.label, cells, key=f.cohort or "all"))
    return Table("Attendance by cohort, against all pupils", headers, rows)


Link = Callable[[Any], str]


Sharing = dict[int, tuple[str, ...]]  # each school's shared cohorts (selectors.sharing_by_school)


def _knowable(sharing: Sharing, cohorts: tuple[str, ...] = VS_COHORTS) -> frozenset[int]:
    """Schools sharing every one of ``cohorts`` (by default all): their children in them can
    be counted on their own pages."""
    return frozenset(pk for pk, shared in sharing.items() if set(cohorts) <= set(shared))


def county_page(
    authority: LocalAuthority, span: DateRange, today: date, school_link: Link | None = None
) -> Report:
    """The county: cohort attendance against all pupils, then every school's counts."""
    schools = selectors.authority_schools(authority)
    ids = [s.pk for s in schools]
    stamp = kept.stamp(ids, span, today)
    counts = kept.school_counts(ids, span, today, stamp)
    figures = kept.attendance_by_cohort(ids, span, stamp)
    sharing = selectors.sharing_by_school(ids)
    links = {s.pk: school_link(s) for s in schools} if school_link else None
    report = Report(f"{authority.name} Virtual School", span, filename="virtual-school-county")
    report.tables = [
        attendance_table(figures.value, with_counts=True),
        schools_table(schools, counts.value, links, knowable=_knowable(sharing)),
        pep_table(schools, sharing, today, links),
    ]
    report.notes = [*key_text(threshold()), pep_note(today), kept.worked_out_text(counts, figures)]
    return report


def school_page(
    authority: LocalAuthority,
    school: School,
    span: DateRange,
    today: date,
    child_link: Link | None = None,
    *,
    with_children: bool = True,
) -> Report:
    """A school's row exactly as the county table shows it (suppressed with every other
    school's), its cohort rates, and the children it shares, if any."""
    schools = selectors.authority_schools(authority)
    ids = [s.pk for s in schools]
    counts = kept.school_counts(ids, span, today, kept.stamp(ids, span, today))
    sharing = selectors.sharing_by_school(ids)
    county = schools_table(schools, counts.value, knowable=_knowable(sharing))
    row = next(r for r in county.rows if r.key == school.urn)
    figures = selectors.attendance_by_cohort([school.pk], span)
    shared = sharing[school.pk]
    report = Report(school.name, span, filename=f"virtual-school-{school.urn}")
    report.tables = [
        Table("Children in the Virtual School's cohorts", county.headers, [row]),
        attendance_table(figures, with_counts=False),
        school_pep_table(schools, sharing, school, today),
    ]
    if shared and with_children:
        children = children_shown(school, shared, today)
        links = {c.pupil.pk: child_link(c.pupil) for c in children} if child_link else None
        report.tables.append(children_table(children, links))
    labels = ", ".join(Cohort(c).label.lower() for c in shared) or "nothing at child level"
    report.notes = [
        f"This school shares: {labels}.",
        *key_text(threshold()),
        pep_note(today),
        kept.worked_out_text(counts),
    ]
    return report


# --- Personal Education Plans for looked-after children -----------------------------------


def child_pep_text(pep: pep_figures.ChildPep) -> str:
    """One child's PEP this term, e.g. "Due for Autumn 2026: meeting on 3 December 2026"."""
    when = f"meeting on {pep.meeting_on:%-d %B %Y}" if pep.meeting_on else "no meeting arranged"
    return f"{pep.standing.label} for {pep.term.label}: {when}"


PEP_CAPTION = "Personal Education Plans (PEPs) for looked-after children, by school"
PEP_SCHOOL_CAPTION = "Personal Education Plans (PEPs) for looked-after children"


def pep_note(today: date) -> str:
    term = term_for(today)
    return (
        f"PEP figures are for the {term.label} term as things stand today, whatever dates are "
        "chosen. A PEP is due until its meeting has been held, and overdue when the child "
        "missed last term's."
    )


def pep_table(
    schools: list[School], sharing: Sharing, today: date, links: dict[int, str] | None = None
) -> Table:
    """Looked-after children per school and how this term's PEP stands, counted today.

    Held, due and overdue add up to the looked-after children, in each row and in the total,
    so the table is suppressed with row and column totals: no hidden figure can be worked out
    along a row or down a column. Schools that share their looked-after children can be
    counted child by child (their PEP included), so, as in :func:`schools_table`, they get
    primary suppression only and the rest are suppressed among themselves (one query).
    """
    ids = [s.pk for s in schools]
    keys = [key for key, _ in pep_figures.PEP_MEASURES]
    headers = [
        "School",
        pep_figures.PEP_TOTAL[1],
        *(label for _, label in pep_figures.PEP_MEASURES),
    ]
    if not schools:
        return Table(PEP_CAPTION, headers, [])
    counts = pep_figures.pep_counts(ids, today)
    knowable = _knowable(sharing, (Cohort.LOOKED_AFTER,))
    columns = [pep_figures.PEP_TOTAL[0], *keys]
    rows, total = _suppressed_by_school(schools, counts, columns, links, knowable, summed=True)
    return Table(PEP_CAPTION, headers, rows, total)


def school_pep_table(schools: list[School], sharing: Sharing, school: School, today: date) -> Table:
    """A school's row of :func:`pep_table`, suppressed together with every other school."""
    county = pep_table(schools, sharing, today)
    row = next(r for r in county.rows if r.key == school.urn)
    return Table(PEP_SCHOOL_CAPTION, county.headers, [row])


CHILDREN_CAPTION = "Children the school shares"


def children_table(children: list[ChildRow], links: Mapping[Any, str] | None = None) -> Table:
    headers = ["Child", "Year", "Cohorts", "Key adult", "Next plan review"]
    rows = [
        Row(
            c.pupil.display_name,
            [
                Cell(c.pupil.year_label),
                Cell(", ".join(c.cohorts)),
                Cell("Yes" if c.has_key_adult else "No"),
                Cell(f"{c.next_review:%-d %b %Y}" if c.next_review else "No open plan"),
            ],
            (links or {}).get(c.pupil.pk),
            str(c.pupil.pk),
        )
        for c in children
    ]
    return Table(CHILDREN_CAPTION, headers, rows)


def child_report(
    pupil_name: str,
    year: str,
    cohorts: list[str],
    summary: ChildSummary,
    span: DateRange,
    today: date,
    pep: pep_figures.ChildPep | None = None,
) -> Report:
    a = summary.attendance
    pct = a.attendance_pct
    facts = Table(
        "At a glance",
        ["", "Value"],
        [
            Row("Year", [Cell(year)]),
            Row("Cohorts", [Cell(", ".join(cohorts))]),
            Row("Attendance", [Cell(f"{pct:.1f}%" if pct is not None else "No marks yet")]),
            Row("Possible sessions", [Cell(str(a.possible), a.possible)]),
            Row("Sessions missed", [Cell(str(a.absent), a.absent)]),
            Row("Sessions suspended or excluded", [Cell(str(a.suspended), a.suspended)]),
            Row(
                "Key adult",
                [
                    Cell(
                        f"Yes, since {summary.key_adult_since:%-d %B %Y}"
                        if summary.key_adult_since
                        else "No"
                    )
                ],
            ),
        ],
    )
    if pep is not None:
        facts.rows.append(Row("Personal Education Plan", [Cell(child_pep_text(pep))]))
    reviews = Table(
        "Plan reviews",
        ["Plan", "Review due", ""],
        [
            Row(kind, [Cell(f"{due:%-d %B %Y}"), Cell("Overdue" if late else "")])
            for kind, due, late in summary.reviews
        ],
    )
    report = Report(pupil_name, span, [facts, reviews], filename="virtual-school-child")
    report.notes = [
        f"Read-only. Made on {today:%-d %B %Y}; this view is recorded in the school's log."
    ]
    return report
