"""Reading Wonde's answers: plain JSON in, plain records out. No Django, no network.

What Wonde sends is only partly documented (``../shared/domain/wonde.md`` tags each fact), so
every reader here is tolerant: it accepts each shape seen in Wonde's documentation, its official
clients or code that calls it, and says ``None`` ("not given") rather than guessing.

Two meanings of "nothing" are kept apart, because Wonde nulls out any property the school has
not approved for us (contract §1.2):

- ``None`` in a record means *not given*: a ``null``, a missing key, or an include that came
  back ``null`` or ``{"data": null}``. The sync never overwrites a stored value with it.
- An empty string, ``False`` or an empty tuple means the MIS *said* so (an approved include
  with no rows, a flag that is false).

A row that cannot be read at all raises :class:`Unreadable`; a row read with a doubt carries
:class:`Problem` s. Both name what was wrong in words a school administrator can act on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KINDS: tuple[str, ...] = ("pupils", "staff", "contacts", "groups", "attendance")
"""The kinds of data a sync reads, in the order a full sync runs them (pupils first: the
other kinds find their children through the pupils' links)."""


class Unreadable(ValueError):
    """A response or row we could not read. ``code`` is stable for tests and logs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a sync could not do, or did with a doubt, in words for people."""

    code: str
    message: str


# --- the envelope and pagination (contract §1.3, §1.4) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[Mapping[str, Any], ...]
    next_url: str | None


def read_json(body: bytes | str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Unreadable(f"Wonde's answer was not JSON ({error}).", "wonde.not_json") from error


def read_page(body: bytes | str) -> Page:
    """A list response: ``{"data": [...], "meta": {"pagination": {...}}}``.

    No ``meta`` or no ``pagination`` means a single page [DOC²]. The next page is followed only
    by its ``next`` URL, never built here [OFF]: PHP and .NET loop while ``next`` is set, Ruby
    while ``more`` is true, so a page with either says there is more.
    """
    document = read_json(body)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise Unreadable("Wonde's answer had no list of records under 'data'.", "wonde.no_data")
    rows = document["data"]
    if not all(isinstance(row, dict) for row in rows):
        raise Unreadable("Some of Wonde's records were not objects.", "wonde.bad_rows")
    return Page(tuple(rows), _next_url(document.get("meta")))


def _next_url(meta: Any) -> str | None:
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    if not isinstance(pagination, dict):
        return None
    next_url = pagination.get("next")
    if isinstance(next_url, str) and next_url.strip():
        return next_url.strip()
    if pagination.get("more") is True:
        raise Unreadable(
            "Wonde said there were more records but gave no link to them.", "wonde.no_next"
        )
    return None


def read_object(body: bytes | str) -> Mapping[str, Any]:
    """A single-object response: ``{"data": {...}}``."""
    document = read_json(body)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise Unreadable("Wonde's answer had no record under 'data'.", "wonde.no_data")
    return data


def same_origin(url: str, base_url: str) -> bool:
    """Is ``url`` on the same scheme, host and port as ``base_url``? A ``next`` link that
    is not would carry the school's token somewhere else, so it is never followed."""
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


_WONDE_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def region_domain(value: Any) -> str | None:
    """The school's API domain from ``region.domain`` [DOC], if it is one of Wonde's own
    (``api.wonde.com``, ``api-ap-southeast-2.wonde.com``...); anything else is refused."""
    domain = text(value)
    if domain is None:
        return None
    domain = domain.lower()
    ours = domain == "wonde.com" or domain.endswith(".wonde.com")
    if not (ours and _WONDE_HOST.match(domain)):
        return None
    return domain


# --- scalar values (contract §1.6, §5) --------------------------------------------------------


def text(value: Any) -> str | None:
    """A string value, stripped; numbers become text (``urn`` is an integer in one fixture)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _date_text(value: Any) -> tuple[str, str | None] | None:
    """``(text, zone)`` from a DateTimeObject ``{date, timezone_type, timezone}`` or a string."""
    if isinstance(value, dict):
        raw, zone = value.get("date"), value.get("timezone")
        if isinstance(raw, str) and raw.strip():
            return raw.strip(), zone if isinstance(zone, str) else None
        return None
    if isinstance(value, str) and value.strip():
        return value.strip(), None
    return None


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def wonde_date(value: Any) -> date | None:
    """The date part of a DateTimeObject or a ``YYYY-MM-DD...`` string, never moved across
    time zones (a date of birth stays the day it was written) [DOC]/[3P]."""
    found = _date_text(value)
    match = _DATE.match(found[0]) if found else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def wonde_datetime(value: Any) -> datetime | None:
    """A moment from a DateTimeObject (read in its named zone, UTC in every example) or an
    ISO string; ``None`` when there is none or it cannot be read."""
    found = _date_text(value)
    if found is None:
        return None
    raw, zone_name = found
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        try:
            zone = ZoneInfo(zone_name) if zone_name else UTC
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        moment = moment.replace(tzinfo=zone)
    return moment


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", "not applicable", "none", "n/a"}


def flag(value: Any) -> bool | None:
    """A yes/no the MIS gave as a boolean, a number or words ("Y", "Yes", "Not applicable");
    ``None`` when it gave nothing or something we cannot read as yes or no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# --- includes (contract §1.3) -----------------------------------------------------------------


def one(row: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """A one-to-one include, ``row[name]["data"]``; ``None`` when it was not given."""
    value = row.get(name)
    data = value.get("data") if isinstance(value, dict) else None
    return data if isinstance(data, dict) else None


def many(row: Mapping[str, Any], name: str) -> tuple[Mapping[str, Any], ...] | None:
    """A one-to-many include, ``row[name]["data"]``; ``None`` when it was not given (``null``
    from a scope the school has not approved), ``()`` when the MIS has none."""
    value = row.get(name)
    data = value.get("data") if isinstance(value, dict) else None
    if not isinstance(data, list):
        return None
    return tuple(item for item in data if isinstance(item, dict))


def row_id(row: Mapping[str, Any]) -> str:
    wonde_id = text(row.get("id"))
    if not wonde_id:
        raise Unreadable("A record had no Wonde id.", "wonde.no_id")
    return wonde_id


# --- year groups and sex ----------------------------------------------------------------------

YEAR_GROUPS: dict[str, int] = {"N1": -2, "N2": -1, "R": 0, "RECEPTION": 0} | {
    str(n): n for n in range(1, 15)
}
_YEAR_WORDS = re.compile(r"^(?:YEAR|YR|Y)\s*(\d{1,2})$")


def year_group(value: Any) -> int | None:
    """Attune's year group from ``current_nc_year`` ("6", "R", "N1", "Year 6") [DOC²]/[3P]."""
    raw = text(value)
    if not raw:
        return None
    word = raw.upper()
    if word in YEAR_GROUPS:
        return YEAR_GROUPS[word]
    match = _YEAR_WORDS.match(word)
    return YEAR_GROUPS.get(match[1].lstrip("0") or "0") if match else None


def sex(value: Any) -> str | None:
    """ "M", "F" or "U" (not known) from ``gender`` ("MALE"/"FEMALE" [DOC²]); ``None`` when
    not given."""
    raw = text(value)
    if raw is None:
        return None
    return {"MALE": "M", "M": "M", "FEMALE": "F", "F": "F"}.get(raw.upper(), "U")


# --- students (contract §3.2-§3.4) ------------------------------------------------------------

# The include list one pupils request asks for: details, flags and the date ranges of cohorts.
STUDENT_INCLUDES = (
    "education_details",
    "extended_details",
    "registration",
    "year",
    "sen_date_ranges",
    "fsm_date_ranges",
    "in_care_date_ranges",
)
CONTACT_INCLUDES = ("contacts", "contacts.contact_details")


@dataclass(frozen=True, slots=True)
class Span:
    """One stretch of a cohort from the MIS: ``end`` is ``None`` while it lasts."""

    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class CohortEvidence:
    """What the MIS said about one cohort: its date ranges (the whole history it holds), or
    only whether the child belongs today. ``None`` fields were not given."""

    spans: tuple[Span, ...] | None = None
    today: bool | None = None


@dataclass(frozen=True, slots=True)
class Student:
    wonde_id: str
    upi: str | None
    mis_id: str | None
    upn: str | None
    legal_forename: str | None
    legal_surname: str | None
    forename: str | None  # the preferred name [DOC²]
    surname: str | None
    date_of_birth: date | None
    sex: str | None
    year_group: int | None
    year_text: str | None  # as the MIS wrote it, to name it in a problem
    registration_group: str | None  # "" when the MIS says the child has none
    admission_date: date | None
    leaving_date: date | None
    cohorts: Mapping[str, CohortEvidence]  # by Attune cohort value; a missing key: not given
    problems: tuple[Problem, ...] = ()

    @property
    def label(self) -> str:
        """How a problem names the child: MIS id and UPN, never a name."""
        ids = [f"MIS id {self.mis_id}" if self.mis_id else f"Wonde id {self.wonde_id}"]
        if self.upn:
            ids.append(f"UPN {self.upn}")
        return ", ".join(ids)


def read_student(row: Mapping[str, Any]) -> Student:
    wonde_id = row_id(row)
    education = one(row, "education_details")
    extended = one(row, "extended_details")
    problems: list[Problem] = []
    cohorts = _cohorts(row, extended, problems, wonde_id)
    year_raw = education.get("current_nc_year") if education else None
    registration = one(row, "registration")
    registration_given = isinstance(row.get("registration"), dict)
    return Student(
        wonde_id=wonde_id,
        upi=text(row.get("upi")),
        mis_id=text(row.get("mis_id")),
        upn=(text(education.get("upn")) or None) if education else None,
        legal_forename=text(row.get("legal_forename")) or None,
        legal_surname=text(row.get("legal_surname")) or None,
        forename=text(row.get("forename")) or None,
        surname=text(row.get("surname")) or None,
        date_of_birth=wonde_date(row.get("date_of_birth")),
        sex=sex(row.get("gender")),
        year_group=year_group(year_raw) if year_raw is not None else _year_from_group(row),
        year_text=text(year_raw) if year_raw is not None else None,
        registration_group=(
            text(registration.get("name")) or ""
            if registration
            else ("" if registration_given else None)
        ),
        admission_date=wonde_date(education.get("admission_date")) if education else None,
        leaving_date=wonde_date(education.get("leaving_date")) if education else None,
        cohorts=cohorts,
        problems=tuple(problems),
    )


def _year_from_group(row: Mapping[str, Any]) -> int | None:
    """The year group from the ``year`` include's name ("Year 6"), when education details
    gave none [UNVERIFIED: the year group object's fields]."""
    year = one(row, "year")
    return year_group(year.get("name") or year.get("code")) if year else None


# Range keys seen or guessed for the date-range includes [UNVERIFIED: their inner shape].
_START_KEYS = ("start_date", "start", "from", "date_from")
_END_KEYS = ("end_date", "end", "to", "date_to")
_SEN_STATUS_KEYS = ("sen_status", "status", "code", "provision", "sen_provision")
# SEN provision codes: K support, E EHC plan (census); S (statement) and A/P (School Action
# and Action Plus) from before 2014, read as the codes that replaced them.
SEN_COHORT_BY_STATUS = {"K": "sen_support", "A": "sen_support", "P": "sen_support"} | {
    "E": "ehc_plan",
    "S": "ehc_plan",
}


def _first(item: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((item[key] for key in keys if item.get(key) is not None), None)


def _spans(
    items: tuple[Mapping[str, Any], ...], problems: list[Problem], what: str, who: str
) -> list[tuple[Span, Mapping[str, Any]]]:
    spans = []
    for item in items:
        start = wonde_date(_first(item, _START_KEYS))
        end = wonde_date(_first(item, _END_KEYS))
        if start is None:
            problems.append(
                Problem("range.no_start", f"{who}: a {what} date range had no start date.")
            )
        elif end is not None and end < start:
            problems.append(
                Problem(
                    "range.backwards",
                    f"{who}: a {what} date range ends ({end}) before it starts ({start}).",
                )
            )
        else:
            spans.append((Span(start, end), item))
    return spans


_EAL_KEYS = (
    "english_as_additional_language",
    "english_as_additional_language_status",
    "eal_status",
)


def _cohorts(
    row: Mapping[str, Any],
    extended: Mapping[str, Any] | None,
    problems: list[Problem],
    who: str,
) -> dict[str, CohortEvidence]:
    found: dict[str, CohortEvidence] = {}
    label = f"Wonde id {who}"
    for include, cohort, what in (
        ("fsm_date_ranges", "fsm", "free school meals"),
        ("in_care_date_ranges", "looked_after", "in care"),
    ):
        items = many(row, include)
        if items is not None:
            spans = _spans(items, problems, what, label)
            found[cohort] = CohortEvidence(spans=tuple(span for span, _ in spans))
    sen_status = text(_first(extended, ("sen_status", "sen_provision"))) if extended else None
    sen_items = many(row, "sen_date_ranges")
    if sen_items is not None:
        spans = _spans(sen_items, problems, "SEN", label)
        found |= _sen_from_ranges(spans, sen_status, problems, label)
    elif sen_status:
        status = sen_status.upper()[:1]
        if status == "N":
            found |= {cohort: CohortEvidence(today=False) for cohort in ("sen_support", "ehc_plan")}
        elif status in SEN_COHORT_BY_STATUS:
            cohort = SEN_COHORT_BY_STATUS[status]
            other = "ehc_plan" if cohort == "sen_support" else "sen_support"
            found |= {cohort: CohortEvidence(today=True), other: CohortEvidence(today=False)}
    if extended:
        if "fsm" not in found:
            fsm = flag(extended.get("free_school_meals"))
            if fsm is not None:
                found["fsm"] = CohortEvidence(today=fsm)
        if "looked_after" not in found:
            in_care = flag(extended.get("in_lea_care"))
            if in_care is not None:
                found["looked_after"] = CohortEvidence(today=in_care)
        eal = flag(_first(extended, _EAL_KEYS))
        if eal is not None:
            found["eal"] = CohortEvidence(today=eal)
    return found


def _sen_from_ranges(
    spans: list[tuple[Span, Mapping[str, Any]]],
    current_status: str | None,
    problems: list[Problem],
    who: str,
) -> dict[str, CohortEvidence]:
    """SEN ranges, split into SEN support and EHC plan by each range's status; a range with
    no status takes the child's current status if it is still open, else it is reported."""
    by_cohort: dict[str, list[Span]] = {"sen_support": [], "ehc_plan": []}
    for span, item in spans:
        status = text(_first(item, _SEN_STATUS_KEYS))
        if not status and span.end is None and current_status:
            status = current_status
        code = (status or "").upper()[:1]
        if code == "N":
            continue
        cohort = SEN_COHORT_BY_STATUS.get(code)
        if cohort is None:
            problems.append(
                Problem(
                    "range.sen_status",
                    f"{who}: an SEN date range from {span.start} did not say whether it was SEN "
                    "support or an EHC plan, so it was left out.",
                )
            )
            continue
        by_cohort[cohort].append(span)
    return {cohort: CohortEvidence(spans=tuple(items)) for cohort, items in by_cohort.items()}


# --- contacts (contract §3.5, §3.8) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contact:
    wonde_id: str
    upi: str | None
    title: str | None
    forename: str | None
    surname: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class ContactLink:
    """How one contact stands to one child (the ``relationship`` object, keys [3P])."""

    contact: Contact
    relationship: str | None
    priority: int | None
    parental_responsibility: bool | None
    lives_with_pupil: bool | None
    no_contact: bool | None


_EMAIL_KEYS = ("email", "primary", "home", "work")
_PHONE_KEYS = ("primary", "mobile", "phone", "home", "work")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _details(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The email and phone from ``contact_details`` [3P sample], first usable of each."""
    details = one(row, "contact_details")
    if details is None:
        return None, None
    emails: Any = details.get("emails")
    phones: Any = details.get("phones")
    emails = emails if isinstance(emails, dict) else {}
    phones = phones if isinstance(phones, dict) else {}
    email = next((e for key in _EMAIL_KEYS if (e := text(emails.get(key))) and _EMAIL.match(e)), "")
    phone = next((p for key in _PHONE_KEYS if (p := text(phones.get(key)))), "")
    return email, phone[:40]


def read_contact(row: Mapping[str, Any]) -> Contact:
    email, phone = _details(row)
    return Contact(
        wonde_id=row_id(row),
        upi=text(row.get("upi")),
        title=text(row.get("title")),
        forename=text(row.get("forename")),
        surname=text(row.get("surname")),
        email=email,
        phone=phone,
    )


def read_contact_link(row: Mapping[str, Any]) -> ContactLink:
    relation = row.get("relationship")
    relation = relation.get("data", relation) if isinstance(relation, dict) else {}
    relation = relation if isinstance(relation, dict) else {}
    allowed = flag(relation.get("contact_allowed"))
    no_contact = flag(relation.get("no_contact"))
    if no_contact is None and allowed is not None:
        no_contact = not allowed
    return ContactLink(
        contact=read_contact(row),
        relationship=text(relation.get("relationship")),
        priority=whole_number(_first(relation, ("priority", "contact_priority"))),
        parental_responsibility=flag(relation.get("parental_responsibility")),
        lives_with_pupil=flag(relation.get("lives_with_pupil")),
        no_contact=no_contact,
    )


def read_student_contacts(row: Mapping[str, Any]) -> tuple[str, tuple[ContactLink, ...] | None]:
    """A student's Wonde id and their contacts (``None`` when the include was not given)."""
    items = many(row, "contacts")
    return row_id(row), None if items is None else tuple(read_contact_link(i) for i in items)


# --- staff (contract §3.7) --------------------------------------------------------------------

# A ``roles`` include is read when present, but not asked for: its name is [UNVERIFIED].
EMPLOYEE_INCLUDES = ("employment_details", "contact_details")


@dataclass(frozen=True, slots=True)
class Employee:
    wonde_id: str
    upi: str | None
    forename: str | None
    surname: str | None
    email: str | None
    current: bool | None
    roles: tuple[str, ...] | None  # role texts, from ``role_text`` and any ``roles`` include


def read_employee(row: Mapping[str, Any]) -> Employee:
    employment = one(row, "employment_details")
    email, _ = _details(row)
    roles: list[str] = []
    role_text = text(employment.get("role_text")) if employment else None
    if role_text:
        roles.append(role_text)
    for item in many(row, "roles") or ():
        role = text(_first(item, ("role", "name", "role_code")))
        if role and role not in roles:
            roles.append(role)
    given = employment is not None or many(row, "roles") is not None
    return Employee(
        wonde_id=row_id(row),
        upi=text(row.get("upi")),
        forename=text(row.get("forename")) or text(row.get("legal_forename")),
        surname=text(row.get("surname")) or text(row.get("legal_surname")),
        email=email,
        current=flag(employment.get("current")) if employment else None,
        roles=tuple(roles) if given else None,
    )


# Attune's job roles (people.JobRole values) from the words an MIS uses: the first entry found
# in a role's text wins, so the narrower words come first ("deputy head" before "head").
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("deputy head", "teacher"),
    ("assistant head", "teacher"),
    ("head of year", "pastoral_lead"),
    ("head of", "teacher"),
    ("headteacher", "headteacher"),
    ("head teacher", "headteacher"),
    ("principal", "headteacher"),
    ("safeguarding", "dsl"),
    ("dsl", "dsl"),
    ("senco", "senco"),
    ("sendco", "senco"),
    ("elsa", "elsa"),
    ("mentor", "learning_mentor"),
    ("pastoral", "pastoral_lead"),
    ("early years", "early_years_practitioner"),
    ("nursery", "early_years_practitioner"),
    ("office", "office"),
    ("admin", "office"),
    ("receptionist", "office"),
    ("clerk", "office"),
    ("teaching assistant", "teaching_assistant"),
    ("learning support", "teaching_assistant"),
    ("classroom assistant", "teaching_assistant"),
    ("teacher", "teacher"),
)


def job_role(roles: Sequence[str]) -> str:
    """Attune's job role for the MIS's role texts ("Class Teacher", "Teaching Assistant");
    "other" when none is recognised. The role texts themselves are kept beside it."""
    for role in roles:
        words = role.lower()
        for needle, value in _ROLE_WORDS:
            if needle in words:
                return value
    return "other"


# --- groups (contract §3.6) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    wonde_id: str
    name: str
    type: str
    student_ids: tuple[str, ...] | None  # ``None`` when the students include was not given


def read_group(row: Mapping[str, Any]) -> Group:
    students = many(row, "students")
    return Group(
        wonde_id=row_id(row),
        name=(text(row.get("name")) or text(row.get("description")) or "")[:120],
        type=(text(row.get("type")) or "").upper()[:30],
        student_ids=None if students is None else tuple(row_id(s) for s in students),
    )


# --- deletions (contract §3.11) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deletion:
    type: str
    wonde_id: str
    deleted_on: date | None
    restored: bool


def read_deletion(row: Mapping[str, Any]) -> Deletion:
    return Deletion(
        type=(text(row.get("type")) or "").lower(),
        wonde_id=row_id(row),
        deleted_on=wonde_date(row.get("deleted_at")),
        restored=row.get("restored_at") is not None,
    )


# Which deletions each kind reads: ``type`` values beyond "student" are [UNVERIFIED].
DELETION_TYPES: dict[str, tuple[str, ...]] = {
    "pupils": ("student",),
    "contacts": ("contact",),
    "staff": ("employee",),
    "groups": ("group",),
}


# --- attendance (contract §3.9, §3.10) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceCode:
    wonde_id: str
    code: str
    description: str


def read_attendance_code(row: Mapping[str, Any]) -> AttendanceCode:
    return AttendanceCode(
        wonde_id=row_id(row),
        code=text(row.get("code")) or "",
        description=text(row.get("description")) or "",
    )


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One session mark as Wonde gave it; the code still Wonde's (an id or a letter)."""

    student_id: str
    date: date
    session: str
    code_id: str | None
    code: str | None  # the letter, when the row carried it
    minutes_late: int | None


def _ref_id(value: Any) -> str | None:
    """An id given as a string, or as an included object ``{"data": {"id": ...}}`` or
    ``{"id": ...}``."""
    if isinstance(value, dict):
        inner = value.get("data", value)
        return text(inner.get("id")) if isinstance(inner, dict) else None
    return text(value)


def _code_parts(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    value = row.get("attendance_code")
    if isinstance(value, dict):
        inner = value.get("data", value)
        if isinstance(inner, dict):
            return text(inner.get("id")), text(inner.get("code"))
    code_id = text(row.get("attendance_code_id")) or text(value)
    letter = text(row.get("code")) or text(row.get("mark"))
    return code_id or None, letter or None


def _plain_session_row(row: Mapping[str, Any]) -> SessionRow | None:
    """The common shape, checked without the general readers (a year's first sync reads
    half a million rows); ``None`` sends anything else the careful way, which gives the same
    row for this shape (a test holds the two to it)."""
    student, day, session, code = (
        row.get("student"),
        row.get("date"),
        row.get("session"),
        row.get("attendance_code"),
    )
    minutes = row.get("minutes_late")
    if not (
        type(student) is str
        and student.strip()
        and type(day) is str
        and len(day) == 10
        and session in ("AM", "PM")
        and type(code) is str
        and code.strip()
        and (minutes is None or type(minutes) is int)
    ):
        return None
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None
    return SessionRow(student.strip(), when, session, code.strip(), None, minutes)


def read_session_row(row: Mapping[str, Any]) -> SessionRow:
    """A row of ``attendance/session``. Its field names are [UNVERIFIED]: by analogy with
    the documented writeback body [OFF] we accept ``student``/``student_id`` (an id or an
    included object), ``date`` (a date or DateTimeObject), ``session`` AM/PM, and the code as
    ``attendance_code`` (id or object), ``attendance_code_id`` or ``code``."""
    fast = _plain_session_row(row)
    if fast is not None:
        return fast
    student = _ref_id(row.get("student")) or text(row.get("student_id"))
    day = wonde_date(row.get("date"))
    session = (text(row.get("session")) or "").upper()
    code_id, letter = _code_parts(row)
    if not student:
        raise Unreadable("A session mark did not say which pupil it was for.", "mark.no_student")
    if day is None:
        raise Unreadable("A session mark had no date we could read.", "mark.no_date")
    if session not in ("AM", "PM"):
        raise Unreadable(f"A session mark's session was {session!r}, not AM or PM.", "mark.session")
    if not code_id and not letter:
        raise Unreadable("A session mark had no attendance code.", "mark.no_code")
    minutes = row.get("minutes_late")
    return SessionRow(student, day, session, code_id, letter, whole_number(minutes))


# --- the school (contract §3.1) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    wonde_id: str
    name: str
    urn: str | None
    domain: str | None
    mis: str
    custom_codes: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def read_school(data: Mapping[str, Any]) -> SchoolInfo:
    region: Any = data.get("region")
    region = region if isinstance(region, dict) else {}
    return SchoolInfo(
        wonde_id=row_id(data),
        name=text(data.get("name")) or "",
        urn=text(data.get("urn")),
        domain=region_domain(region.get("domain")),
        mis=text(data.get("mis")) or "",
    )
