"""One PEP as a PDF, drawn with Attune's one PDF document (``attune/pdf.py``)."""

from __future__ import annotations

from decimal import Decimal

from attune.pdf import Document
from attune.pep.domain.targets import target_sums
from attune.pep.models import Pep, PepTarget


def _pounds(amount: Decimal | None) -> str:
    return "" if amount is None else f", Pupil Premium Plus £{amount:,.2f}"


def _target_line(target: PepTarget) -> str:
    line = f"{target.description} ({target.owner_label}, by {target.due_on:%-d %B %Y}"
    line += f"{_pounds(target.funding)})"
    if target.plan_target is not None:
        line += f". Towards the plan goal: {target.plan_target.description}"
    if target.outcome:
        line += f". Reviewed: {target.get_outcome_display()}"
        if target.outcome_note:
            line += f" ({target.outcome_note})"
    return line


def pep_pdf(pep: Pep, targets: list[PepTarget]) -> bytes:
    pupil = pep.pupil
    title = f"Personal Education Plan: {pupil.display_name}, {pep.pep_term.label}"
    pdf = Document(title)
    pdf.title_line(title)
    signed = (
        f" Signed off on {pep.signed_off_on:%-d %B %Y}." if pep.signed_off_on is not None else ""
    )
    pdf.para(
        f"{pupil.year_label}. Meeting on {pep.meeting_on:%-d %B %Y} ({pep.get_status_display()})."
        f"{signed} Confidential: keep it safe and destroy it when no longer needed."
    )
    pdf.heading("People")
    pdf.bullet(f"Designated teacher: {pep.designated_teacher.full_name}")
    pdf.bullet(f"Social worker: {pep.social_worker_label or 'not recorded'}")
    for person in pep.attendee_list:
        pdf.bullet(f"Came to the meeting: {person}")
    if pep.plan is not None:
        pdf.bullet(f"Linked to: {pep.plan.get_kind_display()}")
    pdf.heading(f"{pupil.known_as}'s views, in their own words")
    pdf.para(pep.child_views)
    pdf.heading("The carer's views")
    pdf.para(pep.carer_views)
    pdf.heading("Attendance")
    pdf.para(pep.attendance_summary)
    pdf.heading("Progress")
    pdf.para(pep.progress_summary)
    pdf.heading("Targets")
    sums = target_sums(t.outcome for t in targets)
    pdf.para(
        f"{sums.total} target{'' if sums.total == 1 else 's'}: {sums.met} met, "
        f"{sums.partly} partly met, {sums.not_met} not met, "
        f"{sums.carried_forward} carried forward, {sums.open} not reviewed yet."
    )
    for target in targets:
        pdf.bullet(_target_line(target))
    return pdf.bytes()
