from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.interventions.models import DECIMALS, MAX_DIGITS, Allocation, Intervention, Measure
from attune.interventions.services import AllocationDetails, score_text
from attune.people.models import Staff
from attune.relationships.forms import StaffChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def _score(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )


class MeasureForm(forms.Form):
    name = forms.CharField(label="Name of the scale", max_length=120)
    description = forms.CharField(
        label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lowest = forms.DecimalField(
        label="Lowest possible score", max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )
    highest = forms.DecimalField(
        label="Highest possible score", max_digits=MAX_DIGITS, decimal_places=DECIMALS
    )
    higher_is_better = forms.TypedChoiceField(
        label="Which way is better?",
        choices=[("yes", "A higher score is better"), ("no", "A lower score is better")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="On an SDQ total difficulties score, for example, lower is better.",
    )


class MeasureChoiceField(forms.ModelChoiceField[Measure]):
    def label_from_instance(self, obj: Measure) -> str:
        return (
            f"{obj.name} ({score_text(obj.lowest)} to {score_text(obj.highest)}, "
            f"{obj.direction_label.lower()})"
        )


class InterventionForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="What it is",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure = MeasureChoiceField(
        queryset=Measure.objects.none(),
        label="Usual measure",
        required=False,
        empty_label="None chosen",
    )
    is_active = forms.BooleanField(label="Offered at the moment", required=False, initial=True)

    def __init__(self, *args: Any, intervention: Intervention | None = None, **kwargs: Any) -> None:
        if intervention is not None:
            kwargs["initial"] = {
                "name": intervention.name,
                "description": intervention.description,
                "measure": intervention.measure_id,
                "is_active": intervention.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.order_by("name")  # type: ignore[attr-defined]


class AllocationFields(forms.Form):
    """What both the new and the change forms ask: dates, who runs it, and the two scores."""

    staff = StaffChoiceField(queryset=Staff.objects.none(), label="Run by")
    started_on = _date("Start date", required=True)
    ended_on = _date("End date")
    frequency = forms.CharField(
        label="How often",
        required=False,
        max_length=120,
        help_text="For example: twice a week for 30 minutes.",
    )
    baseline = _score("Baseline score")
    baseline_on = _date("Date of the baseline")
    follow_up = _score("Follow-up score")
    follow_up_on = _date("Date of the follow-up")

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def details(self) -> AllocationDetails:
        data = self.cleaned_data
        return AllocationDetails(
            staff=data["staff"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            frequency=data["frequency"],
            baseline=data["baseline"],
            baseline_on=data["baseline_on"],
            follow_up=data["follow_up"],
            follow_up_on=data["follow_up_on"],
        )


class AllocationForm(AllocationFields):
    intervention = forms.ModelChoiceField(
        queryset=Intervention.objects.none(), label="Intervention", empty_label="Choose one"
    )
    measure = MeasureChoiceField(
        queryset=Measure.objects.none(),
        label="Measure",
        required=False,
        empty_label="The intervention's usual measure",
    )
    field_order = ["intervention", "staff", "started_on", "ended_on", "frequency", "measure"]

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, staff=staff, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).select_related("measure")
        self.fields["measure"].queryset = Measure.objects.order_by("name")  # type: ignore[attr-defined]


def allocation_initial(allocation: Allocation) -> dict[str, object]:
    initial = {name: getattr(allocation, name) for name in AllocationFields.base_fields}
    return initial | {"staff": allocation.staff_id}
