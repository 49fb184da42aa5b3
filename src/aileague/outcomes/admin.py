"""Back office for the after-league records. Exchange rates, partner profiles and cooperation
agreements are reference data the organisers keep by hand; awards, projects, relations and
center sign-ins change through the services (which audit every step), so they are shown here
read-only."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aileague.common.admin_site import OrganiserModelAdmin, ServiceAdmin
from aileague.common.errors import AileagueError
from aileague.outcomes import services
from aileague.outcomes.models import (
    Award,
    CenterSignIn,
    CooperationAgreement,
    ExchangeRate,
    Milestone,
    PartnerProfile,
    Project,
    Relation,
    RelationEvent,
)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(OrganiserModelAdmin):
    """Editable: rates are recorded by people, never fetched. A conversion uses the rate of its
    day or the latest before it, so a new rate does not change amounts already converted."""

    list_display = ["currency", "on", "cny_per_unit", "source"]
    list_filter = ["currency"]
    date_hierarchy = "on"


@admin.register(PartnerProfile)
class PartnerProfileAdmin(OrganiserModelAdmin):
    """Editable: organisers make an organisation an investor, a pilot site or the center."""

    list_display = ["organisation", "kind", "readiness_min", "readiness_max", "ticket_max_cny"]
    list_filter = ["kind"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["tracks"]


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(OrganiserModelAdmin):
    list_display = ["partner", "country", "signed_on", "league", "project"]
    list_filter = ["country", "league"]
    search_fields = ["partner"]
    raw_id_fields = ["project"]


class ReadOnlyAdmin(OrganiserModelAdmin):
    """Shown, not changed: the services are the one way to change these (and the audit log
    records each change)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(ServiceAdmin):
    """Organisers record awards here (through ``record_award``: checks, one per team and
    scenario, audit entry); a recorded award is shown, not changed."""

    list_display = ["team", "scenario", "level", "amount", "currency", "awarded_at"]
    list_filter = ["level", "league"]
    search_fields = ["team__name", "scenario__slug"]
    fields = ["team", "scenario", "level", "amount", "currency", "awarded_at"]
    raw_id_fields = ["team", "scenario"]
    actions = ["make_projects"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        award = services.record_award(
            team=obj.team,
            scenario=obj.scenario,
            level=obj.level,
            amount=obj.amount,
            currency=obj.currency,
            awarded_at=obj.awarded_at,
            actor=request.user,
        )
        obj.pk, obj.league_id = award.pk, award.league_id

    @admin.action(description=_("Make a project of each selected award"))
    def make_projects(self, request, queryset):
        made = 0
        for award in queryset.select_related("team", "scenario__track"):
            try:
                services.project_from_award(award=award, actor=request.user)
            except AileagueError as exc:
                self.message_user(request, f"{award}: {exc.message}", messages.WARNING)
            else:
                made += 1
        self.message_user(request, _("Projects made: %(n)d.") % {"n": made}, messages.SUCCESS)


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = [
        "slug",
        "team",
        "track",
        "country",
        "readiness",
        "is_public",
        "product_launched_at",
    ]
    list_filter = ["league", "track", "country", "readiness", "is_public"]
    search_fields = ["slug", "team__name"]


class RelationEventInline(admin.TabularInline):
    model = RelationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["stage", "at", "by", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Relation)
class RelationAdmin(ReadOnlyAdmin):
    list_display = ["project", "partner", "kind", "stage", "amount", "currency", "amount_cny"]
    list_filter = ["stage", "kind"]
    search_fields = ["project__slug", "partner__name"]
    inlines = [RelationEventInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    readonly_fields = ["title", "due_on", "done_on", "position"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CenterSignIn)
class CenterSignInAdmin(ReadOnlyAdmin):
    list_display = ["project", "signed_on", "country", "field", "agreed_investment_cny"]
    list_filter = ["country"]
    date_hierarchy = "signed_on"
    inlines = [MilestoneInline]
