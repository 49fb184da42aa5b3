"""A stage's outcome: how benchmark and jury combine, who advances, the public notice, the
objections filed during it, and the certificates issued once the results are final."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommonScale(models.TextChoices):
    PERCENTILE = "percentile", _("Percentile within the track")
    RANK = "rank", _("Rank within the track")


class TieBreak(models.TextChoices):
    JURY_FIRST = "jury_first", _("Higher jury score, then higher benchmark score, then team id")
    BENCHMARK_FIRST = "benchmark_first", _(
        "Higher benchmark score, then higher jury score, then team id"
    )
    EARLIER_ENTRY = "earlier_entry", _("Earlier registration of the entry")


class AdvancementPolicy(models.Model):
    """The published rule that turns a stage's scores into a ranked list and an advancing set."""

    stage = models.OneToOneField(
        "competitions.Stage", on_delete=models.CASCADE, related_name="advancement_policy"
    )
    jury_round = models.ForeignKey(
        "judging.JudgingRound", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    benchmark_weight = models.FloatField(_("benchmark weight"), default=0.5)
    jury_weight = models.FloatField(_("jury weight"), default=0.5)
    scale = models.CharField(
        max_length=10, choices=CommonScale.choices, default=CommonScale.PERCENTILE
    )
    # Teams below this benchmark score (in the metric's direction) cannot advance.
    benchmark_gate = models.FloatField(_("benchmark threshold"), null=True, blank=True)
    top_k_per_track = models.PositiveIntegerField(_("advance per track"), null=True, blank=True)
    min_final_score = models.FloatField(_("minimum final score"), null=True, blank=True)
    min_asean = models.PositiveIntegerField(_("at least this many ASEAN teams"), default=0)
    tie_break = models.CharField(
        max_length=16, choices=TieBreak.choices, default=TieBreak.JURY_FIRST
    )
    notice_days = models.PositiveSmallIntegerField(_("public notice (days)"), default=7)

    class Meta:
        verbose_name_plural = "advancement policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benchmark_weight__gte=0) & models.Q(jury_weight__gte=0),
                name="weights_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"policy of {self.stage}"


class StageResult(models.Model):
    """One team's line in a stage's results: components, final score, rank, advancement."""

    stage = models.ForeignKey(
        "competitions.Stage", on_delete=models.CASCADE, related_name="results"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="stage_results")
    track = models.ForeignKey(
        "competitions.Track", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    benchmark_score = models.FloatField(null=True)
    benchmark_component = models.FloatField(null=True)
    jury_score = models.FloatField(null=True)
    jury_component = models.FloatField(null=True)
    final_score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    gated = models.BooleanField(default=False)
    advanced = models.BooleanField(default=False)
    # Why: "top_k", "asean_quota", "below_gate", "below_threshold", "outside_top_k".
    reason = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "team"], name="one_result_per_team_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.team}: #{self.rank}"


class NoticeStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("On public notice")
    FINAL = "final", _("Final")


class ResultNotice(models.Model):
    """Provisional results on public notice for N days; final once every objection is decided."""

    stage = models.OneToOneField(
        "competitions.Stage", on_delete=models.CASCADE, related_name="result_notice"
    )
    status = models.CharField(
        max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.PROVISIONAL
    )
    published_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The published list, frozen: later recomputation never changes what was on notice.
    snapshot = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"notice for {self.stage}"


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    INVESTIGATING = "investigating", _("Under investigation")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """A real-name objection to provisional results, tracked to a published decision."""

    notice = models.ForeignKey(ResultNotice, on_delete=models.CASCADE, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    filer_real_name = models.CharField(max_length=150)
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("about team"),
    )
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to="objections/", max_length=300, blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    status = models.CharField(
        max_length=14, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice", "filed_at"]

    def __str__(self) -> str:
        return f"objection by {self.filer_real_name} ({self.status})"


class Certificate(models.Model):
    """A certificate for a team's final result; the serial lets anyone verify it online."""

    stage = models.ForeignKey("competitions.Stage", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="certificates")
    serial = models.CharField(max_length=32, unique=True)
    rank = models.PositiveIntegerField(null=True)
    advanced = models.BooleanField(default=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "team"], name="one_certificate_per_team_per_stage"
            )
        ]

    def __str__(self) -> str:
        return self.serial
