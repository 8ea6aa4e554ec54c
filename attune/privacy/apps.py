from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "attune.privacy"
    verbose_name = "Retention and rights"

    def ready(self) -> None:
        from django.core.signals import request_started

        from attune.privacy.break_glass import note_request_path

        # Only remembers the page being served, so a read under break glass can name it.
        request_started.connect(note_request_path, dispatch_uid="attune.privacy.request_path")
