"""The one way Attune draws a PDF (fpdf2, with its built-in Helvetica: no font files to ship)."""

from __future__ import annotations

from django.http import HttpResponse
from fpdf import FPDF

# Helvetica covers Latin-1 only; typographic punctuation is swapped for plain equivalents.
_PLAIN = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


def plain(text: str) -> str:
    """Text Helvetica can draw: curly quotes and dashes made plain, anything else a '?'."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class Document(FPDF):
    """An A4 document with the few kinds of line Attune's PDFs use."""

    def __init__(self, title: str, *, body_size: float = 10.5) -> None:
        super().__init__(format="A4")
        self.body_size = body_size
        self.set_title(plain(title))
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("Helvetica", "", body_size)

    def lines(self, height: float, text: str) -> None:
        """Left-aligned (justified lines would be drawn word by word), wrapped to the page."""
        self.multi_cell(0, height, plain(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def title_line(self, text: str) -> None:
        self.set_font("Helvetica", "B", 16)
        self.lines(9, text)
        self.set_font("Helvetica", "", self.body_size)

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.lines(7, text)
        self.set_font("Helvetica", "", self.body_size)

    def para(self, text: str) -> None:
        self.lines(5.5, text or "Nothing written yet.")

    def bullet(self, text: str) -> None:
        self.lines(5.5, f"- {text}")

    def bytes(self) -> bytes:
        return bytes(self.output())


def download(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
