"""Demo incidents: a few children with incidents over two terms, most calming sooner over time.

Synthetic, like everything in the demo; idempotent per school. Incidents need an author, so
call :func:`build_incidents` after the demo's sign-ins exist (it records them as the school's
staff users); with no users it makes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from attune.accounts.models import Membership, User
from attune.incidents.models import Incident
from attune.people.models import Pupil, School, Staff
from attune.tenancy import school_scope

LONDON = ZoneInfo("Europe/London")
DAYS_BACK = 180
SHARE_OF_PUPILS = 0.05
PLACES = ["the classroom", "the playground", "the dinner hall", "the corridor", "PE", "assembly"]
BEFORE = [
    "A supply teacher and a change to the timetable.",
    "Lost a game at lunchtime and was teased about it.",
    "Asked to read aloud in front of the class.",
    "Loud hall, and the usual seat was taken.",
    "Came in upset after a difficult morning at home.",
    "Waiting a long time in the line.",
]
HOW = [
    "Walked to the garden together; sat side by side with few words.",
    "The calm corner with a weighted blanket and a drink of water.",
    "Breathing together, counting blocks on the wall.",
    "Moved the rest of the class away and stayed nearby, quiet and steady.",
]
TALKED = [
    "Drew what happened as a comic strip and named the feeling: embarrassed.",
    "Talked about what the body felt like just before, and a signal to use next time.",
    "Agreed a time-out card to show when the hall gets too loud.",
    "",
]
REPAIR = ["Chose to make a card for the friend involved.", "Helped tidy up the room.", ""]


@dataclass(frozen=True, slots=True)
class DemoIncidents:
    children: int
    incidents: int


def build_incidents(school: School, rng: random.Random, today: date) -> DemoIncidents:
    with school_scope(school):
        if Incident.objects.exists():
            count = Incident.objects.count()
            return DemoIncidents(Incident.objects.values("pupil").distinct().count(), count)
        authors = _authors(school)
        staff = list(Staff.objects.filter(is_active=True).order_by("last_name", "first_name", "pk"))
        pupils = list(Pupil.objects.order_by("upn"))
        if not authors or not staff or not pupils:
            return DemoIncidents(0, 0)
        chosen = rng.sample(pupils, k=max(1, int(len(pupils) * SHARE_OF_PUPILS)))
        made = [
            incident
            for pupil in chosen
            for incident in _for_child(school, pupil, authors, staff, rng, today)
        ]
        Incident.objects.bulk_create(made)
        return DemoIncidents(len(chosen), len(made))


def _authors(school: School) -> list[User]:
    ids = Membership.objects.filter(school=school, is_active=True).values_list("user", flat=True)
    return list(User.objects.filter(pk__in=list(ids)).order_by("email"))


def _for_child(
    school: School,
    pupil: Pupil,
    authors: list[User],
    staff: list[Staff],
    rng: random.Random,
    today: date,
) -> list[Incident]:
    settling = rng.random() < 0.75  # most children calm sooner as the relationship grows
    incidents = []
    for _ in range(rng.randrange(2, 14)):
        back = rng.randrange(1, DAYS_BACK)
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        progress = 1 - back / DAYS_BACK  # 0 long ago, 1 now
        typical = 35 - 25 * progress if settling else 12 + 15 * progress
        minutes = max(2, round(rng.gauss(typical, 5)))
        at = datetime.combine(day, time(rng.randrange(9, 15), rng.choice([0, 15, 30, 45])))
        incidents.append(
            Incident(
                school=school,
                pupil=pupil,
                occurred_at=at.replace(tzinfo=LONDON),
                place=rng.choice(PLACES),
                before=rng.choice(BEFORE),
                regulated_by=rng.choice(staff),
                how_regulated=rng.choice(HOW),
                minutes_to_calm=minutes if rng.random() < 0.9 else None,
                talked_through=rng.choice(TALKED),
                repair=rng.choice(REPAIR),
                recorded_by=rng.choice(authors),
            )
        )
    return incidents
