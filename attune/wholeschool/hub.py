"""The whole-school page: one place that leads to each part of the school's relational work.

Each entry names the page it opens and the permission that page needs, so a member sees only
what they can open. A new whole-school feature is one more line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from attune.accounts.models import Membership
from attune.accounts.roles import Permission


@dataclass(frozen=True)
class Entry:
    title: str
    description: str
    url_name: str
    permission: Permission


@dataclass(frozen=True)
class Link:
    title: str
    description: str
    url: str


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "You said, we did",
        "Concerns and ideas from children, families and staff, and what the school did about them.",
        "plans:you_said_school",
        Permission.CHECK_IN,
    ),
    Entry(
        "Relational Approaches Audit",
        "Rate how the school helps children feel safe, known and connected, and plan what next.",
        "wholeschool:relational_audit_list",
        Permission.RUN_RELATIONAL_AUDIT,
    ),
    Entry(
        "Belonging survey",
        "Ask children how much they feel they belong, and see the results by year and group.",
        "belonging:round_list",
        Permission.MANAGE_SURVEYS,
    ),
    Entry(
        "Survey kiosk",
        "Hand a tablet to a child so they can answer the belonging survey, with read-aloud.",
        "belonging:kiosk_home",
        Permission.RUN_SURVEY_KIOSK,
    ),
    Entry(
        "Staff training",
        "Courses, who has been on them, and whose training is due or overdue.",
        "training:overview",
        Permission.MANAGE_TRAINING,
    ),
    Entry(
        "Supervision",
        "Supervision for key adults: when it happened, what was agreed, and who is overdue.",
        "training:supervision",
        Permission.MANAGE_SUPERVISION,
    ),
    Entry(
        "Your training and supervision",
        "The courses you have been on, what is due, and your own supervision record.",
        "training:mine",
        Permission.CHECK_IN,
    ),
    Entry(
        "Interventions",
        "What the school offers, who takes part, and how much difference it is making.",
        "interventions:catalogue",
        Permission.MANAGE_INTERVENTIONS,
    ),
    Entry(
        "Incidents",
        "Record what happened, how the child was helped to calm, and what was talked through.",
        "incidents:school",
        Permission.RECORD_INCIDENTS,
    ),
    Entry(
        "Personal Education Plans",
        "Each looked-after child's plan for this term: due, overdue, held or signed off.",
        "pep:school",
        Permission.VIEW_ALL_SENSITIVE,
    ),
    Entry(
        "Sharing with the Virtual School",
        "Choose which groups of children the local authority's Virtual School may see by name.",
        "sharing:edit",
        Permission.SHARE_WITH_VIRTUAL_SCHOOL,
    ),
    Entry(
        "Connection to your MIS",
        "Pupils, staff, families and registers read from the school's MIS: status and sync.",
        "mis:connection",
        Permission.MANAGE_MIS_CONNECTION,
    ),
)


def links_for(membership: Membership, urn: str) -> list[Link]:
    return [
        Link(entry.title, entry.description, reverse(entry.url_name, kwargs={"urn": urn}))
        for entry in ENTRIES
        if membership.can(entry.permission)
    ]


def has_any(membership: Membership | None) -> bool:
    return membership is not None and any(membership.can(e.permission) for e in ENTRIES)
