"""Forms for the family page (short words, one thing each) and for the office."""

from __future__ import annotations

from django import forms

from attune.attendance.domain.codes import CODES
from attune.families.services import ABSENCE_CODES


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your reply first."},
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")  # what a date box shows and sends


class AbsenceForm(forms.Form):
    first_day = forms.DateField(
        label="First day away",
        widget=DateInput(),
        error_messages={"required": "Tell us the first day.", "invalid": "Use a real date."},
    )
    last_day = forms.DateField(
        label="Last day away",
        widget=DateInput(),
        help_text="The same day if it is just one day.",
        error_messages={"required": "Tell us the last day.", "invalid": "Use a real date."},
    )
    reason = forms.CharField(
        label="Why they are away",
        max_length=500,
        help_text="For example: ill with a cold.",
        error_messages={"required": "Tell us why, in a few words."},
    )


class ConfirmAbsenceForm(forms.Form):
    code = forms.ChoiceField(
        label="Register code",
        choices=[("", "Choose a code")]
        + [(code, f"{code}: {CODES[code].description}") for code in ABSENCE_CODES],
    )
    note = forms.CharField(label="Note for the office (optional)", max_length=500, required=False)


class ContactMarkForm(forms.Form):
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    no_contact = forms.BooleanField(
        label="No contact (for example, a court order)",
        required=False,
        help_text="Nothing from Attune reaches them, and they cannot use the family page.",
    )
