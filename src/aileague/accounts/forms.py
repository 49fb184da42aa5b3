"""Forms parse and label input; the rules (uniqueness, password strength, zones) are services'."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES

# The league's own zones first, so that most people need not scroll through 600 names.
COMMON_ZONES = [
    "Asia/Shanghai",
    "Asia/Ho_Chi_Minh",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Kuala_Lumpur",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Vientiane",
    "Asia/Phnom_Penh",
    "Asia/Yangon",
    "Asia/Brunei",
    "Asia/Dili",
    "UTC",
]


def timezone_choices():
    others = sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))
    return [
        (_("League time zones"), [(name, name) for name in COMMON_ZONES]),
        (_("All time zones"), [(name, name) for name in others]),
    ]


def country_choices():
    return [("", _("— not given —")), *COUNTRY_CHOICES]


class ProfileFields(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=150, required=False)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        initial="Asia/Shanghai",
        help_text=_("Times on this site are shown in this zone."),
    )


class SignUpForm(ProfileFields):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "email",
        "password",
        "password_again",
        "real_name",
        "display_name",
        "country",
        "language",
        "timezone",
    ]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ProfileForm(ProfileFields):
    pass


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for an email address."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        required=False,
        help_text=_("For example the machine or script that will use it."),
    )
