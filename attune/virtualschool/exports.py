"""A :class:`~attune.virtualschool.reports.Report` as CSV or PDF, hidden figures marked the same.

Both go through Attune's one CSV writer and one PDF document, so a school's name typed as a
formula is written as text, like every other export.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http.response import HttpResponseBase

from attune import csv_files, pdf

from .reports import Report


def _csv_rows(report: Report) -> Iterator[list[str]]:
    """Every line after the title: the range, each table under its caption, then the notes."""
    if report.span_text:
        yield [report.span_text]
    for table in report.tables:
        yield []
        yield [table.caption]
        yield table.headers
        for row in table.all_rows():
            yield [row.label, *(c.text for c in row.cells)]
    yield []
    for note in report.notes:
        yield [note]


def report_pdf(report: Report) -> bytes:
    document = pdf.Document(report.title, body_size=9.5)
    document.title_line(report.title)
    if report.span_text:
        document.para(report.span_text)
    document.para("Confidential: keep it safe and destroy it when no longer needed.")
    for table in report.tables:
        document.heading(table.caption, size=12)
        if not table.rows:
            document.para("Nothing to show.")
            continue
        with document.table(text_align="LEFT", first_row_as_headings=True) as grid:
            for cells in [
                table.headers,
                *([r.label, *(c.text for c in r.cells)] for r in table.all_rows()),
            ]:
                line = grid.row()
                for text in cells:
                    line.cell(pdf.plain(text))
    document.ln(3)
    for note in report.notes:
        document.para(note)
    return document.bytes()


def export_response(report: Report, fmt: str) -> HttpResponseBase | None:
    """The report as a download when ``fmt`` is "csv" or "pdf"; None for the HTML page."""
    if fmt == "csv":
        return csv_files.download(f"{report.filename}.csv", [report.title], _csv_rows(report))
    if fmt == "pdf":
        return pdf.download(f"{report.filename}.pdf", report_pdf(report))
    return None
