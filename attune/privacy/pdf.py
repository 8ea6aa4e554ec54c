"""The subject access export as a PDF, drawn from the same data as the JSON (fpdf2)."""

from __future__ import annotations

import json
from typing import Any

from fpdf import FPDF

from attune.plans.pdf import _plain


class _Export(FPDF):
    def lines(self, height: float, text: str) -> None:
        self.multi_cell(0, height, _plain(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.lines(7, text)
        self.set_font("Helvetica", "", 9.5)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _row(row: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {_value(value)}" for key, value in row.items())


def subject_access_pdf(data: dict[str, Any]) -> bytes:
    child = data["child"]
    name = f"{child.get('legal_forename', '')} {child.get('legal_surname', '')}".strip()
    pdf = _Export(format="A4")
    pdf.set_title(_plain(f"Information held about {name}"))
    pdf.set_margins(16, 14, 16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.lines(8, f"Information held about {name}")
    pdf.set_font("Helvetica", "", 9.5)
    pdf.lines(
        5,
        f"{data['school']['name']} (URN {data['school']['urn']}). Made {data['made_at'][:16]}. "
        "Confidential. The same information is in the machine-readable JSON export "
        f"(format {data['format']}).",
    )
    pdf.heading("The child's record")
    for key, value in child.items():
        pdf.lines(5, f"{key}: {_value(value)}")
    for label, kind in data["records"].items():
        rows = kind["rows"]
        pdf.heading(f"{kind['name']} ({len(rows)})")
        if not rows:
            pdf.lines(5, f"None held ({label}).")
        for row in rows:
            pdf.lines(5, f"- {_row(row)}")
    pdf.heading(f"Who read or changed these records ({len(data['audit_trail'])})")
    for event in data["audit_trail"]:
        pdf.lines(5, f"- {event['at'][:16]} {event['by']}: {event['action']}")
    return bytes(pdf.output())
