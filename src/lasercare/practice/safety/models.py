"""Laser safety in the practice: each device's beam, the eyewear inventory, the practice's laser safety officers,
the eyewear worn at each charted session and the officer's overrides.

The numbers are the practice's, typed in from the device's manual and the eyewear's marking; what they call for
is worked out by lasercare.lasersafety (see docs/laser-safety.md).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lasercare.lasersafety import SafetyInputError
from lasercare.lasersafety.inventory import read_devices, read_eyewear

_POSITIVE = [MinValueValidator(Decimal("0.000000001"))]
_NUMBER: dict[str, Any] = {"max_digits": 20, "decimal_places": 9, "null": True, "blank": True, "validators": _POSITIVE}
# Picosecond lasers' pulses (e.g. 450 ps = 4.5e-10 s) need fifteen decimal places; nine would round them to zero.
_PULSE: dict[str, Any] = {
    **_NUMBER,
    "max_digits": 24,
    "decimal_places": 15,
    "validators": [MinValueValidator(Decimal("1e-15"))],
}
_WAVELENGTH: dict[str, Any] = {
    "max_digits": 9,
    "decimal_places": 1,
    "validators": [MinValueValidator(180), MaxValueValidator(1000000)],
}
_SCALE: dict[str, Any] = {"null": True, "blank": True, "validators": [MinValueValidator(1), MaxValueValidator(10)]}


def _plain(value: Decimal) -> str:
    """A wavelength as people write it: 1200, 532.5 (a Decimal from the database keeps its places: 1200.0)."""
    return format(Decimal(value).normalize(), "f")


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _as_validation_error(error: SafetyInputError, fields: dict[str, str]) -> ValidationError:
    """lasercare.lasersafety's refusal, on the form field it concerns (its own words say what is wrong)."""
    field = next((name for key, name in fields.items() if key in error.field), None)
    if field is None:
        return ValidationError(f"{error.field}: {error.problem}")
    return ValidationError({field: error.problem})


class LaserSafetyOfficer(models.Model):
    """A member of staff the practice has appointed its laser safety officer (LSO): they record eyewear
    overrides. A designation on top of the staff member's role, which is unchanged."""

    staff = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="laser_safety")
    appointed_on = models.DateField()

    class Meta:
        verbose_name = "laser safety officer"

    def __str__(self) -> str:
        return str(self.staff)


class DeviceBeam(models.Model):
    """One laser wavelength of a device with the output range its manual gives; the worst case sets the eyewear."""

    device = models.ForeignKey("clinic.Device", on_delete=models.CASCADE, related_name="beams")
    wavelength_nm = models.DecimalField("wavelength (nm)", **_WAVELENGTH)
    power_w = models.DecimalField(
        "maximum continuous power (W)", help_text="For a continuous laser; leave empty for a pulsed one", **_NUMBER
    )
    pulse_energy_j = models.DecimalField(
        "maximum pulse energy (J)", help_text="For a pulsed laser, with its pulse durations", **_NUMBER
    )
    pulse_s_min = models.DecimalField("shortest pulse (s)", **_PULSE)
    pulse_s_max = models.DecimalField("longest pulse (s)", **_PULSE)
    rep_hz = models.DecimalField("highest repetition rate (Hz)", help_text="Empty for single pulses", **_NUMBER)
    beam_mm = models.DecimalField(
        "smallest beam diameter at the aperture or tip (mm)", **{**_NUMBER, "null": False, "blank": False}
    )
    divergence_mrad = models.DecimalField(
        "full divergence (mrad)", help_text="Needed for the NOHD; or give the fibre's numerical aperture", **_NUMBER
    )
    numerical_aperture = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True, validators=_POSITIVE
    )
    laser_class = models.CharField("laser class", max_length=10, blank=True, help_text="From the device label, e.g. 4")
    source = models.CharField(
        max_length=300, help_text="Where these numbers come from: the manual's section, or 'example' for demo data"
    )

    class Meta:
        ordering = ["wavelength_nm", "pk"]
        verbose_name = "laser output (per wavelength)"
        verbose_name_plural = "laser outputs (per wavelength)"

    def __str__(self) -> str:
        return f"{_plain(self.wavelength_nm)} nm"

    def as_document(self) -> dict[str, Any]:
        """This beam as lasercare.lasersafety.inventory reads one: every value the device can produce at its
        worst (shortest and longest pulse both tried)."""
        document: dict[str, Any] = {"wavelength_nm": float(self.wavelength_nm), "beam_mm": [float(self.beam_mm)]}
        if self.power_w is not None:
            document["power_w"] = [float(self.power_w)]
        if self.pulse_energy_j is not None:
            document["pulse_energy_j"] = [float(self.pulse_energy_j)]
        pulses = sorted({value for value in (_float(self.pulse_s_min), _float(self.pulse_s_max)) if value})
        if pulses:
            document["pulse_s"] = pulses
        if self.rep_hz is not None:
            document["rep_hz"] = [float(self.rep_hz)]
        if self.divergence_mrad is not None:
            document["divergence_mrad"] = float(self.divergence_mrad)
        if self.numerical_aperture is not None:
            document["numerical_aperture"] = float(self.numerical_aperture)
        return document

    def clean(self) -> None:
        if self.wavelength_nm is None or self.beam_mm is None:
            return
        if self.pulse_s_min is not None and self.pulse_s_max is not None and self.pulse_s_min > self.pulse_s_max:
            raise ValidationError({"pulse_s_max": "The longest pulse is shorter than the shortest."})
        try:
            (device,) = read_devices({"device": [{"name": "device", "beam": [self.as_document()]}]})
            from lasercare.lasersafety.eyewear import worst_case

            worst_case(device.beams[0])  # type: ignore[union-attr]
        except SafetyInputError as error:
            raise _as_validation_error(
                error,
                {
                    "power_w/pulse_energy_j": "pulse_energy_j",
                    "power_w": "power_w",
                    "pulse_energy_j": "pulse_energy_j",
                    "pulse_s": "pulse_s_min",
                    "rep_hz": "rep_hz",
                    "beam_mm": "beam_mm",
                    "divergence_mrad": "divergence_mrad",
                    "numerical_aperture": "numerical_aperture",
                    "wavelength_nm": "wavelength_nm",
                },
            ) from None


class IplBand(models.Model):
    """An intense pulsed light's output band. IPL is not a laser: no MPE is computed for it; the eyewear must carry
    its manufacturer's rating for the band."""

    device = models.ForeignKey("clinic.Device", on_delete=models.CASCADE, related_name="ipl_bands")
    from_nm = models.DecimalField("shortest wavelength (nm)", **_WAVELENGTH)
    to_nm = models.DecimalField("longest wavelength (nm)", **_WAVELENGTH)
    source = models.CharField(max_length=300, help_text="Where the band comes from: the manual or the filter")

    class Meta:
        verbose_name = "IPL output band"

    def __str__(self) -> str:
        return f"IPL {_plain(self.from_nm)}-{_plain(self.to_nm)} nm"

    def clean(self) -> None:
        if self.from_nm is not None and self.to_nm is not None and self.from_nm > self.to_nm:
            raise ValidationError({"to_nm": f"{_plain(self.to_nm)} nm is shorter than {_plain(self.from_nm)} nm."})


class Wearer(models.TextChoices):
    PATIENT = "patient", "Patient"
    OPERATOR = "operator", "Operator and staff"
    ANY = "any", "Anyone"


class Eyewear(models.Model):
    """One pair of protective eyewear (or patient eye shields) the practice owns, with its marking."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="eyewear")
    name = models.CharField(max_length=100, help_text="The label on it, e.g. 'Goggles 2 (blue strap)'")
    manufacturer = models.CharField(max_length=100, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    wearer = models.CharField(max_length=10, choices=Wearer.choices, default=Wearer.ANY)
    marking = models.CharField(max_length=300, blank=True, help_text="The marking printed on it, as printed")
    active = models.BooleanField(default=True, help_text="Untick when it is lost, damaged or retired")

    class Meta:
        verbose_name_plural = "eyewear"
        constraints = [models.UniqueConstraint(fields=["practice", "name"], name="eyewear_name_unique_in_practice")]

    def __str__(self) -> str:
        return self.name


class EyewearRating(models.Model):
    """What one wavelength band of an eyewear item is rated for: an optical density (with EN 207 scale numbers where
    marked) for lasers, or its manufacturer's IPL rating."""

    eyewear = models.ForeignKey(Eyewear, on_delete=models.CASCADE, related_name="ratings")
    from_nm = models.DecimalField("from (nm)", **_WAVELENGTH)
    to_nm = models.DecimalField("to (nm)", **_WAVELENGTH)
    od = models.DecimalField(
        "optical density", max_digits=4, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    lb_d = models.PositiveSmallIntegerField("EN 207 D LB", **_SCALE)
    lb_i = models.PositiveSmallIntegerField("EN 207 I LB", **_SCALE)
    lb_r = models.PositiveSmallIntegerField("EN 207 R LB", **_SCALE)
    lb_m = models.PositiveSmallIntegerField("EN 207 M LB", **_SCALE)
    ipl_rating = models.CharField(
        "manufacturer's IPL rating", max_length=200, blank=True, help_text="For IPL use, as the manufacturer states it"
    )

    class Meta:
        ordering = ["from_nm", "pk"]

    def __str__(self) -> str:
        what = f"OD {self.od}" if self.od is not None else f"IPL: {self.ipl_rating}"
        return f"{_plain(self.from_nm)}-{_plain(self.to_nm)} nm {what}"

    @property
    def scale_numbers(self) -> dict[str, int]:
        found = {"D": self.lb_d, "I": self.lb_i, "R": self.lb_r, "M": self.lb_m}
        return {mode: value for mode, value in found.items() if value is not None}

    def as_document(self) -> dict[str, Any]:
        band = {"from_nm": float(self.from_nm), "to_nm": float(self.to_nm)}
        if self.od is not None:
            return {**band, "od": float(self.od), "lb": self.scale_numbers}
        return {**band, "manufacturer_rating": self.ipl_rating}

    def clean(self) -> None:
        if self.from_nm is None or self.to_nm is None:
            return
        if (self.od is None) == (not self.ipl_rating.strip()):
            raise ValidationError(
                "Give either the optical density (for lasers) or the manufacturer's IPL rating, not "
                + ("both." if self.od is not None else "neither.")
            )
        if self.od is None and self.scale_numbers:
            raise ValidationError({"od": "EN 207 scale numbers are marked with an optical density: give the OD too."})
        key = "rating" if self.od is not None else "ipl_rating"
        try:
            read_eyewear({"eyewear": [{"name": "item", key: [self.as_document()]}]})
        except SafetyInputError as error:
            raise _as_validation_error(
                error, {"from_nm/to_nm": "to_nm", ".od": "od", "manufacturer_rating": "ipl_rating", ".lb": "lb_d"}
            ) from None


class WornEyewear(models.Model):
    """The eyewear one person in the room wore at a charted session."""

    chart = models.ForeignKey("charting.SessionChart", on_delete=models.CASCADE, related_name="eyewear_worn")
    wearer = models.CharField(
        max_length=10, choices=[("patient", "Patient"), ("operator", "Operator"), ("other", "Other person present")]
    )
    eyewear = models.ForeignKey(Eyewear, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["chart", "eyewear"], name="eyewear_worn_once_per_chart")]


class EyewearOverride(models.Model):
    """A laser safety officer's decision that a session may be charted although the eyewear chosen does not cover
    the device as lasercare works it out; with the reason, and what was found short."""

    chart = models.OneToOneField("charting.SessionChart", on_delete=models.PROTECT, related_name="eyewear_override")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    problems = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)
