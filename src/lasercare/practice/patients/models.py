"""Patients: demographics and contact, found by name, date of birth or phone."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import models

from lasercare.practice.patients.names import name_key, phone_tail


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class Patient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="patients")
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=35, default="en", help_text="e.g. en, fr, es-MX")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Search keys, kept in step with the fields above by save().
    family_first_key = models.CharField(max_length=260, editable=False)
    given_first_key = models.CharField(max_length=260, editable=False)
    phone_key = models.CharField(max_length=40, editable=False, blank=True)

    class Meta:
        indexes = [
            # A name search reads (family key, id) in page order and never the table (services.NameMatches): the
            # id orders equal names as the page does, and the given key lets a search by a short given-name prefix
            # that walks this index in family order test each entry without fetching its row.
            models.Index(fields=["practice", "family_first_key", "id", "given_first_key"], name="patient_family_key"),
            # With the family key and the id too, a search by given name sorts its matches from the index alone.
            models.Index(fields=["practice", "given_first_key", "family_first_key", "id"], name="patient_given_key"),
            models.Index(fields=["practice", "date_of_birth"], name="patient_birth_date"),
            models.Index(fields=["practice", "phone_key"], name="patient_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    def refresh_search_keys(self) -> None:
        self.family_first_key = name_key(f"{self.family_name} {self.given_names}")
        self.given_first_key = name_key(f"{self.given_names} {self.family_name}")
        self.phone_key = phone_tail(self.phone)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def sorting_name(self) -> str:
        return f"{self.family_name}, {self.given_names}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday
