"""The jury: judges, judging rounds, what they judge (entries), assignments, score sheets,
calibrated results, pairwise comparisons and live pitch sessions.

What is judged is a ``JudgedEntry``: a team's proposal in a competition stage today, a grant
application in a funding call later. Nothing here needs a submission or a leaderboard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aileague.common.countries import COUNTRY_CHOICES
from aileague.common.i18n import pick


class JudgeProfile(models.Model):
    """What the assignment needs to know about a judge, and the conflicts they declare."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profile"
    )
    expertise = models.JSONField(_("expertise tags"), default=list, blank=True)
    languages = models.JSONField(_("languages read"), default=list, blank=True)
    # People the judge has worked with or advised: their teams' entries are conflicts.
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("collaborators")
    )
    # Organisations the judge declares a tie to besides their own (former employer, board seat).
    declared_organisations = models.JSONField(
        _("declared organisations"), default=list, blank=True
    )
    bio = models.JSONField(_("biography"), default=dict, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class RoundKind(models.TextChoices):
    REVIEW = "review", _("Online review")
    PITCH = "pitch", _("Pitch session")
    PAIRWISE = "pairwise", _("Pairwise (expo)")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Raw mean")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")
    ZSCORE = "zscore", _("Per-judge z-score")
    JUDGE_OFFSET = "judge_offset", _("Judge-offset model")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for reviews")
    CLOSED = "closed", _("Closed")


class JudgingRound(models.Model):
    """One round of judging: its rubric, its jury and its rules (R reviews, loads, blindness)."""

    stage = models.ForeignKey(
        "competitions.Stage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="judging_rounds",
    )
    slug = models.SlugField()
    name = models.JSONField(_("name"), default=dict)
    kind = models.CharField(max_length=10, choices=RoundKind.choices, default=RoundKind.REVIEW)
    reviews_per_entry = models.PositiveSmallIntegerField(_("reviews per entry"), default=3)
    min_load = models.PositiveIntegerField(_("minimum reviews per judge"), default=0)
    max_load = models.PositiveIntegerField(_("maximum reviews per judge"), default=20)
    blind = models.BooleanField(
        _("blind review"), default=False, help_text=_("Judges do not see who the team is.")
    )
    aggregation = models.CharField(
        max_length=14, choices=Aggregation.choices, default=Aggregation.JUDGE_OFFSET
    )
    trim = models.FloatField(_("share trimmed at each end"), default=0.2)
    disagreement_threshold = models.FloatField(
        _("disagreement threshold"),
        default=3.0,
        help_text=_("Reviews of one entry further apart than this (in scale points) ask for "
                    "another review."),
    )
    pairwise_min_coverage = models.PositiveSmallIntegerField(
        _("comparisons each entry gets before any is compared more"), default=3
    )
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    results_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "slug"], name="unique_round_slug_per_stage")
        ]

    def __str__(self) -> str:
        return pick(self.name) or self.slug


class Criterion(models.Model):
    """One weighted line of a score sheet, on an anchored scale."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField()
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    scale_min = models.PositiveSmallIntegerField(default=0)
    scale_max = models.PositiveSmallIntegerField(default=10)
    # {"0": {"en": "no innovation"}, "5": {...}, "10": {...}}: what a score means.
    anchors = models.JSONField(_("anchors"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="unique_criterion_key"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return pick(self.name) or self.key


class JurorRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    PANEL_LEAD = "panel_lead", _("Panel lead")
    PRESIDIUM = "presidium", _("Jury presidium")


class Juror(models.Model):
    """A judge sitting in one round, with their own load limits if the organiser sets them."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="juror_seats"
    )
    role = models.CharField(max_length=10, choices=JurorRole.choices, default=JurorRole.REVIEWER)
    min_load = models.PositiveIntegerField(null=True, blank=True)
    max_load = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["round", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="unique_juror_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class FormalCheck(models.TextChoices):
    PENDING = "pending", _("Awaiting formal check")
    PASSED = "passed", _("Passed the formal check")
    RETURNED = "returned", _("Returned for correction")


class JudgedEntry(models.Model):
    """What a jury judges: a proposal, a pitch, a grant application."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="entries")
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="judged_entries"
    )
    track = models.ForeignKey(
        "competitions.Track", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True)
    # Everyone and every organisation behind the entry: what conflicts are detected against.
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    organisations = models.JSONField(_("organisations"), default=list, blank=True)
    avoid_judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("judges to avoid")
    )
    document = models.FileField(
        _("proposal (PDF)"), upload_to="proposals/", max_length=300, blank=True
    )
    # {"slides": url, "video": url, "demo": url}
    links = models.JSONField(_("links"), default=dict, blank=True)
    formal_check = models.CharField(
        max_length=10, choices=FormalCheck.choices, default=FormalCheck.PENDING
    )
    formal_check_note = models.TextField(blank=True)
    withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name_plural = "judged entries"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "team"],
                condition=models.Q(team__isnull=False),
                name="one_judged_entry_per_team_per_round",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ConflictReason(models.TextChoices):
    DECLARED = "declared", _("Declared by the judge")
    SAME_ORGANISATION = "same_organisation", _("Same organisation")
    COLLABORATOR = "collaborator", _("Listed collaborator")
    ADVISOR = "advisor", _("Advisor or member of the team")
    AVOID_LIST = "avoid_list", _("On the team's avoid list")
    ORGANISER = "organiser", _("Set by the organiser")


class Conflict(models.Model):
    """A judge who must never see an entry, its scores or an aggregate that includes it."""

    entry = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_conflicts"
    )
    reason = models.CharField(max_length=20, choices=ConflictReason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "user", "reason"], name="unique_conflict_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ✗ {self.entry} ({self.reason})"


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("Always assign")
    FORBID = "forbid", _("Never assign")


class PairRule(models.Model):
    """An organiser's pin or ban of one judge–entry pair, honoured by every re-run."""

    entry = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="pair_rules")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=PairRuleKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="unique_pair_rule")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user} / {self.entry}"


class AssignmentOrigin(models.TextChoices):
    SOLVER = "solver", _("Assigned by the solver")
    PINNED = "pinned", _("Pinned by the organiser")
    EXTRA = "extra", _("Extra review after disagreement")
    PANEL = "panel", _("Pitch panel")


class Assignment(models.Model):
    """A judge is to review an entry. Finished reviews keep their assignment through re-runs."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_assignments"
    )
    origin = models.CharField(
        max_length=8, choices=AssignmentOrigin.choices, default=AssignmentOrigin.SOLVER
    )
    affinity = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "entry_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="unique_assignment")
        ]
        indexes = [models.Index(fields=["round", "user"], name="assignment_by_judge")]

    def __str__(self) -> str:
        return f"{self.user} → {self.entry}"


class Recommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strongly recommend")
    YES = "yes", _("Recommend")
    UNSURE = "unsure", _("Undecided")
    NO = "no", _("Do not recommend")


class Review(models.Model):
    """A judge's score sheet for one entry: a draft until submitted."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict)  # {criterion key: number}
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        max_length=10, choices=Recommendation.choices, blank=True
    )
    # Weighted mean of the criteria mapped to 0–10, so rounds with different scales compare.
    total = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"review of {self.assignment}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class EntryResult(models.Model):
    """An entry's aggregate in its round: raw and calibrated side by side, with uncertainty."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="results")
    entry = models.OneToOneField(JudgedEntry, on_delete=models.CASCADE, related_name="result")
    method = models.CharField(max_length=14, choices=Aggregation.choices)
    n_reviews = models.PositiveIntegerField(default=0)
    raw_mean = models.FloatField(null=True)
    score = models.FloatField(null=True)
    stderr = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    flagged = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "rank"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.score}"


class Comparison(models.Model):
    """One pairwise judgement in an expo round: the judge preferred ``winner`` to ``loser``."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="comparisons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="+")
    loser = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # An undone misclick stays on record but no longer counts.
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(winner=models.F("loser")), name="comparison_of_two_entries"
            )
        ]

    def __str__(self) -> str:
        return f"{self.winner} > {self.loser}"


class PairwiseVisit(models.Model):
    """The entry a judge is standing at in an expo round (what the next comparison is against)."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    current = models.ForeignKey(JudgedEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    next = models.ForeignKey(JudgedEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_visit_per_judge")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.current}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("All slots closed")
    RATIFIED = "ratified", _("Ratified by the presidium")


class PitchSession(models.Model):
    """"8+7" pitches of one track before a panel, in a drawn order, ratified by the presidium."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="sessions")
    track = models.ForeignKey(
        "competitions.Track", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.JSONField(_("name"), default=dict)
    starts_at = models.DateTimeField(_("starts at"))
    pitch_minutes = models.PositiveSmallIntegerField(default=8)
    qa_minutes = models.PositiveSmallIntegerField(default=7)
    room = models.CharField(_("room"), max_length=120, blank=True)
    draw_seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    ratified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ratified_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the signed score-sheet PDF, so a printed copy can be checked against it.
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return pick(self.name) or f"session {self.pk}"


class SlotStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    LIVE = "live", _("On stage")
    CLOSED = "closed", _("Closed")


class PitchSlot(models.Model):
    session = models.ForeignKey(PitchSession, on_delete=models.CASCADE, related_name="slots")
    entry = models.ForeignKey(JudgedEntry, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=SlotStatus.choices, default=SlotStatus.WAITING)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="unique_slot_position"),
            models.UniqueConstraint(fields=["session", "entry"], name="unique_slot_entry"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.entry}"
