from __future__ import annotations

from django import forms

from attune.auditlog.selectors import AuditFilters

# Each choice matches every action that starts with it, so new actions are found too.
ACTION_CHOICES = [
    ("", "Anything"),
    ("people.pupil.record_viewed", "Opened a child's record"),
    ("people.", "Changed a child's details"),
    ("relationships.", "Key adults and co-workers"),
    ("checkins.", "Check-ins, noticing and keeping in touch"),
    ("plans.", "Plans, meetings, contacts and “you said, we did”"),
    ("pep.", "Personal Education Plans"),
    ("attendance.", "Attendance"),
    ("earlyyears.", "Early years: register, care, settling in, development"),
    ("incidents.", "Incidents"),
    ("interventions.", "Interventions"),
    ("belonging.", "Belonging survey"),
    ("training.", "Training and supervision"),
    ("privacy.", "Retention, legal holds and data requests"),
    ("accounts.", "Sign-in and account changes"),
    ("wholeschool.", "Whole-school work"),
    ("virtualschool.", "Virtual School: sharing, reads and API tokens"),
    ("auditlog.", "Exported the audit trail"),
]


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
