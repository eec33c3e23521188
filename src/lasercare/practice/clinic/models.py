"""The practice, its locations and staff, and the settings a practice admin keeps: price list and clinic policy."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from lasercare.practice.clinic.roles import Action, Role, role_may

CURRENCY = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code in capitals, such as EUR or GBP.")


class Practice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    currency = models.CharField(
        max_length=3, default="EUR", validators=[CURRENCY], help_text="Three-letter ISO 4217 code, e.g. EUR"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="location_name_unique_in_practice")]

    def __str__(self) -> str:
        return self.name


class StaffUser(AbstractUser):
    """A member of staff. Superusers (no practice) run the installation, not a clinic's records."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Role], default=Role.FRONT_DESK)
    professional_title = models.CharField(max_length=100, blank=True, help_text="e.g. Consultant dermatologist")

    class Meta:
        verbose_name = "staff member"

    objects: ClassVar[UserManager[StaffUser]] = UserManager()  # type: ignore[assignment]

    def may(self, action: Action) -> bool:
        return self.is_active and self.practice_id is not None and role_may(self.role, action)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def display_name(self) -> str:
        return display_name(self.username, self.first_name, self.last_name)


def display_name(username: str, first_name: str, last_name: str) -> str:
    """How a member of staff is named on pages: full name, or the username when no name was given."""
    return f"{first_name} {last_name}".strip() or username


class LoginFailure(models.Model):
    """A failed log-in, counted to throttle password guessing (lasercare.practice.clinic.throttle)."""

    account_key = models.CharField(max_length=64, db_index=True)  # a hash: usernames typed are not stored
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)


class PolicySetting(models.Model):
    """One clinic-policy value that differs from lasercare's default (the keys of engine/knowledge/policy.toml)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="policy_settings")
    key = models.CharField(max_length=60)
    value = models.CharField(
        max_length=500,
        help_text="A TOML value: 14, true, or { laser = 21, surgery = 56 } for waits by procedure",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "key"], name="policy_key_unique_in_practice")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class PriceListItem(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="prices")
    modality = models.CharField(max_length=40)
    per_session = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, validators=[CURRENCY], help_text="Three-letter ISO 4217 code, e.g. EUR")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "modality"], name="price_unique_in_practice")]

    def __str__(self) -> str:
        return f"{self.modality}: {self.per_session} {self.currency}"
