"""A demo practice: one account per role and about 30 patients with consultations and plans made by the engine,
and the courses of the accepted plans (lasercare.practice.demo_course).

Names, dates and phone numbers are made up from a seeded generator; the same seed gives the same practice.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lasercare.engine import codes
from lasercare.practice import demo_course, demo_requests
from lasercare.practice.clinic.availability import OpeningHours, Qualification, WorkingHours
from lasercare.practice.clinic.models import Location, Practice, PriceListItem, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import OverrideKind, TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.photos import demo as photos_demo
from lasercare.practice.portal.demo import create_portal_patient
from lasercare.practice.safety.demo import equip_safety

# Given names by the sex recorded, so that nobody's name and recorded sex disagree; "other" takes names used for
# any sex.
GIVEN = {
    "female": [
        "Amara",
        "Ana",
        "Aoife",
        "Beatriz",
        "Elena",
        "Fatima",
        "Grace",
        "Hana",
        "Ines",
        "Isabel",
        "Kemi",
        "Layla",
        "Lucia",
        "Mariam",
        "Nadia",
        "Priya",
        "Rosa",
        "Sade",
        "Sofia",
        "Thandiwe",
        "Yara",
        "Zainab",
        "Zoë",
    ],
    "male": [
        "Amir",
        "Arjun",
        "Chidi",
        "Daniel",
        "Emeka",
        "Hugo",
        "Jamal",
        "Kenji",
        "Kwame",
        "Lars",
        "Luca",
        "Mateo",
        "Oskar",
        "Rafael",
        "Tariq",
        "Yusuf",
    ],
    "other": ["Alex", "Dara", "Jin", "Kai", "Noor", "Robin", "Sam"],
}
# One draw from the same range as the demo always made (its first list had 37 names): the same seed keeps giving
# the same patients, plans and courses.
_NAME_DRAW = 37


def _given_name(sex: str, draw: int) -> str:
    names = GIVEN.get(sex, GIVEN["other"])
    return names[draw % len(names)]


FAMILY = [
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bakker",
    "Banerjee",
    "Costa",
    "Dubois",
    "Eze",
    "Fernandes",
    "García",
    "Haddad",
    "Ivanova",
    "Johansson",
    "Kamau",
    "Kim",
    "Kowalski",
    "Laurent",
    "Mensah",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Patel",
    "Petrov",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Tanaka",
    "van den Berg",
    "Walsh",
    "Wang",
    "Yilmaz",
]
MEDICATIONS = (
    "tretinoin 0.05% cream",
    "Doxycycline 100 mg",
    "levothyroxine 75 mcg",
    "isotretinoin 20 mg",
    "warfarin 5 mg",
    "apixaban",
    "hydroquinone 4%",
    "minocycline",
    "amiodarone",
    "metformin 500 mg",
    "aspirin 75 mg",
    "sertraline 50 mg",
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


def random_intake(rng: random.Random, age: int, sex: str, on: date) -> dict[str, Any]:
    """A plausible consultation intake: one to three concerns, sometimes medications, conditions and goals."""
    phototype = rng.choices(codes.PHOTOTYPES, weights=(6, 20, 25, 20, 15, 10))[0]
    concerns = [
        {"code": code, "severity": rng.randint(1, 3)}
        for code in rng.sample(codes.CONCERNS, rng.choice((1, 1, 2, 2, 3)))
    ]
    intake: dict[str, Any] = {
        "patient": {"age": age, "sex": sex},
        "phototype": {"fitzpatrick": phototype},
        "concerns": concerns,
    }
    if rng.random() < 0.3:
        intake["phototype"]["questionnaire"] = [rng.randint(0, 4) for _ in range(10)]
    goals: dict[str, Any] = {}
    if rng.random() < 0.5:
        goals["max_downtime_days"] = rng.choice((0, 2, 5, 7, 14))
    if rng.random() < 0.3:
        goals["max_sessions"] = rng.choice((1, 3, 5))
    if goals:
        intake["goals"] = goals
    history: dict[str, Any] = {}
    if rng.random() < 0.45:
        history["medications"] = [{"name": name} for name in rng.sample(MEDICATIONS, rng.randint(1, 2))]
        if rng.random() < 0.3:
            history["medications"][0] |= {
                "current": False,
                "stopped_on": (on - timedelta(days=rng.randint(30, 500))).isoformat(),
            }
    if rng.random() < 0.3:
        history["conditions"] = rng.sample(("hsv", "keloids", "pih_history", "psoriasis", "vitiligo"), 1)
    if rng.random() < 0.15:
        history["last_sun_exposure_on"] = (on - timedelta(days=rng.randint(3, 90))).isoformat()
    if history:
        intake["history"] = history
    if sex == "female" and age < 45 and rng.random() < 0.05:
        intake["patient"]["pregnant"] = True
    return intake


def random_people(rng: random.Random, count: int, today: date) -> Iterator[dict[str, Any]]:
    for number in range(count):
        sex = rng.choice(("female", "female", "female", "male", "other"))
        born = today - timedelta(days=rng.randint(20 * 365, 75 * 365))
        person = {
            "given_names": _given_name(sex, rng.randrange(_NAME_DRAW)),
            "family_name": rng.choice(FAMILY),
            "date_of_birth": born,
            "sex": sex,
            "phone": f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            "preferred_language": rng.choice(("en", "en", "en", "fr", "es", "pl")),
        }
        # example.org is reserved for examples (RFC 2606): the demo's reminders go nowhere real.
        person["email"] = f"patient{number + 1}@example.org"
        yield person


@transaction.atomic
def create_demo_practice(
    patients: int = 30, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> tuple[Practice, list[DemoAccount]]:
    rng = random.Random(seed)
    today = timezone.localdate()
    practice = Practice.objects.create(
        name="Riverside Skin & Laser Clinic",
        currency="GBP",
        # Numbers from Ofcom's range kept for drama (020 7946 0xxx): they reach nobody.
        phone="+44 20 7946 0000",
        out_of_hours_phone="+44 20 7946 0999",
        out_of_hours_advice="When we are closed, call our out-of-hours line. In an emergency, call 999.",
        clinical_email="clinical@riverside.example.org",
        # The demo shows online booking: its portal patient books her next session herself.
        online_booking=True,
    )
    main = Location.objects.create(
        practice=practice, name="Riverside", address="1 River Street", phone="+44 20 7946 0000"
    )
    hillside = Location.objects.create(
        practice=practice, name="Hillside", address="22 Hill Road", phone="+44 20 7946 0001"
    )
    for modality, price in (
        ("ipl", 250),
        ("nafl_1550", 450),
        ("pico_1064", 400),
        ("pdl", 300),
        ("co2_fractional", 900),
    ):
        PriceListItem.objects.create(practice=practice, modality=modality, per_session=price, currency="GBP")
    accounts = []
    people = {
        Role.PRACTICE_ADMIN: ("admin", "Alex", "Morgan", ""),
        Role.CLINICIAN: ("clinician", "Dr Priya", "Raman", "Consultant dermatologist"),
        Role.NURSE: ("nurse", "Sam", "Okafor", "Aesthetic nurse"),
        Role.FRONT_DESK: ("frontdesk", "Jo", "Lee", ""),
    }
    staff: dict[Role, StaffUser] = {}
    for role, (username, first, last, title) in people.items():
        password = secrets.token_urlsafe(12)
        user = StaffUser(
            username=username,
            first_name=first,
            last_name=last,
            practice=practice,
            role=role,
            professional_title=title,
            is_staff=role == Role.PRACTICE_ADMIN,
        )
        user.set_password(password)
        user.save()
        staff[role] = user
        accounts.append(DemoAccount(username, password, role.label))
    clinician, nurse = staff[Role.CLINICIAN], staff[Role.NURSE]
    devices = demo_course.equip(practice, main, staff[Role.PRACTICE_ADMIN])
    keep_hours((main, hillside), (clinician, nurse), devices)
    for number, person in enumerate(random_people(rng, patients, today), start=1):
        patient = Patient.objects.create(practice=practice, **person)
        visits = rng.choice((1, 1, 1, 2))
        previous_visit = person["date_of_birth"]
        for visit in range(visits):
            held_on = (
                today
                if number <= 4 and visit == visits - 1
                else today - timedelta(days=rng.randint(1, 300) // (visit + 1))
            )
            # A second consultation comes after the first.
            held_on = min(today, max(held_on, previous_visit + timedelta(days=1)))
            previous_visit = held_on
            intake = random_intake(rng, patient.age_on(held_on), person["sex"], held_on)
            follow_up = held_on + timedelta(days=rng.choice((14, 28, 42))) if rng.random() < 0.4 else None
            plan = services.record_consultation(
                None,
                rng.choice((clinician, nurse)),
                patient,
                held_on=held_on,
                intake=intake,
                location=main,
                follow_up_on=follow_up,
            )
        _review(rng, plan, clinician)
        if progress is not None:
            progress(number, patients)
    # A generator of its own: the patients and plans above stay those the seed always gave.
    # Laser safety before the courses: a chart is signed only once its eyewear is shown to cover the device.
    equip_safety(practice, devices, clinician, today=today)
    demo_course.run_courses(random.Random(seed + 1), practice, devices, clinician, nurse)
    email, password = create_portal_patient(practice, main, clinician)
    accounts.append(DemoAccount(email, password, "Patient (portal)"))
    photos_demo.photograph(practice, clinician)
    demo_requests.send_demo_requests(practice)
    return practice, accounts


# The demo clinic's own hours (an example, not a recommendation): weekdays 09:00-18:00, Saturday mornings.
DEMO_OPENING_HOURS = {**{weekday: (time(9), time(18)) for weekday in range(5)}, 5: (time(9), time(13))}


def keep_hours(locations: tuple[Location, ...], practitioners: tuple[StaffUser, ...], devices: dict[str, Any]) -> None:
    """The demo clinic's opening hours, its practitioners' working hours (the clinic's hours) and their
    qualifications for every treatment the clinic has a device for (clinic/availability.py)."""
    for location in locations:
        for weekday, (opens, closes) in DEMO_OPENING_HOURS.items():
            OpeningHours.objects.create(location=location, weekday=weekday, opens=opens, closes=closes)
    for person in practitioners:
        for weekday, (starts, ends) in DEMO_OPENING_HOURS.items():
            WorkingHours.objects.create(staff=person, weekday=weekday, starts=starts, ends=ends)
        for code in sorted(devices):
            Qualification.objects.create(staff=person, modality=code)


def _review(rng: random.Random, plan: TreatmentPlan, clinician: StaffUser) -> None:
    """Leave the demo's plans in every state a clinic sees: waiting, proposed, overridden, accepted, declined."""
    roll = rng.random()
    try:
        if roll < 0.35:
            return
        options = plan.document.get("options", [])
        if roll < 0.5 and len(options) > 1 and options[1]["suitability"] in ("recommended", "acceptable"):
            services.override_plan(
                None,
                clinician,
                plan,
                kind=OverrideKind.CHOICE,
                modality=options[1]["modality"],
                reason="Patient prefers fewer clinic visits; discussed the trade-off.",
            )
        elif roll < 0.65 and (acceptable := [o for o in options[1:] if o["suitability"] == "acceptable"]):
            services.override_plan(
                None,
                clinician,
                plan,
                kind=OverrideKind.SUITABILITY,
                modality=acceptable[-1]["modality"],
                suitability="not_advised",
                reason="Bruised badly after a similar treatment elsewhere.",
            )
        if roll < 0.65:
            services.propose_plan(None, clinician, plan)
        elif roll < 0.9:
            services.decide_plan(None, clinician, plan, accepted=True)
        else:
            services.decide_plan(None, clinician, plan, accepted=False, note="Wants to think about it.")
    except services.PlanActionRefused:
        pass  # e.g. nothing suitable to accept: the plan stays as the engine made it
