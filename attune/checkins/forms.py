from __future__ import annotations

from typing import Any

from django import forms

from attune.checkins.domain.attunement import Principle
from attune.checkins.models import WEEKDAY_NAMES, CheckinForm, Mood, Outcome
from attune.checkins.services import HowItWent, PlanTerms
from attune.people.models import Staff
from attune.relationships.forms import StaffChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    at_start_of_day = forms.BooleanField(label="At the start of the day", required=False)
    at_end_of_day = forms.BooleanField(label="At the end of the day", required=False)
    at_time = forms.TimeField(
        label="At another time (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 12:30, after lunch.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On these days",
        coerce=int,
        choices=[(n, WEEKDAY_NAMES[n]) for n in range(5)],
        widget=forms.CheckboxSelectMultiple,
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes", min_value=1, max_value=240, initial=10
    )
    place = forms.CharField(
        label="Where", max_length=200, help_text="For example: the library corner."
    )
    form = forms.ChoiceField(label="In what form", choices=CheckinForm.choices)
    what_helps = forms.CharField(
        label="What helps during the check-in",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    child_words = forms.CharField(
        label="What the child said about it, in their words",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_on = forms.DateField(label="Starting on", widget=DATE)
    ends_on = forms.DateField(label="Ending on (optional)", required=False, widget=DATE)
    review_on = forms.DateField(label="Review with the child on", widget=DATE)

    def terms(self) -> PlanTerms:
        data = self.cleaned_data
        return PlanTerms(
            at_start_of_day=data["at_start_of_day"],
            at_end_of_day=data["at_end_of_day"],
            at_time=data["at_time"],
            weekdays=tuple(data["weekdays"]),
            duration_minutes=data["duration_minutes"],
            place=data["place"],
            form=data["form"],
            what_helps=data["what_helps"],
            child_words=data["child_words"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            review_on=data["review_on"],
        )


class LogForm(forms.Form):
    """One check-in. Each outcome is its own submit button, so one tap logs it."""

    on = forms.DateField(widget=forms.HiddenInput)
    slot = forms.CharField(max_length=8, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    mood = forms.TypedChoiceField(
        label="How they seemed",
        choices=[("", "Not noted"), *Mood.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label="A short note", required=False, max_length=500)
    needed_to_decompress = forms.BooleanField(label="Needed time to decompress", required=False)

    def how(self) -> HowItWent:
        data = self.cleaned_data
        return HowItWent(
            outcome=data["outcome"],
            mood=data["mood"],
            note=data["note"],
            needed_to_decompress=data["needed_to_decompress"],
        )


class AbsenceForm(forms.Form):
    prefix = "absence"

    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Who is away")
    on = forms.DateField(label="On", widget=DATE)
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ClosureForm(forms.Form):
    prefix = "closure"

    on = forms.DateField(label="Closed on", widget=DATE)
    reason = forms.CharField(label="Why", max_length=200, help_text="For example: training day.")


class AttunementForm(forms.Form):
    on = forms.DateField(label="Seen on", widget=DATE)
    level = forms.TypedChoiceField(
        label="Level reached",
        coerce=int,
        choices=[(p.value, p.label) for p in Principle],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label="What you saw",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A moment that shows it, in a sentence or two.",
    )


class TargetForm(forms.Form):
    prefix = "target"

    principle = forms.TypedChoiceField(
        label="Principle it works on", coerce=int, choices=[(p.value, p.label) for p in Principle]
    )
    text = forms.CharField(label="Target", max_length=500)
