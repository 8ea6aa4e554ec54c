from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.people.models import Staff


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
