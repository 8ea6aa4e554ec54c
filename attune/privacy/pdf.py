"""The subject access export as a PDF, drawn from the same data as the JSON."""

from __future__ import annotations

import json
from typing import Any

from attune.pdf import Document


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
    title = f"Information held about {name}"
    pdf = Document(title, body_size=9.5)
    pdf.title_line(title)
    pdf.lines(
        5,
        f"{data['school']['name']} (URN {data['school']['urn']}). Made {data['made_at'][:16]}. "
        "Confidential. The same information is in the machine-readable JSON export "
        f"(format {data['format']}).",
    )
    pdf.heading("The child's record", size=12)
    for key, value in child.items():
        pdf.lines(5, f"{key}: {_value(value)}")
    for label, kind in data["records"].items():
        rows = kind["rows"]
        pdf.heading(f"{kind['name']} ({len(rows)})", size=12)
        if not rows:
            pdf.lines(5, f"None held ({label}).")
        for row in rows:
            pdf.lines(5, f"- {_row(row)}")
    pdf.heading(f"Who read or changed these records ({len(data['audit_trail'])})", size=12)
    for event in data["audit_trail"]:
        pdf.lines(5, f"- {event['at'][:16]} {event['by']}: {event['action']}")
    return pdf.bytes()
