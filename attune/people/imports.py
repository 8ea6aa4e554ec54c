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
from attune.people.models import Cohort, CohortMembership, Pupil, School
from attune.tenancy import school_scope

YEAR_GROUP_NUMBERS: dict[str, int] = {"N1": -2, "N2": -1, "R": 0} | {
    str(n): n for n in range(1, 15)
}
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
    with transaction.atomic():
        return [
            SchoolImporter(schools[urn], today, actor).run(rows)
            for urn, rows in rows_by_school.items()
        ]


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


# The attendance import still names the old spelling until its owner moves it to the public one.
_SchoolImporter = SchoolImporter
