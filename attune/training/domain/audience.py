"""Who a course is for, and how many of them are trained.

A course names its audience as staff job roles (teaching assistant, ELSA ...), Attune roles
(strategic attachment lead, key adult ...) or everyone. Someone counts as a *key adult* when
they hold key children today or sign in with the key adult role, whatever their job title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

KEY_ADULT = "key_adult"


@dataclass(frozen=True, slots=True)
class Audience:
    everyone: bool
    job_roles: frozenset[str]
    attune_roles: frozenset[str]

    def includes(self, person: Person) -> bool:
        return (
            self.everyone
            or person.job_role in self.job_roles
            or bool(self.attune_roles & person.attune_roles)
        )

    def groups(self) -> list[tuple[str, str]]:
        """The groups coverage is shown for: ("everyone", ""), ("job", role), ("attune", role)."""
        if self.everyone:
            return [("everyone", "")]
        return [("attune", r) for r in sorted(self.attune_roles)] + [
            ("job", r) for r in sorted(self.job_roles)
        ]


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    job_role: str
    attune_roles: frozenset[str]

    def in_group(self, kind: str, value: str) -> bool:
        if kind == "everyone":
            return True
        if kind == "job":
            return self.job_role == value
        return value in self.attune_roles


def attune_roles_of(membership_roles: Iterable[str], *, holds_key_children: bool) -> frozenset[str]:
    roles = set(membership_roles)
    if holds_key_children:
        roles.add(KEY_ADULT)
    return frozenset(roles)


@dataclass(frozen=True, slots=True)
class Coverage:
    kind: str
    value: str
    trained: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.trained / self.total) if self.total else 0


def coverage(
    audience: Audience, people: Sequence[Person], up_to_date: Mapping[str, bool]
) -> tuple[Coverage, list[Coverage]]:
    """Trained-and-current out of everyone the course is for, then the same for each group.

    ``up_to_date`` maps a person's id to whether their training is current (missing: not
    trained). A person in two groups counts once in the total and once in each group.
    """
    members = [p for p in people if audience.includes(p)]
    total = Coverage("all", "", sum(up_to_date.get(p.id, False) for p in members), len(members))
    groups = []
    for kind, value in audience.groups():
        inside = [p for p in members if p.in_group(kind, value)]
        trained = sum(up_to_date.get(p.id, False) for p in inside)
        groups.append(Coverage(kind, value, trained, len(inside)))
    return total, groups
