from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aileague.accounts.models import User
from aileague.common.countries import COUNTRY_CHOICES, PROVINCE_CHOICES
from aileague.competitions.models import League
from aileague.teams.models import MemberRole, TeamOrganisationType


class TeamForm(forms.Form):
    league = forms.ModelChoiceField(
        label=_("League"), queryset=League.objects.all(), empty_label=None
    )
    name = forms.CharField(label=_("Team name"), max_length=120)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES, initial="CN")
    province = forms.ChoiceField(
        label=_("Chinese province"),
        required=False,
        choices=[("", _("— choose —")), *PROVINCE_CHOICES],
        help_text=_("Required for teams based in China."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"), choices=TeamOrganisationType.choices
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False
    )
    is_joint = forms.BooleanField(
        label=_("Joint China–ASEAN team"),
        required=False,
        help_text=_("The team has members based in China and in an ASEAN country."),
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the new member"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (MemberRole.MEMBER.value, MemberRole.MEMBER.label),
            (MemberRole.ADVISOR.value, MemberRole.ADVISOR.label),
        ],
        initial=MemberRole.MEMBER,
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.user = User.objects.filter(email__iexact=email).first()
        if self.user is None:
            raise forms.ValidationError(
                _("No account uses this email address; ask the person to sign up first.")
            )
        return email


class EnterForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
