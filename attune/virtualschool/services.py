"""Writes for the Virtual School side: sharing agreements and API tokens. (Reads of a child are
logged by the audit record itself: ``children.py`` notes each one.)"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.access.standing import forget
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
from attune.errors import AttuneError
from attune.people.models import LocalAuthority, School

from .models import ApiToken, SharingAgreement
from .sharing import VIRTUAL_SCHOOL_COHORT_VALUES

TOKEN_PREFIX = "att_"  # noqa: S105 - a label, not a secret


class VirtualSchoolError(AttuneError):
    pass


def sharing_agreement_set(*, actor: User, school: School, cohorts: list[str]) -> SharingAgreement:
    """Record which cohorts the school shares with its Virtual School (audited)."""
    unknown = set(cohorts) - set(VIRTUAL_SCHOOL_COHORT_VALUES)
    if unknown:
        raise VirtualSchoolError(
            "Only the Virtual School's cohorts can be shared.", "sharing.unknown_cohort", "cohorts"
        )
    chosen = [c for c in VIRTUAL_SCHOOL_COHORT_VALUES if c in cohorts]
    with transaction.atomic():
        agreement = SharingAgreement.objects.select_for_update().filter(school=school).first()
        before = list(agreement.cohorts) if agreement else []
        if agreement is None:
            agreement = SharingAgreement(school=school)
        agreement.cohorts = chosen
        agreement.agreed_by = actor
        agreement.agreed_at = timezone.now()
        agreement.save()
        record(
            Action.VS_SHARING_CHANGED, agreement, actor=actor, changes={"cohorts": [before, chosen]}
        )
    # Who the Virtual School may see has changed: answers kept for this request are stale.
    forget()
    return agreement


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: User, authority: LocalAuthority, name: str) -> tuple[ApiToken, str]:
    """A new token for the authority's systems; the secret is returned once and not kept."""
    name = name.strip()
    if not name:
        raise VirtualSchoolError(
            "Give the token a name, such as the system that will use it.",
            "token.name_missing",
            "name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                local_authority=authority,
                name=name,
                token_hash=_hash(secret),
                prefix=secret[: len(TOKEN_PREFIX) + 4],
                created_by=actor,
            )
            record(
                Action.VS_API_TOKEN_CREATED,
                token,
                actor=actor,
                school=None,
                changes={"name": name},
            )
    except IntegrityError:
        raise VirtualSchoolError(
            "A live token already has that name.", "token.name_taken", "name"
        ) from None
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    save_recorded(
        Action.VS_API_TOKEN_REVOKED, token, actor=actor, school=None, fields=["revoked_at"]
    )


def api_token_find(secret: str) -> ApiToken | None:
    """The live token with this secret, its last use noted (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("local_authority")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() >= 60:
        token.last_used = now
        token.save(update_fields=["last_used"])
    return token
