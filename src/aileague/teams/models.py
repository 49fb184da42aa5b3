"""Teams register for a league and enter scenarios."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES, PROVINCE_CHOICES


class TeamOrganisationType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    STARTUP = "startup", _("Startup")
    INDIVIDUAL = "individual", _("Individual")


class Team(models.Model):
    league = models.ForeignKey(
        "competitions.League", on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("team name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    province = models.CharField(
        _("Chinese province"),
        max_length=5,
        choices=PROVINCE_CHOICES,
        blank=True,
        help_text=_("Required for teams based in China."),
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=12, choices=TeamOrganisationType.choices
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    is_joint = models.BooleanField(
        _("joint China–ASEAN team"),
        default=False,
        help_text=_("The team has members based in China and in an ASEAN country."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["league", "name"]
        constraints = [
            models.UniqueConstraint(fields=["league", "name"], name="unique_team_name_per_league"),
            models.CheckConstraint(
                condition=~models.Q(country="CN") | ~models.Q(province=""),
                name="team_in_china_has_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CAPTAIN = "captain", _("Captain")
    MEMBER = "member", _("Member")
    ADVISOR = "advisor", _("Advisor")


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_membership"),
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="captain"), name="one_captain_per_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class Entry(models.Model):
    """A team registered for a scenario. Submissions hang off entries."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entries")
    scenario = models.ForeignKey(
        "competitions.Scenario", on_delete=models.CASCADE, related_name="entries"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["team", "scenario"], name="unique_entry")]

    def __str__(self) -> str:
        return f"{self.team} → {self.scenario.slug}"
