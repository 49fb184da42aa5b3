from django.urls import path

from aileague.results import views

app_name = "results"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("certificates/<str:serial>/", views.verify, name="verify"),
    path("certificates/<str:serial>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("objections/<int:objection_id>/investigate/", views.investigate, name="investigate"),
    path("objections/<int:objection_id>/decide/", views.decide, name="decide"),
    path("objections/<int:objection_id>/evidence/", views.evidence, name="evidence"),
    path("<slug:slug>/<slug:stage_slug>/", views.stage_results, name="stage"),
    path("<slug:slug>/<slug:stage_slug>/compute/", views.compute, name="compute"),
    path("<slug:slug>/<slug:stage_slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/<slug:stage_slug>/republish/", views.republish, name="republish"),
    path("<slug:slug>/<slug:stage_slug>/finalise/", views.finalise, name="finalise"),
    path("<slug:slug>/<slug:stage_slug>/certificates/", views.issue, name="issue_certificates"),
    path("<slug:slug>/<slug:stage_slug>/objections/", views.file_objection, name="file_objection"),
]
