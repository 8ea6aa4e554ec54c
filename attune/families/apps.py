from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "attune.families"
    verbose_name = "Families"

    def ready(self) -> None:
        from attune.accounts.links import register as register_link_purpose
        from attune.families.invitations import FAMILY_LINKS
        from attune.families.ties import register

        register()
        register_link_purpose(FAMILY_LINKS)
