"""Read the pupils CSV that schools upload, without touching the database.

The file format is described in docs (``attune import_pupils FILE.csv``): a header row, UTF-8
(a byte-order mark from Excel is fine), then one pupil a row::

    school_urn,upn,legal_forename,legal_surname,preferred_name,date_of_birth,sex,
    year_group,registration_group[,looked_after,previously_looked_after,child_in_need,
    child_protection_plan,social_worker_ever6,kinship_care,fsm,eal,sen]

``parse_pupils`` never stops at the first problem: imports run as a whole file, so the
person fixing it needs every bad row at once. Row numbers are the ones a spreadsheet shows
(header is row 1, first pupil row 2; a quoted cell that spans lines is still one row).

Value rules, and why:
- ``sex`` is ``M`` or ``F``: the DfE school census and the Common Transfer File carry only
  these two values for a pupil (CTF 24 names the element ``Gender``, CTF 25 ``Sex``).
- ``year_group`` is kept as text in its DfE "NC year actual" spelling: ``N1``, ``N2``, ``R``,
  ``1``…``14`` and ``X`` for a child not following the National Curriculum (``YEAR_GROUPS``
  lists them in school order for sorting). ``Y7`` and ``07`` are read as ``7``; lower case is
  accepted.
- Cohort flags are ``Y``/``N``/empty, giving ``True``/``False``/``None`` ("not recorded");
  a missing optional column is also ``None``. ``sen`` is ``N`` (none), ``K`` (SEN support),
  ``E`` (EHC plan) or empty.
- A date of birth is ISO ``YYYY-MM-DD``, not after ``today`` and giving an age between
  ``min_age`` and ``max_age`` (defaults 2 and 25: two-year-old places up to the end of an
  EHC plan). ``today`` is always passed in.

The shared pieces (``RowError``, ``ParseResult``, ``csv_records``, ``check_header``) are used by
the session-marks reader in ``attune.attendance.domain.marks_csv`` too.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, cast

UpnValidator = Callable[[str], str]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "school_urn",
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "date_of_birth",
    "sex",
    "year_group",
    "registration_group",
)
FLAG_COLUMNS: tuple[str, ...] = (
    "looked_after",
    "previously_looked_after",
    "child_in_need",
    "child_protection_plan",
    "social_worker_ever6",
    "kinship_care",
    "fsm",
    "eal",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (*FLAG_COLUMNS, "sen")
# X: not following the National Curriculum (the census's NC year actual allows it).
YEAR_GROUPS: tuple[str, ...] = ("N1", "N2", "R", *(str(n) for n in range(1, 15)), "X")
SEXES: frozenset[str] = frozenset({"M", "F"})
SEN_VALUES: frozenset[str] = frozenset({"N", "K", "E"})

_URN = re.compile(r"[0-9]{6}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in an uploaded file: where it is, and what to do about it."""

    row: int
    field: str
    message: str
    code: str


@dataclass(frozen=True, slots=True)
class ParseResult[T]:
    rows: tuple[T, ...]
    errors: tuple[RowError, ...]
    notices: tuple[RowError, ...] = ()  # worth knowing, not a reason to refuse the file

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class PupilRow:
    row: int
    school_urn: str
    upn: str
    legal_forename: str
    legal_surname: str
    preferred_name: str | None
    date_of_birth: date
    sex: str
    year_group: str
    registration_group: str | None
    looked_after: bool | None = None
    previously_looked_after: bool | None = None
    child_in_need: bool | None = None
    child_protection_plan: bool | None = None
    social_worker_ever6: bool | None = None
    kinship_care: bool | None = None
    fsm: bool | None = None
    eal: bool | None = None
    sen: str | None = None


# ---------------------------------------------------------------------------
# Shared CSV plumbing (also used by marks_csv)
# ---------------------------------------------------------------------------


def _decoded_lines(stream: IO[bytes] | IO[str]) -> Iterator[str]:
    """Yield text lines, decoding bytes as UTF-8 and dropping a leading byte-order mark."""
    if isinstance(stream.read(0), bytes):
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        for raw in cast(IO[bytes], stream):
            yield decoder.decode(raw)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail
        return
    for number, line in enumerate(cast(IO[str], stream)):
        yield line.removeprefix("\ufeff") if number == 0 else line


def csv_records(stream: IO[bytes] | IO[str]) -> Iterator[tuple[int, list[str]] | RowError]:
    """Yield ``(row_number, cells)`` for each non-blank record, or one final ``RowError``.

    A file we cannot read on (not UTF-8, broken quoting) ends with a single error naming the
    row where reading stopped; nothing after it can be trusted, so we stop there.
    """
    reader = csv.reader(_decoded_lines(stream), strict=True)
    number = 0
    try:
        for cells in reader:
            number += 1
            if any(cell.strip() for cell in cells):
                yield number, cells
    except UnicodeDecodeError:
        yield RowError(
            number + 1,
            "",
            "This file isn't saved as UTF-8, so some letters can't be read. In Excel, use "
            "'Save as' and choose 'CSV UTF-8 (comma delimited)', then upload it again.",
            "file.encoding",
        )
    except csv.Error as exc:
        yield RowError(
            number + 1,
            "",
            f"We couldn't read this row as CSV ({exc}). Check for a stray quote mark.",
            "file.malformed",
        )


def check_header(
    cells: Sequence[str], required: Sequence[str], optional: Sequence[str]
) -> tuple[list[str], list[RowError]]:
    """Normalise header names and report missing, unknown and repeated columns (row 1)."""
    header = [cell.strip().lower() for cell in cells]
    errors: list[RowError] = []
    missing = [name for name in required if name not in header]
    if missing:
        errors.append(
            RowError(
                1,
                ",".join(missing),
                "The header row is missing these columns: " + ", ".join(missing) + ".",
                "header.missing_column",
            )
        )
    known = set(required) | set(optional)
    for name in header:
        if name not in known:
            errors.append(
                RowError(1, name, f"We don't recognise the column '{name}'.", "header.unknown")
            )
    for name in sorted({n for n in header if header.count(n) > 1}):
        errors.append(
            RowError(1, name, f"The column '{name}' appears more than once.", "header.duplicate")
        )
    return header, errors


def split_records(
    stream: IO[bytes] | IO[str], required: Sequence[str], optional: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]] | RowError]:
    """Read header and rows; yield each row as a dict of stripped values, or errors.

    Yields nothing but errors if a required column is missing, since no row could be checked.
    """
    for item in checked_records(csv_records(stream), required, optional, "pupils"):
        if isinstance(item, RowError):
            yield item
        else:
            number, values, header = item
            yield number, dict(zip(header, values, strict=True))


def checked_records(
    records: Iterator[tuple[int, list[str]] | RowError],
    required: Sequence[str],
    optional: Sequence[str],
    what: str,
) -> Iterator[tuple[int, list[str], list[str]] | RowError]:
    """Check the header and each row's width; yield ``(row, stripped cells, header)`` or errors.

    ``what`` names the rows in the empty-file message ("pupils", "marks").
    """
    first = next(records, None)
    if first is None:
        yield RowError(
            1, "", f"This file is empty. It needs a header row and {what}.", "file.empty"
        )
        return
    if isinstance(first, RowError):
        yield first
        return
    header_row, cells = first
    header, header_errors = check_header(cells, required, optional)
    yield from header_errors
    if any(error.code == "header.missing_column" for error in header_errors):
        return
    seen_rows = False
    for record in records:
        if isinstance(record, RowError):
            yield record
            return
        seen_rows = True
        number, values = record
        if len(values) != len(header):
            yield RowError(
                number,
                "",
                f"This row has {len(values)} values but the header has {len(header)} columns.",
                "row.field_count",
            )
            continue
        yield number, [value.strip() for value in values], header
    if not seen_rows:
        yield RowError(
            header_row + 1, "", "This file has a header row but no data.", "file.no_rows"
        )


def parse_iso_date(text: str) -> date | None:
    """An ISO ``YYYY-MM-DD`` date, or ``None`` if the text is not one (or is impossible)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class RowChecker:
    """Collects the problems found in one row so every one of them is reported."""

    number: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def fail(self, name: str, message: str, code: str) -> None:
        self.errors.append(RowError(self.number, name, message, code))

    def text(self, name: str) -> str | None:
        """The stripped value, ``None`` when empty or when the optional column is absent."""
        return self.values.get(name) or None

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            self.fail(name, f"Please fill in {name.replace('_', ' ')}.", "value.required")
            return ""
        return value

    def no_nul_bytes(self) -> None:
        """A NUL character is a problem in any cell: PostgreSQL cannot store one in text, and
        a file holding one has usually been damaged or saved in the wrong format."""
        for name, value in self.values.items():
            if "\x00" in value:
                self.fail(
                    name,
                    "This value holds a NUL character (\\0), which can't be stored; the file "
                    "may be damaged or saved in the wrong format.",
                    "value.nul",
                )

    def iso_date(self, name: str) -> date | None:
        raw = self.required(name)
        if not raw:
            return None
        parsed = parse_iso_date(raw)
        if parsed is None:
            self.fail(
                name,
                f"'{raw}' isn't a real date written as YYYY-MM-DD (for example 2016-09-01).",
                "date.format",
            )
        return parsed


def upn_error_code(exc: ValueError) -> str:
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) else "upn.invalid"


def la_number_notice(upn: str) -> str | None:
    """``upn.la_number_notice``, loaded late like the validator."""
    upn_module = importlib.import_module("attune.people.domain.upn")
    return cast("str | None", upn_module.la_number_notice(upn))


def default_upn_validator() -> UpnValidator:
    # Loaded late so this module works (and tests run) with a stand-in validator alone.
    upn = importlib.import_module("attune.people.domain.upn")
    return cast(UpnValidator, upn.validate_upn)


# ---------------------------------------------------------------------------
# Pupils
# ---------------------------------------------------------------------------


def _urn(check: RowChecker) -> str:
    urn = check.required("school_urn")
    if urn and not _URN.fullmatch(urn):
        check.fail("school_urn", f"'{urn}' isn't a school URN (six digits).", "urn.invalid")
    return urn


def checked_upn(check: RowChecker, validate: UpnValidator) -> str:
    """The row's UPN as the validator normalises it; a bad one is reported on the row."""
    raw = check.required("upn")
    if not raw:
        return ""
    try:
        return validate(raw)
    except ValueError as exc:
        check.fail("upn", str(exc), upn_error_code(exc))
        return ""


def age_on(born: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - before_birthday


def _date_of_birth(check: RowChecker, today: date, min_age: int, max_age: int) -> date | None:
    born = check.iso_date("date_of_birth")
    if born is None:
        return None
    if born > today:
        check.fail("date_of_birth", f"{born.isoformat()} is in the future.", "date.future")
        return None
    age = age_on(born, today)
    if not min_age <= age <= max_age:
        check.fail(
            "date_of_birth",
            f"{born.isoformat()} would make this pupil {age}; we expect pupils aged "
            f"{min_age} to {max_age}. Please check the date.",
            "date.implausible_age",
        )
        return None
    return born


def _sex(check: RowChecker) -> str:
    value = check.required("sex").upper()
    if value and value not in SEXES:
        check.fail("sex", f"'{value}' isn't a sex we can record: use M or F.", "sex.invalid")
    return value


def normalise_year_group(raw: str) -> str | None:
    """Canonical year group (``N1``, ``N2``, ``R``, ``1``…``14``) or ``None`` if unknown."""
    value = raw.strip().upper()
    if value in YEAR_GROUPS:
        return value
    digits = value.removeprefix("Y").removeprefix("EAR").strip()
    if digits.isdigit() and digits.isascii() and str(int(digits)) in YEAR_GROUPS:
        return str(int(digits))
    return None


def _year_group(check: RowChecker) -> str:
    raw = check.required("year_group")
    if not raw:
        return ""
    value = normalise_year_group(raw)
    if value is None:
        check.fail(
            "year_group",
            f"'{raw}' isn't a year group: use N1, N2, R, 1 to 14, or X (not following the "
            "National Curriculum).",
            "year_group.invalid",
        )
        return ""
    return value


def parse_flag(check: RowChecker, name: str) -> bool | None:
    value = (check.text(name) or "").upper()
    if value in ("", "Y", "N"):
        return None if not value else value == "Y"
    check.fail(name, f"'{value}' should be Y, N or left empty.", "flag.invalid")
    return None


def _sen(check: RowChecker) -> str | None:
    value = (check.text("sen") or "").upper()
    if value and value not in SEN_VALUES:
        check.fail(
            "sen",
            f"'{value}' isn't a SEN status: use N (none), K (SEN support), E (EHC plan) or leave "
            "it empty.",
            "sen.invalid",
        )
        return None
    return value or None


# The longest value each text column holds (the database's column sizes).
TEXT_LIMITS: dict[str, int] = {
    "legal_forename": 100,
    "legal_surname": 100,
    "preferred_name": 100,
    "registration_group": 20,
}


def too_long(row: int, values: dict[str, str | None]) -> list[RowError]:
    """A clear error for each text value longer than its column holds."""
    return [
        RowError(
            row,
            name,
            f"{name.replace('_', ' ').capitalize()} is {len(value):,} characters long; "
            f"it can be at most {TEXT_LIMITS[name]}.",
            "value.too_long",
        )
        for name, value in values.items()
        if value is not None and name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]
    ]


def _pupil(
    check: RowChecker, today: date, validate: UpnValidator, min_age: int, max_age: int
) -> PupilRow | None:
    check.no_nul_bytes()
    urn = _urn(check)
    upn = checked_upn(check, validate)
    forename = check.required("legal_forename")
    surname = check.required("legal_surname")
    born = _date_of_birth(check, today, min_age, max_age)
    sex = _sex(check)
    year_group = _year_group(check)
    flags = {name: parse_flag(check, name) for name in FLAG_COLUMNS}
    sen = _sen(check)
    check.errors.extend(too_long(check.number, {name: check.text(name) for name in TEXT_LIMITS}))
    if check.errors or born is None:
        return None
    return PupilRow(
        row=check.number,
        school_urn=urn,
        upn=upn,
        legal_forename=forename,
        legal_surname=surname,
        preferred_name=check.text("preferred_name"),
        date_of_birth=born,
        sex=sex,
        year_group=year_group,
        registration_group=check.text("registration_group"),
        sen=sen,
        **flags,
    )


def _duplicate(check: RowChecker, upn: str, first_seen: dict[str, int]) -> None:
    if upn in first_seen:
        check.fail(
            "upn",
            f"UPN {upn} is on row {first_seen[upn]} and again on row {check.number}; "
            "each pupil should appear once.",
            "upn.duplicate",
        )
    else:
        first_seen[upn] = check.number


def parse_pupils(
    stream: IO[bytes] | IO[str],
    *,
    today: date,
    validate_upn: UpnValidator | None = None,
    min_age: int = 2,
    max_age: int = 25,
) -> ParseResult[PupilRow]:
    """Parse a whole pupils CSV (bytes or text stream), collecting every problem.

    ``validate_upn`` returns the normalised UPN or raises ``ValueError`` with a ``code``
    (``attune.people.domain.upn.validate_upn`` by default).
    """
    validate = validate_upn or default_upn_validator()
    rows: list[PupilRow] = []
    errors: list[RowError] = []
    notices: list[RowError] = []
    first_seen: dict[str, int] = {}
    for item in split_records(stream, REQUIRED_COLUMNS, OPTIONAL_COLUMNS):
        if isinstance(item, RowError):
            errors.append(item)
            continue
        check = RowChecker(*item)
        pupil = _pupil(check, today, validate, min_age, max_age)
        upn = pupil.upn if pupil else _valid_upn_or_none(check, validate)
        if upn:
            _duplicate(check, upn, first_seen)
        errors.extend(check.errors)
        if pupil and not check.errors:
            rows.append(pupil)
            if notice := la_number_notice(pupil.upn):
                notices.append(RowError(pupil.row, "upn", notice, "upn.la_number"))
    return ParseResult(tuple(rows), tuple(errors), tuple(notices))


def _valid_upn_or_none(check: RowChecker, validate: UpnValidator) -> str | None:
    """The row's UPN when it is valid, so duplicates are found even in otherwise bad rows."""
    raw = check.text("upn")
    if raw is None:
        return None
    try:
        return validate(raw)
    except ValueError:
        return None


def iter_rows_as_csv(rows: Iterable[PupilRow]) -> Iterator[list[str]]:
    """The CSV cells (header first) for pupil rows: the inverse of ``parse_pupils``."""
    yield [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    for pupil in rows:
        flags = [_flag_text(getattr(pupil, name)) for name in FLAG_COLUMNS]
        yield [
            pupil.school_urn,
            pupil.upn,
            pupil.legal_forename,
            pupil.legal_surname,
            pupil.preferred_name or "",
            pupil.date_of_birth.isoformat(),
            pupil.sex,
            pupil.year_group,
            pupil.registration_group or "",
            *flags,
            pupil.sen or "",
        ]


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")
