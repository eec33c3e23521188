"""When the practice can treat: opening hours and closures of each location, each practitioner's working hours,
absences and qualifications, and rooms and devices taken out of service.

Configured by the practice admin in the configuration admin (clinic/admin.py); scheduling reads them to refuse a
booking outside them and to find free slots (scheduling/slots.py). What is not recorded does not restrict: a
location with no opening hours on record is not bound by any (the booking page says so), a practitioner with no
working hours works whenever the location is open, and a practice that records no qualification at all books
anyone for anything. Once a practice records one qualification, every practitioner must be listed for a
treatment to be booked for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One opening of a location on a weekday; a day may have several (a lunch break between two)."""

    location = models.ForeignKey("clinic.Location", on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField(help_text="e.g. 09:00")
    closes = models.TimeField(help_text="e.g. 18:00")

    class Meta:
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        ordering = ("weekday", "opens")
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_closes_after_opens")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a location is closed although its hours say open: a bank holiday, the summer break."""

    location = models.ForeignKey("clinic.Location", on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField(help_text="The same as the first day for a single day")
    reason = models.CharField(max_length=200, help_text="e.g. Bank holiday")

    class Meta:
        ordering = ("first_day",)
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="closure_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.first_day}-{self.last_day}: {self.reason}"


class WorkingHours(models.Model):
    """When a practitioner works on a weekday, at one location or (empty) at whichever is open."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(help_text="e.g. 09:00")
    ends = models.TimeField(help_text="e.g. 17:00")
    location = models.ForeignKey(
        "clinic.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty when it does not matter where",
    )

    class Meta:
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        ordering = ("weekday", "starts")
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="working_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Absence(models.Model):
    """A practitioner away: leave, training, illness."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="e.g. Annual leave")

    class Meta:
        ordering = ("starts_at",)
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start")]
        indexes = [models.Index(fields=["staff", "ends_at"], name="absence_staff_end")]

    def __str__(self) -> str:
        return self.reason


class Qualification(models.Model):
    """A practitioner trained and allowed to deliver one treatment (a device's modality code)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    modality = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "modality"], name="qualification_once")]

    def __str__(self) -> str:
        return self.modality


class RoomOutage(models.Model):
    """A room out of service for a time (works, a deep clean); the room's `active` flag retires it for good."""

    room = models.ForeignKey("clinic.Room", on_delete=models.CASCADE, related_name="outages")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="e.g. Redecorating")

    class Meta:
        verbose_name = "time out of service"
        verbose_name_plural = "times out of service"
        ordering = ("starts_at",)
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="room_out_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.reason


class DeviceOutage(models.Model):
    """A device out of service for a time (a service visit, a repair)."""

    device = models.ForeignKey("clinic.Device", on_delete=models.CASCADE, related_name="outages")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, help_text="e.g. Annual service by the manufacturer")

    class Meta:
        verbose_name = "time out of service"
        verbose_name_plural = "times out of service"
        ordering = ("starts_at",)
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="device_out_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.reason
