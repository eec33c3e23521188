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
    EXPORT = "export", "Exported"
    OVERRIDE = "override", "Overrode"
    ACCEPT = "accept", "Accepted"
    DECLINE = "decline", "Declined"
    SUPERSEDE = "supersede", "Superseded"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed log-in"
    LOGOUT = "logout", "Logged out"
    DENIED = "denied", "Denied"


class RecordKind(models.TextChoices):
    """Every kind of record an entry names (AuditEntry.record_type), in the words of the people who read the log.

    The audit log's filter offers exactly these. A test (tests/web/test_audit_log_page.py) reads every call that
    writes an entry and fails for a kind missing here: a new kind of record is added to this list, with its label,
    in the same change.
    """

    # The clinic's records
    PATIENT = "patient", "Patients"
    CONSULTATION = "consultation", "Consultations"
    PLAN = "plan", "Treatment plans"
    CONSENT = "consent", "Consents"
    CONSENT_TEMPLATE = "consent_template", "Consent templates"
    BOOKING = "booking", "Bookings"
    CHART = "chart", "Session charts"
    SKIN_PHOTO = "skin_photo", "Photos"
    PHOTO_CONSENT = "photo_consent", "Photo consents"
    ADVERSE_EVENT = "adverse_event", "Adverse events"
    OUTCOME = "outcome", "Outcomes"
    SIDE_EFFECT_REPORT = "side_effect_report", "Side-effect reports"
    URGENT_REPORT_ALERT = "urgent_report_alert", "Urgent side-effect report alerts"
    CHANGE_REQUEST = "change_request", "Patients' requests to change a booking"
    CONSULTATION_REQUEST = "consultation_request", "Consultation requests (self-assessment)"
    REMINDER = "reminder", "Reminders"
    REMINDER_PREFERENCE = "reminder_preference", "Reminder preferences"
    PATIENT_CALENDAR_FEED = "patient_calendar_feed", "Patients' calendar feeds"
    CALENDAR_FEED = "calendar_feed", "Practitioners' calendar feeds"
    DEVICE = "device", "Devices"
    TRANSLATION_REVIEW = "translation_review", "Translation reviews"
    # Staff and their pages
    ACCOUNT = "account", "Staff accounts and log-ins"
    PAGE = "page", "Pages refused to staff"
    DASHBOARD = "dashboard", "Dashboard"
    TODAYS_PATIENTS = "todays_patients", "Worklist: today's patients"
    TODAYS_SESSIONS = "todays_sessions", "Worklist: today's sessions"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Worklist: awaiting sign-off"
    READY_TO_BOOK = "ready_to_book", "Worklist: ready to book"
    ADVERSE_EVENTS_TO_REVIEW = "adverse_events_to_review", "Worklist: adverse events to review"
    CHANGE_REQUESTS = "change_requests", "Worklist: patients' requests"
    SIDE_EFFECT_REPORTS = "side_effect_reports", "Worklist: side-effect reports"
    FOLLOW_UPS_DUE = "follow_ups_due", "Worklist: follow-ups due"
    AUDIT_LOG = "audit_log", "The audit log (read and exported)"
    # The patient portal
    PORTAL_ACCOUNT = "portal_account", "Portal accounts"
    PORTAL_INVITATION = "portal_invitation", "Portal invitations"
    PORTAL_SIGN_IN_LINK = "portal_sign_in_link", "Portal sign-in links"
    PORTAL_HOME = "portal_home", "Portal: home page"
    PORTAL_APPOINTMENTS = "portal_appointments", "Portal: appointments"
    PORTAL_CHECKLIST = "portal_checklist", "Portal: preparation checklist"
    PORTAL_AFTERCARE = "portal_aftercare", "Portal: aftercare"
    PORTAL_PHOTOS = "portal_photos", "Portal: photos"
    PORTAL_ONLINE_BOOKING = "portal_online_booking", "Portal: online booking"
    PORTAL_CALENDAR = "portal_calendar", "Portal: calendar"
    PORTAL_SIDE_EFFECT_FORM = "portal_side_effect_form", "Portal: side-effect report form"


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
