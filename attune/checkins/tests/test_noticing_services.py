"""The services behind noticing, sharing and keeping in touch raise errors with stable codes."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from attune.checkins.models import FamilySharing
from attune.checkins.services import (
    CheckinError,
    Contact,
    Routine,
    SharingTerms,
    WhatWasNoticed,
    family_sharing_save,
    keep_in_touch_contact_log,
    keep_in_touch_routine_save,
    noticing_record,
)
from attune.checkins.tests.conftest import make_relationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
GOOD = WhatWasNoticed(on=TODAY, proud_of="My model.", noticed="Kind to a friend.")


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (SharingTerms(channel="pigeon"), "checkins.sharing.channel"),
        (SharingTerms(channel="email"), "checkins.sharing.no_email"),
        (SharingTerms(channel="email", email="a@example.test"), "checkins.sharing.no_consent"),
        (
            SharingTerms(channel="phone", consent_given_on=TODAY),
            "checkins.sharing.consent_by",
        ),
        (
            SharingTerms(
                channel="phone", consent_given_by="Mum", consent_given_on=TODAY + timedelta(1)
            ),
            "checkins.sharing.consent_future",
        ),
    ],
)
def test_sharing_errors_have_codes(world: SchoolWorld, terms: SharingTerms, code: str) -> None:
    with school_scope(world.school), pytest.raises(CheckinError) as raised:
        family_sharing_save(actor=world.lead, pupil=world.child, terms=terms, today=TODAY)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("what", "sharing", "code"),
    [
        (
            WhatWasNoticed(on=TODAY + timedelta(1), proud_of="x", noticed="y"),
            None,
            "checkins.noticing.future",
        ),
        (WhatWasNoticed(on=TODAY, proud_of=" ", noticed="y"), None, "checkins.noticing.proud_of"),
        (WhatWasNoticed(on=TODAY, proud_of="x", noticed=""), None, "checkins.noticing.noticed"),
        (
            WhatWasNoticed(on=TODAY, proud_of="x", noticed="y", shared_by="fax"),
            None,
            "checkins.noticing.channel",
        ),
        (
            WhatWasNoticed(on=TODAY, proud_of="x", noticed="y", shared_by="phone"),
            None,
            "checkins.noticing.phone_outcome",
        ),
        (
            WhatWasNoticed(on=TODAY, proud_of="x", noticed="y", shared_by="email"),
            None,
            "checkins.noticing.no_email",
        ),
        (
            WhatWasNoticed(on=TODAY, proud_of="x", noticed="y", shared_by="email"),
            {"channel": "phone", "email": "a@example.test"},
            "checkins.noticing.no_consent",
        ),
    ],
)
def test_noticing_errors_have_codes(
    world: SchoolWorld, what: WhatWasNoticed, sharing: dict[str, str] | None, code: str
) -> None:
    make_relationship(world)
    with school_scope(world.school):
        if sharing:
            FamilySharing.objects.create(school=world.school, pupil=world.child, **sharing)
        with pytest.raises(CheckinError) as raised:
            noticing_record(
                actor=world.key_adult_user,
                staff=world.key_adult,
                pupil=world.child,
                what=what,
                today=TODAY,
            )
    assert raised.value.code == code


def test_noticing_for_someone_else_s_child_has_its_code(world: SchoolWorld) -> None:
    make_relationship(world)
    with school_scope(world.school), pytest.raises(CheckinError) as raised:
        noticing_record(
            actor=world.key_adult_user,
            staff=world.key_adult,
            pupil=world.looked_after_child,
            what=GOOD,
            today=TODAY,
        )
    assert (raised.value.code, raised.value.field) == ("checkins.noticing.not_yours", "pupil")


def test_keeping_in_touch_errors_have_codes(world: SchoolWorld, other_world: SchoolWorld) -> None:
    with school_scope(world.school):
        with pytest.raises(CheckinError) as raised:
            keep_in_touch_routine_save(
                actor=world.lead,
                pupil=world.child,
                routine=Routine(staff=other_world.key_adult, at=time(9, 30), by="phone"),
            )
        assert raised.value.code == "checkins.routine.staff"
        with pytest.raises(CheckinError) as raised:
            keep_in_touch_routine_save(
                actor=world.lead,
                pupil=world.child,
                routine=Routine(staff=world.key_adult, at=time(9, 30), by="owl"),
            )
        assert raised.value.code == "checkins.routine.by"
        for contact, code in (
            (Contact(on=TODAY + timedelta(1), by="phone", outcome="no_answer"), "future"),
            (Contact(on=TODAY, by="owl", outcome="no_answer"), "by"),
            (Contact(on=TODAY, by="phone", outcome="maybe"), "outcome"),
        ):
            with pytest.raises(CheckinError) as raised:
                keep_in_touch_contact_log(
                    actor=world.lead, staff=None, pupil=world.child, contact=contact, today=TODAY
                )
            assert raised.value.code == f"checkins.contact.{code}"
