"""The organisers' back office: Django admin, opened to holders of the organiser role."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class AileagueAdminSite(admin.AdminSite):
    site_header = _("aileague back office")
    site_title = _("aileague")
    index_title = _("Organising committee")

    def has_permission(self, request) -> bool:
        from aileague.accounts.queries import is_organiser

        user = request.user
        return user.is_active and (user.is_staff or is_organiser(user))


class OrganiserModelAdmin(admin.ModelAdmin):
    """Organisers may view and change everything; Django's model permissions still apply to
    other staff."""

    def _organiser(self, request) -> bool:
        from aileague.accounts.queries import is_organiser

        return is_organiser(request.user)

    def has_module_permission(self, request):
        return self._organiser(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._organiser(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._organiser(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return self._organiser(request) or super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self._organiser(request) or super().has_delete_permission(request, obj)
