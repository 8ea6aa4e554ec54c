from __future__ import annotations

from typing import Any

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery:  # recovery codes hold letters, so the full keyboard
            field.label, field.help_text = "Recovery code", "One of the codes you saved."
        else:  # an app's code is six digits: a phone shows its number pad
            field.widget.attrs["inputmode"] = "numeric"


class ForgottenPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SetUpCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=20,
        help_text="Six digits. A new code appears every 30 seconds.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class LinkAskForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your invitation was sent to.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
