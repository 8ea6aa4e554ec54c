"""Groups from ``/groups?include=students``: registration groups, years, houses and any other
group the MIS has, with who is in each. A child who leaves a group has their membership ended
(yesterday, or the day it began), never removed.

A child's registration group on their record comes from the pupils sync (the student's
``registration``); these are the groups as the MIS lists them, for the pages that need more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from attune.auditlog.actions import Action
from attune.auditlog.record import Entry
from attune.mis.domain.wonde import Group, Problem, Unreadable, read_group
from attune.mis.models import MisGroup, MisGroupMembership
from attune.mis.sync.context import RunContext
from attune.mis.sync.links import children_by_student


def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
    groups: list[Group] = []
    doubtful = False
    for row in rows:
        try:
            groups.append(read_group(row))
        except Unreadable as error:
            ctx.problem(Problem(error.code, error.message))
            doubtful = True
    stored = _groups(ctx, groups)
    _memberships(ctx, groups, stored)
    return doubtful


def _groups(ctx: RunContext, groups: list[Group]) -> dict[str, MisGroup]:
    stored = {
        g.wonde_id: g for g in MisGroup.objects.filter(wonde_id__in=[g.wonde_id for g in groups])
    }
    for group in groups:
        found = stored.get(group.wonde_id)
        if found is None:
            stored[group.wonde_id] = MisGroup.objects.create(
                school=ctx.school, wonde_id=group.wonde_id, name=group.name, type=group.type
            )
            ctx.counts["groups_added"] += 1
        elif (found.name, found.type, found.ended_on) != (group.name, group.type, None):
            found.name, found.type, found.ended_on = group.name, group.type, None
            found.save(update_fields=["name", "type", "ended_on"])
            ctx.counts["groups_updated"] += 1
    return stored


def _memberships(ctx: RunContext, groups: list[Group], stored: dict[str, MisGroup]) -> None:
    listed = [g for g in groups if g.student_ids is not None]
    students = {s for g in listed for s in g.student_ids or ()}
    pupil_ids = children_by_student(ctx.school.pk, students)
    ctx.counts["group_members_not_in_attune"] += len(students - set(pupil_ids))
    current: dict[tuple[Any, Any], MisGroupMembership] = {
        (m.group_id, m.pupil_id): m
        for m in MisGroupMembership.objects.filter(
            group__in=[stored[g.wonde_id] for g in listed], ended_on=None
        )
    }
    entries: list[Entry] = []
    for group in listed:
        row = stored[group.wonde_id]
        members = {pupil_ids[s] for s in group.student_ids or () if s in pupil_ids}
        for pupil_id in members:
            if (row.pk, pupil_id) not in current:
                joined = MisGroupMembership.objects.create(
                    school=ctx.school, group=row, pupil_id=pupil_id, started_on=ctx.today
                )
                entries.append(_event(joined, row, "joined"))
                ctx.counts["group_joins"] += 1
        for (group_id, pupil_id), membership in current.items():
            if group_id == row.pk and pupil_id not in members:
                end_membership(ctx, membership, row, entries)
    ctx.audit(entries)


def end_membership(
    ctx: RunContext, membership: MisGroupMembership, group: MisGroup, entries: list[Entry]
) -> None:
    membership.ended_on = max(ctx.today - timedelta(days=1), membership.started_on)
    membership.save(update_fields=["ended_on"])
    entries.append(_event(membership, group, "left"))
    ctx.counts["group_leaves"] += 1


def _event(membership: MisGroupMembership, group: MisGroup, what: str) -> Entry:
    return Entry(
        Action.MIS_GROUP_CHANGED,
        membership,
        changes={what: group.name, "type": group.type, "source": "mis"},
    )
