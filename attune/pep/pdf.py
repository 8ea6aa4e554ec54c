"""One PEP as a PDF (fpdf2, built-in Helvetica, as the handover pack in attune/plans/pdf.py)."""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF

from attune.pep.domain.targets import target_sums
from attune.pep.models import Pep, PepTarget
from attune.plans.pdf import _plain


class _Document(FPDF):
    def lines(self, height: float, text: str) -> None:
        self.multi_cell(0, height, _plain(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 13)
        self.lines(7, text)
        self.set_font("Helvetica", "", 10.5)

    def para(self, text: str) -> None:
        self.lines(5.5, text or "Nothing written.")

    def bullet(self, text: str) -> None:
        self.lines(5.5, f"- {text}")


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
    pdf = _Document(format="A4")
    pdf.set_title(_plain(title))
    pdf.set_margins(18, 16, 18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.lines(8, title)
    pdf.set_font("Helvetica", "", 10)
    signed = (
        f" Signed off on {pep.signed_off_on:%-d %B %Y}." if pep.signed_off_on is not None else ""
    )
    pdf.lines(
        5,
        f"{pupil.year_label}. Meeting on {pep.meeting_on:%-d %B %Y} ({pep.get_status_display()})."
        f"{signed} Confidential: keep it safe and destroy it when no longer needed.",
    )
    pdf.set_font("Helvetica", "", 10.5)
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
    return bytes(pdf.output())
