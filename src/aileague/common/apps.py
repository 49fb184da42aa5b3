from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "aileague.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        # Load the Celery app so that @shared_task binds to it in web processes too.
        import aileague.celery  # noqa: F401

