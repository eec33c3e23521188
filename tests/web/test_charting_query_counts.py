"""Query-count guard: a plan's sessions page costs the same number of queries for 1 and 6 sessions (with their
adverse events, outcomes and addenda), so an N+1 query fails here first."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lasercare.practice.charting import services as charting
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.charting_helpers import accept, chart, consent, device
from tests.web.conftest import CONSULTATION_DAY, basic_intake, make_patient

SignIn = Callable[[StaffUser], Client]
BASELINE = 8  # session, user, plan, charts, their addenda, events, outcomes, the audit entry


def charted_plan(patient: Patient, clinician: StaffUser, practice: Practice, sessions: int) -> TreatmentPlan:
    from lasercare.practice.consultations import services

    plan = accept(
        services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake()),
        clinician,
    )
    consent(plan, clinician, sessions=sessions)
    on = device(practice, name=f"IPL {patient.pk}")
    for number in range(sessions):
        session = chart(plan, clinician, on, sign=True, days_ago=(sessions - number) * 30)
        charting.add_addendum(None, clinician, session, "checked")
        event = charting.record_adverse_event(
            None, clinician, plan, kind="purpura", severity="mild", onset_on=timezone.localdate(), chart=session
        )
        if number % 2:
            charting.review_adverse_event(None, clinician, event, "expected")
        charting.record_outcome(
            None,
            clinician,
            plan,
            assessed_on=timezone.localdate(),
            after_session=session.session_number,
            scores={"gais_clinician": 2, "glogau": 2},
        )
    return plan


def queries(client: Client, url: str) -> int:
    client.get("/health/")  # the first request of a session also writes its last-seen time
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    count = len(captured.captured_queries)
    assert count <= BASELINE, captured.captured_queries
    return count


def test_the_plans_sessions_page_costs_the_same_for_1_and_6_sessions(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    one = charted_plan(make_patient(practice, given_names="One"), clinician, practice, 1)
    six = charted_plan(make_patient(practice, given_names="Six"), clinician, practice, 6)
    assert queries(client, f"/plans/{one.public_id}/charts/") == queries(client, f"/plans/{six.public_id}/charts/")
