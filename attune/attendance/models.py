"""Register marks: one row per pupil, date and session, with every replaced mark kept.

Why a row per mark (and not a compact string per pupil and year): see
``docs/attendance-storage.md`` for the measurements. In short, a row per mark is as fast to read
for one pupil or one school day, lets the database add the counts up, and makes replacing one
mark (and keeping the old one) a plain row operation.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attune.constraints import empty_or_after
from attune.people.models import Pupil
from attune.tenancy import SchoolOwned


class SessionName(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class ImportKind(models.TextChoices):
    CSV = "csv", "Session marks CSV"
    CTF = "ctf", "Common Transfer File"
    MIS = "mis", "Sync from the school's MIS"


class AttendanceImport(SchoolOwned):
    """One file imported into one school: where replaced marks came from, and the counts."""

    kind = models.CharField(max_length=3, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    imported_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marks_added = models.PositiveIntegerField(default=0)
    marks_replaced = models.PositiveIntegerField(default=0)
    marks_unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


def _school_unchecked() -> models.ForeignKey[Any, Any]:
    """The school of a row written in bulk by the importer: no database constraint (a check
    per row at commit) and no index of its own (each table's composite indexes start with it).
    Django still applies ``PROTECT``."""
    return models.ForeignKey(
        "people.School",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class SessionMark(SchoolOwned):
    """The current register mark for one pupil, date and session.

    The two foreign keys have no database constraint and no index of their own: a school's
    year is half a million rows, and PostgreSQL checks a constraint with a trigger per row,
    which more than doubled the import time (docs/attendance-storage.md). Rows are only written
    by the importer, for pupils it has just read in the same transaction, and Django still
    applies ``on_delete``. The unique (pupil, date, session) and (school, date) indexes serve
    every read.
    """

    school = _school_unchecked()
    pupil = models.ForeignKey(
        Pupil,
        on_delete=models.CASCADE,
        related_name="session_marks",
        db_constraint=False,
        db_index=False,
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=SessionName.choices)
    code = models.CharField(max_length=2, help_text="The code in force (retired codes mapped).")
    original_code = models.CharField(max_length=3, help_text="The code as the register had it.")
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            # Also the index for one pupil's marks over a date range.
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], name="session_mark_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(session__in=["AM", "PM"]), name="session_mark_session_am_pm"
            ),
            models.CheckConstraint(
                condition=Q(minutes_late__isnull=True) | Q(code__in=["L", "U"]),
                name="session_mark_minutes_late_only_when_late",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="session_mark_school_day"),
            # Suspensions are a handful of marks among millions: the Virtual School counts
            # children with one in a range by this small index, not by each pupil's marks.
            models.Index(
                fields=["school", "pupil", "date"],
                condition=Q(code="E"),
                name="session_mark_suspended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"


class MarkChange(SchoolOwned):
    """A mark that was replaced: what it was, what it became, when, and from which import."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="mark_changes")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=SessionName.choices)
    old_code = models.CharField(max_length=2)
    old_original_code = models.CharField(max_length=3)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_code = models.CharField(max_length=2)
    new_original_code = models.CharField(max_length=3)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField()
    source = models.ForeignKey(
        AttendanceImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )

    class Meta:
        ordering = ["date", "session", "changed_at"]
        indexes = [models.Index(fields=["pupil", "date"], name="mark_change_pupil_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.old_code} -> {self.new_code}"


class PriorAttendance(SchoolOwned):
    """A year of a child's attendance from a Common Transfer File, kept but never counted.

    Marks recorded at another school (before the child joined this one), and years whose file
    gave session totals but no marks, are history: shown on the child's attendance page, and
    never part of this school's figures (which count ``SessionMark`` rows alone). The marks are
    kept as the file wrote them, two characters a day from ``start_date``, and read with the
    meaning each code had on its day when shown (``domain.history``).
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="prior_attendance")
    lea = models.CharField("LA number", max_length=3, blank=True)
    estab = models.CharField("establishment number", max_length=4, blank=True)
    school_name = models.CharField(max_length=160, blank=True)
    year = models.CharField(max_length=9, blank=True, help_text="The CTF's <Year>.")
    start_date = models.DateField(null=True, blank=True)
    marks = models.TextField(blank=True, help_text="AttendanceMarks as the file gave it.")
    sessions_possible = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_attended = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_authorised = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_unauthorised = models.PositiveSmallIntegerField(null=True, blank=True)
    at_this_school = models.BooleanField(
        default=False, help_text="Totals from this school's own year, given without marks."
    )
    source = models.ForeignKey(
        AttendanceImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "prior attendance"
        ordering = ["-year", "school_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "lea", "estab", "year"], name="prior_attendance_one_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_name or self.lea + '/' + self.estab} {self.year}"


class SessionCounts(SchoolOwned):
    """Session counts for one pupil over a stretch, counted the way ``summarise`` does.

    Plain (signed) small integers: an import adds what it changed with one upsert
    (``week_counts.CHANGES_SQL``), and PostgreSQL checks a column's constraints on the row it
    proposes to insert before finding the row it then updates, where a difference can be
    negative. The counts themselves never are (the tests hold them to a rebuild).

    Like the marks they are counted from, the two foreign keys have no database constraint:
    a county's Monday adds 250,000 weekly rows, and checking them took PostgreSQL 2.6 s at
    commit (``docs/county-scale.md``). The rows are only written from marks of pupils the same
    transaction has just read, and Django still applies ``on_delete``. Nor has the school an
    index of its own: each table's (school, week or year) index serves the school alone too.
    """

    school = _school_unchecked()
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    possible = models.SmallIntegerField(default=0)
    present = models.SmallIntegerField(default=0)
    approved_activity = models.SmallIntegerField(default=0)
    authorised_absence = models.SmallIntegerField(default=0)
    unauthorised_absence = models.SmallIntegerField(default=0)
    late_before_close = models.SmallIntegerField(default=0)
    late_after_close = models.SmallIntegerField(default=0)
    not_counted = models.SmallIntegerField(default=0)

    class Meta:
        abstract = True


class WeekCounts(SessionCounts):
    """One pupil's sessions in one week (Monday to Sunday).

    Kept by whatever writes marks (the importers, the demo), in the same transaction, through
    ``attune.attendance.week_counts.refresh``, so school and county figures add up a few rows
    a pupil instead of every mark (``docs/attendance-storage.md``). The marks stay the truth:
    the counts can be rebuilt from them at any time (``attune rebuild_attendance_counts``).
    """

    week = models.DateField(help_text="The Monday the week starts on.")

    class Meta:
        verbose_name = "weekly attendance count"
        verbose_name_plural = "weekly attendance counts"
        constraints = [
            models.UniqueConstraint(fields=["pupil", "week"], name="week_counts_one_per_week"),
        ]
        indexes = [models.Index(fields=["school", "week"], name="week_counts_school_week")]

    def __str__(self) -> str:
        return f"Week of {self.week}: {self.possible - self.present} of {self.possible} missed"


class YearCounts(SessionCounts):
    """One pupil's sessions in one school year: the sum of its weeks (Mondays 1 Aug to 31 Jul).

    A county's year-long figures read one row a pupil from here (``week_counts``).
    """

    year = models.PositiveSmallIntegerField(help_text="The year the school year starts in.")

    class Meta:
        verbose_name = "yearly attendance count"
        verbose_name_plural = "yearly attendance counts"
        constraints = [
            models.UniqueConstraint(fields=["pupil", "year"], name="year_counts_one_per_year"),
        ]
        indexes = [models.Index(fields=["school", "year"], name="year_counts_school_year")]

    def __str__(self) -> str:
        return (
            f"{self.year}/{self.year + 1}: {self.possible - self.present} of {self.possible} missed"
        )


class AttentionRun(SchoolOwned):
    """Which day a school's kept early warnings are for, and when they were worked out (see
    ``AttentionEntry``). One a school: it is also the row a whole-school refresh and each
    import's update lock, so they take turns (``warnings.refresh``, ``keep_up_to_date``)."""

    day = models.DateField()
    worked_out_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=0,
        help_text="counts each change to the kept rows: a refresh that read the marks before "
        "a change works them out again",
    )
    refresh_queued_at = models.DateTimeField(
        null=True, blank=True, help_text="when someone opening an old list last queued today's"
    )
    marks_waiting_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="when an import too big to work in at once left its changed marks to the "
        "background refresh, until that refresh has worked them in",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="attention_run_one_a_school"),
        ]

    def __str__(self) -> str:
        return f"Early warnings for {self.day}, worked out at {self.worked_out_at:%H:%M}"


class AttentionEntry(SchoolOwned):
    """One child's early warnings for a day, kept so the lead's list opens at once.

    Working out every child's warnings reads the whole year's marks (seconds for a big
    school), so it is done once a day, again after each import, and the list reads these rows.
    Only children with a warning have one.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    warnings = models.JSONField(help_text="kind, reason, severity and numbers of each warning")
    summary = models.JSONField(help_text="the year's session counts behind the figures")
    # What the list's order needs, so a page of it is read in order from the database
    # (``warnings.URGENCY``): most severe first, then the most warnings, then lowest attendance.
    rank = models.PositiveSmallIntegerField(help_text="the most severe warning: 3 high, 1 low")
    weight = models.PositiveSmallIntegerField(help_text="every warning's rank added up")
    attendance = models.FloatField(
        help_text="this year's attendance %; 100 with no possible sessions yet, so they come last"
    )

    class Meta:
        verbose_name_plural = "attention entries"
        constraints = [
            models.UniqueConstraint(fields=["pupil", "day"], name="attention_entry_one_a_day"),
        ]
        indexes = [
            models.Index(
                fields=["school", "day", "-rank", "-weight", "attendance"],
                name="attention_entry_urgency",
            )
        ]

    def __str__(self) -> str:
        return f"{len(self.warnings)} early warnings on {self.day}"


class LessonMark(SchoolOwned):
    """A mark for one lesson (secondary schools), for missed learning per subject."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="lesson_marks")
    date = models.DateField()
    period = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=60)
    code = models.CharField(max_length=2)
    original_code = models.CharField(max_length=3)

    class Meta:
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "date", "period"], name="lesson_mark_one_per_period"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="lesson_mark_school_day")]

    def __str__(self) -> str:
        return f"{self.date} P{self.period} {self.subject} {self.code}"


class SchoolTerm(SchoolOwned):
    """One stretch of teaching (a term or half-term) between two holidays.

    The first day of each feeds the start-of-term early warning and the calendar; a school with
    none entered uses the typical dates in ``domain/terms.py``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=60)
    starts_on = models.DateField("First day")
    ends_on = models.DateField("Last day")

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="school_term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["school", "starts_on"], name="school_term_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} to {self.ends_on})"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Improving: keeping an eye on it"
    CLOSED = "closed", "Closed"


class AbsenceFactor(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    COST_OF_LIVING = "cost_of_living", "Cost of living"
    SEND = "send", "Special educational needs or disability"
    ILLNESS = "illness", "Illness or a health condition"
    FAMILY_ROUTINES = "family_routines", "Family routines"
    EXCLUSION = "exclusion", "Suspension or exclusion"
    BULLYING = "bullying", "Bullying"
    EBSA = "ebsa", "Emotionally based school avoidance"
    OTHER = "other", "Something else"


class AttendanceConcern(SchoolOwned):
    """What seems to lie behind a child's absence, so support can be aimed at the cause.

    Read only by those who see the child's sensitive record, so the audit record keeps a digest
    of the notes, never their text.
    """

    sensitive_fields: ClassVar[tuple[str, ...]] = ("notes",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attendance_concerns")
    opened_on = models.DateField()
    status = models.CharField(max_length=12, choices=ConcernStatus.choices)
    closed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["school", "status"], name="attendance_concern_status")]
        constraints = [
            empty_or_after(
                "closed_on", "opened_on", name="attendance_concern_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance concern from {self.opened_on} ({self.get_status_display()})"


class ConcernFactor(SchoolOwned):
    """One factor recorded on a concern (a row each, so the database can count them)."""

    concern = models.ForeignKey(AttendanceConcern, on_delete=models.CASCADE, related_name="factors")
    factor = models.CharField(max_length=20, choices=AbsenceFactor.choices)

    class Meta:
        ordering = ["factor"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "factor"], name="concern_factor_once"),
        ]

    def __str__(self) -> str:
        return self.get_factor_display()
