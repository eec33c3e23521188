"""Session charts, adverse events and outcomes: every change checks what the records allow, writes its audit
entry and runs in one transaction; views only call these and show the result.

No session is charted without a signed consent that covers it; a signed chart never changes (an addendum
corrects it); an adverse event flags its plan until a clinician has reviewed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.charting import required_settings, settings_check
from lasercare.practice.charting.models import (
    AdverseEvent,
    AdverseEventKind,
    ChartAddendum,
    ChartStatus,
    Cooling,
    Outcome,
    SessionChart,
    Severity,
)
from lasercare.practice.charting.scales import by_field
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import SETTINGS, Device, PhototypeSettingRange, StaffUser
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.practice.consent.services import covering_consent
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.safety import services as safety
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking, BookingStatus

SPECS = tuple(settings_check.SettingSpec(name, label, unit) for name, label, unit in SETTINGS)
SETTING_NAMES = tuple(spec.name for spec in SPECS)
# What a chart records besides its settings, as save_chart takes them.
DETAIL_FIELDS = (
    "wavelength_nm",
    "cooling",
    "anaesthetic",
    "eyewear",
    "test_spot_result",
    "endpoint",
    "treated_areas",
    "notes",
)
# A chart is written at or after the session; a clock a few minutes apart is not a reason to refuse it.
CLOCK_SLACK = timedelta(minutes=10)


class ChartingRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The records do not allow this (no consent, a signed chart, another practitioner's draft); says why."""


# -- what the chart form needs -------------------------------------------------------------------------------------


def phototype_of(plan: TreatmentPlan) -> str | None:
    found = plan.document.get("phototype", {}).get("fitzpatrick")
    return str(found) if found else None


def next_session_number(plan: TreatmentPlan) -> int:
    return int(SessionChart.objects.filter(plan=plan).aggregate(last=Max("session_number"))["last"] or 0) + 1


def open_draft(plan: TreatmentPlan) -> SessionChart | None:
    return SessionChart.objects.filter(plan=plan, status=ChartStatus.DRAFT).order_by("session_number").first()


def chart_blocker(plan: TreatmentPlan) -> str | None:
    """Why the plan's next session cannot be charted now, in words for the page; None when it can."""
    if plan.status != PlanStatus.ACCEPTED:
        return (
            f"This plan is {plan.get_status_display().lower()}: only a plan the patient accepted is treated "
            "and charted."
        )
    modality = chosen_modality(plan)
    if modality is None:
        return "No treatment is chosen in this plan."
    draft = open_draft(plan)
    if draft is not None:
        return f"Session {draft.session_number} is charted as a draft: complete and sign it before the next one."
    number = next_session_number(plan)
    if covering_consent(plan, number, modality) is not None:
        return None
    signed = (
        Consent.objects.filter(plan=plan, status=ConsentStatus.SIGNED, modality=modality, withdrawal__isnull=True)
        .order_by("-sessions")
        .first()
    )
    if signed is not None:
        return (
            f"The patient's signed consent covers sessions 1 to {signed.sessions}; session {number} needs a new "
            "signed consent before it can be charted."
        )
    return (
        f"There is no signed consent covering session {number} of this treatment. No session can be charted "
        "until the patient has signed one."
    )


def devices_for(plan: TreatmentPlan) -> list[Device]:
    """The practice's active devices that deliver the plan's chosen treatment."""
    return list(
        Device.objects.filter(practice_id=plan.practice_id, modality=chosen_modality(plan) or "", active=True).order_by(
            "name"
        )
    )


def start_values(plan: TreatmentPlan, *, before: SessionChart | None = None) -> SessionChart | None:
    """The patient's previous signed chart of the plan's treatment (under any plan, on any of its devices): the form
    starts from all of it, device and eyewear included; a draft is no record to start from. `before`: a chart being
    edited, whose own previous one is wanted."""
    charts = SessionChart.objects.filter(
        patient_id=plan.patient_id, status=ChartStatus.SIGNED, device__modality=chosen_modality(plan) or ""
    ).select_related("device")
    if before is not None:
        charts = charts.exclude(pk=before.pk).filter(performed_at__lte=before.performed_at)
    return charts.order_by("-performed_at", "-pk").first()


def setting_values(source: SessionChart | Mapping[str, Any]) -> dict[str, Decimal | None]:
    if isinstance(source, SessionChart):
        return {name: getattr(source, name) for name in SETTING_NAMES}
    return {name: source.get(name) for name in SETTING_NAMES}


def limits_for(device: Device, modality: str, phototype: str | None) -> list[settings_check.Limit]:
    """The device's limits and the practice's clinic-policy ranges for this treatment and phototype."""
    source = settings_check.device_source(device.limits_source)
    limits = [
        settings_check.Limit(name, getattr(device, f"{name}_min"), getattr(device, f"{name}_max"), source)
        for name in SETTING_NAMES
        if getattr(device, f"{name}_min") is not None or getattr(device, f"{name}_max") is not None
    ]
    if phototype is not None:
        for policy in PhototypeSettingRange.objects.filter(practice_id=device.practice_id, modality=modality):
            if phototype.upper() in policy.types:
                limits.append(
                    settings_check.Limit(
                        policy.setting,
                        policy.minimum,
                        policy.maximum,
                        settings_check.policy_source(phototype, policy.note),
                    )
                )
    return limits


@dataclass(frozen=True)
class Check:
    """What the chart form shows beside the settings: the change from last time and the warnings."""

    previous: SessionChart | None
    changes: tuple[settings_check.Change, ...]
    warnings: tuple[settings_check.SettingWarning, ...]
    # False: the device has no limits on record, so its settings were not checked against it (the page says so,
    # and never that the settings are within the device's limits).
    device_limits: bool = True
    # The settings the treatment needs that are not recorded (in words): signing is refused until they are.
    missing: tuple[str, ...] = ()

    def change_of(self, setting: str) -> settings_check.Change | None:
        return next((change for change in self.changes if change.setting == setting), None)


def check(
    plan: TreatmentPlan,
    device: Device,
    values: Mapping[str, Any],
    *,
    previous: SessionChart | None,
    session_number: int | None = None,
) -> Check:
    """The changes from last time and the warnings. With the session's number and a `performed_at` among the
    values, also whether the session comes sooner than the plan's minimum interval after the one before."""
    settings = setting_values(values)
    modality = chosen_modality(plan) or device.modality
    warnings = settings_check.warnings(
        SPECS,
        settings,
        limits_for(device, modality, phototype_of(plan)),
        wavelength_nm=values.get("wavelength_nm"),
        device_wavelengths=device.wavelengths,
    )
    performed_at = values.get("performed_at")
    if session_number is not None and isinstance(performed_at, datetime):
        too_soon = interval_warning(plan, session_number, timezone.localdate(performed_at))
        warnings = (*warnings, too_soon) if too_soon is not None else warnings
    return Check(
        previous=previous,
        changes=settings_check.changes(SPECS, settings, setting_values(previous) if previous is not None else None),
        warnings=warnings,
        device_limits=device.has_limits,
        missing=required_settings.missing(modality, settings),
    )


def interval_warning(
    plan: TreatmentPlan, session_number: int, performed_on: date
) -> settings_check.SettingWarning | None:
    """A session charted before the plan's course allows it (its minimum interval after the session charted
    before it, its waiting periods): the booking refused such a day unless a clinician gave a reason, and a chart
    says so too. The days are those the sessions were charted on, not booked for."""
    try:
        course = scheduling.course(plan)
    except scheduling.BookingRefused:
        return None
    done = [
        rules.Booked(number, timezone.localdate(at))
        for number, at in SessionChart.objects.filter(plan=plan, session_number__lt=session_number).values_list(
            "session_number", "performed_at"
        )
    ]
    window = rules.window(course, session_number, done)
    if performed_on >= window.earliest:
        return None
    message = window.problems(performed_on)[0]
    return settings_check.SettingWarning(
        setting="performed_at",
        label="Session date",
        value=rules.day_text(performed_on),
        limit=rules.day_text(window.earliest),
        bound="interval",
        source="the plan's course",
        message=message,
    )


# -- charts --------------------------------------------------------------------------------------------------------


def _locked_plan(plan: TreatmentPlan) -> TreatmentPlan:
    # Locking the plan serialises the charts of one plan: two sessions saved at once get different numbers.
    return TreatmentPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def save_chart(
    request: HttpRequest | None,
    user: StaffUser,
    plan: TreatmentPlan,
    *,
    device: Device,
    values: Mapping[str, Any],
    performed_at: datetime | None = None,
    chart: SessionChart | None = None,
) -> SessionChart:
    """Save the plan's next session as a draft chart (or change the practitioner's own draft, `chart`).

    `values`: the settings (SETTINGS' field names, Decimals or None) and DETAIL_FIELDS. Refused without a signed
    consent covering the session, for a plan not accepted, and for a device that does not deliver the chosen
    treatment. The warnings the settings raise are computed and kept with the chart.
    """
    plan = _locked_plan(plan)
    modality = chosen_modality(plan)
    if plan.status != PlanStatus.ACCEPTED or modality is None:
        raise ChartingRefused(chart_blocker(plan) or "This plan cannot be charted.")
    if device.practice_id != plan.practice_id or not device.active:
        raise ChartingRefused("Choose one of the practice's devices in use.")
    if device.modality != modality:
        raise ChartingRefused("That device does not deliver the treatment the patient accepted.")
    now = timezone.now()
    performed_at = performed_at or now
    if performed_at > now + CLOCK_SLACK:
        raise ChartingRefused("A session is charted when it has taken place, not before.")
    if chart is None:
        blocker = chart_blocker(plan)
        if blocker is not None:
            raise ChartingRefused(blocker)
        chart = SessionChart(
            practice_id=plan.practice_id,
            patient_id=plan.patient_id,
            plan=plan,
            session_number=next_session_number(plan),
            performed_by=user,
        )
        previous = start_values(plan)
        action = AuditAction.CREATE
    else:
        chart = SessionChart.objects.select_for_update().get(pk=chart.pk)
        _editable(chart, user)
        if chart.plan_id != plan.pk:
            raise ChartingRefused("That chart belongs to another plan.")
        previous = start_values(plan, before=chart)
        action = AuditAction.UPDATE
    consent = covering_consent(plan, chart.session_number, modality)
    if consent is None:
        raise ChartingRefused(
            f"There is no signed consent covering session {chart.session_number}: it cannot be charted."
        )
    chart.consent = consent
    chart.device = device
    chart.performed_at = performed_at
    for name in SETTING_NAMES:
        setattr(chart, name, values.get(name))
    for name in DETAIL_FIELDS:
        setattr(chart, name, values.get(name) if name == "wavelength_nm" else (values.get(name) or ""))
    if not chart.cooling:
        chart.cooling = Cooling.NONE
    worn = safety.chosen(
        plan.practice_id,
        values.get("eyewear_patient") or "",
        values.get("eyewear_operator") or "",
        values.get("eyewear_others") or (),
    )
    found = check(
        plan, device, {**values, "performed_at": performed_at}, previous=previous, session_number=chart.session_number
    )
    chart.warnings = [warning.as_dict() for warning in found.warnings]
    if chart.booking_id is None:
        chart.booking = (
            Booking.objects.filter(
                plan=plan, session_number=chart.session_number, status__in=ACTIVE_STATUSES, chart__isnull=True
            )
            .order_by("starts_at")
            .first()
        )
    booked_at = None if chart.booking is None else timezone.localtime(chart.booking.starts_at)
    try:
        plausible.chart_time(timezone.localtime(performed_at), timezone.localtime(now), booked_at)
    except plausible.Implausible as error:
        raise ChartingRefused(str(error)) from None
    if worn:
        chart.eyewear = safety.worn_words(worn)
    _clean(chart, exclude=["performed_by", "practice", "patient", "plan", "consent", "booking", "device"])
    chart.save()
    safety.record_worn(chart, worn)
    record(
        request,
        action,
        "chart",
        chart.public_id,
        patient_ref=plan.patient.public_id,
        detail=f"session {chart.session_number}, {len(chart.warnings)} warnings",
    )
    return chart


def _clean(instance: SessionChart | Outcome, *, exclude: list[str]) -> None:
    """The model's own checks, as a refusal the page can show (the forms check the same before)."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ChartingRefused(
            " ".join(f"{field}: {' '.join(problems)}" for field, problems in error.message_dict.items())
        ) from None


def _editable(chart: SessionChart, user: StaffUser) -> None:
    if chart.status == ChartStatus.SIGNED:
        raise ChartingRefused("This chart is signed: it never changes. Add an addendum to correct it.")
    if chart.performed_by_id != user.pk:
        raise ChartingRefused("Only the practitioner who performed the session changes or signs its chart.")


def may_edit(chart: SessionChart, user: StaffUser) -> bool:
    return chart.status == ChartStatus.DRAFT and chart.performed_by_id == user.pk and user.may(Action.CHART_SESSION)


@transaction.atomic
def sign_chart(request: HttpRequest | None, user: StaffUser, chart: SessionChart) -> SessionChart:
    """The practitioner who performed the session signs the chart (with its warnings on the page before them).
    The booking of the session is marked completed."""
    chart = SessionChart.objects.select_for_update().select_related("consent", "patient", "device").get(pk=chart.pk)
    _editable(chart, user)
    eyewear_refusal = safety.sign_refusal(chart)
    if eyewear_refusal is not None:
        raise ChartingRefused(eyewear_refusal)
    missing = required_settings.missing(chart.device.modality, setting_values(chart))
    if missing:
        raise ChartingRefused(required_settings.refusal(missing))
    if chart.consent.withdrawn:
        raise ChartingRefused("The patient withdrew the consent this session was charted under: it cannot be signed.")
    chart.status = ChartStatus.SIGNED
    chart.signed_by = user
    chart.signed_at = timezone.now()
    chart.save(update_fields=["status", "signed_by", "signed_at"])
    if chart.booking_id is not None:
        Booking.objects.filter(pk=chart.booking_id, status=BookingStatus.BOOKED).update(status=BookingStatus.COMPLETED)
    record(
        request,
        AuditAction.UPDATE,
        "chart",
        chart.public_id,
        patient_ref=chart.patient.public_id,
        detail=f"signed, {len(chart.warnings)} warnings shown",
    )
    return chart


@transaction.atomic
def add_addendum(request: HttpRequest | None, user: StaffUser, chart: SessionChart, text: str) -> ChartAddendum:
    """Correct or complete a signed chart. A draft is edited instead."""
    chart = SessionChart.objects.select_related("patient").get(pk=chart.pk)
    if chart.status != ChartStatus.SIGNED:
        raise ChartingRefused("This chart is still a draft: change it instead of adding an addendum.")
    text = text.strip()
    if not text:
        raise ChartingRefused("Write the addendum: what is corrected or added, and why.")
    addendum = ChartAddendum.objects.create(chart=chart, text=text, by=user)
    record(
        request, AuditAction.UPDATE, "chart", chart.public_id, patient_ref=chart.patient.public_id, detail="addendum"
    )
    return addendum


# -- adverse events ------------------------------------------------------------------------------------------------


@transaction.atomic
def record_adverse_event(
    request: HttpRequest | None,
    user: StaffUser,
    plan: TreatmentPlan,
    *,
    kind: str,
    severity: str,
    onset_on: date,
    description: str = "",
    treatment: str = "",
    chart: SessionChart | None = None,
) -> AdverseEvent:
    """Record what went wrong. Until a clinician reviews it, the plan is flagged."""
    if kind not in AdverseEventKind.values or severity not in Severity.values:
        raise ChartingRefused("Choose the kind of event and its severity from the lists.")
    if kind == AdverseEventKind.OTHER and not description.strip():
        raise ChartingRefused("Describe the event when its kind is “Other”.")
    if onset_on > timezone.localdate():
        raise ChartingRefused("The onset cannot be in the future.")
    if chart is not None:
        if chart.plan_id != plan.pk:
            raise ChartingRefused("That session belongs to another plan.")
        if onset_on < timezone.localdate(chart.performed_at):
            raise ChartingRefused("The onset is before the session it is recorded against.")
    event = AdverseEvent.objects.create(
        practice_id=plan.practice_id,
        patient_id=plan.patient_id,
        plan=plan,
        chart=chart,
        kind=kind,
        severity=severity,
        onset_on=onset_on,
        description=description.strip(),
        treatment=treatment.strip(),
        recorded_by=user,
    )
    record(
        request,
        AuditAction.CREATE,
        "adverse_event",
        event.public_id,
        patient_ref=plan.patient.public_id,
        detail=f"{kind}, {severity}",
    )
    # The flag holds the booking of the patient's plan until the review (consultations.PlanFlag).
    safety_services.raise_event_flag(
        request,
        user,
        plan,
        reference=str(event.public_id),
        on=onset_on,
        what=f"{event.get_kind_display()}, {event.get_severity_display().lower()}",
    )
    return event


@transaction.atomic
def review_adverse_event(
    request: HttpRequest | None, clinician: StaffUser, event: AdverseEvent, note: str
) -> AdverseEvent:
    """A clinician's review of the event, which clears the plan's flag for it."""
    if not clinician.may(Action.REVIEW_ADVERSE_EVENT):
        raise ChartingRefused("Only a clinician reviews an adverse event.")
    event = AdverseEvent.objects.select_for_update().select_related("patient").get(pk=event.pk)
    if event.reviewed_at is not None:
        raise ChartingRefused("This event was reviewed already.")
    note = note.strip()
    if not note:
        raise ChartingRefused("Write the review: what was decided for the plan.")
    event.reviewed_by = clinician
    event.reviewed_at = timezone.now()
    event.review_note = note
    event.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    record(
        request,
        AuditAction.UPDATE,
        "adverse_event",
        event.public_id,
        patient_ref=event.patient.public_id,
        detail="reviewed",
    )
    safety_services.clear_event_flags(request, clinician, reference=str(event.public_id))
    return event


@transaction.atomic
def update_resolution(
    request: HttpRequest | None, user: StaffUser, event: AdverseEvent, *, resolved_on: date, resolution: str
) -> AdverseEvent:
    event = AdverseEvent.objects.select_for_update().select_related("patient").get(pk=event.pk)
    if resolved_on < event.onset_on:
        raise ChartingRefused("The event cannot resolve before its onset.")
    if resolved_on > timezone.localdate():
        raise ChartingRefused("The resolution date cannot be in the future.")
    resolution = resolution.strip()
    if not resolution:
        raise ChartingRefused("Say how it resolved.")
    event.resolved_on = resolved_on
    event.resolution = resolution
    event.save(update_fields=["resolved_on", "resolution"])
    record(
        request,
        AuditAction.UPDATE,
        "adverse_event",
        event.public_id,
        patient_ref=event.patient.public_id,
        detail="resolved",
    )
    return event


def flagged(plan: TreatmentPlan) -> list[AdverseEvent]:
    """The plan's adverse events awaiting a clinician's review, oldest first."""
    return list(AdverseEvent.objects.filter(plan=plan, reviewed_at__isnull=True).order_by("recorded_at", "pk"))


# -- outcomes ------------------------------------------------------------------------------------------------------


def _assessed_from(plan: TreatmentPlan, after_session: int | None) -> date:
    """The first day an outcome of the plan can be assessed: the day of the session it follows; with none, the
    start of the practice's records."""
    today = timezone.localdate()
    records_from = today - timedelta(days=plausible.BOOKING_BEHIND_DAYS)
    if after_session is None:
        return records_from
    performed = (
        SessionChart.objects.filter(plan=plan, session_number=after_session)
        .order_by("performed_at")
        .values_list("performed_at", flat=True)
        .first()
    )
    return records_from if performed is None else timezone.localdate(performed)


@transaction.atomic
def record_outcome(
    request: HttpRequest | None,
    user: StaffUser,
    plan: TreatmentPlan,
    *,
    assessed_on: date,
    scores: Mapping[str, Any],
    after_session: int | None = None,
    notes: str = "",
) -> Outcome:
    """An assessment: `scores` by the Outcome's field names (gais_clinician, glogau, mmasi, ...)."""
    known = by_field()
    unknown = set(scores) - set(known)
    if unknown:
        raise ChartingRefused("Unknown scale.")
    if all(value is None for value in scores.values()):
        raise ChartingRefused("Record at least one score.")
    try:
        plausible.assessment_day(assessed_on, timezone.localdate(), _assessed_from(plan, after_session))
    except plausible.Implausible as error:
        raise ChartingRefused(str(error)) from None
    outcome = Outcome(
        practice_id=plan.practice_id,
        patient_id=plan.patient_id,
        plan=plan,
        assessed_on=assessed_on,
        after_session=after_session,
        notes=notes.strip(),
        recorded_by=user,
        **dict(scores),
    )
    _clean(outcome, exclude=["practice", "patient", "plan", "recorded_by"])
    outcome.save()
    record(request, AuditAction.CREATE, "outcome", outcome.public_id, patient_ref=plan.patient.public_id)
    return outcome
