from __future__ import annotations

from typing import Any

from django import forms

from attune.checkins.domain.attunement import Principle
from attune.checkins.models import (
    WEEKDAY_NAMES,
    CheckinForm,
    ContactBy,
    ContactOutcome,
    EmailFrom,
    Mood,
    Outcome,
    PhoneOutcome,
    ShareChannel,
)
from attune.checkins.services import (
    Contact,
    HowItWent,
    PlanTerms,
    Routine,
    SharingTerms,
    WhatWasNoticed,
)
from attune.forms_ui import numeric
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
        label="How long, in minutes", min_value=1, max_value=240, initial=10, widget=numeric()
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


# ---------------------------------------------------------------------------------------------
# Positive noticing, family sharing and keeping in touch

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


class FamilySharingForm(forms.Form):
    channel = forms.ChoiceField(
        label="How good news goes home", choices=ShareChannel.choices, widget=forms.RadioSelect
    )
    home_name = forms.CharField(
        label="Who at home (optional)",
        required=False,
        max_length=120,
        help_text="How to greet them, for example: Ms Fletcher, or Dad.",
    )
    email_from = forms.ChoiceField(
        label="By email, to",
        choices=EmailFrom.choices,
        initial=EmailFrom.TYPED,
        required=False,
        widget=forms.RadioSelect,
        help_text="The school's MIS lists each child's parents and carers in order; the first "
        "with parental responsibility and an email address is shown below.",
    )
    email = forms.EmailField(
        label="Email address to use",
        required=False,
        help_text="Only when the family asked for a different address.",
    )
    phone = forms.CharField(label="Phone number to use", required=False, max_length=40)
    consent_given_by = forms.CharField(
        label="Consent given by",
        required=False,
        max_length=120,
        help_text="For example: Mum, at the review meeting.",
    )
    consent_given_on = forms.DateField(label="Consent given on", required=False, widget=DATE)
    child_view = forms.CharField(
        label="What the child said about it, in their words",
        required=False,
        max_length=2000,
        widget=SHORT_TEXT,
    )

    def terms(self) -> SharingTerms:
        data = dict(self.cleaned_data)
        data["email_from"] = data.get("email_from") or EmailFrom.TYPED
        return SharingTerms(**data)


class NoticingForm(forms.Form):
    pupil = forms.UUIDField(label="Child", widget=forms.Select)
    on = forms.DateField(label="Day", widget=DATE)
    child_in_school = forms.TypedChoiceField(
        label="Was the child in school?",
        choices=[("yes", "Yes"), ("no", "No: notice their effort from home")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    proud_of = forms.CharField(
        label="What the child was proud of",
        max_length=500,
        widget=SHORT_TEXT,
        help_text="Ask them, and write it in their words.",
    )
    noticed = forms.CharField(
        label="What you noticed",
        max_length=500,
        widget=SHORT_TEXT,
        help_text="On a day at home this can be effort: an email sent in, a call taken.",
    )
    shared_by = forms.ChoiceField(
        label="How it goes home",
        choices=[*ShareChannel.choices, ("", "Not shared yet")],
        required=False,
        widget=forms.RadioSelect,
    )
    phone_outcome = forms.ChoiceField(
        label="If you phoned: how the call went",
        choices=PhoneOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    share_note = forms.CharField(
        label="Anything said or agreed (optional)", required=False, max_length=500
    )

    def __init__(self, *args: Any, children: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].widget.choices = children

    def what(self) -> WhatWasNoticed:
        data = self.cleaned_data
        return WhatWasNoticed(
            on=data["on"],
            proud_of=data["proud_of"],
            noticed=data["noticed"],
            child_in_school=data["child_in_school"],
            shared_by=data["shared_by"],
            phone_outcome=data["phone_outcome"],
            share_note=data["share_note"],
        )


class RoutineForm(forms.Form):
    prefix = "routine"

    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Who gets in touch")
    at = forms.TimeField(label="At", widget=TIME, help_text="For example 09:30.")
    by = forms.ChoiceField(label="How", choices=ContactBy.choices)
    with_whom = forms.CharField(
        label="With whom (optional)",
        required=False,
        max_length=120,
        help_text="For example: the child, then Mum.",
    )
    notes = forms.CharField(label="What helps (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def routine(self) -> Routine:
        return Routine(**self.cleaned_data)


class ContactForm(forms.Form):
    prefix = "contact"

    on = forms.DateField(label="Day", widget=DATE)
    by = forms.ChoiceField(label="How", choices=ContactBy.choices)
    outcome = forms.ChoiceField(
        label="How it went", choices=ContactOutcome.choices, widget=forms.RadioSelect
    )
    agreed = forms.CharField(label="What was agreed (optional)", required=False, max_length=500)

    def contact(self) -> Contact:
        return Contact(**self.cleaned_data)
