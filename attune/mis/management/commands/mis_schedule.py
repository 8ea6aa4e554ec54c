"""``attune mis_schedule [--once] [--every SECONDS]``: put each school's due syncs in the
background worker's queue, registers every 15 minutes in the school day and everything else
each night (``domain/schedule.py``).

django-tasks-db (0.13) runs queued tasks but has no periodic scheduler of its own, so this
small loop is the schedule. Run it beside ``attune db_worker``, or run ``--once`` from cron
every few minutes; either way one instance per deployment.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from attune.mis.domain.schedule import Timetable, due, parse_school_day
from attune.mis.models import MisConnection, SyncState
from attune.mis.tasks import sync_registers, sync_school
from attune.people.models import School
from attune.tenancy import school_scope

QUEUED_FOR = timedelta(hours=1)  # a sync queued this recently is not queued again
REGISTER_BATCH = 200  # schools in one 15-minute register task


class Command(BaseCommand):
    help = "Queue each school's MIS syncs when they are due (registers every 15 minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Queue what is due, then exit.")
        parser.add_argument("--every", type=int, default=60, help="Seconds between looks.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            starts, ends = parse_school_day(settings.ATTUNE_MIS_SCHOOL_DAY)
        except ValueError as error:
            raise CommandError(f"ATTUNE_MIS_SCHOOL_DAY: {error}") from error
        timetable = Timetable(day_starts=starts, day_ends=ends)
        if not settings.ATTUNE_WONDE_TOKEN:
            raise CommandError("Set ATTUNE_WONDE_TOKEN first: without it no sync can run.")
        while True:
            queued = queue_due(timezone.now(), timetable)
            if queued:
                self.stdout.write(f"Queued {queued} school sync{'s' if queued != 1 else ''}.")
            if options["once"]:
                return
            time.sleep(max(5, options["every"]))


def queue_due(now: datetime, timetable: Timetable) -> int:
    """Queue every connected school whose syncs are due; returns how many were queued.

    Schools due only for their registers (the 15-minute sync) go in shared tasks of up to
    ``REGISTER_BATCH`` schools, applied together (``registers_sync``); a school due for more
    (the nightly sync) gets a task of its own.
    """
    local = timezone.localtime(now)
    registers_only: list[int] = []
    queued = 0
    for school in School.objects.exclude(wonde_id="").order_by("pk"):
        with school_scope(school), transaction.atomic():
            connection, _ = MisConnection.objects.select_for_update().get_or_create(school=school)
            if connection.sync_requested_at and now - connection.sync_requested_at < QUEUED_FOR:
                continue
            started = dict(SyncState.objects.values_list("kind", "last_started_at"))
            kinds = due(local, started, timetable)
            if not kinds:
                continue
            connection.sync_requested_at = now
            connection.save(update_fields=["sync_requested_at"])
            if kinds == ["attendance"]:
                registers_only.append(school.pk)
            else:
                transaction.on_commit(partial(sync_school.enqueue, school.pk, kinds))
            queued += 1
    for start in range(0, len(registers_only), REGISTER_BATCH):
        sync_registers.enqueue(registers_only[start : start + REGISTER_BATCH])
    return queued
