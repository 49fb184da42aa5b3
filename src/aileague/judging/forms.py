"""Forms of the jury pages. They only parse input: the rules live in the judging services."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aileague.common.errors import InvalidInput
from aileague.common.i18n import pick
from aileague.judging.models import Recommendation
from aileague.judging.services import check_proposal_document

#: Languages a proposal may be written in (the league's working languages).
PROPOSAL_LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("fil", _("Filipino")),
    ("km", _("Khmer")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
]


def split_list(text: str) -> list[str]:
    """Comma-, semicolon- or line-separated words (Chinese "，" "；" "、" too), stripped, empty
    ones dropped, order kept."""
    items = [part.strip() for part in re.split(r"[,;，；、\n]", text or "")]
    return [item for item in items if item]


def users_by_email(text: str) -> tuple[list, list[str]]:
    """The accounts of a list of email addresses, and the addresses no account has."""
    emails = list(dict.fromkeys(e.lower() for e in split_list(text)))
    users = {u.email.lower(): u for u in get_user_model().objects.filter(email__in=emails)}
    # Email addresses are stored as typed; fall back to a case-insensitive look-up.
    for email in emails:
        if email not in users:
            found = get_user_model().objects.filter(email__iexact=email).first()
            if found is not None:
                users[email] = found
    return [users[e] for e in emails if e in users], [e for e in emails if e not in users]


class EmailListField(forms.CharField):
    """A textarea of email addresses, resolved to accounts; unknown addresses are an error."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        text = super().clean(value)
        users, unknown = users_by_email(text)
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "No account has this email address: %(emails)s.",
                    "No account has these email addresses: %(emails)s.",
                    len(unknown),
                )
                % {"emails": ", ".join(unknown)},
                code="unknown_email",
            )
        return users


class JudgeProfileForm(forms.Form):
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=1000,
        help_text=_("Tags separated by commas, e.g. computer vision, logistics, fintech."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can review in"),
        required=False,
        choices=PROPOSAL_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    declared_organisations = forms.CharField(
        label=_("Organisations you are tied to"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Besides your own: former employers, boards, investments. One per line. Entries "
            "from these organisations are never assigned to you."
        ),
    )
    collaborators = EmailListField(
        label=_("Collaborators and advisees"),
        required=False,
        max_length=5000,
        help_text=_(
            "Email addresses of people you have recently worked with or advised, one per "
            "line. Their teams' entries are never assigned to you."
        ),
    )


class ScoreSheetForm(forms.Form):
    """One select per criterion (its scale, with the anchors' meaning), a comment and a
    recommendation. Values are checked by ``reviews.clean_scores``, which lists every problem."""

    comment = forms.CharField(
        label=_("Comment for the other judges and the organisers"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"),
        required=False,
        choices=[("", _("— choose —")), *Recommendation.choices],
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scored = {}
        for criterion in self.criteria:
            anchors = {int(k): pick(v) for k, v in (criterion.anchors or {}).items()}
            choices = [("", _("— not scored —"))] + [
                (str(value), f"{value} — {anchors[value]}" if value in anchors else str(value))
                for value in range(criterion.scale_min, criterion.scale_max + 1)
            ]
            scored[self.score_field(criterion)] = forms.CharField(
                label=pick(criterion.name) or criterion.key,
                required=False,
                widget=forms.Select(choices=choices),
                help_text=pick(criterion.description),
            )
        # Criteria first, in the rubric's order, then the comment and the recommendation.
        self.fields = {**scored, **self.fields}

    @staticmethod
    def score_field(criterion) -> str:
        return f"score_{criterion.key}"

    def scores(self) -> dict[str, str]:
        """The raw scores by criterion key, unscored criteria left out."""
        data = self.cleaned_data
        return {
            c.key: data[self.score_field(c)]
            for c in self.criteria
            if data.get(self.score_field(c)) not in (None, "")
        }

    def criterion_rows(self):
        """(criterion, bound field, anchors sorted by value) for the template."""
        for criterion in self.criteria:
            anchors = sorted(
                ((int(k), pick(v)) for k, v in (criterion.anchors or {}).items()),
                key=lambda item: item[0],
            )
            yield criterion, self[self.score_field(criterion)], anchors


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Why (seen by the organisers only)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    language = forms.ChoiceField(
        label=_("Language of the proposal"), choices=PROPOSAL_LANGUAGES, initial="en"
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas: they help match your proposal with expert judges."),
    )
    slides = forms.URLField(label=_("Slides (link)"), required=False, assume_scheme="https")
    video = forms.URLField(label=_("Video (link)"), required=False, assume_scheme="https")
    demo = forms.URLField(label=_("Demo (link)"), required=False, assume_scheme="https")
    document = forms.FileField(
        label=_("Proposal document (PDF)"),
        required=False,
        help_text=_("A PDF file of at most 20 MB. Leave empty to keep the current one."),
    )
    avoid = EmailListField(
        label=_("People you ask us not to assign as judges"),
        required=False,
        max_length=5000,
        help_text=_(
            "Email addresses, one per line (e.g. a competitor's adviser). The organisers "
            "see this list."
        ),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if not document:
            return None
        try:
            check_proposal_document(document)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return document

    def links(self) -> dict[str, str]:
        data = self.cleaned_data
        return {key: data[key] for key in ("slides", "video", "demo") if data[key]}


class FormalCheckForm(forms.Form):
    passed = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=3000)


class RoundStatusForm(forms.Form):
    status = forms.CharField(max_length=8)


class PitchSessionForm(forms.Form):
    """A new "8+7" session of one track in a pitch round (times in the organiser's zone)."""

    track = forms.ModelChoiceField(label=_("Track"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    pitch_minutes = forms.IntegerField(label=_("Pitch (minutes)"), min_value=1, initial=8)
    qa_minutes = forms.IntegerField(label=_("Questions (minutes)"), min_value=0, initial=7)
    room = forms.CharField(label=_("Room"), max_length=120, required=False)

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks
