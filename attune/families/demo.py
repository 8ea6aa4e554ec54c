"""The demo's families: a handful of children at the school and the nursery have a parent with
parental responsibility who can use the family page; the first child's other parent is marked
"no contact" (as a court order would), so the demo shows both. Synthetic names and addresses
only (``.demo.invalid``)."""

from __future__ import annotations

from datetime import date, time, timedelta

from attune.accounts.links import link_access_grant
from attune.accounts.models import User
from attune.checkins.models import Noticing
from attune.earlyyears.models import CareEntry, DevelopmentEntry
from attune.families.ties import FAMILY_PURPOSE
from attune.people.models import Contact, ContactSource, Pupil, PupilContact, School
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

FAMILIES_PER_SCHOOL = 4
FIRST_FAMILY_EMAIL = "family1@100001.demo.invalid"  # ``attune demo_family_link`` signs in


def _children(school: School) -> list[Pupil]:
    with_key_adult = KeyAdultRelationship.objects.filter(ended_on__isnull=True).values("pupil_id")
    return list(
        Pupil.objects.filter(pk__in=with_key_adult).order_by("legal_surname", "legal_forename")[
            :FAMILIES_PER_SCHOOL
        ]
    )


def _contact(school: School, pupil: Pupil, number: int, *, no_contact: bool = False) -> Contact:
    contact = Contact.objects.create(
        school=school,
        title="Mx" if no_contact else "Ms",
        forename="Alex" if no_contact else "Sam",
        surname=pupil.legal_surname,
        email=f"family{number}@{school.urn}.demo.invalid",
        source=ContactSource.MIS,
    )
    PupilContact.objects.create(
        school=school,
        pupil=pupil,
        contact=contact,
        relationship="Parent",
        priority=2 if no_contact else 1,
        parental_responsibility=True,
        no_contact=no_contact,
        source=ContactSource.MIS,
        started_on=pupil.admission_date or date(2024, 9, 1),
    )
    return contact


def build_families(school: School, today: date) -> list[Contact]:
    """Families for the first few children with a key adult (idempotent)."""
    with school_scope(school):
        if Contact.objects.filter(email__endswith=".demo.invalid").exists():
            return []
        made: list[Contact] = []
        for number, pupil in enumerate(_children(school), start=1):
            made.append(_contact(school, pupil, number))
            if number == 1:
                _contact(school, pupil, 90, no_contact=True)
            if school.is_early_years:
                _nursery_day(school, pupil, today)
            elif not Noticing.objects.filter(pupil=pupil).exclude(shared_by="").exists():
                relationship = KeyAdultRelationship.objects.get(pupil=pupil, ended_on__isnull=True)
                Noticing.objects.create(
                    school=school,
                    relationship=relationship,
                    pupil=pupil,
                    on=today - timedelta(days=1),
                    proud_of="Reading a whole page aloud",
                    noticed="Helped a new child find the lunch hall",
                    shared_by="child_tells",
                    recorded_by_staff=relationship.key_adult,
                )
    for contact in made:
        link_access_grant(
            actor=None,
            email=contact.email,
            purpose=FAMILY_PURPOSE,
            target=str(contact.pk),
            name=contact.full_name,
        )
    return made


def _nursery_day(school: School, pupil: Pupil, today: date) -> None:
    DevelopmentEntry.objects.create(
        school=school,
        pupil=pupil,
        kind="observation",
        on=today - timedelta(days=1),
        area="communication",
        text="Sang a song about a bus and did all the actions.",
        shared_with_family=True,
    )
    CareEntry.objects.bulk_create(
        [
            CareEntry(
                school=school,
                pupil=pupil,
                on=today,
                kind="meal",
                at=time(11, 45),
                detail="Ate most of the pasta",
            ),
            CareEntry(
                school=school,
                pupil=pupil,
                on=today,
                kind="sleep",
                at=time(12, 30),
                woke_at=time(13, 40),
            ),
            CareEntry(
                school=school, pupil=pupil, on=today, kind="nappy", at=time(14, 0), detail="Wet"
            ),
        ]
    )


def first_family() -> User | None:
    return User.objects.filter(email=FIRST_FAMILY_EMAIL).first()
