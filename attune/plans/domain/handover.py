"""What a handover pack holds for each kind of recipient.

A pack goes to someone taking over part of a child's care: a new key adult, a class teacher,
office staff, or another school. It shows what that recipient's role could see in Attune and no
more: teachers and office staff get the one-page profile and the adults who agreed to be
named, not needs, contact details, plans or the chronology.
"""

from __future__ import annotations

RECIPIENTS: dict[str, tuple[str, bool]] = {
    # key: (label, sees the sensitive record)
    "key_adult": ("A new key adult", True),
    "next_school": ("The designated teacher at the next school or setting", True),
    "teacher": ("A new class teacher", False),
    "office": ("Office staff", False),
}

ALL_SECTIONS = ("profile", "relationships", "contacts", "needs", "plans", "chronology")
SHARED_SECTIONS = ("profile", "relationships")


def sections_for(recipient: str) -> tuple[str, ...]:
    """The sections of the pack this recipient may have; an unknown recipient gets the least."""
    _, sensitive = RECIPIENTS.get(recipient, ("", False))
    return ALL_SECTIONS if sensitive else SHARED_SECTIONS
