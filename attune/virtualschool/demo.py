"""The demo's Virtual School: a head of the Virtual School and each school's sharing choice.

Called by the demo (``attune/demo/generator.py``) once its schools exist, with the demo's shared
password: a feature app never imports the demo itself. Synthetic, like everything in the demo;
idempotent.
"""

from __future__ import annotations

import random

from django.utils import timezone

from attune.accounts.models import User
from attune.people.models import LocalAuthority, School
from attune.tenancy import school_scope

from .models import AuthorityMembership, AuthorityRole, SharingAgreement
from .sharing import VIRTUAL_SCHOOL_COHORT_VALUES

HEAD_EMAIL = "virtualschool-la@demo.attune.test"


def build_virtual_school(authority: LocalAuthority, rng: random.Random, *, password: str) -> User:
    """The head of the Virtual School for ``authority``, signing in with ``password``; every
    school of it shares something."""
    user = User.objects.filter(email=HEAD_EMAIL).first() or User.objects.create_user(
        HEAD_EMAIL, password, full_name="Demo Head of the Virtual School"
    )
    AuthorityMembership.objects.get_or_create(
        user=user, local_authority=authority, defaults={"role": AuthorityRole.HEAD}
    )
    for index, school in enumerate(School.objects.filter(local_authority=authority)):
        # The first school shares every cohort; the others the looked-after cohorts and a
        # random few more, so the demo shows both a full and a partial agreement.
        extra = rng.sample(VIRTUAL_SCHOOL_COHORT_VALUES[2:], k=rng.randint(0, 2))
        chosen = (
            VIRTUAL_SCHOOL_COHORT_VALUES
            if index == 0
            else (*VIRTUAL_SCHOOL_COHORT_VALUES[:2], *extra)
        )
        with school_scope(school):
            SharingAgreement.objects.get_or_create(
                school=school,
                defaults={
                    "cohorts": [c for c in VIRTUAL_SCHOOL_COHORT_VALUES if c in chosen],
                    "agreed_at": timezone.now(),
                },
            )
    return user
