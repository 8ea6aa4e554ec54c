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
          BasicDetails/FormerUPN  the child's previous UPN (CBDS N00002), when it changed;
                              also read directly under Pupil. A FormerUPN that is not a UPN
                              is a notice, not a problem: it is only used to find the child
          BasicDetails/PreferredSurname, PreferredForename
          BasicDetails/NCyearActual   N1, N2, R, 1-14, or X (not following the National
                                      Curriculum, common in special schools)
          LookedAfter/InCare  true/false -> looked_after (the CTF gives it no date)
          SENhistory/SEN/StartDate, EndDate, SENprovision   N, K or E: each record holds from
                              its StartDate to its EndDate, or to the day before the next
                              record starts -> sen_history (and sen: the latest provision)
          FSMhistory/FSMinstance/FSMstartDate, FSMendDate   -> fsm_history, one span each;
                              fsm is True when an instance covers ``today``, False when there
                              is a history but no current instance, None when there is none
                              (an end date may be in the future; a start date after
                              ``today`` is not current yet, not an error)
          Attendance/YearData   one per school and year
            Year  LEA  Estab  SchoolName
            SessionsPossible  SessionsAttended  SessionsAuthorised  SessionsUnauthorised
                                                 the year's totals, kept when given (a year
                                                 may carry totals and no marks at all)
            AttendSessions/AttendanceStartDate   the first day of the marks string
            AttendSessions/AttendanceMarks       two characters a calendar day, AM then PM,
                                                 starting on AttendanceStartDate

Dates are checked to lie between 1990 and a year from ``today`` (``attune.dates``); a date
outside is a problem naming the pupil and the element, never stored.

Non-school days in ``AttendanceMarks``: the string covers every calendar day, with ``#`` for
each session when the school is not open (weekends, holidays, closures) — as MIS exporters
write it (e.g. the Aspen CTF exporter writes ``##`` for a day not in session). ``#``, ``-`` and
a space (no mark taken) produce no mark; every other character is a register code, read with the
meaning it had on its day by the codes module, like the CSV import (``codes.read_code``: a ``J``
before 19 August 2024 is an interview counted as attended, from that day ``J1``), keeping the
original. The register codes that are two characters since August 2024 (``C1``,
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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml  # type: ignore[import-untyped,unused-ignore]
import defusedxml.ElementTree as defused_et  # type: ignore[import-untyped,unused-ignore]

from attune.attendance.domain.calculations import AttendanceSummary, summarise_counts
from attune.attendance.domain.codes import read_code
from attune.attendance.domain.marks_csv import CodeMapper, default_code_mapper
from attune.dates import EARLIEST, out_of_range
from attune.people.domain.pupil_csv import (
    SEN_VALUES,
    SEXES,
    UpnValidator,
    default_upn_validator,
    normalise_year_group,
    parse_iso_date,
    upn_error_code,
)
from attune.people.domain.upn import la_number_notice

SUPPORTED_VERSIONS: tuple[str, ...] = ("24", "25")
# Register codes since 19 August 2024 that are two characters (docs: attendance codes table).
TWO_CHARACTER_CODES = frozenset({"C1", "C2", "J1", *(f"Y{n}" for n in range(1, 8))})
NO_MARK = frozenset("#- ")
MAX_SESSIONS_A_YEAR = 732  # two a day, every day of a leap year: more is not a year's total
# CtfAttendanceYear field -> the YearData element giving that year's total.
_TOTALS = {
    "sessions_possible": "SessionsPossible",
    "sessions_attended": "SessionsAttended",
    "sessions_authorised": "SessionsAuthorised",
    "sessions_unauthorised": "SessionsUnauthorised",
}
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
    marks_text: str = ""  # the string as the file gives it, for keeping as history
    sessions_possible: int | None = None
    sessions_attended: int | None = None
    sessions_authorised: int | None = None
    sessions_unauthorised: int | None = None

    @property
    def has_totals(self) -> bool:
        return self.sessions_possible is not None


# A stretch of a cohort: first day, and last day or None while it lasts.
Span = tuple[date, date | None]


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
    year_group: str | None  # N1, N2, R, 1-14, X (not following the National Curriculum)
    looked_after: bool | None
    sen: str | None
    fsm: bool | None
    attendance: tuple[CtfAttendanceYear, ...]
    former_upn: str | None = None
    # Dated histories: None when the file says nothing about the cohort at all.
    fsm_history: tuple[Span, ...] | None = None
    sen_history: tuple[tuple[str, Span], ...] | None = None  # (provision N/K/E, span)
    notices: tuple[str, ...] = ()  # worth knowing, not a reason to refuse the file


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


def _covers(span: Span, day: date) -> bool:
    return span[0] <= day and (span[1] is None or span[1] >= day)


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
        self.notices: list[str] = []

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
        """A well-formed date from 1990 to a year from ``today``, past or future."""
        if text is None:
            return None
        parsed = parse_iso_date(text)
        if parsed is None:
            self.fail(element, f"'{text}' in <{element}> isn't a YYYY-MM-DD date.", "date.format")
            return None
        why = out_of_range(parsed, self.today)
        if why is not None:
            self.fail(element, f"<{element}>: {why}", "date.out_of_range")
            return None
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
        sen_history = self._sen_history()
        fsm_history = self._fsm_history()
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
            sen=sen_history[-1][0] if sen_history else None,
            fsm=None if fsm_history is None else any(_covers(s, self.today) for s in fsm_history),
            attendance=self._attendance(),
            former_upn=self._former_upn(details, upn),
            fsm_history=fsm_history,
            sen_history=sen_history,
            notices=tuple(self.notices),
        )
        return None if self.problems or born is None else pupil

    def _upn(self) -> str:
        raw = self.required("UPN")
        if not raw:
            return ""
        try:
            upn = self.validate(raw)
        except ValueError as exc:
            self.fail("UPN", str(exc), upn_error_code(exc))
            return ""
        if notice := la_number_notice(upn):
            self.notices.append(f"Pupil {self.position} (UPN {upn}): {notice}")
        return upn

    def _former_upn(self, details: Element | None, upn: str) -> str | None:
        raw = _text(details, "FormerUPN") or _text(self.elem, "FormerUPN")
        if raw is None:
            return None
        try:
            former = self.validate(raw)
        except ValueError as exc:
            self.notices.append(
                f"Pupil {self.position} (UPN {upn}): <FormerUPN> '{raw}' isn't a UPN ({exc}), "
                "so it wasn't used to find the child."
            )
            return None
        return None if former == upn else former

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
        if raw is None:
            return None
        value = normalise_year_group(raw)  # X: not following the National Curriculum
        if value is None:
            self.fail("NCyearActual", f"'{raw}' isn't a year group.", "year_group.invalid")
        return value

    def _looked_after(self) -> bool | None:
        raw = _text(self.elem, "LookedAfter", "InCare")
        value = _boolean(raw)
        if raw is not None and value is None:
            self.fail("InCare", f"<InCare> should be true or false, not '{raw}'.", "flag.invalid")
        return value

    def _sen_history(self) -> tuple[tuple[str, Span], ...] | None:
        """Each SEN record's provision and the days it held, oldest first.

        A record holds from its StartDate to its EndDate, or else to the day before the next
        record starts; the latest holds until its EndDate, or on.
        """
        history = _child(self.elem, "SENhistory")
        records = _children(history, "SEN")
        if history is None or not records:
            return None
        read: list[tuple[date, date | None, str]] = []
        for record in records:
            start = self.any_date("StartDate", self.required_in(record, "StartDate"))
            end = self.any_date("EndDate", _text(record, "EndDate"))
            value = (_text(record, "SENprovision") or "").upper()
            if value not in SEN_VALUES:
                self.fail("SENprovision", f"'{value}' isn't N, K or E.", "sen.invalid")
            elif start is not None:
                if end is not None and end < start:
                    self.fail(
                        "EndDate",
                        f"an SEN record ends ({end.isoformat()}) before it starts "
                        f"({start.isoformat()}).",
                        "date.order",
                    )
                read.append((start, end, value))
        read.sort(key=lambda r: r[0])
        spans: list[tuple[str, Span]] = []
        for index, (start, end, value) in enumerate(read):
            following = read[index + 1][0] - timedelta(days=1) if index + 1 < len(read) else None
            last = min((d for d in (end, following) if d is not None), default=None)
            if last is None or last >= start:
                spans.append((value, (start, last)))
        return tuple(spans)

    def _fsm_history(self) -> tuple[Span, ...] | None:
        history = _child(self.elem, "FSMhistory")
        if history is None:
            return None
        spans: list[Span] = []
        # Read every instance, so each bad date is reported.
        for instance in _children(history, "FSMinstance"):
            start = self.any_date("FSMstartDate", self.required_in(instance, "FSMstartDate"))
            end = self.any_date("FSMendDate", _text(instance, "FSMendDate"))
            if start is None:
                continue
            if end is not None and end < start:
                self.fail(
                    "FSMendDate",
                    f"a free school meals spell ends ({end.isoformat()}) before it starts "
                    f"({start.isoformat()}).",
                    "date.order",
                )
                continue
            spans.append((start, end))
        return tuple(sorted(spans, key=lambda span: span[0]))

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
            marks_text=marks_text if start else "",
            **{name: self._count(year, element) for name, element in _TOTALS.items()},
        )

    def _count(self, year: Element, element: str) -> int | None:
        raw = _text(year, element)
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_SESSIONS_A_YEAR:
            self.fail(
                element,
                f"<{element}> should be a number of sessions from 0 to {MAX_SESSIONS_A_YEAR}, "
                f"not '{raw}'.",
                "ctf.sessions",
            )
            return None
        return int(raw)

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
        if day < EARLIEST:
            self.fail("AttendanceMarks", f"{where} is before 1990.", "date.out_of_range")
            return None
        if key in seen:
            self.fail(
                "AttendanceMarks", f"{where} is given twice for one school.", "mark.duplicate"
            )
            return None
        seen.add(key)
        try:
            return CtfMark(day, session, self.mapper(char, day), char)
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

    @property
    def numbers(self) -> tuple[str, str] | None:
        """The LA and establishment numbers, when they name a school.

        The DfE's services write ``XXX``/``XXXX`` (a CTF from its pupil service, or for a
        destination not known) and ``MMM``/``MMMM`` where there is no school to name: those
        name no school, so they are ``None``, as are missing numbers.
        """
        if self.lea and self.estab and self.lea.isdigit() and self.estab.isdigit():
            return self.lea, self.estab
        return None

    @property
    def known_urn(self) -> str | None:
        return self.urn if self.urn and self.urn.isdigit() else None


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


def summarise_marks(start: date, text: str) -> AttendanceSummary:
    """Count a CTF marks string kept as history, each code read with its day's meaning.

    Two characters a calendar day from ``start``; ``#``, ``-`` and a space are no mark. The
    string was checked when it was imported, so a character no longer understood is left out
    rather than stopping the page that shows it.
    """
    counts: Counter[str] = Counter()
    for index, char in enumerate(text):
        if char in NO_MARK:
            continue
        try:
            counts[read_code(char, start + timedelta(days=index // 2)).code] += 1
        except ValueError:
            continue
    return summarise_counts(counts)
