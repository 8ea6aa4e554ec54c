"""The family page and the office's list keep their query counts as a school's records grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune.accounts.testing import sign_in_by_link
from attune.families.models import AbsenceReport
from attune.families.testing import Family, let_in, note_home
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def test_the_family_page_reads_in_a_fixed_number_of_queries(
    world: SchoolWorld, family: Family, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for days in range(1, 9):
        note_home(world, on=timezone.localdate() - timedelta(days=days))
    client = sign_in_by_link(Client(), let_in(family.mum))
    url = reverse("family:child", kwargs={"pupil_id": world.child.pk})
    client.get(url)
    # The same count with one note as with eight: no query per note (session, the family tie
    # and the contact, each part of the page once, and the read written to the audit record).
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200


def test_the_office_list_reads_in_a_fixed_number_of_queries(
    world: SchoolWorld,
    family: Family,
    signed_in: SignedIn,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    today = timezone.localdate()
    with school_scope(world.school):
        AbsenceReport.objects.bulk_create(
            AbsenceReport(
                school=world.school,
                pupil=world.child,
                contact=family.mum.contact,
                first_day=today + timedelta(days=n),
                last_day=today + timedelta(days=n),
                reason="Ill",
            )
            for n in range(20)
        )
    office = signed_in(world.office)
    url = reverse("families:absences", kwargs={"urn": world.school.urn})
    office.get(url)
    with django_assert_max_num_queries(9):
        assert office.get(url).status_code == 200
