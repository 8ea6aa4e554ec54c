from __future__ import annotations

from typing import Any

from django import forms

from attune.earlyyears.models import (
    CareKind,
    LearningArea,
    QualificationLevel,
    Room,
    SettlingEntryKind,
    SharedHow,
)
from attune.people.models import Pupil, Staff

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.full_name


class PupilChoiceField(forms.ModelChoiceField[Pupil]):
    def label_from_instance(self, obj: Pupil) -> str:
        return obj.display_name


class SignInForm(forms.Form):
    signed_in_at = forms.TimeField(
        label="Arrived at", widget=TIME, required=False, help_text="Leave empty for now."
    )
    brought_by = forms.CharField(label="Brought by", max_length=120, required=False)


class SignOutForm(forms.Form):
    signed_out_at = forms.TimeField(label="Left at", widget=TIME)
    collected_by = forms.CharField(label="Collected by", max_length=120)


class AmendForm(forms.Form):
    signed_in_at = forms.TimeField(label="Signed in at", widget=TIME)
    signed_out_at = forms.TimeField(label="Signed out at", widget=TIME, required=False)
    collected_by = forms.CharField(label="Collected by", max_length=120, required=False)
    reason = forms.CharField(
        label="Why it is being amended",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="The original stays on the record beside your amendment.",
    )


class StaffSignInForm(forms.Form):
    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Member of staff")
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label="Room")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.all()  # type: ignore[attr-defined]


class AwayForm(forms.Form):
    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Key person away today")
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(is_active=True)  # type: ignore[attr-defined]


def one_staff_list(*shown: StaffSignInForm | AwayForm) -> None:
    """The active staff read once for every form on a page that lists them (the register
    shows two): each list would otherwise query them again as it is drawn."""
    choices = list(shown[0].fields["staff"].choices)  # type: ignore[attr-defined]
    for form in shown:
        form.fields["staff"].widget.choices = choices


class CareForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=CareKind.choices)
    at = forms.TimeField(label="Time (for a sleep, when they went down)", widget=TIME)
    woke_at = forms.TimeField(label="Woke at (sleeps only)", widget=TIME, required=False)
    detail = forms.CharField(
        label="Details",
        max_length=200,
        required=False,
        help_text="For example: wet; ate most of it; 150 ml water.",
    )


class WokeForm(forms.Form):
    woke_at = forms.TimeField(label="Woke at", widget=TIME)


class SleepCheckForm(forms.Form):
    at = forms.TimeField(label="Checked at", widget=TIME)
    note = forms.CharField(label="Note", max_length=200, required=False)


class ShareForm(forms.Form):
    how = forms.ChoiceField(label="How it was shared", choices=SharedHow.choices)
    shared_with = forms.CharField(label="Shared with", max_length=120)


class SettlingPlanForm(forms.Form):
    starts_on = forms.DateField(label="First visit", widget=DATE)
    family_told_us = forms.CharField(
        label="What the family told us about the child",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    comfort_objects = forms.CharField(
        label="Comfort objects", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    home_routines = forms.CharField(
        label="Routines from home (sleep, food, soothing)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SettlingEntryForm(forms.Form):
    kind = forms.ChoiceField(label="Visit or note", choices=SettlingEntryKind.choices)
    on = forms.DateField(label="Date", widget=DATE)
    text = forms.CharField(
        label="How it went", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ObservationForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE)
    area = forms.ChoiceField(label="Area of learning", choices=LearningArea.choices)
    text = forms.CharField(
        label="What you noticed", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    shared_with_family = forms.BooleanField(label="Shared with the family", required=False)


class HomeNoteForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE)
    area = forms.ChoiceField(label="Area of learning", choices=LearningArea.choices)
    text = forms.CharField(
        label="What they told us", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    said_by = forms.CharField(
        label="Who said it", max_length=120, help_text="For example: Mum (Sara), Grandad."
    )


class RoomForm(forms.Form):
    name = forms.CharField(label="Room name", max_length=80)


class PlaceForm(forms.Form):
    pupil = PupilChoiceField(queryset=Pupil.objects.none(), label="Child")
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label="Room")

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.all()  # type: ignore[attr-defined]


class QualificationForm(forms.Form):
    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Member of staff")
    level = forms.TypedChoiceField(
        label="Qualification that counts", choices=QualificationLevel.choices, coerce=int
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(is_active=True)  # type: ignore[attr-defined]
