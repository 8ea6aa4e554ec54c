"""Marks stored before codes were read by date: give each retired code its own meaning again.

Until this change every import read a retired code as its 2024 successor whatever its date,
so an interview before 19 August 2024 (``J``, then an approved educational activity: the
session counted as attended) was stored as ``J1`` and counted as authorised absence. From now
on a retired code dated before that day is stored as itself (``attendance.domain.codes``).

This puts the stored marks right, with their history and lesson marks, and moves each such
interview in the weekly and yearly counts from authorised absence to present (approved
activity): afterwards the counts are what a recount of the marks gives (a test holds them to
``week_counts.rebuild``). ``H``, ``F`` and ``Y`` change their stored code only: their category
was right. Written with its own copy of the rule, so it means the same whatever the codes
module says later.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import migrations
from django.db.models import F

CHANGE_DAY = date(2024, 8, 19)
# Retired code -> what every import stored it as, before this change.
STORED_AS = {"J": "J1", "H": "C", "F": "C", "Y": "Y7"}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _school_year(monday: date) -> int:
    return monday.year if monday.month >= 8 else monday.year - 1


def _move_interviews(apps: Any, sign: int) -> None:
    """Each pre-2024 interview: authorised absence -> present (``sign`` 1), or back (-1)."""
    session_mark = apps.get_model("attendance", "SessionMark")
    stored = "J1" if sign == 1 else "J"
    weeks: Counter[tuple[Any, date]] = Counter()
    marks = session_mark.objects.filter(
        date__lt=CHANGE_DAY, code=stored, original_code__in=["J", "j"]
    ).values_list("pupil_id", "date")
    for pupil_id, day in marks.iterator(chunk_size=10_000):
        weeks[pupil_id, _monday(day)] += 1
    years: Counter[tuple[Any, int]] = Counter()
    for (pupil_id, monday), n in weeks.items():
        years[pupil_id, _school_year(monday)] += n
    for model, key, counted in (
        ("WeekCounts", "week", weeks),
        ("YearCounts", "year", years),
    ):
        rows = apps.get_model("attendance", model).objects
        for (pupil_id, when), n in counted.items():
            moved = sign * n
            rows.filter(pupil_id=pupil_id, **{key: when}).update(
                present=F("present") + moved,
                approved_activity=F("approved_activity") + moved,
                authorised_absence=F("authorised_absence") - moved,
            )


def _restore(apps: Any, forwards: bool) -> None:
    session_mark = apps.get_model("attendance", "SessionMark")
    lesson_mark = apps.get_model("attendance", "LessonMark")
    mark_change = apps.get_model("attendance", "MarkChange")
    for retired, successor in STORED_AS.items():
        old, new = (successor, retired) if forwards else (retired, successor)
        written = [retired, retired.lower()]
        before = {"date__lt": CHANGE_DAY}
        session_mark.objects.filter(code=old, original_code__in=written, **before).update(code=new)
        lesson_mark.objects.filter(code=old, original_code__in=written, **before).update(code=new)
        mark_change.objects.filter(
            old_code=old, old_original_code__in=written, **before
        ).update(old_code=new)
        mark_change.objects.filter(
            new_code=old, new_original_code__in=written, **before
        ).update(new_code=new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _move_interviews(apps, 1)  # reads the marks as they were stored: first
    _restore(apps, forwards=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    _move_interviews(apps, -1)
    _restore(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("attendance", "0009_import_kind_mis")]

    operations = [migrations.RunPython(forwards, backwards)]
