"""An append-only record of who read or changed what, chained by hashes so edits show."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One read or change. ``entry_hash`` covers the event and the previous event's hash.

    Each school has its own chain (events with no school form one more), so recording a read
    in one school never waits on another school's writes, and a school's log can be moved or
    verified on its own. Not scoped by django-scopes: events are written from inside any
    school's scope; whatever reads them must filter by school.
    """

    # Every read filters by school, which leads the (school, at, pupil) index.
    # No database constraint: PostgreSQL checks one with a query per event at commit, 1.0 s of
    # a county's daily import of 250,000 events (docs/county-scale.md). Events are written
    # only inside a school's own transaction, with its chain head locked, and Django still
    # refuses to delete a school that has events (``PROTECT``).
    school = models.ForeignKey(
        "people.School",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    pupil_id = models.UUIDField(null=True)  # read with its school: (school, at, pupil)
    changes = models.JSONField(default=dict)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        # A county's daily import writes 250,000 events, and every index is written for each
        # (docs/county-scale.md), so only what reads use: a school's events newest first (the
        # audit page), with the child in the index so that a child's events are picked out
        # there; one action's events (break-glass reads). Every index is written at its end:
        # one keyed by child first took each day's events at every child's place, and on a
        # year-old log (47 M events) that took a county's import from 16 s to 19-21 s (and
        # 30 s after a restart), where scanning a school's year for one child takes 8 ms.
        # Not the pattern-matching twin of ``action`` that ``db_index=True`` also builds, and
        # nothing on ``entry_hash``: a unique index of random 64-character keys took as long
        # to write as the rest together, and the chain itself shows a copied or altered event.
        indexes = [
            models.Index(fields=["school", "at", "pupil_id"], name="audit_school_at_pupil"),
            models.Index(fields=["action"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """The end of one chain, locked while an event is appended so it never forks.

    It also carries how many events the chain holds and ``signature``, an HMAC over (chain,
    count, last hash) with the server's key (``chain.head_signature``): someone who can write
    the database but does not hold the key can cut events from the end of a chain, but cannot
    move its head to match.
    """

    chain = models.CharField(max_length=24, primary_key=True)  # "school-<id>" or "system"
    last_hash = models.CharField(max_length=64, default="0" * 64)
    event_count = models.BigIntegerField(default=0)
    signature = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.chain}: {self.last_hash}"
