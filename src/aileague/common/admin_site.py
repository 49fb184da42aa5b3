"""The organisers' back office: Django admin, opened to holders of the organiser role."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from aileague.common.errors import AileagueError


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


class ServiceAdmin(OrganiserModelAdmin):
    """A service's refusal (AileagueError) becomes an error message on the form, and the
    admin's transaction is rolled back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AileagueError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
