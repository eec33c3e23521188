"""Query-count guards: the list, timeline and dashboard pages cost the same number of queries however many rows
they show, so an N+1 query fails here before a clinic with 100,000 patients feels it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lasercare.practice.charting import services as charting
from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import OverrideKind
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import services as scheduling
from tests.web.booking_helpers import accepted_plan, add_device
from tests.web.conftest import basic_intake, make_patient, make_staff

SignIn = Callable[[StaffUser], Client]


def queries(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> int:
    # The first request of a session also writes the session's last-seen time: count a settled request.
    client.get("/health/")
    client.get(url) if method == "get" else client.post(url, data or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code == 200
    count = len(captured.captured_queries)
    # The baseline (after netbox's query_counts.json): a page that needs more queries than this has grown one.
    key = "search" if method == "post" else url if url in BASELINE else url.split("/")[1]
    assert count <= BASELINE[key], captured.captured_queries
    return count


# A search by name reads its two index ranges, then the page's rows by primary key (NameMatches).
BASELINE = {
    "/patients/": 6,
    "search": 7,
    "/": 12,  # with the portal's two lists (change requests, side-effect reports) and the plans ready to book
    # The timeline reads each kind of record once (consultations to side-effect reports and photos), and the course's
    # next session to book.
    "patients": 15,
    "plans": 6,
    "today": 6,
    "follow-ups": 6,
    "sessions": 6,
    "adverse-events": 6,
}


def add_visits(patient: Patient, clinician: StaffUser, count: int) -> None:
    for day in range(count):
        plan = services.record_consultation(
            None, clinician, patient, held_on=date(2026, 1, 1) + timedelta(days=day), intake=basic_intake()
        )
        services.override_plan(
            None,
            clinician,
            plan,
            kind=OverrideKind.CHOICE,
            modality=plan.document["options"][1]["modality"],
            reason="patient preference",
        )


def test_the_patient_list_costs_the_same_for_3_and_25_patients(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    for n in range(3):
        make_patient(practice, family_name=f"Able{n}")
    few = queries(client, "get", "/patients/")
    for n in range(22):
        make_patient(practice, family_name=f"Baker{n}")
    assert queries(client, "get", "/patients/") == few


def test_a_search_costs_the_same_for_1_and_20_matches(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    make_patient(practice, family_name="Carter")
    one = queries(client, "post", "/patients/", {"q": "carter"})
    for n in range(19):
        make_patient(practice, family_name="Carter", given_names=f"Kim{n}")
    assert queries(client, "post", "/patients/", {"q": "carter"}) == one


def test_the_timeline_costs_the_same_for_1_and_6_consultations(
    signed_in: SignIn, patient: Patient, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    add_visits(patient, clinician, 1)
    one = queries(client, "get", f"/patients/{patient.public_id}/")
    add_visits(patient, clinician, 5)
    assert queries(client, "get", f"/patients/{patient.public_id}/") == one


@pytest.mark.parametrize("url", ["/", "/today/", "/follow-ups/", "/plans/awaiting/"])
def test_the_dashboard_and_its_lists_cost_the_same_for_1_and_8_lines(
    url: str, signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    today = date.today()
    services.record_consultation(
        None, clinician, make_patient(practice), held_on=today, intake=basic_intake(), follow_up_on=today
    )
    one = queries(client, "get", url)
    for n in range(7):
        services.record_consultation(
            None,
            clinician,
            make_patient(practice, family_name=f"D{n}"),
            held_on=today,
            intake=basic_intake(),
            follow_up_on=today,
        )
    assert queries(client, "get", url) == one


def test_the_plan_page_costs_the_same_with_1_and_4_overrides(
    signed_in: SignIn, patient: Patient, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    plan = services.record_consultation(None, clinician, patient, held_on=date(2026, 11, 26), intake=basic_intake())
    options = [o["modality"] for o in plan.document["options"]]
    services.override_plan(None, clinician, plan, kind=OverrideKind.CHOICE, modality=options[1], reason="r1")
    one = queries(client, "get", f"/plans/{plan.public_id}/")
    for modality in options[2:5]:
        services.override_plan(
            None,
            clinician,
            plan,
            kind=OverrideKind.SUITABILITY,
            modality=modality,
            suitability="contraindicated",
            reason="r",
        )
    assert queries(client, "get", f"/plans/{plan.public_id}/") == one


def test_a_plan_without_overrides_is_shown_with_one_query_fewer(
    signed_in: SignIn, patient: Patient, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    plan = services.record_consultation(None, clinician, patient, held_on=date(2026, 11, 26), intake=basic_intake())
    none = queries(client, "get", f"/plans/{plan.public_id}/")
    services.override_plan(
        None, clinician, plan, kind=OverrideKind.CHOICE, modality=plan.document["options"][1]["modality"], reason="r"
    )
    assert queries(client, "get", f"/plans/{plan.public_id}/") == none + 1


def book_today(practice: Practice, clinician: StaffUser, n: int) -> None:
    """A patient with an accepted plan, its first session booked today at 08:00 + n quarter hours, and an
    adverse event awaiting review."""
    patient = make_patient(practice, family_name=f"Booked{n}")
    plan = accepted_plan(patient, clinician, date.today() - timedelta(days=120))
    room = Room.objects.create(practice=practice, name=f"Room {n}")
    device = add_device(practice, scheduling.course(plan).modality, f"Laser {n}")
    scheduling.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=make_staff(practice, Role.NURSE, username=f"practitioner-{n}"),
        room=room,
        device=device,
        starts_at=timezone.make_aware(datetime.combine(date.today(), time(8)) + timedelta(minutes=15 * n)),
        minutes=15,
    )
    charting.record_adverse_event(
        None, clinician, plan, kind="purpura", severity="mild", onset_on=date.today(), description=""
    )


@pytest.mark.parametrize("url", ["/", "/sessions/today/", "/adverse-events/awaiting-review/"])
def test_todays_sessions_and_adverse_events_cost_the_same_for_1_and_6_lines(
    url: str, signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    book_today(practice, clinician, 0)
    one = queries(client, "get", url)
    for n in range(1, 6):
        book_today(practice, clinician, n)
    assert queries(client, "get", url) == one


def test_the_timeline_costs_the_same_with_a_course_booked_and_charted(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    book_today(practice, clinician, 0)
    patient = Patient.objects.get(family_name="Booked0")
    bare = make_patient(practice, family_name="Bare")
    add_visits(bare, clinician, 1)
    assert queries(client, "get", f"/patients/{patient.public_id}/") == queries(
        client, "get", f"/patients/{bare.public_id}/"
    )
