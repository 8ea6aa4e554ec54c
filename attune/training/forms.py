"""Input parsing for training and supervision; the rules themselves live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.accounts.roles import ROLE_LABELS, Role
from attune.forms_ui import numeric
from attune.people.models import JobRole, Staff
from attune.training.models import Course, SupervisionKind, Theme

ATTUNE_ROLE_CHOICES = [
    (r.value, ROLE_LABELS[r])
    for r in (Role.KEY_ADULT, Role.ATTACHMENT_LEAD, Role.HEADTEACHER, Role.TEACHER, Role.OFFICE)
]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name} ({obj.get_job_role_display()})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField[Staff]):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.full_name} ({obj.get_job_role_display()})"


class CourseForm(forms.Form):
    name = forms.CharField(label="Course name", max_length=120)
    description = forms.CharField(
        label="What it covers", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    renew_every_months = forms.IntegerField(
        label="Renew every (months)",
        required=False,
        widget=numeric(),
        help_text="For example 12 for every year or 36 for every three years. Leave empty for "
        "a course taken once.",
    )
    for_everyone = forms.BooleanField(label="Every member of staff", required=False)
    attune_roles = forms.MultipleChoiceField(
        label="Attune roles",
        choices=ATTUNE_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Key adults means anyone who holds key children now, whatever their job.",
    )
    job_roles = forms.MultipleChoiceField(
        label="Job roles",
        choices=JobRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label="In use (untick to retire the course; its history is kept)",
        required=False,
        initial=True,
    )

    @classmethod
    def for_course(cls, course: Course) -> CourseForm:
        return cls(
            initial={
                "name": course.name,
                "description": course.description,
                "renew_every_months": course.renew_every_months,
                "for_everyone": course.for_everyone,
                "attune_roles": course.attune_roles,
                "job_roles": course.job_roles,
                "is_active": course.is_active,
            }
        )


class AttendanceForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none(), label="Course")
    attended_on = forms.DateField(label="Date", widget=_date_input())
    provider = forms.CharField(
        label="Who ran it",
        required=False,
        max_length=120,
        help_text="For example the local authority, an educational psychologist or in house.",
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    staff = StaffMultipleChoiceField(
        queryset=Staff.objects.none(),
        label="Who attended",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, courses: Any, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("attended_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of supervision", choices=SupervisionKind.choices, widget=forms.RadioSelect
    )
    held_on = forms.DateField(label="Date", widget=_date_input())
    supervisee = StaffChoiceField(queryset=Staff.objects.none(), label="Key adult")
    supervisor = StaffChoiceField(queryset=Staff.objects.none(), label="Supervisor")
    themes = forms.MultipleChoiceField(
        label="Themes",
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_themes = forms.CharField(
        label="Other themes, in your own words", required=False, max_length=200
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Only the two of you, the attachment lead and the headteacher can read these.",
    )
    agreed_support = forms.CharField(
        label="Support agreed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_ups = forms.CharField(
        label="Follow-ups", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_by = forms.DateField(label="Follow up by", required=False, widget=_date_input())

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        kwargs["initial"].setdefault("kind", SupervisionKind.FORMAL)
        super().__init__(*args, **kwargs)
        self.fields["supervisee"].queryset = staff  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = staff  # type: ignore[attr-defined]


class SupervisionSettingsForm(forms.Form):
    formal_every_weeks = forms.IntegerField(
        label="Formal supervision every (weeks)", min_value=1, max_value=52, widget=numeric()
    )
