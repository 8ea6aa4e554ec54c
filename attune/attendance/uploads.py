"""Register files uploaded through the web page, handed to the same importers as the commands.

A page belongs to one school, so a file may only carry that school's marks: a CSV row for
another URN, or a CTF neither sent to the school nor by it, is a problem in the file like any
other (and, as ever, nothing is saved). A CTF is imported into the page's school
(``ctf_import``). The importers themselves are the commands', unchanged.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from attune.accounts.models import User
from attune.attendance.ctf_import import attendance_ctf_import
from attune.attendance.domain.ctf import CtfError, CtfHeader, CtfSchool, read_ctf_header
from attune.attendance.domain.marks_csv import iter_marks
from attune.attendance.imports import (
    AttendanceImportRejected,
    MarksImport,
    attendance_csv_import,
)
from attune.people.domain.pupil_csv import RowError
from attune.people.models import School


def _other_school(row: int, field: str, urn: str, school: School) -> RowError:
    return RowError(
        row,
        field,
        f"This is for the school with URN {urn}; here you can only import marks for "
        f"{school.name} (URN {school.urn}).",
        "urn.other_school",
    )


def _csv_precheck(upload: UploadedFile[bytes], school: School, today: date) -> list[RowError]:
    """Every row's problems, plus rows for other schools, before anything is written."""
    problems: list[RowError] = []
    other_school = False
    for item in iter_marks(upload.file, today=today):  # type: ignore[arg-type]
        if isinstance(item, RowError):
            problems.append(item)
        elif item[1] != school.urn:
            other_school = True
            problems.append(_other_school(item[0], "school_urn", item[1], school))
    # Without a row for another school, the importer repeats the checks and adds the
    # database's own (is each pupil on roll?), so only stop here when this pass must.
    return problems if other_school else []


def upload_marks_csv(
    *, school: School, upload: UploadedFile[bytes], actor: User, today: date
) -> MarksImport:
    """Import an uploaded session-marks CSV into ``school``, or raise having saved nothing."""
    if problems := _csv_precheck(upload, school, today):
        raise AttendanceImportRejected(problems)
    upload.seek(0)
    with transaction.atomic():
        results = attendance_csv_import(
            stream=upload.file,  # type: ignore[arg-type]
            file_name=upload.name or "upload.csv",
            today=today,
            actor=actor,
        )
        if any(result.school.pk != school.pk for result in results):  # pragma: no cover
            raise AttendanceImportRejected([_other_school(0, "school_urn", "?", school)])
    return results[0] if results else MarksImport(school)


def upload_ctf(
    *, school: School, upload: UploadedFile[bytes], actor: User, today: date
) -> MarksImport:
    """Import an uploaded CTF into ``school``, which the file must name as the school it was
    sent to (``DestSchool``) or the one that sent it (``SourceSchool``)."""
    name = get_valid_filename(os.path.basename(upload.name or "")) or "upload.xml"
    with tempfile.TemporaryDirectory(prefix="attune-ctf-") as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            header = read_ctf_header(path)
            if not any(_names(entry, school) for entry in (header.destination, header.source)):
                raise AttendanceImportRejected([_not_this_school(header, school)])
            with transaction.atomic():
                return attendance_ctf_import(path=path, today=today, actor=actor, school=school)
        except CtfError as error:
            raise AttendanceImportRejected([RowError(0, "file", str(error), error.code)]) from error


def _names(entry: CtfSchool, school: School) -> bool:
    """Does this header entry name ``school``, by URN or by LA and establishment number?"""
    if entry.known_urn:
        return entry.known_urn == school.urn
    authority = school.local_authority
    if entry.numbers is None or authority is None or not school.estab:
        return False
    lea, estab = entry.numbers
    return (int(lea), int(estab)) == (authority.code, int(school.estab))


def _not_this_school(header: CtfHeader, school: School) -> RowError:
    return RowError(
        0,
        "DestSchool",
        f"This CTF is neither sent to {school.name} (URN {school.urn}) nor sent by it, so it "
        "can't be imported here. Check you chose the right file.",
        "urn.other_school",
    )
