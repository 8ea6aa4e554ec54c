from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "attune.auditlog"
    verbose_name = "Audit log (who read or changed what)"
