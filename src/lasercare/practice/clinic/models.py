"""The practice, its locations and staff, and the settings a practice admin keeps: price list and clinic policy."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from lasercare.practice.clinic.roles import Action, Role, role_may

CURRENCY = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code in capitals, such as EUR or GBP.")


class Practice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    currency = models.CharField(
        max_length=3, default="EUR", validators=[CURRENCY], help_text="Three-letter ISO 4217 code, e.g. EUR"
    )
    # How patients reach the practice: on every patient page, e-mail and PDF (docs/patient-portal.md).
    phone = models.CharField(
        max_length=40, blank=True, help_text="The number patients call with a question, e.g. +44 20 7946 0000"
    )
    out_of_hours_phone = models.CharField(
        max_length=40, blank=True, help_text="The number patients call when the practice is closed, if there is one"
    )
    out_of_hours_advice = models.CharField(
        max_length=300,
        blank=True,
        help_text="What a patient does when the practice is closed, in plain words, e.g. 'When we are closed, call "
        "NHS 111. In an emergency, call 999.'",
    )
    # Where an urgent side-effect report is announced at once (the e-mail links to the report; no clinical detail).
    clinical_email = models.EmailField(
        blank=True, help_text="A clinical inbox read during opening hours: urgent side-effect reports are sent there"
    )
    # Online booking in the portal (docs/patient-portal.md): off until the practice turns it on. The notice is
    # practice policy: a patient books, moves or cancels online only this long before the session; closer to it,
    # they ask the practice, as before.
    online_booking = models.BooleanField(
        "patients book online",
        default=False,
        help_text="Patients book their next session in the portal from the free times their plan allows, and move "
        "or cancel it there within the notice below",
    )
    online_notice_hours = models.PositiveSmallIntegerField(
        "online booking notice (hours)",
        default=48,
        validators=[MaxValueValidator(24 * 28)],
        help_text="How long before a session a patient may still book, move or cancel it online (practice policy; "
        "at most four weeks)",
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


class KnownAddress(models.Model):
    """An address an account has logged in from: the account-wide wait, which a stranger's guesses from elsewhere
    build up, does not hold there (lasercare.practice.clinic.throttle)."""

    account_key = models.CharField(max_length=64)  # the same keyed hash as LoginFailure's
    address = models.GenericIPAddressField()
    last_success = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account_key", "address"], name="known_address_once")]


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


class Room(models.Model):
    """A treatment room: booked like a practitioner, never twice at once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="rooms")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="rooms")
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True, help_text="Untick to stop new bookings; past ones are kept")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="room_name_unique_in_practice")]

    def __str__(self) -> str:
        return self.name


# The settings a chart records and that a device's manual and clinic policy bound: (field, label, unit).
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("fluence_j_cm2", "Fluence", "J/cm²"),
    ("energy_mj", "Energy", "mJ"),
    ("pulse_ms", "Pulse duration", "ms"),
    ("spot_mm", "Spot size", "mm"),
    ("density_percent", "Density or coverage", "%"),
    ("passes", "Passes", ""),
)
SETTING_CHOICES = [(name, f"{label} ({unit})" if unit else label) for name, label, unit in SETTINGS]

_LIMIT = {"max_digits": 10, "decimal_places": 3, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class Device(models.Model):
    """One of the practice's lasers or light sources, with the limits its manufacturer's manual gives.

    The limits are the device's, typed in by the practice admin from the manual; a chart outside them is
    warned about. Empty means the manual gives none (or it was not typed in), and nothing is checked.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="devices")
    name = models.CharField(max_length=100, help_text="How the clinic calls it, e.g. 'Fraxel room 2'")
    manufacturer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100)
    serial_number = models.CharField(max_length=100)
    modality = models.CharField(
        max_length=40, help_text="The lasercare modality it delivers (the codes of `lasercare knowledge`)"
    )
    wavelengths_nm = models.CharField(
        max_length=100, help_text="Its wavelengths in nm, separated by commas, e.g. 1550 or 755, 1064"
    )
    active = models.BooleanField(default=True, help_text="Untick to stop new bookings; past charts are kept")
    fluence_j_cm2_min = models.DecimalField("fluence min (J/cm²)", **_LIMIT)  # type: ignore[arg-type]
    fluence_j_cm2_max = models.DecimalField("fluence max (J/cm²)", **_LIMIT)  # type: ignore[arg-type]
    energy_mj_min = models.DecimalField("energy min (mJ)", **_LIMIT)  # type: ignore[arg-type]
    energy_mj_max = models.DecimalField("energy max (mJ)", **_LIMIT)  # type: ignore[arg-type]
    pulse_ms_min = models.DecimalField("pulse duration min (ms)", **_LIMIT)  # type: ignore[arg-type]
    pulse_ms_max = models.DecimalField("pulse duration max (ms)", **_LIMIT)  # type: ignore[arg-type]
    spot_mm_min = models.DecimalField("spot size min (mm)", **_LIMIT)  # type: ignore[arg-type]
    spot_mm_max = models.DecimalField("spot size max (mm)", **_LIMIT)  # type: ignore[arg-type]
    density_percent_min = models.DecimalField("density or coverage min (%)", **_LIMIT)  # type: ignore[arg-type]
    density_percent_max = models.DecimalField("density or coverage max (%)", **_LIMIT)  # type: ignore[arg-type]
    passes_min = models.DecimalField("passes min", **_LIMIT)  # type: ignore[arg-type]
    passes_max = models.DecimalField("passes max", **_LIMIT)  # type: ignore[arg-type]
    # Whose figures the limits are: a manufacturer's manual or 510(k) summary, or the clinic's own example, so that
    # nobody takes a clinic's example for the manufacturer's (it is named in every warning the limits give).
    limits_source = models.CharField(
        "source of the limits",
        max_length=300,
        blank=True,
        help_text="Where the limits come from, e.g. 'operator's manual, rev. 3, section 4'. Empty: the manual.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="device_name_unique_in_practice"),
            models.UniqueConstraint(
                fields=["practice", "manufacturer", "model", "serial_number"], name="device_serial_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.model})"

    @property
    def has_limits(self) -> bool:
        """Whether any limit is on record: without one, a chart's settings are not checked against the device."""
        return any(getattr(self, f"{name}_{end}") is not None for name, _l, _u in SETTINGS for end in ("min", "max"))

    @property
    def wavelengths(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.wavelengths_nm.replace(" ", "").split(",") if part.isdigit())


class PhototypeSettingRange(models.Model):
    """Clinic policy: the range of one setting the practice allows for a modality on some phototypes.

    lasercare ships none: the references it cites give no per-phototype device settings to default to. A chart
    outside a range the practice set is warned about, and the warning names this as the practice's policy.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="setting_ranges")
    modality = models.CharField(max_length=40, help_text="A lasercare modality code, e.g. nafl_1550")
    phototypes = models.CharField(
        max_length=20, help_text="Fitzpatrick types it applies to, separated by commas, e.g. IV, V, VI"
    )
    setting = models.CharField(max_length=20, choices=SETTING_CHOICES)
    minimum = models.DecimalField(**_LIMIT)  # type: ignore[arg-type]
    maximum = models.DecimalField(**_LIMIT)  # type: ignore[arg-type]
    note = models.CharField(max_length=300, blank=True, help_text="Why: the protocol or reference behind it")

    class Meta:
        verbose_name = "setting range by phototype (clinic policy)"

    def __str__(self) -> str:
        return f"{self.modality} {self.phototypes}: {self.setting} {self.minimum}-{self.maximum}"

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(part.strip().upper() for part in self.phototypes.split(",") if part.strip())


class TranslationReview(models.Model):
    """A clinician's review of a language's clinical text, for this practice: "Spanish clinical text reviewed by Dr
    X on 7 Dec 2026". It holds for the catalogue it was made on (its SHA-256): a changed translation needs a new
    review. Until one holds, consent is presented in English to a patient of that language (translation_review.py).
    Never edited: a later review is a new record."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8)
    catalogue_sha256 = models.CharField(max_length=64)
    reviewed_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "language", "-recorded_at"], name="translation_review_latest")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a translation review is never edited: record a new one")
        super().save(*args, **kwargs)


# Availability lives in a module of its own; imported here so that Django finds its models.
from lasercare.practice.clinic.availability import (  # noqa: E402, F401
    Absence,
    Closure,
    DeviceOutage,
    OpeningHours,
    Qualification,
    RoomOutage,
    WorkingHours,
)
