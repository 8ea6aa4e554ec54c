"""Demo early years: rooms by age, a week of the register with care routines, one key person
away (their co-worker covers), an amendment, settling-in plans and development observations.

Call :func:`build_early_years` after the setting's key person relationships exist. Synthetic,
like the rest of the demo; a school that is not early years, or already has rooms, is left
alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from attune.checkins.models import StaffAbsence
from attune.earlyyears.domain.ratios import AgeBand, age_band
from attune.earlyyears.models import (
    CareEntry,
    CareKind,
    ChildVisit,
    DevelopmentEntry,
    DevelopmentEntryKind,
    LearningArea,
    QualificationLevel,
    Room,
    RoomPlacement,
    SettlingEntryKind,
    SettlingInEntry,
    SettlingInPlan,
    SleepCheck,
    StaffQualification,
    StaffVisit,
    VisitAmendment,
)
from attune.people.models import Pupil, School, Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

ROOMS = {AgeBand.UNDER_TWO: "Babies", AgeBand.TWO: "Toddlers", AgeBand.THREE_PLUS: "Preschool"}
GROWNUPS = ["Mum", "Dad", "Grandma", "Grandad", "Auntie", "Childminder"]
MEALS = ["ate all of it", "ate most of it", "tried a little", "ate well, asked for more"]
DRINKS = ["water, 120 ml", "milk, 150 ml", "water, half a cup"]
OBSERVATIONS = {
    LearningArea.COMMUNICATION: "Pointed at the ducks and said 'quack' twice, looking at me.",
    LearningArea.PSED: "Waved goodbye at the door today without crying.",
    LearningArea.PHYSICAL: "Climbed the soft steps and came down on their bottom, very pleased.",
    LearningArea.LITERACY: "Turned the pages of the farm book and patted the pictures.",
    LearningArea.MATHEMATICS: "Lined up three cars and said 'more' when I took one away.",
    LearningArea.WORLD: "Watched the rain on the window and reached out to touch it.",
    LearningArea.EXPRESSIVE: "Banged the drum in time with the song for a few beats.",
}
FROM_HOME = [
    ("Mum", LearningArea.COMMUNICATION, "Has started saying 'bye bye' to the cat."),
    ("Dad", LearningArea.PHYSICAL, "Took three steps on her own at the park on Sunday."),
    ("Grandma", LearningArea.PSED, "Likes to help put the shopping away."),
]


@dataclass(frozen=True)
class EarlyYearsBuilt:
    rooms: int
    visits: int
    care: int


def _weekdays(today: date, count: int) -> list[date]:
    days: list[date] = []
    day = today
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def build_early_years(school: School, rng: random.Random, today: date) -> EarlyYearsBuilt | None:
    if not school.is_early_years:
        return None
    with school_scope(school):
        if Room.objects.exists():
            return None
        return _build(school, rng, today)


def _build(school: School, rng: random.Random, today: date) -> EarlyYearsBuilt:
    rooms = {
        band: Room.objects.create(school=school, name=name, order=i)
        for i, (band, name) in enumerate(ROOMS.items())
    }
    pupils = list(Pupil.objects.all())
    RoomPlacement.objects.bulk_create(
        RoomPlacement(school=school, pupil=p, room=rooms[_band(p, today)]) for p in pupils
    )
    staff = list(Staff.objects.filter(is_active=True))
    levels = [QualificationLevel.LEVEL_6, QualificationLevel.LEVEL_3, QualificationLevel.LEVEL_3]
    StaffQualification.objects.bulk_create(
        StaffQualification(school=school, staff=s, level=levels[i % 3] if i < 8 else 2)
        for i, s in enumerate(staff)
    )
    days = _weekdays(today, 5)
    visits, care = _register(school, rng, pupils, staff, rooms, days, today)
    _key_person_away(school, days)
    _settling_in(school, rng, pupils, today)
    _development(school, rng, pupils, days)
    return EarlyYearsBuilt(rooms=len(rooms), visits=visits, care=care)


def _band(pupil: Pupil, today: date) -> AgeBand:
    return age_band(pupil.date_of_birth, today) if pupil.date_of_birth <= today else AgeBand.TWO


def _register(
    school: School,
    rng: random.Random,
    pupils: list[Pupil],
    staff: list[Staff],
    rooms: dict[AgeBand, Room],
    days: list[date],
    today: date,
) -> tuple[int, int]:
    room_list = list(rooms.values())
    visits: list[ChildVisit] = []
    care: list[CareEntry] = []
    for day in days:
        StaffVisit.objects.bulk_create(
            StaffVisit(
                school=school,
                staff=s,
                room=room_list[i % len(room_list)],
                on=day,
                signed_in_at=time(7, 45),
                signed_out_at=None if day == today else time(17, 0),
            )
            for i, s in enumerate(staff)
        )
        for pupil in pupils:
            if rng.random() < 0.15:
                continue  # not every child comes every day
            arrive = time(8, rng.choice([0, 10, 20, 30, 45]))
            leave = None if day == today else time(rng.choice([12, 15, 16, 17]), 0)
            visits.append(
                ChildVisit(
                    school=school,
                    pupil=pupil,
                    room=rooms[_band(pupil, day)],
                    on=day,
                    signed_in_at=arrive,
                    brought_by=rng.choice(GROWNUPS),
                    signed_out_at=leave,
                    collected_by=rng.choice(GROWNUPS) if leave else "",
                )
            )
            care.extend(_care(school, rng, pupil, day, today))
    ChildVisit.objects.bulk_create(visits)
    CareEntry.objects.bulk_create(care)
    sleeps = [c for c in care if c.kind == CareKind.SLEEP]
    SleepCheck.objects.bulk_create(
        SleepCheck(school=school, entry=c, at=time(c.at.hour, 10), note="Breathing steadily")
        for c in sleeps
    )
    if len(visits) > 1 and days[0] < today:
        first = next(v for v in visits if v.on == days[0] and v.signed_out_at is not None)
        VisitAmendment.objects.create(
            school=school,
            visit=first,
            signed_in_at=first.signed_in_at,
            signed_out_at=time(17, 30),
            collected_by=first.collected_by,
            reason="Collected later than first written: parent rang to say so.",
        )
    return len(visits), len(care)


def _care(
    school: School, rng: random.Random, pupil: Pupil, day: date, today: date
) -> list[CareEntry]:
    young = _band(pupil, day) is not AgeBand.THREE_PLUS
    entries = [
        CareEntry(school=school, pupil=pupil, on=day, kind=CareKind.MEAL, at=time(11, 45),
                  detail=rng.choice(MEALS)),
        CareEntry(school=school, pupil=pupil, on=day, kind=CareKind.DRINK, at=time(10, 0),
                  detail=rng.choice(DRINKS)),
    ]  # fmt: skip
    if young:
        entries.append(
            CareEntry(school=school, pupil=pupil, on=day, kind=CareKind.NAPPY, at=time(9, 30),
                      detail=rng.choice(["wet", "dry", "soiled"]))
        )  # fmt: skip
        woke = time(13, rng.choice([20, 35, 50])) if day < today else None
        entries.append(
            CareEntry(school=school, pupil=pupil, on=day, kind=CareKind.SLEEP, at=time(12, 30),
                      woke_at=woke)
        )  # fmt: skip
    else:
        entries.append(
            CareEntry(school=school, pupil=pupil, on=day, kind=CareKind.TOILET, at=time(10, 30),
                      detail="went on their own")
        )  # fmt: skip
    return entries


def _key_person_away(school: School, days: list[date]) -> None:
    """One key person away mid-week, so the record shows their co-worker covering."""
    relationship = (
        KeyAdultRelationship.objects.filter(ended_on__isnull=True, co_worker__isnull=False)
        .order_by("key_adult__last_name")
        .first()
    )
    if relationship is None:
        return
    StaffAbsence.objects.get_or_create(
        staff=relationship.key_adult,
        on=days[len(days) // 2],
        defaults={"school": school, "reason": "Training day"},
    )


def _settling_in(school: School, rng: random.Random, pupils: list[Pupil], today: date) -> None:
    for pupil in pupils[:4]:
        plan = SettlingInPlan.objects.create(
            school=school,
            pupil=pupil,
            starts_on=today - timedelta(days=21),
            family_told_us="Loves bath time and songs with actions; shy with new grown-ups.",
            comfort_objects=rng.choice(["A knitted rabbit", "Dad's old T-shirt", "A blue blanket"]),
            home_routines="Naps after lunch for about an hour; a bottle of milk before sleep.",
        )
        SettlingInEntry.objects.bulk_create(
            [
                SettlingInEntry(school=school, plan=plan, kind=SettlingEntryKind.VISIT,
                                on=today - timedelta(days=21),
                                text="Stayed an hour with Mum; played with the water tray."),
                SettlingInEntry(school=school, plan=plan, kind=SettlingEntryKind.VISIT,
                                on=today - timedelta(days=18),
                                text="Mum left for 20 minutes; a short cry, then settled."),
                SettlingInEntry(school=school, plan=plan, kind=SettlingEntryKind.NOTE,
                                on=today - timedelta(days=14),
                                text="First full morning. Comforted quickly with the rabbit."),
            ]
        )  # fmt: skip


def _development(school: School, rng: random.Random, pupils: list[Pupil], days: list[date]) -> None:
    entries: list[DevelopmentEntry] = []
    areas = list(OBSERVATIONS)
    for i, pupil in enumerate(pupils):
        area = areas[i % len(areas)]
        entries.append(
            DevelopmentEntry(
                school=school,
                pupil=pupil,
                kind=DevelopmentEntryKind.OBSERVATION,
                on=rng.choice(days),
                area=area,
                text=OBSERVATIONS[area],
                shared_with_family=rng.random() < 0.7,
            )
        )
        if i % 4 == 0:
            said_by, home_area, text = FROM_HOME[i % len(FROM_HOME)]
            entries.append(
                DevelopmentEntry(
                    school=school,
                    pupil=pupil,
                    kind=DevelopmentEntryKind.FROM_HOME,
                    on=rng.choice(days),
                    area=home_area,
                    text=text,
                    said_by=said_by,
                    shared_with_family=True,
                )
            )
    DevelopmentEntry.objects.bulk_create(entries)
