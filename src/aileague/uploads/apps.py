from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "aileague.uploads"
    label = "uploads"
