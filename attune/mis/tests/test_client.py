"""The HTTP client against the stand-in on loopback: pages followed to the end by their
``next`` links, back-off on 429 and 5xx honouring ``Retry-After``, and plain words for the
failures it does not retry. No database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from attune.mis.testing import TOKEN, FakeWonde, Record
from attune.mis.wonde import Fetched, WondeClient, WondeError, _retry_after_seconds

WONDE_ID = "A1930499544"


@pytest.fixture
def wonde() -> Iterator[FakeWonde]:
    with FakeWonde(per_page_as_text=False) as server:
        school = server.add_school(WONDE_ID, "100001")
        for n in range(7):
            school.groups[f"G{n}"] = Record({"id": f"G{n}", "name": f"Group {n}", "type": "HOUSE"})
        yield server


def client(wonde: FakeWonde, waits: list[float] | None = None, **options: object) -> WondeClient:
    sleep = waits.append if waits is not None else (lambda seconds: None)
    return WondeClient(TOKEN, wonde.base_url, per_page=3, sleep=sleep, **options)  # type: ignore[arg-type]


def names(fetched: list[Fetched]) -> list[str]:
    return [row["name"] for page in fetched for row in page.page.rows]


def test_every_page_is_read_by_following_next(wonde: FakeWonde) -> None:
    pages = list(client(wonde).pages(f"schools/{WONDE_ID}/groups"))
    assert len(pages) == 3
    assert names(pages) == [f"Group {n}" for n in range(7)]
    assert "page=3" in pages[2].url


def test_a_429_waits_as_long_as_retry_after_says(wonde: FakeWonde) -> None:
    waits: list[float] = []
    wonde.fail("groups", 429, retry_after="2")
    wonde.fail("groups", 503, retry_after=None, after=1)
    pages = list(client(wonde, waits, first_wait=0.5).pages(f"schools/{WONDE_ID}/groups"))
    assert len(pages) == 3
    assert waits == [2.0, 0.5]


def test_a_server_that_keeps_failing_is_a_plain_error_with_its_body(wonde: FakeWonde) -> None:
    wonde.fail("groups", 500, times=10, body='{"message": "Server Error"}')
    with pytest.raises(WondeError) as caught:
        list(client(wonde, attempts=3).pages(f"schools/{WONDE_ID}/groups"))
    assert caught.value.code == "wonde.server_error"
    assert caught.value.body == b'{"message": "Server Error"}'
    assert wonde.count("groups") == 3


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "wonde.token_invalid"), (403, "wonde.access_refused"), (404, "wonde.not_found")],
)
def test_refusals_are_not_tried_again(wonde: FakeWonde, status: int, code: str) -> None:
    wonde.fail("groups", status)
    with pytest.raises(WondeError) as caught:
        list(client(wonde).pages(f"schools/{WONDE_ID}/groups"))
    assert caught.value.code == code
    assert wonde.count("groups") == 1


def test_a_wrong_token_is_refused(wonde: FakeWonde) -> None:
    with pytest.raises(WondeError) as caught:
        WondeClient("not-the-token", wonde.base_url).get_object(f"schools/{WONDE_ID}")
    assert caught.value.code == "wonde.token_invalid"


def test_no_token_at_all_is_said_plainly() -> None:
    with pytest.raises(WondeError, match="ATTUNE_WONDE_TOKEN"):
        WondeClient("", "http://127.0.0.1:9/")


def test_a_next_link_to_another_host_is_not_followed(wonde: FakeWonde) -> None:
    elsewhere = "http://127.0.0.2:1/v1.0/schools/x/groups?page=2"
    with pytest.raises(WondeError) as caught:
        list(client(wonde).pages("unused", resume_at=elsewhere))
    assert caught.value.code == "wonde.foreign_next"
    assert wonde.requests == []


def test_an_answer_that_is_not_json_keeps_its_body(wonde: FakeWonde) -> None:
    wonde.fail("groups", 200, body="<html>maintenance</html>")
    with pytest.raises(WondeError) as caught:
        list(client(wonde).pages(f"schools/{WONDE_ID}/groups"))
    assert caught.value.code == "wonde.not_json"
    assert caught.value.body == b"<html>maintenance</html>"


def test_nobody_listening_is_unreachable_after_the_tries() -> None:
    waits: list[float] = []
    broken = WondeClient(TOKEN, "http://127.0.0.1:9/v1.0/", attempts=2, sleep=waits.append)
    with pytest.raises(WondeError) as caught:
        broken.get("http://127.0.0.1:9/v1.0/schools")
    assert caught.value.code == "wonde.unreachable"
    assert len(waits) == 1


def test_retry_after_as_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 10, 5, 12, 0, 0, tzinfo=UTC)
    assert _retry_after_seconds("Mon, 05 Oct 2026 12:00:30 GMT", now) == 30
    assert _retry_after_seconds("soon", now) is None
