"""A :class:`~attune.virtualschool.reports.Report` as CSV or PDF, hidden figures marked the same."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from fpdf import FPDF

from attune.plans.pdf import _plain

from .reports import Report


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([report.title])
    if report.span_text:
        writer.writerow([report.span_text])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow(table.headers)
        for row in table.all_rows():
            writer.writerow([row.label, *(c.text for c in row.cells)])
    writer.writerow([])
    for note in report.notes:
        writer.writerow([note])
    return out.getvalue()


class _Report(FPDF):
    def lines(self, height: float, text: str) -> None:
        self.multi_cell(0, height, _plain(text), new_x="LMARGIN", new_y="NEXT", align="L")


def report_pdf(report: Report) -> bytes:
    pdf = _Report(format="A4", orientation="landscape")
    pdf.set_title(_plain(report.title))
    pdf.set_margins(14, 14, 14)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.lines(8, report.title)
    pdf.set_font("Helvetica", "", 10)
    if report.span_text:
        pdf.lines(5, report.span_text)
    pdf.lines(5, "Confidential: keep it safe and destroy it when no longer needed.")
    for table in report.tables:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.lines(7, table.caption)
        pdf.set_font("Helvetica", "", 9)
        if not table.rows:
            pdf.lines(5, "Nothing to show.")
            continue
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as grid:
            for cells in [
                table.headers,
                *([r.label, *(c.text for c in r.cells)] for r in table.all_rows()),
            ]:
                line = grid.row()
                for text in cells:
                    line.cell(_plain(text))
    pdf.ln(3)
    for note in report.notes:
        pdf.lines(5, note)
    return bytes(pdf.output())


def export_response(report: Report, fmt: str) -> HttpResponse | None:
    """The report as a download when ``fmt`` is "csv" or "pdf"; None for the HTML page."""
    if fmt == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        name = f"{report.filename}.csv"
    elif fmt == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        name = f"{report.filename}.pdf"
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
