"""How a patient reaches the practice: its telephone number and what to do when it is closed.

Every patient page, e-mail and PDF carries it (docs/patient-portal.md): a patient asked to call "the practice" must
find the number where they are reading. The practice admin sets the numbers and the out-of-hours advice with the
practice's details; a practice that has not set its own number yet is reached on its first location's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lasercare.practice.clinic.models import Location, Practice


@dataclass(frozen=True)
class Contact:
    practice_name: str
    phone: str = ""
    out_of_hours_phone: str = ""
    out_of_hours_advice: str = ""

    @property
    def phone_link(self) -> str:
        return tel_link(self.phone)

    @property
    def out_of_hours_link(self) -> str:
        return tel_link(self.out_of_hours_phone)

    @property
    def has_out_of_hours(self) -> bool:
        return bool(self.out_of_hours_phone or self.out_of_hours_advice)


def tel_link(number: str) -> str:
    """ "tel:+442079460000" for "+44 20 7946 0000": a phone dials digits and a leading plus only."""
    digits = re.sub(r"[^\d+]", "", number)
    return f"tel:{digits}" if digits.strip("+") else ""


def contact_for(practice: Practice) -> Contact:
    phone = practice.phone.strip()
    if not phone:
        location = Location.objects.filter(practice=practice).exclude(phone="").order_by("pk").first()
        phone = location.phone.strip() if location is not None else ""
    return Contact(
        practice_name=practice.name,
        phone=phone,
        out_of_hours_phone=practice.out_of_hours_phone.strip(),
        out_of_hours_advice=practice.out_of_hours_advice.strip(),
    )


def practice_of_site() -> Practice | None:
    """The practice this installation serves, when it serves one: the pages a patient reads before signing in (the
    front door, the portal's sign-in) carry its name and number. An installation of several practices names none
    there; each patient's own pages carry their practice's."""
    practices = list(Practice.objects.order_by("pk")[:2])
    return practices[0] if len(practices) == 1 else None
