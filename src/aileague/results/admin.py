from django.contrib import admin

from aileague.common.admin_site import OrganiserModelAdmin, ServiceAdmin
from aileague.results.models import (
    AdvancementPolicy,
    Certificate,
    Objection,
    ResultNotice,
    StageResult,
)
from aileague.results.services import POLICY_FIELDS, set_advancement_policy


@admin.register(AdvancementPolicy)
class AdvancementPolicyAdmin(ServiceAdmin):
    """Editable until the results are final; saved through ``set_advancement_policy`` (checks,
    refusal once final, audit entry)."""

    list_display = [
        "stage",
        "benchmark_weight",
        "jury_weight",
        "scale",
        "top_k_per_track",
        "min_asean",
        "tie_break",
    ]
    list_filter = ["scale", "tie_break"]
    raw_id_fields = ["stage", "jury_round"]

    def save_model(self, request, obj, form, change):
        saved = set_advancement_policy(
            stage=obj.stage,
            actor=request.user,
            **{name: getattr(obj, name) for name in POLICY_FIELDS},
        )
        obj.pk = saved.pk


class ReadOnlyAdmin(OrganiserModelAdmin):
    """Results, notices, objections and certificates change only through the services (and
    the audit log): the back office shows them."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = ["stage", "track", "rank", "team", "final_score", "advanced", "reason"]
    list_filter = ["advanced", "reason"]
    search_fields = ["team__name"]


@admin.register(ResultNotice)
class ResultNoticeAdmin(ReadOnlyAdmin):
    list_display = ["stage", "status", "published_at", "ends_at", "finalised_at"]
    list_filter = ["status"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "filer_real_name", "team", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["filer_real_name", "text"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["serial", "stage", "team", "rank", "advanced", "issued_at"]
    search_fields = ["serial", "team__name"]
