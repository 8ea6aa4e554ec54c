"""Importing a Common Transfer File into the school that imports it: all of it, or nothing.

The rules, each in ``docs/file-formats.md``:

- **Which school imports it**: the one named (``--school``, or the page it is uploaded on);
  otherwise the CTF's ``DestSchool`` if that school is in Attune (a CTF is mostly imported by
  the school it was sent to, about children joining it), else its ``SourceSchool`` (a school
  loading its own export). ``XXX``/``XXXX`` and ``MMM``/``MMMM`` name no school.
- **Pupils** go on the importing school's roll, added or updated by UPN as ``import_pupils``
  does. A child not found by UPN but found by the file's ``FormerUPN`` is the same child: their
  UPN is updated, everything they have is kept, and the change is in the audit record.
- **Marks** recorded at the importing school (``YearData`` with its LA and establishment
  numbers) are imported as its register. Every other ``YearData`` is history: kept as
  ``PriorAttendance``, shown on the child's attendance page, never in this school's figures.
  A ``YearData`` with session totals and no marks is kept the same way, and the summary says
  so.
- **Cohorts the file dates** (free school meals instances, SEN records) become memberships
  with the file's start and end dates, replacing what Attune held for that cohort; looked
  after (``InCare``) has no date in a CTF, so it starts on the day of the import, as in
  ``import_pupils``.

The file is read twice, streaming: once to check everything, once to write, so memory stays
flat however big it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.db import transaction

from attune.accounts.models import User
from attune.attendance.domain.ctf import (
    CtfAttendanceYear,
    CtfHeader,
    CtfProblem,
    CtfPupil,
    CtfSchool,
    iter_ctf,
    read_ctf_header,
)
from attune.attendance.imports import (
    AttendanceImportRejected,
    Mark,
    MarksImport,
    MarksWriter,
    _pupil_ids_across,
)
from attune.attendance.models import AttendanceImport, ImportKind, PriorAttendance
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record_many
from attune.people.domain.pupil_csv import TEXT_LIMITS, PupilRow, RowError
from attune.people.imports import (
    SchoolImport,
    SchoolImporter,
    Span,
    cohort_histories_apply,
    upns_from_former,
)
from attune.people.models import Cohort, Pupil, School
from attune.tenancy import school_scope

CTF_BATCH = 500  # pupils written at a time, so a county-size CTF never sits in memory
NAME_LIMIT = TEXT_LIMITS["legal_surname"]
# SEN provision -> the cohort it puts the child in (N: none).
SEN_COHORT = {"K": Cohort.SEN_SUPPORT, "E": Cohort.EHC_PLAN}
Numbers = tuple[str, str]  # LA number, establishment number


def attendance_ctf_import(
    *,
    path: str | os.PathLike[str],
    today: date,
    actor: User | None = None,
    school: School | None = None,
) -> MarksImport:
    """Import a CTF into ``school`` (or the school its header names), or raise having saved
    nothing (``AttendanceImportRejected``; ``CtfError`` for a file that is not a usable CTF)."""
    header = read_ctf_header(path)
    school, numbers = importing_school(header, school)
    errors = [_row_error(problem) for problem in _problems(path, today)]
    if errors:
        raise AttendanceImportRejected(errors)
    with transaction.atomic(), school_scope(school):
        writer = MarksWriter(ImportKind.CTF, os.fspath(path), actor, [school])
        result = writer.results[school.pk]
        pupils = SchoolImport(school)
        in_file = (item for item in iter_ctf(path, today=today) if isinstance(item, CtfPupil))
        while batch := list(islice(in_file, CTF_BATCH)):
            _write_batch(batch, school, numbers, today, actor, writer, result, pupils)
        writer.finish()
    result.pupils = pupils
    return result


def _write_batch(
    batch: list[CtfPupil],
    school: School,
    numbers: Numbers | None,
    today: date,
    actor: User | None,
    writer: MarksWriter,
    result: MarksImport,
    pupils: SchoolImport,
) -> None:
    result.notices += [notice for pupil in batch for notice in pupil.notices]
    # The former UPN first, so that the child is then found under the new one.
    for change in upns_from_former(
        school=school, actor=actor, pairs=[(p.upn, p.former_upn or "") for p in batch]
    ):
        result.upns_changed += change.renamed
        if change.notice:
            result.notices.append(change.notice)
    # A CTF has no registration group: keep the one the school already has.
    groups = dict(
        Pupil.objects.filter(upn__in=[p.upn for p in batch]).values_list(
            "upn", "registration_group"
        )
    )
    done = SchoolImporter(school, today, actor).run(
        [_pupil_row(p, school, groups.get(p.upn)) for p in batch]
    )
    _add_counts(pupils, done)
    ids = _pupil_ids_across({school.pk: [p.upn for p in batch]})[school.pk]
    started, ended = cohort_histories_apply(
        school=school,
        actor=actor,
        histories={ids[p.upn]: history for p in batch if (history := _cohort_history(p))},
    )
    pupils.cohorts_started += started
    pupils.cohorts_ended += ended
    marks: dict[Any, list[Mark]] = {}
    kept: list[tuple[Any, CtfAttendanceYear, bool]] = []
    for pupil in batch:
        marks[ids[pupil.upn]] = []
        for year in pupil.attendance:
            here = numbers is not None and _numbers(year.lea, year.estab) == numbers
            if here and year.marks:
                marks[ids[pupil.upn]] += [
                    (m.date, m.session, m.code, m.original_code, None) for m in year.marks
                ]
            elif year.marks or year.has_totals:
                kept.append((ids[pupil.upn], year, here))
                result.history_years += not here
                result.totals_only_years += not year.marks
    writer.write({school.pk: marks})
    _keep_history(school, writer.sources[school.pk], kept, actor)


# --- which school imports the file -----------------------------------------------------------


def importing_school(header: CtfHeader, chosen: School | None) -> tuple[School, Numbers | None]:
    """The school a CTF is imported into, and its LA and establishment numbers if known.

    ``chosen`` when given; else ``DestSchool`` when it is in Attune, else ``SourceSchool``.
    The numbers come from Attune (``add_school --la --estab``), or else from the header's
    entry for that school; they say which ``YearData`` were recorded at the school.
    """
    if chosen is None:
        chosen = _find(header.destination) or _find(header.source)
    if chosen is None:
        raise AttendanceImportRejected([_no_school(header)])
    return chosen, _numbers_of(chosen, header)


def _find(entry: CtfSchool) -> School | None:
    if entry.known_urn and (found := School.objects.filter(urn=entry.known_urn).first()):
        return found
    if entry.numbers is None:
        return None
    lea, estab = entry.numbers
    return School.objects.filter(local_authority__code=int(lea), estab=estab).first()


def _numbers(lea: str | None, estab: str | None) -> Numbers | None:
    if lea and estab and lea.isdigit() and estab.isdigit():
        return f"{int(lea):03d}", f"{int(estab):04d}"
    return None


def _numbers_of(school: School, header: CtfHeader) -> Numbers | None:
    authority = school.local_authority
    if authority is not None and school.estab:
        return _numbers(str(authority.code), school.estab)
    for entry in (header.destination, header.source):
        if entry.known_urn == school.urn and entry.numbers:
            return _numbers(*entry.numbers)
    return None


def _describe(entry: CtfSchool) -> str:
    name = f" ({entry.name})" if entry.name else ""
    if entry.known_urn:
        return f"URN {entry.known_urn}{name}"
    if entry.numbers:
        return "LA and establishment number {}/{}{}".format(*entry.numbers, name)
    if entry.lea or entry.estab:
        return f"no school ({entry.lea or ''}/{entry.estab or ''}){name}"
    return "no school"


def _no_school(header: CtfHeader) -> RowError:
    dest, source = header.destination, header.source
    how = ""
    for entry in (dest, source):
        if entry.numbers and not entry.known_urn:
            how = " (with --la {} --estab {})".format(*entry.numbers)
            break
    return RowError(
        0,
        "DestSchool",
        f"Neither school this CTF names is in Attune: it is addressed to {_describe(dest)} "
        f"and comes from {_describe(source)}. Add the school first with 'attune add_school'"
        f"{how}, or say which school is importing it with --school URN.",
        "ctf.no_school",
    )


# --- checking the whole file -----------------------------------------------------------------


def _problems(path: str | os.PathLike[str], today: date) -> Iterator[CtfProblem]:
    first_seen: dict[str, int] = {}
    for item in iter_ctf(path, today=today):
        first = first_seen.setdefault(item.upn, item.position) if item.upn else item.position
        if isinstance(item, CtfProblem):
            yield item
            continue
        if first != item.position:
            yield _problem(item, "UPN", f"the same UPN as pupil {first}.", "upn.duplicate")
        if item.year_group is None:
            yield _problem(
                item,
                "NCyearActual",
                "<NCyearActual> is missing; we need a year group (or X) to keep the pupil's "
                "record.",
                "year_group.missing",
            )
        yield from _too_long(item)


def _too_long(item: CtfPupil) -> Iterator[CtfProblem]:
    names: dict[str, str | None] = {
        "Forename": item.forename,
        "Surname": item.surname,
        "PreferredForename": item.preferred_forename,
    }
    for element, value in names.items():
        if value is not None and len(value) > NAME_LIMIT:
            yield _problem(
                item,
                element,
                f"<{element}> is {len(value):,} characters long; a name can be at most "
                f"{NAME_LIMIT}.",
                "value.too_long",
            )
    for year in item.attendance:
        for element, value, limit in (
            ("LEA", year.lea, 3),
            ("Estab", year.estab, 4),
            ("Year", year.year, 9),
            ("SchoolName", year.school_name, 160),
        ):
            if value is not None and len(value) > limit:
                yield _problem(
                    item,
                    element,
                    f"<{element}> in <YearData> is {len(value):,} characters long; it can be "
                    f"at most {limit}.",
                    "value.too_long",
                )


def _problem(item: CtfPupil, element: str, message: str, code: str) -> CtfProblem:
    who = f"Pupil {item.position} (UPN {item.upn})"
    return CtfProblem(item.position, item.upn, element, f"{who}: {message}", code)


def _row_error(problem: CtfProblem) -> RowError:
    # For a CTF the "row" is the pupil's position in the file.
    return RowError(problem.position, problem.element, problem.message, problem.code)


# --- writing ---------------------------------------------------------------------------------


def _pupil_row(pupil: CtfPupil, school: School, registration_group: str | None) -> PupilRow:
    """The pupil as ``import_pupils`` takes them. Free school meals and SEN are left out here:
    the file dates them, and ``_cohort_history`` keeps those dates."""
    preferred = pupil.preferred_forename
    return PupilRow(
        row=pupil.position,
        school_urn=school.urn,
        upn=pupil.upn,
        legal_forename=pupil.forename,
        legal_surname=pupil.surname,
        preferred_name=preferred if preferred and preferred != pupil.forename else None,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.sex,
        year_group=pupil.year_group or "",
        registration_group=registration_group or None,
        looked_after=pupil.looked_after,
    )


def _cohort_history(pupil: CtfPupil) -> dict[Cohort, list[Span]]:
    """The cohorts the file dates, with their spans (a cohort with none is emptied)."""
    history: dict[Cohort, list[Span]] = {}
    if pupil.fsm_history is not None:
        history[Cohort.FSM] = list(pupil.fsm_history)
    if pupil.sen_history is not None:
        history[Cohort.SEN_SUPPORT], history[Cohort.EHC_PLAN] = [], []
        for provision, span in pupil.sen_history:
            if provision in SEN_COHORT:
                history[SEN_COHORT[provision]].append(span)
    return history


_HISTORY_FIELDS = (
    "school_name",
    "start_date",
    "marks",
    "sessions_possible",
    "sessions_attended",
    "sessions_authorised",
    "sessions_unauthorised",
    "at_this_school",
)


def _keep_history(
    school: School,
    source: AttendanceImport,
    years: Iterable[tuple[Any, CtfAttendanceYear, bool]],
    actor: User | None,
) -> None:
    """Keep each year as ``PriorAttendance`` (one row per child, school and year), changing a
    row only when the file says something new, and record each one kept."""
    wanted: dict[tuple[Any, str, str, str], dict[str, Any]] = {}
    for pupil_id, year, here in years:
        key = (pupil_id, year.lea or "", year.estab or "", year.year or "")
        # Two YearData for one school and year (a split year): keep both, numbered.
        copy = 1
        while key in wanted:
            copy += 1
            key = (*key[:3], f"{(year.year or '')[:4]} ({copy})")
        wanted[key] = {
            "school_name": year.school_name or "",
            "start_date": year.start_date,
            "marks": year.marks_text,
            "sessions_possible": year.sessions_possible,
            "sessions_attended": year.sessions_attended,
            "sessions_authorised": year.sessions_authorised,
            "sessions_unauthorised": year.sessions_unauthorised,
            "at_this_school": here,
        }
    if not wanted:
        return
    held = {
        (row.pupil_id, row.lea, row.estab, row.year): row
        for row in PriorAttendance.objects.filter(pupil_id__in={key[0] for key in wanted})
    }
    new, changed = [], []
    for (pupil_id, lea, estab, year_text), values in wanted.items():
        row = held.get((pupil_id, lea, estab, year_text))
        if row is None:
            new.append(
                PriorAttendance(
                    school=school,
                    pupil_id=pupil_id,
                    lea=lea,
                    estab=estab,
                    year=year_text,
                    source=source,
                    **values,
                )
            )
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.source = source
            changed.append(row)
    PriorAttendance.objects.bulk_create(new)
    PriorAttendance.objects.bulk_update(changed, [*_HISTORY_FIELDS, "source"])
    record_many(
        actor=actor,
        school_id=school.pk,
        entries=[
            Entry(
                Action.PRIOR_ATTENDANCE_KEPT,
                row,
                row.pupil_id,
                {
                    "school": row.school_name or f"{row.lea}/{row.estab}",
                    "year": row.year,
                    "marks": bool(row.marks),
                    "totals": row.sessions_possible is not None,
                    "import": source.pk,
                },
            )
            for row in [*new, *changed]
        ],
    )


def _add_counts(total: SchoolImport, batch: SchoolImport) -> None:
    for name in ("created", "updated", "unchanged", "cohorts_started", "cohorts_ended"):
        setattr(total, name, getattr(total, name) + getattr(batch, name))
    total.notices += batch.notices
