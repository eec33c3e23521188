"""The front desk's side of the self-assessment: the worklist of requests, a request, and marking it handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.selfassessment.models import ConsultationRequest, RequestStatus
from tests.web.conftest import make_staff

SignIn = Callable[[StaffUser], Client]


def sent(practice: Practice, name: str = "Morwenna Tregarthen", **fields: Any) -> ConsultationRequest:
    values: dict[str, Any] = {
        "practice": practice,
        "name": name,
        "phone": "+44 7700 900777",
        "contact_by": "phone",
        "preferred_times": "weekday mornings",
        "answers": {"age": 45, "concerns": ["sun_spots"], "cold_sores": "yes", "q1": 1},
        "result": {"phototype": "II", "could_suit": ["ipl"], "unlikely": ["co2_full"], "findings": ["hsv_history"]},
        "consent_version": "2026-11",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return ConsultationRequest.objects.create(**values)


@pytest.fixture
def front_desk(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.FRONT_DESK]


def test_the_worklist_shows_open_requests_newest_first(
    signed_in: SignIn, front_desk: StaffUser, practice: Practice
) -> None:
    sent(practice, name="Older Person")
    sent(practice, name="Newer Person")
    sent(practice, name="Closed Person", status=RequestStatus.CLOSED)
    page = signed_in(front_desk).get("/consultation-requests/").content.decode()
    assert page.index("Newer Person") < page.index("Older Person")
    assert "Closed Person" not in page


def test_the_worklist_filters_by_status(signed_in: SignIn, front_desk: StaffUser, practice: Practice) -> None:
    sent(practice, name="Closed Person", status=RequestStatus.CLOSED)
    page = signed_in(front_desk).get("/consultation-requests/?status=closed").content.decode()
    assert "Closed Person" in page


def test_the_worklist_shows_no_other_practices_requests(
    signed_in: SignIn, front_desk: StaffUser, other_practice: Practice
) -> None:
    sent(other_practice, name="Elsewhere Person")
    assert "Elsewhere Person" not in signed_in(front_desk).get("/consultation-requests/?status=all").content.decode()


def test_listing_the_requests_is_audited(signed_in: SignIn, front_desk: StaffUser, practice: Practice) -> None:
    sent(practice)
    signed_in(front_desk).get("/consultation-requests/")
    entry = AuditEntry.objects.get(record_type="consultation_request")
    assert entry.action == AuditAction.LIST
    assert entry.actor == front_desk
    assert "Morwenna" not in entry.detail


def test_a_request_shows_contact_details_answers_and_result(
    signed_in: SignIn, front_desk: StaffUser, practice: Practice
) -> None:
    request = sent(practice)
    page = signed_in(front_desk).get(f"/consultation-requests/{request.public_id}/").content.decode()
    assert "+44 7700 900777" in page
    assert "weekday mornings" in page
    assert "Do you get cold sores (herpes simplex)?" in page
    assert "Intense pulsed light" in page
    assert "History of herpes simplex (cold sores)" in page


def test_viewing_a_request_is_audited(signed_in: SignIn, front_desk: StaffUser, practice: Practice) -> None:
    request = sent(practice)
    signed_in(front_desk).get(f"/consultation-requests/{request.public_id}/")
    entry = AuditEntry.objects.get(record_type="consultation_request", action=AuditAction.VIEW)
    assert entry.record_id == str(request.public_id)
    assert entry.actor == front_desk


def test_marking_a_request_contacted_records_who_and_audits_it(
    signed_in: SignIn, front_desk: StaffUser, practice: Practice
) -> None:
    request = sent(practice)
    response = signed_in(front_desk).post(
        f"/consultation-requests/{request.public_id}/status/", {"status": "contacted"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CONTACTED
    assert request.handled_by == front_desk
    entry = AuditEntry.objects.get(record_type="consultation_request", action=AuditAction.UPDATE)
    assert entry.detail == "status new to contacted"


def test_an_unknown_status_is_refused(signed_in: SignIn, front_desk: StaffUser, practice: Practice) -> None:
    request = sent(practice)
    response = signed_in(front_desk).post(f"/consultation-requests/{request.public_id}/status/", {"status": "lost"})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_another_practices_request_is_not_found(
    signed_in: SignIn, other_practice: Practice, practice: Practice
) -> None:
    request = sent(practice)
    elsewhere = make_staff(other_practice, Role.FRONT_DESK)
    client = signed_in(elsewhere)
    assert client.get(f"/consultation-requests/{request.public_id}/").status_code == 404
    assert client.post(f"/consultation-requests/{request.public_id}/status/", {"status": "closed"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_a_practice_admin_may_not_read_requests(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    assert signed_in(staff[Role.PRACTICE_ADMIN]).get("/consultation-requests/").status_code == 403


def test_the_navigation_links_the_requests_for_the_front_desk(signed_in: SignIn, front_desk: StaffUser) -> None:
    assert 'href="/consultation-requests/"' in signed_in(front_desk).get("/").content.decode()
