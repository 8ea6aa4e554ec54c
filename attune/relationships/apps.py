from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "attune.relationships"
    verbose_name = "Key adult relationships"

    def ready(self) -> None:
        from attune.relationships.ties import register

        register()
