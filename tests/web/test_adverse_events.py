"""Adverse events: recorded by clinicians and nurses, they flag the plan until a clinician reviews them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import AdverseEvent
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from tests.web.charting_helpers import accept, chart, consent, device
from tests.web.conftest import make_staff

SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def consented(plan: TreatmentPlan, clinician: StaffUser) -> TreatmentPlan:
    accepted = accept(plan, clinician)
    consent(accepted, clinician)
    return accepted


@pytest.fixture
def nurse(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.NURSE]


def event_of(plan: TreatmentPlan, by: StaffUser, **changes: object) -> AdverseEvent:
    values: dict[str, object] = {
        "kind": "hyperpigmentation",
        "severity": "mild",
        "onset_on": timezone.localdate(),
        "treatment": "hydroquinone 4% nightly",
    }
    values.update(changes)
    return charting.record_adverse_event(None, by, plan, **values)  # type: ignore[arg-type]


def test_a_nurse_records_an_event_against_a_session(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser, practice: Practice
) -> None:
    session = chart(consented, clinician, device(practice), sign=True, days_ago=3)
    page = signed_in(nurse).post(
        f"/plans/{consented.public_id}/adverse-events/new/",
        {
            "kind": "blistering",
            "severity": "moderate",
            "onset_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "chart": str(session.public_id),
            "treatment": "dressing",
        },
    )
    event = AdverseEvent.objects.get()
    assert page.status_code == 302
    assert (event.kind, event.severity, event.chart, event.recorded_by) == ("blistering", "moderate", session, nurse)


def test_an_event_flags_the_plan_until_a_clinician_reviews_it(
    consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    event = event_of(consented, nurse)
    assert charting.flagged(consented) == [event]
    charting.review_adverse_event(None, clinician, event, "Continue at lower fluence after it clears.")
    assert charting.flagged(consented) == []


def test_the_plans_page_lists_flagged_events_first_awaiting_review(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    reviewed = event_of(consented, nurse, kind="purpura", onset_on=timezone.localdate() - timedelta(days=9))
    charting.review_adverse_event(None, clinician, reviewed, "Expected; continue.")
    event_of(consented, nurse, kind="blistering", onset_on=timezone.localdate() - timedelta(days=10))
    text = signed_in(nurse).get(f"/plans/{consented.public_id}/charts/").content.decode()
    assert "1 adverse event awaiting clinician review" in text
    assert text.index("Blistering") < text.index("Purpura")
    assert text.count("awaiting clinician review</span>") == 1


def test_only_clinicians_review(signed_in: SignIn, consented: TreatmentPlan, nurse: StaffUser) -> None:
    event = event_of(consented, nurse)
    with pytest.raises(charting.ChartingRefused, match="Only a clinician"):
        charting.review_adverse_event(None, nurse, event, "fine")
    client = signed_in(nurse)
    assert client.post(f"/adverse-events/{event.public_id}/review/", {"note": "fine"}).status_code == 403
    assert "Record the review" not in client.get(f"/adverse-events/{event.public_id}/").content.decode()
    event.refresh_from_db()
    assert event.reviewed_at is None


def test_a_review_needs_a_note(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    event = event_of(consented, nurse)
    page = signed_in(clinician).post(f"/adverse-events/{event.public_id}/review/", {"note": ""})
    assert page.status_code == 400
    assert "This field is required" in page.content.decode()
    assert charting.flagged(consented) == [event]


def test_a_clinicians_review_is_shown_with_their_name(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    event = event_of(consented, nurse)
    client = signed_in(clinician)
    assert client.post(f"/adverse-events/{event.public_id}/review/", {"note": "Pause two weeks."}).status_code == 302
    text = client.get(f"/adverse-events/{event.public_id}/").content.decode()
    assert "Pause two weeks." in text
    assert clinician.display_name in text
    assert "Awaiting clinician review" not in text


def test_an_event_of_kind_other_needs_a_description(
    signed_in: SignIn, consented: TreatmentPlan, nurse: StaffUser
) -> None:
    page = signed_in(nurse).post(
        f"/plans/{consented.public_id}/adverse-events/new/",
        {"kind": "other", "severity": "mild", "onset_on": timezone.localdate().isoformat(), "treatment": "ice packs"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Describe the event when its type is Other." in text
    assert "ice packs" in text
    assert not AdverseEvent.objects.exists()


def test_an_onset_in_the_future_is_refused(signed_in: SignIn, consented: TreatmentPlan, nurse: StaffUser) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = signed_in(nurse).post(
        f"/plans/{consented.public_id}/adverse-events/new/",
        {"kind": "burn", "severity": "mild", "onset_on": tomorrow.isoformat()},
    )
    assert page.status_code == 400
    assert "This date is in the future." in page.content.decode()


def test_the_resolution_is_recorded_and_not_before_the_onset(
    signed_in: SignIn, consented: TreatmentPlan, nurse: StaffUser
) -> None:
    event = event_of(consented, nurse, onset_on=timezone.localdate() - timedelta(days=5))
    client = signed_in(nurse)
    early = (timezone.localdate() - timedelta(days=6)).isoformat()
    page = client.post(f"/adverse-events/{event.public_id}/resolve/", {"resolved_on": early, "resolution": "faded"})
    assert page.status_code == 400
    assert "cannot resolve before its onset" in page.content.decode()
    today = timezone.localdate().isoformat()
    assert (
        client.post(
            f"/adverse-events/{event.public_id}/resolve/", {"resolved_on": today, "resolution": "faded"}
        ).status_code
        == 302
    )
    event.refresh_from_db()
    assert (event.resolved_on, event.resolution) == (timezone.localdate(), "faded")


def test_another_practices_event_is_not_found(
    signed_in: SignIn, consented: TreatmentPlan, nurse: StaffUser, other_practice: Practice
) -> None:
    event = event_of(consented, nurse)
    outsider = signed_in(make_staff(other_practice, Role.CLINICIAN))
    assert outsider.get(f"/adverse-events/{event.public_id}/").status_code == 404
    assert outsider.post(f"/adverse-events/{event.public_id}/review/", {"note": "x"}).status_code == 404
    assert outsider.get(f"/plans/{consented.public_id}/adverse-events/new/").status_code == 404
    assert charting.flagged(consented) == [event]


def test_a_session_of_another_plan_is_refused(
    consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser, practice: Practice
) -> None:
    from lasercare.practice.consultations import services

    session = chart(consented, clinician, device(practice), sign=True)
    other = services.record_consultation(
        None, clinician, consented.patient, held_on=consented.consultation.held_on, intake=consented.consultation.intake
    )
    with pytest.raises(charting.ChartingRefused, match="another plan"):
        event_of(other, nurse, chart=session)


def test_adverse_events_are_audited(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    event = event_of(consented, nurse)
    charting.review_adverse_event(None, clinician, event, "ok")
    signed_in(clinician).get(f"/adverse-events/{event.public_id}/")
    entries = AuditEntry.objects.filter(record_type="adverse_event", record_id=str(event.public_id)).order_by("pk")
    assert [(e.action, e.detail) for e in entries] == [
        ("create", "hyperpigmentation, mild"),
        ("update", "reviewed"),
        ("view", ""),
    ]


def test_the_plan_page_says_how_many_events_await_review_until_reviewed(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, nurse: StaffUser
) -> None:
    first, second = event_of(consented, nurse), event_of(consented, nurse)
    plan_page = f"/plans/{consented.public_id}/"
    assert "2 adverse events awaiting a clinician" in signed_in(clinician).get(plan_page).content.decode()
    for event in (first, second):
        charting.review_adverse_event(None, clinician, event, "Settled with cool compresses; continue as planned.")
    assert "awaiting a clinician's review" not in signed_in(clinician).get(plan_page).content.decode()
