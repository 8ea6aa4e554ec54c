from __future__ import annotations

from django import forms

from attune.children.selectors import KeyAdultStatus, PupilFilters
from attune.people.models import YEAR_GROUP_LABELS, Cohort


class PupilFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, UPN or class", required=False, max_length=100)
    year_group = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All years"), *sorted(YEAR_GROUP_LABELS.items())],
    )
    cohort = forms.ChoiceField(
        label="Group", required=False, choices=[("", "All groups"), *Cohort.choices]
    )
    key_adult = forms.ChoiceField(
        label="Key adult",
        required=False,
        choices=[
            ("", "Everyone"),
            (KeyAdultStatus.HAS, "Has a key adult"),
            (KeyAdultStatus.NEEDS, "Needs a key adult"),
            (KeyAdultStatus.NONE, "No key adult"),
        ],
    )
    mine = forms.BooleanField(label="Only my key children", required=False)

    def __init__(self, *args: object, show_cohorts: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not show_cohorts:
            del self.fields["cohort"]

    def filters(self) -> PupilFilters:
        if not self.is_valid():
            return PupilFilters()
        data = self.cleaned_data
        return PupilFilters(
            q=data["q"].strip(),
            year_group=data["year_group"],
            cohort=data.get("cohort") or "",
            key_adult=data["key_adult"],
            mine=bool(data["mine"]),
        )


class AboutMeForm(forms.Form):
    about_me = forms.CharField(
        label="About me",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In the child's own words where you can: what they like, what matters to them.",
        max_length=4000,
    )
    what_helps = forms.CharField(
        label="What helps me",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What every adult who works with this child should know and do.",
        max_length=4000,
    )
