"""The reminders' schedule, the patient's preferences about them, and the patient's private calendar feeds.

A `Reminder` row is one e-mail planned for one booking: planned when the session is booked, cancelled when it moves
or is cancelled, sent once. "Once" is the database's promise, not the dispatcher's: the unique constraint on
(booking, step) refuses a second plan of the same e-mail, and sending locks the row and marks it sent in the
transaction that sent it (sending.py).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    AFTERCARE = "aftercare", _("Aftercare check-in")
    APPOINTMENT = "appointment", _("Appointment")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Planned"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Not sent"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One e-mail for one booking. `step_key` names what it is about ("preparation 2026-12-03", "aftercare day 7",
    "appointment"); its words are made when it is sent, from the plan and the booking, so the row holds no clinical
    text. `note` says why it was cancelled or not sent, `last_error` why the last attempt failed: neither holds
    patient data (the error's kind, never the server's message, which can quote the address)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="reminders")
    booking = models.ForeignKey("scheduling.Booking", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    step_key = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    # When the dispatcher next picks it up: the due time, then later after each failed attempt.
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The SHA-256 of the unsubscribe link's secret in the e-mail sent; the secret itself is never stored.
    unsubscribe_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "step_key"], name="reminder_once_per_booking_step"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="reminder_due"),
            models.Index(fields=["patient", "due_at"], name="reminder_patient_day"),
        ]


class ReminderPreference(models.Model):
    """What the patient wants to receive. No row: everything, as a patient who gave an e-mail address expects from a
    clinic that books them in; opting out stops every reminder and is kept with its time."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE, related_name="reminder_preference")
    preparation = models.BooleanField(default=True)
    aftercare = models.BooleanField(default=True)
    appointments = models.BooleanField(default=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def wants(self, kind: str) -> bool:
        if self.opted_out_at is not None:
            return False
        return {
            ReminderKind.PREPARATION: self.preparation,
            ReminderKind.AFTERCARE: self.aftercare,
            ReminderKind.APPOINTMENT: self.appointments,
        }.get(ReminderKind(kind), False)


class PatientCalendarFeed(models.Model):
    """A patient's private iCalendar address. Only the SHA-256 of its secret is stored; a revoked feed stays, with
    its time, and answers nothing."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="calendar_feeds")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
