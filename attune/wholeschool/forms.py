"""Input parsing for the audit pages: the answers form is built from the template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from attune.people.models import Staff
from attune.wholeschool.domain.audit_template import AuditTemplate
from attune.wholeschool.models import ActionStatus, Rag, RelationalAuditRating
from attune.wholeschool.services import Answer


def slug(key: str) -> str:
    """Ids hold dots ("safe.ethos.1"); HTML ids and names read better with hyphens."""
    return key.replace(".", "-")


class RelationalAuditAnswersForm(forms.Form):
    """Rating, evidence and next steps per item, and notes per section."""

    def __init__(
        self,
        data: Any,
        *,
        template: AuditTemplate,
        answers: dict[str, RelationalAuditRating],
        notes: dict[str, str],
    ) -> None:
        super().__init__(data)
        self.template = template
        for item in template.items():
            answer = answers.get(item.id)
            key = slug(item.id)
            self.fields[f"r-{key}"] = forms.ChoiceField(
                label="Rating",
                choices=Rag.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=answer.rating if answer else "",
            )
            self.fields[f"e-{key}"] = forms.CharField(
                label="Evidence",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.evidence if answer else "",
            )
            self.fields[f"n-{key}"] = forms.CharField(
                label="Next-step ideas",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.next_steps if answer else "",
            )
        for area in template.areas:
            for section in area.sections:
                section_key = f"{area.id}.{section.id}"
                self.fields[f"notes-{slug(section_key)}"] = forms.CharField(
                    label=f"Notes on {section.title.lower()}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=notes.get(section_key, ""),
                )

    def answer(self, item_id: str) -> Answer:
        key = slug(item_id)
        data = self.cleaned_data
        return Answer(data[f"r-{key}"] or "", data[f"e-{key}"], data[f"n-{key}"])

    def answers(self) -> dict[str, Answer]:
        return {item_id: self.answer(item_id) for item_id in self.template.item_ids()}

    def notes(self, section_keys: list[str] | None = None) -> dict[str, str]:
        keys = section_keys or [f"{a.id}.{s.id}" for a in self.template.areas for s in a.sections]
        return {key: self.cleaned_data[f"notes-{slug(key)}"] for key in keys}


class ActionPlanForm(forms.Form):
    item_ids = forms.MultipleChoiceField(
        label="Items to act on",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one item to act on."},
    )
    action = forms.CharField(
        label="What will be done",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave blank to use each item's next-step ideas.",
    )
    owner = forms.ModelChoiceField(
        label="Who will lead it",
        queryset=Staff.objects.none(),
        error_messages={"required": "Choose who will lead it."},
    )
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give a date to aim for.", "invalid": "Enter a real date."},
    )

    def __init__(self, data: Any, *, choices: list[tuple[str, str]], owners: QuerySet[Staff]):
        super().__init__(data)
        items = self.fields["item_ids"]
        if isinstance(items, forms.MultipleChoiceField):
            items.choices = choices
        owner = self.fields["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = owners


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
