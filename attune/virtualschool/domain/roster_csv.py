"""Read the authority's list of the children it looks after (``attune import_vs_roster``),
without a database.

A header row, UTF-8, then one child a row, with exactly these columns (any order)::

    child_id,upn,legal_forename,legal_surname,preferred_name,date_of_birth,looked_after_from,
    looked_after_to,legal_status,school_urn,school_name,social_worker_email,carer_email,
    designated_teacher_email

- ``child_id`` is the authority's own social care identifier: required, at most 40 characters,
  once per file. It is how a child is found again when the file is imported next time.
- ``upn`` may be empty (a child new to care, or not yet in school); when given, its check letter
  is verified, and it is once per file. With the school's URN it matches the child to a school's
  record on Attune.
- ``looked_after_from`` is required; ``looked_after_to`` is empty while the child is looked
  after. Neither may be in the future, and the end is not before the start nor the start before
  birth.
- ``legal_status`` is the child's legal status as the SSDA903 return codes it (DfE, "Children
  looked after return" guidance): C1, C2, D1, E1, J1, J2, J3, L1, L2, L3, V2, V3 or V4.
- ``school_urn`` is any school in England, on Attune or not: six digits, with ``school_name``.
- The three email columns may be empty; when given they must look like an email address.

Every problem in every row is reported, with the row and the column, so the file can be fixed in
one pass (the import is the whole file or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO

from attune.people.domain.pupil_csv import (
    ParseResult,
    RowChecker,
    RowError,
    UpnValidator,
    age_on,
    default_upn_validator,
    split_records,
)

COLUMNS: tuple[str, ...] = (
    "child_id",
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "date_of_birth",
    "looked_after_from",
    "looked_after_to",
    "legal_status",
    "school_urn",
    "school_name",
    "social_worker_email",
    "carer_email",
    "designated_teacher_email",
)
EMAIL_COLUMNS: tuple[str, ...] = ("social_worker_email", "carer_email", "designated_teacher_email")
# The SSDA903 legal status codes.
LEGAL_STATUSES: frozenset[str] = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
LIMITS: dict[str, int] = {
    "child_id": 40,
    "legal_forename": 100,
    "legal_surname": 100,
    "preferred_name": 100,
    "school_name": 160,
    "social_worker_email": 254,
    "carer_email": 254,
    "designated_teacher_email": 254,
}
MAX_AGE = 25  # care leavers' support can run to 25; beyond that the date is a typo
_URN = re.compile(r"[0-9]{6}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class RosterRow:
    row: int
    child_id: str
    upn: str  # "" when not known
    legal_forename: str
    legal_surname: str
    preferred_name: str
    date_of_birth: date
    looked_after_from: date
    looked_after_to: date | None
    legal_status: str
    school_urn: str
    school_name: str
    social_worker_email: str
    carer_email: str
    designated_teacher_email: str


def _dates(check: RowChecker, today: date) -> tuple[date | None, date | None, date | None]:
    born = check.iso_date("date_of_birth")
    start = check.iso_date("looked_after_from")
    end = _optional_date(check, "looked_after_to")
    for name, value in (
        ("date_of_birth", born),
        ("looked_after_from", start),
        ("looked_after_to", end),
    ):
        if value is not None and value > today:
            check.fail(name, f"{value.isoformat()} is in the future.", "date.future")
    if born is not None and born <= today and age_on(born, today) > MAX_AGE:
        check.fail(
            "date_of_birth",
            f"{born.isoformat()} would make this child {age_on(born, today)}; please check it.",
            "date.implausible_age",
        )
    if born is not None and start is not None and start < born:
        check.fail(
            "looked_after_from",
            "The child can't have been looked after before they were born.",
            "date.before_birth",
        )
    if start is not None and end is not None and end < start:
        check.fail(
            "looked_after_to",
            f"{end.isoformat()} is before looked_after_from ({start.isoformat()}).",
            "date.end_before_start",
        )
    return born, start, end


def _optional_date(check: RowChecker, name: str) -> date | None:
    if check.text(name) is None:
        return None
    return check.iso_date(name)


def _upn(check: RowChecker, validate: UpnValidator) -> str:
    raw = check.text("upn")
    if raw is None:
        return ""
    try:
        return validate(raw)
    except ValueError as exc:
        code = getattr(exc, "code", None)
        check.fail("upn", str(exc), code if isinstance(code, str) else "upn.invalid")
        return ""


def _legal_status(check: RowChecker) -> str:
    value = check.required("legal_status").upper()
    if value and value not in LEGAL_STATUSES:
        check.fail(
            "legal_status",
            f"'{value}' isn't a legal status: use the SSDA903 code, such as C2 or V2.",
            "legal_status.invalid",
        )
    return value


def _school(check: RowChecker) -> tuple[str, str]:
    urn = check.required("school_urn")
    if urn and not _URN.fullmatch(urn):
        check.fail("school_urn", f"'{urn}' isn't a school URN (six digits).", "urn.invalid")
    return urn, check.required("school_name")


def _emails(check: RowChecker) -> dict[str, str]:
    found = {}
    for name in EMAIL_COLUMNS:
        value = (check.text(name) or "").lower()
        if value and not _EMAIL.fullmatch(value):
            check.fail(name, f"'{value}' doesn't look like an email address.", "email.invalid")
        found[name] = value
    return found


def _too_long(check: RowChecker) -> None:
    for name, limit in LIMITS.items():
        value = check.text(name)
        if value is not None and len(value) > limit:
            check.fail(
                name,
                f"{name.replace('_', ' ').capitalize()} is {len(value):,} characters long; it "
                f"can be at most {limit}.",
                "value.too_long",
            )


def _child(check: RowChecker, today: date, validate: UpnValidator) -> RosterRow | None:
    child_id = check.required("child_id")
    upn = _upn(check, validate)
    forename = check.required("legal_forename")
    surname = check.required("legal_surname")
    born, start, end = _dates(check, today)
    status = _legal_status(check)
    urn, school_name = _school(check)
    emails = _emails(check)
    _too_long(check)
    if check.errors or born is None or start is None:
        return None
    return RosterRow(
        row=check.number,
        child_id=child_id,
        upn=upn,
        legal_forename=forename,
        legal_surname=surname,
        preferred_name=check.text("preferred_name") or "",
        date_of_birth=born,
        looked_after_from=start,
        looked_after_to=end,
        legal_status=status,
        school_urn=urn,
        school_name=school_name,
        **emails,
    )


def _once(
    check: RowChecker, name: str, value: str, seen: dict[str, int], what: Callable[[str], str]
) -> None:
    if not value:
        return
    if value in seen:
        check.fail(
            name,
            f"{what(value)} is on row {seen[value]} and again on row {check.number}; each child "
            "should appear once.",
            f"{name}.duplicate",
        )
    else:
        seen[value] = check.number


def parse_roster(
    stream: IO[bytes] | IO[str], *, today: date, validate_upn: UpnValidator | None = None
) -> ParseResult[RosterRow]:
    """Parse a whole roster CSV, collecting every problem (the header must have exactly the
    roster's columns)."""
    validate = validate_upn or default_upn_validator()
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    ids: dict[str, int] = {}
    upns: dict[str, int] = {}
    for item in split_records(stream, COLUMNS, ()):
        if isinstance(item, RowError):
            errors.append(item)
            continue
        check = RowChecker(*item)
        child = _child(check, today, validate)
        _once(check, "child_id", check.text("child_id") or "", ids, lambda v: f"Child {v}")
        _once(check, "upn", child.upn if child else "", upns, lambda v: f"UPN {v}")
        errors.extend(check.errors)
        if child is not None and not check.errors:
            rows.append(child)
    return ParseResult(tuple(rows), tuple(errors))
