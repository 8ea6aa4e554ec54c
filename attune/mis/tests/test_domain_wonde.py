"""Reading Wonde's answers: every shape the contract lists, and ``None`` for "not given"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from attune.mis.domain import wonde as w


def page(rows: list[dict[str, object]], meta: object = None) -> bytes:
    document: dict[str, object] = {"data": rows}
    if meta is not None:
        document["meta"] = meta
    return json.dumps(document).encode()


# --- envelopes and pages ---------------------------------------------------------------------


def test_a_page_without_meta_is_the_only_page() -> None:
    assert w.read_page(page([{"id": "A1"}])).next_url is None


@pytest.mark.parametrize("per_page", ["2", 2])
def test_next_is_followed_whether_per_page_is_text_or_a_number(per_page: object) -> None:
    meta = {
        "pagination": {
            "next": "https://api.wonde.com/v1.0/x?page=2",
            "more": True,
            "per_page": per_page,
        }
    }
    assert w.read_page(page([], meta)).next_url == "https://api.wonde.com/v1.0/x?page=2"


def test_more_without_a_next_link_is_unreadable() -> None:
    with pytest.raises(w.Unreadable) as caught:
        w.read_page(page([], {"pagination": {"next": None, "more": True}}))
    assert caught.value.code == "wonde.no_next"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"<html>busy</html>", "wonde.not_json"),
        (b'{"data": {"id": 1}}', "wonde.no_data"),
        (b'{"data": [1]}', "wonde.bad_rows"),
    ],
)
def test_a_page_that_is_not_a_list_of_records_is_unreadable(body: bytes, code: str) -> None:
    with pytest.raises(w.Unreadable) as caught:
        w.read_page(body)
    assert caught.value.code == code


def test_only_wondes_own_regional_domains_are_used() -> None:
    assert w.region_domain("api-ap-southeast-2.wonde.com") == "api-ap-southeast-2.wonde.com"
    assert w.region_domain("API.wonde.com") == "api.wonde.com"
    for bad in ("evil.example", "wonde.com.evil.example", "api.wonde.com/x", None, 7):
        assert w.region_domain(bad) is None


def test_a_next_link_on_another_host_is_not_same_origin() -> None:
    base = "https://api.wonde.com/v1.0/"
    assert w.same_origin("https://api.wonde.com/v1.0/schools/A1/students?page=2", base)
    assert not w.same_origin("https://api.wonde.com.evil.example/v1.0/", base)
    assert not w.same_origin("http://api.wonde.com/v1.0/", base)


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"date": "2002-09-29 00:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"},
        "2002-09-29",
        "2002-09-29T23:30:00+00:00",
    ],
)
def test_a_date_is_its_date_part_never_moved_across_zones(value: object) -> None:
    assert w.wonde_date(value) == date(2002, 9, 29)


def test_a_moment_is_read_in_its_named_zone() -> None:
    value = {"date": "2026-06-01 09:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"}
    assert w.wonde_datetime(value) == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert w.wonde_datetime({"date": "garbage"}) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("Y", True),
        ("Yes", True),
        (1, True),
        ("N", False),
        ("Not applicable", False),
        (None, None),
        ("maybe", None),
    ],
)
def test_flags(value: object, expected: bool | None) -> None:
    assert w.flag(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6", 6),
        ("R", 0),
        ("N1", -2),
        ("N2", -1),
        ("Year 11", 11),
        ("Y3", 3),
        ("X", None),
        (None, None),
    ],
)
def test_year_groups(value: object, expected: int | None) -> None:
    assert w.year_group(value) == expected


# --- students --------------------------------------------------------------------------------


def full_student(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "A1749191433",
        "upi": "8d444684b7aa79bc97f8594a4aab7ce3",
        "mis_id": "9919",
        "forename": "Ruthie",
        "surname": "Bennett",
        "legal_forename": "Ruth",
        "legal_surname": "Bennett",
        "gender": "FEMALE",
        "date_of_birth": {
            "date": "2016-09-29 00:00:00.000000",
            "timezone_type": 3,
            "timezone": "Europe/London",
        },
        "education_details": {
            "data": {"upn": "A886300119001", "current_nc_year": "5", "admission_date": "2021-09-01"}
        },
        "extended_details": {
            "data": {
                "sen_status": "K",
                "free_school_meals": True,
                "english_as_additional_language_status": "Not applicable",
            }
        },
        "registration": {"data": {"name": "5H"}},
        "fsm_date_ranges": {"data": [{"start_date": "2024-01-01", "end_date": None}]},
    }
    row.update(changes)
    return row


def test_a_student_with_every_include() -> None:
    student = w.read_student(full_student())
    assert (student.legal_forename, student.forename, student.sex) == ("Ruth", "Ruthie", "F")
    assert (student.upn, student.year_group, student.registration_group) == (
        "A886300119001",
        5,
        "5H",
    )
    assert student.admission_date == date(2021, 9, 1)
    assert student.cohorts["fsm"].spans == (w.Span(date(2024, 1, 1), None),)
    assert student.cohorts["sen_support"].today is True
    assert student.cohorts["ehc_plan"].today is False
    assert student.cohorts["eal"].today is False


def test_a_scope_the_school_has_not_approved_gives_none_not_empty() -> None:
    student = w.read_student(
        full_student(
            gender=None,
            date_of_birth=None,
            education_details=None,
            extended_details={"data": None},
            registration=None,
            fsm_date_ranges=None,
        )
    )
    assert student.sex is None and student.date_of_birth is None
    assert student.upn is None and student.year_group is None
    assert student.registration_group is None
    assert student.cohorts == {}


def test_a_registration_include_with_no_group_says_none_rather_than_not_given() -> None:
    assert w.read_student(full_student(registration={"data": None})).registration_group == ""


def test_sen_ranges_split_into_support_and_ehc_plans_and_doubt_is_reported() -> None:
    ranges = {
        "data": [
            {"start_date": "2022-09-01", "end_date": "2023-07-20", "sen_status": "K"},
            {"start_date": "2023-07-21", "end_date": None, "sen_status": "E"},
            {"start_date": "2021-01-01", "end_date": "2021-02-01"},
        ]
    }
    student = w.read_student(full_student(sen_date_ranges=ranges, extended_details=None))
    assert student.cohorts["sen_support"].spans == (w.Span(date(2022, 9, 1), date(2023, 7, 20)),)
    assert student.cohorts["ehc_plan"].spans == (w.Span(date(2023, 7, 21), None),)
    assert [p.code for p in student.problems] == ["range.sen_status"]


def test_a_backwards_range_is_left_out_and_reported() -> None:
    ranges = {"data": [{"start_date": "2024-05-01", "end_date": "2024-01-01"}]}
    student = w.read_student(full_student(in_care_date_ranges=ranges))
    assert student.cohorts["looked_after"].spans == ()
    assert [p.code for p in student.problems] == ["range.backwards"]


def test_a_record_without_an_id_is_unreadable() -> None:
    with pytest.raises(w.Unreadable):
        w.read_student({"forename": "Nobody"})


# --- contacts and staff ------------------------------------------------------------------------


def test_a_contact_and_how_they_stand_to_the_child() -> None:
    row = {
        "id": "A9",
        "forename": "Sam",
        "contact_details": {
            "data": {
                "emails": {"email": None, "primary": "sam@example.org"},
                "phones": {"mobile": "07700 900123"},
            }
        },
        "relationship": {
            "relationship": "Mother",
            "priority": "1",
            "parental_responsibility": "Y",
            "contact_allowed": False,
        },
    }
    link = w.read_contact_link(row)
    assert (link.relationship, link.priority, link.parental_responsibility) == ("Mother", 1, True)
    assert link.no_contact is True
    assert (link.contact.email, link.contact.phone) == ("sam@example.org", "07700 900123")


def test_a_contact_without_details_or_relationship_keys_says_not_given() -> None:
    link = w.read_contact_link({"id": "A9", "contact_details": None, "relationship": {}})
    assert link.contact.email is None and link.contact.phone is None
    assert (
        link.priority is None and link.parental_responsibility is None and link.no_contact is None
    )


def test_an_address_that_is_not_an_email_is_not_used() -> None:
    row = {"id": "A9", "contact_details": {"data": {"emails": {"email": "not an address"}}}}
    assert w.read_contact(row).email == ""


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["Headteacher"], "headteacher"),
        (["Deputy Headteacher"], "teacher"),
        (["Head of Year 7"], "pastoral_lead"),
        (["Class Teacher"], "teacher"),
        (["Teaching Assistant"], "teaching_assistant"),
        (["Office Assistant"], "office"),
        (["SENCo"], "senco"),
        (["Designated Safeguarding Lead"], "dsl"),
        (["Caretaker"], "other"),
    ],
)
def test_job_roles_from_the_mis_role_text(roles: list[str], expected: str) -> None:
    assert w.job_role(roles) == expected


# --- registers -------------------------------------------------------------------------------


def test_a_session_mark_with_plain_ids() -> None:
    row = {
        "student": "A1",
        "date": "2026-09-28",
        "session": "AM",
        "attendance_code": "AC3",
        "minutes_late": "12",
    }
    assert w.read_session_row(row) == w.SessionRow("A1", date(2026, 9, 28), "AM", "AC3", None, 12)


def test_a_session_mark_with_included_objects() -> None:
    row = {
        "student": {"data": {"id": "A1"}},
        "date": {
            "date": "2026-09-28 00:00:00.000000",
            "timezone_type": 3,
            "timezone": "Europe/London",
        },
        "session": "pm",
        "attendance_code": {"data": {"id": "AC3", "code": "L"}},
    }
    assert w.read_session_row(row) == w.SessionRow("A1", date(2026, 9, 28), "PM", "AC3", "L", None)


def test_a_session_mark_with_writeback_style_names() -> None:
    row = {"student_id": "A1", "date": "2026-09-28", "session": "AM", "attendance_code_id": "AC3"}
    assert w.read_session_row(row).code_id == "AC3"


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ({"date": "2026-09-28", "session": "AM", "code": "/"}, "mark.no_student"),
        ({"student": "A1", "session": "AM", "code": "/"}, "mark.no_date"),
        ({"student": "A1", "date": "2026-09-28", "session": "EVE", "code": "/"}, "mark.session"),
        ({"student": "A1", "date": "2026-09-28", "session": "AM"}, "mark.no_code"),
    ],
)
def test_a_session_mark_that_cannot_be_read(row: dict[str, object], code: str) -> None:
    with pytest.raises(w.Unreadable) as caught:
        w.read_session_row(row)
    assert caught.value.code == code


def test_the_school_record() -> None:
    info = w.read_school(
        {
            "id": "A1930499544",
            "name": "Wonde Testing School",
            "urn": 10003,
            "mis": "SIMS",
            "region": {"domain": "api.wonde.com"},
        }
    )
    assert (info.urn, info.domain, info.mis) == ("10003", "api.wonde.com", "SIMS")


@pytest.mark.parametrize(
    "row",
    [
        {"student": "A1", "date": "2026-09-28", "session": "AM", "attendance_code": "AC3"},
        {
            "student": "A1",
            "date": "2026-09-28",
            "session": "PM",
            "attendance_code": "AC3",
            "minutes_late": 7,
        },
        {"student": " A1 ", "date": "2026-09-28", "session": "AM", "attendance_code": "AC3"},
        {"student": "A1", "date": "2026-02-30", "session": "AM", "attendance_code": "AC3"},
    ],
)
def test_the_fast_way_and_the_careful_way_read_a_mark_alike(row: dict[str, object]) -> None:
    fast = w._plain_session_row(row)
    try:
        careful: object = w.read_session_row(
            {**row, "unused": None} | {"student": {"id": row["student"]}}
        )
    except w.Unreadable:
        careful = None
    if fast is not None:
        assert fast == careful
