"""Stream pupils, cohort flags and register marks out of a DfE Common Transfer File (CTF).

``iter_ctf`` reads the XML with ``defusedxml``'s ``iterparse`` and drops each ``<Pupil>`` once it
has been read, so a county-size file never has to fit in memory. Any document type declaration
(the door to external entities and "billion laughs" entity bombs) is refused with a
``CtfError``; a legitimate CTF never has one.

Elements Attune reads (names as in the DfE CTF specification and MIS exporters; a namespace,
if present, is ignored)::

    CTfile
      Header
        CTFversion            "24.0" or "25.0" (also accepted spelt CTFVersion)
      CTFpupilData
        Pupil                 one per child, in file order ("position" below counts from 1)
          UPN  Surname  Forename  DOB (YYYY-MM-DD)
          Gender              CTF 24: M or F
          Sex                 CTF 25: replaces Gender (we accept either in both versions)
          BasicDetails/PreferredSurname, PreferredForename, NCyearActual
          LookedAfter/InCare  true/false -> looked_after
          SENhistory/SEN/StartDate, SENprovision   N, K or E (latest StartDate wins) -> sen
          FSMhistory/FSMinstance/FSMstartDate, FSMendDate
                              fsm is True when an instance covers ``today``, False when there
                              is a history but no current instance, None when there is none
                              (an end date may be in the future; a start date after
                              ``today`` is not current yet, not an error)
          Attendance/YearData   one per school and year
            Year  LEA  Estab  SchoolName
            AttendSessions/AttendanceStartDate   the first day of the marks string
            AttendSessions/AttendanceMarks       two characters a calendar day, AM then PM,
                                                 starting on AttendanceStartDate

Non-school days in ``AttendanceMarks``: the string covers every calendar day, with ``#`` for
each session when the school is not open (weekends, holidays, closures) — as MIS exporters
write it (e.g. the Aspen CTF exporter writes ``##`` for a day not in session). ``#``, ``-`` and
a space (no mark taken) produce no mark; every other character is a register code, mapped by the
codes module like the CSV import (retired ``J`` -> ``J1``, ``Y`` -> ``Y7``, ``H``/``F`` -> ``C``,
keeping the original). The register codes that are two characters since August 2024 (``C1``,
``C2``, ``J1``, ``Y1``…``Y7``) cannot fit one character a session; a file writing them into the
string shows the digit as an unknown code, reported with a note naming the two-character code,
never guessed at.

Each ``YearData`` belongs to one school (``LEA`` + ``Estab``): a pupil who moved or was dual
registered has a ``YearData`` per school, and their marks may share dates. A session given twice
for the same school is reported.

Per-pupil problems (bad UPN, date, code…) are yielded as ``CtfProblem`` naming the pupil's
position, UPN and element, and that pupil is not yielded; all of them are reported. Problems
with the whole file (not XML, not a CTF, unsupported version, unsafe XML) raise ``CtfError``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml  # type: ignore[import-untyped,unused-ignore]
import defusedxml.ElementTree as defused_et  # type: ignore[import-untyped,unused-ignore]

from attune.attendance.domain.marks_csv import CodeMapper, default_code_mapper
from attune.people.domain.pupil_csv import (
    SEN_VALUES,
    SEXES,
    UpnValidator,
    default_upn_validator,
    normalise_year_group,
    parse_iso_date,
    upn_error_code,
)

SUPPORTED_VERSIONS: tuple[str, ...] = ("24", "25")
# Register codes since 19 August 2024 that are two characters (docs: attendance codes table).
TWO_CHARACTER_CODES = frozenset({"C1", "C2", "J1", *(f"Y{n}" for n in range(1, 8))})
NO_MARK = frozenset("#- ")
_PUPIL_DEPTH = 3  # CTfile > CTFpupilData > Pupil
_HEADER_DEPTH = 2
_SessionKey = tuple[str, str, date, str]  # LEA, Estab, day, AM/PM


class CtfError(ValueError):
    """The file as a whole cannot be read; nothing from it should be imported."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class CtfProblem:
    position: int
    upn: str
    element: str
    message: str
    code: str


@dataclass(frozen=True, slots=True)
class CtfMark:
    date: date
    session: str
    code: str
    original_code: str


@dataclass(frozen=True, slots=True)
class CtfAttendanceYear:
    year: str | None
    lea: str | None
    estab: str | None
    school_name: str | None
    start_date: date | None
    marks: tuple[CtfMark, ...]


@dataclass(frozen=True, slots=True)
class CtfPupil:
    position: int
    upn: str
    forename: str
    surname: str
    preferred_forename: str | None
    preferred_surname: str | None
    date_of_birth: date
    sex: str
    year_group: str | None
    looked_after: bool | None
    sen: str | None
    fsm: bool | None
    attendance: tuple[CtfAttendanceYear, ...]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(elem: Element | None, *names: str) -> Element | None:
    """Follow a path of child names, ignoring namespaces."""
    for name in names:
        if elem is None:
            return None
        elem = next((c for c in elem if _local(c.tag) == name), None)
    return elem


def _children(elem: Element | None, name: str) -> list[Element]:
    return [] if elem is None else [c for c in elem if _local(c.tag) == name]


def _text(elem: Element | None, *names: str) -> str | None:
    found = _child(elem, *names)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def _marks_text(elem: Element | None) -> str:
    """The marks string with its positions intact.

    A space is a session with no mark, so spaces at the ends are kept: stripping them would move
    every later mark to the wrong day. Only when the text spans lines (the exporter laid it out
    on its own line) is the surrounding whitespace layout, and removed.
    """
    raw = (elem.text or "") if elem is not None else ""
    return raw.strip() if "\n" in raw else raw


def _boolean(text: str | None) -> bool | None:
    if text is None:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(text.lower())


class _PupilReader:
    """Reads one ``<Pupil>`` element, noting every problem against it."""

    def __init__(
        self,
        elem: Element,
        position: int,
        today: date,
        validate: UpnValidator,
        mapper: CodeMapper,
    ) -> None:
        self.elem, self.position, self.today = elem, position, today
        self.validate, self.mapper = validate, mapper
        self.upn = _text(elem, "UPN") or ""
        self.problems: list[CtfProblem] = []

    def fail(self, element: str, message: str, code: str) -> None:
        who = f"Pupil {self.position}" + (f" (UPN {self.upn})" if self.upn else "")
        self.problems.append(
            CtfProblem(self.position, self.upn, element, f"{who}: {message}", code)
        )

    def required(self, *path: str) -> str:
        return self.required_in(self.elem, *path) or ""

    def required_in(self, elem: Element, *path: str) -> str | None:
        value = _text(elem, *path)
        if value is None:
            self.fail("/".join(path), f"<{path[-1]}> is missing or empty.", "ctf.missing")
        return value

    def any_date(self, element: str, text: str | None) -> date | None:
        """A well-formed date, past or future."""
        if text is None:
            return None
        parsed = parse_iso_date(text)
        if parsed is None:
            self.fail(element, f"'{text}' in <{element}> isn't a YYYY-MM-DD date.", "date.format")
        return parsed

    def iso_date(self, element: str, text: str | None) -> date | None:
        """A well-formed date on or before ``today``."""
        parsed = self.any_date(element, text)
        if parsed is not None and parsed > self.today:
            self.fail(
                element, f"{parsed.isoformat()} in <{element}> is in the future.", "date.future"
            )
            return None
        return parsed

    def read(self) -> CtfPupil | None:
        upn = self._upn()
        forename, surname = self.required("Forename"), self.required("Surname")
        born = self.iso_date("DOB", self.required("DOB") or None)
        sex = self._sex()
        details = _child(self.elem, "BasicDetails")
        pupil = CtfPupil(
            position=self.position,
            upn=upn,
            forename=forename,
            surname=surname,
            preferred_forename=_text(details, "PreferredForename"),
            preferred_surname=_text(details, "PreferredSurname"),
            date_of_birth=born or date.min,
            sex=sex,
            year_group=self._year_group(details),
            looked_after=self._looked_after(),
            sen=self._sen(),
            fsm=self._fsm(),
            attendance=self._attendance(),
        )
        return None if self.problems or born is None else pupil

    def _upn(self) -> str:
        raw = self.required("UPN")
        if not raw:
            return ""
        try:
            return self.validate(raw)
        except ValueError as exc:
            self.fail("UPN", str(exc), upn_error_code(exc))
            return ""

    def _sex(self) -> str:
        # CTF 25 renamed <Gender> to <Sex>; files from either side of the change are accepted.
        element = "Sex" if _child(self.elem, "Sex") is not None else "Gender"
        value = (_text(self.elem, element) or "").upper()
        if _child(self.elem, element) is None or not value:
            self.fail(
                "Sex", "<Sex> (or <Gender> in older files) is missing or empty.", "ctf.missing"
            )
        elif value not in SEXES:
            self.fail(element, f"<{element}> should be M or F, not '{value}'.", "sex.invalid")
        return value

    def _year_group(self, details: Element | None) -> str | None:
        raw = _text(details, "NCyearActual")
        if raw is None or raw.upper() == "X":  # X: not following the National Curriculum
            return None
        value = normalise_year_group(raw)
        if value is None:
            self.fail("NCyearActual", f"'{raw}' isn't a year group.", "year_group.invalid")
        return value

    def _looked_after(self) -> bool | None:
        raw = _text(self.elem, "LookedAfter", "InCare")
        value = _boolean(raw)
        if raw is not None and value is None:
            self.fail("InCare", f"<InCare> should be true or false, not '{raw}'.", "flag.invalid")
        return value

    def _sen(self) -> str | None:
        records = _children(_child(self.elem, "SENhistory"), "SEN")
        if not records:
            return None
        latest = max(records, key=lambda e: _text(e, "StartDate") or "")
        value = (_text(latest, "SENprovision") or "").upper()
        if value not in SEN_VALUES:
            self.fail("SENprovision", f"'{value}' isn't N, K or E.", "sen.invalid")
            return None
        return value

    def _fsm(self) -> bool | None:
        history = _child(self.elem, "FSMhistory")
        if history is None:
            return None
        current = False
        # Read every instance (not just up to the first current one) so each bad date is reported.
        for instance in _children(history, "FSMinstance"):
            start = self.any_date("FSMstartDate", self.required_in(instance, "FSMstartDate"))
            end = self.any_date("FSMendDate", _text(instance, "FSMendDate"))
            if start is not None and start <= self.today and (end is None or end >= self.today):
                current = True
        return current

    def _attendance(self) -> tuple[CtfAttendanceYear, ...]:
        years = _children(_child(self.elem, "Attendance"), "YearData")
        seen: set[_SessionKey] = set()
        return tuple(self._year(year, seen) for year in years)

    def _year(self, year: Element, seen: set[_SessionKey]) -> CtfAttendanceYear:
        sessions = _child(year, "AttendSessions")
        start_text = _text(sessions, "AttendanceStartDate")
        start = self.iso_date("AttendanceStartDate", start_text)
        marks_text = _marks_text(_child(sessions, "AttendanceMarks"))
        if marks_text and start_text is None:
            self.fail("AttendanceStartDate", "marks are given without a start date.", "ctf.missing")
        lea, estab = _text(year, "LEA"), _text(year, "Estab")
        school = (lea or "", estab or "")
        marks = tuple(self._marks(start, marks_text, school, seen)) if start else ()
        return CtfAttendanceYear(
            year=_text(year, "Year"),
            lea=lea,
            estab=estab,
            school_name=_text(year, "SchoolName"),
            start_date=start,
            marks=marks,
        )

    def _marks(
        self, start: date, text: str, school: tuple[str, str], seen: set[_SessionKey]
    ) -> Iterator[CtfMark]:
        for index, char in enumerate(text):
            if char in NO_MARK:
                continue
            day, session = start + timedelta(days=index // 2), ("AM", "PM")[index % 2]
            where = f"mark {index + 1} ({day.isoformat()} {session})"
            before = text[index - 1] if index else ""
            mark = self._mark((*school, day, session), char, where, seen, before)
            if mark is not None:
                yield mark

    def _mark(
        self, key: _SessionKey, char: str, where: str, seen: set[_SessionKey], before: str = ""
    ) -> CtfMark | None:
        day, session = key[2], key[3]
        if day > self.today:
            self.fail("AttendanceMarks", f"{where} is in the future.", "date.future")
            return None
        if key in seen:
            self.fail(
                "AttendanceMarks", f"{where} is given twice for one school.", "mark.duplicate"
            )
            return None
        seen.add(key)
        try:
            return CtfMark(day, session, self.mapper(char), char)
        except ValueError as exc:
            message = f"{where}: {exc}"
            if char.isdigit() and (before + char).upper() in TWO_CHARACTER_CODES:
                message += (
                    f" '{before}{char}' looks like one of the codes in use since August 2024 "
                    "that have two characters (C1, C2, J1, Y1 to Y7); a CTF's marks string has "
                    "one character a session, so it can't hold them. Ask the sending school how "
                    "their system exports these codes."
                )
            self.fail("AttendanceMarks", message, str(getattr(exc, "code", "code.unknown")))
            return None


def _check_version(header: Element, accepted: tuple[str, ...]) -> None:
    found = next((c for c in header if _local(c.tag).lower() == "ctfversion"), None)
    version = (found.text or "").strip() if found is not None else ""
    if version.partition(".")[0] not in accepted:
        shown = version or "no version"
        raise CtfError(
            f"This CTF is version {shown}; Attune reads versions "
            + " and ".join(accepted)
            + ". Ask the sending school to export it again from an up-to-date system.",
            "ctf.version",
        )


def _walk(
    events: Iterator[tuple[str, Element]],
    today: date,
    validate: UpnValidator,
    mapper: CodeMapper,
    accepted: tuple[str, ...],
) -> Iterator[CtfPupil | CtfProblem]:
    depth, position, header_seen = 0, 0, False
    container: Element | None = None
    for event, elem in events:
        tag = _local(elem.tag)
        if event == "start":
            depth += 1
            if depth == 1 and tag != "CTfile":
                raise CtfError(
                    f"This isn't a Common Transfer File (it starts <{tag}>).", "ctf.not_ctf"
                )
            if depth == _HEADER_DEPTH and tag == "CTFpupilData":
                if not header_seen:
                    raise CtfError("This CTF has no <Header> before its pupils.", "ctf.no_header")
                container = elem
            continue
        if depth == _HEADER_DEPTH and tag == "Header":
            _check_version(elem, accepted)
            header_seen = True
        elif depth == _PUPIL_DEPTH and tag == "Pupil" and container is not None:
            position += 1
            reader = _PupilReader(elem, position, today, validate, mapper)
            pupil = reader.read()
            yield from reader.problems
            if pupil is not None:
                yield pupil
            container.remove(elem)  # forget the pupil: memory stays flat however long the file
        depth -= 1


def iter_ctf(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    today: date,
    validate_upn: UpnValidator | None = None,
    code_mapper: CodeMapper | None = None,
    versions: tuple[str, ...] = SUPPORTED_VERSIONS,
) -> Iterator[CtfPupil | CtfProblem]:
    """Yield each pupil (or its problems) from a CTF file path or binary stream, in order.

    Raises ``CtfError`` for a file that cannot be read as a whole (see module docstring).
    """
    validate = validate_upn or default_upn_validator()
    mapper = code_mapper or default_code_mapper()
    try:
        events: Any = defused_et.iterparse(
            source, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        )
        yield from _walk(events, today, validate, mapper, versions)
    except defusedxml.DefusedXmlException as exc:
        # Refused before any entity is expanded or fetched: nothing from the file is read.
        raise CtfError(
            "This file contains XML features a CTF never uses (a document type declaration or "
            "entities), which can be used to attack a server, so we won't read it.",
            "ctf.unsafe_xml",
        ) from exc
    except ParseError as exc:
        raise CtfError(f"This file isn't well-formed XML ({exc}).", "ctf.malformed") from exc


@dataclass(frozen=True, slots=True)
class CtfSchool:
    lea: str | None
    estab: str | None
    urn: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class CtfHeader:
    version: str
    source: CtfSchool
    destination: CtfSchool


def _school(elem: Element | None) -> CtfSchool:
    return CtfSchool(
        _text(elem, "LEA"), _text(elem, "Estab"), _text(elem, "URN"), _text(elem, "SchoolName")
    )


def read_ctf_header(
    source: str | os.PathLike[str] | IO[bytes], *, versions: tuple[str, ...] = SUPPORTED_VERSIONS
) -> CtfHeader:
    """The ``<Header>``: version, and the sending (source) and receiving (destination) schools.

    Reads only as far as the end of the header. Raises ``CtfError`` as ``iter_ctf`` would.
    """
    try:
        events: Any = defused_et.iterparse(
            source, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        )
        depth = 0
        for event, elem in events:
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1 and _local(elem.tag) != "CTfile":
                raise CtfError(
                    f"This isn't a Common Transfer File (it starts <{_local(elem.tag)}>).",
                    "ctf.not_ctf",
                )
            if event == "end" and depth == 1 and _local(elem.tag) == "Header":
                _check_version(elem, versions)
                version = _text(elem, "CTFversion") or _text(elem, "CTFVersion") or ""
                return CtfHeader(
                    version,
                    _school(_child(elem, "SourceSchool")),
                    _school(_child(elem, "DestSchool")),
                )
    except defusedxml.DefusedXmlException as exc:
        raise CtfError(
            "This file contains XML features a CTF never uses (a document type declaration or "
            "entities), which can be used to attack a server, so we won't read it.",
            "ctf.unsafe_xml",
        ) from exc
    except ParseError as exc:
        raise CtfError(f"This file isn't well-formed XML ({exc}).", "ctf.malformed") from exc
    raise CtfError("This CTF has no <Header>.", "ctf.no_header")
