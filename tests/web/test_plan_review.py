"""Reviewing a plan: overrides need a reason, only clinicians accept, a re-plan supersedes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic.models import PriceListItem, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import OverrideKind, PlanOverride, PlanStatus, TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.conftest import CONSULTATION_DAY, basic_intake

SignIn = Callable[[StaffUser], Client]


def test_the_plan_page_shows_findings_options_and_sources(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    page = signed_in(clinician).get(f"/plans/{plan.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "History of herpes simplex" in text
    assert plan.document["options"][0]["name"] in text
    assert plan.document["bibliography"][0]["citation"] in text


def test_the_plan_page_shows_the_cost_estimate_from_the_price_list(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    PriceListItem.objects.create(practice=patient.practice, modality="ipl", per_session=250, currency="GBP")
    plan = services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())
    ipl = next(o for o in plan.document["options"] if o["modality"] == "ipl")
    for path in (f"/plans/{plan.public_id}/", f"/plans/{plan.public_id}/print/"):
        page = signed_in(clinician).get(path)
        assert page.status_code == 200
        assert f"Cost: {ipl['cost']['min']}" in page.content.decode()


def test_an_override_without_a_reason_is_refused_and_keeps_what_was_typed(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    second = plan.document["options"][1]["modality"]
    page = signed_in(clinician).post(
        f"/plans/{plan.public_id}/override/",
        {"kind": "suitability", "modality": second, "suitability": "not_advised", "reason": "   "},
    )
    assert page.status_code == 400
    assert (
        "Give the reason for the override" in page.content.decode() or "This field is required" in page.content.decode()
    )
    assert not PlanOverride.objects.exists()


def test_an_override_with_a_reason_is_shown_on_the_plan(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    second = plan.document["options"][1]["modality"]
    client = signed_in(clinician)
    response = client.post(
        f"/plans/{plan.public_id}/override/",
        {"kind": OverrideKind.CHOICE, "modality": second, "reason": "Patient prefers fewer visits"},
    )
    assert response.status_code == 302
    page = client.get(f"/plans/{plan.public_id}/").content.decode()
    assert "Patient prefers fewer visits" in page
    plan.refresh_from_db()
    assert plan.chosen_modality == second


def test_a_nurse_cannot_accept_a_plan(signed_in: SignIn, staff: dict[Role, StaffUser], plan: TreatmentPlan) -> None:
    response = signed_in(staff[Role.NURSE]).post(f"/plans/{plan.public_id}/accept/")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert AuditEntry.objects.filter(action=AuditAction.DENIED).exists()


def test_a_clinician_accepts_and_the_acceptance_is_audited(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    signed_in(clinician).post(f"/plans/{plan.public_id}/accept/", {"note": "Consent discussed"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert plan.decided_by == clinician
    assert AuditEntry.objects.filter(action=AuditAction.ACCEPT, record_id=str(plan.public_id)).exists()


def test_planning_again_supersedes_and_never_overwrites(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    response = signed_in(clinician).post(f"/plans/{plan.public_id}/replan/")
    newer = TreatmentPlan.objects.exclude(pk=plan.pk).get()
    assert response.headers["Location"] == f"/plans/{newer.public_id}/"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert newer.supersedes == plan
    assert plan.document["options"] == newer.document["options"]


@pytest.mark.parametrize("status", [PlanStatus.ACCEPTED, PlanStatus.DECLINED, PlanStatus.SUPERSEDED])
def test_a_decided_plan_cannot_be_overridden(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan, status: PlanStatus
) -> None:
    TreatmentPlan.objects.filter(pk=plan.pk).update(status=status)
    second = plan.document["options"][1]["modality"]
    response = signed_in(clinician).post(
        f"/plans/{plan.public_id}/override/",
        {"kind": OverrideKind.CHOICE, "modality": second, "reason": "late change"},
    )
    assert response.status_code == 400
    assert not PlanOverride.objects.exists()


def test_a_superseded_plan_links_to_the_plan_that_replaced_it(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, plan: TreatmentPlan
) -> None:
    newer = services.record_consultation(None, clinician, patient, held_on=date(2026, 12, 1), intake=basic_intake())
    page = signed_in(clinician).get(f"/plans/{plan.public_id}/").content.decode()
    assert "This plan was superseded" in page and f'href="/plans/{newer.public_id}/"' in page
    assert "This plan was superseded" not in signed_in(clinician).get(f"/plans/{newer.public_id}/").content.decode()
