"""The ``attendance_report`` records, as JSON or CSV (a stable format other tools read)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

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


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # floats print as Python's shortest round-trip form, as in the JSON


def render_csv(rows: Iterable[PupilAttendance]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        record = report_record(row)
        writer.writerow([_csv_value(record[name]) for name in FIELDS])
    return out.getvalue()
