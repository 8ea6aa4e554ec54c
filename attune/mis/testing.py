"""A Wonde stand-in for tests and benchmarks: a real HTTP server on loopback that answers as
the contract (``../shared/domain/wonde.md``) describes Wonde's read API.

It serves ``/v1.0/schools/{id}``, and for each school ``students``, ``employees``, ``groups``,
``deletions``, ``attendance-codes`` and ``attendance/session``, with ``include``,
``updated_after`` and ``per_page``/``page`` pagination (``meta.pagination.next`` as an absolute
URL, ``per_page`` as a string as in the documented example). Scopes the school "has not
approved" come back ``null``. Faults are queued with :meth:`FakeWonde.fail`: a status (429,
500...) for the next N requests whose path contains some text, optionally with
``Retry-After``. It checks the bearer token and records every request.

Marks are held as tuples and turned into JSON a page at a time, so a benchmark can serve a
year of registers for a 1,500-pupil school (half a million marks) without holding them as
dictionaries.
"""

from __future__ import annotations

import bisect
import functools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from attune.attendance.domain.codes import CODES, RETIRED

TOKEN = "test-wonde-token"  # noqa: S105 - a token for the stand-in only
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def stamp(moment: datetime) -> dict[str, Any]:
    """Wonde's DateTimeObject [DOC] (the same few moments recur: worked out once each)."""
    text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    return {"date": text, "timezone_type": 3, "timezone": "UTC"}


def day_object(day: date) -> dict[str, Any]:
    """A date as the older docs example gives a date of birth [DOC via 3P]."""
    return {
        "date": f"{day.isoformat()} 00:00:00.000000",
        "timezone_type": 3,
        "timezone": "Europe/London",
    }


@dataclass
class Record:
    """One Wonde record: its JSON (includes under their names) and when it last changed."""

    data: dict[str, Any]
    updated_at: datetime = EPOCH

    @property
    def id(self) -> str:
        return str(self.data["id"])


# (student id, date, session, code id, minutes late, updated at, mark id)
MarkTuple = tuple[str, date, str, str, int | None, datetime, int]


@dataclass
class FakeSchool:
    wonde_id: str
    urn: str
    name: str = "Hollybrook Primary School"
    domain: str = "api.wonde.com"
    students: dict[str, Record] = field(default_factory=dict)
    employees: dict[str, Record] = field(default_factory=dict)
    groups: dict[str, Record] = field(default_factory=dict)
    deletions: list[Record] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # code id -> letter
    marks: list[MarkTuple] = field(default_factory=list)  # kept sorted by updated_at
    mark_times: list[datetime] = field(default_factory=list)  # the same order, for bisect
    unapproved: set[str] = field(default_factory=set)  # includes that come back null

    def __post_init__(self) -> None:
        if not self.codes:
            letters = sorted(CODES) + sorted(RETIRED)  # older marks carry retired codes
            self.codes = {f"AC{n}": code for n, code in enumerate(letters, start=1)}

    def code_id(self, letter: str) -> str:
        return next(key for key, value in self.codes.items() if value == letter)

    def add_marks(
        self, marks: Sequence[tuple[str, date, str, str, int | None]], at: datetime
    ) -> None:
        """Marks (student id, date, session, code letter, minutes late) recorded ``at``."""
        start = len(self.marks)
        ids = {letter: self.code_id(letter) for letter in {m[3] for m in marks}}
        new = [
            (s, d, session, ids[code], late, at, start + n)
            for n, (s, d, session, code, late) in enumerate(marks)
        ]
        self.marks.extend(new)
        self.marks.sort(key=lambda m: m[5])
        self.mark_times = [m[5] for m in self.marks]


class FakeWonde:
    """``with FakeWonde() as wonde: wonde.add_school(...)``; ``wonde.base_url`` is the root."""

    def __init__(self, *, token: str = TOKEN, per_page_as_text: bool = True) -> None:
        self.token = token
        self.per_page_as_text = per_page_as_text
        self.schools: dict[str, FakeSchool] = {}
        self.requests: list[str] = []
        self._faults: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.marks_shape = "plain"  # or "included": how a session row names its student and code

    # --- the server ---------------------------------------------------------------------------

    def __enter__(self) -> FakeWonde:
        wonde = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the client uses it
            disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

            def do_GET(self) -> None:
                status, headers, body = wonde.answer(self.path, self.headers.get("Authorization"))
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.root = f"http://{host!s}:{port}"
        self.base_url = f"{self.root}/v1.0/"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- arranging ----------------------------------------------------------------------------

    def add_school(self, wonde_id: str, urn: str, **kwargs: Any) -> FakeSchool:
        school = FakeSchool(wonde_id, urn, **kwargs)
        self.schools[wonde_id] = school
        return school

    def fail(
        self,
        path_contains: str,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = "0",
        after: int = 0,
        body: str = '{"error": "stand-in failure"}',
    ) -> None:
        """The next ``times`` requests whose path contains ``path_contains`` (after letting
        ``after`` of them through) get ``status``."""
        with self._lock:
            self._faults.append(
                {
                    "path": path_contains,
                    "status": status,
                    "times": times,
                    "retry_after": retry_after,
                    "after": after,
                    "body": body.encode(),
                }
            )

    def count(self, path_contains: str) -> int:
        return sum(path_contains in path for path in self.requests)

    # --- answering ----------------------------------------------------------------------------

    def answer(self, raw_path: str, auth: str | None) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(raw_path)
            fault = self._fault(raw_path)
        if auth != f"Bearer {self.token}":
            return 401, {}, b'{"error": "Unauthenticated."}'
        if fault is not None:
            headers = {"Retry-After": fault["retry_after"]} if fault["retry_after"] else {}
            return fault["status"], headers, fault["body"]
        url = urlsplit(raw_path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if parts[:2] != ["v1.0", "schools"] or len(parts) < 3 or parts[2] not in self.schools:
            return 404, {}, b'{"error": "Not found."}'
        school = self.schools[parts[2]]
        resource = "/".join(parts[3:])
        if resource == "":
            return 200, {}, _json({"data": self._school(school), "meta": {"includes": []}})
        found = self._rows(school, resource, query)
        if found is None:
            return 404, {}, b'{"error": "Not found."}'
        return 200, {}, _json(self._page(url.path, query, found))

    def _fault(self, path: str) -> dict[str, Any] | None:
        for fault in self._faults:
            if fault["path"] in path and fault["times"] > 0:
                if fault["after"] > 0:
                    fault["after"] -= 1
                    return None
                fault["times"] -= 1
                return fault
        return None

    def _school(self, school: FakeSchool) -> dict[str, Any]:
        return {
            "id": school.wonde_id,
            "name": school.name,
            "urn": int(school.urn),
            "mis": "SIMS",
            "phase_of_education": "PRIMARY",
            "timezone": "Europe/London",
            "region": {
                "code": "GBR",
                "domain": school.domain,
                "school_url": f"https://{school.domain}/v1.0/schools/{school.wonde_id}",
            },
        }

    def _rows(
        self, school: FakeSchool, resource: str, query: dict[str, str]
    ) -> tuple[Any, Any] | None:
        """(the matching items, a function shaping one as JSON), or ``None``: no such list."""
        since = _since(query.get("updated_after"))
        includes = [i for i in query.get("include", "").split(",") if i]
        if resource == "attendance/session":
            start = 0 if since is None else bisect.bisect_right(school.mark_times, since)
            return _Slice(school.marks, start), self._mark
        if resource == "attendance-codes":
            rows = [_code_row(key, code) for key, code in school.codes.items()]
            return rows, lambda row: row
        if resource == "deletions":
            types = set(query.get("type", "").split(",")) - {""}
            records = [r for r in school.deletions if not types or r.data["type"] in types]
        else:
            table = {
                "students": school.students,
                "employees": school.employees,
                "groups": school.groups,
            }
            if resource not in table:
                return None
            records = list(table[resource].values())
        chosen = [r for r in records if since is None or r.updated_at > since]
        return chosen, lambda r: self._shaped(school, r, includes)

    def _shaped(self, school: FakeSchool, record: Record, includes: list[str]) -> dict[str, Any]:
        """The record with only the includes asked for, each ``null`` if not approved."""
        top = {name.split(".")[0] for name in includes}
        nested = {name.split(".", 1)[1] for name in includes if name.startswith("contacts.")}
        out: dict[str, Any] = {}
        for key, value in record.data.items():
            if isinstance(value, dict) and "data" in value:
                if key not in top:
                    continue
                if key in school.unapproved:
                    out[key] = None
                    continue
                if key == "contacts":
                    value = {"data": [self._contact(c, nested, school) for c in value["data"]]}
            out[key] = value
        out["updated_at"] = stamp(record.updated_at)
        return out

    def _contact(
        self, contact: dict[str, Any], nested: set[str], school: FakeSchool
    ) -> dict[str, Any]:
        shown = {
            k: v
            for k, v in contact.items()
            if k != "contact_details" or "contact_details" in nested
        }
        if "contact_details" in shown and "contact_details" in school.unapproved:
            shown["contact_details"] = None
        return shown

    def _mark(self, mark: MarkTuple) -> dict[str, Any]:
        student, day, session, code_id, late, at, mark_id = mark
        if self.marks_shape == "included":
            return {
                "id": f"M{mark_id}",
                "student": {"data": {"id": student}},
                "date": day_object(day),
                "session": session.lower(),
                "attendance_code": {"data": {"id": code_id}},
                "minutes_late": late,
                "updated_at": stamp(at),
            }
        return {
            "id": f"M{mark_id}",
            "student": student,
            "date": day.isoformat(),
            "session": session,
            "attendance_code": code_id,
            "minutes_late": late,
            "comment": None,
            "updated_at": stamp(at),
        }

    def _page(self, path: str, query: dict[str, str], found: tuple[Any, Any]) -> dict[str, Any]:
        items, shape = found
        total = len(items)
        per_page = int(query.get("per_page", "50"))
        page = int(query.get("page", "1"))
        skip = (page - 1) * per_page
        more = skip + per_page < total
        document: dict[str, Any] = {"data": [shape(item) for item in items[skip : skip + per_page]]}
        if total > per_page:
            following = {**query, "page": str(page + 1)}
            link = f"{self.root}{path}?" + "&".join(
                f"{k}={quote(v, safe=',')}" for k, v in following.items()
            )
            document["meta"] = {
                "pagination": {
                    "next": link if more else None,
                    "previous": None if page == 1 else "...",
                    "more": more,
                    "per_page": str(per_page) if self.per_page_as_text else per_page,
                    "current_page": page,
                }
            }
        return document


class _Slice:
    """``items[start:]`` without copying half a million marks for every page."""

    def __init__(self, items: list[MarkTuple], start: int) -> None:
        self.items, self.start = items, start

    def __len__(self) -> int:
        return len(self.items) - self.start

    def __getitem__(self, wanted: slice) -> list[MarkTuple]:
        return self.items[self.start + (wanted.start or 0) : self.start + (wanted.stop or 0)]


def _code_row(key: str, code: str) -> dict[str, Any]:
    described = CODES[code].description if code in CODES else "A local code"
    return {"id": key, "code": code, "description": described, "type": "unknown"}


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


# --- building records ------------------------------------------------------------------------


def student(
    wonde_id: str,
    *,
    upn: str | None,
    forename: str = "Maya",
    surname: str = "Fletcher",
    legal_forename: str | None = None,
    born: date = date(2017, 3, 14),
    gender: str | None = "FEMALE",
    year: str | None = "4",
    registration: str | None = "4B",
    mis_id: str | None = None,
    upi: str | None = None,
    admitted: date | None = date(2021, 9, 1),
    fsm: list[tuple[date, date | None]] | None = None,
    in_care: list[tuple[date, date | None]] | None = None,
    sen: list[tuple[date, date | None, str]] | None = None,
    eal: bool | None = None,
    contacts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A student as ``/students`` returns it with every include this sync asks for."""

    def ranges(items: list[tuple[Any, ...]] | None, status: bool = False) -> dict[str, Any]:
        rows = []
        for item in items or []:
            row: dict[str, Any] = {
                "start_date": day_object(item[0]),
                "end_date": day_object(item[1]) if item[1] else None,
            }
            if status:
                row["sen_status"] = item[2]
            rows.append(row)
        return {"data": rows}

    return {
        "id": wonde_id,
        "upi": upi or f"upi-{wonde_id}",
        "mis_id": mis_id or wonde_id.lstrip("A"),
        "initials": forename[:1] + surname[:1],
        "title": None,
        "surname": surname,
        "forename": forename,
        "middle_names": None,
        "legal_surname": surname,
        "legal_forename": legal_forename or forename,
        "gender": gender,
        "gender_identity": None,
        "date_of_birth": day_object(born),
        "restored_at": None,
        "created_at": stamp(EPOCH),
        "education_details": {
            "data": {
                "upn": upn,
                "current_nc_year": year,
                "admission_date": day_object(admitted) if admitted else None,
                "leaving_date": None,
            }
        },
        "extended_details": {
            "data": {
                "sen_status": None,
                "free_school_meals": None,
                "in_lea_care": None,
                "english_as_additional_language": eal,
            }
        },
        "registration": {"data": {"id": f"G-{registration}", "name": registration}}
        if registration
        else {"data": None},
        "year": {"data": {"id": f"Y-{year}", "name": f"Year {year}"}} if year else {"data": None},
        "fsm_date_ranges": ranges(fsm),
        "in_care_date_ranges": ranges(in_care),
        "sen_date_ranges": ranges(sen, status=True),
        "contacts": {"data": contacts or []},
    }


def contact(
    wonde_id: str,
    *,
    forename: str = "Sam",
    surname: str = "Fletcher",
    email: str | None = "sam.fletcher@example.org",
    phone: str | None = "07700 900123",
    relationship: str = "Mother",
    priority: int | str | None = 1,
    parental_responsibility: Any = True,
    lives_with_pupil: Any = True,
    contact_allowed: Any = None,
) -> dict[str, Any]:
    """A contact as included under a student, with its pupil-specific relationship [3P]."""
    return {
        "id": wonde_id,
        "upi": f"upi-{wonde_id}",
        "mis_id": wonde_id.lstrip("C"),
        "title": "Ms",
        "forename": forename,
        "surname": surname,
        "contact_details": {
            "data": {
                "phones": {
                    "phone": None,
                    "primary": None,
                    "home": None,
                    "work": None,
                    "mobile": phone,
                },
                "emails": {"email": email, "primary": None, "home": None, "work": None},
                "salutation": None,
            }
        },
        "relationship": {
            "relationship": relationship,
            "bill_payer": False,
            "lives_with_pupil": lives_with_pupil,
            "email_bills": False,
            "parental_responsibility": parental_responsibility,
            "priority": priority,
            **({"contact_allowed": contact_allowed} if contact_allowed is not None else {}),
        },
    }


def employee(
    wonde_id: str,
    *,
    forename: str = "Priya",
    surname: str = "Shah",
    email: str | None = None,
    role: str = "Teaching Assistant",
    current: bool = True,
) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "upi": f"upi-{wonde_id}",
        "mis_id": wonde_id.lstrip("E"),
        "title": "Ms",
        "forename": forename,
        "surname": surname,
        "legal_forename": forename,
        "legal_surname": surname,
        "employment_details": {
            "data": {"current": current, "teaching_staff": "Teacher" in role, "role_text": role}
        },
        "contact_details": {
            "data": {
                "emails": {"email": email, "primary": None, "home": None, "work": None},
                "phones": {"phone": None},
            }
        },
    }


def group(wonde_id: str, name: str, kind: str, students: list[str]) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "mis_id": wonde_id,
        "name": name,
        "type": kind,
        "students": {"data": [{"id": s} for s in students]},
    }


def deletion(kind: str, wonde_id: str, at: datetime, *, restored: bool = False) -> dict[str, Any]:
    return {
        "id": wonde_id,
        "type": kind,
        "mis_id": wonde_id,
        "deleted_at": stamp(at),
        "restored_at": stamp(at) if restored else None,
    }
