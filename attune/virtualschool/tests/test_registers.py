"""Attendance from schools not on Attune: each school's link (no account) to enter or upload the
marks of the Virtual School's children there, counted like any school's; links are
unguessable, expire, can be revoked, are slowed down when hammered, and every use is audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import User
from attune.attendance.domain.calculations import summarise, week_of, year_of_week
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.tenancy import authority_scope
from attune.testing import SchoolWorld, names_in
from attune.virtualschool import registers
from attune.virtualschool.models import (
    AttendanceLink,
    OutsideMark,
    OutsideMarkChange,
    OutsideYearCounts,
    SourceKind,
)
from attune.virtualschool.our_children import our_children
from attune.virtualschool.tests.conftest import MARSH_LANE, OurChildren
from attune.virtualschool.tests.helpers import looked_after
from attune.virtualschool.tests.test_our_children import school_days

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]


def make_link(ours: OurChildren, signed_in: SignedIn) -> str:
    """The officer makes Marsh Lane's link; the page shows it once."""
    client = signed_in(ours.las.kent_officer)
    url = reverse(
        "virtualschool:register_link_new", kwargs={"la_code": 886, "school_urn": MARSH_LANE}
    )
    response = client.post(url)
    assert response.status_code == 200
    found = re.search(
        r'data-testid="new-link">http://testserver(/register/[\w-]+/)<', response.text
    )
    assert found, response.text
    again = client.get(reverse("virtualschool:registers", kwargs={"la_code": 886}))
    assert found.group(1) not in again.text  # shown once, never kept
    return found.group(1)


def kieran_pct(ours: OurChildren) -> float | None:
    with authority_scope(ours.las.kent):
        [row] = [r for r in our_children(timezone.localdate()) if r.child == ours.not_on_attune]
    return row.attendance_pct


def two_days_of_one_week() -> list[date]:
    """The last two school days that share a week (the page shows one week): on a Monday,
    the Thursday and Friday before."""
    recent = school_days(6)
    *_, before, last = [d for d in recent if d.isocalendar()[:2] == recent[-2].isocalendar()[:2]]
    return [before, last]


def box(ours: OurChildren, day: object, session: str) -> str:
    return f"m-{ours.not_on_attune.pk}-{day}-{session}"


def test_marks_entered_through_the_schools_link_count_in_the_childs_figures(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    url = make_link(ours, signed_in)
    public = Client()
    days = two_days_of_one_week()
    week = days[-1] - timedelta(days=days[-1].weekday())
    page = public.get(f"{url}?week={week}")
    assert page.status_code == 200
    assert "Kieran Ashdown" in page.text
    assert not names_in(page.text, "Leo", "Tegan")  # only this school's children
    marks = {box(ours, d, s): c for d in days for s, c in (("AM", "/"), ("PM", "N"))}
    response = public.post(f"{url}?week={week}", marks)
    assert response.status_code == 302
    assert kieran_pct(ours) == 50.0  # the same codes and rules as any school: N is unauthorised
    with authority_scope(ours.las.kent):
        assert OutsideMark.objects.count() == 4
    # Changing a mark keeps the old one in the history.
    public.post(f"{url}?week={week}", {box(ours, days[0], "PM"): "I"})
    assert kieran_pct(ours) == 50.0  # illness is an absence too
    with authority_scope(ours.las.kent):
        change = OutsideMarkChange.objects.get()
    assert (change.old_code, change.new_code) == ("N", "I")
    entered = AuditEvent.objects.filter(action=Action.VS_MARKS_ENTERED.value)
    assert entered.count() == 2 and {e.pupil_id for e in entered} == {ours.not_on_attune.pk}


def test_an_unknown_code_or_a_day_to_come_saves_nothing(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    url = make_link(ours, signed_in)
    day = school_days(2)[-1]
    week = day - timedelta(days=day.weekday())
    response = Client().post(
        f"{url}?week={week}", {box(ours, day, "AM"): "ZZ", box(ours, day, "PM"): "/"}
    )
    assert response.status_code == 400
    assert "not an attendance code we recognise" in response.text
    with authority_scope(ours.las.kent):
        assert not OutsideMark.objects.exists()
    monday = day - timedelta(days=day.weekday())
    cells = registers.grid([ours.not_on_attune], monday)
    posted = {cell.name: "/" for cell in cells}
    _, problems = registers.marks_from_grid(cells, posted, today=monday)
    assert len(problems) == 8 and all("still to come" in p for p in problems.values())


def test_a_register_file_uploads_through_the_link_and_every_bad_row_is_named(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    url = make_link(ours, signed_in)
    day = school_days(1)[0]
    upn = ours.not_on_attune.upn
    bad = (
        "school_urn,upn,date,session,code,minutes_late\n"
        f"{MARSH_LANE},{upn},{day},AM,/,\n"
        f"{MARSH_LANE},{upn},{day},PM,ZZ,\n"
        f"{world.school.urn},{world.looked_after_child.upn},{day},AM,/,\n"
    )
    response = Client().post(
        url + "upload/", {"file": SimpleUploadedFile("marks.csv", bad.encode())}
    )
    assert response.status_code == 400
    assert "Row 3, code" in response.text and "Row 4, school_urn" in response.text
    with authority_scope(ours.las.kent):
        assert not OutsideMark.objects.exists()
    good = "school_urn,upn,date,session,code\n" + f"{MARSH_LANE},{upn},{day},AM,/\n"
    response = Client().post(
        url + "upload/", {"file": SimpleUploadedFile("marks.csv", good.encode())}
    )
    assert response.status_code == 302
    assert kieran_pct(ours) == 100.0


def test_the_officer_uploads_marks_in_the_register_format(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    client = signed_in(ours.las.kent_officer)
    url = reverse("virtualschool:registers", kwargs={"la_code": 886})
    day = school_days(1)[0]
    text = f"school_urn,upn,date,session,code\n{MARSH_LANE},{ours.not_on_attune.upn},{day},AM,O\n"
    response = client.post(url, {"file": SimpleUploadedFile("m.csv", text.encode())})
    assert response.status_code == 302
    assert kieran_pct(ours) == 0.0
    leo = world.looked_after_child
    on_attune = f"school_urn,upn,date,session,code\n{world.school.urn},{leo.upn},{day},AM,/\n"
    response = client.post(url, {"file": SimpleUploadedFile("m.csv", on_attune.encode())})
    assert response.status_code == 400 and "is on Attune" in response.text


def test_a_link_is_unguessable_expires_and_can_be_revoked(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    url = make_link(ours, signed_in)
    secret = url.strip("/").rsplit("/", 1)[1]
    assert len(secret) > 40
    with authority_scope(ours.las.kent):
        link = AttendanceLink.objects.get()
    assert secret not in (link.prefix, link.token_hash)  # only a hash is kept
    assert Client().get("/register/reg_guess/").status_code == 404
    with authority_scope(ours.las.kent):
        AttendanceLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(1))
    assert Client().get(url).status_code == 404
    with authority_scope(ours.las.kent):
        AttendanceLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(1))
    assert Client().get(url).status_code == 200
    officer = signed_in(ours.las.kent_officer)
    revoke = reverse(
        "virtualschool:register_link_revoke", kwargs={"la_code": 886, "link_id": link.pk}
    )
    assert officer.post(revoke).status_code == 302
    assert Client().get(url).status_code == 404
    refused = AuditEvent.objects.filter(action=Action.VS_LINK_REFUSED.value)
    assert sorted(e.changes["why"] for e in refused) == ["expired", "revoked"]
    assert AuditEvent.objects.filter(action=Action.VS_LINK_USED.value).count() == 1


def test_a_link_asked_too_often_is_slowed_down(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn, settings: object
) -> None:
    settings.ATTUNE_REGISTER_LINK_LIMIT = 3  # type: ignore[attr-defined]
    url = make_link(ours, signed_in)
    statuses = [Client().get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_another_authority_cannot_make_or_revoke_kents_links(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    make_link(ours, signed_in)
    with authority_scope(ours.las.kent):
        link = AttendanceLink.objects.get()
    medway = signed_in(ours.las.medway_head)
    for la in (886, 887):
        revoke = reverse(
            "virtualschool:register_link_revoke", kwargs={"la_code": la, "link_id": link.pk}
        )
        assert medway.post(revoke).status_code == 404
    new = reverse(
        "virtualschool:register_link_new", kwargs={"la_code": 887, "school_urn": MARSH_LANE}
    )
    assert medway.post(new).status_code == 302  # none of Medway's children learn there
    with authority_scope(ours.las.medway):
        assert not AttendanceLink.objects.exists()


def test_a_schools_link_reaches_only_its_own_authoritys_children_there(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    """Medway also has a child at Marsh Lane: Kent's link for Marsh Lane shows only Kent's."""
    looked_after(ours.las.medway, child_id="M1", school_urn=MARSH_LANE, forename="Zara")
    url = make_link(ours, signed_in)
    page = Client().get(url)
    assert "Kieran" in page.text and "Zara" not in page.text
    with authority_scope(ours.las.medway):
        zara = registers.children_at(MARSH_LANE, timezone.localdate())[0]
    day = school_days(1)[0]
    week = day - timedelta(days=day.weekday())
    Client().post(f"{url}?week={week}", {f"m-{zara.pk}-{day}-AM": "/"})
    with authority_scope(ours.las.medway):
        assert not OutsideMark.objects.exists()


def test_the_link_page_records_every_read(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    url = make_link(ours, signed_in)
    Client().get(url)
    assert AuditEvent.objects.filter(
        action=Action.RECORD_VIEWED.value, pupil_id=ours.not_on_attune.pk, actor=None
    ).exists()


def test_a_school_on_attune_gets_no_link(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    with pytest.raises(registers.RegisterError) as error, authority_scope(ours.las.kent):
        registers.register_link_create(
            actor=ours.las.kent_officer,
            authority=ours.las.kent,
            school_urn=world.school.urn,
            now=timezone.now(),
        )
    assert error.value.code == "register.school_on_attune"


def test_the_yearly_counts_are_the_marks_counted_again(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    """However marks are added and replaced, the counts the list reads are what counting
    every mark again gives."""
    days = school_days(6)
    kieran = ours.not_on_attune.pk
    for codes in (["/", "N", "E", "I", "L", "/"], ["/", "/", "E", "U", "C", "X"]):
        registers.marks_save(
            authority=ours.las.kent,
            school_urn=MARSH_LANE,
            marks={kieran: [(d, "AM", c, c, None) for d, c in zip(days, codes, strict=True)]},
            kind=SourceKind.OFFICER_UPLOAD,
        )
    with authority_scope(ours.las.kent):
        marks = list(OutsideMark.objects.filter(child_id=kieran))
        kept = {c.year: c for c in OutsideYearCounts.objects.filter(child_id=kieran)}
    for year, counts in kept.items():
        codes = [m.code for m in marks if year_of_week(week_of(m.date)) == year]
        expected = summarise(codes)
        assert (counts.possible, counts.present, counts.unauthorised_absence) == (
            expected.possible,
            expected.present,
            expected.unauthorised_absence,
        )
        assert counts.suspended == codes.count("E")
    assert sum(c.possible for c in kept.values()) == 5  # X is not a possible session
