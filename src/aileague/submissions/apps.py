from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "aileague.submissions"
    label = "submissions"
