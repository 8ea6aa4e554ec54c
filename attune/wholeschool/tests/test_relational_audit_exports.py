"""The printable PDF: written uncompressed here so its text can be read back."""

from __future__ import annotations

from attune.wholeschool.domain.audit_template import default_template
from attune.wholeschool.exports import ExportAnswer, relational_audit_pdf


def test_pdf_names_the_school_and_every_item_with_its_rating() -> None:
    template = default_template()
    answers = {i: ExportAnswer("green", "Staff survey \u201925", "") for i in template.item_ids()}
    body = relational_audit_pdf(
        template=template,
        answers=answers,
        notes={"safe.ethos": "Governors keen"},
        school_name="Hollybrook Primary School",
        heading="Started 5 January 2026; completed 6 January 2026.",
        compress=False,
    )
    assert body.startswith(b"%PDF-")
    assert b"Hollybrook Primary School" in body
    assert b"Rating: Green" in body
    assert b"Governors keen" in body
    assert b"Staff survey '25" in body  # typographic quote made plain for the built-in font
    assert b"Virtual School Kent" in body
    # each item's opening words (the PDF may wrap a long item onto several lines)
    for item in template.items():
        assert item.text[:20].encode("latin-1") in body, item.id
