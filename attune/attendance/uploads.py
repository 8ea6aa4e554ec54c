"""Register files uploaded through the web page, handed to the same importers as the commands.

A page belongs to one school, so a file may only carry that school's marks: a CSV row for
another URN, or a CTF sent by another school, is a problem in the file like any other (and,
as ever, nothing is saved). The importers themselves are ``imports.py``'s, unchanged.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from attune.accounts.models import User
from attune.attendance.domain.ctf import CtfError, read_ctf_header
from attune.attendance.domain.marks_csv import iter_marks
from attune.attendance.imports import (
    AttendanceImportRejected,
    MarksImport,
    attendance_csv_import,
    attendance_ctf_import,
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
    """Import an uploaded CTF into ``school`` (it must be the school that sent it)."""
    name = get_valid_filename(os.path.basename(upload.name or "")) or "upload.xml"
    with tempfile.TemporaryDirectory(prefix="attune-ctf-") as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            header = read_ctf_header(path)
        except CtfError as error:
            raise AttendanceImportRejected([RowError(0, "file", str(error), error.code)]) from error
        if header.source.urn and header.source.urn != school.urn:
            raise AttendanceImportRejected(
                [_other_school(0, "SourceSchool/URN", header.source.urn, school)]
            )
        try:
            with transaction.atomic():
                result = attendance_ctf_import(path=path, today=today, actor=actor)
                # A header without a URN is matched by LA and establishment number instead.
                if result.school.pk != school.pk:
                    raise AttendanceImportRejected(
                        [_other_school(0, "SourceSchool", result.school.urn, school)]
                    )
        except CtfError as error:
            raise AttendanceImportRejected([RowError(0, "file", str(error), error.code)]) from error
        return result
