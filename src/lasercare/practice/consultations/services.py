"""Consultations and treatment plans: recording, planning, review, overrides and the patient's decision.

Every operation here checks what the plan's status allows, writes its audit entry, and runs in one transaction,
so a view only calls it and shows the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lasercare.engine import IntakeError, KnowledgeError, make_plan, plan_to_dict, read_intake
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import Location, StaffUser
from lasercare.practice.clinic.policy import knowledge_for
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import (
    OPEN_STATUSES,
    SUITABILITIES,
    Consultation,
    MedicalHistory,
    OverrideKind,
    PlanOverride,
    PlanStatus,
    TreatmentPlan,
)
from lasercare.practice.patients.models import Patient


class PlanActionRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The plan's status (or the request) does not allow this action; the message says why."""


@dataclass(frozen=True)
class PlanPreview:
    """The engine's answer to an intake still being filled in: a plan, or the field it cannot read."""

    plan: dict[str, Any] | None
    error_field: str | None = None
    error: str | None = None


def plan_document(patient: Patient, intake: dict[str, Any], on: date) -> dict[str, Any]:
    """The engine's plan for this intake; raises IntakeError naming the field it cannot accept."""
    knowledge = knowledge_for(patient.practice)
    return plan_to_dict(make_plan(read_intake(intake, on), on, knowledge))


def preview(patient: Patient, intake: dict[str, Any], on: date) -> PlanPreview:
    try:
        return PlanPreview(plan=plan_document(patient, intake, on))
    except IntakeError as error:
        return PlanPreview(plan=None, error_field=error.field, error=str(error))
    except KnowledgeError as error:
        return PlanPreview(plan=None, error=f"The practice's clinic policy is broken: {error}")


def _check_plausible(held_on: date, follow_up_on: date | None, intake: dict[str, Any]) -> None:
    """Refuse, before the engine dates anything from them, days and limits no consultation has."""
    today = timezone.localdate()
    goals = intake.get("goals") or {}
    try:
        plausible.consultation_day(held_on, today)
        if follow_up_on is not None:
            plausible.follow_up_day(follow_up_on, today, held_on)
        if goals.get("max_sessions") is not None:
            plausible.sessions_limit(int(goals["max_sessions"]))
        if goals.get("ready_by"):
            plausible.event_day(date.fromisoformat(str(goals["ready_by"])), held_on, today)
        if goals.get("max_downtime_days") is not None:
            plausible.downtime_limit(int(goals["max_downtime_days"]))
    except plausible.Implausible as error:
        raise IntakeError("", str(error)) from None


@transaction.atomic
def record_consultation(
    request: HttpRequest | None,
    seen_by: StaffUser,
    patient: Patient,
    *,
    held_on: date,
    intake: dict[str, Any],
    notes: str = "",
    follow_up_on: date | None = None,
    location: Location | None = None,
) -> TreatmentPlan:
    """Store the consultation, its medical-history version and the engine's draft plan.

    Open plans of the patient are superseded by the new one. Raises IntakeError (nothing stored) when the
    engine cannot read the intake, or a day or limit is outside its plausible range (clinic/plausible.py).
    """
    _check_plausible(held_on, follow_up_on, intake)
    document = plan_document(patient, intake, held_on)
    consultation = Consultation.objects.create(
        practice=patient.practice,
        patient=patient,
        location=location,
        held_on=held_on,
        seen_by=seen_by,
        intake=intake,
        notes=notes,
        follow_up_on=follow_up_on,
    )
    latest = MedicalHistory.objects.filter(patient=patient).order_by("-version").values_list("version", flat=True)
    MedicalHistory.objects.create(
        consultation=consultation,
        patient=patient,
        version=(latest.first() or 0) + 1,
        document=intake.get("history", {}),
    )
    record(request, AuditAction.CREATE, "consultation", consultation.public_id, patient_ref=patient.public_id)
    return _new_plan(request, seen_by, consultation, document)


def _new_plan(
    request: HttpRequest | None, user: StaffUser, consultation: Consultation, document: dict[str, Any]
) -> TreatmentPlan:
    patient = consultation.patient
    # Every open plan gives way to the new one; the newest is linked as the one superseded.
    open_plans = list(
        TreatmentPlan.objects.select_for_update()
        .filter(patient=patient, status__in=OPEN_STATUSES)
        .order_by("-created_at", "-pk")
    )
    for old in open_plans:
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status"])
        record(request, AuditAction.SUPERSEDE, "plan", old.public_id, patient_ref=patient.public_id)
    supersedes = open_plans[0] if open_plans else None
    plan = TreatmentPlan.objects.create(
        practice=consultation.practice,
        patient=patient,
        consultation=consultation,
        document=document,
        knowledge_version=document["knowledge_version"],
        supersedes=supersedes,
        created_by=user,
    )
    record(request, AuditAction.CREATE, "plan", plan.public_id, patient_ref=patient.public_id)
    # What a clinician settled before booking holds on the new plan while its question is unchanged.
    safety_services.carry_over(request, user, supersedes, plan)
    return plan


@transaction.atomic
def replan(request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan) -> TreatmentPlan:
    """Plan the same consultation again with today's knowledge and clinic policy; the old plan is superseded."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_open:
        raise PlanActionRefused(f"A {plan.get_status_display().lower()} plan cannot be planned again.")
    consultation = plan.consultation
    document = plan_document(consultation.patient, consultation.intake, consultation.held_on)
    return _new_plan(request, user, consultation, document)


def overrides_of(plan: TreatmentPlan) -> list[PlanOverride]:
    """The plan's overrides, oldest first, with who made them."""
    return list(PlanOverride.objects.filter(plan=plan).select_related("by"))


def effective_options(plan: TreatmentPlan, overrides: Sequence[PlanOverride] | None = None) -> list[dict[str, Any]]:
    """The engine's options with the clinician's overrides applied, each marked with the override behind it.
    `overrides`: the plan's, when the caller has read them already."""
    latest: dict[str, PlanOverride] = {}
    for change in plan.overrides.all() if overrides is None else overrides:
        if change.kind == OverrideKind.SUITABILITY:
            latest[change.modality] = change
    options = []
    for option in plan.document.get("options", []):
        shown = dict(option)
        override = latest.get(option["modality"])
        shown["engine_suitability"] = option["suitability"]
        shown["override"] = override
        if override is not None:
            shown["suitability"] = override.suitability
        shown["chosen"] = option["modality"] == chosen_modality(plan)
        options.append(shown)
    return options


def chosen_modality(plan: TreatmentPlan) -> str | None:
    return plan.chosen_modality or plan.engine_choice


@transaction.atomic
def override_plan(
    request: HttpRequest | None,
    user: StaffUser,
    plan: TreatmentPlan,
    *,
    kind: OverrideKind,
    modality: str,
    reason: str,
    suitability: str = "",
) -> PlanOverride:
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise PlanActionRefused(f"A {plan.get_status_display().lower()} plan cannot be changed; plan again instead.")
    reason = reason.strip()
    if not reason:
        raise PlanActionRefused("Give the reason for the override: it is shown on the plan.")
    option = next((o for o in plan.document.get("options", []) if o["modality"] == modality), None)
    if option is None:
        raise PlanActionRefused("That treatment is not one of this plan's options.")
    if kind == OverrideKind.SUITABILITY:
        if suitability not in {code for code, _ in SUITABILITIES}:
            raise PlanActionRefused("Choose the suitability the option should have.")
        if suitability == option["suitability"]:
            raise PlanActionRefused("That is already the engine's suitability for this option.")
    elif kind == OverrideKind.CHOICE:
        suitability = ""
        if modality == chosen_modality(plan):
            raise PlanActionRefused("That option is already the chosen one.")
        current = {o["modality"]: o["suitability"] for o in effective_options(plan)}
        if current[modality] == "contraindicated":
            raise PlanActionRefused(
                "A contraindicated option cannot be chosen; change its suitability first, with the reason."
            )
        plan.chosen_modality = modality
        plan.save(update_fields=["chosen_modality"])
    override = PlanOverride.objects.create(
        plan=plan,
        kind=kind,
        modality=modality,
        engine_suitability=option["suitability"],
        suitability=suitability,
        reason=reason,
        by=user,
    )
    record(request, AuditAction.OVERRIDE, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail=kind)
    return override


@transaction.atomic
def propose_plan(request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan) -> TreatmentPlan:
    """The clinician signs the plan off: it can now be put to the patient."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise PlanActionRefused(f"Only a draft can be signed off; this plan is {plan.get_status_display().lower()}.")
    plan.status = PlanStatus.PROPOSED
    plan.proposed_by = user
    plan.proposed_at = timezone.now()
    plan.save(update_fields=["status", "proposed_by", "proposed_at"])
    record(request, AuditAction.UPDATE, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="proposed")
    return plan


@transaction.atomic
def decide_plan(
    request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan, *, accepted: bool, note: str = ""
) -> TreatmentPlan:
    """Record the patient's decision. Accepting needs a treatment that may be given."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise PlanActionRefused(f"This plan is {plan.get_status_display().lower()}: it cannot be decided again.")
    if accepted:
        chosen = chosen_modality(plan)
        suitability = {o["modality"]: o["suitability"] for o in effective_options(plan)}
        if chosen is None or suitability.get(chosen) in (None, "contraindicated", "not_advised"):
            raise PlanActionRefused(
                "No suitable treatment is chosen: choose an option (with the reason) before accepting."
            )
        plan.chosen_modality = chosen
    if plan.status == PlanStatus.DRAFT:
        plan.proposed_by = user
        plan.proposed_at = timezone.now()
    plan.status = PlanStatus.ACCEPTED if accepted else PlanStatus.DECLINED
    plan.decided_by = user
    plan.decided_at = timezone.now()
    plan.decision_note = note.strip()[:500]
    plan.save()
    action = AuditAction.ACCEPT if accepted else AuditAction.DECLINE
    record(request, action, "plan", plan.public_id, patient_ref=plan.patient.public_id)
    return plan
