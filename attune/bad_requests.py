"""400 pages: what a page's address asked for that Attune cannot use, said in plain words.

Every page that reads a date range or a day from its address checks it here
(``check_dates``, ``day_from_address``) and raises ``BadRequest`` with the reason; the
``bad_request`` handler shows that reason. A date outside 1990 to a year from today would
otherwise reach the sums that work in school years and fail with a server error.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attune.dates import out_of_range

__all__ = ["bad_request", "check_dates", "day_from_address"]


def check_dates(form: forms.Form, *, today: date | None = None) -> None:
    """Raise ``BadRequest`` when a bound form's date fields hold something unusable.

    A date that is not a date, or one outside 1990 to a year from today: each is named, with
    the field's label. (A range that ends before it starts is the form's own message, shown
    beside the field as before: the dates themselves are usable.)
    """
    if not form.is_bound:
        return
    today = today or timezone.localdate()
    reasons = []
    for name, field in form.fields.items():
        raw = form.data.get(form.add_prefix(name))
        if not isinstance(field, forms.DateField) or raw in (None, ""):
            continue
        label = field.label or name
        try:
            value = field.clean(raw)
        except forms.ValidationError as error:
            reasons += [f"{label}: {message}" for message in error.messages]
            continue
        if isinstance(value, date) and (why := out_of_range(value, today)):
            reasons.append(f"{label}: {why}")
    if reasons:
        raise BadRequest(" ".join(reasons))


def day_from_address(text: str, *, today: date | None = None) -> date:
    """A ``YYYY-MM-DD`` day from a URL, or ``BadRequest`` saying what is wrong with it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"'{text}' isn't a date written as YYYY-MM-DD.") from None
    why = out_of_range(day, today or timezone.localdate())
    if why:
        raise BadRequest(why)
    return day


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page (``handler400``): the reason, and a way back."""
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"reason": reason}, status=400)
