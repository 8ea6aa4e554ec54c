"""Synthetic schools for the demo, tests and benchmarks. Never real children.

Proportions follow the national picture for England closely enough to feel real (about a
quarter of pupils on free school meals, one in seven on SEN support, a few looked after).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db import connection, transaction
from faker import Faker

from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.attendance.demo import build_register
from attune.attendance.domain.terms import last_school_day
from attune.belonging.demo import build_belonging
from attune.checkins.demo import build_checkins
from attune.earlyyears.demo import build_early_years
from attune.families.demo import build_families
from attune.incidents.demo import build_incidents
from attune.interventions.demo import build_interventions
from attune.people.domain.upn import make_upn
from attune.people.models import (
    Cohort,
    CohortMembership,
    JobRole,
    LocalAuthority,
    Need,
    Phase,
    Pupil,
    PupilNeed,
    School,
    Sex,
    Staff,
    WorkingDay,
)
from attune.pep.demo import build_peps
from attune.plans.demo import build_plans
from attune.relationships.models import KeyAdultRelationship, TrustedAdult
from attune.tenancy import school_scope
from attune.training.demo import build_training
from attune.virtualschool.demo import build_our_children, build_virtual_school

DEMO_PASSWORD = "attune-demo-2026"  # noqa: S105 - printed for the demo, refused in production

COHORT_RATES: dict[Cohort, float] = {
    Cohort.FSM: 0.25,
    Cohort.SEN_SUPPORT: 0.14,
    Cohort.EHC_PLAN: 0.03,
    Cohort.EAL: 0.20,
    Cohort.SOCIAL_WORKER_EVER6: 0.07,
    Cohort.CHILD_IN_NEED: 0.03,
    Cohort.CHILD_PROTECTION_PLAN: 0.008,
    Cohort.LOOKED_AFTER: 0.008,
    Cohort.PREVIOUSLY_LOOKED_AFTER: 0.006,
    Cohort.KINSHIP_CARE: 0.01,
    Cohort.YOUNG_CARER: 0.02,
}
KEY_ADULT_COHORTS = {
    Cohort.LOOKED_AFTER,
    Cohort.PREVIOUSLY_LOOKED_AFTER,
    Cohort.CHILD_PROTECTION_PLAN,
}

ABOUT_ME = [
    "I love drawing dragons and building with Lego.",
    "My favourite thing is football at lunchtime.",
    "I like looking after the class plants.",
    "I have a dog called Biscuit and I like telling people about him.",
    "I like maths when it has puzzles in it.",
    "I enjoy singing but not on my own.",
]
WHAT_HELPS = [
    "A quiet hello at the door and a minute to settle before the register.",
    "Being told about changes to the day in advance, with a picture timetable.",
    "A job to do when I arrive, like giving out the books.",
    "Time in the calm corner when it gets noisy; I will come back when I am ready.",
    "Being asked to show rather than tell; I find talking in front of others hard.",
    "Sitting near the door and knowing I can ask for a movement break.",
]


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    email: str
    role: str
    school: str


@dataclass
class DemoSummary:
    schools: list[School] = field(default_factory=list)
    sign_ins: list[DemoSignIn] = field(default_factory=list)
    pupils: int = 0
    staff: int = 0
    relationships: int = 0


def demo_day() -> date:
    """The last school day on or before today: the day the demo is set on."""
    return last_school_day(date.today())  # noqa: DTZ011 - the demo's own reference day


def build_demo(
    *, seed: int = 2026, pupils: int = 600, staff: int = 60, today: date | None = None
) -> DemoSummary:
    """Create the demo school and nursery (idempotent: an existing demo is left as it is).

    By default the demo is made as of the last school day, so on a weekend or in the holidays
    that day's check-ins and register are still there to do."""
    today = today or demo_day()
    summary = DemoSummary()
    la, _ = LocalAuthority.objects.get_or_create(code=886, defaults={"name": "Demo County Council"})
    builder = _Builder(random.Random(seed), Faker("en_GB"), today)
    builder.faker.seed_instance(seed)
    with transaction.atomic():
        school = builder.school(
            la, "100001", "Hollybrook Primary School", Phase.PRIMARY, pupils, staff, summary
        )
        setting = builder.school(
            la, "100002", "Little Acorns Nursery", Phase.EARLY_YEARS, 36, 10, summary
        )
        builder.sign_ins(school, setting, summary)
        build_register(school, random.Random(seed - 1), today)
        build_checkins(school, today=today, seed=seed)
        # Each part draws from its own stream, so adding one never reshuffles the others.
        build_plans(school, random.Random(seed + 1), today)
        build_belonging(school, random.Random(seed + 2), today)
        build_interventions(school, random.Random(seed + 3), today)
        build_incidents(school, random.Random(seed + 4), today)
        build_training(school, random.Random(seed + 5), today)
        build_peps(school, random.Random(seed + 6), today)
        build_early_years(setting, random.Random(seed + 8), today)
        build_families(school, today)
        build_families(setting, today)
        head_of_virtual_school = build_virtual_school(
            la, random.Random(seed + 7), password=DEMO_PASSWORD
        )
        build_our_children(la, random.Random(seed + 9), today)
        summary.sign_ins.append(
            DemoSignIn(head_of_virtual_school.email, "Head of the Virtual School", la.name)
        )
    _analyse()
    return summary


def _analyse() -> None:
    """Give PostgreSQL's planner statistics for the tables the demo has just filled. Its
    autovacuum comes to them a minute or so later; until then it guessed, and the head's and
    lead's homes took half as long again at 2,000 pupils (SQLite gathers its own after the
    first request: ``attune/sqlite_stats.py``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class _Builder:
    def __init__(self, rng: random.Random, faker: Faker, today: date) -> None:
        self.rng = rng
        self.faker = faker
        self.today = today
        self.serial = 0

    def school(
        self,
        la: LocalAuthority,
        urn: str,
        name: str,
        phase: Phase,
        pupils: int,
        staff: int,
        summary: DemoSummary,
    ) -> School:
        school, created = School.objects.get_or_create(
            urn=urn, defaults={"name": name, "phase": phase, "local_authority": la}
        )
        summary.schools.append(school)
        with school_scope(school):
            if created:
                staff_rows = self.staff(school, staff)
                pupil_rows = self.pupils(school, pupils)
                self.relationships(school, pupil_rows, staff_rows)
            summary.pupils += Pupil.objects.count()
            summary.staff += Staff.objects.count()
            summary.relationships += KeyAdultRelationship.objects.filter(
                ended_on__isnull=True
            ).count()
        return school

    def staff(self, school: School, count: int) -> list[Staff]:
        if school.is_early_years:
            roles = [JobRole.EARLY_YEARS_PRACTITIONER] * (count - 2) + [
                JobRole.SENCO,
                JobRole.HEADTEACHER,
            ]
        else:
            roles = (
                [JobRole.HEADTEACHER, JobRole.SENCO, JobRole.DSL, JobRole.PASTORAL_LEAD]
                + [JobRole.ELSA] * 3
                + [JobRole.LEARNING_MENTOR] * 2
                + [JobRole.OFFICE] * 4
                + [JobRole.TEACHER] * (count // 2 - 6)
            )
            roles += [JobRole.TEACHING_ASSISTANT] * (count - len(roles))
        rows = [
            Staff(
                school=school,
                first_name=self.faker.first_name(),
                last_name=self.faker.last_name(),
                job_role=role,
                email=f"staff{i}@{school.urn}.demo.invalid",
            )
            for i, role in enumerate(roles[:count])
        ]
        Staff.objects.bulk_create(rows)
        days = []
        for s in rows:
            part_time = self.rng.random() < 0.3
            weekdays = (
                sorted(self.rng.sample(range(5), self.rng.choice([2, 3, 4])))
                if part_time
                else range(5)
            )
            days += [
                WorkingDay(
                    school=school, staff=s, weekday=d, starts_at=time(8, 30), ends_at=time(15, 30)
                )
                for d in weekdays
            ]
        WorkingDay.objects.bulk_create(days)
        return rows

    def pupils(self, school: School, count: int) -> list[Pupil]:
        if school.is_early_years:
            years, classes = [-3, -2, -1], ["Seedlings", "Saplings", "Oaks"]
        else:
            years, classes = list(range(0, 7)), ["Ash", "Birch", "Cedar"]
        rows = []
        for i in range(count):
            year = years[i % len(years)]
            rows.append(self.pupil(school, year, classes[(i // len(years)) % len(classes)]))
        Pupil.objects.bulk_create(rows)
        self.cohorts(school, rows)
        return rows

    def pupil(self, school: School, year: int, reg: str) -> Pupil:
        sex = self.rng.choice([Sex.FEMALE, Sex.MALE])
        first = (
            self.faker.first_name_female() if sex == Sex.FEMALE else self.faker.first_name_male()
        )
        age = year + 5 if year >= -2 else self.rng.choice([1, 2])
        born = date(self.today.year - age - (1 if self.today.month >= 9 else 0), 9, 1) + timedelta(
            days=self.rng.randrange(365)
        )
        self.serial += 1
        # Each thousand pupils "arrived from" another school, so UPNs stay unique at any size.
        upn = make_upn(
            886,
            (int(school.urn[-4:]) + self.serial // 1000) % 10_000,
            born.year % 100 if year >= 0 else (born.year + 3) % 100,
            self.serial % 1000,
        )
        return Pupil(
            school=school,
            upn=upn,
            legal_forename=first,
            legal_surname=self.faker.last_name(),
            preferred_name=first[:3] if self.rng.random() < 0.05 and len(first) > 4 else "",
            date_of_birth=born,
            sex=sex,
            year_group=year,
            registration_group=f"{year if year > 0 else 'R' if year == 0 else 'N'}{reg[0]}",
            about_me=self.rng.choice(ABOUT_ME) if self.rng.random() < 0.3 else "",
            what_helps=self.rng.choice(WHAT_HELPS) if self.rng.random() < 0.3 else "",
        )

    def cohorts(self, school: School, pupils: list[Pupil]) -> None:
        memberships, needs = [], []
        for p in pupils:
            joined = self.today - timedelta(days=self.rng.randrange(30, 900))
            flags = {c for c, rate in COHORT_RATES.items() if self.rng.random() < rate}
            if Cohort.EHC_PLAN in flags:
                flags.discard(Cohort.SEN_SUPPORT)
            if flags & {Cohort.LOOKED_AFTER, Cohort.CHILD_IN_NEED, Cohort.CHILD_PROTECTION_PLAN}:
                flags.add(Cohort.SOCIAL_WORKER_EVER6)
            memberships += [
                CohortMembership(school=school, pupil=p, cohort=c, start_date=joined) for c in flags
            ]
            pupil_needs = {n for n in Need if self.rng.random() < 0.03}
            if flags & KEY_ADULT_COHORTS or pupil_needs or Cohort.EHC_PLAN in flags:
                p.needs_key_adult = True
            needs += [
                PupilNeed(school=school, pupil=p, need=n, noted_on=joined) for n in pupil_needs
            ]
        CohortMembership.objects.bulk_create(memberships)
        PupilNeed.objects.bulk_create(needs)
        Pupil.objects.bulk_update([p for p in pupils if p.needs_key_adult], ["needs_key_adult"])

    def relationships(self, school: School, pupils: list[Pupil], staff: list[Staff]) -> None:
        adults = [
            s
            for s in staff
            if s.job_role
            in {
                JobRole.TEACHING_ASSISTANT,
                JobRole.ELSA,
                JobRole.LEARNING_MENTOR,
                JobRole.EARLY_YEARS_PRACTITIONER,
            }
        ]
        waiting = [p for p in pupils if p.needs_key_adult or school.is_early_years]
        self.rng.shuffle(waiting)
        leave_unassigned = 2 if school.is_early_years else max(len(waiting) // 6, 1)
        load = dict.fromkeys((a.pk for a in adults), 0)
        rows, trusted = [], []
        for p in waiting[leave_unassigned:]:
            # Leave each adult room for one more; fill to the limit only when nobody has room.
            free = [a for a in adults if load[a.pk] < school.caseload_limit - 1] or [
                a for a in adults if load[a.pk] < school.caseload_limit
            ]
            if not free:
                break
            adult = self.rng.choice(free)
            cover = self.rng.choice([a for a in adults if a.pk != adult.pk])
            load[adult.pk] += 1
            chosen = self.rng.random() < 0.6
            rows.append(
                KeyAdultRelationship(
                    school=school,
                    pupil=p,
                    key_adult=adult,
                    co_worker=cover,
                    started_on=self.today - timedelta(days=self.rng.randrange(20, 700)),
                    reason="In school every day and already has a good connection with the child.",
                    chosen_by_child=chosen,
                    child_words="They are kind and they listen to me." if chosen else "",
                )
            )
        for p in waiting[:leave_unassigned]:
            trusted.append(
                TrustedAdult(
                    school=school,
                    pupil=p,
                    staff=self.rng.choice(adults),
                    child_words="She makes me laugh.",
                    recorded_on=self.today,
                )
            )
        KeyAdultRelationship.objects.bulk_create(rows)
        TrustedAdult.objects.bulk_create(trusted)

    def sign_ins(self, school: School, setting: School, summary: DemoSummary) -> None:
        with school_scope(school):
            key_adults = Staff.objects.filter(key_relationships__ended_on__isnull=True).distinct()
            # A small demo may have no teaching assistants: any adult with key children will do.
            ta = (
                key_adults.filter(job_role=JobRole.TEACHING_ASSISTANT).first() or key_adults.first()
            )
            by_role = {
                r: Staff.objects.filter(job_role=r).first()
                for r in (JobRole.SENCO, JobRole.TEACHER, JobRole.OFFICE, JobRole.HEADTEACHER)
            }
        with school_scope(setting):
            practitioner = (
                Staff.objects.filter(key_relationships__ended_on__isnull=True).distinct().first()
            )
            ey_lead = Staff.objects.filter(job_role=JobRole.SENCO).first()
        plan = [
            ("lead@demo.attune.test", Role.ATTACHMENT_LEAD, school, by_role[JobRole.SENCO]),
            ("keyadult@demo.attune.test", Role.KEY_ADULT, school, ta),
            ("teacher@demo.attune.test", Role.TEACHER, school, by_role[JobRole.TEACHER]),
            ("office@demo.attune.test", Role.OFFICE, school, by_role[JobRole.OFFICE]),
            ("head@demo.attune.test", Role.HEADTEACHER, school, by_role[JobRole.HEADTEACHER]),
            ("admin@demo.attune.test", Role.ADMINISTRATOR, school, None),
            ("virtualschool@demo.attune.test", Role.VIRTUAL_SCHOOL, school, None),
            ("keyperson@demo.attune.test", Role.KEY_ADULT, setting, practitioner),
            ("nurserylead@demo.attune.test", Role.ATTACHMENT_LEAD, setting, ey_lead),
        ]
        for email, role, where, staff in plan:
            name = staff.full_name if staff else f"Demo {role.label}"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, DEMO_PASSWORD, full_name=name
            )
            Membership.objects.get_or_create(
                user=user,
                school=where,
                # The demo's head is also its designated safeguarding lead.
                defaults={"role": role, "staff": staff, "is_dsl": role == Role.HEADTEACHER},
            )
            summary.sign_ins.append(DemoSignIn(email, role.label, where.name))
