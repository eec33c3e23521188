"""Bookings of a plan's course, the slots that make double booking impossible, and calendar feeds.

No practitioner, room, device or patient is ever booked twice at once, and the database guarantees it,
whichever database: every active booking holds one `BookingSlot` row per resource per quarter hour it covers, and the
unique constraint on (resource, start) refuses a second holder. Two bookings submitted at the same instant
cannot both commit; the loser's transaction fails on the constraint and nothing of it is kept. (An exclusion
constraint on time ranges would do it on PostgreSQL only; SQLite has none.)
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

SLOT_MINUTES = 15  # bookings start and end on a quarter hour


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.COMPLETED)


class Booking(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="bookings")
    plan = models.ForeignKey(
        "consultations.TreatmentPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # The course's length when booked ("session 2 of 4"): the calendar shows it without reading plan documents.
    course_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    room = models.ForeignKey("clinic.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    device = models.ForeignKey(
        "clinic.Device", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    # Booked before the plan's minimum interval or a waiting period allowed: a clinician's reason, shown.
    early_reason = models.TextField(blank=True)
    # Booked outside the opening hours or the practitioner's working hours: a clinician's note, shown and audited.
    outside_hours_note = models.TextField(blank=True)
    # Empty when the patient booked online in the portal (booked_online): no member of staff booked it.
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_online = models.BooleanField(default=False)
    booked_at = models.DateTimeField(auto_now_add=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rescheduled_to"
    )
    ended_reason = models.TextField(blank=True)  # why it was cancelled or rescheduled
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["practitioner", "starts_at"], name="booking_practitioner_day"),
            models.Index(fields=["room", "starts_at"], name="booking_room_day"),
            models.Index(fields=["plan", "session_number"], name="booking_plan_session"),
            models.Index(fields=["patient", "starts_at"], name="booking_patient_day"),
            models.Index(fields=["practice", "starts_at"], name="booking_practice_day"),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Resource(models.IntegerChoices):
    PRACTITIONER = 1, "Practitioner"
    ROOM = 2, "Room"
    DEVICE = 3, "Device"
    PATIENT = 4, "Patient"


class BookingSlot(models.Model):
    """One quarter hour of one resource, held by an active booking. Cancelling a booking frees its slots."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    resource = models.PositiveSmallIntegerField(choices=Resource.choices)
    resource_id = models.BigIntegerField()
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "resource_id", "starts_at"], name="slot_held_once"),
        ]


class CalendarFeed(models.Model):
    """A practitioner's iCalendar feed. The URL carries a secret; only its SHA-256 is stored, and a new one
    replaces (revokes) the old."""

    practitioner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)


class ReadyToBook(models.Model):
    """An accepted plan with sessions still to book: its next session and the earliest day the course allows it.

    Kept by ready.py whenever the plan or one of its bookings is saved, so that the front desk's "Ready to book" list
    is one indexed read in that order. The day comes from the plan's 30 KB document; computing it for every accepted
    plan of a practice on each dashboard (some 55,000 in the 100,000-patient benchmark) is what this row avoids.
    """

    plan = models.OneToOneField(
        "consultations.TreatmentPlan", on_delete=models.CASCADE, primary_key=True, related_name="ready_to_book"
    )
    practice = models.ForeignKey("clinic.Practice", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="ready_to_book")
    session = models.PositiveSmallIntegerField()  # the first session of the course not booked
    sessions = models.PositiveSmallIntegerField()  # the course's length
    earliest_on = models.DateField()  # the first day that session may take place (rules.window)

    class Meta:
        indexes = [
            # The list in its order, and its pages cut by the plan alone (the primary key is in the index).
            models.Index(fields=["practice", "earliest_on", "plan"], name="ready_practice_earliest"),
        ]
