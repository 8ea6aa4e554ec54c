"""Demo plans: teams around about twenty children, plans with targets, next steps and reviews,
meetings with actions, contacts, and "you said, we did" for the children and the whole school.

Synthetic (Faker names, fixed random seed), written through the same services as the pages, so
the audit trail reads as if the attachment lead had typed it. Call :func:`build_plans` after
the demo's key adult relationships and sign-ins exist; it does nothing if the school already
has plans.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.people.models import Cohort, CohortMembership, Pupil, School, Staff
from attune.plans.models import (
    ContactMethod,
    ContactWith,
    MeetingKind,
    Plan,
    PlanKind,
    RaisedBy,
    YouSaid,
    YouSaidKind,
    YouSaidStatus,
)
from attune.plans.services import (
    Owner,
    Progress,
    contact_log,
    meeting_action_add,
    meeting_action_done,
    meeting_record,
    next_step_add,
    plan_close,
    plan_create,
    plan_review,
    target_add,
    you_said_raise,
    you_said_respond,
    you_said_sign_off,
)
from attune.relationships.models import KeyAdultRelationship, TeamRole, WiderTeamMember
from attune.relationships.services import close_team_add, wider_team_add, wider_team_end
from attune.tenancy import school_scope

CHILDREN = 20
CHOSEN_BECAUSE = [
    "She always notices when I'm sad.",
    "He plays football with me at lunch.",
    "She lets me help with the reading corner.",
    "He doesn't shout.",
    "She knew my big brother and she's funny.",
]
GOALS = [
    "I want to come in every morning and have my breakfast here.",
    "I want to stay in class for all of maths.",
    "I want to have a friend to play with at lunch.",
    "I want to tell someone when I'm cross before I throw things.",
    "I want to get to school before the bell.",
]
STRENGTHS = [
    "Kind to younger children; brilliant at drawing.",
    "Funny, good with numbers, loves animals.",
    "Helpful, remembers everyone's names.",
]
HELPS = [
    "A quiet hello at the gate and a job to do when arriving.",
    "Knowing about changes to the day before they happen.",
    "Time in the calm corner, without questions straight away.",
]
PEOPLE_SAID = [
    ("Lunchtimes are too loud and I don't know where to go.", YouSaidKind.CONCERN),
    ("Could there be a club for children who like drawing?", YouSaidKind.IDEA),
    ("The morning gate is a crush; could some children come in the side door?", YouSaidKind.IDEA),
    ("We don't hear about changes of key adult until they have happened.", YouSaidKind.CONCERN),
    ("A photo of the key adult at home would help over the holidays.", YouSaidKind.IDEA),
]
WE_DID = [
    "A quiet lunch club in the library, three days a week.",
    "The side door opens at 8.40 for children who find the gate hard.",
    "Families now get a call before any change of key adult.",
    "Key adults send a photo and a short note home before each holiday.",
]


@dataclass(frozen=True, slots=True)
class DemoPlans:
    children: int
    plans: int
    you_said: int


def build_plans(school: School, rng: random.Random, today: date) -> DemoPlans:
    """Teams, plans, meetings, contacts and "you said, we did" for about twenty children."""
    faker = Faker("en_GB")
    faker.seed_instance(rng.randrange(1_000_000))
    with school_scope(school):
        if Plan.objects.exists():
            return DemoPlans(0, Plan.objects.count(), YouSaid.objects.count())
        lead = _lead(school)
        staff = list(Staff.objects.filter(is_active=True).order_by("last_name", "first_name", "pk"))
        if lead is None or len(staff) < 3:
            return DemoPlans(0, 0, 0)
        relationships = _chosen(school, rng)
        build = _Build(lead, school, rng, faker, today, staff)
        for number, relationship in enumerate(relationships):
            build.child(relationship, number)
        build.whole_school()
        return DemoPlans(len(relationships), Plan.objects.count(), YouSaid.objects.count())


def _lead(school: School) -> User | None:
    membership = (
        Membership.objects.filter(school=school, role=Role.ATTACHMENT_LEAD)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _chosen(school: School, rng: random.Random) -> list[KeyAdultRelationship]:
    """About twenty children with a current key adult, starting with the demo key adult's."""
    current = list(
        KeyAdultRelationship.objects.filter(ended_on__isnull=True)
        .select_related("pupil", "key_adult")
        .order_by("pupil__upn")
    )
    demo_adults = set(
        Membership.objects.filter(school=school, role=Role.KEY_ADULT).values_list(
            "staff_id", flat=True
        )
    )
    theirs = [r for r in current if r.key_adult_id in demo_adults][:3]
    others = [r for r in current if r not in theirs]
    rng.shuffle(others)
    return theirs + others[: CHILDREN - len(theirs)]


class _Build:
    def __init__(
        self,
        lead: User,
        school: School,
        rng: random.Random,
        faker: Faker,
        today: date,
        staff: list[Staff],
    ) -> None:
        self.lead, self.school, self.rng, self.faker = lead, school, rng, faker
        self.today, self.staff = today, staff

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def child(self, relationship: KeyAdultRelationship, number: int) -> None:
        pupil, key_adult = relationship.pupil, relationship.key_adult
        family = self.faker.name()
        self.team(pupil, key_adult, family, churn=number == 1)
        started = max(relationship.started_on, self.ago(90, 320))
        plan = self.plan(pupil, key_adult, family, started, overdue=number % 4 == 2)
        if number % 5 == 3:
            self.closed_plan(pupil, key_adult, started)
        if number % 2 == 0:
            self.meeting(pupil, key_adult, family, plan.started_on)
        for _ in range(self.rng.randint(1, 3)):
            contact_log(
                actor=self.lead,
                pupil=pupil,
                contacted_on=self.ago(1, 80),
                with_kind=ContactWith.PARENT_CARER,
                with_name=family,
                method=self.rng.choice(list(ContactMethod.values)),
                summary=f"Talked about how {pupil.known_as}'s mornings have been going.",
                agreed=self.rng.choice(["", "Text on Monday mornings with how the weekend went."]),
                about_absence=False,
                today=self.today,
            )
        if number % 3 == 0:
            self.said(pupil, family, finished=number % 2 == 0)

    def team(self, pupil: Pupil, key_adult: Staff, family: str, *, churn: bool) -> None:
        others = [s for s in self.staff if s.pk != key_adult.pk]
        for adult in self.rng.sample(others, k=min(len(others), self.rng.randint(1, 2))):
            close_team_add(
                actor=self.lead,
                pupil=pupil,
                staff=adult,
                child_words=self.rng.choice(CHOSEN_BECAUSE),
                joined_on=self.ago(20, 200),
                today=self.today,
            )
        self.professional(pupil, TeamRole.PARENT_CARER, family, "", consent=True)
        cared_for = CohortMembership.objects.filter(
            pupil=pupil, cohort=Cohort.LOOKED_AFTER, end_date__isnull=True
        ).exists()
        roles = [TeamRole.SOCIAL_WORKER, TeamRole.VIRTUAL_SCHOOL] if cared_for else []
        roles += self.rng.sample(
            [TeamRole.EARLY_HELP, TeamRole.CAMHS, TeamRole.SEND_OFFICER, TeamRole.YOUTH_WORKER],
            k=self.rng.randint(0, 2),
        )
        for role in roles:
            self.professional(pupil, role, self.faker.name(), "County Council", consent=None)
        if churn:  # a third social worker within a year: the team page flags it
            for months in (11, 7):
                worker = self.professional(
                    pupil, TeamRole.SOCIAL_WORKER, self.faker.name(), "County Council", True, months
                )
                wider_team_end(
                    actor=self.lead,
                    member=worker,
                    ended_on=worker.started_on + timedelta(days=100),
                    today=self.today,
                )
            self.professional(
                pupil, TeamRole.SOCIAL_WORKER, self.faker.name(), "County Council", True
            )

    def professional(
        self,
        pupil: Pupil,
        role: str,
        name: str,
        organisation: str,
        consent: bool | None,
        months_ago: int = 0,
    ) -> WiderTeamMember:
        started = self.today - timedelta(days=30 * months_ago) if months_ago else self.ago(30, 300)
        return wider_team_add(
            actor=self.lead,
            pupil=pupil,
            role=role,
            name=name,
            organisation=organisation,
            email=f"{name.split()[-1].lower()}@example.org",
            phone="01632 960" + str(self.rng.randint(100, 999)),
            started_on=started,
            consent_to_share=self.rng.random() < 0.7 if consent is None else consent,
            today=self.today,
        )

    def plan(
        self, pupil: Pupil, key_adult: Staff, family: str, started: date, *, overdue: bool
    ) -> Plan:
        plan = plan_create(
            actor=self.lead,
            pupil=pupil,
            kind=self.rng.choice(list(PlanKind.values)),
            owner=key_adult,
            started_on=started,
            review_due_on=started + timedelta(days=42),
            child_goals=self.rng.choice(GOALS),
            strengths=self.rng.choice(STRENGTHS),
            what_helps=self.rng.choice(HELPS),
            today=self.today,
        )
        baseline = Decimal(self.rng.randint(35, 80))
        target_add(
            actor=self.lead,
            plan=plan,
            description="Attendance",
            owner=Owner("staff", key_adult),
            success_criteria="The register over each half term",
            baseline=baseline,
            target_value=min(baseline + 20, Decimal(96)),
            unit="% attendance",
            by_date=started + timedelta(days=180),
        )
        target_add(
            actor=self.lead,
            plan=plan,
            description="Mornings settled in class by 9.15",
            owner=Owner("child"),
            success_criteria="Class teacher's tick sheet",
            baseline=Decimal(1),
            target_value=Decimal(4),
            unit="mornings a week",
            by_date=started + timedelta(days=120),
        )
        next_step_add(
            actor=self.lead,
            plan=plan,
            description="Meet at the side gate at 8.40 with a job to do",
            owner=Owner("staff", key_adult),
            success_criteria="Arrives calm most days",
            due_on=None,
        )
        next_step_add(
            actor=self.lead,
            plan=plan,
            description="Text school by 8.15 if the morning has been hard",
            owner=Owner("parent", name=family),
            success_criteria="Key adult knows before the gate",
            due_on=None,
        )
        self.reviews(plan, overdue=overdue)
        return plan

    def reviews(self, plan: Plan, *, overdue: bool) -> None:
        """Reviews every six weeks; the last sets the next date ahead, or (``overdue``) just
        behind today, so the reviews-due list has something to show."""
        held = plan.started_on + timedelta(days=42)
        for number in range(1, 4):
            if held >= self.today - timedelta(days=7):
                return
            next_due = held + timedelta(days=42)
            last = number == 3 or next_due >= self.today - timedelta(days=7)
            if last and overdue:
                next_due = max(held + timedelta(days=1), self.today - timedelta(days=9))
            elif last:
                next_due = max(next_due, self.today + timedelta(days=self.rng.randint(5, 40)))
            targets = list(plan.versions.order_by("-number")[0].targets.all())
            plan_review(
                actor=self.lead,
                plan=plan,
                held_on=held,
                progress={
                    t.pk: Progress(t.baseline + (t.target_value - t.baseline) * number / 4)
                    for t in targets
                },
                what_changed="Breakfast club added on Mondays." if number == 1 else "Steady.",
                child_view=self.rng.choice(["Mornings are a bit easier.", "I like the gate job."]),
                child_goals=self.rng.choice(GOALS),
                strengths=self.rng.choice(STRENGTHS),
                what_helps=self.rng.choice(HELPS),
                next_review_due_on=next_due,
                today=self.today,
            )
            held = next_due

    def closed_plan(self, pupil: Pupil, key_adult: Staff, before: date) -> None:
        started = before - timedelta(days=200)
        plan = plan_create(
            actor=self.lead,
            pupil=pupil,
            kind=PlanKind.RETURN_FROM_SUSPENSION,
            owner=key_adult,
            started_on=started,
            review_due_on=started + timedelta(days=28),
            child_goals="I want to come back and not get sent out again.",
            strengths=self.rng.choice(STRENGTHS),
            what_helps=self.rng.choice(HELPS),
            today=self.today,
        )
        plan_close(
            actor=self.lead,
            plan=plan,
            ended_on=started + timedelta(days=90),
            reason="Settled back in; no further suspensions. Carried on in the new plan.",
            today=self.today,
        )

    def meeting(self, pupil: Pupil, key_adult: Staff, family: str, after: date) -> None:
        held = min(after + timedelta(days=14), self.today)
        meeting = meeting_record(
            actor=self.lead,
            pupil=pupil,
            kind=self.rng.choice(list(MeetingKind.values)),
            held_on=held,
            attendees=f"{key_adult.full_name}, key adult\n{family}, parent\nAttachment lead",
            child_voice=f"{pupil.known_as} drew the parts of the day that feel hard: the gate "
            "and lunch.",
            decisions="Try a quiet lunch space; review the gate plan in six weeks.",
            today=self.today,
        )
        action = meeting_action_add(
            actor=self.lead,
            meeting=meeting,
            description="Find a quiet space for lunch",
            owner=Owner("staff", key_adult),
            due_on=held + timedelta(days=14),
        )
        if action.due_on < self.today:
            meeting_action_done(actor=self.lead, action=action, today=self.today)
        meeting_action_add(
            actor=self.lead,
            meeting=meeting,
            description="Share the new morning routine with grandparents",
            owner=Owner("parent", name=family),
            due_on=held + timedelta(days=21),
        )

    def said(self, pupil: Pupil | None, who: str, *, finished: bool, sign: bool = False) -> None:
        words, kind = self.rng.choice(PEOPLE_SAID)
        raised_on = self.ago(20, 150)
        item = you_said_raise(
            actor=self.lead,
            school=self.school,
            pupil=pupil,
            kind=kind,
            raised_by=self.rng.choice(list(RaisedBy.values)),
            raised_by_name=who,
            their_words=words,
            raised_on=raised_on,
            today=self.today,
        )
        if not finished:
            return
        you_said_respond(
            actor=self.lead,
            item=item,
            status=YouSaidStatus.DONE,
            what_we_did=self.rng.choice(WE_DID),
            done_by=self.rng.choice(self.staff),
            done_on=raised_on + timedelta(days=10),
            not_forward_reason="",
            today=self.today,
        )
        if sign:
            you_said_sign_off(actor=self.lead, item=item, today=self.today)

    def whole_school(self) -> None:
        """Six whole-school items: two signed off, two waiting for sign-off, two open."""
        for n in range(6):
            self.said(None, self.faker.first_name() if n % 2 else "", finished=n < 4, sign=n < 2)
