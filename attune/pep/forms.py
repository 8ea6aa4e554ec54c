"""PEP forms. They only parse: the services check terms, dates, people and funding, so those
messages are the same wherever a PEP is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from attune.people.models import Staff
from attune.pep.domain.cycle import PepTerm, Season, term_for
from attune.pep.models import Outcome
from attune.plans.forms import OwnerForm
from attune.plans.models import Target
from attune.relationships.forms import StaffChoiceField
from attune.relationships.models import WiderTeamMember

_BAD_DATE = "Enter a real date, for example 27 3 2027."


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def term_choices(today: date) -> list[tuple[str, str]]:
    """Last term (to catch up a missed record), this term and next."""
    now = term_for(today)
    return [(f"{t.year}-{t.season.value}", t.label) for t in (now.previous, now, now.next)]


def parse_term(value: str) -> PepTerm:
    year, season = value.split("-", 1)
    return PepTerm(int(year), Season(season))


class SocialWorkerChoiceField(forms.ModelChoiceField[WiderTeamMember]):
    def label_from_instance(self, obj: WiderTeamMember) -> str:
        where = f", {obj.organisation}" if obj.organisation else ""
        return f"{obj.name}{where}"


class PeopleForm(forms.Form):
    """The designated teacher and the social worker, for planning and for recording a PEP."""

    designated_teacher = StaffChoiceField(
        queryset=Staff.objects.none(),
        label="Designated teacher",
        required=False,
        help_text="The teacher in school who leads on the education of children in care.",
    )
    social_worker = SocialWorkerChoiceField(
        queryset=WiderTeamMember.objects.none(),
        label="Social worker (from the team around the child)",
        required=False,
        empty_label="Not listed",
    )
    social_worker_name = forms.CharField(
        label="Social worker's name, if not listed",
        max_length=160,
        required=False,
    )

    def __init__(self, *args: Any, staff: Any, social_workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["designated_teacher"].queryset = staff  # type: ignore[attr-defined]
        self.fields["social_worker"].queryset = social_workers  # type: ignore[attr-defined]


class PepPlanForm(PeopleForm):
    term = forms.ChoiceField(
        label="Term", error_messages={"required": "Choose the term this PEP is for."}
    )
    meeting_on = forms.DateField(
        label="Meeting date",
        widget=_date(),
        error_messages={"required": "Enter the date of the meeting.", "invalid": _BAD_DATE},
    )

    field_order = ["term", "meeting_on", "designated_teacher", "social_worker"]

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("term", term_choices(today)[1][0])
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = term_choices(today)  # type: ignore[attr-defined]


class PepHoldForm(PeopleForm):
    held_on = forms.DateField(
        label="Date of the meeting",
        widget=_date(),
        error_messages={"required": "Enter the date of the meeting.", "invalid": _BAD_DATE},
    )
    attendees = forms.CharField(
        label="Who came",
        widget=_text(3),
        max_length=4000,
        required=False,
        help_text="One a line, with their role: for example, Sam Lee (foster carer).",
    )
    child_views = forms.CharField(
        label="The child's views, in their own words",
        widget=_text(4),
        max_length=6000,
        required=False,
        help_text="Write what they said, as they said it. If they did not come, say how their "
        "views were gathered.",
    )
    carer_views = forms.CharField(
        label="The carer's views", widget=_text(3), max_length=6000, required=False
    )
    attendance_summary = forms.CharField(
        label="Attendance this term",
        widget=_text(2),
        max_length=4000,
        required=False,
        help_text="For example: 94% so far, late twice, no suspensions.",
    )
    progress_summary = forms.CharField(
        label="Progress and what is going well",
        widget=_text(3),
        max_length=6000,
        required=False,
    )

    field_order = ["held_on", "designated_teacher", "social_worker", "social_worker_name"]


class PepTargetForm(OwnerForm):
    prefix = "target"

    description = forms.CharField(
        label="What the target is", widget=_text(2), max_length=2000, required=False
    )
    due_on = forms.DateField(
        label="By when",
        widget=_date(),
        required=False,
        error_messages={"invalid": _BAD_DATE},
    )
    funding = forms.DecimalField(
        label="Pupil Premium Plus (£, optional)",
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="How much of the child's Pupil Premium Plus pays for this, if any.",
    )
    plan_target = forms.ModelChoiceField(
        queryset=Target.objects.none(),
        label="Works towards this goal in the child's plan (optional)",
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_target"].queryset = goals  # type: ignore[attr-defined]
        if not goals.exists():
            del self.fields["plan_target"]


class TargetReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="Note",
        widget=_text(2),
        max_length=4000,
        required=False,
        help_text="Needed when a target is carried forward: say why, so next term knows.",
    )
