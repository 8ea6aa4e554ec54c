"""An audit as CSV rows and as a printable PDF (fpdf2, built-in fonts, no files on disk)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from fpdf import FPDF

from attune.wholeschool.domain.audit_template import AuditTemplate

CSV_HEADER = ["item_id", "area", "sub_section", "item", "rating", "evidence", "next_steps"]
CITATION = (
    "Based on the Relational Approaches Audit by Virtual School Kent and Kent Educational "
    "Psychology Service, 2025."
)


@dataclass(frozen=True, slots=True)
class ExportAnswer:
    rating: str
    evidence: str
    next_steps: str


def audit_csv(template: AuditTemplate, answers: Mapping[str, ExportAnswer]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for area, section, item in template.locate():
        answer = answers.get(item.id, ExportAnswer("", "", ""))
        writer.writerow(
            [
                item.id,
                area.title,
                section.title,
                item.text,
                answer.rating,
                answer.evidence,
                answer.next_steps,
            ]
        )
    return out.getvalue()


# The PDF's built-in fonts cover Latin-1 only; typographic punctuation is mapped to plain.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


def _latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def audit_pdf(
    *,
    template: AuditTemplate,
    answers: Mapping[str, ExportAnswer],
    notes: Mapping[str, str],
    school_name: str,
    heading: str,
    compress: bool = True,
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(_latin1(f"{template.title}: {school_name}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: int = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    write(f"{template.title}: {school_name}", 16, "B", 8)
    write(heading, 11)
    write(CITATION, 8)
    for area in template.areas:
        pdf.ln(3)
        write(area.title, 14, "B", 7)
        for section in area.sections:
            pdf.ln(1)
            write(section.title, 12, "B", 6)
            for number, item in enumerate(section.items, 1):
                answer = answers.get(item.id, ExportAnswer("", "", ""))
                write(f"{number}. {item.text}", 10, "", 5)
                write(f"Rating: {answer.rating.title() or 'Not rated'}", 10, "B", 5)
                if answer.evidence:
                    write(f"Evidence: {answer.evidence}", 9)
                if answer.next_steps:
                    write(f"Next steps: {answer.next_steps}", 9)
                pdf.ln(1)
            section_notes = notes.get(f"{area.id}.{section.id}", "")
            if section_notes:
                write(f"Notes: {section_notes}", 9, "I")
    return bytes(pdf.output())
