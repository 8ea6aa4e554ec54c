"""Attendance from schools not on Attune: each school's expiring link, and the marks entered
through it or uploaded by the Virtual School.

The marks are the same register codes, read by the same reader as a school's own import
(``attune.attendance.domain.marks_csv`` for a file, ``codes.read_code`` for a mark typed in),
and counted by the same rules (``attune.attendance.domain.calculations``), so a child's figures
mean the same wherever they learn. As with a school's register, an entry replaces a mark only
when it differs, and the old mark is kept (``OutsideMarkChange``). Every entry is one event per
child in the audit record; every use of a link is an event too.

A link is a long random secret (only its hash is kept), shown once to the officer who makes it;
it expires after ``ATTUNE_REGISTER_LINK_DAYS`` (35 by default, about half a term), can be
revoked at once, and reaches only that school's children on the authority's list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from attune.accounts.models import User
from attune.attendance.domain.calculations import (
    summarise_counts,
    week_of,
    weeks_of_year,
    year_of_week,
)
from attune.attendance.domain.codes import UnknownCodeError, read_code
from attune.attendance.domain.marks_csv import iter_marks
from attune.attendance.week_counts import FIELDS as COUNT_FIELDS
from attune.auditlog.actions import Action
from attune.auditlog.record import Entry, record, record_many
from attune.errors import AttuneError
from attune.people.domain.pupil_csv import RowError
from attune.people.models import LocalAuthority, School
from attune.tenancy import authority_scope, scopes_disabled

from .models import (
    AttendanceLink,
    LookedAfterChild,
    OutsideMark,
    OutsideMarkChange,
    OutsideYearCounts,
    Placement,
    RegisterSource,
    SourceKind,
)
from .selectors import SUSPENSION_CODE

LINK_PREFIX = "reg_"
SESSIONS = ("AM", "PM")
# (date, session, code, original code, minutes late): one mark, as plain values.
Mark = tuple[date, str, str, str, int | None]


class RegisterError(AttuneError):
    pass


class RegisterRejected(AttuneError):
    """The marks had problems, so nothing was saved. ``errors`` lists every one."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda error: error.row))
        count = len(self.errors)
        super().__init__(
            f"Nothing was saved: there {'is' if count == 1 else 'are'} {count} "
            f"problem{'s' if count != 1 else ''} to fix first.",
            "register.rejected",
        )


def link_days() -> int:
    return int(getattr(settings, "ATTUNE_REGISTER_LINK_DAYS", 35))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def on_attune(urn: str) -> bool:
    return School.objects.filter(urn=urn).exists()


# --- links ----------------------------------------------------------------------------------


def register_link_create(
    *, actor: User, authority: LocalAuthority, school_urn: str, now: datetime
) -> tuple[AttendanceLink, str]:
    """A new link for a school not on Attune where the authority's children learn; the secret
    is returned once and not kept."""
    if on_attune(school_urn):
        raise RegisterError(
            "That school is on Attune: its own register feeds its children's figures.",
            "register.school_on_attune",
        )
    placement = (
        Placement.objects.filter(school_urn=school_urn, ended_on__isnull=True)
        .order_by("-started_on")
        .first()
    )
    if placement is None:
        raise RegisterError(
            "None of your children learns at that school now.", "register.no_children"
        )
    secret = LINK_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        link = AttendanceLink.objects.create(
            local_authority=authority,
            school_urn=school_urn,
            school_name=placement.school_name,
            token_hash=_hash(secret),
            prefix=secret[: len(LINK_PREFIX) + 4],
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=link_days()),
        )
        record(
            Action.VS_LINK_CREATED,
            link,
            actor=actor,
            school=None,
            changes={"school_urn": school_urn, "expires_at": link.expires_at.isoformat()},
        )
    return link, secret


def register_link_revoke(*, actor: User, link: AttendanceLink) -> None:
    if link.revoked_at is not None:
        return
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(Action.VS_LINK_REVOKED, link, actor=actor, school=None)


def register_link_open(secret: str, now: datetime, what: str) -> AttendanceLink | None:
    """The live link with this secret, its use counted and audited (``what`` was done with it);
    None for an unknown, expired or revoked one (the last two audited as refused)."""
    with scopes_disabled():
        link = (
            AttendanceLink.objects.select_related("local_authority")
            .filter(token_hash=_hash(secret))
            .first()
        )
    if link is None:
        return None
    if not link.is_live(now):
        why = "revoked" if link.revoked_at is not None else "expired"
        record(Action.VS_LINK_REFUSED, link, actor=None, school=None, changes={"why": why})
        return None
    with transaction.atomic(), scopes_disabled():
        AttendanceLink.objects.filter(pk=link.pk).update(last_used_at=now, uses=link.uses + 1)
        record(Action.VS_LINK_USED, link, actor=None, school=None, changes={"what": what})
    return link


def children_at(school_urn: str, today: date) -> list[LookedAfterChild]:
    """The open authority's children who learn at this school now, by surname."""
    return list(
        LookedAfterChild.objects.filter(
            Q(looked_after_to__isnull=True) | Q(looked_after_to__gte=today),
            placements__school_urn=school_urn,
            placements__ended_on__isnull=True,
        )
        .distinct()
        .order_by("legal_surname", "legal_forename", "pk")
    )


# --- marks typed into the week's grid ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One box of the grid: a child, a day, a session."""

    child: LookedAfterChild
    day: date
    session: str

    @property
    def name(self) -> str:
        return f"m-{self.child.pk}-{self.day.isoformat()}-{self.session}"


def week_days(week: date) -> list[date]:
    monday = week - timedelta(days=week.weekday())
    return [monday + timedelta(days=n) for n in range(5)]


def grid(children: list[LookedAfterChild], week: date) -> list[Cell]:
    return [Cell(c, d, s) for c in children for d in week_days(week) for s in SESSIONS]


def marks_from_grid(
    cells: list[Cell], posted: Any, today: date
) -> tuple[dict[Any, list[Mark]], dict[str, str]]:
    """The marks typed into the grid, by child, and a message for each box that is wrong
    (an unknown code, or a day still to come). Empty boxes are left as they are."""
    marks: dict[Any, list[Mark]] = defaultdict(list)
    problems: dict[str, str] = {}
    for cell in cells:
        raw = str(posted.get(cell.name, "")).strip()
        if not raw:
            continue
        if cell.day > today:
            problems[cell.name] = f"{cell.day:%A} is still to come."
            continue
        try:
            mark = read_code(raw, cell.day)
        except UnknownCodeError as error:
            problems[cell.name] = str(error)
            continue
        marks[cell.child.pk].append((cell.day, cell.session, mark.code, mark.original, None))
    return marks, problems


# --- a register file ---------------------------------------------------------------------------


def marks_from_csv(
    stream: IO[bytes] | IO[str], *, today: date, school_urn: str | None = None
) -> dict[str, dict[Any, list[Mark]]]:
    """The marks of a register CSV (the format of ``attune import_attendance``) for the open
    authority's children at schools not on Attune, by school and child, or ``RegisterRejected``
    naming every bad row. With ``school_urn`` (a school's own link) every row must be that
    school's."""
    errors: list[RowError] = []
    rows = []
    for item in iter_marks(stream, today=today):
        if isinstance(item, RowError):
            errors.append(item)
        elif school_urn is not None and item.school_urn != school_urn:
            errors.append(
                RowError(
                    item.row,
                    "school_urn",
                    f"This link is for school {school_urn}; this row is for {item.school_urn}.",
                    "urn.other_school",
                )
            )
        else:
            rows.append(item)
    found = _children_by_upn({(r.school_urn, r.upn) for r in rows}, today)
    with scopes_disabled():
        hosted = set(
            School.objects.filter(urn__in={r.school_urn for r in rows}).values_list(
                "urn", flat=True
            )
        )
    marks: dict[str, dict[Any, list[Mark]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        child = found.get((r.school_urn, r.upn))
        if r.school_urn in hosted:
            errors.append(
                RowError(
                    r.row,
                    "school_urn",
                    f"School {r.school_urn} is on Attune: its own register feeds its children's "
                    "figures, so its marks are not entered here.",
                    "urn.on_attune",
                )
            )
        elif child is None:
            errors.append(
                RowError(
                    r.row,
                    "upn",
                    f"None of the children on your list with UPN {r.upn} learns at school "
                    f"{r.school_urn} this year.",
                    "upn.unknown",
                )
            )
        else:
            marks[r.school_urn][child].append(
                (r.date, r.session, r.code, r.original_code, r.minutes_late)
            )
    if errors:
        raise RegisterRejected(errors)
    return marks


def _children_by_upn(pairs: set[tuple[str, str]], today: date) -> dict[tuple[str, str], Any]:
    """Each (school URN, UPN) to the child on the list who learnt there this school year."""
    if not pairs:
        return {}
    since = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    found = Placement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since),
        school_urn__in={urn for urn, _ in pairs},
        child__upn__in={upn for _, upn in pairs},
    ).values_list("school_urn", "child__upn", "child_id")
    return {(urn, upn): child_id for urn, upn, child_id in found if (urn, upn) in pairs}


# --- writing marks -------------------------------------------------------------------------------


def marks_save(
    *,
    authority: LocalAuthority,
    school_urn: str,
    marks: dict[Any, list[Mark]],
    kind: SourceKind,
    actor: User | None = None,
    link: AttendanceLink | None = None,
    file_name: str = "",
) -> RegisterSource:
    """Add the marks, replace those that differ (keeping the old one), leave the rest; one
    audit event per child whose marks changed."""
    now = timezone.now()
    with transaction.atomic(), authority_scope(authority):
        source = RegisterSource.objects.create(
            local_authority=authority,
            kind=kind,
            school_urn=school_urn,
            link=link,
            actor=actor,
            file_name=file_name[-255:],
            at=now,
        )
        existing = {
            (m.child_id, m.date, m.session): m
            for m in OutsideMark.objects.filter(
                child_id__in=list(marks),
                date__in={mark[0] for rows in marks.values() for mark in rows},
            )
        }
        new, changed, history = [], [], []
        per_child: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
        for child_id, rows in marks.items():
            for day, session, code, original, minutes in rows:
                old = existing.get((child_id, day, session))
                if old is None:
                    new.append(
                        OutsideMark(
                            local_authority=authority,
                            child_id=child_id,
                            school_urn=school_urn,
                            date=day,
                            session=session,
                            code=code,
                            original_code=original,
                            minutes_late=minutes,
                            source=source,
                        )
                    )
                    per_child[child_id][0] += 1
                elif (old.code, old.original_code, old.minutes_late) != (code, original, minutes):
                    history.append(_change(authority, old, code, original, minutes, now, source))
                    old.code, old.original_code, old.minutes_late = code, original, minutes
                    old.school_urn, old.source = school_urn, source
                    changed.append(old)
                    per_child[child_id][1] += 1
                else:
                    source.unchanged += 1
        OutsideMark.objects.bulk_create(new, batch_size=1000)
        OutsideMark.objects.bulk_update(
            changed, ["code", "original_code", "minutes_late", "school_urn", "source"]
        )
        OutsideMarkChange.objects.bulk_create(history, batch_size=1000)
        source.added, source.replaced = len(new), len(changed)
        source.save(update_fields=["added", "replaced", "unchanged"])
        touched = {
            (child_id, year_of_week(week_of(mark[0])))
            for child_id, rows in marks.items()
            for mark in rows
        }
        counts_refresh(authority, touched)
        record_many(
            actor=actor,
            school_id=None,
            entries=[
                Entry(
                    Action.VS_MARKS_ENTERED,
                    source,
                    child_id,
                    {"added": added, "replaced": replaced, "school_urn": school_urn},
                )
                for child_id, (added, replaced) in per_child.items()
            ],
        )
    return source


def counts_refresh(authority: LocalAuthority, touched: set[tuple[Any, int]]) -> None:
    """Count again, from the marks, each (child, school year) whose marks may have changed."""
    if not touched:
        return
    by_year: dict[int, set[Any]] = defaultdict(set)
    for child_id, year in touched:
        by_year[year].add(child_id)
    rows = []
    for year, children in by_year.items():
        first, last = weeks_of_year(year)
        codes: dict[Any, dict[str, int]] = defaultdict(dict)
        for child_id, code, n in (
            OutsideMark.objects.filter(
                child_id__in=list(children), date__range=(first, last + timedelta(days=6))
            )
            .values("child_id", "code")
            .annotate(n=Count("pk"))
            .values_list("child_id", "code", "n")
        ):
            codes[child_id][code] = n
        for child_id in children:
            summary = summarise_counts(codes[child_id])
            rows.append(
                OutsideYearCounts(
                    local_authority=authority,
                    child_id=child_id,
                    year=year,
                    suspended=codes[child_id].get(SUSPENSION_CODE, 0),
                    **{name: getattr(summary, name) for name in COUNT_FIELDS},
                )
            )
        OutsideYearCounts.objects.filter(child_id__in=list(children), year=year).delete()
    OutsideYearCounts.objects.bulk_create(rows, batch_size=1000)


def _change(
    authority: LocalAuthority,
    old: OutsideMark,
    code: str,
    original: str,
    minutes: int | None,
    now: datetime,
    source: RegisterSource,
) -> OutsideMarkChange:
    return OutsideMarkChange(
        local_authority=authority,
        child_id=old.child_id,
        date=old.date,
        session=old.session,
        old_code=old.code,
        old_original_code=old.original_code,
        old_minutes_late=old.minutes_late,
        new_code=code,
        new_original_code=original,
        new_minutes_late=minutes,
        changed_at=now,
        source=source,
    )


def marks_for_week(children: list[LookedAfterChild], week: date) -> dict[str, str]:
    """The marks already held for the grid's boxes (the code as written), by box name."""
    days = week_days(week)
    found = OutsideMark.objects.filter(
        child__in=children, date__range=(days[0], days[-1])
    ).values_list("child_id", "date", "session", "original_code")
    return {
        f"m-{child_id}-{day.isoformat()}-{session}": code for child_id, day, session, code in found
    }
