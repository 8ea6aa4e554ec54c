"""Reading a child's family contacts: who good news goes to when the school's MIS says.

The contact chosen is the first by the MIS's priority (1 first) who has parental
responsibility, an email address, and no "no contact" mark for this child, and whose record
and link to the child are both current. The school sees who it is before choosing it.
"""

from __future__ import annotations

from django.db.models import F

from attune.people.models import Pupil, PupilContact


def home_email_contact(pupil: Pupil) -> PupilContact | None:
    """The contact email home goes to when the family has not asked for another address."""
    return (
        PupilContact.objects.filter(
            pupil=pupil,
            ended_on=None,
            contact__ended_on=None,
            parental_responsibility=True,
            no_contact=False,
        )
        .exclude(contact__email="")
        .select_related("contact")
        .order_by(F("priority").asc(nulls_last=True), "started_on", "pk")
        .first()
    )
