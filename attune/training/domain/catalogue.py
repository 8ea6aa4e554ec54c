"""The courses a school starts with. The school can change or retire any of them.

Job roles and Attune roles are their stored values (``attune.people.models.JobRole``,
``attune.accounts.roles.Role``), kept as plain strings so this stays free of Django.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SuggestedCourse:
    name: str
    description: str
    renew_every_months: int | None  # None: taken once
    everyone: bool = False
    job_roles: tuple[str, ...] = ()
    attune_roles: tuple[str, ...] = ()


SUPPORT_STAFF = ("teaching_assistant", "elsa", "learning_mentor", "early_years_practitioner")

SUGGESTED_COURSES: tuple[SuggestedCourse, ...] = (
    SuggestedCourse(
        "Attachment lead training",
        "The modular course for the school's strategic attachment lead, taken over a school "
        "year: developmental trauma and loss, assessment, and supporting other staff.",
        None,
        job_roles=("senco", "dsl", "pastoral_lead"),
        attune_roles=("attachment_lead",),
    ),
    SuggestedCourse(
        "Trauma-informed practice",
        "How early adversity shapes behaviour and learning, and how adults can respond with "
        "safety and connection first.",
        36,
        job_roles=("teacher", *SUPPORT_STAFF, "pastoral_lead"),
        attune_roles=("key_adult",),
    ),
    SuggestedCourse(
        "Video Interaction Guidance (VIG)",
        "Using short clips of good moments to help adults and children notice what works "
        "between them.",
        None,
        job_roles=("elsa", "pastoral_lead"),
        attune_roles=("attachment_lead",),
    ),
    SuggestedCourse(
        "Video Enhanced Reflective Practice (VERP)",
        "Staff reflect together on clips of their own interactions, guided by the principles "
        "of attuned contact.",
        36,
        attune_roles=("key_adult",),
    ),
    SuggestedCourse(
        "Emotion coaching",
        "Noticing and naming feelings with a child, setting limits where needed, and solving "
        "the problem together.",
        36,
        job_roles=("teacher", *SUPPORT_STAFF),
        attune_roles=("key_adult",),
    ),
    SuggestedCourse(
        "Safeguarding",
        "The yearly refresher every adult in school needs: signs to look for, how to record "
        "and who to tell.",
        12,
        everyone=True,
    ),
    SuggestedCourse(
        "Emotionally based school avoidance (EBSA)",
        "Understanding why some children find it too hard to come to school, and planning a "
        "gentle return with them and their family.",
        36,
        job_roles=("pastoral_lead", "senco", "dsl", "learning_mentor", "office"),
        attune_roles=("key_adult",),
    ),
)
