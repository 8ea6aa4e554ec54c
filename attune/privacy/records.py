"""Which records are about a child, found from the app registry so new apps are covered.

A *record kind* is every school-owned model with a foreign key to ``Pupil`` (plus the pupil row
itself), named by its ``app_label.model``. Retention, the subject access export and erasure all
walk the same list, so a new app's records are exported, erased and (under the safe default,
"keep") never removed by retention until someone chooses a rule for them.

Who may read a record is the access rules' business (``attune.access``): a kind that carries a
level of note (``sensitivity``) is read at that level; any other kind by whoever has the right
that governs it (:func:`right_for`), which for most is the child's sensitive record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from attune.access.rules import Right
from attune.people.models import Pupil
from attune.tenancy import SchoolOwned

PUPIL_KIND = "people.pupil"
OWN_APP = "privacy"  # legal holds and requests are about the process, not records to retain
LEVEL_FIELD = "sensitivity"  # the level of note a record carries (``attune.access.levels``)

# The right that governs reading a kind of record with no level of its own, where it is not
# the child's sensitive record (cohort flags, needs, plans, check-ins, attendance...).
_RIGHTS: dict[str, Right] = {
    PUPIL_KIND: Right.SEE_CHILD,  # the child's own page: name, class, "about me"
    "incidents": Right.SEE_ALL_INCIDENTS,
    "pep": Right.READ_PEPS,
}


@dataclass(frozen=True)
class RecordKind:
    label: str  # "app_label.model"
    model: type[models.Model]
    pupil_field: str | None  # the foreign key to the child; None for the pupil row itself
    date_fields: tuple[str, ...]  # every date and date-time field, for date-based rules
    datetime_fields: frozenset[str]

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def levelled(self) -> bool:
        """Each record carries its own level of note (``sensitivity``)."""
        return any(f.name == LEVEL_FIELD for f in self.model._meta.concrete_fields)

    @property
    def right(self) -> Right:
        """The right over the child that reading this kind needs; a record with a level of note
        needs only to see the child, and then that level (``access.children.levels``)."""
        return Right.SEE_CHILD if self.levelled else right_for(self.label)

    def level_of(self, obj: models.Model) -> str | None:
        """The record's level of note, if its kind carries one."""
        return str(getattr(obj, LEVEL_FIELD)) if self.levelled else None

    def for_pupil(self, pupil_id: uuid.UUID) -> models.QuerySet[Any]:
        """This kind's rows about one child (inside the open school scope)."""
        manager = self.model._default_manager
        if self.pupil_field is None:
            return manager.filter(pk=pupil_id)
        return manager.filter(**{f"{self.pupil_field}_id": pupil_id})


def right_for(label: str) -> Right:
    """The right that governs reading a kind of record (``app.model``) with no level of its own."""
    if label in _RIGHTS:
        return _RIGHTS[label]
    return _RIGHTS.get(label.partition(".")[0], Right.SEE_SENSITIVE)


def _dates(model: type[models.Model]) -> tuple[tuple[str, ...], frozenset[str]]:
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
    names = tuple(f.name for f in fields)
    return names, frozenset(f.name for f in fields if isinstance(f, models.DateTimeField))


def _pupil_field(model: type[models.Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Pupil:
            return field.name
    return None


@cache
def record_kinds() -> tuple[RecordKind, ...]:
    """Every kind of record about a child except the pupil row, sorted by label."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, SchoolOwned) or model._meta.app_label == OWN_APP:
            continue
        pupil_field = _pupil_field(model)
        if pupil_field is None:
            continue
        dates, datetimes = _dates(model)
        found.append(RecordKind(model._meta.label_lower, model, pupil_field, dates, datetimes))
    return tuple(sorted(found, key=lambda kind: kind.label))


@cache
def pupil_kind() -> RecordKind:
    dates, datetimes = _dates(Pupil)
    return RecordKind(PUPIL_KIND, Pupil, None, dates, datetimes)


def all_kinds() -> tuple[RecordKind, ...]:
    return (pupil_kind(), *record_kinds())


def kind_named(label: str) -> RecordKind | None:
    return next((kind for kind in all_kinds() if kind.label == label), None)


def plain(value: Any) -> Any:
    """A field's value as JSON: dates as ISO 8601, ids and decimals as strings."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def row_values(kind: RecordKind, obj: models.Model) -> dict[str, Any]:
    """Every stored field of one record, by column name, except the school and the child."""
    skip = {"school", kind.pupil_field}
    return {
        field.attname: plain(field.value_from_object(obj))
        for field in kind.model._meta.concrete_fields
        if field.name not in skip
    }
