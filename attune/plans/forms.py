"""Plan forms. The services check owners, success criteria and dates, so those messages are the
same wherever a plan is written; the forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.access.levels import Sensitivity
from attune.people.models import Staff
from attune.plans.domain.chronology import KINDS
from attune.plans.domain.handover import RECIPIENTS
from attune.plans.models import (
    ContactMethod,
    ContactWith,
    MeetingKind,
    OwnerKind,
    PlanKind,
    RaisedBy,
    Target,
    YouSaidKind,
    YouSaidStatus,
)
from attune.relationships.forms import StaffChoiceField


def _date(**attrs: str) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of plan", choices=[("", "Choose"), *PlanKind.choices])
    owner = StaffChoiceField(
        queryset=Staff.objects.none(),
        label="Adult responsible for the plan",
        help_text="They keep it moving and are reminded when a review is due.",
    )
    started_on = forms.DateField(label="Starts on", widget=_date())
    review_due_on = forms.DateField(label="First review by", widget=_date())
    child_goals = forms.CharField(
        label="The child's goals, in their own words",
        widget=_text(),
        max_length=4000,
        required=False,
        help_text="Write what they said, as they said it. Small steps they choose count most.",
    )
    strengths = forms.CharField(label="Strengths", widget=_text(), max_length=4000, required=False)
    what_helps = forms.CharField(
        label="What helps", widget=_text(), max_length=4000, required=False
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class OwnerForm(forms.Form):
    """What, and who is responsible for it."""

    description = forms.CharField(label="What", widget=_text(2), max_length=2000)
    owner_kind = forms.ChoiceField(
        label="Who is responsible",
        choices=[("", "Choose"), *OwnerKind.choices],
        required=False,
    )
    owner_staff = StaffChoiceField(
        queryset=Staff.objects.none(),
        label="Adult in school (if someone in school)",
        required=False,
    )
    owner_name = forms.CharField(
        label="Name (if a parent, carer or another professional)", max_length=160, required=False
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_staff"].queryset = staff  # type: ignore[attr-defined]


class CommitmentForm(OwnerForm):
    success_criteria = forms.CharField(
        label="How we will know it has worked",
        widget=_text(2),
        max_length=2000,
        required=False,
    )


class NextStepForm(CommitmentForm):
    prefix = "step"

    due_on = forms.DateField(label="By when (optional)", widget=_date(), required=False)


class TargetForm(CommitmentForm):
    prefix = "target"

    baseline = forms.DecimalField(label="Where things are now", max_digits=9, decimal_places=2)
    target_value = forms.DecimalField(label="Aiming for", max_digits=9, decimal_places=2)
    unit = forms.CharField(
        label="Measured in", max_length=40, help_text="For example: % attendance."
    )
    by_date = forms.DateField(label="By", widget=_date())


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="Review held on", widget=_date())
    child_view = forms.CharField(
        label="How the child thinks it is going, in their words",
        widget=_text(),
        max_length=4000,
        required=False,
    )
    what_changed = forms.CharField(
        label="What has changed since the last version",
        widget=_text(),
        max_length=4000,
        required=False,
    )
    child_goals = forms.CharField(
        label="The child's goals, in their own words",
        widget=_text(),
        max_length=4000,
        required=False,
    )
    strengths = forms.CharField(label="Strengths", widget=_text(), max_length=4000, required=False)
    what_helps = forms.CharField(
        label="What helps", widget=_text(), max_length=4000, required=False
    )
    next_review_due_on = forms.DateField(label="Next review by", widget=_date())

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.targets = targets
        for t in targets:
            self.fields[f"progress_{t.pk}"] = forms.DecimalField(
                label=f"{t.description}: now ({t.unit})",
                help_text=f"Started at {t.baseline.normalize():f}, aiming for "
                f"{t.target_value.normalize():f} "
                f"by {t.by_date:%-d %B %Y}.",
                max_digits=9,
                decimal_places=2,
                required=False,
            )
            self.fields[f"note_{t.pk}"] = forms.CharField(
                label=f"{t.description}: notes", max_length=2000, required=False
            )


class ChronologyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show",
        choices=list(KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    since = forms.DateField(label="From", widget=_date(), required=False)
    until = forms.DateField(label="To", widget=_date(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be on or after the start date.")
        return data


SENSITIVITY_HINT = (
    "Everyone who works with the child includes their teachers. Notes for the designated "
    "safeguarding lead only are hidden from everyone else, you included."
)


class SensitivityField(forms.ChoiceField):
    """Who may read the note; left out, it is for the child's team (the default level)."""

    def __init__(self) -> None:
        super().__init__(
            label="Who may read this",
            choices=Sensitivity.choices,
            initial=Sensitivity.TEAM,
            required=False,
            help_text=SENSITIVITY_HINT,
        )

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or Sensitivity.TEAM)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=[("", "Choose"), *MeetingKind.choices]
    )
    held_on = forms.DateField(label="Held on", widget=_date())
    attendees = forms.CharField(
        label="Who came",
        widget=_text(4),
        max_length=4000,
        required=False,
        help_text="One a line, with their role: for example, Sam Adeyemi, social worker.",
    )
    child_voice = forms.CharField(
        label="The child's voice",
        widget=_text(),
        max_length=4000,
        required=False,
        help_text="Their words, or how their views were gathered if they were not there.",
    )
    decisions = forms.CharField(
        label="What was decided", widget=_text(), max_length=4000, required=False
    )
    sensitivity = SensitivityField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class MeetingActionForm(OwnerForm):
    prefix = "action"

    due_on = forms.DateField(label="Due by", widget=_date())


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label="When", widget=_date())
    with_kind = forms.ChoiceField(label="With", choices=[("", "Choose"), *ContactWith.choices])
    with_name = forms.CharField(label="Their name", max_length=160, required=False)
    method = forms.ChoiceField(label="How", choices=[("", "Choose"), *ContactMethod.choices])
    summary = forms.CharField(
        label="What was said", widget=_text(), max_length=4000, required=False
    )
    agreed = forms.CharField(
        label="What was agreed", widget=_text(2), max_length=4000, required=False
    )
    about_absence = forms.BooleanField(
        label="Keeping in touch while the child is absent", required=False
    )
    sensitivity = SensitivityField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("contacted_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class HandoverForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Who is it for",
        choices=[(k, label) for k, (label, _) in RECIPIENTS.items()],
        widget=forms.RadioSelect,
        help_text="The pack holds only what someone in that role may see.",
    )
    format = forms.ChoiceField(
        label="As",
        choices=[("html", "A page to print"), ("pdf", "A PDF to download")],
        widget=forms.RadioSelect,
        initial="html",
    )


class PlanCloseForm(forms.Form):
    prefix = "close"

    ended_on = forms.DateField(label="Closed on", widget=_date())
    reason = forms.CharField(
        label="Why the plan is closing",
        widget=_text(2),
        max_length=2000,
        required=False,
        help_text="For example: the targets were met, or a new plan replaces it. "
        "The plan stays on record, shown as closed.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("ended_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class YouSaidForm(forms.Form):
    kind = forms.ChoiceField(label="Is it", choices=[("", "Choose"), *YouSaidKind.choices])
    raised_by = forms.ChoiceField(
        label="Raised by", choices=[("", "Choose"), *RaisedBy.choices], required=False
    )
    raised_by_name = forms.CharField(
        label="Their name (optional)",
        max_length=160,
        required=False,
        help_text="Leave it blank if they would rather not be named.",
    )
    their_words = forms.CharField(
        label="What they said",
        widget=_text(),
        max_length=4000,
        required=False,
        help_text="In their words, as far as you can.",
    )
    raised_on = forms.DateField(label="When", widget=_date())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("raised_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class YouSaidResponseForm(forms.Form):
    status = forms.ChoiceField(label="Where it has got to", choices=YouSaidStatus.choices)
    what_we_did = forms.CharField(
        label="What we did, or are doing", widget=_text(), max_length=4000, required=False
    )
    done_by = StaffChoiceField(
        queryset=Staff.objects.none(), label="Done by (when done)", required=False
    )
    done_on = forms.DateField(
        label="Date done or decided (when done or not taken forward)",
        widget=_date(),
        required=False,
    )
    not_forward_reason = forms.CharField(
        label="Why it is not being taken forward",
        widget=_text(2),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_by"].queryset = staff  # type: ignore[attr-defined]
