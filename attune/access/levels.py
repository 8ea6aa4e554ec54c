"""The level a note carries, as a model field: every note-bearing model offers the same choice.

The values are :class:`attune.access.rules.Level`'s; who may read each is decided there.
"""

from __future__ import annotations

from django.db import models


class Sensitivity(models.TextChoices):
    EVERYONE = "everyone", "Everyone who works with the child"
    TEAM = "team", "The child's team"
    DSL = "dsl", "Designated safeguarding lead only"


def sensitivity_field() -> models.CharField[str, str]:
    """The field each note-bearing model adds."""
    return models.CharField(
        "Who may read this",
        max_length=8,
        choices=Sensitivity.choices,
        default=Sensitivity.TEAM,
        help_text="Notes for the safeguarding lead only are hidden from everyone else, "
        "including the person who wrote them.",
    )
