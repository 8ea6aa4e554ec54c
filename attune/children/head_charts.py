"""The head's six charts of the whole school, each with a table carrying its figures.

The head's home draws what needs them today at once and fetches each chart afterwards, in
its own request (``LaterChart``, HTMX): together the six took as long again as the rest of
the home at 2,000 pupils, and a head opening Attune on a phone is after the needs first.
Without JavaScript each placeholder is a link to its chart on a page of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum

from attune.access.children import visible_pupils
from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.attendance import school as attendance_reads
from attune.attendance.domain.calculations import summarise_counts, week_of
from attune.attendance.models import SessionMark, WeekCounts
from attune.checkins.across_school import checkins_across_school
from attune.children.selectors import needing_key_adult
from attune.incidents.selectors import school_trend
from attune.wholeschool.models import (
    RelationalAuditRating,
    RelationalAuditRun,
    RelationalAuditStatus,
)


@dataclass
class Chart:
    """A bar chart and the table that carries the same figures."""

    key: str
    title: str
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    labels: list[str]
    values: Sequence[float | int | None]
    # More than one set of figures (this year and last; red, amber and green), drawn together.
    series: list[tuple[str, Sequence[float | int | None]]] = field(default_factory=list)
    kind: str = "bar"  # or "line"
    horizontal: bool = True
    stacked: bool = False

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def data(self) -> dict[str, object]:
        series = [{"label": label, "values": values} for label, values in self.series]
        return {
            "label": self.title,
            "labels": self.labels,
            "values": self.values,
            "series": series,
            "kind": self.kind,
            "stacked": self.stacked,
        }


# Each chart's title, shown on its placeholder while it is worked out.
TITLES = {
    "chart-attendance-weeks": "Attendance each week, this year and last (%)",
    "chart-absence": "Persistent absence by cohort (%)",
    "chart-coverage": "Key-adult coverage (children)",
    "chart-completion": "Check-ins that happened, by key adult (%)",
    "chart-incidents": "Incidents each week",
    "chart-audit": "Relational audit ratings over time",
}

LAST_YEAR = timedelta(days=364)  # 52 weeks: the same weekday a year earlier
WEEK = timedelta(days=7)


def _weekly_attendance(since: date, until: date) -> dict[int, float | None]:
    """Attendance % in each week from ``since`` (week 1 holds ``since``), to ``until``.

    Whole weeks come from the weekly counts (a row a pupil a week) and a part week at either
    end from its marks, so the chart adds up thousands of rows rather than a year of marks
    (760,000 at 2,000 pupils: 1.5 s on SQLite to group by week). The same weekday a year
    earlier still cuts last year's week where this year's ends. A part week with no marks
    on its days outside the range is read from its counts too: most are (35 of the 45 ms
    the two years' chart took at 2,000 pupils was reading the first week's marks).
    """
    first_monday = week_of(since)
    possible: dict[date, int] = defaultdict(int)
    present: dict[date, int] = defaultdict(int)
    whole_from = first_monday if _whole(first_monday, since, until) else first_monday + WEEK
    whole_to = week_of(until) if _whole(week_of(until), since, until) else week_of(until) - WEEK
    weeks = (
        WeekCounts.objects.filter(week__range=(whole_from, whole_to))
        .values_list("week")
        .annotate(possible=Sum("possible"), present=Sum("present"))
    )
    for week, week_possible, week_present in weeks:
        possible[week] += week_possible
        present[week] += week_present
    odd_days = [(since, until)]  # within one week: no whole week at all
    if whole_from <= whole_to:
        ends = ((since, whole_from - timedelta(days=1)), (whole_to + WEEK, until))
        odd_days = [(start, end) for start, end in ends if start <= end]
    if odd_days:
        counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for start, end in odd_days:  # a query each: see _marked
            marks = (
                SessionMark.objects.filter(date__range=(start, end))
                .values_list("date", "code")
                .annotate(n=Count("pk"))
            )
            for day, code, n in marks:
                counts[week_of(_as_date(day))][code] += n
        for week, by_code in counts.items():
            summary = summarise_counts(by_code)
            possible[week] += summary.possible
            present[week] += summary.present
    return {
        (week - first_monday).days // 7 + 1: (
            _pct(present[week] * 100 / possible[week]) if possible[week] else None
        )
        for week in possible
    }


def _whole(monday: date, since: date, until: date) -> bool:
    """Whether the week's counts are what its days from ``since`` to ``until`` hold: the
    week lies inside them, or its days outside them have no marks (a school year starting
    on a Wednesday, today with nothing marked ahead), so its marks need not be read."""
    sunday = monday + timedelta(days=6)
    before, after = since - timedelta(days=1), until + timedelta(days=1)
    return not (_marked(monday, min(before, sunday)) or _marked(max(after, monday), sunday))


def _marked(start: date, end: date) -> bool:
    """Whether any mark falls from ``start`` to ``end``: a range at a time, as PostgreSQL
    reads two ranges joined by OR through every mark of the school (140 ms at 2,000 pupils)."""
    return start <= end and SessionMark.objects.filter(date__range=(start, end)).exists()


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _attendance_weeks_chart(year_start: date, today: date) -> Chart:
    this_year = _weekly_attendance(year_start, today)
    last_start = attendance_reads.school_year(today - LAST_YEAR).starts_on
    last_year = _weekly_attendance(last_start, today - LAST_YEAR)
    weeks = sorted(this_year)

    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value}%"

    return Chart(
        key="chart-attendance-weeks",
        title=TITLES["chart-attendance-weeks"],
        caption="Attendance by week of the school year, against the same week last year",
        columns=("Week", "This year", "Last year"),
        rows=[(f"Week {w}", shown(this_year[w]), shown(last_year.get(w))) for w in weeks],
        labels=[f"Week {w}" for w in weeks],
        values=[this_year[w] for w in weeks],
        series=[
            ("This year", [this_year[w] for w in weeks]),
            ("Last year", [last_year.get(w) for w in weeks]),
        ],
        kind="line",
        horizontal=False,
    )


def _completion_chart(across: Any) -> Chart:
    adults = [a for a in across.adults if a.completion.due]
    rows = [
        (
            a.staff.full_name,
            a.completion.due,
            a.completion.happened,
            a.completion.not_happening,
            a.completion.not_logged,
            f"{a.completion.percent}%",
        )
        for a in adults
    ]
    return Chart(
        key="chart-completion",
        title=TITLES["chart-completion"],
        caption=f"Check-ins due from {across.since:%-d %B} to {across.until:%-d %B}",
        columns=("Key adult", "Due", "Happened", "Missed or declined", "Not logged", "Happened %"),
        rows=rows,
        labels=[a.staff.full_name for a in adults],
        values=[a.completion.percent for a in adults],
    )


def _audit_chart() -> Chart:
    runs = list(
        RelationalAuditRun.objects.filter(status=RelationalAuditStatus.COMPLETED).order_by(
            "completed_on"
        )
    )
    counts: dict[object, dict[str, int]] = {}
    for run_id, rating, n in (
        RelationalAuditRating.objects.filter(run__in=runs)
        .values_list("run_id", "rating")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(run_id, {})[rating or "unrated"] = n
    labels = [f"{r.completed_on:%-d %b %Y}" for r in runs]
    by = {
        key: [counts.get(r.pk, {}).get(key, 0) for r in runs] for key in ("red", "amber", "green")
    }
    return Chart(
        key="chart-audit",
        title=TITLES["chart-audit"],
        caption="Statements rated red, amber and green in each completed audit",
        columns=("Audit completed", "Red", "Amber", "Green"),
        rows=[(labels[i], by["red"][i], by["amber"][i], by["green"][i]) for i in range(len(runs))],
        labels=labels,
        values=by["green"],
        series=[(name.title(), values) for name, values in by.items()],
        stacked=True,
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _absence_chart(figures: list[Any]) -> Chart:
    rows = [
        (
            f.label,
            f.cohort.pupils,
            f"{_pct(f.attendance_pct)}%" if f.attendance_pct is not None else "-",
            f.cohort.persistently_absent,
            f.cohort.severely_absent,
        )
        for f in figures
    ]
    return Chart(
        key="chart-absence",
        title=TITLES["chart-absence"],
        caption="Attendance and absence this school year, by cohort",
        columns=("Cohort", "Pupils", "Attendance", "Persistently absent", "Severely absent"),
        rows=rows,
        labels=[f.label for f in figures],
        values=[_pct(f.cohort.persistent_absence_pct) for f in figures],
    )


def _coverage_chart(membership: Membership) -> Chart:
    counts = visible_pupils(membership).aggregate(
        needs=Count("pk", filter=Q(needs_key_adult=True)),
    )
    waiting = needing_key_adult(visible_pupils(membership), membership).count()
    needs = counts["needs"] or 0
    has = max(needs - waiting, 0)
    return Chart(
        key="chart-coverage",
        title=TITLES["chart-coverage"],
        caption="Children who need a key adult",
        columns=("Key adult", "Children"),
        rows=[("With a key adult", has), ("Still waiting", waiting)],
        labels=["With a key adult", "Still waiting"],
        values=[has, waiting],
    )


def _incidents_chart(today: date) -> Chart:
    trend = school_trend(today=today, by_half_term=False)
    rows = [
        (
            s.period.label,
            s.incidents,
            "-" if s.median_minutes is None else f"{s.median_minutes:g} min",
        )
        for s in trend.summaries
    ]
    return Chart(
        key="chart-incidents",
        title=TITLES["chart-incidents"],
        caption="Incidents and the middle time to regulate, by week",
        columns=("Week", "Incidents", "Middle time to regulate"),
        rows=rows,
        labels=[s.period.label for s in trend.summaries],
        values=[s.incidents for s in trend.summaries],
    )


# Each chart by its key.
HEAD_CHARTS: dict[str, Callable[[Membership, date], Chart]] = {
    "chart-attendance-weeks": lambda m, today: _attendance_weeks_chart(
        attendance_reads.school_year(today).starts_on, today
    ),
    "chart-absence": lambda m, today: _absence_chart(
        attendance_reads.cohort_figures(attendance_reads.school_year(today).starts_on, today)
    ),
    "chart-coverage": lambda m, today: _coverage_chart(m),
    "chart-completion": lambda m, today: _completion_chart(checkins_across_school(today)),
    "chart-incidents": lambda m, today: _incidents_chart(today),
    "chart-audit": lambda m, today: _audit_chart(),
}


@dataclass(frozen=True, slots=True)
class LaterChart:
    """A chart the home fetches once it is on the screen: its key, title and address."""

    key: str
    title: str
    url: str


def charts_of(membership: Membership) -> list[str]:
    """The keys of the charts this reader's home shows (the head's six; nobody else's)."""
    return list(HEAD_CHARTS) if Role(membership.role) is Role.HEADTEACHER else []


def chart(membership: Membership, key: str, today: date) -> Chart | None:
    """One of the reader's charts, worked out now; None if their home shows no such chart."""
    return HEAD_CHARTS[key](membership, today) if key in charts_of(membership) else None
