from django.apps import AppConfig


class VirtualSchoolConfig(AppConfig):
    name = "attune.virtualschool"
    verbose_name = "Virtual School"

    def ready(self) -> None:
        from attune.accounts.links import register as register_link_purpose
        from attune.virtualschool.partners import PARTNER_LINKS
        from attune.virtualschool.ties import register

        register()
        register_link_purpose(PARTNER_LINKS)
