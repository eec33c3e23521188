"""Records the charting tests build on: an accepted plan, its signed consent, a device, a chart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import SessionChart
from lasercare.practice.clinic.models import Device, Practice, StaffUser
from lasercare.practice.consent.models import Consent, ConsentStatus, ConsentTemplate
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.safety.models import Eyewear, EyewearRating, IplBand


def accept(plan: TreatmentPlan, clinician: StaffUser) -> TreatmentPlan:
    return services.decide_plan(None, clinician, plan, accepted=True)


def consent(plan: TreatmentPlan, by: StaffUser, sessions: int = 3, modality: str | None = None) -> Consent:
    template = ConsentTemplate.objects.create(
        practice=plan.practice,
        family="broadband_light",
        version=ConsentTemplate.objects.filter(practice=plan.practice).count() + 1,
        title="IPL consent",
        body="The practice's wording.",
        created_by=by,
    )
    return Consent.objects.create(
        practice=plan.practice,
        patient=plan.patient,
        plan=plan,
        template=template,
        modality=modality or services.chosen_modality(plan) or "",
        sessions=sessions,
        document={"treatment": "ipl"},
        document_sha256="0" * 64,
        status=ConsentStatus.SIGNED,
        prepared_by=by,
        signed_name="Jane Doe",
        signed_at=timezone.now(),
        witness=by,
    )


def device(
    practice: Practice, name: str = "IPL room 1", modality: str = "ipl", *, recorded: bool = True, **limits: Any
) -> Device:
    """A device; an IPL with its output band on record (515-1200 nm, an example for the tests) unless `recorded`
    is False, since the eyewear check refuses to sign a chart on a device whose output it cannot see."""
    found = Device.objects.create(
        practice=practice,
        name=name,
        manufacturer="Lumenis",
        model="M22",
        serial_number=f"SN-{name}",
        modality=modality,
        wavelengths_nm="560, 590, 640",
        **limits,
    )
    if recorded and modality == "ipl":
        IplBand.objects.create(device=found, from_nm=515, to_nm=1200, source="example band for the tests")
    return found


def ipl_eyewear(practice: Practice) -> dict[str, str]:
    """The chart's eyewear fields: patient shields and operator goggles rated for IPL (the practice's, made once)."""
    worn = {}
    for field, name, wearer in (
        ("eyewear_patient", "Test IPL shields", "patient"),
        ("eyewear_operator", "Test IPL goggles", "operator"),
    ):
        item, made = Eyewear.objects.get_or_create(practice=practice, name=name, defaults={"wearer": wearer})
        if made:
            EyewearRating.objects.create(eyewear=item, from_nm=400, to_nm=1400, ipl_rating="IPL filter, manufacturer")
        worn[field] = str(item.public_id)
    return worn


def values(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "wavelength_nm": 560,
        "fluence_j_cm2": Decimal("14"),
        "pulse_ms": Decimal("4"),
        "spot_mm": Decimal("15"),
        "passes": Decimal("1"),
        "cooling": "contact",
        "anaesthetic": "",
        "eyewear": "IPL goggles",
        "treated_areas": "face",
        "endpoint": "mild erythema",
    }
    found.update(changes)
    return found


def chart(
    plan: TreatmentPlan, user: StaffUser, on: Device, *, sign: bool = False, days_ago: int = 0, **changes: Any
) -> SessionChart:
    saved = charting.save_chart(
        None,
        user,
        plan,
        device=on,
        values=values(**{**ipl_eyewear(plan.practice), **changes}),
        performed_at=timezone.now() - timedelta(days=days_ago),
    )
    return charting.sign_chart(None, user, saved) if sign else saved


def form_data(on: Device, *, worn: bool = True, **changes: Any) -> dict[str, str]:
    """What the chart form posts; with IPL eyewear for the patient and the operator unless `worn` is False."""
    if worn:
        changes = {**ipl_eyewear(on.practice), **changes}
    found = {key: "" if value is None else str(value) for key, value in values(**changes).items()}
    found["device"] = str(on.public_id)
    found["performed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return found


def charting_records(plan: TreatmentPlan) -> dict[str, Any]:
    """A signed chart, an adverse event and an outcome of `plan`, written directly (the access matrix's records:
    the plan there is a draft, and only the pages' answers are tested)."""
    from lasercare.practice.charting.models import AdverseEvent, ChartStatus, Outcome

    by = plan.created_by
    now = timezone.now()
    signed = SessionChart.objects.create(
        practice=plan.practice,
        patient=plan.patient,
        plan=plan,
        consent=consent(plan, by, modality="ipl"),
        session_number=1,
        performed_at=now,
        performed_by=by,
        device=device(plan.practice, name="Matrix IPL"),
        wavelength_nm=560,
        fluence_j_cm2=Decimal("14"),
        eyewear="IPL goggles",
        treated_areas="face",
        status=ChartStatus.SIGNED,
        signed_by=by,
        signed_at=now,
    )
    event = AdverseEvent.objects.create(
        practice=plan.practice,
        patient=plan.patient,
        plan=plan,
        chart=signed,
        kind="purpura",
        severity="mild",
        onset_on=timezone.localdate(),
        recorded_by=by,
    )
    outcome = Outcome.objects.create(
        practice=plan.practice,
        patient=plan.patient,
        plan=plan,
        assessed_on=timezone.localdate(),
        gais_clinician=2,
        recorded_by=by,
    )
    return {"chart": signed, "adverse_event": event, "outcome": outcome}
