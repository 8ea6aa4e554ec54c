from __future__ import annotations

from datetime import date

from django import forms

from .models import VIRTUAL_SCHOOL_COHORT_CHOICES
from .selectors import DateRange

ISO_DATE = {"type": "date"}  # a browser's date picker sends and expects 2026-09-01


class DateRangeForm(forms.Form):
    date_from = forms.DateField(label="From", widget=forms.DateInput(ISO_DATE, "%Y-%m-%d"))
    date_to = forms.DateField(label="To", widget=forms.DateInput(ISO_DATE, "%Y-%m-%d"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def span(self, default: DateRange) -> DateRange:
        """The range asked for, or ``default`` when nothing (or something wrong) was given."""
        if not self.is_bound or not self.is_valid():
            return default
        return DateRange(self.cleaned_data["date_from"], self.cleaned_data["date_to"])


class SharingForm(forms.Form):
    cohorts = forms.MultipleChoiceField(
        label="Cohorts we share child-level detail for",
        choices=VIRTUAL_SCHOOL_COHORT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a ticked cohort, Virtual School officers can open each child's summary: "
        "attendance, whether they have a key adult and when their plans are reviewed. Figures "
        "for every cohort are shared as totals with small numbers hidden, whatever you tick.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which system will use it, so you know what to revoke later.",
    )
