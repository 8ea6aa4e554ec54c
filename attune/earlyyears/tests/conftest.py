"""An early years setting built on the shared ``world``: a room, and Maya with a key person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from attune.earlyyears.models import Room
    from attune.relationships.models import KeyAdultRelationship
    from attune.testing import SchoolWorld


@dataclass
class Setting:
    world: SchoolWorld
    room: Room
    relationship: KeyAdultRelationship


@pytest.fixture
def setting(world: SchoolWorld) -> Setting:
    from datetime import timedelta

    from django.utils import timezone

    from attune.earlyyears.models import Room, RoomPlacement
    from attune.people.models import Phase
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    world.school.phase = Phase.EARLY_YEARS
    world.school.save(update_fields=["phase"])
    with school_scope(world.school):
        room = Room.objects.create(school=world.school, name="Robins")
        for child in (world.child, world.looked_after_child):
            RoomPlacement.objects.create(school=world.school, pupil=child, room=room)
        relationship = KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            co_worker=world.other_adult,
            started_on=timezone.localdate() - timedelta(days=30),
            reason="Knows the family.",
        )
    return Setting(world, room, relationship)
