from django.urls import path

from aileague.judging import pitch_views as views

app_name = "pitch"
urlpatterns = [
    path("<int:pk>/", views.session_page, name="session"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("<int:pk>/slots/<int:slot_pk>/open/", views.open_slot, name="open_slot"),
    path("<int:pk>/slots/<int:slot_pk>/close/", views.close_slot, name="close_slot"),
    path("<int:pk>/ratify/", views.ratify, name="ratify"),
    path("<int:pk>/score-sheets.pdf", views.score_sheets_pdf, name="pdf"),
    path("<int:pk>/live/", views.live, name="live"),
    path("<int:pk>/live/state/", views.live_state, name="live_state"),
    path("<int:pk>/public/", views.public, name="public"),
    path("pairwise/<int:round_pk>/", views.pairwise_page, name="pairwise"),
]
