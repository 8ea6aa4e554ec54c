from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attune.attendance"
    verbose_name = "Attendance"
