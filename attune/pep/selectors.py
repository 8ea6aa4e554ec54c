"""Reads for PEPs: a school's looked-after children with this term's PEP, a child's PEP
history, and the counts the Virtual School's pages show across schools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from attune.people.models import Cohort, CohortMembership, Pupil
from attune.pep.domain.cycle import PepTerm, Standing, last_start_expected, standing, term_for
from attune.pep.domain.targets import TargetSums, target_sums
from attune.pep.models import Pep, PepStatus, PepTarget
from attune.plans.models import Plan, Target
from attune.tenancy import scopes_disabled

DONE = (PepStatus.HELD, PepStatus.SIGNED_OFF)


def _looked_after_on(on: date) -> Q:
    return Q(cohort=Cohort.LOOKED_AFTER, start_date__lte=on) & (
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def _held_in(term: PepTerm, pupil_ref: str = "pk") -> Exists:
    return Exists(
        Pep.objects.filter(
            pupil=OuterRef(pupil_ref),
            school_year=term.year,
            term=term.season.value,
            status__in=DONE,
        )
    )


@dataclass(frozen=True, slots=True)
class ChildRow:
    pupil: Pupil
    pep: Pep | None  # this term's
    standing: Standing


def looked_after_rows(pupils: QuerySet[Pupil], today: date) -> list[ChildRow]:
    """Each looked-after child among ``pupils`` with this term's PEP and where it stands
    (two queries whatever the number of children)."""
    term = term_for(today)
    in_care = CohortMembership.objects.filter(_looked_after_on(today), pupil=OuterRef("pk"))
    rows = (
        pupils.filter(Exists(in_care))
        .annotate(
            looked_after_since=in_care.order_by("start_date").values("start_date")[:1],
            held_last_term=_held_in(term.previous),
        )
        .prefetch_related(
            Prefetch(
                "peps",
                Pep.objects.filter(school_year=term.year, term=term.season.value).select_related(
                    "designated_teacher"
                ),
                to_attr="this_term",
            )
        )
        .order_by("legal_surname", "legal_forename", "pk")
    )
    found = []
    for pupil in rows:
        pep = pupil.this_term[0] if pupil.this_term else None
        state = standing(
            term,
            today,
            pep.status if pep else None,
            held_last_term=pupil.held_last_term,
            looked_after_since=pupil.looked_after_since,
        )
        found.append(ChildRow(pupil, pep, state))
    return found


def peps_for(pupil: Pupil) -> list[Pep]:
    """A child's PEPs, newest term first, with their targets (three queries)."""
    targets = PepTarget.objects.select_related("owner_staff", "plan_target").select_related(
        "carried_from__pep"
    )
    peps = (
        Pep.objects.filter(pupil=pupil)
        .select_related("designated_teacher", "social_worker", "plan")
        .prefetch_related(Prefetch("targets", targets))
    )
    return sorted(peps, key=lambda p: p.pep_term.sort_key, reverse=True)


def pep_targets(pep: Pep) -> list[PepTarget]:
    return list(
        PepTarget.objects.filter(pep=pep).select_related(
            "owner_staff", "plan_target", "carried_from__pep"
        )
    )


def sums_of(targets: list[PepTarget]) -> TargetSums:
    return target_sums(t.outcome for t in targets)


def current_plan(pupil: Pupil) -> Plan | None:
    """The plan a new PEP links to: the child's most recently started open plan."""
    return Plan.objects.filter(pupil=pupil, ended_on__isnull=True).order_by("-started_on").first()


def plan_goals(plan: Plan | None) -> QuerySet[Target]:
    """The targets of the plan's current version, which a PEP target may work towards."""
    if plan is None:
        return Target.objects.none()
    latest = plan.versions.order_by("-number").values("pk")[:1]
    return Target.objects.filter(version__in=latest).order_by("pk")


def pep_in(pupil: Pupil, term: PepTerm) -> Pep | None:
    return Pep.objects.filter(pupil=pupil, school_year=term.year, term=term.season.value).first()


# --- across schools, for the Virtual School -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PepCounts:
    looked_after: int
    held: int  # this term's PEP held or signed off
    overdue: int

    @property
    def due(self) -> int:
        return self.looked_after - self.held - self.overdue


def pep_status_counts(school_ids: list[int], on: date) -> dict[int, PepCounts]:
    """Per school: looked-after children on ``on``, how many have had this term's PEP, and how
    many are overdue: they missed last term's PEP and have not had this term's yet (see
    ``domain.cycle.standing``; the current term's own deadline has not passed by definition).
    One query whatever the number of schools; a school with no looked-after children is absent
    from the answer.
    """
    term = term_for(on)
    with scopes_disabled():
        rows = (
            CohortMembership.objects.filter(_looked_after_on(on), school_id__in=school_ids)
            .annotate(
                held_now=_held_in(term, "pupil_id"),
                held_before=_held_in(term.previous, "pupil_id"),
            )
            .values("school_id")
            .annotate(
                children=Count("pupil_id", distinct=True),
                held=Count("pupil_id", filter=Q(held_now=True), distinct=True),
                missed=Count(
                    "pupil_id",
                    filter=Q(held_now=False, held_before=False)
                    & Q(start_date__lte=last_start_expected(term.previous)),
                    distinct=True,
                ),
            )
            .order_by()
        )
        counts = {}
        for row in rows:
            counts[row["school_id"]] = PepCounts(row["children"], row["held"], row["missed"])
    return counts
