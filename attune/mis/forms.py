from __future__ import annotations

from django import forms


class WondeIdForm(forms.Form):
    wonde_id = forms.CharField(
        label="Wonde school id",
        max_length=20,
        required=False,
        help_text="Wonde's id for the school, for example A1930499544: in Wonde's list of "
        "schools that have approved Attune. Leave empty to stop syncing.",
    )
