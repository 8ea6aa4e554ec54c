"""Changes to schools and pupils, each audited in the same transaction."""

from __future__ import annotations

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.people.models import LocalAuthority, Phase, Pupil, School


def school_add_or_update(
    *,
    urn: str,
    name: str,
    phase: str,
    la_code: int | None,
    la_name: str | None = None,
    estab: str | None = None,
) -> tuple[School, bool]:
    """Idempotent by URN: an existing school is updated. Returns the school and if it is new.

    ``la_name`` names (or renames) the local authority; without it a new one is called
    "Local authority NNN" until someone gives its name. ``estab`` is the DfE establishment
    number (four digits): with the LA number it is how Common Transfer Files name the school.
    """
    if estab is not None and not (len(estab) == 4 and estab.isascii() and estab.isdigit()):
        raise ValueError(f"Establishment number {estab!r} should be four digits, e.g. 2001.")
    if phase not in Phase.values:
        raise ValueError(f"Unknown phase {phase!r}: use one of {', '.join(Phase.values)}.")
    if not (urn.isdigit() and 5 <= len(urn) <= 7):
        raise ValueError(f"URN {urn!r} should be the school's 6-digit unique reference number.")
    if not name.strip():
        raise ValueError("Please give the school's name.")
    with transaction.atomic():
        # Without --la an existing school keeps its local authority rather than losing it.
        defaults: dict[str, object] = {"name": name, "phase": phase}
        la = None
        if la_code is not None:
            la = _local_authority(la_code, la_name)
            defaults["local_authority"] = la
        if estab is not None:
            defaults["estab"] = estab
            _check_estab(urn, la, estab)
        school, created = School.objects.update_or_create(urn=urn, defaults=defaults)
        la = school.local_authority
        record(
            Action.SCHOOL_ADDED if created else Action.SCHOOL_UPDATED,
            school,
            actor=None,
            changes={
                "name": name,
                "phase": phase,
                "la": la.code if la else None,
                "la_name": la.name if la else None,
                "estab": school.estab or None,
            },
        )
    return school, created


def _check_estab(urn: str, la: LocalAuthority | None, estab: str) -> None:
    """LA + establishment number name one school; refuse a second school with the same pair."""
    if la is None:
        existing = School.objects.filter(urn=urn).select_related("local_authority").first()
        la = existing.local_authority if existing else None
    if la is None:
        raise ValueError("An establishment number needs the local authority's number too (--la).")
    clash = School.objects.filter(local_authority=la, estab=estab).exclude(urn=urn).first()
    if clash is not None:
        raise ValueError(
            f"{clash.name} (URN {clash.urn}) already has LA {la.code} and establishment "
            f"number {estab}."
        )


def _local_authority(code: int, name: str | None) -> LocalAuthority:
    if not 0 < code <= 999:
        raise ValueError(f"Local authority number {code} should have three digits, e.g. 886.")
    la, created = LocalAuthority.objects.get_or_create(
        code=code, defaults={"name": name or f"Local authority {code}"}
    )
    if name and not created and la.name != name:
        la.name = name
        la.save(update_fields=["name"])
    return la


def pupil_about_update(*, actor: User, pupil: Pupil, about_me: str, what_helps: str) -> None:
    with transaction.atomic():
        before = {"about_me": pupil.about_me, "what_helps": pupil.what_helps}
        pupil.about_me = about_me.strip()
        pupil.what_helps = what_helps.strip()
        pupil.save(update_fields=["about_me", "what_helps", "updated_at"])
        record(
            Action.ABOUT_ME_UPDATED,
            pupil,
            actor=actor,
            changes={
                k: [before[k], getattr(pupil, k)] for k in before if before[k] != getattr(pupil, k)
            },
        )
