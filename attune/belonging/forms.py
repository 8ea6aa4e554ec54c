"""Input for the belonging survey pages: setting up a round."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from attune.belonging.models import SurveyMode
from attune.people.models import YEAR_GROUP_LABELS


class RoundForm(forms.Form):
    title = forms.CharField(
        label="Name of the round", max_length=120, help_text="For example, Autumn 2026."
    )
    opens_on = forms.DateField(label="Opens on", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Closes on", widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(
        label="Anonymous or named",
        choices=SurveyMode.choices,
        widget=forms.RadioSelect,
        initial=SurveyMode.ANONYMOUS,
    )
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups taking part",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one year group to invite."},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedMultipleChoiceField", self.fields["year_groups"])
        field.choices = [(y, YEAR_GROUP_LABELS.get(y, str(y))) for y in years]
