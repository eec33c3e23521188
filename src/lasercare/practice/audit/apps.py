from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lasercare.practice.audit"
    label = "audit"
    verbose_name = "Audit log"
