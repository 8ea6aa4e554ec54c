"""The demo's Virtual School: a head of the Virtual School, each school's sharing choice, and
the authority's own list of the children it looks after, wherever they learn.

Called by the demo (``attune/demo/generator.py``) once its schools exist, with the demo's shared
password: a feature app never imports the demo itself. Synthetic, like everything in the demo;
idempotent.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from attune import csv_files
from attune.access.rules import Partner, PepSection
from attune.accounts import links
from attune.accounts.models import User
from attune.attendance.demo import build_register
from attune.people.domain.upn import make_upn
from attune.people.models import (
    Cohort,
    CohortMembership,
    LocalAuthority,
    Phase,
    Pupil,
    School,
    Staff,
)
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import authority_scope, school_scope

from . import partners, peps, registers
from .domain.roster_csv import COLUMNS
from .models import (
    AuthorityMembership,
    AuthorityRole,
    LookedAfterChild,
    PepPartner,
    SharingAgreement,
    SourceKind,
)
from .registers import Mark
from .roster import roster_import
from .sharing import VIRTUAL_SCHOOL_COHORT_VALUES

HEAD_EMAIL = "virtualschool-la@demo.attune.test"


def build_virtual_school(authority: LocalAuthority, rng: random.Random, *, password: str) -> User:
    """The head of the Virtual School for ``authority``, signing in with ``password``; every
    school of it shares something."""
    user = User.objects.filter(email=HEAD_EMAIL).first() or User.objects.create_user(
        HEAD_EMAIL, password, full_name="Demo Head of the Virtual School"
    )
    AuthorityMembership.objects.get_or_create(
        user=user, local_authority=authority, defaults={"role": AuthorityRole.HEAD}
    )
    for index, school in enumerate(School.objects.filter(local_authority=authority)):
        # The first school shares every cohort; the others the looked-after cohorts and a
        # random few more, so the demo shows both a full and a partial agreement.
        extra = rng.sample(VIRTUAL_SCHOOL_COHORT_VALUES[2:], k=rng.randint(0, 2))
        chosen = (
            VIRTUAL_SCHOOL_COHORT_VALUES
            if index == 0
            else (*VIRTUAL_SCHOOL_COHORT_VALUES[:2], *extra)
        )
        with school_scope(school):
            SharingAgreement.objects.get_or_create(
                school=school,
                defaults={
                    "cohorts": [c for c in VIRTUAL_SCHOOL_COHORT_VALUES if c in chosen],
                    "agreed_at": timezone.now(),
                },
            )
    return user


# --- the authority's own children, wherever they learn ---------------------------------------

MARSH_LANE = ("139876", "Marsh Lane Academy")  # in the area, not on Attune
ST_AIDANS = ("145002", "St Aidan's CE Primary, Neighbouring Borough")  # out of area, not on Attune
RIVERSIDE = ("100003", "Riverside Academy")  # out of area, on Attune
NEIGHBOUR = (887, "Neighbouring Borough Council")


def build_our_children(authority: LocalAuthority, rng: random.Random, today: date) -> int:
    """The demo authority's list of the children it looks after: most of Hollybrook's
    looked-after children (one is looked after by another authority), two at a school not on
    Attune with marks entered for them, and two placed out of the area (one at a school on
    Attune there). One Hollybrook child has this term's PEP written with partners. Idempotent;
    returns how many children are on the list."""
    with authority_scope(authority):
        if LookedAfterChild.objects.exists():
            return int(LookedAfterChild.objects.count())
    rows = _hollybrook_rows(authority, rng)
    rows += [
        _row(rng, f"DEMO-LAC-{900 + n}", MARSH_LANE, today, upn=make_upn(886, 4100, 17, n))
        | {"designated_teacher_email": "designated.teacher@marshlane.example"}
        for n in range(2)
    ]
    rows.append(_row(rng, "DEMO-LAC-950", ST_AIDANS, today, upn=""))
    rows.append(_riverside_row(rng, today))
    roster_import(authority=authority, stream=_csv(rows), today=today)
    with authority_scope(authority):
        _outside_marks(authority, rng, today)
        _partner_pep(authority, today)
        return int(LookedAfterChild.objects.count())


def _hollybrook_rows(authority: LocalAuthority, rng: random.Random) -> list[dict[str, str]]:
    school = School.objects.filter(local_authority=authority, urn="100001").first()
    if school is None:
        return []
    with school_scope(school):
        memberships = list(
            CohortMembership.objects.filter(cohort=Cohort.LOOKED_AFTER, end_date__isnull=True)
            .select_related("pupil")
            .order_by("pupil__legal_surname", "pupil__pk")
        )
    # With a few, the first is looked after by another authority: on the school's roll as looked
    # after, counted in the county's figures, but not on this authority's list.
    ours = memberships[1:] if len(memberships) >= 3 else memberships
    rows = []
    for n, membership in enumerate(ours):
        pupil = membership.pupil
        rows.append(
            {
                "child_id": f"DEMO-LAC-{100 + n}",
                "upn": pupil.upn,
                "legal_forename": pupil.legal_forename,
                "legal_surname": pupil.legal_surname,
                "preferred_name": pupil.preferred_name,
                "date_of_birth": pupil.date_of_birth.isoformat(),
                "looked_after_from": membership.start_date.isoformat(),
                "legal_status": rng.choice(["C2", "C2", "C1", "V2", "E1"]),
                "school_urn": school.urn,
                "school_name": school.name,
                "social_worker_email": f"social.worker{n % 3 + 1}@demo-council.example",
                "carer_email": f"carer{n + 1}@example.org",
                "designated_teacher_email": "designated.teacher@hollybrook.example",
            }
        )
    return rows


def _row(
    rng: random.Random, child_id: str, school: tuple[str, str], today: date, *, upn: str
) -> dict[str, str]:
    forename = rng.choice(["Kieran", "Tegan", "Ruby", "Jayden", "Amira", "Callum", "Isla"])
    return {
        "child_id": child_id,
        "upn": upn,
        "legal_forename": forename,
        "legal_surname": rng.choice(["Ashdown", "Moorcroft", "Pennington", "Okafor", "Hale"]),
        "preferred_name": "",
        "date_of_birth": date(today.year - rng.randint(6, 14), rng.randint(1, 12), 14).isoformat(),
        "looked_after_from": (today - timedelta(days=rng.randint(60, 900))).isoformat(),
        "legal_status": rng.choice(["C2", "V2"]),
        "school_urn": school[0],
        "school_name": school[1],
        "social_worker_email": "social.worker1@demo-council.example",
        "carer_email": f"carer.{child_id.lower()}@example.org",
        "designated_teacher_email": "",
    }


def _riverside_row(rng: random.Random, today: date) -> dict[str, str]:
    """A child placed out of the area at a school that is on Attune there: the school, its
    register and the child's key adult are made here, as its own installation would hold them."""
    neighbour, _ = LocalAuthority.objects.get_or_create(
        code=NEIGHBOUR[0], defaults={"name": NEIGHBOUR[1]}
    )
    school, _ = School.objects.get_or_create(
        urn=RIVERSIDE[0],
        defaults={"name": RIVERSIDE[1], "phase": Phase.PRIMARY, "local_authority": neighbour},
    )
    row = _row(rng, "DEMO-LAC-960", RIVERSIDE, today, upn=make_upn(887, 2001, 17, 960))
    with school_scope(school):
        pupil, made = Pupil.objects.get_or_create(
            upn=row["upn"],
            defaults={
                "school": school,
                "legal_forename": row["legal_forename"],
                "legal_surname": row["legal_surname"],
                "date_of_birth": date.fromisoformat(row["date_of_birth"]),
                "year_group": 5,
                "needs_key_adult": True,
            },
        )
        if made:
            CohortMembership.objects.create(
                school=school,
                pupil=pupil,
                cohort=Cohort.LOOKED_AFTER,
                start_date=date.fromisoformat(row["looked_after_from"]),
            )
            adult = Staff.objects.create(
                school=school, first_name="Grace", last_name="Adebayo", job_role="elsa"
            )
            KeyAdultRelationship.objects.create(
                school=school,
                pupil=pupil,
                key_adult=adult,
                started_on=today - timedelta(days=120),
                reason="Tegan asked for her.",
                chosen_by_child=True,
            )
    build_register(school, rng, today)
    return row


def _csv(rows: list[dict[str, str]]) -> io.BytesIO:
    lines = ([row.get(name, "") for name in COLUMNS] for row in rows)
    return io.BytesIO(csv_files.text(COLUMNS, lines).encode())


def _outside_marks(authority: LocalAuthority, rng: random.Random, today: date) -> None:
    """This school year's marks for the children at Marsh Lane, as its link would bring them."""
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 2)
    days = [
        first + timedelta(days=n)
        for n in range((today - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5
    ]
    marks: dict[Any, list[Mark]] = {}
    for child in registers.children_at(MARSH_LANE[0], today):
        rows: list[Mark] = []
        for day in days:
            for session in ("AM", "PM"):
                roll = rng.random()
                code = "/" if session == "AM" else "\\"
                code = "I" if roll < 0.05 else "N" if roll < 0.07 else code
                rows.append((day, session, code, code, None))
        marks[child.pk] = rows
    if marks:
        registers.marks_save(
            authority=authority,
            school_urn=MARSH_LANE[0],
            marks=marks,
            kind=SourceKind.OFFICER_UPLOAD,
            file_name="marsh-lane-register.csv",
        )


def _partner_pep(authority: LocalAuthority, today: date) -> None:
    """This term's PEP for the first Hollybrook child, written with partners (who would sign in
    by emailed links: in the demo their parts are already written)."""
    child = (
        LookedAfterChild.objects.filter(placements__school_urn="100001")
        .order_by("child_id")
        .first()
        or LookedAfterChild.objects.filter(placements__school_urn=MARSH_LANE[0])
        .order_by("child_id")
        .first()
    )
    head = User.objects.filter(email=HEAD_EMAIL).first()
    if child is None or head is None or not child.is_looked_after(today):
        return
    pep = peps.pep_start(actor=head, child=child, today=today)
    seats = {}
    for kind in (Partner.DESIGNATED_TEACHER, Partner.SOCIAL_WORKER, Partner.CARER):
        email = partners.listed_email(child, kind)
        seat = PepPartner.objects.create(
            local_authority=authority,
            child=child,
            kind=kind,
            email=email,
            user=links.person_for(email),
            invited_by=head,
            invited_at=timezone.now(),
        )
        links.link_access_grant(
            actor=head, email=email, purpose=partners.PARTNER_PURPOSE, target=str(seat.pk)
        )
        seats[kind] = seat
    teacher, worker, carer = (
        seats[Partner.DESIGNATED_TEACHER],
        seats[Partner.SOCIAL_WORKER],
        seats[Partner.CARER],
    )
    meeting = max(pep.pep_term.starts_on, min(today, pep.pep_term.ends_on) - timedelta(days=7))
    if meeting <= today:
        peps.pep_meeting_record(
            actor=teacher.user, pep=pep, partner=teacher, held_on=meeting, today=today
        )
    texts = [
        (
            teacher,
            PepSection.SCHOOL,
            "Reading is improving fast; maths needs a boost with "
            "fractions. Attendance has been steady since the key adult began morning check-ins.",
        ),
        (teacher, PepSection.CHILD, "I like reading club and I want to be in the school play."),
        (
            worker,
            PepSection.CARE,
            "The placement is settled. Contact with Nan is every other Saturday and is going well.",
        ),
        (
            carer,
            PepSection.HOME,
            "We read together most nights. Mornings are easier with the "
            "picture timetable on the fridge.",
        ),
    ]
    for seat, section, text in texts:
        peps.pep_section_write(actor=seat.user, pep=pep, partner=seat, section=section, text=text)
    target = peps.pep_target_add(
        actor=teacher.user,
        pep=pep,
        partner=teacher,
        description="Fractions catch-up, twice a week in a small group",
        who="Class teacher",
        due_on=pep.pep_term.due_by,
    )
    peps.funding_request(
        actor=teacher.user,
        pep=pep,
        partner=teacher,
        amount=Decimal("420.00"),
        purpose="A tutor for the fractions group for the rest of term",
        targets=[target],
    )
