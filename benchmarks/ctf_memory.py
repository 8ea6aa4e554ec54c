"""Peak memory of ``attune import_ctf`` on a 100 MB Common Transfer File (aim: under 300 MB).

Run ``.venv/bin/python -m benchmarks.ctf_memory`` (SQLite in a throwaway folder) or with
``DATABASE_URL=postgres://...``. It writes a synthetic CTF of ``CTF_MB`` megabytes (default
100): each pupil has the details, addresses, contacts and assessment results a real CTF
carries, this school year's marks at the sending school (imported), and two earlier years at
other schools (read and checked, then left out, as the importer does). The import then runs in
a child process, and the child's peak resident memory is read with
``resource.getrusage(RUSAGE_CHILDREN)``; a second child that only starts Django and opens the
database gives the baseline. Figures go to stdout and
``benchmarks/results/ctf_memory-<database>.json``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import save_results

URN, LEA, ESTAB = "190777", "886", "2777"
TODAY = date(2026, 11, 23)
TARGET_MB = float(os.environ.get("CTF_MB", "100"))


def _marks(start: date, end: date, rng: random.Random) -> str:
    """Two characters a calendar day, ``#`` when the school is closed, as exporters write it."""
    out = []
    day = start
    while day <= end:
        if day.weekday() >= 5:
            out.append("##")
        else:
            am = rng.choice("//////////////IL")
            out.append(am + ("\\" if am == "/" else am))
        day += timedelta(days=1)
    return "".join(out)


def _year(year: int, lea: str, estab: str, start: date, end: date, rng: random.Random) -> str:
    return (
        f"<YearData><Year>{year}</Year><LEA>{lea}</LEA><Estab>{estab}</Estab>"
        f"<SchoolName>School {estab}</SchoolName><AttendSessions>"
        f"<AttendanceStartDate>{start.isoformat()}</AttendanceStartDate>"
        f"<AttendanceMarks>{_marks(start, end, rng)}</AttendanceMarks>"
        "</AttendSessions></YearData>"
    )


def _pupil(n: int, rng: random.Random) -> str:
    from attune.people.domain.upn import make_upn

    upn = make_upn(int(LEA), int(ESTAB), 10 + n // 1000, n % 1000)
    assessments = "".join(
        f"<KeyStage><Stage>KS{1 + k % 2}</Stage><Subject>{subject}</Subject>"
        f"<Method>TA</Method><Component>{subject} component {k}</Component>"
        f"<ResultStatus>R</ResultStatus><ResultQualifier>NV</ResultQualifier>"
        f"<Result>{rng.randint(80, 120)}</Result><ResultDate>2025-07-0{1 + k % 9}</ResultDate>"
        "</KeyStage>"
        for k, subject in enumerate(["ENG", "MAT", "SCI", "REA", "WRI", "GPS"] * 3)
    )
    contacts = "".join(
        f"<Contact><Order>{c}</Order><Title>Ms</Title><Forename>Carer{c}</Forename>"
        f"<Surname>Family{n}</Surname><Relationship>PAR</Relationship>"
        "<Responsibility>true</Responsibility><Phones><Phone><TelephoneType>H</TelephoneType>"
        f"<PhoneNo>01632 {n % 1000000:06d}</PhoneNo></Phone></Phones>"
        f"<Email>carer{c}.{n}@example.invalid</Email></Contact>"
        for c in (1, 2)
    )
    history = _year(2024, "886", "3001", date(2024, 9, 1), date(2025, 7, 22), rng) + _year(
        2025, "886", "3002", date(2025, 9, 1), date(2026, 7, 21), rng
    )
    here = _year(2026, LEA, ESTAB, date(2026, 9, 1), TODAY - timedelta(days=1), rng)
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>Family{n}</Surname><Forename>Child{n}</Forename>"
        f"<DOB>{date(2014, 9, 1) + timedelta(days=n % 365)}</DOB><Sex>{'FM'[n % 2]}</Sex>"
        "<BasicDetails><PreferredSurname>Family</PreferredSurname><NCyearActual>6"
        "</NCyearActual><EnrolStatus>C</EnrolStatus><Ethnicity>WBRI</Ethnicity>"
        "<FirstLanguage><Type>T</Type><Language>ENG</Language></FirstLanguage></BasicDetails>"
        "<LookedAfter><InCare>false</InCare></LookedAfter>"
        "<FSMhistory><FSMinstance><FSMstartDate>2025-09-01</FSMstartDate></FSMinstance>"
        "</FSMhistory><Address><BS7666Address><PAON>1</PAON><Street>Long Lane</Street>"
        "<Town>Somewhere</Town><County>Kent</County></BS7666Address>"
        "<Postcode>ZZ99 9ZZ</Postcode></Address>"
        f"<Contacts>{contacts}</Contacts><StageAssessments>{assessments}</StageAssessments>"
        f"<Attendance>{history}{here}</Attendance></Pupil>\n"
    )


def write_ctf(path: Path, target_mb: float) -> int:
    """A CTF of about ``target_mb`` megabytes; returns the number of pupils."""
    rng = random.Random(3)
    pupils = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile><Header><CTFversion>25.0'
            "</CTFversion><SourceSchool>"
            f"<LEA>{LEA}</LEA><Estab>{ESTAB}</Estab><URN>{URN}</URN>"
            "<SchoolName>Memory Primary</SchoolName></SourceSchool><DestSchool><LEA>886</LEA>"
            "<Estab>4001</Estab></DestSchool></Header><CTFpupilData>\n"
        )
        while out.tell() < target_mb * 1_000_000:
            out.write(_pupil(pupils, rng))
            pupils += 1
        out.write("</CTFpupilData></CTfile>\n")
    return pupils


def _child(path: str | None) -> None:
    """In the child: start Django, then (with a path) import the CTF; print what happened."""
    from benchmarks.common import setup_django

    setup_django()
    from attune.attendance.ctf_import import attendance_ctf_import
    from attune.people.services import school_add_or_update

    school_add_or_update(
        urn=URN, name="Memory Primary", phase="primary", la_code=int(LEA), estab=ESTAB
    )
    result = {}
    if path:
        started = time.perf_counter()
        done = attendance_ctf_import(path=path, today=TODAY)
        result = {
            "import_s": round(time.perf_counter() - started, 1),
            "summary": done.summary(),
        }
    print(json.dumps(result))


def _run_child(path: Path | None) -> tuple[dict[str, object], float]:
    """Run ``_child`` in a fresh process; return its output and its peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    args = [sys.executable, "-m", "benchmarks.ctf_memory", "--child"]
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [*args, str(path)] if path else args, capture_output=True, text=True, check=True
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far (kilobytes on Linux): run the small child first.
    return json.loads(done.stdout.strip().splitlines()[-1]), max(peak, before) / 1024


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2] if len(sys.argv) > 2 else None)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ["ATTUNE_DATA_DIR"] = tempfile.mkdtemp(prefix="attune-bench-ctf-")
    import django

    django.setup()
    folder = Path(tempfile.mkdtemp(prefix="attune-ctf-memory-"))
    path = folder / "county.xml"
    started = time.perf_counter()
    pupils = write_ctf(path, TARGET_MB)
    written_s = time.perf_counter() - started
    _, baseline_mb = _run_child(None)
    load_before = os.getloadavg()
    result, peak_mb = _run_child(path)
    vendor = django.conf.settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    figures = {
        "file_mb": round(path.stat().st_size / 1_000_000, 1),
        "pupils": pupils,
        "write_file_s": round(written_s, 1),
        "baseline_rss_mb": round(baseline_mb),
        "peak_rss_mb": round(peak_mb),
        **result,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    path.unlink()
    for name, value in figures.items():
        print(f"{name:<22}{value}")
    save_results(f"ctf_memory-{vendor}", {"database": vendor}, [figures])


if __name__ == "__main__":
    main()
