from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class AuditConfig(AppConfig):
    name = "lasercare.practice.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # On SQLite the log lives in a file of its own, and moves into the main file while Django migrates it.
        from lasercare.site.sqlite import audit_file

        pre_migrate.connect(audit_file.before_migrate, sender=self, dispatch_uid="audit-file-before-migrate")
        post_migrate.connect(audit_file.after_migrate, sender=self, dispatch_uid="audit-file-after-migrate")
