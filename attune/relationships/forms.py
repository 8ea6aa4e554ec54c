from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.people.models import Staff
from attune.relationships.models import TeamRole


class StaffChoiceField(forms.ModelChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name} ({obj.get_job_role_display()})"


class KeyAdultAssignForm(forms.Form):
    key_adult = StaffChoiceField(
        queryset=Staff.objects.none(), label="Key adult", widget=forms.RadioSelect
    )
    co_worker = StaffChoiceField(
        queryset=Staff.objects.none(),
        label="Co-worker (covers when the key adult is away)",
        required=False,
        empty_label="No co-worker yet",
    )
    started_on = forms.DateField(
        label="Starting on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label="Why this adult",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="For example: in school every day and already knows the family.",
    )
    chosen_by_child = forms.BooleanField(label="The child chose this adult", required=False)
    child_words = forms.CharField(
        label="What the child said, in their words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    change_reason = forms.CharField(
        label="Why the key adult is changing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    confirmed = forms.BooleanField(
        label="I have read the warnings above and want to go ahead", required=False
    )

    def __init__(self, *args: Any, staff: Any, has_current: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["key_adult"].queryset = staff  # type: ignore[attr-defined]
        self.fields["co_worker"].queryset = staff  # type: ignore[attr-defined]
        if not has_current:
            del self.fields["change_reason"]


class TrustedAdultForm(forms.Form):
    # Shown on the same page as the assignment form: the prefix keeps element ids unique.
    prefix = "trusted"

    staff = StaffChoiceField(queryset=Staff.objects.none(), label="An adult the child trusts")
    child_words = forms.CharField(label="What the child said", required=False, max_length=1000)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CloseTeamForm(forms.Form):
    prefix = "close"

    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Adult the child chose")
    child_words = forms.CharField(
        label="Why they chose them, in the child's words",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    joined_on = forms.DateField(label="From", widget=_date_input())

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("joined_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class WiderTeamForm(forms.Form):
    prefix = "wider"

    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *TeamRole.choices])
    name = forms.CharField(label="Name", max_length=160)
    organisation = forms.CharField(
        label="Organisation", max_length=160, required=False, help_text="For example: the LA team."
    )
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    started_on = forms.DateField(label="Working with the child since", widget=_date_input())
    consent_to_share = forms.BooleanField(
        label="They agreed that staff working with the child may see these details",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class TeamEndForm(forms.Form):
    ended_on = forms.DateField(label="Left on", widget=_date_input())
