"""The demo practice's laser safety: its clinician appointed laser safety officer, every demo device's output and an
eyewear inventory that covers them, so the eyewear check (which fails closed) lets the demo's charts be signed.

The records come from demo_equipment.toml. No published source gives the demo devices' output (they are not real
devices), so every output there is the demo clinic's example, labelled so in the records themselves
(docs/laser-safety.md says so too); the eyewear is described as its labels would give it, as the demo clinic's
inventory. A practice types in its own from its devices' manuals and its eyewear's markings.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from lasercare.practice.clinic.models import Device, Practice, StaffUser
from lasercare.practice.safety import services
from lasercare.practice.safety.models import DeviceBeam, Eyewear, EyewearRating, IplBand, LaserSafetyOfficer

_BEAM_FIELDS = ("power_w", "pulse_energy_j", "pulse_s_min", "pulse_s_max", "rep_hz", "beam_mm", "divergence_mrad")


@cache
def equipment() -> dict[str, Any]:
    return tomllib.loads(files("lasercare.practice.safety").joinpath("demo_equipment.toml").read_text("utf-8"))


def _decimal(value: object) -> Decimal:
    # Through str: a float such as 1e-08 would carry binary noise into the record.
    return Decimal(str(value))


def equip_safety(practice: Practice, devices: dict[str, Device], officer: StaffUser, *, today: date) -> None:
    """Appoint the officer, record each demo device's output (the clinic's example) and the practice's eyewear."""
    data = equipment()
    LaserSafetyOfficer.objects.create(staff=officer, appointed_on=today)
    for code, device in devices.items():
        if code == "ipl":
            band = data["ipl_band"]
            IplBand.objects.create(
                device=device, from_nm=_decimal(band["from_nm"]), to_nm=_decimal(band["to_nm"]), source=band["source"]
            )
            continue
        for beam in data["beams"][code]:
            DeviceBeam.objects.create(
                device=device,
                wavelength_nm=_decimal(beam["wavelength_nm"]),
                laser_class=beam["laser_class"],
                source=data["example"],
                **{name: _decimal(beam[name]) for name in _BEAM_FIELDS if name in beam},
            )
    for entry in data["eyewear"]:
        # As the label gives it: the optical density over each band ("OD 7+ 570-600 nm").
        marking = "; ".join(f"OD {od}+ {low}-{high} nm" for low, high, od in entry["ratings"])
        item = Eyewear.objects.create(
            practice=practice, name=entry["name"], wearer=entry["wearer"], marking=f"{marking} ({data['inventory']})"
        )
        for low, high, od in entry["ratings"]:
            EyewearRating.objects.create(eyewear=item, from_nm=low, to_nm=high, od=_decimal(od))
    for entry in data["ipl_eyewear"]:
        low, high = entry["band"]
        rating = f"IPL filter {low}-{high} nm"
        item = Eyewear.objects.create(
            practice=practice, name=entry["name"], wearer=entry["wearer"], marking=f"{rating} ({data['inventory']})"
        )
        EyewearRating.objects.create(eyewear=item, from_nm=low, to_nm=high, ipl_rating=rating)


def eyewear_worn(device: Device, wavelength_nm: float) -> dict[str, str]:
    """The chart form's eyewear fields for a demo session: the first of the practice's eyewear that passes the
    check for the patient and for the operator, found by the check itself rather than listed by hand."""
    items = list(
        Eyewear.objects.filter(practice_id=device.practice_id, active=True).prefetch_related("ratings").order_by("name")
    )
    chosen: dict[str, str] = {}
    for wearer in ("patient", "operator"):
        # Eyewear made for this wearer first: the patient wears eye shields where the practice has them.
        for item in sorted(items, key=lambda item: item.wearer != wearer):
            if wearer == "operator" and any(value == str(item.public_id) for value in chosen.values()):
                continue
            problems, _, checked = services.evaluate(device, wavelength_nm, [(wearer, item)], device.practice_id)
            if checked and not [problem for problem in problems if not problem.startswith("No eyewear is recorded")]:
                chosen[f"eyewear_{wearer}"] = str(item.public_id)
                break
    return chosen
