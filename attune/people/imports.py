"""Importing the pupils CSV into the database: the whole file or nothing, every change audited.

``parse_pupils`` checks each row on its own; here we add what needs the database (does the
school exist?), then write every school's pupils and cohort memberships in one transaction.
Pupils are matched by UPN within their school, so importing the same file twice changes
nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from django.db import transaction
from django.db.models import Q

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record_many
from attune.errors import AttuneError
from attune.people.domain.pupil_csv import FLAG_COLUMNS, PupilRow, RowError, parse_pupils
from attune.people.models import YEAR_GROUP_X, Cohort, CohortMembership, Pupil, School
from attune.tenancy import school_scope

YEAR_GROUP_NUMBERS: dict[str, int] = (
    {"N1": -2, "N2": -1, "R": 0} | {str(n): n for n in range(1, 15)} | {"X": YEAR_GROUP_X}
)
# The file's flag columns are named after the cohorts they record.
FLAG_COHORTS: dict[str, Cohort] = {name: Cohort(name) for name in FLAG_COLUMNS}
# SEN status is one value in the census (N, K or E), so the two SEN cohorts exclude each other.
SEN_COHORTS: dict[str, dict[Cohort, bool]] = {
    "N": {Cohort.SEN_SUPPORT: False, Cohort.EHC_PLAN: False},
    "K": {Cohort.SEN_SUPPORT: True, Cohort.EHC_PLAN: False},
    "E": {Cohort.SEN_SUPPORT: False, Cohort.EHC_PLAN: True},
}
# Children the school is most likely to want a key adult for; a new pupil in one of these
# cohorts starts on that list. An existing pupil's place on it is the school's own choice.
KEY_ADULT_COHORTS = frozenset(
    {
        Cohort.LOOKED_AFTER,
        Cohort.PREVIOUSLY_LOOKED_AFTER,
        Cohort.CHILD_PROTECTION_PLAN,
        Cohort.CHILD_IN_NEED,
    }
)
PUPIL_FIELDS = (
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "date_of_birth",
    "sex",
    "year_group",
    "registration_group",
)


class ImportRejected(AttuneError):
    """The file had problems, so nothing was saved. ``errors`` lists every one of them."""

    rejected_code = "import.rejected"  # each kind of import names its own

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda error: error.row))
        super().__init__(
            f"Nothing was imported: the file has {_plural(len(self.errors), 'problem')}.",
            self.rejected_code,
        )


class PupilImportRejected(ImportRejected):
    rejected_code = "pupils_import.rejected"


@dataclass
class SchoolImport:
    """What an import did to one school."""

    school: School
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cohorts_started: int = 0
    cohorts_ended: int = 0
    # Worth knowing, nothing refused: a UPN whose LA number the DfE does not use, say.
    notices: list[str] = field(default_factory=list)

    @property
    def pupils(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        pupils = _plural(self.pupils, "pupil")
        counts = f"{self.created} new, {self.updated} updated"
        if self.unchanged:
            counts += f", {self.unchanged} already up to date"
        if self.cohorts_started or self.cohorts_ended:
            started = _plural(self.cohorts_started, "cohort membership")
            cohorts = f"{started} started, {self.cohorts_ended} ended"
        else:
            cohorts = "no cohort changes"
        return f"Imported {pupils} into {self.school.name}: {counts}; {cohorts}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def pupils_import(
    *, stream: IO[bytes] | IO[str], today: date, actor: User | None = None
) -> list[SchoolImport]:
    """Import a pupils CSV, or raise ``PupilImportRejected`` having saved nothing."""
    parsed = parse_pupils(stream, today=today)
    schools = School.objects.in_bulk({row.school_urn for row in parsed.rows}, field_name="urn")
    errors = [*parsed.errors, *_unknown_schools(parsed.rows, schools)]
    if errors:
        raise PupilImportRejected(errors)
    rows_by_school: dict[str, list[PupilRow]] = defaultdict(list)
    for row in parsed.rows:
        rows_by_school[row.school_urn].append(row)
    urn_of_row = {row.row: row.school_urn for row in parsed.rows}
    with transaction.atomic():
        results = {
            urn: SchoolImporter(schools[urn], today, actor).run(rows)
            for urn, rows in rows_by_school.items()
        }
    for notice in parsed.notices:
        results[urn_of_row[notice.row]].notices.append(f"Row {notice.row}, upn: {notice.message}")
    return list(results.values())


def _unknown_schools(rows: Iterable[PupilRow], schools: dict[str, School]) -> list[RowError]:
    return [
        RowError(
            row.row,
            "school_urn",
            f"We don't have a school with URN {row.school_urn}. Check the number, or add the "
            "school first with 'attune add_school'.",
            "urn.unknown",
        )
        for row in rows
        if row.school_urn not in schools
    ]


def _wanted_cohorts(row: PupilRow) -> dict[Cohort, bool]:
    """The cohorts this row says yes or no to; an empty cell says nothing, so is left out."""
    wanted = {
        cohort: flag
        for name, cohort in FLAG_COHORTS.items()
        if (flag := getattr(row, name)) is not None
    }
    return wanted | SEN_COHORTS.get(row.sen or "", {})


def _row_values(row: PupilRow) -> dict[str, Any]:
    return {
        "legal_forename": row.legal_forename,
        "legal_surname": row.legal_surname,
        "preferred_name": row.preferred_name or "",
        "date_of_birth": row.date_of_birth,
        "sex": row.sex,
        "year_group": YEAR_GROUP_NUMBERS[row.year_group],
        "registration_group": row.registration_group or "",
    }


def _plain(value: Any) -> Any:
    # The audit log stores JSON, which has no date type.
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class SchoolImporter:
    """Writes one school's rows: loads what exists in two queries, then creates in bulk."""

    school: School
    today: date
    actor: User | None
    result: SchoolImport = field(init=False)
    open_memberships: dict[tuple[Any, str], list[CohortMembership]] = field(init=False)
    new_memberships: list[CohortMembership] = field(default_factory=list)
    ended_memberships: list[CohortMembership] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.result = SchoolImport(self.school)

    def run(self, rows: list[PupilRow]) -> SchoolImport:
        with school_scope(self.school):
            pupils = Pupil.objects.only("id", "upn", *PUPIL_FIELDS)
            existing = {pupil.upn: pupil for pupil in pupils}
            self.open_memberships = self._load_open_memberships()
            new_pupils: list[tuple[Pupil, dict[str, Any]]] = []
            updates: list[tuple[Pupil, dict[str, Any]]] = []
            for row in rows:
                pupil = existing.get(row.upn)
                if pupil is None:
                    new_pupils.append(self._new_pupil(row))
                else:
                    updates.append((pupil, self._update_pupil(pupil, row)))
            Pupil.objects.bulk_create(pupil for pupil, _ in new_pupils)
            CohortMembership.objects.bulk_create(self.new_memberships)
            CohortMembership.objects.bulk_update(self.ended_memberships, ["end_date"])
            self._audit(new_pupils, updates)
        return self.result

    def _load_open_memberships(self) -> dict[tuple[Any, str], list[CohortMembership]]:
        still_open = Q(end_date__isnull=True) | Q(end_date__gte=self.today)
        memberships: dict[tuple[Any, str], list[CohortMembership]] = defaultdict(list)
        for membership in CohortMembership.objects.filter(still_open):
            memberships[membership.pupil_id, membership.cohort].append(membership)
        return memberships

    def _new_pupil(self, row: PupilRow) -> tuple[Pupil, dict[str, Any]]:
        wanted = _wanted_cohorts(row)
        pupil = Pupil(
            school=self.school,
            upn=row.upn,
            needs_key_adult=any(wanted.get(cohort) for cohort in KEY_ADULT_COHORTS),
            **_row_values(row),
        )
        changes = {name: [None, _plain(getattr(pupil, name))] for name in ("upn", *PUPIL_FIELDS)}
        changes["needs_key_adult"] = [None, pupil.needs_key_adult]
        self.result.created += 1
        return pupil, changes | self._apply_cohorts(pupil, wanted)

    def _update_pupil(self, pupil: Pupil, row: PupilRow) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, value in _row_values(row).items():
            if getattr(pupil, name) != value:
                changes[name] = [_plain(getattr(pupil, name)), _plain(value)]
                setattr(pupil, name, value)
        if changes:
            pupil.save(update_fields=[*changes, "updated_at"])
        changes |= self._apply_cohorts(pupil, _wanted_cohorts(row))
        if changes:
            self.result.updated += 1
        else:
            self.result.unchanged += 1
        return changes

    def _apply_cohorts(self, pupil: Pupil, wanted: dict[Cohort, bool]) -> dict[str, list[str]]:
        started: list[str] = []
        ended: list[str] = []
        for cohort, belongs in wanted.items():
            current = self.open_memberships.get((pupil.pk, cohort), [])
            if belongs and not current:
                self.new_memberships.append(
                    CohortMembership(
                        school=self.school, pupil=pupil, cohort=cohort, start_date=self.today
                    )
                )
                started.append(cohort)
            elif not belongs and self._end(current):
                ended.append(cohort)
        self.result.cohorts_started += len(started)
        self.result.cohorts_ended += len(ended)
        changes: dict[str, list[str]] = {}
        if started:
            changes["cohorts_started"] = started
        if ended:
            changes["cohorts_ended"] = ended
        return changes

    def _end(self, memberships: list[CohortMembership]) -> bool:
        """End the memberships the file says are over; ``False`` if all had already ended."""
        ending = False
        for membership in memberships:
            # The file says "not today", so the last day was yesterday (or the first day, if
            # the membership only began today: an end before the start would make no sense).
            last_day = max(self.today - timedelta(days=1), membership.start_date)
            if membership.end_date is None or membership.end_date > last_day:
                membership.end_date = last_day
                self.ended_memberships.append(membership)
                ending = True
        return ending

    def _audit(
        self,
        new_pupils: list[tuple[Pupil, dict[str, Any]]],
        updates: list[tuple[Pupil, dict[str, Any]]],
    ) -> None:
        entries = [
            Entry(Action.PUPIL_IMPORT_ADDED, pupil, pupil, changes) for pupil, changes in new_pupils
        ]
        entries += [
            Entry(Action.PUPIL_IMPORT_UPDATED, pupil, pupil, changes)
            for pupil, changes in updates
            if changes
        ]
        record_many(actor=self.actor, school_id=self.school.pk, entries=entries)


# --- from a Common Transfer File: former UPNs and dated cohort histories ----------------------

# A stretch of a cohort: first day, and last day or None while it lasts.
Span = tuple[date, date | None]


@dataclass(frozen=True, slots=True)
class UpnChange:
    """A file's child found by their former UPN: the row to rename, or why it could not be."""

    upn: str
    former_upn: str
    renamed: bool
    notice: str = ""


def upns_from_former(
    *, school: School, actor: User | None, pairs: Iterable[tuple[str, str]]
) -> list[UpnChange]:
    """Give the school's child known by a former UPN the new one, keeping everything else.

    ``pairs`` are (UPN, former UPN) from a file. A child whose UPN changed (a temporary UPN
    replaced by a permanent one, or a UPN corrected) keeps their record, marks, groups and
    history under the new UPN, and the change is in the audit record. When the school already
    has both UPNs as two children, nothing is merged: the notice says so, for a person to sort
    out.
    """
    wanted = [(upn, former) for upn, former in pairs if former and former != upn]
    if not wanted:
        return []
    with school_scope(school):
        upns = {u for pair in wanted for u in pair}
        on_roll = {p.upn: p for p in Pupil.objects.filter(upn__in=upns).only("id", "upn")}
        changes: list[UpnChange] = []
        entries: list[Entry] = []
        for upn, former in wanted:
            old = on_roll.get(former)
            if old is None:
                continue
            if upn in on_roll:
                notice = (
                    f"{school.name} has two children for one child: UPN {upn} and its former "
                    f"UPN {former}. Nothing was merged; check which record to keep."
                )
                changes.append(UpnChange(upn, former, False, notice))
                continue
            old.upn = upn
            old.save(update_fields=["upn", "updated_at"])
            on_roll[upn] = on_roll.pop(former)
            entries.append(
                Entry(
                    Action.PUPIL_UPN_CHANGED, old, old, {"upn": [former, upn], "why": "FormerUPN"}
                )
            )
            changes.append(UpnChange(upn, former, True))
        record_many(actor=actor, school_id=school.pk, entries=entries)
    return changes


def merged_spans(spans: Iterable[Span]) -> list[Span]:
    """Spans sorted and joined where they overlap or touch, so at most the last is open."""
    merged: list[list[date | None]] = []
    for start, end in sorted(spans, key=lambda span: span[0]):
        if merged:
            last_end = merged[-1][1]
            if last_end is None or last_end >= start - timedelta(days=1):
                if last_end is not None and (end is None or end > last_end):
                    merged[-1][1] = end
                continue
        merged.append([start, end])
    return [(start, end) for start, end in merged if start is not None]


def cohort_histories_apply(
    *,
    school: School,
    actor: User | None,
    histories: dict[Any, dict[Cohort, list[Span]]],
) -> tuple[int, int]:
    """Make each child's memberships of each cohort named equal the dated history given.

    ``histories`` is pupil id -> cohort -> spans (from a file that dates them, such as a CTF's
    free school meals instances and SEN records). The file's history replaces what Attune held
    for that cohort; a cohort not named is left alone. What was there before is kept in the
    audit record. Returns (memberships added, memberships removed).
    """
    wanted = {
        (pupil_id, cohort): merged_spans(spans)
        for pupil_id, by_cohort in histories.items()
        for cohort, spans in by_cohort.items()
    }
    if not wanted:
        return 0, 0
    with school_scope(school):
        held: dict[tuple[Any, str], list[CohortMembership]] = defaultdict(list)
        cohorts = {cohort for _, cohort in wanted}
        for membership in CohortMembership.objects.filter(
            pupil_id__in={pupil_id for pupil_id, _ in wanted}, cohort__in=cohorts
        ):
            held[membership.pupil_id, membership.cohort].append(membership)
        stale: list[int] = []
        new: list[CohortMembership] = []
        changes: dict[Any, dict[str, Any]] = defaultdict(dict)
        for (pupil_id, cohort), spans in wanted.items():
            existing = {(m.start_date, m.end_date): m for m in held[pupil_id, cohort]}
            if set(existing) == set(spans):
                continue
            stale += [m.pk for span, m in existing.items() if span not in spans]
            new += [
                CohortMembership(
                    school=school, pupil_id=pupil_id, cohort=cohort, start_date=s, end_date=e
                )
                for s, e in spans
                if (s, e) not in existing
            ]
            changes[pupil_id][str(cohort)] = {
                "before": [_span_text(span) for span in sorted(existing, key=_span_key)],
                "after": [_span_text(span) for span in spans],
            }
        # Removed first: the file's open span may take the place of an open one held now.
        CohortMembership.objects.filter(pk__in=stale).delete()
        CohortMembership.objects.bulk_create(new)
        pupils = Pupil.objects.in_bulk(list(changes))
        record_many(
            actor=actor,
            school_id=school.pk,
            entries=[
                Entry(Action.PUPIL_COHORTS_DATED, pupils[pupil_id], pupils[pupil_id], change)
                for pupil_id, change in changes.items()
            ],
        )
    return len(new), len(stale)


def _span_key(span: tuple[date, date | None]) -> date:
    return span[0]


def _span_text(span: tuple[date, date | None]) -> str:
    start, end = span
    return f"{start.isoformat()} to {end.isoformat() if end else 'now'}"
