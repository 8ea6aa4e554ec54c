"""Background work: a school's sync with its MIS, run by ``attune db_worker``. What puts it
in the queue: "sync now" on the connection page, and ``attune mis_schedule``."""

from __future__ import annotations

from django.tasks import task

from attune.accounts.models import User
from attune.mis.models import MisConnection
from attune.mis.sync.run import registers_sync, school_sync
from attune.people.models import School
from attune.tenancy import school_scope, scopes_disabled


@task()
def sync_school(school_id: int, kinds: list[str], actor_id: int | None = None) -> str:
    """Sync ``kinds`` for one school; returns what each did, in a line."""
    school = School.objects.get(pk=school_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        results = school_sync(school=school, kinds=kinds, actor=actor)
    finally:
        with school_scope(school):
            MisConnection.objects.filter(school=school).update(sync_requested_at=None)
    return " ".join(result.summary() for result in results)


@task()
def sync_registers(school_ids: list[int]) -> str:
    """The 15-minute register sync for many schools, applied together (``registers_sync``)."""
    schools = list(School.objects.filter(pk__in=school_ids).order_by("pk"))
    try:
        results = registers_sync(schools=schools)
    finally:
        with scopes_disabled():
            MisConnection.objects.filter(school__in=schools).update(sync_requested_at=None)
    failed = [pk for pk, result in results.items() if result.error is not None]
    return f"{len(results)} schools' registers synced; {len(failed)} stopped."
