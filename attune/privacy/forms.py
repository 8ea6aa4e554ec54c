from __future__ import annotations

from typing import Any

from django import forms

from attune.forms_ui import numeric
from attune.privacy.domain.retention import BASIS_LABELS, Basis
from attune.privacy.models import RequestKind, RequestStatus
from attune.privacy.records import RecordKind, all_kinds
from attune.privacy.services import UNCORRECTABLE


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error if not
    field.choices = choices


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.label, f"{kind.name} ({kind.label})") for kind in all_kinds()]


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of record")
    basis = forms.ChoiceField(
        label="How long to keep it", choices=[(b.value, BASIS_LABELS[b]) for b in Basis]
    )
    years = forms.IntegerField(
        label="Years (or age)",
        required=False,
        widget=numeric(),
        min_value=1,
        max_value=150,
        help_text="Not needed for 'Keep'.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kind", kind_choices())


class HoldForm(forms.Form):
    kind = forms.ChoiceField(
        label="Hold every record of this kind",
        required=False,
        help_text="Leave as 'Just this child' to hold only the child's records.",
    )
    pupil = forms.UUIDField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why the records must be kept",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the claim, inquiry or police request, with its reference.",
    )

    def __init__(self, *args: Any, for_child: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = ("", "Just this child") if for_child else ("", "Choose a kind")
        _choices(self, "kind", [first, *kind_choices()])


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is needed", choices=RequestKind.choices, widget=forms.RadioSelect
    )
    record = forms.ChoiceField(label="Which record", required=False)
    field_name = forms.ChoiceField(label="Which detail (for a correction)", required=False)
    new_value = forms.CharField(
        label="The correct value (for a correction)", required=False, max_length=5000
    )
    reason = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who asked, and what is wrong or no longer needed.",
    )

    def __init__(
        self, *args: Any, records: list[tuple[RecordKind, list[Any]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        rows = [
            (f"{k.label}:{row.pk}", f"{k.name}: {row}") for k, found in records for row in found
        ]
        _choices(self, "record", [("", "Choose a record"), *rows])
        details = [(k.name, correctable(k)) for k, found in records if found and correctable(k)]
        _choices(self, "field_name", [("", "Choose a detail"), *details])


def correctable(kind: RecordKind) -> list[tuple[str, str]]:
    skip = UNCORRECTABLE | {kind.pupil_field}
    return [
        (field.name, str(field.verbose_name).capitalize())
        for field in kind.model._meta.concrete_fields
        if field.editable
        and not field.is_relation
        and not field.primary_key
        and field.name not in skip
    ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve and do it now"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you refuse: say why, so it can be explained to the family.",
    )


class RequestFilterForm(forms.Form):
    """Narrow the requests list: by status, kind, and the child's name."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *RequestStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Kind of request", required=False, choices=[("", "Any"), *RequestKind.choices]
    )
    child = forms.CharField(label="Child's name", required=False, max_length=100)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this child's record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The headteacher and the attachment lead will see this, with every page you "
        "open under it.",
    )
