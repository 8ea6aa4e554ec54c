"""Checking the audit record's chains for edits and cuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attune.auditlog.chain import GENESIS, chain_key, chain_name, event_hash
from attune.auditlog.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from attune.people.models import School


def audit_chain_verify(school: School | None = None) -> int | None:
    """Recompute the chains (one school's, or every one); return the first bad event's id.

    Also notices events removed from the end of a chain, by comparing with its head.
    """
    events = AuditEvent.objects.order_by("id")
    if school is not None:
        events = events.filter(school=school)
    previous: dict[str, str] = {}
    last_ids: dict[str, int] = {}
    key = chain_key()
    for event in events.iterator():
        chain = chain_name(event.school_id)
        expected_previous = previous.get(chain, GENESIS)
        if (
            event.previous_hash != expected_previous
            or event_hash(expected_previous, event, key) != event.entry_hash
        ):
            return event.pk
        previous[chain] = event.entry_hash
        last_ids[chain] = event.pk
    return _truncated_chain(previous, last_ids, school)


def _truncated_chain(
    tails: dict[str, str], last_ids: dict[str, int], school: School | None
) -> int | None:
    """Events deleted from the end of a chain leave its head pointing past the last event.

    Returns the id of the last surviving event of such a chain (0 if it has none left).
    """
    heads = AuditChainHead.objects.all()
    if school is not None:
        heads = heads.filter(chain=chain_name(school.pk))
    for head in heads:
        tail = tails.get(head.chain, GENESIS)
        if head.last_hash != tail:
            return last_ids.get(head.chain, 0)
    return None
