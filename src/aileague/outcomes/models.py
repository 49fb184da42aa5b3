"""After the league: awards, projects with public profiles, the pipeline of investors and pilot
sites (interest → meeting → term sheet or pilot agreement → contract → deployed), the AI
innovation cooperation center's registry with incubation milestones, and cooperation
agreements. Amounts keep their own currency and the CNY value at a recorded rate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES


class AwardLevel(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    EXCELLENCE = "excellence", _("Excellence award")
    SPECIAL = "special", _("Special award")


class Award(models.Model):
    """A prize a team won in a scenario (usually from a stage's final results)."""

    league = models.ForeignKey("competitions.League", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="awards")
    scenario = models.ForeignKey(
        "competitions.Scenario", on_delete=models.CASCADE, related_name="awards"
    )
    level = models.CharField(max_length=12, choices=AwardLevel.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    awarded_at = models.DateField()

    class Meta:
        ordering = ["scenario", "level", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "scenario"], name="one_award_per_team_scenario")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.team} ({self.scenario.slug})"


class ExchangeRate(models.Model):
    """How many CNY one unit of a currency was worth on a day (recorded, never fetched)."""

    currency = models.CharField(max_length=3)
    on = models.DateField()
    cny_per_unit = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["currency", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "on"], name="one_rate_per_currency_day")
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.cny_per_unit} CNY on {self.on}"


class ReadinessLevel(models.IntegerChoices):
    """Technology readiness levels, as funders use them."""

    TRL1 = 1, _("TRL 1 · basic principles")
    TRL2 = 2, _("TRL 2 · concept formulated")
    TRL3 = 3, _("TRL 3 · proof of concept")
    TRL4 = 4, _("TRL 4 · validated in the lab")
    TRL5 = 5, _("TRL 5 · validated in a relevant environment")
    TRL6 = 6, _("TRL 6 · demonstrated in a relevant environment")
    TRL7 = 7, _("TRL 7 · demonstrated in operation")
    TRL8 = 8, _("TRL 8 · complete and qualified")
    TRL9 = 9, _("TRL 9 · proven in operation")


class Project(models.Model):
    """An awarded or promising entry with a public profile, followed past the prize."""

    league = models.ForeignKey(
        "competitions.League", on_delete=models.CASCADE, related_name="projects"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="projects")
    track = models.ForeignKey(
        "competitions.Track", on_delete=models.PROTECT, related_name="projects"
    )
    scenario = models.ForeignKey(
        "competitions.Scenario",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slug = models.SlugField(unique=True)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    readiness = models.PositiveSmallIntegerField(
        _("technology readiness"), choices=ReadinessLevel.choices, default=ReadinessLevel.TRL4
    )
    demo_url = models.URLField(_("demo"), blank=True)
    languages = models.JSONField(_("languages served"), default=list, blank=True)
    target_countries = models.JSONField(_("target countries"), default=list, blank=True)
    tags = models.JSONField(_("technologies"), default=list, blank=True)
    # Funding the team seeks, in CNY, so investors' ticket sizes compare directly.
    seeking_cny = models.DecimalField(
        _("funding sought (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    is_public = models.BooleanField(_("public profile"), default=True)
    product_launched_at = models.DateField(_("product launched"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["league", "track", "slug"]

    def __str__(self) -> str:
        from aileague.common.i18n import pick

        return pick(self.title) or self.slug


class PartnerKind(models.TextChoices):
    INVESTOR = "investor", _("Investor")
    PILOT_SITE = "pilot_site", _("Pilot site")
    CENTER = "center", _("Cooperation center")


class PartnerProfile(models.Model):
    """What an investor or a pilot site (a scenario owner, the center's operator) looks for."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partner_profile"
    )
    kind = models.CharField(max_length=12, choices=PartnerKind.choices)
    tracks = models.ManyToManyField("competitions.Track", blank=True, related_name="+")
    countries = models.JSONField(_("countries of interest"), default=list, blank=True)
    tags = models.JSONField(_("technologies of interest"), default=list, blank=True)
    readiness_min = models.PositiveSmallIntegerField(default=1)
    readiness_max = models.PositiveSmallIntegerField(default=9)
    ticket_min_cny = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    ticket_max_cny = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    statement = models.JSONField(_("what we look for"), default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation} ({self.kind})"


class RelationStage(models.TextChoices):
    INTEREST = "interest", _("Interest")
    MEETING = "meeting", _("Meeting")
    AGREEMENT = "agreement", _("Term sheet or pilot agreement")
    CONTRACT = "contract", _("Contract")
    DEPLOYED = "deployed", _("Deployed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Relation(models.Model):
    """An investor or pilot site and a project, moving through the pipeline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relations")
    partner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="relations"
    )
    kind = models.CharField(max_length=12, choices=PartnerKind.choices)
    stage = models.CharField(
        max_length=10, choices=RelationStage.choices, default=RelationStage.INTEREST
    )
    message = models.TextField(_("message"), blank=True)
    meeting_at = models.DateTimeField(_("meeting"), null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    cny_per_unit = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    amount_cny = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "partner"], name="one_relation_per_partner")
        ]
        indexes = [models.Index(fields=["stage", "kind"], name="relation_stage_kind")]

    def __str__(self) -> str:
        return f"{self.partner} ↔ {self.project} ({self.stage})"


class RelationEvent(models.Model):
    """A step of a relation: when it moved, who moved it, and the amount at that step."""

    relation = models.ForeignKey(Relation, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(max_length=10, choices=RelationStage.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["relation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.relation_id} → {self.stage} at {self.at:%Y-%m-%d}"


class CenterSignIn(models.Model):
    """A project signed into the AI innovation cooperation center."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="center_sign_in")
    signed_on = models.DateField(_("signed on"))
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    field = models.CharField(_("field"), max_length=120)
    agreed_investment = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="CNY")
    cny_per_unit = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    agreed_investment_cny = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return f"{self.project} signed {self.signed_on}"


class Milestone(models.Model):
    """An incubation milestone of a project in the center."""

    sign_in = models.ForeignKey(CenterSignIn, on_delete=models.CASCADE, related_name="milestones")
    title = models.JSONField(_("title"), default=dict)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sign_in", "position", "due_on"]

    def __str__(self) -> str:
        from aileague.common.i18n import pick

        return pick(self.title)


class CooperationAgreement(models.Model):
    """A cooperation agreement with a partner abroad (a ministry, a park, a university...)."""

    league = models.ForeignKey("competitions.League", on_delete=models.CASCADE, related_name="+")
    partner = models.CharField(_("partner"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    title = models.JSONField(_("title"), default=dict)
    signed_on = models.DateField(_("signed on"))
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements"
    )

    class Meta:
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return f"{self.partner} ({self.country}, {self.signed_on})"
