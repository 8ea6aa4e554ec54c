"""One school's sync with its MIS: each kind of data read from Wonde and applied, safely.

- **Incremental**: each kind keeps a watermark, the start of its last finished run; the next
  run asks for what changed after it, less an hour's overlap (Wonde's clock and filter are
  [UNVERIFIED]); applying a record twice changes nothing.
- **Page by page**: each page is applied in one transaction together with the place to carry
  on from (``SyncState.resume_step``/``resume_url``), so a failure leaves nothing half-done
  and the next run resumes at the page that failed. Registers are read into a buffer,
  written to a stage every ``STAGE_EVERY`` marks with the place to carry on from, and
  applied at the end in one transaction (``sync/attendance.py``); ``registers_sync`` applies
  many schools' 15-minute registers together.
- **Checked first**: the school's URN at Wonde must be the school's URN in Attune, and the
  school's regional domain must be one of Wonde's, before any child's data is read.
- **Dry run**: everything happens inside one transaction that is rolled back at the end, so
  what is reported is exactly what a real run would do, and nothing is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.errors import AttuneError
from attune.mis.domain.summary import describe
from attune.mis.domain.wonde import (
    CONTACT_INCLUDES,
    DELETION_TYPES,
    EMPLOYEE_INCLUDES,
    KINDS,
    STUDENT_INCLUDES,
    Problem,
    read_school,
)
from attune.mis.models import Kind, MisConnection, Outcome, RawPage, SyncRun, SyncState
from attune.mis.sync import attendance, contacts, deletions, groups, pupils, staff
from attune.mis.sync.context import RunContext, StopSync
from attune.mis.wonde import DEFAULT_BASE_URL, Fetched, WondeClient, WondeError
from attune.people.models import School
from attune.read_ahead import read_ahead
from attune.tenancy import school_scope, scopes_disabled

OVERLAP = timedelta(hours=1)
STAGE_EVERY = 20_000  # marks held in memory before they are written to the stage
LEASE = timedelta(hours=1)  # a run that died holding the lease frees it after this
RECHECK_SCHOOL = timedelta(hours=24)
# Read in full every time, not since the watermark: whether a change to a child's contact or to
# a group's members moves the student's or group's ``updated_at`` is [UNVERIFIED]. Both are a
# few pages a school; their deletions are still read incrementally.
READ_IN_FULL = frozenset({"contacts", "groups"})

Handler = Callable[[RunContext, Sequence[Mapping[str, Any]]], bool]


class SyncRefused(AttuneError):
    """The sync cannot start at all (no Wonde id); nothing was read."""


@dataclass(frozen=True)
class Step:
    path: str
    params: dict[str, Any]
    apply: Handler
    staged: bool = False  # read into a buffer, applied when the run finishes (registers)


@dataclass
class KindResult:
    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    pages: int = 0
    error: Problem | None = None
    skipped: str = ""

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.label}: {self.skipped}"
        text = f"{self.label}: {describe(self.counts)}"
        if self.error is not None:
            text += f". Stopped: {self.error.message}"
        return text


def school_sync(
    *,
    school: School,
    kinds: Sequence[str] = KINDS,
    since: datetime | None = None,
    dry_run: bool = False,
    base_url: str | None = None,
    actor: User | None = None,
    client: WondeClient | None = None,
    now: datetime | None = None,
) -> list[KindResult]:
    """Read ``kinds`` for ``school`` from Wonde and apply them; returns what each did.

    ``base_url`` (or ``ATTUNE_WONDE_BASE_URL``) sends every request there instead of to the
    school's regional domain: a test server, or a proxy. Raises ``SyncRefused`` when the school
    has no Wonde id; any other failure is recorded against the kind it stopped.
    """
    if not school.wonde_id:
        raise SyncRefused(
            f"{school.name} has no Wonde school id yet: enter it on the 'Connection to your MIS' "
            "page or with 'attune add_school ... --wonde-id ID'.",
            "mis.no_wonde_id",
        )
    now = now or timezone.now()
    pinned = base_url or settings.ATTUNE_WONDE_BASE_URL or None
    sync = _SchoolSync(school, list(kinds), since, actor, now, dry_run)
    if not dry_run:
        return sync.run(client, pinned)
    with transaction.atomic():
        results = sync.run(client, pinned)
        transaction.set_rollback(True)
    return results


def registers_sync(
    *,
    schools: Sequence[School],
    base_url: str | None = None,
    client: WondeClient | None = None,
    now: datetime | None = None,
) -> dict[int, KindResult]:
    """The 15-minute register sync for many schools at once, by school id.

    Each school's new marks are read as ``school_sync`` reads them (its own lease, watermark,
    run and failures), then every school's marks are applied together in one transaction by
    one writer, as a county's daily CSV is: one comparison for all, not one per school. A
    school whose reading failed is left out and keeps its place; if applying fails, every
    school's run is marked failed and the next sync reads their marks again.
    """
    now = now or timezone.now()
    pinned = base_url or settings.ATTUNE_WONDE_BASE_URL or None
    shared = client or make_client(pinned)
    results: dict[int, KindResult] = {}
    syncs = [
        _SchoolSync(school, [Kind.ATTENDANCE], None, None, now, dry_run=False)
        for school in schools
        if school.wonde_id
    ]
    with scopes_disabled():
        connections = {c.school_id: c for c in MisConnection.objects.filter(school__in=schools)}
    # Each school's client (a request to Wonde only for a school not checked today)...
    clients: list[tuple[_SchoolSync, MisConnection, WondeClient]] = []
    for sync in syncs:
        with school_scope(sync.school):
            connection = connections.get(sync.school.pk) or MisConnection.objects.create(
                school=sync.school
            )
            try:
                clients.append((sync, connection, sync._connect(connection, shared, bool(pinned))))
            except WondeError as error:
                results[sync.school.pk] = sync._refused(Kind.ATTENDANCE, error)
    # ...every run started in one commit, not one each...
    started: list[tuple[_SchoolSync, RunContext, WondeClient]] = []
    with transaction.atomic():
        for sync, connection, school_client in clients:
            with school_scope(sync.school):
                begun = sync._start(Kind.ATTENDANCE, connection)
            if isinstance(begun, KindResult):
                results[sync.school.pk] = begun
            else:
                started.append((sync, begun, school_client))
    # ...each school's pages read (a failure is that school's alone)...
    ready: list[tuple[_SchoolSync, RunContext]] = []
    for sync, ctx, school_client in started:
        with school_scope(sync.school):
            if sync.read_only(ctx, school_client):
                ready.append((sync, ctx))
            else:
                results[sync.school.pk] = _result(ctx)
    # ...and all the marks applied together.
    try:
        with transaction.atomic(), scopes_disabled():
            first_started = min((ctx.state.run_started_at or now for _, ctx in ready), default=now)
            attendance.apply_runs([ctx for _, ctx in ready], first_started)
            for sync, ctx in ready:
                sync._close(ctx, Kind.ATTENDANCE)
    except Exception as error:
        for sync, ctx in ready:
            with school_scope(sync.school):
                sync._fail(
                    ctx, Problem("mis.crashed", f"Applying the registers failed ({error!r}).")
                )
                sync._release(ctx)
        raise
    results |= {sync.school.pk: _result(ctx) for sync, ctx in ready}
    return results


def make_client(base_url: str | None) -> WondeClient:
    return WondeClient(
        settings.ATTUNE_WONDE_TOKEN,
        base_url or DEFAULT_BASE_URL,
        per_page=settings.ATTUNE_WONDE_PER_PAGE,
        first_wait=settings.ATTUNE_WONDE_FIRST_WAIT_MS / 1000,
    )


@dataclass
class _SchoolSync:
    school: School
    kinds: list[str]
    since: datetime | None
    actor: User | None
    now: datetime
    dry_run: bool

    def run(self, client: WondeClient | None, pinned: str | None) -> list[KindResult]:
        with school_scope(self.school):
            connection, _ = MisConnection.objects.get_or_create(school=self.school)
            try:
                client = client or make_client(pinned)
                school_client = self._connect(connection, client, pinned is not None)
            except WondeError as error:
                return [self._refused(kind, error) for kind in self.kinds]
            return [self._kind(kind, connection, school_client) for kind in self.kinds]

    def read_only(self, ctx: RunContext, client: WondeClient) -> bool:
        """Read a started run's pages without applying them (``registers_sync`` applies many
        schools' together); ``False`` when reading failed (recorded, and the lease given
        back)."""
        try:
            self._read(ctx, Kind(ctx.run.kind), client)
        except (WondeError, StopSync) as error:
            self._failed(ctx, error)
            self._release(ctx)
            return False
        except Exception as error:
            self._fail(ctx, Problem("mis.crashed", f"The sync stopped unexpectedly ({error!r})."))
            self._release(ctx)
            raise
        return True

    # --- the school ---------------------------------------------------------------------------

    def _connect(self, connection: MisConnection, client: WondeClient, pinned: bool) -> WondeClient:
        """The client for the school's own regional domain, having checked (once a day) that
        the Wonde id names this school."""
        recent = (
            connection.checked_at is not None
            and self.now - connection.checked_at < RECHECK_SCHOOL
            and connection.checked_wonde_id == self.school.wonde_id
        )
        if recent and (pinned or connection.region_domain):
            return client if pinned else client.on_domain(connection.region_domain)
        data, _ = client.get_object(f"schools/{self.school.wonde_id}")
        info = read_school(data)
        if info.urn and info.urn != self.school.urn:
            raise WondeError(
                f"Wonde's school {self.school.wonde_id} is {info.name or 'another school'} "
                f"(URN {info.urn}), not {self.school.name} (URN {self.school.urn}). Nothing was "
                "read. Check the Wonde school id.",
                "wonde.wrong_school",
            )
        if not pinned and info.domain is None:
            raise WondeError(
                "Wonde did not say which of its regional addresses serves this school, so "
                "nothing was read.",
                "wonde.no_region",
            )
        connection.region_domain = info.domain or ""
        connection.mis_name, connection.wonde_name = info.mis[:60], info.name[:160]
        connection.checked_at, connection.checked_wonde_id = self.now, self.school.wonde_id
        connection.save(
            update_fields=[
                "region_domain",
                "mis_name",
                "wonde_name",
                "checked_at",
                "checked_wonde_id",
            ]
        )
        return client if pinned or info.domain is None else client.on_domain(info.domain)

    def _refused(self, kind: str, error: WondeError) -> KindResult:
        state, _ = SyncState.objects.get_or_create(school=self.school, kind=kind)
        state.last_started_at = self.now
        state.last_error, state.last_error_code = error.message, error.code
        state.save(update_fields=["last_started_at", "last_error", "last_error_code"])
        SyncRun.objects.create(
            school=self.school,
            kind=kind,
            started_at=self.now,
            finished_at=timezone.now(),
            outcome=Outcome.FAILED,
            error=error.message,
            error_code=error.code,
            actor=self.actor,
        )
        if error.body:
            _keep_error_page(self.school, None, error, self.now)
        return KindResult(kind, error=Problem(error.code, error.message))

    # --- one kind -----------------------------------------------------------------------------

    def _kind(self, kind: str, connection: MisConnection, client: WondeClient) -> KindResult:
        """One kind's run: three commits when nothing goes wrong and the data fits one page
        (start, finish, and the early warnings' task), as a 15-minute register sync does."""
        started = self._start(kind, connection)
        if isinstance(started, KindResult):
            return started
        ctx = started
        try:
            self._read(ctx, kind, client)
            self._finish(ctx, kind)
        except (WondeError, StopSync) as error:
            self._failed(ctx, error)
        except Exception as error:
            self._fail(ctx, Problem("mis.crashed", f"The sync stopped unexpectedly ({error!r})."))
            raise
        finally:
            self._release(ctx)
        return _result(ctx)

    def _start(self, kind: str, connection: MisConnection) -> RunContext | KindResult:
        """Take the kind's lease, open its run and decide where it starts, in one commit."""
        with transaction.atomic():
            state, _ = SyncState.objects.select_for_update().get_or_create(
                school=self.school, kind=kind
            )
            if not self.dry_run and not _take_lease(state, self.now):
                return KindResult(kind, skipped="another sync of this is still running")
            run = SyncRun.objects.create(
                school=self.school, kind=kind, started_at=self.now, actor=self.actor
            )
            ctx = RunContext(
                self.school,
                connection,
                state,
                run,
                timezone.localdate(self.now),
                self.now,
                self.actor,
            )
            self._begin(ctx, kind)
        return ctx

    def _read(self, ctx: RunContext, kind: str, client: WondeClient) -> None:
        """Every page of every step, from where the run starts; pages of most kinds are
        applied as they come, registers buffered (``_stage``)."""
        state = ctx.state
        for index, step in enumerate(self._steps(kind, ctx, client)):
            if index < state.resume_step:
                continue
            resume = (state.resume_url or None) if index == state.resume_step else None
            pages = client.pages(step.path, step.params, resume_at=resume)
            # The next page is fetched while this one is applied (the HTTP client never
            # touches the database, so it can run in the reading thread).
            for [fetched] in read_ahead(pages, 1):
                if step.staged:
                    self._stage(ctx, step, fetched, index)
                else:
                    self._apply(ctx, step, fetched, index)

    def _failed(self, ctx: RunContext, error: WondeError | StopSync) -> None:
        if isinstance(error, WondeError):
            self._flush(ctx)  # the pages read in full before the failure are kept
            if error.body or error.status:
                _keep_error_page(self.school, ctx.run, error, self.now)
        self._fail(ctx, Problem(error.code, error.message))

    def _release(self, ctx: RunContext) -> None:
        if not self.dry_run and ctx.cache.get("lease_held", True):
            SyncState.objects.filter(pk=ctx.state.pk).update(running_since=None)
            ctx.cache["lease_held"] = False

    def _begin(self, ctx: RunContext, kind: str) -> None:
        """Start afresh (a new watermark window), or carry on from where a run stopped."""
        state = ctx.state
        in_progress = state.run_started_at is not None
        if self.since is not None or not in_progress:
            state.run_started_at = self.now
            since = self.since
            if since is None and state.watermark is not None:
                since = state.watermark - OVERLAP
            state.run_since = since
            state.resume_step, state.resume_url = 0, ""
            if kind == Kind.ATTENDANCE and in_progress:  # --since starts that run again
                attendance.clear_staged(ctx)
        elif kind == Kind.ATTENDANCE:
            ctx.cache["staged"] = attendance.has_staged(ctx)  # from the run that stopped
        state.last_started_at = self.now
        state.save(
            update_fields=[
                "run_started_at",
                "run_since",
                "resume_step",
                "resume_url",
                "last_started_at",
            ]
        )

    def _steps(self, kind: str, ctx: RunContext, client: WondeClient) -> list[Step]:
        school = f"schools/{self.school.wonde_id}"
        since = {"updated_after": _wonde_time(ctx.state.run_since)}
        full = {} if kind in READ_IN_FULL and self.since is None else since
        if kind == Kind.ATTENDANCE:
            codes = f"{school}/attendance-codes"
            attendance.fetch_codes(ctx, client, codes)
            handler = attendance.page_for(client, codes)
            return [Step(f"{school}/attendance/session", since, handler, staged=True)]
        main = {
            Kind.PUPILS: Step(
                f"{school}/students",
                {"include": ",".join(STUDENT_INCLUDES), **since},
                pupils.apply_page,
            ),
            Kind.CONTACTS: Step(
                f"{school}/students",
                {"include": ",".join(CONTACT_INCLUDES), **full},
                contacts.apply_page,
            ),
            Kind.STAFF: Step(
                f"{school}/employees",
                {"include": ",".join(EMPLOYEE_INCLUDES), **since},
                staff.apply_page,
            ),
            Kind.GROUPS: Step(
                f"{school}/groups", {"include": "students", **full}, groups.apply_page
            ),
        }[Kind(kind)]
        types = ",".join(DELETION_TYPES[kind])
        gone = Step(f"{school}/deletions", {"type": types, **since}, deletions.page_for(kind))
        return [main, gone]

    def _apply(self, ctx: RunContext, step: Step, fetched: Fetched, index: int) -> None:
        """One page and the place to carry on from, in one transaction."""
        before = Counter(ctx.counts)
        try:
            with transaction.atomic():
                doubtful = step.apply(ctx, fetched.page.rows)
                if doubtful:
                    ctx.keep_raw(fetched.url, fetched.body, "Some records could not be fully read.")
                state = ctx.state
                if fetched.page.next_url:
                    state.resume_step, state.resume_url = index, fetched.page.next_url
                else:
                    state.resume_step, state.resume_url = index + 1, ""
                state.save(update_fields=["resume_step", "resume_url"])
                ctx.run.pages += 1
                _save_run(ctx, ["pages"])
        except StopSync as stop:
            ctx.counts = before
            with transaction.atomic():
                ctx.keep_raw(fetched.url, fetched.body, stop.message)
            raise

    def _stage(self, ctx: RunContext, step: Step, fetched: Fetched, index: int) -> None:
        """Read a page of marks into the run's buffer; the buffer is written to the stage
        (with the place to carry on from) every ``STAGE_EVERY`` marks, not every page: a
        year's first sync is thousands of pages."""
        try:
            doubtful = step.apply(ctx, fetched.page.rows)
        except StopSync as stop:
            self._flush(ctx)
            with transaction.atomic():
                ctx.keep_raw(fetched.url, fetched.body, stop.message)
            raise
        if doubtful:
            ctx.cache.setdefault("raw", []).append(fetched)
        next_url = fetched.page.next_url
        ctx.cache["pointer"] = (index, next_url) if next_url else (index + 1, "")
        ctx.run.pages += 1
        if len(ctx.cache.get("buffer", ())) >= STAGE_EVERY:
            self._flush(ctx)

    def _flush(self, ctx: RunContext) -> None:
        """Write the buffered marks to the stage, in one transaction with the place to carry
        on from, so a run that stops later resumes after them."""
        if "pointer" not in ctx.cache:
            return
        with transaction.atomic():
            attendance.stage(ctx, ctx.cache.pop("buffer", []))
            for fetched in ctx.cache.pop("raw", []):
                ctx.keep_raw(fetched.url, fetched.body, "Some records could not be fully read.")
            state = ctx.state
            state.resume_step, state.resume_url = ctx.cache.pop("pointer")
            state.save(update_fields=["resume_step", "resume_url"])
            _save_run(ctx, ["pages"])

    def _finish(self, ctx: RunContext, kind: str) -> None:
        """Everything the run read, applied, and the watermark moved on, in one transaction."""
        with transaction.atomic():
            if kind == Kind.ATTENDANCE:
                attendance.apply_runs([ctx], ctx.state.run_started_at or self.now)
            self._close(ctx, kind)

    def _close(self, ctx: RunContext, kind: str) -> None:
        """The run done: the watermark moves to its start, the lease is given back."""
        state = ctx.state
        for fetched in ctx.cache.pop("raw", []):
            ctx.keep_raw(fetched.url, fetched.body, "Some records could not be fully read.")
        state.watermark = state.run_started_at
        state.run_started_at, state.run_since = None, None
        state.resume_step, state.resume_url = 0, ""
        state.last_success_at = timezone.now()
        state.last_error, state.last_error_code = "", ""
        state.running_since = None
        ctx.cache["lease_held"] = False
        state.save()
        ctx.run.outcome, ctx.run.finished_at = Outcome.DONE, timezone.now()
        _save_run(ctx, ["outcome", "finished_at"])
        if kind == Kind.PUPILS:  # once a night is often enough
            keep_days = timedelta(days=settings.ATTUNE_MIS_KEEP_RAW_DAYS)
            RawPage.objects.filter(kept_at__lt=self.now - keep_days).delete()

    def _fail(self, ctx: RunContext, problem: Problem) -> None:
        with transaction.atomic():
            state = ctx.state
            state.last_error, state.last_error_code = problem.message, problem.code
            state.running_since = None
            ctx.cache["lease_held"] = False
            state.save(update_fields=["last_error", "last_error_code", "running_since"])
            ctx.run.outcome, ctx.run.finished_at = Outcome.FAILED, timezone.now()
            ctx.run.error, ctx.run.error_code = problem.message, problem.code
            _save_run(ctx, ["outcome", "finished_at", "error", "error_code"])


def _save_run(ctx: RunContext, fields: list[str]) -> None:
    run = ctx.run
    run.counts = dict(ctx.counts)
    run.problems = [{"code": p.code, "message": p.message} for p in ctx.problems]
    run.problem_count = ctx.problem_count
    run.save(update_fields=[*fields, "counts", "problems", "problem_count"])


def _result(ctx: RunContext) -> KindResult:
    run = ctx.run
    error = Problem(run.error_code, run.error) if run.outcome == Outcome.FAILED else None
    return KindResult(
        ctx.run.kind,
        counts={name: n for name, n in ctx.counts.items() if n},
        problems=list(ctx.problems),
        problem_count=ctx.problem_count,
        pages=run.pages,
        error=error,
    )


def _take_lease(state: SyncState, now: datetime) -> bool:
    """Only one run of a kind at a time for a school: "sync now" and the schedule can meet.
    Call inside the transaction that locked ``state`` (``select_for_update``)."""
    if state.running_since is not None and now - state.running_since < LEASE:
        return False
    state.running_since = now
    state.save(update_fields=["running_since"])
    return True


def _keep_error_page(school: School, run: SyncRun | None, error: WondeError, now: datetime) -> None:
    RawPage.objects.create(
        school=school,
        run=run,
        url=error.url,
        status=error.status,
        reason=error.message[:2000],
        body=error.body.decode("utf-8", errors="replace"),
        kept_at=now,
    )


def _wonde_time(moment: datetime | None) -> str | None:
    """``updated_after`` as the official clients' readmes send it, ``YYYY-MM-DD HH:MM:SS``
    [OFF], in UTC (every timestamp Wonde returns in its examples is UTC); its format, zone
    and whether the comparison is strict are [UNVERIFIED], hence the overlap."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else None
