from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    TRACK_MANAGER = "track_manager", _("Track manager")
    SCENARIO_OWNER = "scenario_owner", _("Scenario owner")
    PARTICIPANT = "participant", _("Participant")
    JUDGE = "judge", _("Judge")
    INVESTOR = "investor", _("Investor")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC_BODY = "public_body", _("Public body")
    UNIVERSITY = "university", _("University")
    STARTUP = "startup", _("Startup")
    INVESTOR = "investor", _("Investor")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """An enterprise, public body, university, startup or fund."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)

    def __str__(self) -> str:
        return self.name


class AileagueUserManager(UserManager):
    def create_user(self, username=None, email=None, password=None, **extra):
        username = username or email
        return super().create_user(username, email, password, **extra)


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """A person. Logs in with an email address; ``username`` mirrors it for Django's admin."""

    email = models.EmailField(_("email address"), unique=True)
    real_name = models.CharField(_("real name"), max_length=150, blank=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    language = models.CharField(_("language"), max_length=10, default="en")
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )

    objects = AileagueUserManager()
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.real_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class RoleGrant(models.Model):
    """A role a person holds, optionally limited to one track or scenario.

    Participant is implied for every verified account; the other roles are granted.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    league = models.ForeignKey(
        "competitions.League", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    track = models.ForeignKey(
        "competitions.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scenario = models.ForeignKey(
        "competitions.Scenario", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "league", "track", "scenario"],
                name="unique_role_grant",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = self.scenario or self.track or self.league or "*"
        return f"{self.user} {self.role} @ {scope}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
