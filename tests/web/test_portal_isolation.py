"""A patient sees only their own records: every portal URL, asked with another patient's ids, finds nothing; the
pages without ids show none of the other patient's records; staff and patient sessions open only their own pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.portal.models import ChangeRequest, SideEffectReport
from tests.web.portal_helpers import PatientWithCourse, jane, john, portal_client
from tests.web.test_access_matrix import GET, ROUTES, URLS

__all__ = ["jane", "john"]
PORTAL_ROUTES = sorted(key for key, route in ROUTES.items() if route.portal)


def _url(key: str, of: PatientWithCourse) -> str:
    pattern = URLS[key]
    if "<uuid:public_id>" not in pattern:
        return reverse(key)
    record: Any = {"plan": of.plan, "consent": of.consent, "booking": of.first, "skin_photo": of.photo}[
        ROUTES[key].record
    ]
    return reverse(key, args=[record.public_id])


def test_every_portal_page_is_in_this_walk() -> None:
    assert set(PORTAL_ROUTES) == {key for key in URLS if key.startswith("portal_")} - {
        "portal_sign_in",
        "portal_send_link",
        "portal_sign_in_link",
        "portal_invitation",
        "portal_sign_out",
        "portal_invite",
        "portal_close",
    }


@pytest.mark.parametrize(
    ("key", "method"),
    [(k, m.lower()) for k in PORTAL_ROUTES if "<uuid:public_id>" in URLS[k] for m in ROUTES[k].methods],
)
def test_another_patients_record_is_not_found(
    key: str, method: str, jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    response = getattr(portal_client(jane.account), method)(_url(key, john))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "key", [k for k in PORTAL_ROUTES if "<uuid:public_id>" in URLS[k] and GET in ROUTES[k].methods]
)
def test_ones_own_record_is_found(key: str, jane: PatientWithCourse) -> None:
    response = portal_client(jane.account).get(_url(key, jane))
    assert response.status_code == 200


@pytest.mark.parametrize("key", [k for k in PORTAL_ROUTES if "<uuid:public_id>" not in URLS[k]])
def test_a_page_of_ones_own_shows_nothing_of_another_patients(
    key: str, jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    response = portal_client(jane.account).get(reverse(key))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(john.plan.public_id) not in page
    assert str(john.consent.public_id) not in page
    assert str(john.first.public_id) not in page
    assert str(john.photo.public_id) not in page
    assert "John" not in page


def test_a_change_request_for_another_patients_appointment_is_not_made(
    jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    portal_client(jane.account).post(reverse("portal_change", args=[john.first.public_id]), {"wish": "cancel"})
    assert not ChangeRequest.objects.exists()


def test_a_side_effect_cannot_be_tied_to_another_patients_appointment(
    jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    response = portal_client(jane.account).post(
        reverse("portal_report"),
        {"symptoms": ["redness_swelling"], "started_on": "2026-01-01", "session": str(john.first.public_id)},
    )
    assert response.status_code == 400  # not one of the choices her form offers
    assert not SideEffectReport.objects.exists()


def test_a_staff_session_does_not_open_the_portal(client: Client, staff: dict[Role, StaffUser]) -> None:
    client.force_login(staff[Role.CLINICIAN])
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_sign_in")


def test_a_patient_session_does_not_open_staff_pages(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    for name in ("patients", "calendar"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert "Staff log in" in client.get(reverse("dashboard")).content.decode()  # the front door, not the dashboard
    response = client.get(reverse("patient", args=[jane.patient.public_id]))
    assert response.status_code == 302


def test_a_refused_record_is_not_written_to_the_audit_log_as_read(
    jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    portal_client(jane.account).get(reverse("portal_plan", args=[john.plan.public_id]))
    assert not AuditEntry.objects.filter(record_id=str(john.plan.public_id), action="view").exists()
