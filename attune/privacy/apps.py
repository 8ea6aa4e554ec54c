from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "attune.privacy"
    verbose_name = "Retention and rights"

    def ready(self) -> None:
        from attune.privacy.ties import register

        register()
