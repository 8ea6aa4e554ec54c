"""The one way Attune writes CSV, for every export and command.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula, so a child's name such as ``=HYPERLINK(...)`` typed into Attune could run
in the office's spreadsheet. Every text cell that begins so is written with a leading
apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection). Numbers stay
numbers: only text is changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One value as CSV text: empty for None, ``true``/``false`` for booleans, numbers and
    dates as they are, and text defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal | date | datetime):
        return str(value) if not isinstance(value, date) else value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text line by line: the header, then each row with every cell defused."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow([cell(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    return "".join(lines(header, rows))


def download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A CSV file to download. ``stream`` sends rows as they are made (a large export)."""
    response: HttpResponse | StreamingHttpResponse
    if stream:
        response = StreamingHttpResponse(lines(header, rows), content_type="text/csv")
    else:
        response = HttpResponse(text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
