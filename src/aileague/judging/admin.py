"""The jury in the organisers' back office. Changes that have a service go through it (same
rules, same audit entries as the web pages and the CLI); the rest is read-only or audited here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aileague.common.admin_site import OrganiserModelAdmin, ServiceAdmin
from aileague.common.audit import record_audit
from aileague.common.errors import AileagueError
from aileague.judging import services
from aileague.judging.models import (
    Assignment,
    Comparison,
    Conflict,
    Criterion,
    EntryResult,
    JudgedEntry,
    JudgeProfile,
    JudgingRound,
    Juror,
    PairRule,
    PairwiseVisit,
    PitchSession,
    PitchSlot,
    Review,
    RoundStatus,
)

#: Round fields ``create_round`` takes; the others are set right after, in the same audit.
_CREATE_FIELDS = (
    "stage",
    "slug",
    "name",
    "kind",
    "reviews_per_entry",
    "min_load",
    "max_load",
    "blind",
    "aggregation",
)


class ReadOnlyAdmin(OrganiserModelAdmin):
    """Written only by the services (assignment, reviews, calibration, pitch sessions)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganiserInline(admin.TabularInline):
    """Inlines answer to the organiser role too (Django's model permissions still apply to other
    staff), like ``OrganiserModelAdmin``."""

    extra = 0

    def _organiser(self, request) -> bool:
        from aileague.accounts.queries import is_organiser

        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return self._organiser(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._organiser(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._organiser(request) or super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._organiser(request) or super().has_delete_permission(request, obj)


def _changed(form) -> dict:
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data}


# --- Judges ------------------------------------------------------------------------------------


@admin.register(JudgeProfile)
class JudgeProfileAdmin(ServiceAdmin):
    list_display = ["user", "expertise", "languages"]
    search_fields = ["user__email", "user__display_name", "user__real_name"]
    autocomplete_fields = ["user", "collaborators"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        profile = services.set_judge_profile(
            user=data["user"],
            actor=request.user,
            expertise=data["expertise"] or (),
            languages=data["languages"] or (),
            declared_organisations=data["declared_organisations"] or (),
            collaborators=data["collaborators"],
        )
        if profile.bio != data["bio"]:
            profile.bio = data["bio"]
            profile.save(update_fields=["bio"])
        obj.pk = profile.pk

    def save_related(self, request, form, formsets, change):
        pass  # collaborators are set by the service


# --- Rounds ------------------------------------------------------------------------------------


class CriterionInline(OrganiserInline):
    model = Criterion
    fields = ["position", "key", "name", "weight", "scale_min", "scale_max", "anchors"]


class JurorInline(OrganiserInline):
    model = Juror
    fields = ["user", "role", "min_load", "max_load"]
    autocomplete_fields = ["user"]


def _inline_rows(request, prefix: str) -> int:
    """How many rows an inline formset posts that are filled in and not deleted."""
    try:
        total = int(request.POST.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return 0
    return sum(
        1
        for i in range(total)
        if request.POST.get(f"{prefix}-{i}-key") and not request.POST.get(f"{prefix}-{i}-DELETE")
    )


@admin.register(JudgingRound)
class JudgingRoundAdmin(ServiceAdmin):
    list_display = ["__str__", "stage", "kind", "status", "reviews_per_entry", "blind"]
    list_filter = ["kind", "status", "stage__scenario__track__league"]
    search_fields = ["slug", "stage__slug", "stage__scenario__slug"]
    readonly_fields = ["status", "results_computed_at", "created_at"]
    inlines = [CriterionInline, JurorInline]
    actions = ["open_rounds", "close_rounds"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            # The default rubric unless the organiser typed their own criteria in.
            rubric = () if _inline_rows(request, "criteria") else services.DEFAULT_RUBRIC
            created = services.create_round(
                actor=request.user, rubric=rubric, **{f: data[f] for f in _CREATE_FIELDS}
            )
            obj.pk = created.pk
            obj.status = created.status
            obj.created_at = created.created_at
        before = (
            {} if not change else {name: str(form.initial.get(name)) for name in form.changed_data}
        )
        obj.save()
        if change and form.changed_data:
            record_audit(
                actor=request.user,
                action="jury.round.update",
                target=obj,
                before=before,
                after=_changed(form),
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is Juror:
            self._save_jurors(request, form.instance, formset)
            return
        instances = formset.save(commit=False)
        for criterion in formset.deleted_objects:
            record_audit(
                actor=request.user,
                action="jury.criterion.delete",
                target=criterion,
                before={"key": criterion.key, "weight": criterion.weight},
            )
            criterion.delete()
        for criterion in instances:
            criterion.save()
            record_audit(
                actor=request.user,
                action="jury.criterion.save",
                target=criterion,
                after={"key": criterion.key, "weight": criterion.weight},
            )

    def _save_jurors(self, request, round_, formset):
        formset.save(commit=False)
        for juror in formset.deleted_objects:
            record_audit(
                actor=request.user,
                action="jury.juror.remove",
                target=juror,
                before={"user": juror.user_id, "role": juror.role},
            )
            juror.delete()
        for juror_form in formset.forms:
            data = getattr(juror_form, "cleaned_data", None)
            if not data or data.get("DELETE") or not juror_form.has_changed():
                continue
            services.add_juror(
                round_=round_,
                user=data["user"],
                actor=request.user,
                role=data["role"],
                min_load=data["min_load"],
                max_load=data["max_load"],
            )

    def _set_status(self, request, queryset, status):
        for round_ in queryset:
            try:
                services.set_round_status(round_=round_, status=status, actor=request.user)
            except AileagueError as exc:
                self.message_user(request, f"{round_}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{round_}: {round_.get_status_display()}")

    @admin.action(description=_("Open the selected rounds for reviews"))
    def open_rounds(self, request, queryset):
        self._set_status(request, queryset, RoundStatus.OPEN)

    @admin.action(description=_("Close the selected rounds"))
    def close_rounds(self, request, queryset):
        self._set_status(request, queryset, RoundStatus.CLOSED)


# --- Entries, conflicts, pair rules --------------------------------------------------------------


class ConflictInline(OrganiserInline):
    model = Conflict
    fields = ["user", "reason", "note", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JudgedEntry)
class JudgedEntryAdmin(OrganiserModelAdmin):
    """Teams write their proposals; organisers decide the formal check (actions) and withdraw."""

    list_display = ["title", "round", "team", "country", "formal_check", "withdrawn"]
    list_filter = ["formal_check", "withdrawn", "round"]
    search_fields = ["title", "team__name"]
    inlines = [ConflictInline]
    actions = ["pass_formal_check"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in JudgedEntry._meta.fields if f.name != "withdrawn"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.save(update_fields=["withdrawn", "updated_at"])
            record_audit(
                actor=request.user,
                action="jury.entry.withdraw" if obj.withdrawn else "jury.entry.reinstate",
                target=obj,
                after={"withdrawn": obj.withdrawn},
            )

    @admin.action(description=_("Pass the formal check of the selected entries"))
    def pass_formal_check(self, request, queryset):
        for entry in queryset.select_related("round"):
            try:
                services.check_entry_formally(entry=entry, actor=request.user, passed=True)
            except AileagueError as exc:
                self.message_user(request, f"{entry}: {exc.message}", messages.ERROR)


@admin.register(Conflict)
class ConflictAdmin(ServiceAdmin):
    """Detected conflicts are recomputed by the services; organisers add one for a judge here."""

    list_display = ["user", "entry", "reason", "note", "created_at"]
    list_filter = ["reason", "entry__round"]
    search_fields = ["user__email", "entry__title"]
    autocomplete_fields = ["user", "entry"]
    fields = ["entry", "user", "note"]

    def get_readonly_fields(self, request, obj=None):
        return ["entry", "user", "note", "reason"] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        conflict = services.declare_conflict(
            entry=data["entry"], judge=data["user"], actor=request.user, note=data["note"]
        )
        obj.pk = conflict.pk


@admin.register(PairRule)
class PairRuleAdmin(ServiceAdmin):
    """Pins and bans go through ``set_pair_rule`` (which refuses to pin a conflicted judge)."""

    list_display = ["kind", "user", "entry", "created_by", "created_at"]
    list_filter = ["kind", "entry__round"]
    search_fields = ["user__email", "entry__title"]
    autocomplete_fields = ["user", "entry"]
    fields = ["entry", "user", "kind"]

    def get_readonly_fields(self, request, obj=None):
        return ["entry", "user"] if obj else []

    def save_model(self, request, obj, form, change):
        rule = services.set_pair_rule(
            entry=obj.entry, judge=obj.user, kind=form.cleaned_data["kind"], actor=request.user
        )
        obj.pk = rule.pk

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_audit(
                actor=request.user,
                action="jury.pair.remove",
                target=obj,
                before={"kind": obj.kind, "entry": obj.entry_id, "judge": obj.user_id},
            )
            obj.delete()

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            self.delete_model(request, rule)


# --- Written by the services only --------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "entry", "round", "origin", "affinity", "created_at"]
    list_filter = ["origin", "round"]
    search_fields = ["user__email", "entry__title"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "total", "recommendation", "submitted_at", "updated_at"]
    list_filter = ["recommendation", "assignment__round"]
    search_fields = ["assignment__user__email", "assignment__entry__title"]


@admin.register(EntryResult)
class EntryResultAdmin(ReadOnlyAdmin):
    list_display = [
        "rank",
        "entry",
        "round",
        "method",
        "n_reviews",
        "raw_mean",
        "score",
        "stderr",
        "flagged",
    ]
    list_filter = ["round", "flagged"]


@admin.register(Comparison)
class ComparisonAdmin(ReadOnlyAdmin):
    list_display = ["winner", "loser", "user", "round", "created_at", "undone_at"]
    list_filter = ["round"]


@admin.register(PairwiseVisit)
class PairwiseVisitAdmin(ReadOnlyAdmin):
    list_display = ["user", "round", "current", "next", "updated_at"]


class PitchSlotInline(OrganiserInline):
    model = PitchSlot
    can_delete = False
    fields = ["position", "entry", "starts_at", "status", "opened_at", "closed_at", "closed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PitchSession)
class PitchSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "round", "track", "starts_at", "room", "status"]
    list_filter = ["status", "round"]
    inlines = [PitchSlotInline]
