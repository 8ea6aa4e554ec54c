"""Saving a row with its audit event, the shapes services repeat.

``save_recorded(action, row, actor=..., changes=...)`` saves a new row (or only ``fields`` of
one) and records the action in the same transaction. ``update_recorded(action, row, values,
actor=...)`` sets ``values`` on a row, saves only those fields and records [before, after] for
each value that changed. ``changed(before, after)`` is that [before, after] for two plain
snapshots. As with ``record``, changes keyed by a field the model marks sensitive are kept as
digests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model

from attune.auditlog.actions import Action
from attune.auditlog.record import FROM_OBJECT, record

if TYPE_CHECKING:
    from attune.accounts.models import User


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """[before, after] for each value of ``after`` that differs from ``before`` (a value
    ``before`` lacks was None)."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def save_recorded[Row: Model](
    action: Action,
    row: Row,
    *,
    actor: User | None,
    changes: Mapping[str, Any] | None = None,
    pupil: Any = FROM_OBJECT,
    school: Any = FROM_OBJECT,
    fields: Sequence[str] | None = None,
) -> Row:
    """Save ``row`` and record ``action`` about it in one transaction: a new row, or only
    ``fields`` of one already saved (``pupil`` and ``school`` as for ``record``)."""
    with transaction.atomic():
        if fields is None:
            row.save(force_insert=True)
        else:
            row.save(update_fields=fields)
        record(action, row, actor=actor, pupil=pupil, changes=changes, school=school)
    return row


def _as_is(value: Any) -> Any:
    return value


def update_recorded[Row: Model](
    action: Action,
    row: Row,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    pupil: Any = FROM_OBJECT,
    logged: Callable[[Any], Any] = _as_is,
    also_save: Sequence[str] = (),
) -> Row:
    """Set ``values`` on ``row``, save those fields (and ``also_save``, such as an
    ``updated_at``) and record [before, after] of each value that changed, as ``logged``
    writes a value for the record."""
    changes = {
        name: [logged(getattr(row, name)), logged(value)]
        for name, value in values.items()
        if getattr(row, name) != value
    }
    for name, value in values.items():
        setattr(row, name, value)
    return save_recorded(
        action, row, actor=actor, pupil=pupil, changes=changes, fields=[*values, *also_save]
    )
