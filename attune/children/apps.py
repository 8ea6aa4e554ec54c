from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "attune.children"
    verbose_name = "The school's home, its children and each child's page"
