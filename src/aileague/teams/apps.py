from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "aileague.teams"
    label = "teams"
