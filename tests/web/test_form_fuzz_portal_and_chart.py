"""The forms test_form_fuzz.py cannot reach from the access matrix's records, posted the same odd values: every form
of the patient portal (as the signed-in patient, on her own plan, consent and appointment) and the chart forms of a
consented course (a new chart on a device, a draft's edit, a signed chart's addendum). Never a server error, and a
refused post saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import SessionChart
from lasercare.practice.clinic.models import Device, StaffUser
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.booking_helpers import accepted_plan
from tests.web.charting_helpers import chart, consent, device, values
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client
from tests.web.test_access_matrix import GET, POST, ROUTES, url_for
from tests.web.test_form_fuzz import _forms, row_counts, values_for

__all__ = ["jane"]
pytestmark = pytest.mark.usefixtures("photo_storage")

# Signing out ends the session every other example needs.
PORTAL_POST_ROUTES = sorted(
    key for key, route in ROUTES.items() if route.portal and POST in route.methods and key != "portal_sign_out"
)
SENT = {"requests": 0, "server_errors": 0}


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    """The count of posts and server errors of the run, printed for the record (pytest -s)."""
    yield
    print(f"\nportal and chart form fuzz: {SENT['requests']} requests, {SENT['server_errors']} server errors")


def _fuzz(client: Callable[[], Client], url: str, fields: dict[str, list[str]] | None) -> None:
    """Post generated values to `url`, each example from a fresh `client()` (a changed password or a signed
    consent must not turn the next examples into sign-in redirects)."""
    assert fields is not None, f"no form posts to {url}"

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=values_for(fields))
    def posted(data: dict[str, str]) -> None:
        before = row_counts()
        audited = AuditEntry.objects.count()
        response = client().post(url, data)
        SENT["requests"] += 1
        if response.status_code >= 500:
            SENT["server_errors"] += 1
        assert response.status_code < 500, f"POST {url} {sorted(data)}: {response.status_code}"
        after = row_counts()
        changed = {label for label in before if before[label] != after[label]}
        if response.status_code >= 400:
            assert changed == set(), f"refused POST {url} changed {changed}"
        elif changed:
            assert AuditEntry.objects.count() > audited, f"POST {url} saved {changed} without an audit entry"

    posted()


def _form_posting_to(client: Client, page: str, url: str) -> dict[str, list[str]] | None:
    """The fields of the form on `page` that posts to `url` (none for a form that is a lone button), or None."""
    for form in _forms(client, page):
        if form.action.split("?")[0] == url:
            return form.fields
    return None


@pytest.mark.parametrize("key", PORTAL_POST_ROUTES)
def test_no_portal_form_answers_odd_values_with_a_server_error_or_half_saves(key: str, jane: PatientWithCourse) -> None:
    # Online booking on, with no notice: the booking, moving and cancelling forms are on their pages.
    practice = jane.patient.practice
    practice.online_booking, practice.online_notice_hours = True, 0
    practice.save(update_fields=["online_booking", "online_notice_hours"])
    records = {"plan": jane.plan, "consent": jane.consent, "booking": jane.first, "skin_photo": jane.photo}
    url = url_for(key, ROUTES[key], records)
    # Moving and cancelling have no page of their own: their forms are on the appointment's change page.
    page = url if GET in ROUTES[key].methods else url_for("portal_change", ROUTES["portal_change"], records)
    fields = _form_posting_to(portal_client(jane.account), page, url)
    _fuzz(lambda: portal_client(jane.account), url, fields)


@pytest.fixture
def course(patient: Patient, clinician: StaffUser) -> tuple[TreatmentPlan, Device]:
    """An accepted plan held four months ago, consented, and a device to chart it on."""
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=120))
    consent(plan, clinician, sessions=3)
    return plan, device(plan.practice)


def _staff(user: StaffUser) -> Callable[[], Client]:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return lambda: client


def test_the_new_chart_form_answers_odd_values_without_a_server_error_or_half_saves(
    course: tuple[TreatmentPlan, Device], clinician: StaffUser
) -> None:
    plan, on = course
    url = f"/plans/{plan.public_id}/charts/new/"
    fields = _form_posting_to(_staff(clinician)(), f"{url}?device={on.public_id}", url)
    _fuzz(_staff(clinician), url, fields)


def test_a_draft_charts_edit_form_answers_odd_values_without_a_server_error_or_half_saves(
    course: tuple[TreatmentPlan, Device], clinician: StaffUser
) -> None:
    plan, on = course
    draft = charting.save_chart(
        None, clinician, plan, device=on, values=values(), performed_at=timezone.now() - timedelta(hours=1)
    )
    url = f"/charts/{draft.public_id}/edit/"
    fields = _form_posting_to(_staff(clinician)(), url, url)
    _fuzz(_staff(clinician), url, fields)
    assert SessionChart.objects.filter(pk=draft.pk).exists()


def test_a_signed_charts_addendum_form_answers_odd_values_without_a_server_error_or_half_saves(
    course: tuple[TreatmentPlan, Device], clinician: StaffUser
) -> None:
    plan, on = course
    signed = chart(plan, clinician, on, sign=True)
    url = f"/charts/{signed.public_id}/addendum/"
    fields = _form_posting_to(_staff(clinician)(), f"/charts/{signed.public_id}/", url)
    _fuzz(_staff(clinician), url, fields)
