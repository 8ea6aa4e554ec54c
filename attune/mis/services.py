""" "Sync now" from the "Connection to your MIS" page (the Wonde id itself is set through
``people.school_ids``, which ``attune add_school --wonde-id`` uses too)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.errors import AttuneError
from attune.mis.domain.wonde import KINDS
from attune.mis.models import MisConnection
from attune.people.models import School


def sync_request(
    *, actor: User, school: School, now: datetime, kinds: Sequence[str] = KINDS
) -> None:
    """Queue a sync of ``kinds`` for the background worker ("sync now")."""
    from attune.mis.tasks import sync_school  # the task module imports the sync

    if not school.wonde_id:
        raise AttuneError("Enter the school's Wonde id first.", "mis.no_wonde_id", "wonde_id")
    if not settings.ATTUNE_WONDE_TOKEN:
        raise AttuneError(
            "The server has no Wonde token yet, so there is nothing to sync with.",
            "mis.no_token",
        )
    with transaction.atomic():
        connection, _ = MisConnection.objects.select_for_update().get_or_create(school=school)
        connection.sync_requested_at = now
        connection.save(update_fields=["sync_requested_at"])
        record(Action.MIS_SYNC_REQUESTED, connection, actor=actor, changes={"kinds": list(kinds)})
        transaction.on_commit(lambda: sync_school.enqueue(school.pk, list(kinds), actor.pk))
