"""Forms of the project pages: they parse input; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES
from aileague.common.i18n import pick
from aileague.judging.forms import PROPOSAL_LANGUAGES
from aileague.outcomes.models import PartnerKind, ReadinessLevel, RelationStage
from aileague.outcomes.queries import ASEAN, PIPELINE

CURRENCIES = ["CNY", "USD", "VND", "THB", "IDR", "MYR", "PHP", "SGD", "LAK", "KHR", "MMK", "BND"]
_CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]


def _country_filter_choices():
    return [("", _("All countries")), (ASEAN, _("ASEAN")), *COUNTRY_CHOICES]


def _split(text: str) -> list[str]:
    """Comma- or semicolon-separated items; Chinese full-width "，" "；" "、" count too."""
    return [part.strip() for part in re.split(r"[,;，；、\n]", text or "") if part.strip()]


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    track = forms.ChoiceField(label=_("Track"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    readiness_min = forms.TypedChoiceField(
        label=_("Readiness at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *ReadinessLevel.choices],
    )
    language = forms.CharField(label=_("Language served"), required=False)
    tag = forms.CharField(label=_("Technology"), required=False)

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [("", _("All tracks")), *tracks]
        self.fields["country"].choices = _country_filter_choices()


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Proposed meeting time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Note"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False)


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Next stage"), choices=[(s, RelationStage(s).label) for s in PIPELINE[1:]]
    )
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=0, decimal_places=2)
    currency = forms.ChoiceField(
        label=_("Currency"), choices=_CURRENCY_CHOICES, initial="CNY", required=False
    )
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False)


class PartnerProfileForm(forms.Form):
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries of interest"),
        choices=COUNTRY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Technologies of interest"), required=False, help_text=_("Separate with commas.")
    )
    readiness_min = forms.TypedChoiceField(
        label=_("Readiness from"), coerce=int, choices=ReadinessLevel.choices
    )
    readiness_max = forms.TypedChoiceField(
        label=_("Readiness up to"), coerce=int, choices=ReadinessLevel.choices
    )
    ticket_min_cny = forms.DecimalField(label=_("Ticket from (CNY)"), required=False, min_value=0)
    ticket_max_cny = forms.DecimalField(label=_("Ticket up to (CNY)"), required=False, min_value=0)
    statement = forms.CharField(
        label=_("What we look for"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, track_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracks"].queryset = track_queryset

    def clean_tags(self):
        return _split(self.cleaned_data["tags"])


class SignInForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    field = forms.CharField(label=_("Field"), max_length=120)
    agreed_investment = forms.DecimalField(label=_("Agreed investment"), min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=_CURRENCY_CHOICES, initial="CNY")


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class RegistryForm(forms.Form):
    year = forms.IntegerField(label=_("Year signed"), required=False, min_value=2000)
    countries = forms.ChoiceField(label=_("Countries"), required=False)
    field = forms.CharField(label=_("Field"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = [
            ("", _("All countries")),
            ("asean", _("ASEAN")),
            *COUNTRY_CHOICES,
        ]


class OverviewForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *RelationStage.choices]
    )
    kind = forms.ChoiceField(
        label=_("Partner"), required=False, choices=[("", _("All partners")), *PartnerKind.choices]
    )
    track = forms.ChoiceField(label=_("Track"), required=False)

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [("", _("All tracks")), *tracks]


class IntroductionsForm(forms.Form):
    """The parameters of an introductions plan; ``plan_introductions`` checks their ranges."""

    league = forms.ChoiceField(label=_("League"))
    per_partner = forms.IntegerField(
        label=_("Introductions per partner"), initial=3, min_value=1, max_value=20
    )
    per_project = forms.IntegerField(
        label=_("Introductions per project"), initial=2, min_value=1, max_value=20
    )
    min_score = forms.FloatField(
        label=_("Minimum fit (0–1)"), initial=0.0, min_value=0.0, max_value=1.0
    )

    def __init__(self, *args, leagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["league"].choices = [(league.slug, pick(league.name)) for league in leagues]


#: Languages a project may serve: the league's working languages (as for proposals).
SERVED_LANGUAGES = PROPOSAL_LANGUAGES
#: The two languages a project's title and summary are edited in; others are kept as stored.
TEXT_LANGUAGES = ("en", "zh-hans")


class ProjectForm(forms.Form):
    """A project's public profile. Only parses: ``create_project`` / ``update_project`` check
    the values (web address, amounts, countries) and their errors are put next to the fields
    by ``add_service_error``. Pass ``tracks`` to ask for the track (creation only)."""

    track = forms.ModelChoiceField(label=_("Track"), queryset=None, empty_label=None)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), required=False, max_length=200)
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary_zh = forms.CharField(
        label=_("Summary (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    readiness = forms.TypedChoiceField(
        label=_("Technology readiness"),
        coerce=int,
        choices=ReadinessLevel.choices,
        initial=ReadinessLevel.TRL4,
    )
    # A plain text field: the service says whether it is a web address (one rule, one message).
    demo_url = forms.CharField(label=_("Demo link"), required=False, max_length=200)
    languages = forms.MultipleChoiceField(
        label=_("Languages served"),
        required=False,
        choices=SERVED_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    target_countries = forms.MultipleChoiceField(
        label=_("Target countries"),
        required=False,
        choices=COUNTRY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Technologies"),
        required=False,
        help_text=_("Separate with commas, e.g. computer vision, logistics."),
    )
    seeking_cny = forms.DecimalField(
        label=_("Funding sought (CNY)"), required=False, max_digits=16, decimal_places=2
    )
    is_public = forms.BooleanField(
        label=_("Public profile"),
        required=False,
        initial=True,
        help_text=_("Investors and pilot sites can find a public profile."),
    )

    #: Service error codes and the field they belong next to.
    ERROR_FIELDS = {
        "title_required": "title_en",
        "invalid_readiness": "readiness",
        "invalid_url": "demo_url",
        "invalid_amount": "seeking_cny",
        "unknown_country": "target_countries",
        "wrong_league": "track",
    }

    def __init__(self, *args, tracks=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tracks is None:
            del self.fields["track"]
        else:
            self.fields["track"].queryset = tracks
        self.project = project
        if project is not None:
            # Keep languages the list does not offer, so saving does not drop them.
            known = {code for code, _label in SERVED_LANGUAGES}
            extra = [(code, code) for code in project.languages if code not in known]
            self.fields["languages"].choices = [*SERVED_LANGUAGES, *extra]
            self.initial = {**self.initial_for(project), **self.initial}

    @staticmethod
    def initial_for(project) -> dict:
        return {
            "title_en": project.title.get("en", ""),
            "title_zh": project.title.get("zh-hans", ""),
            "summary_en": (project.summary or {}).get("en", ""),
            "summary_zh": (project.summary or {}).get("zh-hans", ""),
            "readiness": project.readiness,
            "demo_url": project.demo_url,
            "languages": project.languages,
            "target_countries": project.target_countries,
            "tags": ", ".join(project.tags),
            "seeking_cny": project.seeking_cny,
            "is_public": project.is_public,
        }

    def clean_tags(self):
        return _split(self.cleaned_data["tags"])

    def _text(self, name: str, stored: dict | None) -> dict:
        """The edited English and Chinese texts over the other languages already stored."""
        text = {k: v for k, v in (stored or {}).items() if k not in TEXT_LANGUAGES}
        text["en"] = self.cleaned_data[f"{name}_en"]
        text["zh-hans"] = self.cleaned_data[f"{name}_zh"]
        return text

    def profile(self) -> dict:
        """Keyword arguments for ``create_project`` / ``update_project`` (without the track)."""
        data = self.cleaned_data
        project = self.project
        return {
            "title": self._text("title", project.title if project else None),
            "summary": self._text("summary", project.summary if project else None),
            "readiness": data["readiness"],
            "demo_url": data["demo_url"],
            "languages": data["languages"],
            "target_countries": data["target_countries"],
            "tags": data["tags"],
            "seeking_cny": data["seeking_cny"],
            "is_public": data["is_public"],
        }

    def add_service_error(self, exc) -> None:
        """Show a service's refusal next to the field it is about (or above the form)."""
        field = self.ERROR_FIELDS.get(exc.code)
        self.add_error(field if field in self.fields else None, exc.message)
