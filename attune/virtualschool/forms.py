from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from attune.access.rules import Partner

from .models import VIRTUAL_SCHOOL_COHORT_CHOICES, Quality
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


# --- the authority's own children ------------------------------------------------------------


class ChildrenFilterForm(forms.Form):
    q = forms.CharField(label="Name or child id", required=False, max_length=100)
    pep = forms.ChoiceField(
        label="PEP this term",
        required=False,
        choices=[("", "Any"), ("overdue", "Overdue"), ("due", "Due"), ("held", "Held")],
    )
    where = forms.ChoiceField(
        label="Where they learn",
        required=False,
        choices=[
            ("", "Anywhere"),
            ("on_attune", "At a school on Attune"),
            ("not_on_attune", "At a school not on Attune"),
            ("out_of_area", "Out of the authority's area"),
        ],
    )


class InviteForm(forms.Form):
    kind = forms.ChoiceField(label="Who", choices=[(p.value, p.label) for p in Partner])
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Only for the child: the others are invited at the address on your list.",
    )


class RateForm(forms.Form):
    quality = forms.ChoiceField(
        label="How good is this PEP?", choices=Quality.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="What makes it so (shared with the partners)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="What should change",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Do not approve")], widget=forms.HiddenInput
    )


# --- partners --------------------------------------------------------------------------------


class SectionForm(forms.Form):
    text = forms.CharField(
        label="Your part", max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="The PEP meeting was held on", widget=forms.DateInput(ISO_DATE))


class TargetForm(forms.Form):
    description = forms.CharField(
        label="What the target is", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    who = forms.CharField(label="Who will make it happen", max_length=160)
    due_on = forms.DateField(label="By when", widget=forms.DateInput(ISO_DATE))


class FundingForm(forms.Form):
    amount = forms.DecimalField(label="Amount (£)", max_digits=8, decimal_places=2)
    purpose = forms.CharField(
        label="What it is for", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    targets = forms.MultipleChoiceField(
        label="The PEP targets it pays for", widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, targets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = [  # type: ignore[attr-defined]
            (str(t.pk), t.description) for t in targets
        ]


class ImpactForm(forms.Form):
    impact = forms.CharField(
        label="What difference it made", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- a school's register link ------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Register marks (CSV)",
        help_text="school_urn, upn, date, session, code and (optional) minutes_late: the same "
        "file a school's register export gives.",
    )
