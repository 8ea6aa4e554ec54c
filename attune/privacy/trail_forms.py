from __future__ import annotations

from django import forms

from attune.auditlog.actions import ACTION_GROUPS
from attune.privacy.trail_selectors import AuditFilters

# Each choice matches every action that starts with it (attune/auditlog/actions.py).
ACTION_CHOICES = [("", "Anything"), *ACTION_GROUPS]


class AuditSearchForm(forms.Form):
    child = forms.CharField(label="Child (name or UPN)", required=False, max_length=100)
    person = forms.CharField(label="Person (name or email)", required=False, max_length=100)
    action = forms.ChoiceField(label="What they did", required=False, choices=ACTION_CHOICES)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    pupil = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> AuditFilters:
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            child=data["child"].strip(),
            pupil_id=data["pupil"],
            person=data["person"].strip(),
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
