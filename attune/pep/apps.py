from django.apps import AppConfig


class PepConfig(AppConfig):
    name = "attune.pep"
    verbose_name = "Personal Education Plans"

    def ready(self) -> None:
        from attune.pep.ties import register

        register()
