from django.apps import AppConfig


class VirtualSchoolConfig(AppConfig):
    name = "attune.virtualschool"
    verbose_name = "Virtual School"

    def ready(self) -> None:
        from attune.virtualschool.ties import register

        register()
