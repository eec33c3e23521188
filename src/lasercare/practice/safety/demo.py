"""The demo practice's laser safety: its clinician appointed laser safety officer, an eyewear inventory, and one
laser's output and the IPL's band on record so their pages, signs and the eyewear check have something to show.

No published source gives the demo devices' output (they are not real devices), so every number here is an
EXAMPLE, labelled so in the records themselves (docs/laser-safety.md says so too): a practice types in its own from
its devices' manuals and its eyewear's markings. The other demo devices have no output on record, and their
charts say the eyewear was not checked.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lasercare.practice.clinic.models import Device, Practice, StaffUser
from lasercare.practice.safety.models import DeviceBeam, Eyewear, EyewearRating, IplBand, LaserSafetyOfficer

EXAMPLE = "EXAMPLE numbers for the demo, not from any manual: replace them with your device's"
# The band lasercare's knowledge base gives for intense pulsed light (engine/knowledge, modality ipl), not a device's.
IPL_BAND = "the IPL band of lasercare's knowledge base (500-1200 nm), not from a device's manual"


def equip_safety(practice: Practice, devices: dict[str, Device], officer: StaffUser, *, today: date) -> None:
    LaserSafetyOfficer.objects.create(staff=officer, appointed_on=today)
    laser = devices.get("qs_1064")
    if laser is not None:
        DeviceBeam.objects.create(
            device=laser,
            wavelength_nm=Decimal("1064"),
            pulse_energy_j=Decimal("1"),
            pulse_s_min=Decimal("0.00000001"),
            rep_hz=Decimal("10"),
            beam_mm=Decimal("6"),
            divergence_mrad=Decimal("1"),
            laser_class="4",
            source=EXAMPLE,
        )
    ipl = devices.get("ipl")
    if ipl is not None:
        IplBand.objects.create(device=ipl, from_nm=Decimal("500"), to_nm=Decimal("1200"), source=IPL_BAND)
    marking = "EXAMPLE rating for the demo: read the real one off the eyewear"
    inventory = (
        ("Nd:YAG goggles 1", "operator", [(900, 1100, "7")]),
        ("Nd:YAG goggles 2", "any", [(900, 1100, "7")]),
        ("Visitor glasses (green light only)", "any", [(500, 560, "6")]),
        ("Patient eye shields", "patient", [(190, 11000, "7")]),
    )
    for name, wearer, ratings in inventory:
        item = Eyewear.objects.create(practice=practice, name=name, wearer=wearer, marking=marking)
        for low, high, od in ratings:
            EyewearRating.objects.create(eyewear=item, from_nm=low, to_nm=high, od=Decimal(od))
    for name, wearer in (("IPL goggles 1", "any"), ("IPL goggles 2", "any"), ("IPL patient shields", "patient")):
        item = Eyewear.objects.create(practice=practice, name=name, wearer=wearer, marking=marking)
        EyewearRating.objects.create(eyewear=item, from_nm=400, to_nm=1200, ipl_rating="EXAMPLE: rated for IPL")
