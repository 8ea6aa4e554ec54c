"""What every part of a run shares: the school, the clock, the counts and the problems."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from attune.accounts.models import User
from attune.auditlog.record import Entry, record_many
from attune.mis.domain.wonde import Problem
from attune.mis.models import MisConnection, RawPage, SyncRun, SyncState
from attune.people.models import School

PROBLEMS_KEPT = 100  # per run, with the total; the first ones are the ones to fix first


class StopSync(Exception):
    """Stop this kind's run here, with words for the school (an unknown attendance code)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass
class RunContext:
    school: School
    connection: MisConnection
    state: SyncState
    run: SyncRun
    today: date
    now: datetime
    actor: User | None
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    cache: dict[str, Any] = field(default_factory=dict)  # per run, for a kind's own use

    def problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)

    def audit(self, entries: Sequence[Entry]) -> None:
        record_many(actor=self.actor, school_id=self.school.pk, entries=entries)

    def keep_raw(self, url: str, body: bytes, reason: str, status: int | None = None) -> None:
        RawPage.objects.create(
            school=self.school,
            run=self.run if self.run.pk else None,
            url=url,
            status=status,
            reason=reason[:2000],
            body=body.decode("utf-8", errors="replace"),
            kept_at=self.now,
        )
        self.counts["raw_pages_kept"] += 1


def plain(value: Any) -> Any:
    """A value as the audit record stores it (JSON has no dates)."""
    return value.isoformat() if isinstance(value, date) else value


def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each field whose value differs."""
    return {
        name: [plain(old.get(name)), plain(value)]
        for name, value in new.items()
        if old.get(name) != value
    }
