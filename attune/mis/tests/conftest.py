"""A Wonde stand-in on loopback, and Hollybrook Primary connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from attune.mis.testing import TOKEN, FakeSchool, FakeWonde

WONDE_ID = "A1930499544"
NOW = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # a Monday in term


@pytest.fixture
def wonde() -> Iterator[FakeWonde]:
    with FakeWonde() as server:
        yield server


@pytest.fixture
def settings_for_wonde(settings: Any) -> Any:
    settings.ATTUNE_WONDE_TOKEN = TOKEN
    settings.ATTUNE_WONDE_FIRST_WAIT_MS = 1
    settings.ATTUNE_WONDE_PER_PAGE = 3  # small pages, so every test crosses a page boundary
    return settings


@pytest.fixture
def mis_school(world: Any, wonde: FakeWonde, settings_for_wonde: Any) -> FakeSchool:
    """Hollybrook Primary in Wonde (same URN), with its Wonde id set in Attune."""
    world.school.wonde_id = WONDE_ID
    world.school.save(update_fields=["wonde_id"])
    return wonde.add_school(WONDE_ID, world.school.urn)


@pytest.fixture
def sync(world: Any, wonde: FakeWonde) -> Callable[..., Any]:
    """``sync(kinds=..., **options)``: run the sync against the stand-in."""
    from attune.mis.sync.run import school_sync

    def run(*kinds: str, **options: Any) -> Any:
        options.setdefault("now", NOW)
        chosen = list(kinds) or ["pupils", "staff", "contacts", "groups", "attendance"]
        results = school_sync(school=world.school, kinds=chosen, base_url=wonde.base_url, **options)
        return {result.kind: result for result in results}

    return run
