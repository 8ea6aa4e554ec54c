"""Changes to schools and pupils, each audited in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.people.models import LocalAuthority, Phase, Pupil, School


def school_add_or_update(
    *, urn: str, name: str, phase: str, la_code: int | None
) -> tuple[School, bool]:
    """Idempotent by URN: an existing school is updated. Returns the school and if it is new."""
    if phase not in Phase.values:
        raise ValueError(f"Unknown phase {phase!r}: use one of {', '.join(Phase.values)}.")
    if not (urn.isdigit() and 5 <= len(urn) <= 7):
        raise ValueError(f"URN {urn!r} should be the school's 6-digit unique reference number.")
    with transaction.atomic():
        la = None
        if la_code is not None:
            la, _ = LocalAuthority.objects.get_or_create(
                code=la_code, defaults={"name": f"Local authority {la_code}"}
            )
        school, created = School.objects.update_or_create(
            urn=urn, defaults={"name": name, "phase": phase, "local_authority": la}
        )
        audit_log(
            actor=None,
            action="people.school.added" if created else "people.school.updated",
            obj=school,
            school=school,
            changes={"name": name, "phase": phase, "la": la_code},
        )
    return school, created


def pupil_about_update(
    *, actor: User, pupil: Pupil, about_me: str, what_helps: str, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        before = {"about_me": pupil.about_me, "what_helps": pupil.what_helps}
        pupil.about_me = about_me.strip()
        pupil.what_helps = what_helps.strip()
        pupil.save(update_fields=["about_me", "what_helps", "updated_at"])
        audit_log(
            actor=actor,
            action="people.pupil.about_updated",
            obj=pupil,
            school=pupil.school,
            pupil=pupil,
            changes={
                k: [before[k], getattr(pupil, k)] for k in before if before[k] != getattr(pupil, k)
            },
            request=request,
        )


def pupil_viewed(*, actor: User, pupil: Pupil, request: HttpRequest, what: str = "record") -> None:
    """Every read of a child's record is logged."""
    audit_log(
        actor=actor,
        action=f"people.pupil.{what}_viewed",
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
        request=request,
    )
