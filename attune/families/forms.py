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


class YouSaidForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[("concern", "Something that worries me"), ("idea", "An idea")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one."},
    )
    their_words = forms.CharField(
        label="Tell us in your own words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Tell us in a few words."},
    )


class HearingForm(forms.Form):
    channel = forms.ChoiceField(
        label="How do you want to hear good news?",
        choices=[
            ("email", "By email"),
            ("phone", "By a phone call"),
            ("child_tells", "My child tells me"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one."},
    )
    phone = forms.CharField(label="Phone number (for a call)", max_length=40, required=False)
    consent = forms.BooleanField(
        label="Yes, the school may send me good news this way.",
        error_messages={"required": "Tick the box to say yes."},
    )


# The seven EYFS areas, in words for home.
HOME_AREAS = [
    ("communication", "Talking and listening"),
    ("psed", "Feelings and friends"),
    ("physical", "Moving and playing"),
    ("literacy", "Books and stories"),
    ("mathematics", "Numbers and shapes"),
    ("world", "The world around them"),
    ("expressive", "Making, music and pretend play"),
]


class HomeNoteForm(forms.Form):
    text = forms.CharField(
        label="What did your child do at home?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: counted the stairs to ten.",
        error_messages={"required": "Tell us in a few words."},
    )
    area = forms.ChoiceField(
        label="What is it about?",
        choices=HOME_AREAS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one."},
    )
