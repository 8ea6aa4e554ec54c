from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from attune.forms_ui import numeric
from attune.incidents.models import Incident
from attune.incidents.services import IncidentDetails
from attune.people.models import Pupil, Staff
from attune.relationships.forms import StaffChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncidentForm(forms.Form):
    """Regulate, then relate, then reason: the form asks in the order the child needed."""

    occurred_on = forms.DateField(label="Date", widget=DATE)
    occurred_time = forms.TimeField(label="Time", widget=TIME)
    place = forms.CharField(label="Where", max_length=120)
    before = _text(
        "What happened before",
        help_text="What was going on just before: anything that may have set it off.",
    )
    regulated_by = StaffChoiceField(
        queryset=Staff.objects.none(),
        label="Who helped the child to calm",
        required=False,
        empty_label="Someone not listed",
    )
    how_regulated = _text(
        "How they helped the child to calm (regulate)",
        help_text="For example: a quiet space, a drink of water, breathing together, few words.",
    )
    minutes_to_calm = forms.IntegerField(
        label="Minutes until the child was calm",
        required=False,
        widget=numeric(),
        help_text="Leave empty if nobody noted the time.",
    )
    talked_through = _text(
        "What you talked through once calm (relate and reason)",
        required=False,
        help_text="How you connected, and what you and the child made sense of together.",
    )
    repair = _text("Any repair", required=False, help_text="With another child or an adult.")
    follow_up = _text("Follow-up actions", required=False)

    def __init__(
        self, *args: Any, staff: Any, incident: Incident | None = None, **kwargs: Any
    ) -> None:
        if incident is not None:
            at = timezone.localtime(incident.occurred_at)
            kwargs["initial"] = {
                "occurred_on": at.date(),
                "occurred_time": at.time(),
                "place": incident.place,
                "before": incident.before,
                "regulated_by": incident.regulated_by_id,
                "how_regulated": incident.how_regulated,
                "minutes_to_calm": incident.minutes_to_calm,
                "talked_through": incident.talked_through,
                "repair": incident.repair,
                "follow_up": incident.follow_up,
            }
        else:
            now = timezone.localtime()
            kwargs["initial"] = {"occurred_on": now.date(), "occurred_time": now.time()}
        super().__init__(*args, **kwargs)
        self.fields["regulated_by"].queryset = staff  # type: ignore[attr-defined]

    def details(self) -> IncidentDetails:
        data = self.cleaned_data
        moment = datetime.combine(data["occurred_on"], data["occurred_time"])
        return IncidentDetails(
            occurred_at=timezone.make_aware(moment),
            place=data["place"],
            before=data["before"],
            regulated_by=data["regulated_by"],
            how_regulated=data["how_regulated"],
            minutes_to_calm=data["minutes_to_calm"],
            talked_through=data["talked_through"],
            repair=data["repair"],
            follow_up=data["follow_up"],
        )


class ChooseChildForm(forms.Form):
    pupil: forms.ModelChoiceField[Pupil] = forms.ModelChoiceField(
        queryset=Pupil.objects.none(), label="Child", empty_label="Choose a child"
    )

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
