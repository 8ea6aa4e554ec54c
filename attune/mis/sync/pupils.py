"""Pupils from ``/students``: add, update and link children, and their cohorts with dates.

A Wonde student is found again by its Wonde id, then by its UPI (a child who left and came
back has a new Wonde id [DOC²]), then, the first time only, by UPN among the school's children
(a child first imported from a file). A UPN that another child already holds is a conflict:
reported, and that child left as they were; nothing is merged on a guess.

A value Wonde did not give (``None``: a ``null`` from a scope the school has not approved, or
an include that was not returned) never overwrites what Attune holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from attune.auditlog.actions import Action
from attune.auditlog.record import Entry
from attune.mis.domain import cohorts as rules
from attune.mis.domain.wonde import Problem, Student, Unreadable, read_student
from attune.mis.models import LinkKind, MisLink
from attune.mis.sync.context import RunContext, changed, plain
from attune.people.domain.upn import UpnError, validate_upn
from attune.people.imports import KEY_ADULT_COHORTS
from attune.people.models import Cohort, CohortMembership, Pupil

_GONE = object()  # a student who must not become a child in Attune (see ``_match``)
PUPIL_FIELDS = (
    "upn",
    "legal_forename",
    "legal_surname",
    "preferred_name",
    "date_of_birth",
    "sex",
    "year_group",
    "registration_group",
    "admission_date",
    "leaving_date",
)
REGISTRATION_GROUP_LIMIT = Pupil._meta.get_field("registration_group").max_length or 20


def apply_page(ctx: RunContext, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Apply one page of students; ``True`` if any row could not be fully read."""
    students: list[Student] = []
    doubtful = False
    for row in rows:
        try:
            student = read_student(row)
        except Unreadable as error:
            ctx.problem(Problem(error.code, error.message))
            doubtful = True
            continue
        for problem in student.problems:
            ctx.problem(problem)
            doubtful = True
        students.append(student)
    _PupilWriter(ctx).run(students)
    return doubtful


@dataclass
class _PupilWriter:
    ctx: RunContext
    entries: list[Entry] = field(default_factory=list)

    def run(self, students: list[Student]) -> None:
        links = _links_for(students)
        pupils, by_upn, linked_ids = self._pupils(students, links)
        claimed: dict[str, str] = {}  # UPN -> Wonde id, within this page
        kept: list[tuple[Student, Pupil]] = []
        new: list[tuple[Student, Pupil]] = []
        for student in students:
            found = self._match(student, links, pupils, by_upn, linked_ids, claimed)
            if isinstance(found, Pupil):
                self._update(student, found, by_upn)
                kept.append((student, found))
            elif found is None:
                created = self._new_pupil(student, by_upn, claimed)
                if created is not None:
                    new.append((student, created))
        Pupil.objects.bulk_create([pupil for _, pupil in new])
        self._link_new(new)
        new_ids = {pupil.pk for _, pupil in new}
        cohort_changes = self._cohorts(kept + new, new_ids)
        self._key_adult_list(new)
        self._audit(kept, new, cohort_changes)
        self.ctx.audit(self.entries)

    # --- finding each student's child --------------------------------------------------------

    def _pupils(
        self, students: list[Student], links: _Links
    ) -> tuple[dict[Any, Pupil], dict[str, Pupil], dict[Any, str]]:
        upns = {s.upn.upper() for s in students if s.upn}
        local_ids = {link.local_id for link in links.all()}
        found = Pupil.objects.filter(Q(pk__in=local_ids) | Q(upn__in=upns)).only(
            "id", "school_id", "needs_key_adult", *PUPIL_FIELDS
        )
        pupils = {p.pk: p for p in found}
        by_upn = {p.upn: p for p in pupils.values()}
        # Which of the children found by UPN are already linked, and to which Wonde id.
        others = MisLink.objects.filter(
            kind=LinkKind.STUDENT, local_id__in=[p.pk for p in pupils.values()], ended_on=None
        ).values_list("local_id", "wonde_id")
        return pupils, by_upn, dict(others)

    def _match(
        self,
        student: Student,
        links: _Links,
        pupils: dict[Any, Pupil],
        by_upn: dict[str, Pupil],
        linked_ids: dict[Any, str],
        claimed: dict[str, str],
    ) -> Pupil | object | None:
        """The child this student is, ``None`` if none yet, or ``_GONE`` when there must be
        no child: a conflict, or a child whose record was erased in Attune."""
        link = links.by_id.get(student.wonde_id)
        if link is None and student.upi and (old := links.by_upi.get(student.upi)):
            link = old
            self._relink(old, student)
        if link is not None:
            self._refresh_link(link, student)
            return pupils.get(link.local_id) or self._erased(student)
        upn = _valid_upn(student)
        pupil = by_upn.get(upn) if upn else None
        if upn is None or pupil is None:
            return None
        holder = linked_ids.get(pupil.pk)
        taken = holder is not None and holder != student.wonde_id
        if taken or claimed.get(upn, student.wonde_id) != student.wonde_id:
            self._conflict(student, upn, pupil)
            return _GONE
        claimed[upn] = student.wonde_id
        MisLink.objects.create(
            school=self.ctx.school,
            kind=LinkKind.STUDENT,
            wonde_id=student.wonde_id,
            upi=student.upi or "",
            mis_id=student.mis_id or "",
            local_id=pupil.pk,
        )
        linked_ids[pupil.pk] = student.wonde_id
        self.ctx.counts["pupils_linked"] += 1
        return pupil

    def _erased(self, student: Student) -> object:
        """The child was linked, and their record has since been erased in Attune (a data
        request): they are not brought back."""
        self.ctx.counts["pupils_erased_not_readded"] += 1
        self.ctx.problem(
            Problem(
                "pupil.erased",
                f"{student.label}: this child's record was erased in Attune, so the MIS record "
                "was not brought back in.",
            )
        )
        return _GONE

    def _relink(self, link: MisLink, student: Student) -> None:
        """The child came back with a new Wonde id: the same UPI, so the same child [DOC²]."""
        link.wonde_id = student.wonde_id
        link.ended_on = None
        link.save(update_fields=["wonde_id", "ended_on"])
        self.ctx.counts["pupils_relinked"] += 1

    def _refresh_link(self, link: MisLink, student: Student) -> None:
        values: dict[str, Any] = {
            "upi": student.upi or link.upi,
            "mis_id": student.mis_id or link.mis_id,
            "ended_on": None,  # listed again: not (or no longer) deleted
        }
        if any(getattr(link, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(link, name, value)
            link.save(update_fields=list(values))

    def _conflict(self, student: Student, upn: str, pupil: Pupil) -> None:
        self.ctx.counts["conflicts"] += 1
        self.ctx.problem(
            Problem(
                "conflict.upn",
                f"{student.label}: UPN {upn} already belongs to {pupil.display_name} in "
                "Attune, who is linked to another MIS record. Nothing was changed for either "
                "child; check the UPN in the MIS.",
            )
        )

    # --- adding ------------------------------------------------------------------------------

    def _new_pupil(
        self, student: Student, by_upn: dict[str, Pupil], claimed: dict[str, str]
    ) -> Pupil | None:
        upn = _valid_upn(student)
        missing = _missing_for_new(student, upn)
        if missing or upn is None:
            self.ctx.counts["pupils_not_added"] += 1
            self.ctx.problem(
                Problem(
                    "pupil.incomplete",
                    f"{student.label}: not added, because the MIS gave no {missing}.",
                )
            )
            return None
        if upn in claimed or upn in by_upn:
            holder = by_upn.get(upn)
            if holder is not None:
                self._conflict(student, upn, holder)
            else:
                self.ctx.counts["conflicts"] += 1
                self.ctx.problem(
                    Problem(
                        "conflict.upn_twice",
                        f"{student.label}: another MIS record has the same UPN {upn}; "
                        "neither was added twice. Check the UPN in the MIS.",
                    )
                )
            return None
        claimed[upn] = student.wonde_id
        values = _values(student, None, self.ctx.problem)
        values["upn"] = upn
        values.setdefault("sex", "U")
        pupil = Pupil(school=self.ctx.school, **values)
        by_upn[upn] = pupil
        self.ctx.counts["pupils_added"] += 1
        return pupil

    def _link_new(self, new: list[tuple[Student, Pupil]]) -> None:
        MisLink.objects.bulk_create(
            MisLink(
                school=self.ctx.school,
                kind=LinkKind.STUDENT,
                wonde_id=student.wonde_id,
                upi=student.upi or "",
                mis_id=student.mis_id or "",
                local_id=pupil.pk,
            )
            for student, pupil in new
        )

    # --- updating ----------------------------------------------------------------------------

    def _update(self, student: Student, pupil: Pupil, by_upn: dict[str, Pupil]) -> None:
        values = _values(student, pupil, self.ctx.problem)
        upn = _valid_upn(student)
        if upn and upn != pupil.upn:
            holder = by_upn.get(upn) or Pupil.objects.filter(upn=upn).first()
            if holder is not None and holder.pk != pupil.pk:
                self._conflict(student, upn, holder)
            else:
                values["upn"] = upn
        before = {name: getattr(pupil, name) for name in values}
        changes = changed(before, values)
        if not changes:
            self.ctx.counts["pupils_unchanged"] += 1
            return
        for name in changes:
            setattr(pupil, name, values[name])
        pupil.save(update_fields=[*changes, "updated_at"])
        self.ctx.counts["pupils_updated"] += 1
        self.entries.append(Entry(Action.PUPIL_MIS_UPDATED, pupil, changes=_sourced(changes)))

    # --- cohorts -----------------------------------------------------------------------------

    def _cohorts(
        self, pairs: list[tuple[Student, Pupil]], new_ids: set[Any]
    ) -> dict[Any, dict[str, list[str]]]:
        """Bring each child's cohorts into line; returns the cohorts changed, by child."""
        wanted = [(s, p) for s, p in pairs if s.cohorts]
        stored: dict[tuple[Any, str], list[CohortMembership]] = defaultdict(list)
        existing = [p.pk for _, p in wanted if p.pk not in new_ids]
        for membership in CohortMembership.objects.filter(pupil_id__in=existing):
            stored[membership.pupil_id, membership.cohort].append(membership)
        to_add: list[CohortMembership] = []
        to_change: list[CohortMembership] = []
        per_pupil: dict[Any, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for student, pupil in wanted:
            for cohort, evidence in student.cohorts.items():
                mine = stored.get((pupil.pk, cohort), [])
                plan = _plan(mine, evidence, self.ctx.today)
                for span, why in plan.left_out:
                    self.ctx.problem(
                        Problem(
                            "range.left_out",
                            f"{student.label}: a {Cohort(cohort).label} range from "
                            f"{span.start} was left out ({why}).",
                        )
                    )
                for span in plan.add:
                    to_add.append(
                        CohortMembership(
                            school=self.ctx.school,
                            pupil=pupil,
                            cohort=cohort,
                            start_date=span.start,
                            end_date=span.end,
                        )
                    )
                    per_pupil[pupil.pk]["cohorts_started"].append(cohort)
                by_key: dict[Hashable, CohortMembership] = {m.pk: m for m in mine}
                for key, (start, end) in plan.change.items():
                    membership = by_key[key]
                    membership.start_date, membership.end_date = start, end
                    to_change.append(membership)
                    per_pupil[pupil.pk]["cohorts_changed"].append(cohort)
        # Ending comes first: only one membership of a cohort may be open at a time.
        for membership in sorted(to_change, key=lambda m: m.end_date is None):
            membership.save(update_fields=["start_date", "end_date"])
        CohortMembership.objects.bulk_create(to_add)
        self.ctx.counts["cohorts_started"] += len(to_add)
        self.ctx.counts["cohorts_changed"] += len(to_change)
        return per_pupil

    def _key_adult_list(self, new: list[tuple[Student, Pupil]]) -> None:
        """New children join the key adult list as the pupils CSV would put them there."""
        ids = [pupil.pk for _, pupil in new]
        open_now = set(
            CohortMembership.objects.filter(pupil_id__in=ids, cohort__in=list(KEY_ADULT_COHORTS))
            .filter(Q(end_date=None) | Q(end_date__gte=self.ctx.today))
            .filter(start_date__lte=self.ctx.today)
            .values_list("pupil_id", flat=True)
        )
        for _, pupil in new:
            if pupil.pk in open_now:
                pupil.needs_key_adult = True
                pupil.save(update_fields=["needs_key_adult"])

    def _audit(
        self,
        kept: list[tuple[Student, Pupil]],
        new: list[tuple[Student, Pupil]],
        cohort_changes: dict[Any, dict[str, list[str]]],
    ) -> None:
        """A new child's event carries their whole record; an existing child's cohort
        changes join the event for their other changes, or make one of their own."""
        for _, pupil in new:
            changes: dict[str, Any] = {
                name: [None, plain(getattr(pupil, name))] for name in PUPIL_FIELDS
            }
            changes["needs_key_adult"] = [None, pupil.needs_key_adult]
            changes |= dict(cohort_changes.get(pupil.pk, {}))
            self.entries.append(Entry(Action.PUPIL_MIS_ADDED, pupil, changes=_sourced(changes)))
        updated = {entry.obj.pk: entry for entry in self.entries}
        for _, pupil in kept:
            cohorts = cohort_changes.get(pupil.pk)
            if not cohorts:
                continue
            entry = updated.get(pupil.pk)
            if entry is not None and entry.changes is not None:
                self.entries.remove(entry)
                merged = {**entry.changes, **dict(cohorts)}
                self.entries.append(Entry(Action.PUPIL_MIS_UPDATED, pupil, changes=merged))
            else:
                self.entries.append(
                    Entry(Action.PUPIL_MIS_UPDATED, pupil, changes=_sourced(dict(cohorts)))
                )
                self.ctx.counts["pupils_updated"] += 1
                self.ctx.counts["pupils_unchanged"] -= 1


# --- helpers -----------------------------------------------------------------------------------


@dataclass
class _Links:
    by_id: dict[str, MisLink]
    by_upi: dict[str, MisLink]

    def all(self) -> Iterable[MisLink]:
        return {link.pk: link for link in [*self.by_id.values(), *self.by_upi.values()]}.values()


def _links_for(students: list[Student]) -> _Links:
    ids = [s.wonde_id for s in students]
    upis = [s.upi for s in students if s.upi]
    links = MisLink.objects.filter(kind=LinkKind.STUDENT).filter(
        Q(wonde_id__in=ids) | Q(upi__in=upis)
    )
    by_id: dict[str, MisLink] = {}
    by_upi: dict[str, MisLink] = {}
    for link in links:
        by_id[link.wonde_id] = link
        if link.upi:
            by_upi[link.upi] = link
    return _Links(by_id, by_upi)


def _valid_upn(student: Student) -> str | None:
    if not student.upn:
        return None
    try:
        return validate_upn(student.upn)
    except UpnError:
        return None


def _missing_for_new(student: Student, upn: str | None) -> str:
    if upn is None:
        return "valid UPN" if student.upn else "UPN"
    if not (student.legal_forename or student.forename):
        return "forename"
    if not (student.legal_surname or student.surname):
        return "surname"
    if student.date_of_birth is None:
        return "date of birth"
    if student.year_group is None:
        known = f" ({student.year_text})" if student.year_text else ""
        return f"year group we recognise{known}"
    return ""


def _values(student: Student, pupil: Pupil | None, problem: Any) -> dict[str, Any]:
    """The fields the MIS gave for this child (a ``None`` is left out: not given)."""
    legal_forename = student.legal_forename or (student.forename if pupil is None else None)
    legal_surname = student.legal_surname or (student.surname if pupil is None else None)
    values: dict[str, Any] = {
        "legal_forename": legal_forename,
        "legal_surname": legal_surname,
        "date_of_birth": student.date_of_birth,
        "sex": student.sex,
        "year_group": student.year_group,
        "admission_date": student.admission_date,
        "leaving_date": student.leaving_date,
    }
    if student.forename is not None:
        legal = legal_forename or (pupil.legal_forename if pupil else "")
        values["preferred_name"] = "" if student.forename == legal else student.forename[:100]
    group = student.registration_group
    if group is not None and len(group) > REGISTRATION_GROUP_LIMIT:
        problem(
            Problem(
                "pupil.registration_group_long",
                f"{student.label}: the registration group '{group}' is longer than "
                f"{REGISTRATION_GROUP_LIMIT} characters, so it was not changed.",
            )
        )
    elif group is not None:
        values["registration_group"] = group
    for name in ("legal_forename", "legal_surname"):
        if values[name] is not None:
            values[name] = values[name][:100]
    return {name: value for name, value in values.items() if value is not None}


def _plan(stored: list[CohortMembership], evidence: Any, today: Any) -> rules.Plan:
    current = [rules.Stored(m.pk, m.start_date, m.end_date) for m in stored]
    if evidence.spans is not None:
        return rules.from_spans(current, evidence.spans, today)
    if evidence.today is not None:
        return rules.from_flag(current, evidence.today, today)
    return rules.Plan()


def _sourced(changes: dict[str, Any]) -> dict[str, Any]:
    return {**changes, "source": "mis"}
