"""Reads about relationships, already joined so pages do not query per row."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from attune.people.models import Pupil, Staff
from attune.relationships.domain.candidates import Candidate, CandidateFacts, rank_candidates
from attune.relationships.domain.churn import ChurnFlag, Period, churn_flags
from attune.relationships.models import (
    CloseTeamMember,
    KeyAdultRelationship,
    TrustedAdult,
    WiderTeamMember,
)


def current_relationship(pupil: Pupil) -> KeyAdultRelationship | None:
    rels = KeyAdultRelationship.objects.filter(pupil=pupil, ended_on__isnull=True)
    return rels.select_related("key_adult", "co_worker").first()


def relationship_history(pupil: Pupil) -> QuerySet[KeyAdultRelationship]:
    return (
        KeyAdultRelationship.objects.filter(pupil=pupil)
        .select_related("key_adult", "co_worker", "created_by")
        .order_by("-started_on", "-created_at")
    )


def caseload_of(staff: Staff) -> int:
    return KeyAdultRelationship.objects.filter(key_adult=staff, ended_on__isnull=True).count()


def staff_with_caseloads(*, with_days: bool = False) -> QuerySet[Staff]:
    """Active staff of the school in scope, each annotated with key children and cover (and
    their working days read ahead if ``with_days``: a home that only counts caseloads would
    spend most of its 20 ms on 750 days it never shows, at 150 staff)."""
    found = (
        Staff.objects.filter(is_active=True)
        .annotate(caseload=_current_count("key_adult"), covering=_current_count("co_worker"))
        .order_by("last_name", "first_name")
    )
    return found.prefetch_related("working_days") if with_days else found


def _current_count(adult: str) -> Coalesce:
    """How many current relationships name the staff row as ``adult``, counted per adult
    through the foreign key's index. (Two counted joins made a row for every key child
    times every child covered: 19 ms for 150 staff at 2,000 pupils.)"""
    counted = (
        KeyAdultRelationship.objects.filter(**{adult: OuterRef("pk")}, ended_on__isnull=True)
        .order_by()
        .values(adult)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def key_adult_candidates(pupil: Pupil) -> list[Candidate]:
    """Every active adult, ranked for this child with reasons."""
    trusted = {t.staff_id: t.child_words for t in TrustedAdult.objects.filter(pupil=pupil)}
    current = current_relationship(pupil)
    groups = key_children_groups()
    facts = [
        CandidateFacts(
            staff_id=str(s.pk),
            name=s.full_name,
            days_in_school=len(s.working_days.all()),
            minutes_in_school=sum(d.minutes for d in s.working_days.all()),
            caseload=s.caseload,  # type: ignore[attr-defined]
            named_by_child=s.pk in trusted,
            child_words=trusted.get(s.pk, ""),
            role=s.job_role,
            role_label=s.get_job_role_display(),
            **_near(groups.get(s.pk, []), pupil),
        )
        for s in staff_with_caseloads(with_days=True)
        if current is None or s.pk != current.key_adult_id
    ]
    return rank_candidates(
        facts, caseload_limit=pupil.school.caseload_limit, child_name=pupil.known_as
    )


def key_children_groups() -> dict[Any, list[tuple[str, int]]]:
    """Each adult's current key children, as (registration group, year group) pairs."""
    groups: dict[Any, list[tuple[str, int]]] = defaultdict(list)
    for staff_id, group, year in KeyAdultRelationship.objects.filter(
        ended_on__isnull=True
    ).values_list("key_adult_id", "pupil__registration_group", "pupil__year_group"):
        groups[staff_id].append((group, year))
    return groups


def _near(children: list[tuple[str, int]], pupil: Pupil) -> dict[str, Any]:
    """How many of an adult's key children share the child's class and year, and the class
    most of them are in."""
    classes = Counter(group for group, _ in children if group)
    return {
        "in_childs_class": classes[pupil.registration_group] if pupil.registration_group else 0,
        "in_childs_year": sum(1 for _, year in children if year == pupil.year_group),
        "class_label": classes.most_common(1)[0][0] if classes else "",
    }


def continuity(pupil: Pupil, today: date) -> dict[str, int]:
    """How long the current relationship has lasted and how many key adults the child has had."""
    history = list(relationship_history(pupil))
    current = next((r for r in history if r.is_current), None)
    return {
        "current_days": current.days_lasted(today) if current else 0,
        "key_adults_count": len({r.key_adult_id for r in history}),
        "changes": max(len(history) - 1, 0),
    }


def close_team(pupil: Pupil) -> QuerySet[CloseTeamMember]:
    return (
        CloseTeamMember.objects.filter(pupil=pupil)
        .select_related("staff")
        .order_by("left_on", "joined_on", "pk")
    )


def wider_team(pupil: Pupil, *, with_unshared: bool) -> QuerySet[WiderTeamMember]:
    """The wider team; members who have not agreed to share only for those who may see them."""
    members = WiderTeamMember.objects.filter(pupil=pupil)
    if not with_unshared:
        members = members.filter(consent_to_share=True)
    return members.order_by("ended_on", "role", "started_on", "pk")


def team_churn(
    pupil: Pupil, wider: list[WiderTeamMember], history: list[KeyAdultRelationship], today: date
) -> list[ChurnFlag]:
    """Churn across the whole team (every member counts, shared or not: only the flag shows)."""
    periods = [Period(m.role, f"w{m.pk}", m.started_on, m.ended_on) for m in wider]
    periods += [Period("key_adult", str(r.key_adult_id), r.started_on, r.ended_on) for r in history]
    return churn_flags(periods, today=today, child_name=pupil.known_as)
