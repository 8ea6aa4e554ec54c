"""Importing register marks (CSV; the writer Common Transfer Files use too): all or nothing.

Each file is checked completely first (the pure readers in ``domain/``, then what needs the
database: does the school exist, is the pupil on its roll?). Only a file with no problem at
all is written, in one transaction. A mark for a pupil, date and session that already exists is
replaced only if it differs, and the old mark is kept as a ``MarkChange``.

The rows are written with ``bulk.insert_rows`` (COPY on PostgreSQL), so a school's year of
half a million marks imports in seconds (``benchmarks/attendance_import.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.attendance import tasks, warnings, week_counts
from attune.attendance.domain.calculations import week_of
from attune.attendance.domain.marks_csv import MarkRow, iter_marks
from attune.attendance.models import AttendanceImport, ImportKind, MarkChange, SessionMark
from attune.auditlog.actions import Action
from attune.auditlog.record import PupilChanges, record_per_pupil_across
from attune.bulk import (
    analyse_if_mostly_new,
    copy_lines,
    copy_text,
    delete_ids,
    insert_rows,
    update_rows,
)
from attune.people.domain.pupil_csv import RowError
from attune.people.imports import ImportRejected, SchoolImport
from attune.people.models import Pupil, School
from attune.read_ahead import Later, read_ahead
from attune.tenancy import scopes_disabled

# (date, session, code, original code, minutes late): one mark, as plain values.
Mark = tuple[date, str, str, str, int | None]
MARK_COLUMNS = ("school_id", "pupil_id", "date", "session", "code", "original_code", "minutes_late")
CHANGE_COLUMNS = (
    "school_id",
    "pupil_id",
    "date",
    "session",
    "old_code",
    "old_original_code",
    "old_minutes_late",
    "new_code",
    "new_original_code",
    "new_minutes_late",
    "changed_at",
    "source_id",
)
PUPIL_LOOKUP_BATCH = 5_000  # UPNs a query (SQLite allows 32,766 parameters)
CSV_BATCH = 100_000  # rows checked and written at a time, while the next are read
FIRST_CSV_BATCH = 12_500  # the first batch, so the database starts early (``_batches``)
# Children whose warnings an import works out again itself; a bigger file leaves its schools'
# lists to the background (``MarksWriter._keep_attention_up_to_date``). A 2,000-pupil school's
# daily register is worked in within its import, in about 6 s.
KEEP_IN_IMPORT_UP_TO = 3_000


class AttendanceImportRejected(ImportRejected):
    rejected_code = "attendance_import.rejected"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class MarksImport:
    """What an import did to one school's marks (and, for a CTF, its pupils)."""

    school: School
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    pupils: SchoolImport | None = None
    # A CTF's years kept as history, never counted here (``ctf_import``): from other schools,
    # and (of all those kept) the ones with session totals but no marks.
    history_years: int = 0
    totals_only_years: int = 0
    upns_changed: int = 0  # children found by their former UPN
    notices: list[str] = field(default_factory=list)  # worth knowing; nothing was refused

    def summary(self) -> str:
        marks = _plural(self.added + self.replaced + self.unchanged, "mark")
        kept = " (the old marks are kept in the history)" if self.replaced else ""
        text = (
            f"Imported {marks} into {self.school.name}: {self.added} new, "
            f"{self.replaced} replaced{kept}, {self.unchanged} already up to date."
        )
        if self.pupils is not None:
            text = self.pupils.summary() + " " + text
        if self.upns_changed:
            one = self.upns_changed == 1
            text += (
                f" {self.upns_changed} {'child' if one else 'children'} found by a former UPN "
                f"now {'carries' if one else 'carry'} the new one."
            )
        if self.history_years:
            text += (
                f" {_plural(self.history_years, 'year')} of attendance at other schools kept "
                "as history on each child's attendance page, not counted in this school's "
                "figures."
            )
        if self.totals_only_years:
            text += (
                f" {_plural(self.totals_only_years, 'year')} had session totals but no marks: "
                "the totals are kept as history, not counted."
            )
        return text


# --- CSV -----------------------------------------------------------------------------------


def attendance_csv_import(
    *, stream: IO[bytes] | IO[str], file_name: str, today: date, actor: User | None = None
) -> list[MarksImport]:
    """Import a session-marks CSV, or raise ``AttendanceImportRejected`` having saved nothing.

    On PostgreSQL a file that can be read again has its pupils looked up inside each batch's
    comparison statement, by school and UPN (``COMPARE_SQL``'s ``resolved``), not in a round
    trip before it: a county's day spent 3.5 s of 18.5 s on those round trips with the
    database idle (``docs/county-scale.md``). At the first problem of any kind that attempt is
    rolled back and the file read again the checking way below, which names every bad row.
    """
    if connection.vendor == "postgresql" and stream.seekable():
        start = stream.tell()
        try:  # rolled back by the import's own transaction
            return _csv_import(stream, file_name, today, actor, pupils_in_sql=True)
        except _NotClean:
            stream.seek(start)
    return _csv_import(stream, file_name, today, actor, pupils_in_sql=False)


class _NotClean(Exception):
    """A file with a problem, met while its pupils were looked up in SQL: read it again."""


def _csv_import(
    stream: IO[bytes] | IO[str],
    file_name: str,
    today: date,
    actor: User | None,
    *,
    pupils_in_sql: bool,
) -> list[MarksImport]:
    """The import itself, checking each batch's pupils in Python unless ``pupils_in_sql``.

    The file is checked and written a batch at a time, in one transaction, while the next
    batch is read and grouped by school and pupil in the background (``read_ahead``): a
    county's day is half a million rows, and reading them first took a sixth of the import.
    Each batch's pupils are looked up, and its COPY text made, before the batch ahead of it
    is compared (``MarksWriter.write_soon``), so Python and PostgreSQL work at the same time
    on a machine's two cores. After the first problem nothing more is
    written, but the rest of the file is still checked so that every bad row is named; then
    the transaction is rolled back, taking the batches already written with it.
    """
    errors: list[RowError] = []
    schools: dict[str, School | None] = {}
    pupil_ids: dict[int, dict[str, Any]] = defaultdict(dict)  # found so far, by school and UPN
    # Pupils are looked up inside the transaction that writes their marks, so the ids written
    # are the ids that exist (SessionMark has no database foreign key; see models.py).
    with transaction.atomic():
        writer = MarksWriter(ImportKind.CSV, file_name, actor)
        # While the next batch is still being read, the database compares the last one.
        batches = _batches(iter_marks(stream, today=today), CSV_BATCH)
        for [batch] in read_ahead(batches, 1, meanwhile=writer.flush):
            errors += batch.errors
            by_school = batch.marks
            new_urns = [urn for urn in by_school if urn not in schools]
            if new_urns:
                found = School.objects.in_bulk(new_urns, field_name="urn")
                schools |= {urn: found.get(urn) for urn in new_urns}
            known = {urn: school for urn in by_school if (school := schools[urn]) is not None}
            if pupils_in_sql:
                if errors or len(known) < len(by_school):
                    raise _NotClean  # read again the checking way, to name every bad row
                to_write = {school.pk: by_school[urn] for urn, school in known.items()}
            else:
                # A pupil's marks often span batches (a school's year is six): look each up once.
                found_now = _pupil_ids_across(
                    {
                        school.pk: _not_in(by_school[urn], pupil_ids[school.pk])
                        for urn, school in known.items()
                    }
                )
                for school_id, by_upn in found_now.items():
                    pupil_ids[school_id] |= by_upn
                for urn, rows in batch.rows.items():
                    if urn not in known:
                        errors += _unknown_school_errors(urn, rows)
                    else:
                        errors += _unknown_pupil_errors(known[urn], rows, pupil_ids[known[urn].pk])
                if errors:
                    continue  # check the rest, write nothing more
                to_write = {
                    school.pk: _by_pupil_id(by_school[urn], pupil_ids[school.pk])
                    for urn, school in known.items()
                }
            # In the file's order, so the summaries read in the order the schools appear.
            writer.add_schools(known.values())
            # Written while the next batch is looked up (``write_soon``).
            writer.write_soon(to_write, by_upn=pupils_in_sql)
        if errors:
            raise AttendanceImportRejected(errors)
        return writer.finish()


def _not_in(upns: Iterable[str], known: dict[str, Any]) -> list[str]:
    return [upn for upn in upns if upn not in known]


def _by_pupil_id(by_upn: dict[str, list[Mark]], ids: dict[str, Any]) -> dict[Any, list[Mark]]:
    return {ids[upn]: marks for upn, marks in by_upn.items()}


@dataclass
class _Batch:
    """Some of a file's rows, grouped as the writer takes them: by school URN, then UPN."""

    errors: list[RowError] = field(default_factory=list)
    marks: dict[str, dict[str, list[Mark]]] = field(default_factory=dict)
    rows: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # each mark's row


def _batches(items: Iterable[MarkRow | RowError], size: int) -> Iterator[_Batch]:
    """``items`` a batch at a time, grouped (in ``read_ahead``'s thread, so that the grouping
    overlaps the database's work on the batch before).

    The first batches are small and each twice the one before, up to ``size``: the database
    has nothing to do until the first is read, and a county's first 100,000 rows took 3.5 s
    to read while it waited (``docs/county-scale.md``)."""
    rows = iter(items)
    take = min(FIRST_CSV_BATCH, size)
    while chunk := tuple(islice(rows, take)):
        take = min(take * 2, size)
        batch = _Batch()
        for item in chunk:
            if isinstance(item, RowError):
                batch.errors.append(item)
                continue
            row, urn, upn, day, session, code, original, minutes = item
            marks = batch.marks.get(urn)
            if marks is None:
                marks = batch.marks[urn] = {}
                batch.rows[urn] = {}
            by_upn = marks.get(upn)
            if by_upn is None:
                by_upn = marks[upn] = []
                batch.rows[urn][upn] = []
            by_upn.append((day, session, code, original, minutes))
            batch.rows[urn][upn].append(row)
        yield batch


def _pupil_ids_across(upns_by_school: dict[int, list[str]]) -> dict[int, dict[str, Any]]:
    """Each school's pupils by UPN, for many schools in a few queries (a county's daily file
    asked once per school: 600 queries). A UPN is matched only within its own school."""
    found: dict[int, dict[str, Any]] = {school_id: {} for school_id in upns_by_school}
    pairs = [(school_id, upn) for school_id, upns in upns_by_school.items() for upn in upns]
    if connection.vendor == "postgresql":
        # Two lists and one join on the (school, UPN) index: as 5,000-UPN ``IN`` lists, a
        # county's 250,000 pupils took 6 s, a third of it building the query text. Each list
        # goes as one comma-separated string that the server splits: as array parameters,
        # psycopg quoted every element in Python, 3.6 s of a county's day while the database
        # waited. A stored UPN is letters and digits, so one with a comma matches nobody.
        pairs = [(school_id, upn) for school_id, upn in pairs if "," not in upn]
        with connection.cursor() as cursor:
            cursor.execute(
                _PUPILS_BY_UPN_SQL,
                [
                    ",".join([str(school_id) for school_id, _ in pairs]),
                    ",".join([upn for _, upn in pairs]),
                ],
            )
            for school_id, upn, pupil_id in cursor:
                found[school_id][upn] = pupil_id
        return found
    with scopes_disabled():
        for start in range(0, len(pairs), PUPIL_LOOKUP_BATCH):
            batch = set(pairs[start : start + PUPIL_LOOKUP_BATCH])
            rows = Pupil.objects.filter(
                school_id__in={school_id for school_id, _ in batch},
                upn__in={upn for _, upn in batch},
            ).values_list("school_id", "upn", "id")
            for school_id, upn, pupil_id in rows:
                if (school_id, upn) in batch:
                    found[school_id][upn] = pupil_id
    return found


_PUPILS_BY_UPN_SQL = f"""
SELECT p.school_id, p.upn, p.id
FROM unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')) AS wanted (school_id, upn)
JOIN {Pupil._meta.db_table} p ON p.school_id = wanted.school_id AND p.upn = wanted.upn
"""  # noqa: S608 (the table name is our own)


def _unknown_school_errors(urn: str, by_upn: dict[str, list[int]]) -> list[RowError]:
    message = (
        f"We don't have a school with URN {urn}. Check the number, or add the school first "
        "with 'attune add_school'."
    )
    return [
        RowError(row, "school_urn", message, "urn.unknown")
        for rows in by_upn.values()
        for row in rows
    ]


def _unknown_pupil_errors(
    school: School, by_upn: dict[str, list[int]], known: dict[str, Any]
) -> list[RowError]:
    errors = []
    for upn, rows in by_upn.items():
        if upn in known:
            continue
        message = (
            f"{school.name} has no pupil with UPN {upn}. Import the pupil first "
            "('attune import_pupils'), or check the UPN."
        )
        errors += [RowError(row, "upn", message, "upn.unknown") for row in rows]
    return errors


# --- writing marks ---------------------------------------------------------------------------


class MarksWriter:
    """Adds, replaces (keeping the old mark) or skips a file's marks; audits per pupil.

    One writer serves a whole file, whatever schools it covers (a county's daily file covers
    hundreds), and every call to ``write`` takes marks by school, then by pupil id.

    On PostgreSQL the comparison happens in the database, for every school at once: each batch
    is copied into a temporary table that carries each mark's school and import, then one
    statement finds the marks that differ, updates them and writes their history, adds the
    new ones and adds the differences to the weekly and yearly counts (``COMPARE_SQL``).
    ``write_soon`` leaves the comparison of a batch until the next is ready to be copied, so
    that Python makes one batch's COPY text while PostgreSQL compares the one before.
    Elsewhere (SQLite, for development and tests) each school's stored marks are read into
    Python and compared there, and the touched weeks counted again; both give the same rows
    and counts (the import tests run on both).
    """

    def __init__(
        self, kind: str, file_name: str, actor: User | None, schools: Iterable[School] = ()
    ) -> None:
        self.kind, self.file_name, self.actor = kind, file_name[-255:], actor
        self.now: datetime = timezone.now()
        self.schools: dict[int, School] = {}
        self.sources: dict[int, AttendanceImport] = {}
        self.results: dict[int, MarksImport] = {}
        # Each child's marks added and replaced, audited once when the file is done.
        self.changed: dict[int, dict[Any, list[int]]] = {}
        self.in_sql = connection.vendor == "postgresql"
        self._incoming_ready = False
        # Marks given to ``write_soon`` and not compared yet, with their COPY text to come.
        self._pending: tuple[dict[int, dict[Any, list[Mark]]], Later[str]] | None = None
        self.add_schools(schools)

    def add_schools(self, schools: Iterable[School]) -> None:
        """Start an import record for each school not seen yet, and queue behind any other
        import of its marks until this one commits (see ``week_counts.lock_schools``).

        A file's schools are locked as its batches reach them; two files naming the same
        schools in a different order at the same moment could each wait for the other, and
        PostgreSQL would stop one of them (nothing is saved; it can be imported again)."""
        new = [school for school in schools if school.pk not in self.schools]
        if not new:
            return
        week_counts.lock_schools(school.pk for school in new)
        with scopes_disabled():
            created = AttendanceImport.objects.bulk_create(
                AttendanceImport(
                    school=school,
                    kind=self.kind,
                    file_name=self.file_name,
                    imported_at=self.now,
                    actor=self.actor,
                )
                for school in new
            )
        for school, source in zip(new, created, strict=True):
            self.schools[school.pk] = school
            self.sources[school.pk] = source
            self.results[school.pk] = MarksImport(school)
            self.changed[school.pk] = {}

    def write(self, marks: dict[int, dict[Any, list[Mark]]]) -> None:
        """Write some pupils' marks (school id -> pupil id -> marks) for schools already
        added; call as often as needed, then ``finish``."""
        self.write_soon(marks)
        self.flush()

    def write_soon(self, marks: dict[int, dict[Any, list[Mark]]], *, by_upn: bool = False) -> None:
        """``write``, except that on PostgreSQL the marks are compared at the next call (or
        ``finish``), their COPY text made in a second thread meanwhile: while the database
        compares one batch, Python makes the next ready (waiting on the database releases the
        interpreter lock). A county's day spent half its time in Python and half in
        PostgreSQL, one after the other.

        Each school's last marked day (``LAST_DAYS_SQL``) is read before the batch ahead of
        these is compared, so a school that batch writes to may have marks after it: they are
        this file's own, and a file has one mark per pupil, date and session, so these marks
        are still new.

        ``by_upn`` (PostgreSQL only): the pupils are keyed by UPN, and the comparison looks
        them up in their school's roll; one it cannot find stops the import (``_NotClean``)."""
        marks = {school_id: by_pupil for school_id, by_pupil in marks.items() if by_pupil}
        if not any(m for by_pupil in marks.values() for m in by_pupil.values()):
            return
        if not self.in_sql:
            if by_upn:
                raise ValueError("pupils are looked up by UPN on PostgreSQL only")
            self._count(
                marks,
                [row for school_id in marks for row in self._compare_in_python(school_id, marks)],
            )
            return
        sources = {school_id: source.pk for school_id, source in self.sources.items()}
        with connection.cursor() as cursor:
            cursor.execute(LAST_DAYS_SQL, [list(marks)])
            last_days: dict[int, date | None] = dict(cursor.fetchall())
        text = Later(lambda: "".join(_incoming_lines(marks, sources, last_days, by_upn=by_upn)))
        self.flush()
        self._pending = (marks, text)

    def flush(self) -> None:
        """Compare the marks ``write_soon`` left waiting, if any."""
        if self._pending is None:
            return
        marks, text = self._pending
        self._pending = None
        self._count(marks, self._compare_in_sql(text.result()))

    def _count(self, marks: dict[int, dict[Any, list[Mark]]], counts: list[Counted]) -> None:
        """Add what a comparison did to each school's figures, and each child's to audit."""
        # Both ways keep the weekly and yearly counts of every week with a new or changed
        # mark, in this transaction.
        for school_id, pupil_id, new, changed in counts:
            if pupil_id is None:  # a UPN not on the school's roll (``by_upn``)
                raise _NotClean
            result = self.results[school_id]
            result.added += new
            result.replaced += changed
            result.unchanged -= new + changed
            if new or changed:
                seen = self.changed[school_id].setdefault(pupil_id, [0, 0])
                seen[0] += new
                seen[1] += changed
        for school_id, by_pupil in marks.items():
            self.results[school_id].unchanged += sum(len(rows) for rows in by_pupil.values())

    def _compare_in_sql(self, text: str) -> list[Counted]:
        """PostgreSQL: COPY the batch (its ``_incoming_lines``) into a temporary table and
        compare set against set."""
        with connection.cursor() as cursor:
            if not self._incoming_ready:
                cursor.execute(INCOMING_TABLE_SQL)
                # Room to hash a county's day of marks in memory rather than sort them on
                # disk; for this transaction only.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                self._incoming_ready = True
                # The statement finds each mark's pupil by (school, UPN). On a pupils table
                # never analysed (a new database's first school, its roll just loaded),
                # PostgreSQL went through the school index instead, reading the whole roll for
                # every mark: a school's first year took 36 s rather than 6 s.
                analyse_if_mostly_new(PUPILS, 0, text.count("\n"))
            cursor.execute(f"TRUNCATE {INCOMING}")
            copy_lines(INCOMING, INCOMING_COLUMNS, [text])
            cursor.execute(f"ANALYZE {INCOMING}")
            # Settings for this statement (``SET LOCAL``: a failure takes them with it).
            cursor.execute(PLAN_BY_INDEX_SQL)
            cursor.execute(COMPARE_SQL, {"now": self.now, **week_counts.COLUMN_CODES})
            counted: list[Counted] = cursor.fetchall()
            cursor.execute(PLAN_AS_USUAL_SQL)
            analyse_if_mostly_new(MARKS, sum(row[2] for row in counted), len(counted))
            return counted

    def _compare_in_python(
        self, school_id: int, marks: dict[int, dict[Any, list[Mark]]]
    ) -> list[Counted]:
        """Any database: read one school's stored marks for these pupils and dates, compare,
        write, and count the touched weeks again."""
        by_pupil = marks[school_id]
        existing = self._existing(school_id, by_pupil)
        source_id, now = self.sources[school_id].pk, self.now
        new_rows: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        stale: list[int] = []
        counts: dict[tuple[Any, date], list[int]] = defaultdict(lambda: [0, 0])
        for pupil_id, pupil_marks in by_pupil.items():
            for mark in pupil_marks:
                day, session, code, original, minutes = mark
                old = existing.get((pupil_id, day, session))
                if old is None:
                    counts[pupil_id, week_of(day)][0] += 1
                elif old[1:] == (code, original, minutes):
                    continue
                else:
                    counts[pupil_id, week_of(day)][1] += 1
                    stale.append(old[0])
                    changes.append(
                        (school_id, pupil_id, day, session, *old[1:], *mark[2:], now, source_id)
                    )
                new_rows.append((school_id, pupil_id, *mark))
        delete_ids(SessionMark, stale)
        insert_rows(SessionMark, MARK_COLUMNS, new_rows)
        insert_rows(MarkChange, CHANGE_COLUMNS, changes)
        week_counts.refresh(school_id, counts)
        by_pupil_counted: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
        for (pupil_id, _), (new, changed) in counts.items():
            by_pupil_counted[pupil_id][0] += new
            by_pupil_counted[pupil_id][1] += changed
        return [
            (school_id, pupil_id, new, changed)
            for pupil_id, (new, changed) in by_pupil_counted.items()
        ]

    def _existing(
        self, school_id: int, marks: dict[Any, list[Mark]]
    ) -> dict[tuple[Any, date, str], tuple[int, str, str, int | None]]:
        days = [mark[0] for pupil_marks in marks.values() for mark in pupil_marks]
        with scopes_disabled():
            rows = SessionMark.objects.filter(
                school_id=school_id, pupil_id__in=list(marks), date__range=(min(days), max(days))
            ).values_list(
                "pk", "pupil_id", "date", "session", "code", "original_code", "minutes_late"
            )
            return {(p, d, s): (pk, c, o, m) for pk, p, d, s, c, o, m in rows}

    def finish(self) -> list[MarksImport]:
        """Save each school's figures on its import and audit each child whose marks changed;
        returns what happened, school by school."""
        self.flush()
        shares = []
        for school_id, by_pupil in self.changed.items():
            source = self.sources[school_id]
            shares.append(PupilChanges(school_id, source, _Changes(by_pupil, source.pk)))
        record_per_pupil_across(Action.MARKS_IMPORTED, actor=self.actor, shares=shares)
        for school_id, source in self.sources.items():
            result = self.results[school_id]
            source.marks_added = result.added
            source.marks_replaced = result.replaced
            source.marks_unchanged = result.unchanged
        update_rows(
            AttendanceImport,
            "id",
            ["marks_added", "marks_replaced", "marks_unchanged"],
            [
                (s.pk, s.marks_added, s.marks_replaced, s.marks_unchanged)
                for s in self.sources.values()
            ],
            casts={"id": "BIGINT"},
        )
        self._keep_attention_up_to_date()
        return list(self.results.values())

    def _keep_attention_up_to_date(self) -> None:
        """Today's early warnings of the children whose marks changed, worked out again in
        this transaction, so "who needs attention" is right the moment the import commits.
        A school with none kept for today yet is worked out whole in the background.

        So is every school of a file that changed more than ``KEEP_IN_IMPORT_UP_TO`` children:
        a child takes a few milliseconds, and a county's day (250,000 children, 0.8 s a
        school of 400) would hold its import for minutes. Their lists say they are catching up
        until the background refresh has worked the marks in (``leave_to_background``)."""
        today = timezone.localdate()
        if sum(len(by_pupil) for by_pupil in self.changed.values()) > KEEP_IN_IMPORT_UP_TO:
            whole = list(self.changed)
            warnings.leave_to_background(whole, imported_at=self.now)
        else:
            whole = [
                school_id
                for school_id, by_pupil in self.changed.items()
                if not warnings.keep_up_to_date(
                    school_id, list(by_pupil), today=today, imported_at=self.now
                )
            ]
        if whole:
            transaction.on_commit(lambda: _enqueue_attention(whole))


class _Changes(Mapping[Any, dict[str, Any]]):
    """Each child's changes, as their audit event records them, made as the event is hashed:
    a county's 250,000, all made first, kept the database waiting."""

    def __init__(self, counts: dict[Any, list[int]], source_id: int) -> None:
        self.counts, self.source_id = counts, source_id

    def __getitem__(self, pupil_id: Any) -> dict[str, Any]:
        new, changed = self.counts[pupil_id]
        return {"added": new, "replaced": changed, "import": self.source_id}

    def __iter__(self) -> Iterator[Any]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)


# (school id, pupil id, marks added, marks replaced): what a comparison changed.
Counted = tuple[int, Any, int, int]


def _enqueue_attention(school_ids: list[int]) -> None:
    for school_id in school_ids:
        tasks.refresh_attention.enqueue(school_id)


def _incoming_lines(
    marks: dict[int, dict[Any, list[Mark]]],
    sources: dict[int, int],
    last_days: dict[int, date | None],
    *,
    by_upn: bool = False,
) -> Iterator[str]:
    """The marks as COPY text lines, converting each distinct date, code and pupil once; each
    pupil as their id, or ``by_upn`` as their UPN for the comparison to look up.

    Half a million marks repeat 1,500 pupils, 380 sessions and a dozen codes; formatting each
    value every time was a third of a year's import.
    """
    text: dict[Any, str] = {}
    for school_id, by_pupil in marks.items():
        school = f"{school_id}\t{sources[school_id]}\t{copy_text(last_days.get(school_id))}\t"
        for pupil_id, rows in by_pupil.items():
            prefix = f"{school}\\N\t{pupil_id}\t" if by_upn else f"{school}{pupil_id}\t\\N\t"
            for day, session, code, original, minutes in rows:
                try:
                    line = f"{prefix}{text[day]}\t{session}\t{text[code]}\t{text[original]}\t"
                except KeyError:
                    for value in (day, code, original):
                        text.setdefault(value, copy_text(value))
                    line = f"{prefix}{text[day]}\t{session}\t{text[code]}\t{text[original]}\t"
                yield line + ("\\N\n" if minutes is None else f"{minutes}\n")


# The set-based comparison on PostgreSQL. The temporary table lives until the transaction
# ends; every batch truncates and refills it. Each incoming mark carries its school (its pupil
# was looked up in that school's roll) and that school's import. The join is on the unique
# (pupil, date, session) index alone: with the school in the join condition too, PostgreSQL
# sometimes chose the (school, date) index instead and read a whole school's day for each
# mark (a year's import in batches took a minute, not seconds). The school is checked after
# the join: a stored mark of another school is never updated, and inserting over it would
# break the unique index, so a pupil id from anywhere else could never touch its marks.
INCOMING = "attune_incoming_marks"
MARKS, CHANGES = SessionMark._meta.db_table, MarkChange._meta.db_table
PUPILS = Pupil._meta.db_table
INCOMING_COLUMNS = (
    "school_id",
    "source_id",
    "school_last",
    "pupil_id",
    "upn",
    "date",
    "session",
    "code",
    "original_code",
    "minutes_late",
)
INCOMING_TABLE_SQL = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} (
    school_id bigint NOT NULL, source_id bigint NOT NULL, school_last date,
    pupil_id uuid, upn varchar(13),
    date date NOT NULL, session varchar(2) NOT NULL,
    code varchar(2) NOT NULL, original_code varchar(3) NOT NULL, minutes_late smallint
) ON COMMIT DROP
"""
# Every join in the comparison finds its rows through a unique index: a batch is a small
# share of a county's marks, and hashing instead read all of them (95 million by July) and all
# the weekly counts. On 21 million marks, finding a day's stored marks took 14 s by hashing and
# 3 s through the index. Compiling the statement (JIT) cost more than it saved.
PLAN_BY_INDEX_SQL = (
    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL jit = off"
)
PLAN_AS_USUAL_SQL = "RESET enable_hashjoin; RESET enable_mergejoin; RESET jit"
# Each school's last marked day, by its (school, date) index: a mark after it is new without
# looking (a school's stored marks all lie on or before it, but for the same file's, which are
# of other pupils, dates or sessions: see ``write_soon``), so a day's register, which is all
# new marks, is written without 500,000 probes of the unique index (a fifth of a county's
# import). A pupil id with marks at another school would still break the unique index, as it
# does on SQLite; pupil ids come from the school's own roll, so an import cannot make one.
LAST_DAYS_SQL = f"""
SELECT s.id, (SELECT date FROM {MARKS} WHERE school_id = s.id ORDER BY date DESC LIMIT 1)
FROM unnest(%s::bigint[]) AS s (id)
"""  # noqa: S608 (the table name is our own)
# Marks keyed by UPN (``write_soon(by_upn=True)``) first find their pupil on their own school's
# roll, by its (school, UPN) index: a UPN on no roll comes back as a row with no pupil, and
# nothing of it is written. Then one join of the batch with the stored marks finds both the
# new marks (no stored row) and the ones that differ; the same statement adds the new, updates
# the changed in place, keeps their old values as history, adds the differences to the weekly
# and yearly counts (``week_counts.CHANGES_SQL``) and counts both per pupil. Data-modifying
# CTEs each run exactly once on the same snapshot, and touch different rows, so the order
# between them is immaterial.
COMPARE_SQL = f"""
WITH resolved AS MATERIALIZED (
    SELECT i.school_id, i.source_id, i.school_last, coalesce(i.pupil_id, p.id) AS pupil_id,
           i.date, i.session, i.code, i.original_code, i.minutes_late
    FROM {INCOMING} i
    LEFT JOIN {PUPILS} p ON i.pupil_id IS NULL AND p.school_id = i.school_id AND p.upn = i.upn
), differing AS MATERIALIZED (
    SELECT i.school_id, i.source_id, i.pupil_id, i.date, i.session, i.code, i.original_code,
           i.minutes_late,
           NULL::bigint AS mark_id, NULL::varchar AS old_code, NULL::varchar AS old_original,
           NULL::smallint AS old_late
    FROM resolved i
    WHERE i.pupil_id IS NOT NULL AND (i.school_last IS NULL OR i.date > i.school_last)
    UNION ALL
    SELECT i.school_id, i.source_id, i.pupil_id, i.date, i.session, i.code, i.original_code,
           i.minutes_late,
           m.id AS mark_id, m.code AS old_code, m.original_code AS old_original,
           m.minutes_late AS old_late
    FROM resolved i
    LEFT JOIN {MARKS} m
      ON m.pupil_id = i.pupil_id AND m.date = i.date AND m.session = i.session
    WHERE i.pupil_id IS NOT NULL AND i.date <= i.school_last
      AND (m.id IS NULL
       OR (m.school_id = i.school_id
           AND (m.code, m.original_code, m.minutes_late)
               IS DISTINCT FROM (i.code, i.original_code, i.minutes_late)))
), added AS (
    INSERT INTO {MARKS} (school_id, pupil_id, date, session, code, original_code, minutes_late)
    SELECT school_id, pupil_id, date, session, code, original_code, minutes_late
    FROM differing WHERE mark_id IS NULL
), updated AS (
    UPDATE {MARKS} m
    SET code = d.code, original_code = d.original_code, minutes_late = d.minutes_late
    FROM differing d WHERE d.mark_id IS NOT NULL AND m.id = d.mark_id
), history AS (
    INSERT INTO {CHANGES} (
        school_id, pupil_id, date, session, old_code, old_original_code, old_minutes_late,
        new_code, new_original_code, new_minutes_late, changed_at, source_id)
    SELECT school_id, pupil_id, date, session, old_code, old_original, old_late,
           code, original_code, minutes_late, %(now)s, source_id
    FROM differing WHERE mark_id IS NOT NULL
), {week_counts.CHANGES_SQL.strip()}
SELECT school_id, pupil_id, count(*) FILTER (WHERE mark_id IS NULL), count(mark_id)
FROM differing GROUP BY 1, 2
UNION ALL
SELECT school_id, NULL, count(*), 0 FROM resolved WHERE pupil_id IS NULL GROUP BY 1
"""  # noqa: S608 (the table names are our own)
