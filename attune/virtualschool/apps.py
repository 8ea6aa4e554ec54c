from django.apps import AppConfig


class VirtualSchoolConfig(AppConfig):
    name = "attune.virtualschool"
    verbose_name = "Virtual School"
