"""The eyewear gate and what a device calls for.

Before a chart is signed, the eyewear recorded for the patient, the operator and everyone else present must cover
the session's wavelength with at least the optical density (and EN 207 scale numbers) lasercare.lasersafety works
out for the device at its worst case; otherwise signing is refused until a laser safety officer records an
override with a reason. The gate fails closed: a device whose laser-safety output is not on record (or not at the
wavelength charted) blocks signing like eyewear that falls short, since nothing then shows the eyewear is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from lasercare.lasersafety import EyewearRequirement, SafetyInputError
from lasercare.lasersafety.eyewear import worst_case
from lasercare.lasersafety.inventory import (
    IPL_NOTE,
    Coverage,
    LaserDevice,
    check_inventory,
    read_devices,
    read_eyewear,
)
from lasercare.lasersafety.inventory import (
    Eyewear as InventoryItem,
)
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting.models import ChartStatus, SessionChart
from lasercare.practice.clinic.models import Device, StaffUser
from lasercare.practice.safety.models import DeviceBeam, Eyewear, EyewearOverride, LaserSafetyOfficer, WornEyewear

NOT_RECORDED = (
    "{device} has no laser-safety output on record, so the eyewear it calls for cannot be worked out. A practice "
    "admin records its output from the manual (Configuration, the device's page); until then a laser safety "
    "officer decides each session."
)
WEARER_WORDS = {"patient": "the patient", "operator": "the operator", "other": "a person present"}


class SafetyRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The records do not allow this (not an officer, no reason, nothing to override); says why."""


# -- devices -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BeamRequirement:
    beam: DeviceBeam
    requirement: EyewearRequirement | None
    problem: str


def is_officer(user: StaffUser) -> bool:
    return (
        user.is_active and user.practice_id is not None and LaserSafetyOfficer.objects.filter(staff_id=user.pk).exists()
    )


def officers(practice_id: int) -> list[StaffUser]:
    return [
        officer.staff
        for officer in LaserSafetyOfficer.objects.filter(
            staff__practice_id=practice_id, staff__is_active=True
        ).select_related("staff")
    ]


def requirements(device: Device) -> list[BeamRequirement]:
    """Each laser output of the device with its worst-case requirement (or why none could be worked out)."""
    found = []
    for beam in DeviceBeam.objects.filter(device=device):
        try:
            (laser,) = read_devices({"device": [{"name": device.name, "beam": [beam.as_document()]}]})
            assert isinstance(laser, LaserDevice)
            requirement, _ = worst_case(laser.beams[0])
        except SafetyInputError as error:
            found.append(BeamRequirement(beam, None, f"{error.field}: {error.problem}"))
        else:
            found.append(BeamRequirement(beam, requirement, ""))
    return found


def _device_documents(device: Device, wavelength_nm: float | None) -> list[dict[str, object]]:
    """The device as the inventory check reads it; with a wavelength, only that wavelength's output."""
    beams = [
        beam.as_document()
        for beam in DeviceBeam.objects.filter(device=device)
        if wavelength_nm is None or abs(float(beam.wavelength_nm) - wavelength_nm) < 0.5
    ]
    documents: list[dict[str, object]] = []
    if beams:
        documents.append({"name": device.name, "beam": beams})
    for band in device.ipl_bands.all():
        documents.append({"name": device.name, "kind": "ipl", "band_nm": [float(band.from_nm), float(band.to_nm)]})
    return documents


def recorded(device: Device) -> bool:
    """Whether the device's laser-safety output (laser beams or IPL band) is on record."""
    return DeviceBeam.objects.filter(device=device).exists() or device.ipl_bands.exists()


def as_item(eyewear: Eyewear) -> InventoryItem:
    ratings = list(eyewear.ratings.all())
    document = {
        "name": eyewear.name,
        "rating": [rating.as_document() for rating in ratings if rating.od is not None],
        "ipl_rating": [rating.as_document() for rating in ratings if rating.od is None],
    }
    if not document["rating"] and not document["ipl_rating"]:
        return InventoryItem(eyewear.name, (), ())
    (item,) = read_eyewear({"eyewear": [document]})
    return item


# -- the gate ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """Whether the eyewear worn covers the session's wavelength; problems in words naming wavelength and OD."""

    checked: bool
    problems: tuple[str, ...]
    coverage: tuple[Coverage, ...]
    override: EyewearOverride | None
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def blocks(self) -> bool:
        return bool(self.problems) and self.override is None


def _shortfall(wearer: str, item: Eyewear, coverage: Coverage) -> str:
    who = WEARER_WORDS[wearer]
    if coverage.kind == "ipl" and coverage.band_nm is not None:
        low, high = coverage.band_nm
        return f"{item.name} ({who}) carries no manufacturer's IPL rating for {low:g}-{high:g} nm, the device's band."
    assert coverage.requirement is not None and coverage.wavelength_nm is not None
    needed = coverage.requirement.od_required
    wavelength = f"{coverage.wavelength_nm:g} nm"
    if coverage.best_od is None:
        return f"{item.name} ({who}) is not rated at {wavelength}: OD {needed:.1f} is needed there."
    words = f"{item.name} ({who}) gives OD {coverage.best_od:g} at {wavelength}; OD {needed:.1f} is needed"
    scale = [problem.split(": ", 1)[1] for problem in coverage.problems if problem.startswith(f"{item.name}: ")]
    if scale:
        words += f" (EN 207: {'; '.join(scale)})"
    return words + "."


def evaluate(
    device: Device, wavelength_nm: float | None, worn: Sequence[tuple[str, Eyewear]], practice_id: int
) -> tuple[tuple[str, ...], tuple[Coverage, ...], bool]:
    """The problems of this eyewear for this device at this wavelength, the coverage found, and whether the
    device was checked at all (its output on record)."""
    problems: list[str] = []
    for wearer in ("patient", "operator"):
        if not any(who == wearer for who, _ in worn):
            problems.append(f"No eyewear is recorded for {WEARER_WORDS[wearer]}.")
    if not recorded(device):
        problems.append(NOT_RECORDED.format(device=device.name))
        return tuple(problems), (), False
    documents = _device_documents(device, wavelength_nm)
    if not documents:
        problems.append(
            f"{device.name} has no laser output recorded at {wavelength_nm:g} nm: the eyewear needed there cannot "
            "be worked out."
        )
        return tuple(problems), (), True
    try:
        devices = read_devices({"device": documents})
        check_inventory(devices, ())  # works out every requirement, so a record it cannot use fails here
    except SafetyInputError as error:
        # Written around the admin's checks (a data migration, a shell): still a refusal, never a crash or a pass.
        problems.append(
            f"The output recorded for {device.name} cannot be used ({error.field}: {error.problem}): a practice "
            "admin corrects it on the device's page."
        )
        return tuple(problems), (), True
    coverage: list[Coverage] = []
    for wearer, item in worn:
        if item.practice_id != practice_id or not item.active:
            problems.append(f"{item.name} is not among the practice's eyewear in use.")
            continue
        if (wearer == "patient" and item.wearer == "operator") or (wearer != "patient" and item.wearer == "patient"):
            problems.append(f"{item.name} is for the {item.get_wearer_display().lower()}, not {WEARER_WORDS[wearer]}.")
        report = check_inventory(devices, (as_item(item),))
        for found in report.items:
            coverage.append(found)
            if not found.covered:
                problems.append(_shortfall(wearer, item, found))
    return tuple(problems), tuple(coverage), True


def preview(device: Device, wavelength_nm: object, items: Sequence[tuple[str, Eyewear]], practice_id: int) -> Gate:
    """The gate for a chart form being filled in (nothing stored)."""
    wavelength = float(wavelength_nm) if isinstance(wavelength_nm, int | float) else None
    if wavelength is None and recorded(device):
        return Gate(True, ("Give the wavelength used: the eyewear is checked at it.",), (), None)
    problems, coverage, checked = evaluate(device, wavelength, items, practice_id)
    return Gate(checked, problems, coverage, None, _note(checked, coverage))


def _note(checked: bool, coverage: Sequence[Coverage]) -> str:
    if not checked:
        return ""
    return IPL_NOTE if any(item.kind == "ipl" for item in coverage) else ""


def worn(chart: SessionChart) -> list[tuple[str, Eyewear]]:
    return [
        (row.wearer, row.eyewear)
        for row in WornEyewear.objects.filter(chart=chart)
        .select_related("eyewear")
        .prefetch_related("eyewear__ratings")
    ]


def gate(chart: SessionChart) -> Gate:
    problems, coverage, checked = evaluate(chart.device, float(chart.wavelength_nm), worn(chart), chart.practice_id)
    override = EyewearOverride.objects.filter(chart=chart).select_related("officer").first()
    return Gate(checked, problems, coverage, override, _note(checked, coverage))


def sign_refusal(chart: SessionChart) -> str | None:
    """Why the chart cannot be signed for its eyewear; None when it can."""
    found = gate(chart)
    if not found.blocks:
        return None
    names = ", ".join(officer.display_name for officer in officers(chart.practice_id)) or "none is appointed"
    return (
        ("The eyewear does not protect everyone in the room: " if found.checked else "The eyewear cannot be checked: ")
        + " ".join(found.problems)
        + f" The session cannot be charted until a laser safety officer ({names}) records an override with a reason."
    )


def eyewear_choices(practice_id: int) -> list[tuple[str, str]]:
    return [
        (str(item.public_id), f"{item.name} ({item.get_wearer_display().lower()})")
        for item in Eyewear.objects.filter(practice_id=practice_id, active=True).order_by("name")
    ]


def chosen(practice_id: int, patient: str, operator: str, others: Sequence[str]) -> list[tuple[str, Eyewear]]:
    """The eyewear items picked on the chart form, by their opaque ids, in this practice only."""
    wanted = [("patient", patient), ("operator", operator), *(("other", other) for other in others)]
    ids = [value for _, value in wanted if value]
    items = {
        str(item.public_id): item
        for item in Eyewear.objects.filter(practice_id=practice_id, public_id__in=ids).prefetch_related("ratings")
    }
    return [(wearer, items[value]) for wearer, value in wanted if value in items]


def worn_words(items: Sequence[tuple[str, Eyewear]]) -> str:
    """The eyewear as the chart's text says it: "The patient: Shields 1; the operator: Goggles 2"."""
    words = "; ".join(f"{WEARER_WORDS[wearer]}: {item.name}" for wearer, item in items)[:200]
    return words[:1].upper() + words[1:]


def worn_initial(chart: SessionChart) -> dict[str, object]:
    """The chart form's eyewear fields for a draft being edited."""
    rows = worn(chart)
    return {
        "eyewear_patient": next((str(item.public_id) for who, item in rows if who == "patient"), ""),
        "eyewear_operator": next((str(item.public_id) for who, item in rows if who == "operator"), ""),
        "eyewear_others": [str(item.public_id) for who, item in rows if who == "other"],
    }


def record_worn(chart: SessionChart, items: Sequence[tuple[str, Eyewear]]) -> None:
    """The eyewear worn at the session, replacing what a draft recorded before (the chart's audit entry covers
    it). An override was given for what the draft said then: once the eyewear, device or wavelength change, the
    officer decides again."""
    WornEyewear.objects.filter(chart=chart).delete()
    WornEyewear.objects.bulk_create(WornEyewear(chart=chart, wearer=wearer, eyewear=item) for wearer, item in items)
    override = EyewearOverride.objects.filter(chart=chart).first()
    if override is not None and list(gate(chart).problems) != override.problems:
        override.delete()


@transaction.atomic
def record_override(
    request: HttpRequest | None, officer: StaffUser, chart: SessionChart, reason: str
) -> EyewearOverride:
    """A laser safety officer lets a draft chart be signed although its eyewear falls short; audited."""
    if not is_officer(officer) or officer.practice_id != chart.practice_id:
        raise SafetyRefused("Only a laser safety officer of the practice overrides the eyewear check.")
    chart = SessionChart.objects.select_for_update().select_related("patient", "device").get(pk=chart.pk)
    if chart.status != ChartStatus.DRAFT:
        raise SafetyRefused("This chart is signed: its eyewear is on record as it was.")
    found = gate(chart)
    if found.override is not None:
        raise SafetyRefused("An override is already recorded for this session.")
    if found.passed:
        raise SafetyRefused("The eyewear recorded covers the device: there is nothing to override.")
    reason = reason.strip()
    if not reason:
        raise SafetyRefused("Give the reason for the override: why the session may go ahead with this eyewear.")
    override = EyewearOverride.objects.create(
        chart=chart, officer=officer, reason=reason, problems=list(found.problems)
    )
    record(
        request,
        AuditAction.OVERRIDE,
        "chart",
        chart.public_id,
        patient_ref=chart.patient.public_id,
        detail=f"eyewear check overridden by the laser safety officer, {len(found.problems)} problems",
    )
    return override


# -- a device's sheet and sign -------------------------------------------------------------------------------------


def device_sheet(device: Device) -> dict[str, object]:
    """What the device page and its sign show: each output's requirement, the practice's eyewear that covers it,
    and the laser safety officers."""
    beams = requirements(device)
    items = [
        as_item(item)
        for item in Eyewear.objects.filter(practice_id=device.practice_id, active=True).prefetch_related("ratings")
    ]
    items = [item for item in items if item.ratings or item.ipl_ratings]
    documents = _device_documents(device, None)
    coverage: tuple[Coverage, ...] = ()
    unusable = ""
    if documents and all(beam.requirement is not None for beam in beams):
        try:
            coverage = check_inventory(read_devices({"device": documents}), tuple(items)).items
        except SafetyInputError as error:
            unusable = f"{error.field}: {error.problem}"
    nohds = [beam.requirement.nohd_m for beam in beams if beam.requirement and beam.requirement.nohd_m is not None]
    return {
        "device": device,
        "beams": beams,
        "ipl_bands": list(device.ipl_bands.all()),
        "coverage": coverage,
        "officers": officers(device.practice_id),
        "recorded": recorded(device),
        "nohd_m": max(nohds) if nohds else None,
        "classes": sorted({beam.beam.laser_class for beam in beams if beam.beam.laser_class}),
        "ipl_note": IPL_NOTE,
        "unusable": unusable,
    }
