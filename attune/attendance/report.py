"""The ``attendance_report`` records, as JSON or CSV (a stable format other tools read)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from attune import csv_files
from attune.attendance.selectors import PupilAttendance

FIELDS = (
    "upn",
    "possible_sessions",
    "present_sessions",
    "authorised_absence_sessions",
    "unauthorised_absence_sessions",
    "attendance_pct",
    "persistent_absence",
    "severe_absence",
)


def report_record(row: PupilAttendance) -> dict[str, Any]:
    """One pupil's record; ``attendance_pct`` unrounded, ``None`` with no possible sessions."""
    s = row.summary
    return {
        "upn": row.upn,
        "possible_sessions": s.possible,
        "present_sessions": s.present,
        "authorised_absence_sessions": s.authorised_absence,
        "unauthorised_absence_sessions": s.unauthorised_absence,
        "attendance_pct": s.attendance_pct,
        "persistent_absence": s.persistent_absence,
        "severe_absence": s.severe_absence,
    }


def render_json(rows: Iterable[PupilAttendance]) -> str:
    return json.dumps([report_record(row) for row in rows], indent=2) + "\n"


def render_csv(rows: Iterable[PupilAttendance]) -> str:
    """Floats print as Python's shortest round-trip form, as in the JSON."""
    return csv_files.text(FIELDS, ([report_record(row)[name] for name in FIELDS] for row in rows))
