"""League → Track → Scenario → Stage. Translated content is stored as language maps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aileague.common.i18n import pick


class League(models.Model):
    """One season of the league, e.g. "AI Super League 2026"."""

    slug = models.SlugField(unique=True)
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    season = models.PositiveIntegerField(_("season"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    team_size_min = models.PositiveSmallIntegerField(_("minimum team size"), default=1)
    team_size_max = models.PositiveSmallIntegerField(_("maximum team size"), default=5)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-season", "slug"]

    def __str__(self) -> str:
        return pick(self.name) or self.slug


class Track(models.Model):
    """An industry field within a league (automotive, cross-border e-commerce, ...)."""

    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="tracks")
    slug = models.SlugField()
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["league", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["league", "slug"], name="unique_track_slug_per_league")
        ]

    def __str__(self) -> str:
        return pick(self.name) or self.slug


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ScenarioRating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")


class Scenario(models.Model):
    """A real need posted by an enterprise or public body, scored by a metric on hidden data."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="scenarios")
    slug = models.SlugField(unique=True)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problem_statement = models.JSONField(_("problem statement (Markdown)"), default=dict)
    data_description = models.JSONField(_("data description (Markdown)"), default=dict, blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="scenarios",
        verbose_name=_("owner organisation"),
    )
    status = models.CharField(
        max_length=12, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    target_countries = models.JSONField(_("target countries"), default=list, blank=True)
    prize_amount = models.DecimalField(
        _("prize amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    prize_currency = models.CharField(_("prize currency"), max_length=3, default="CNY")
    prize_description = models.JSONField(_("prize"), default=dict, blank=True)
    pilot_offer = models.JSONField(_("pilot offer"), default=dict, blank=True)
    # What a predictions file must look like and how it is scored: see scoring.schema.TaskSchema.
    task = models.JSONField(_("task definition"), default=dict)
    metric = models.CharField(_("metric"), max_length=40)
    reference_file = models.FileField(
        _("hidden reference"), upload_to="references/", max_length=300, blank=True
    )
    baseline_file = models.FileField(
        _("baseline predictions"), upload_to="baselines/", max_length=300, blank=True
    )
    # ``task.metric == "custom"``: the organiser's score(y_true, y_pred), run in its own process.
    custom_metric_file = models.FileField(
        _("custom metric"), upload_to="custom-metrics/", max_length=300, blank=True
    )
    # The organisers' rating of the scenario after the season ("93 rated excellent").
    rating = models.CharField(
        _("rating"), max_length=10, choices=ScenarioRating.choices, blank=True
    )
    position = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["track", "position", "slug"]

    def __str__(self) -> str:
        return pick(self.title) or self.slug

    @property
    def league(self) -> League:
        return self.track.league


class DataFile(models.Model):
    """A file participants may download (training data, test inputs, sample submission)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="data_files")
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(upload_to="public-data/", max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    description = models.JSONField(_("description"), default=dict, blank=True)

    class Meta:
        ordering = ["scenario", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "name"], name="unique_data_file_name")
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    JURY = "jury", _("Jury")
    COMBINED = "combined", _("Combined")


class Stage(models.Model):
    """A window in which teams submit to one scenario, with its quotas and leaderboard rules."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField()
    name = models.JSONField(_("name"), default=dict)
    position = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Shanghai",
        help_text=_("Daily quotas reset at midnight in this zone."),
    )
    evaluation_mode = models.CharField(
        max_length=10, choices=EvaluationMode.choices, default=EvaluationMode.AUTOMATIC
    )
    daily_quota = models.PositiveIntegerField(_("submissions per team per day"), default=5)
    total_quota = models.PositiveIntegerField(_("submissions per team in total"), default=100)
    max_running = models.PositiveIntegerField(
        _("submissions per team in the queue at once"), default=3
    )
    final_selection_limit = models.PositiveSmallIntegerField(
        _("final submissions a team may select"),
        default=2,
        help_text=_("0 means the best submission always counts."),
    )
    # Scores of this scorer version feed the leaderboards; re-scoring switches it atomically.
    scorer_version = models.CharField(max_length=40, default="1")

    class Meta:
        ordering = ["scenario", "position", "opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "slug"], name="unique_stage_slug"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="stage_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.slug} / {pick(self.name) or self.slug}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def is_closed(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at


class Question(models.Model):
    """A participant's question about a scenario; the answer is public."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.text[:60]
