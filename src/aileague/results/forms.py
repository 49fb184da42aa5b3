"""Forms of the results pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ObjectionForm(forms.Form):
    team = forms.TypedChoiceField(
        label=_("About team (optional)"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 5}))
    evidence = forms.FileField(label=_("Evidence file (optional, up to 10 MB)"), required=False)
    evidence_link = forms.URLField(
        label=_("Evidence link (optional)"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, teams: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("The results as a whole")), *teams]

    def clean_team(self):
        from aileague.teams.models import Team

        team_id = self.cleaned_data.get("team")
        return Team.objects.filter(pk=team_id).first() if team_id else None


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("dismissed", _("Dismiss")), ("upheld", _("Uphold"))],
        widget=forms.RadioSelect,
        initial="dismissed",
    )
    decision = forms.CharField(
        label=_("Decision and reasons (published)"), widget=forms.Textarea(attrs={"rows": 3})
    )
