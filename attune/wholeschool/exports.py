"""A Relational Approaches Audit as CSV rows (written by ``attune/csv_files.py``) and as a
printable PDF (drawn with Attune's one PDF document, ``attune/pdf.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from attune.pdf import Document
from attune.wholeschool.domain.audit_template import AuditTemplate

CSV_HEADER = ("item_id", "area", "sub_section", "item", "rating", "evidence", "next_steps")
CITATION = (
    "Based on the Relational Approaches Audit by Virtual School Kent and Kent Educational "
    "Psychology Service, 2025."
)


@dataclass(frozen=True, slots=True)
class ExportAnswer:
    rating: str
    evidence: str
    next_steps: str


NOT_ANSWERED = ExportAnswer("", "", "")


def relational_audit_rows(
    template: AuditTemplate, answers: Mapping[str, ExportAnswer]
) -> Iterator[list[str]]:
    """One row per item, in the template's order (the columns of ``CSV_HEADER``)."""
    for area, section, item in template.locate():
        answer = answers.get(item.id, NOT_ANSWERED)
        yield [
            item.id,
            area.title,
            section.title,
            item.text,
            answer.rating,
            answer.evidence,
            answer.next_steps,
        ]


def _small(pdf: Document, text: str, size: float, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.lines(5, text)
    pdf.set_font("Helvetica", "", pdf.body_size)


def relational_audit_pdf(
    *,
    template: AuditTemplate,
    answers: Mapping[str, ExportAnswer],
    notes: Mapping[str, str],
    school_name: str,
    heading: str,
    compress: bool = True,
) -> bytes:
    title = f"{template.title}: {school_name}"
    pdf = Document(title, body_size=10)
    pdf.set_compression(compress)
    pdf.title_line(title)
    _small(pdf, heading, 11)
    _small(pdf, CITATION, 8)
    for area in template.areas:
        pdf.heading(area.title, 14)
        for section in area.sections:
            pdf.heading(section.title, 12)
            for number, item in enumerate(section.items, 1):
                answer = answers.get(item.id, NOT_ANSWERED)
                pdf.lines(5, f"{number}. {item.text}")
                _small(pdf, f"Rating: {answer.rating.title() or 'Not rated'}", 10, "B")
                if answer.evidence:
                    _small(pdf, f"Evidence: {answer.evidence}", 9)
                if answer.next_steps:
                    _small(pdf, f"Next steps: {answer.next_steps}", 9)
                pdf.ln(1)
            section_notes = notes.get(f"{area.id}.{section.id}", "")
            if section_notes:
                _small(pdf, f"Notes: {section_notes}", 9, "I")
    return pdf.bytes()
