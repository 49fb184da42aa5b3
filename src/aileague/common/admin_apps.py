from django.contrib.admin.apps import AdminConfig


class AileagueAdminConfig(AdminConfig):
    """Django admin with our site class, which lets organisers in."""

    default_site = "aileague.common.admin_site.AileagueAdminSite"
