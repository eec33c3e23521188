"""The demo practice's treatment rooms, devices and consent templates, and the courses of its accepted plans:
consent signed, sessions booked within the plans' intervals, past sessions charted and signed, today's sessions,
one adverse event awaiting review and outcomes after the sessions given.

Everything goes through the same services the pages use, so the demo holds only what the app itself would let a
clinic record. The patients are fictional; so are their charts. The devices' limits and the settings the charts
record come from demo_devices.toml, where each says whose it is: the limits are the clinic's example, labelled so
on every device, and no number there is presented as a manufacturer's.

The story runs forward: the consultation that made a plan comes first, then its acceptance, the consent (signed
the day before the first session), the bookings, the sessions charted and signed, and the outcomes after them.
"""

from __future__ import annotations

import random
import tomllib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lasercare.engine import load_knowledge
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import AdverseEvent, ChartStatus, Outcome, SessionChart
from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser
from lasercare.practice.consent import services as consent
from lasercare.practice.consent.defaults import default_wordings
from lasercare.practice.consent.models import Consent
from lasercare.practice.consultations import safety_questions, safety_services
from lasercare.practice.consultations.models import PlanFlag, PlanStatus, SafetyAnswer, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.safety.demo import eyewear_worn
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.models import Booking


@cache
def demo_devices() -> dict[str, Any]:
    return tomllib.loads(files("lasercare.practice").joinpath("demo_devices.toml").read_text("utf-8"))


def _decimal(value: object) -> Decimal:
    # Through str: a float such as 0.45 would carry binary noise into the record.
    return Decimal(str(value))


OPENING_HOURS = range(9, 17)
# A signature drawn with a finger: two strokes inside the pad's 600 x 200 box.
SIGNATURE = "M 40 140 L 80 60 L 120 150 L 160 70 L 200 140 M 230 120 L 300 110 L 380 125 L 460 100"


def equip(practice: Practice, location: Location, admin: StaffUser) -> dict[str, Device]:
    """Three rooms, a device for every treatment lasercare knows (a showroom more than a clinic), version 1 of
    every consent template."""
    for number in (1, 2, 3):
        Room.objects.create(practice=practice, location=location, name=f"Treatment room {number}")
    modalities = load_knowledge().modalities
    data = demo_devices()
    devices = {}
    for number, (code, modality) in enumerate(sorted(modalities.items()), start=1):
        entry = data["devices"][code]
        devices[code] = Device.objects.create(
            practice=practice,
            # As a clinic names its machines, not after the treatment: the front desk books by the name, and a
            # treatment's name is clinical content it does not see (docs/security.md).
            name=f"Device {number}",
            model=entry["model"],
            serial_number=f"RSC-{number:03d}",
            modality=code,
            wavelengths_nm=", ".join(str(w) for w in modality.wavelengths_nm) or "560",
            limits_source=data["limits_source"],
            **{
                f"{name}_{end}": _decimal(bound)
                for name, (low, high) in entry["limits"].items()
                for end, bound in (("min", low), ("max", high))
            },
        )
    for family, wording in default_wordings().items():
        consent.save_template_version(None, admin, practice, family, wording.title, wording.body)
    return devices


# What the demo's clinician writes when settling a plan's safety questions before its course is booked.
SAFETY_NOTES = {
    safety_questions.MEDICATION: "Checked with the patient and the repeat prescription: not a retinoid, "
    "photosensitiser or anticoagulant. Nothing to stop before treatment.",
    safety_questions.PHOTOTYPE: "Examined in clinic in daylight, with the patient's sun history: Fitzpatrick type "
    "confirmed as the photo estimate suggests.",
    safety_questions.FINDING: "Discussed the risk with the patient: test spot first and the plan's lower settings; "
    "the patient accepts. Signed off.",
}


def settle_safety_questions(plan: TreatmentPlan, clinician: StaffUser) -> None:
    """Before booking, the clinician settles each of the plan's open safety questions through the service, as the
    plan page does (an adverse event's question waits for its review)."""
    for question in safety_services.open_questions(plan):
        if question.kind in SAFETY_NOTES:
            safety_services.answer_question(None, clinician, plan, key=question.key, note=SAFETY_NOTES[question.kind])


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def run_courses(
    rng: random.Random, practice: Practice, devices: dict[str, Device], clinician: StaffUser, nurse: StaffUser
) -> None:
    """Carry every accepted plan whose treatment the practice has a device for through its course so far."""
    today = timezone.localdate()
    rooms = list(Room.objects.filter(practice=practice).order_by("name"))
    plans = TreatmentPlan.objects.filter(practice=practice, status=PlanStatus.ACCEPTED).select_related("patient")
    flagged = False
    for index, plan in enumerate(plans.order_by("pk")):
        modality = chosen_modality(plan)
        if modality not in devices:
            continue
        course = scheduling.course(plan)
        held_on = plan.consultation.held_on
        # Accepted at the consultation, and the safety questions settled there, before anything is booked.
        _dated(TreatmentPlan.objects.filter(pk=plan.pk, proposed_at__isnull=False), "proposed_at", on=held_on)
        _dated(TreatmentPlan.objects.filter(pk=plan.pk), "decided_at", on=held_on)
        settle_safety_questions(plan, clinician)
        _dated(SafetyAnswer.objects.filter(plan=plan), "answered_at", "recorded_at", on=held_on)
        prepared = consent.prepare_consent(None, clinician, plan)
        consent.sign_consent(
            None,
            nurse,
            prepared,
            signer=consent.Signer(typed_name=plan.patient.full_name),
            signature_svg=SIGNATURE,
            identity=consent.IdentityConfirmation(method="photo_id"),
        )
        booked: list[rules.Booked] = []
        bookings: list[Any] = []
        given = 0
        # Courses at every stage: this one has `done` sessions behind it and its next one up to 8 days ahead (today
        # for some), so the calendars of the coming days have sessions on them and the charts have a history. No
        # session comes before the day after the consultation that planned it (the consent is signed in between).
        ahead = today + timedelta(days=(index * 3) % 9)
        done = index % course.sessions
        while done and ahead - course.interval * done <= held_on + timedelta(days=1):
            done -= 1
        start = max(ahead - course.interval * done, held_on + timedelta(days=2))
        for number in range(1, course.sessions + 1):
            earliest = rules.window(course, number, booked).earliest
            day = _weekday(max(earliest, start + course.interval * (number - 1)))
            booking = _book(plan, number, day, index, clinician, nurse, rooms, devices[modality])
            if booking is None:
                break
            booked.append(rules.Booked(number, day))
            bookings.append(booking)
            if day >= today:
                break  # the next session is booked; the rest are booked later, as a clinic does
            _chart(plan, booking.practitioner, devices[modality], booking.starts_at, modality)
            given = number
        if booked:
            signed_on = max(held_on, booked[0].on - timedelta(days=1))
            _dated(Consent.objects.filter(pk=prepared.pk), "prepared_at", "signed_at", on=signed_on)
            # Session 1 is booked when the consent is signed; each later one at the session before it.
            for position, booking in enumerate(bookings):
                made_on = signed_on if position == 0 else booked[position - 1].on
                _dated(Booking.objects.filter(pk=booking.pk), "booked_at", on=made_on, hour=17)
            _signed_after_sessions(plan)
        if given and not flagged and modality in ("ipl", "pdl", "nafl_1550"):
            event = charting.record_adverse_event(
                None,
                nurse,
                plan,
                kind="purpura" if modality == "pdl" else "prolonged_erythema",
                severity="mild",
                onset_on=booked[given - 1].on,
                description="",
                treatment="Reassurance; sun protection.",
            )
            reported_on = min(today, booked[given - 1].on + timedelta(days=2))
            _dated(AdverseEvent.objects.filter(pk=event.pk), "recorded_at", on=reported_on)
            _dated(PlanFlag.objects.filter(plan=plan, reference=str(event.public_id)), "raised_at", on=reported_on)
            flagged = True
        if given:
            scores: dict[str, Any] = {"gais_clinician": rng.choice((2, 3)), "gais_patient": rng.choice((2, 3, 3))}
            scores["satisfaction"] = rng.choice((3, 4, 4, 5))
            assessed_on = min(today, booked[given - 1].on + timedelta(days=14))
            outcome = charting.record_outcome(
                None, clinician, plan, assessed_on=assessed_on, scores=scores, after_session=given, notes=""
            )
            _dated(Outcome.objects.filter(pk=outcome.pk), "recorded_at", on=assessed_on)


def _signed_after_sessions(plan: TreatmentPlan) -> None:
    """Each chart signed an hour after its session (not today, when the demo was made)."""
    for chart in SessionChart.objects.filter(plan=plan, status=ChartStatus.SIGNED):
        signed = min(chart.performed_at + timedelta(hours=1), timezone.now())
        SessionChart.objects.filter(pk=chart.pk).update(signed_at=signed)


def _dated(records: QuerySet[Any], *fields: str, on: date, hour: int = 8) -> None:
    """The demo's story is written today; its records' times are set to the days the story gives them (a consent
    signed the day before the first session, an outcome recorded on its assessment day). Through an UPDATE: a
    signed consent's own save() refuses any change, as it must everywhere but in this fiction. At 08:00 unless
    said otherwise: before the day's first session (09:00)."""
    moment = min(_at(on, hour), timezone.now())
    records.update(**dict.fromkeys(fields, moment))


def _book(
    plan: TreatmentPlan,
    number: int,
    day: date,
    index: int,
    clinician: StaffUser,
    nurse: StaffUser,
    rooms: list[Room],
    device: Device,
) -> Any:
    """Book the session on `day` at the first hour its practitioner, room, device and patient are all free."""
    practitioner = clinician if index % 2 else nurse
    hours = list(OPENING_HOURS)
    start = index % len(hours)
    for hour in hours[start:] + hours[:start]:
        try:
            return scheduling.book(
                None,
                clinician,
                plan,
                session_number=number,
                practitioner=practitioner,
                room=rooms[index % len(rooms)],
                device=device,
                starts_at=_at(day, hour),
                minutes=45,
            )
        except scheduling.BookingRefused:
            continue
    return None


def _chart(
    plan: TreatmentPlan,
    practitioner: StaffUser,
    device: Device,
    performed_at: datetime,
    modality: str,
) -> None:
    values: dict[str, Any] = {
        "wavelength_nm": device.wavelengths[0],
        "cooling": "none",
        "anaesthetic": "",
        "eyewear": load_knowledge().modalities[modality].eyewear_text,
        "treated_areas": "Face",
        "endpoint": "",
        "test_spot_result": "",
        "notes": "",
        **{name: _decimal(value) for name, value in demo_devices()["devices"][modality]["chart"].items()},
        **eyewear_worn(device, float(device.wavelengths[0])),
    }
    chart = charting.save_chart(None, practitioner, plan, device=device, values=values, performed_at=performed_at)
    charting.sign_chart(None, practitioner, chart)
