"""Every day and limit staff type has a plausible range (clinic/plausible.py), refused with the range in words, by
the form and by the service alike; the cases an outside probe found (issue 18, item 6) among them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from lasercare.documents.care_dates import aftercare_for, preparation_for
from lasercare.engine import IntakeError
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import Outcome, SessionChart
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import Device, Room, StaffUser
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import Consultation, TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal.models import SideEffectReport
from lasercare.practice.portal.services import PortalRefused, report_side_effect
from lasercare.practice.portal.side_effects import symptoms
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.models import Booking, BookingStatus
from tests.web.booking_helpers import Setup, accepted_plan, at, setup
from tests.web.charting_helpers import consent, device, form_data, values
from tests.web.conftest import CONSULTATION_DAY, basic_intake
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client

__all__ = ["jane", "setup"]
SignIn = Callable[[StaffUser], Client]
LAST_DAY = "9999-12-31"


def booking_form(s: Setup, day: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "session_number": 1,
        "day": day,
        "start": "10:00",
        "minutes": 45,
        "practitioner": s.clinician.pk,
        "room": s.room.pk,
        "device": s.device.pk,
        "early_reason": "",
    }
    data.update(changes)
    return data


# -- bookings ----------------------------------------------------------------------------------------------------


def test_booking_on_the_calendars_last_day_is_refused_with_the_range_not_a_server_error(
    signed_in: SignIn, setup: Setup
) -> None:
    page = signed_in(setup.nurse).post(f"/plans/{setup.plan.public_id}/course/book/", booking_form(setup, LAST_DAY))
    assert page.status_code == 400
    assert "at most two years ahead" in page.content.decode()
    assert not Booking.objects.exists()


def test_rescheduling_to_the_calendars_last_day_is_refused_and_the_booking_kept(
    signed_in: SignIn, setup: Setup
) -> None:
    booked = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    data = booking_form(setup, LAST_DAY, reason="The patient asked")
    page = signed_in(setup.nurse).post(f"/bookings/{booked.public_id}/reschedule/", data)
    assert page.status_code == 400
    assert "at most two years ahead" in page.content.decode()
    assert Booking.objects.get().status == BookingStatus.BOOKED


def test_the_booking_service_refuses_a_day_more_than_two_years_ahead(setup: Setup) -> None:
    later = timezone.localdate() + timedelta(days=plausible.BOOKING_AHEAD_DAYS + 1)
    with pytest.raises(scheduling.BookingRefused, match="at most two years ahead"):
        setup.book(setup.clinician, 1, at(later, 10))


def test_the_booking_service_refuses_year_one(setup: Setup) -> None:
    with pytest.raises(scheduling.BookingRefused, match="two years back"):
        setup.book(setup.clinician, 1, at(date(1, 1, 2), 10))


# -- charts and outcomes ------------------------------------------------------------------------------------------


@pytest.fixture
def consented(patient: Patient, clinician: StaffUser) -> TreatmentPlan:
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=120))
    consent(plan, clinician, sessions=3)
    return plan


def test_a_chart_performed_in_year_one_is_refused_by_the_form(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser
) -> None:
    on = device(consented.practice)
    data = {**form_data(on), "performed_at": "0001-01-01T10:00"}
    page = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/new/", data)
    assert page.status_code == 400
    assert "within the last two years" in page.content.decode()
    assert not SessionChart.objects.exists()


def test_the_charting_service_refuses_a_chart_in_year_one(consented: TreatmentPlan, clinician: StaffUser) -> None:
    on = device(consented.practice)
    year_one = timezone.make_aware(datetime(1, 1, 2, 10, 0))
    with pytest.raises(charting.ChartingRefused, match="within the last two years"):
        charting.save_chart(None, clinician, consented, device=on, values=values(), performed_at=year_one)


def _booked_session_one(plan: TreatmentPlan, clinician: StaffUser, day: date, hour: int) -> Device:
    on = device(plan.practice)
    room = Room.objects.create(practice=plan.practice, name="Room 1")
    scheduling.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=clinician,
        room=room,
        device=on,
        starts_at=at(day, hour),
        early_reason="Test of the chart's day",
    )
    return on


def test_a_chart_days_after_its_booking_is_refused(consented: TreatmentPlan, clinician: StaffUser) -> None:
    on = _booked_session_one(consented, clinician, timezone.localdate() - timedelta(days=3), 10)
    with pytest.raises(charting.ChartingRefused, match="within a day of its booking"):
        charting.save_chart(None, clinician, consented, device=on, values=values(), performed_at=timezone.now())


def test_a_chart_weeks_ahead_of_its_booked_day_is_refused_and_says_to_move_the_booking(
    consented: TreatmentPlan, clinician: StaffUser
) -> None:
    on = _booked_session_one(consented, clinician, timezone.localdate() + timedelta(days=28), 10)
    with pytest.raises(charting.ChartingRefused, match=r"within a day of its booking.*move its booking"):
        charting.save_chart(None, clinician, consented, device=on, values=values(), performed_at=timezone.now())
    assert not SessionChart.objects.exists()


def test_a_chart_hours_before_its_booking_is_accepted(consented: TreatmentPlan, clinician: StaffUser) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    on = _booked_session_one(consented, clinician, yesterday, 10)
    performed = at(yesterday, 10) - timedelta(hours=20)
    chart = charting.save_chart(None, clinician, consented, device=on, values=values(), performed_at=performed)
    assert chart.booking is not None


def test_an_outcome_assessed_in_year_one_is_refused_by_the_form(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser
) -> None:
    page = signed_in(clinician).post(
        f"/plans/{plan.public_id}/outcomes/new/", {"assessed_on": "0001-01-01", "satisfaction": "4"}
    )
    assert page.status_code == 400
    assert "more than two years ago" in page.content.decode()
    assert not Outcome.objects.exists()


def test_the_outcome_service_refuses_year_one(plan: TreatmentPlan, clinician: StaffUser) -> None:
    with pytest.raises(charting.ChartingRefused, match="on or after what it follows"):
        charting.record_outcome(None, clinician, plan, assessed_on=date(1, 1, 1), scores={"satisfaction": 4})


def test_an_outcome_before_the_session_it_follows_is_refused(consented: TreatmentPlan, clinician: StaffUser) -> None:
    on = device(consented.practice)
    charting.save_chart(
        None, clinician, consented, device=on, values=values(), performed_at=timezone.now() - timedelta(days=5)
    )
    with pytest.raises(charting.ChartingRefused, match="on or after what it follows"):
        charting.record_outcome(
            None,
            clinician,
            consented,
            assessed_on=timezone.localdate() - timedelta(days=6),
            scores={"satisfaction": 4},
            after_session=1,
        )


# -- consultations ------------------------------------------------------------------------------------------------


def consultation(**changes: str) -> dict[str, str]:
    data = {
        "held_on": CONSULTATION_DAY.isoformat(),
        "fitzpatrick": "II",
        "concern_fine_lines": "on",
        "severity_fine_lines": "2",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_follow_up_in_year_one_or_9999_is_refused_by_the_form(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, day: str
) -> None:
    page = signed_in(clinician).post(
        f"/patients/{patient.public_id}/consultations/new/", consultation(follow_up_on=day)
    )
    assert page.status_code == 400
    assert "A follow-up" in page.content.decode()
    assert not Consultation.objects.exists()


def test_the_consultation_service_refuses_a_follow_up_in_9999(patient: Patient, clinician: StaffUser) -> None:
    with pytest.raises(IntakeError, match="within five years"):
        consultations.record_consultation(
            None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake(), follow_up_on=date(9999, 12, 31)
        )
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("field", ["max_sessions", "max_downtime_days", "budget"])
def test_a_400_digit_limit_is_refused_by_the_form(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, field: str
) -> None:
    page = signed_in(clinician).post(
        f"/patients/{patient.public_id}/consultations/new/", consultation(**{field: "9" * 400})
    )
    assert page.status_code == 400
    assert not Consultation.objects.exists()


def test_the_most_sessions_acceptable_is_bounded_by_the_knowledges_longest_course(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    most = plausible.most_sessions()
    client = signed_in(clinician)
    refused = client.post(f"/patients/{patient.public_id}/consultations/new/", consultation(max_sessions=str(most + 1)))
    assert refused.status_code == 400
    assert f"from 1 to {most}" in refused.content.decode()
    kept = client.post(f"/patients/{patient.public_id}/consultations/new/", consultation(max_sessions=str(most)))
    assert kept.status_code == 302


def test_the_consultation_service_refuses_a_400_digit_session_limit(patient: Patient, clinician: StaffUser) -> None:
    intake = basic_intake()
    intake["goals"] = {"max_sessions": int("9" * 400)}
    with pytest.raises(IntakeError, match="most sessions acceptable"):
        consultations.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=intake)


# -- care dates near the calendar's ends --------------------------------------------------------------------------


def test_care_steps_of_a_session_on_the_calendars_last_day_never_overflow() -> None:
    aftercare = aftercare_for([{"days_after": 2, "for_days": 7, "text": "Sunscreen"}], 1, date.max)
    assert (aftercare[0].on, aftercare[0].until) == (date.max, date.max)
    preparation = preparation_for([{"days_before": 14, "text": "No tanning"}], 1, date.min)
    assert preparation[0].on == date.min


@pytest.mark.parametrize("field", ["last_sun_exposure_on", "med_stopped_0", "proc_on_0"])
def test_a_day_of_the_patients_history_before_their_birth_is_refused(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, field: str
) -> None:
    data = consultation(med_name_0="isotretinoin", proc_kind_0="chemical_peel", proc_on_0="2026-06-01")
    data[field] = "0001-01-01"
    page = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert page.status_code == 400
    assert "is before the patient" in page.content.decode()
    assert not Consultation.objects.exists()


def test_an_event_to_be_ready_for_in_9999_is_refused_by_form_and_service(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    page = signed_in(clinician).post(
        f"/patients/{patient.public_id}/consultations/new/", consultation(ready_by="9999-12-31")
    )
    assert page.status_code == 400
    assert "five years ahead" in page.content.decode()
    intake = basic_intake()
    intake["goals"] = {"ready_by": "9999-12-31"}
    with pytest.raises(IntakeError, match="five years ahead"):
        consultations.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=intake)
    assert not Consultation.objects.exists()


# -- the patient portal ---------------------------------------------------------------------------------------------


def test_a_side_effect_that_started_in_year_one_is_refused_and_nothing_is_sent(jane: PatientWithCourse) -> None:
    symptom = next(iter(symptoms()))
    data = {"symptoms": [symptom], "started_on": "0001-01-01"}
    page = portal_client(jane.account).post("/portal/side-effects/", data)
    assert "Give a day in the last two years." in page.content.decode()
    assert not SideEffectReport.objects.exists()


def test_the_portal_service_refuses_a_side_effect_before_the_appointment_it_follows(jane: PatientWithCourse) -> None:
    # The appointment held five days ago (moved there directly: booking the past is not what is tested).
    held = timezone.now() - timedelta(days=5)
    Booking.objects.filter(pk=jane.first.pk).update(starts_at=held, ends_at=held + timedelta(minutes=45))
    jane.first.refresh_from_db()
    request = RequestFactory().post("/portal/side-effects/")
    with pytest.raises(PortalRefused, match="before that appointment"):
        report_side_effect(
            request,
            jane.account,
            symptom_codes=[next(iter(symptoms()))],
            started_on=timezone.localdate(held) - timedelta(days=1),
            description="",
            booking=jane.first,
        )
    assert not SideEffectReport.objects.exists()
