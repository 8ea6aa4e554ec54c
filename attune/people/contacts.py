"""Reading a child's family contacts: who good news goes to when the school's MIS says, and who
may use the family page.

The contact chosen is the first by the MIS's priority (1 first) who has parental
responsibility, an email address, and no "no contact" mark for this child (from the MIS or
marked by staff), and whose record and link to the child are both current. The school sees who
it is before choosing it.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from attune.people.models import Pupil, PupilContact

# A current link to a child, with parental responsibility, and no "no contact" mark of either
# kind: the only contacts the family page and messages home may reach.
MAY_HEAR = Q(
    ended_on=None,
    contact__ended_on=None,
    parental_responsibility=True,
    no_contact=False,
    no_contact_by_school=False,
)
BARRED = Q(no_contact=True) | Q(no_contact_by_school=True)


def home_email_contact(pupil: Pupil) -> PupilContact | None:
    """The contact email home goes to when the family has not asked for another address."""
    return (
        PupilContact.objects.filter(MAY_HEAR, pupil=pupil)
        .exclude(contact__email="")
        .select_related("contact")
        .order_by(F("priority").asc(nulls_last=True), "started_on", "pk")
        .first()
    )


def barred_emails(pupil: Pupil) -> set[str]:
    """Email addresses of anyone marked "no contact" for this child: nothing is sent there,
    whoever typed the address in."""
    return {
        email.strip().lower()
        for email in PupilContact.objects.filter(BARRED, pupil=pupil)
        .exclude(contact__email="")
        .values_list("contact__email", flat=True)
    }


def family_links(pupil: Pupil) -> QuerySet[PupilContact]:
    """The child's current contacts, each with its contact, in the MIS's order."""
    return (
        PupilContact.objects.filter(pupil=pupil, ended_on=None, contact__ended_on=None)
        .select_related("contact")
        .order_by(F("priority").asc(nulls_last=True), "started_on", "pk")
    )
