"""Builders for tests and benchmarks: small, explicit, synthetic people in one or two schools.

Every builder takes the school it writes into and opens that school's scope itself, so a test
reads as a story ("a school, a child, an adult") without tenancy noise. Names come from Faker
with a fixed seed: synthetic, never real children.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.test import Client
from django.urls import reverse
from faker import Faker

from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.people.domain.upn import make_upn
from attune.people.models import (
    Cohort,
    CohortMembership,
    JobRole,
    LocalAuthority,
    Phase,
    Pupil,
    School,
    Staff,
    WorkingDay,
)
from attune.tenancy import school_scope

PASSWORD = "a-long-test-password-42"  # noqa: S105 - test-only credential

_fake = Faker("en_GB")
_fake.seed_instance(20261123)
_serial = itertools.count(1)


def local_authority(code: int = 886, name: str = "Kent") -> LocalAuthority:
    la, _ = LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})
    return la


def school(
    urn: str = "100001", name: str = "Hollybrook Primary School", phase: str = Phase.PRIMARY
) -> School:
    return School.objects.create(urn=urn, name=name, phase=phase, local_authority=local_authority())


def pupil(
    school: School,
    *,
    forename: str | None = None,
    surname: str | None = None,
    year_group: int = 4,
    needs_key_adult: bool = True,
    born: date = date(2017, 3, 14),
) -> Pupil:
    upn = make_upn(886, 2001, 17, next(_serial) % 1000)
    with school_scope(school):
        return Pupil.objects.create(
            school=school,
            upn=upn,
            legal_forename=forename or _fake.first_name(),
            legal_surname=surname or _fake.last_name(),
            date_of_birth=born,
            year_group=year_group,
            registration_group=f"{year_group}B" if year_group > 0 else "",
            needs_key_adult=needs_key_adult,
        )


def staff(
    school: School,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    job_role: str = JobRole.TEACHING_ASSISTANT,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> Staff:
    with school_scope(school):
        person = Staff.objects.create(
            school=school,
            first_name=first_name or _fake.first_name(),
            last_name=last_name or _fake.last_name(),
            job_role=job_role,
        )
        WorkingDay.objects.bulk_create(
            WorkingDay(
                school=school,
                staff=person,
                weekday=day,
                starts_at=time(8, 30),
                ends_at=time(15, 30),
            )
            for day in weekdays
        )
    return person


def weekdays_from(first: date, count: int) -> list[date]:
    """``count`` weekdays (school days, holidays aside) from ``first``, in order."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def cohort(pupil: Pupil, which: str = Cohort.LOOKED_AFTER, since: date = date(2024, 9, 1)) -> None:
    with school_scope(pupil.school_id):
        CohortMembership.objects.create(
            school_id=pupil.school_id, pupil=pupil, cohort=which, start_date=since
        )


def share_with_virtual_school(school: School, cohorts: tuple[str, ...] | None = None) -> None:
    """The school's sharing agreement with its Virtual School (every VS cohort by default)."""
    from django.utils import timezone

    from attune.virtualschool.models import SharingAgreement
    from attune.virtualschool.sharing import VIRTUAL_SCHOOL_COHORT_VALUES

    with school_scope(school):
        SharingAgreement.objects.update_or_create(
            school=school,
            defaults={
                "cohorts": list(VIRTUAL_SCHOOL_COHORT_VALUES if cohorts is None else cohorts),
                "agreed_at": timezone.now(),
            },
        )


def make_dsl(account: User) -> None:
    """``account`` becomes their school's designated safeguarding lead."""
    Membership.objects.filter(user=account).update(is_dsl=True)


def user(
    school: School, role: Role, *, email: str | None = None, person: Staff | None = None
) -> User:
    address = email or f"{role.value}.{next(_serial)}@{school.urn}.attune.test"
    account = User.objects.create_user(address, PASSWORD, full_name=address.split("@")[0])
    Membership.objects.create(user=account, school=school, role=role, staff=person)
    return account


@dataclass
class SchoolWorld:
    """One school with a cast the tests can reach for."""

    school: School
    lead: User
    head: User
    teacher: User
    office: User
    key_adult_user: User
    key_adult: Staff  # the staff record of ``key_adult_user``
    other_adult: Staff
    child: Pupil  # needs a key adult and has none
    looked_after_child: Pupil


def school_world(urn: str = "100001", name: str = "Hollybrook Primary School") -> SchoolWorld:
    place = school(urn, name)
    key_adult = staff(place, first_name="Priya", last_name="Shah")
    other_adult = staff(place, first_name="Tom", last_name="Okafor")
    child = pupil(place, forename="Maya", surname="Fletcher")
    looked_after = pupil(place, forename="Leo", surname="Brennan")
    cohort(looked_after)
    share_with_virtual_school(place)
    return SchoolWorld(
        school=place,
        lead=user(place, Role.ATTACHMENT_LEAD),
        head=user(place, Role.HEADTEACHER),
        teacher=user(place, Role.TEACHER),
        office=user(place, Role.OFFICE),
        key_adult_user=user(place, Role.KEY_ADULT, person=key_adult),
        key_adult=key_adult,
        other_adult=other_adult,
        child=child,
        looked_after_child=looked_after,
    )


SignedIn = Callable[[User], Client]
"""The ``signed_in`` fixture (``attune/conftest.py``): a test client signed in as that user."""


@dataclass(frozen=True)
class SchoolUrls:
    """``url(world, name, **kwargs)``: one app's page in the world's school, by its URL name
    in the app's namespace (``url = SchoolUrls("plans")``; ``url(world, "plan", plan_id=...)``).
    """

    namespace: str

    def __call__(self, world: SchoolWorld, name: str, **kwargs: object) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={"urn": world.school.urn, **kwargs})


def field_message(field_id: str, message: str) -> str:
    """A message as it sits beside its field, after "Error:" for screen readers only."""
    return f'id="{field_id}_error"><span class="visually-hidden">Error:</span> {message}'


def names_in(text: str, *names: str) -> list[str]:
    """The ``names`` that appear in ``text`` as whole words.

    A leak check must not trip on chance: every signed-in page carries two CSRF tokens of 64
    random letters and digits, and a short name such as "Leo" turns up inside one about once
    in 1,900 pages. A token is one long word, so a name found only as a whole word was
    written by the page."""
    return [n for n in names if re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", text)]
