"""Forms for the attendance pages: filters, the upload, term dates and concerns."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings

from attune.attendance.models import AbsenceFactor, ConcernStatus
from attune.people.models import YEAR_GROUP_LABELS, Cohort

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DateRangeForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the range must be on or after its start.")
        return data

    def dates(self, year_start: date, today: date) -> tuple[date, date]:
        """The range asked for, or the school year so far; a bad range falls back too."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("date_from") or year_start, data.get("date_to") or today


ONLY_CHOICES = [
    ("", "All pupils"),
    ("pa", "Only persistently absent (under 90%)"),
    ("sa", "Only severely absent (under 50%)"),
]
SORT_CHOICES = [
    ("name", "Name"),
    ("year", "Year"),
    ("group", "Registration group"),
    ("attendance", "Attendance"),
    ("possible", "Possible sessions"),
    ("authorised", "Authorised absence"),
    ("unauthorised", "Unauthorised absence"),
]


class SchoolFilterForm(DateRangeForm):
    year_group = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    registration_group = forms.ChoiceField(label="Registration group", required=False)
    cohort = forms.ChoiceField(label="Cohort", required=False)
    only = forms.ChoiceField(label="Show", required=False, choices=ONLY_CHOICES)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)
    order = forms.ChoiceField(
        required=False, choices=[("asc", "asc"), ("desc", "desc")], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, groups: list[str], with_cohorts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["year_group"]).choices = [
            ("", "All years"),
            *sorted(YEAR_GROUP_LABELS.items()),
        ]
        cast("forms.ChoiceField", self.fields["registration_group"]).choices = [
            ("", "All groups")
        ] + [(g, g) for g in groups]
        if with_cohorts:
            cast("forms.ChoiceField", self.fields["cohort"]).choices = [
                ("", "Everyone"),
                *Cohort.choices,
            ]
        else:
            # Cohorts (looked after, child protection…) are for those who may see them.
            del self.fields["cohort"]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[
            ("csv", "Session marks (CSV)"),
            ("ctf", "Common Transfer File (CTF, XML)"),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="File",
        help_text="The whole file is checked first. If any row has a problem, nothing is saved "
        "and every problem is listed so you can fix the file and try again.",
    )

    def clean_file(self) -> Any:
        """Refuse a file over ``ATTUNE_UPLOAD_MAX_MB``: a page of every problem in a county's
        file would be tens of megabytes, and the command takes any size."""
        upload = self.cleaned_data["file"]
        limit = settings.ATTUNE_UPLOAD_MAX_MB
        if upload.size is not None and upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; the page takes files up to "
                f"{limit} MB. Ask whoever runs Attune to import it with 'attune "
                "import_attendance' (or 'attune import_ctf'), which takes any size.",
                code="too_big",
            )
        return upload


class TermForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="For example, Autumn 1 or Spring term.")
    starts_on = forms.DateField(label="First day", widget=DATE)
    ends_on = forms.DateField(label="Last day", widget=DATE)


class ConcernForm(forms.Form):
    opened_on = forms.DateField(label="Opened on", widget=DATE)
    status = forms.ChoiceField(choices=ConcernStatus.choices, initial=ConcernStatus.OPEN)
    factors = forms.MultipleChoiceField(
        label="What seems to lie behind the absence?",
        choices=AbsenceFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply. You can change them as you learn more.",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you know so far and what has been tried.",
    )
