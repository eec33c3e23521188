"""Records the laser-safety tests build on. The device numbers are examples for the tests, not any device's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lasercare.practice.clinic.models import Device, Practice, StaffUser
from lasercare.practice.safety.models import DeviceBeam, Eyewear, EyewearRating, IplBand, LaserSafetyOfficer


def nd_yag(practice: Practice, name: str = "Q-switched Nd:YAG") -> Device:
    """A laser with one 1064 nm output (example numbers): OD 6.5 needed at its worst case."""
    device = Device.objects.create(
        practice=practice,
        name=name,
        model="Example QS",
        serial_number=f"SN-{name}",
        modality="qs_1064",
        wavelengths_nm="1064",
    )
    DeviceBeam.objects.create(
        device=device,
        wavelength_nm=Decimal("1064"),
        pulse_energy_j=Decimal("1"),
        pulse_s_min=Decimal("0.00000001"),
        rep_hz=Decimal("10"),
        beam_mm=Decimal("6"),
        divergence_mrad=Decimal("1"),
        laser_class="4",
        source="example numbers for the tests",
    )
    return device


def ipl_band(device: Device, low: int = 515, high: int = 1200) -> IplBand:
    return IplBand.objects.create(device=device, from_nm=low, to_nm=high, source="example band for the tests")


def eyewear(practice: Practice, name: str, *, wearer: str = "any", **rating: Any) -> Eyewear:
    """An item with one rating: `od` with from_nm/to_nm (and lb_* scale numbers), or `ipl_rating`."""
    item = Eyewear.objects.create(practice=practice, name=name, wearer=wearer)
    EyewearRating.objects.create(eyewear=item, **rating)
    return item


def laser_goggles(practice: Practice, name: str, od: str, *, wearer: str = "any") -> Eyewear:
    return eyewear(practice, name, wearer=wearer, from_nm=950, to_nm=1100, od=Decimal(od))


def ipl_goggles(practice: Practice, name: str, *, wearer: str = "any") -> Eyewear:
    return eyewear(practice, name, wearer=wearer, from_nm=400, to_nm=1400, ipl_rating="IPL filter, manufacturer")


def appoint(staff: StaffUser) -> LaserSafetyOfficer:
    return LaserSafetyOfficer.objects.create(staff=staff, appointed_on=date(2026, 1, 5))
