from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "attune.checkins"
    verbose_name = "Check-ins and the key adult's day"

    def ready(self) -> None:
        from attune.checkins.ties import register

        register()
