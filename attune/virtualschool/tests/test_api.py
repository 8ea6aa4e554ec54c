"""The JSON API and its tokens: one authority per token, the pages' suppression."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.testing import SchoolWorld, SignedIn
from attune.virtualschool.models import ApiToken
from attune.virtualschool.services import VirtualSchoolError, api_token_create
from attune.virtualschool.tests.conftest import Authorities

pytestmark = pytest.mark.django_db


def tokens_url(la: int = 886) -> str:
    return reverse("virtualschool:api_tokens", kwargs={"la_code": la})


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def make_token(las: Authorities, *, medway: bool = False) -> str:
    who, la = (las.medway_head, las.medway) if medway else (las.kent_head, las.kent)
    _, secret = api_token_create(actor=who, authority=la, name="Case system")
    return secret


def test_the_head_makes_a_token_that_is_shown_once_and_stored_hashed(
    las: Authorities, signed_in: SignedIn
) -> None:
    client = signed_in(las.kent_head)

    page = client.post(tokens_url(), {"name": "Case system"})

    match = re.search(r'data-testid="new-token">([^<]+)<', page.text)
    assert match
    secret = match.group(1)
    token = ApiToken.objects.get()
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret not in client.get(tokens_url()).text
    assert page["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action=Action.VS_API_TOKEN_CREATED).exists()


def test_a_token_needs_a_name_not_already_live(las: Authorities, signed_in: SignedIn) -> None:
    make_token(las)
    page = signed_in(las.kent_head).post(tokens_url(), {"name": "Case system"})
    assert "A live token already has that name." in page.text
    with pytest.raises(VirtualSchoolError) as error:
        api_token_create(actor=las.kent_head, authority=las.kent, name="  ")
    assert error.value.code == "token.name_missing"


def test_only_the_head_manages_tokens(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    assert signed_in(las.kent_officer).get(tokens_url()).status_code == 403
    assert signed_in(las.medway_head).get(tokens_url()).status_code == 404
    assert signed_in(world.head).get(tokens_url()).status_code == 404


def test_the_county_and_a_school_with_a_token(
    world: SchoolWorld, las: Authorities, client: Client
) -> None:
    secret = make_token(las)

    county = client.get("/api/v1/county", headers=bearer(secret))
    school = client.get(f"/api/v1/schools/{world.school.urn}", headers=bearer(secret))
    who = client.get("/api/v1/authority", headers=bearer(secret))

    assert county.status_code == 200
    assert who.json() == {"code": 886, "name": "Kent"}
    schools = county.json()["tables"][1]
    assert [r["key"] for r in schools["rows"]] == [world.school.urn]
    cohort_cell = schools["rows"][0]["cells"][0]
    assert cohort_cell == {"text": "≤5", "value": None, "hidden": "small"}
    assert school.status_code == 200
    assert not testing.names_in(school.text, "Leo")  # totals only, never children, in the API
    assert ApiToken.objects.get().last_used is not None


def test_another_authoritys_token_or_a_bad_one_reads_nothing(
    world: SchoolWorld, las: Authorities, client: Client
) -> None:
    medway = make_token(las, medway=True)
    kent = make_token(las)

    assert (
        client.get(f"/api/v1/schools/{world.school.urn}", headers=bearer(medway)).status_code == 404
    )
    county = client.get("/api/v1/county", headers=bearer(medway)).json()
    assert world.school.urn not in str(county)
    assert client.get("/api/v1/county", headers=bearer(kent + "x")).status_code == 401
    assert client.get("/api/v1/county").status_code == 401


def test_a_revoked_token_stops_working(las: Authorities, signed_in: SignedIn) -> None:
    secret = make_token(las)
    client = signed_in(las.kent_head)
    token = ApiToken.objects.get()

    url = reverse("virtualschool:api_token_revoke", kwargs={"la_code": 886, "token_id": token.pk})
    assert client.post(url).status_code == 302

    assert Client().get("/api/v1/county", headers=bearer(secret)).status_code == 401
    other = signed_in(las.medway_head)
    token.refresh_from_db()
    assert token.revoked_at is not None
    medway_url = reverse(
        "virtualschool:api_token_revoke", kwargs={"la_code": 887, "token_id": token.pk}
    )
    assert other.post(medway_url).status_code == 404


def test_a_wrong_range_is_refused(las: Authorities, client: Client) -> None:
    response = client.get(
        "/api/v1/county?date_from=2026-05-01&date_to=2026-04-01", headers=bearer(make_token(las))
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("query", "why"),
    [("date_from=0001-01-01", "before 1990"), ("date_to=2999-01-01", "more than a year")],
)
def test_a_date_outside_1990_to_a_year_ahead_is_a_400(
    las: Authorities, client: Client, query: str, why: str
) -> None:
    response = client.get(f"/api/v1/county?{query}", headers=bearer(make_token(las)))
    assert response.status_code == 400
    assert why in response.json()["detail"]


def test_the_openapi_docs_are_served(client: Client, db: None) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()


def test_api_figures_match_the_page_export(
    world: SchoolWorld, las: Authorities, client: Client, signed_in: SignedIn
) -> None:
    for urn, n in (("100031", 6), ("100032", 7)):
        school = testing.school(urn, f"School {urn}")
        for _ in range(n):
            testing.cohort(testing.pupil(school))
    api = client.get("/api/v1/county", headers=bearer(make_token(las))).json()
    export = signed_in(las.kent_officer).get("/la/886/?format=csv").content.decode()

    for row in api["tables"][1]["rows"]:
        line = next(x for x in export.splitlines() if x.startswith(row["label"]))
        assert line.split(",")[1:] == [c["text"] for c in row["cells"]]
