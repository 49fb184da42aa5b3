from django.urls import path

from aileague.outcomes import center_views, introduction_views, views

app_name = "outcomes"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("new/", views.create_project, name="create_project"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/overview/", views.overview, name="overview"),
    path("pipeline/introductions/", introduction_views.introductions, name="introductions"),
    path("partner/", views.partner_profile, name="partner_profile"),
    path("center/", center_views.center, name="center"),
    path("center/registry.csv", center_views.center_export, name="center_export"),
    path("relations/<int:relation_id>/meeting/", views.request_meeting, name="request_meeting"),
    path("relations/<int:relation_id>/accept/", views.accept_meeting, name="accept_meeting"),
    path("relations/<int:relation_id>/decline/", views.decline, name="decline"),
    path("relations/<int:relation_id>/withdraw/", views.withdraw, name="withdraw"),
    path("relations/<int:relation_id>/advance/", views.advance, name="advance"),
    path(
        "milestones/<int:milestone_id>/done/",
        center_views.complete_milestone,
        name="complete_milestone",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit_project, name="edit_project"),
    path("<slug:slug>/interest/", views.express_interest, name="express_interest"),
    path("<slug:slug>/launched/", views.launch_product, name="launch_product"),
    path("<slug:slug>/center/", center_views.sign_in, name="sign_in"),
    path("<slug:slug>/milestones/", center_views.add_milestone, name="add_milestone"),
]
