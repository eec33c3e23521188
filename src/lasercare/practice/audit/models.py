"""The append-only audit log: every read and write of patient data, by whom, from where, when."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    PRINT = "print", "Printed"
    OVERRIDE = "override", "Overrode"
    ACCEPT = "accept", "Accepted"
    DECLINE = "decline", "Declined"
    SUPERSEDE = "supersede", "Superseded"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed log-in"
    LOGOUT = "logout", "Logged out"
    DENIED = "denied", "Denied"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One event. Holds references (opaque ids, record kinds), never the patient data itself.

    Append-only twice over: the model refuses to change or delete an entry, and database triggers (migration
    0002) refuse UPDATE and DELETE from any client.
    """

    # Every request writes an entry, so the table keeps only the indexes its readers use (Meta.indexes) and no
    # foreign-key constraints: with them, each insert locked the practice's row and the staff member's row until it
    # committed, and every request of a practice queued its lock on that one practice row (docs/performance.md).
    # Entries outlive nothing they refer to: practices and staff accounts are never deleted (PROTECT), and an
    # entry keeps the actor's name as it was (actor_label). On SQLite the table lives in a file of its own
    # (lasercare/site/sqlite/audit_file.py), from where a foreign-key constraint could not reach the tables it names.
    at = models.DateTimeField()
    practice = models.ForeignKey(
        "clinic.Practice", on_delete=models.PROTECT, null=True, related_name="+", db_index=False, db_constraint=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )
    actor_label = models.CharField(max_length=200)  # kept as it was, should the account be renamed
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64, blank=True)
    patient_ref = models.CharField(max_length=64, blank=True)  # the patient's public id
    address = models.GenericIPAddressField(null=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "-at"], name="audit_practice_at"),
            models.Index(fields=["practice", "patient_ref", "-at"], name="audit_practice_patient"),
        ]
        verbose_name_plural = "audit entries"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")
