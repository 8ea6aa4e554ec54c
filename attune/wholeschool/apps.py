from django.apps import AppConfig


class WholeschoolConfig(AppConfig):
    name = "attune.wholeschool"
    verbose_name = "Whole school"
