"""What the "Connection to your MIS" page shows: the state of the connection and of each kind
of data, in a few queries whatever the school's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from attune.mis.domain.summary import describe
from attune.mis.models import Kind, MisConnection, RawPage, SyncRun, SyncState
from attune.people.models import School

# What a failure's code means for the connection as a whole, in the school's words.
STATUS_BY_ERROR = {
    "wonde.token_invalid": "Wonde did not accept the server's token",
    "wonde.no_token": "The server has no Wonde token",
    "wonde.access_refused": "Wonde refused access: the school may not have approved Attune",
    "wonde.wrong_school": "The Wonde id is for another school",
    "wonde.not_found": "Wonde does not know this Wonde id",
}


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    last_success_at: datetime | None
    last_started_at: datetime | None
    last_run: SyncRun | None
    error: str

    @property
    def summary(self) -> str:
        return describe(self.last_run.counts) if self.last_run else ""


@dataclass(frozen=True)
class ConnectionView:
    wonde_id: str
    token_set: bool
    connection: MisConnection | None
    rows: list[KindRow]
    status: str
    healthy: bool
    requested: bool
    raw_pages: int

    @property
    def can_sync(self) -> bool:
        return bool(self.wonde_id and self.token_set)


def connection_view(school: School, now: datetime) -> ConnectionView:
    token_set = bool(settings.ATTUNE_WONDE_TOKEN)
    connection = MisConnection.objects.filter(school=school).first()
    states = {state.kind: state for state in SyncState.objects.all()}
    runs = _last_runs()
    rows = [
        KindRow(
            kind=kind.value,
            label=str(kind.label),
            last_success_at=states[kind].last_success_at if kind in states else None,
            last_started_at=states[kind].last_started_at if kind in states else None,
            last_run=runs.get(kind.value),
            error=states[kind].last_error if kind in states else "",
        )
        for kind in Kind
    ]
    status, healthy = _status(school, token_set, states)
    requested = bool(
        connection
        and connection.sync_requested_at
        and now - connection.sync_requested_at < timedelta(hours=1)
    )
    kept = RawPage.objects.count()
    return ConnectionView(
        school.wonde_id, token_set, connection, rows, status, healthy, requested, kept
    )


def _last_runs() -> dict[str, SyncRun]:
    """Each kind's latest run: one query (a school has a few hundred runs a week)."""
    latest: dict[str, SyncRun] = {}
    for run in SyncRun.objects.order_by("-started_at", "-pk")[:200]:
        latest.setdefault(run.kind, run)
    return latest


def _status(school: School, token_set: bool, states: dict[str, SyncState]) -> tuple[str, bool]:
    if not school.wonde_id:
        return "Not connected: enter the school's Wonde id below", False
    if not token_set:
        return "Waiting for the server's Wonde token (ATTUNE_WONDE_TOKEN)", False
    failing = [state for state in states.values() if state.last_error]
    for state in failing:
        if state.last_error_code in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[state.last_error_code], False
    if failing:
        return "Connected, but the last sync of some data stopped with a problem", False
    if not any(state.last_success_at for state in states.values()):
        return "Connected, not synced yet", True
    return "Connected and working", True
