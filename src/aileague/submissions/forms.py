from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Predictions file"),
        help_text=_("A CSV file with a header row and one row per id, like the sample submission."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("A note for your team: model, features, anything you want to remember."),
    )


class FinalSelectionForm(forms.Form):
    selected = forms.BooleanField(required=False)
