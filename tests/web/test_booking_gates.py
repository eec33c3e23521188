"""Bookings wait for safety (issue 15): a course cannot be booked, by anyone, while an unrecognised medicine, a
phototype from a photo alone, a relative contraindication or an adverse event awaits a clinician; the refusal names
what is missing and who may settle it; a clinician settles each with a note, audited and shown on the plan, and the
answer lapses when a re-plan changes what it answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import AdverseEvent
from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import safety_questions as sq
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import OverrideKind, PlanFlag, SafetyAnswer, TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import rules, services
from lasercare.practice.scheduling.models import Booking, BookingStatus
from tests.web.booking_helpers import SAFETY_NOTES, accepted_plan, add_device, answer_safety_questions, at
from tests.web.conftest import basic_intake, make_patient

SignIn = Callable[[StaffUser], Client]
BOOKERS = (Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK)
HELD_DAYS_AGO = 120

# A misspelling the engine reads only uncertainly (as isotretinoin, the riskier reading), and a name it cannot read.
ACUTANE = {"name": "Isotretnon 40mg"}
UNKNOWN = {"name": "Zorbalin 40mg"}
TRETINOIN = {"name": "tretinoin 0.025% cream"}


def intake(
    *, medications: list[dict[str, Any]] | None = None, photo: bool = False, conditions: list[str] | None = None
) -> dict[str, Any]:
    """The test's intake: the basic one (which asks nothing) with the risks asked for."""
    return basic_intake(
        phototype={"ita_deg": 30} if photo else {"fitzpatrick": "III"},
        history={"medications": medications or [TRETINOIN], "conditions": conditions or ["hsv"]},
    )


# One intake per kind of question the plan's document raises (an adverse event is recorded after).
RISKS: dict[str, dict[str, Any]] = {
    sq.MEDICATION: intake(medications=[ACUTANE]),
    sq.PHOTOTYPE: intake(photo=True),
    sq.FINDING: intake(conditions=["vitiligo"]),
}
# What the refusal names, for each kind.
NAMED = {
    sq.MEDICATION: "confirm the medicine “Isotretnon 40mg” (possibly isotretinoin)",
    sq.PHOTOTYPE: "confirm the phototype, which rests on a photo estimate alone",
    sq.FINDING: "sign off “Vitiligo or psoriasis (Koebnerising disease)” (relative)",
}


@dataclass
class Course:
    plan: TreatmentPlan
    staff: dict[Role, StaffUser]
    room: Room
    device: Device

    @property
    def clinician(self) -> StaffUser:
        return self.staff[Role.CLINICIAN]

    def day(self, session: int = 1) -> date:
        course = services.course(self.plan)
        return course.schedule.get(session) or rules.window(course, session, []).earliest

    def book(self, by: StaffUser, session: int = 1, hour: int = 10) -> Booking:
        return services.book(
            None,
            by,
            self.plan,
            session_number=session,
            practitioner=self.clinician,
            room=self.room,
            device=self.device,
            starts_at=at(self.day(session), hour),
        )

    def refusal(self, by: StaffUser, session: int = 1) -> str:
        with pytest.raises(services.BookingRefused) as refused:
            self.book(by, session)
        return str(refused.value)


def course_of(practice: Practice, patient: Patient, staff: dict[Role, StaffUser], document: dict[str, Any]) -> Course:
    held_on = timezone.localdate() - timedelta(days=HELD_DAYS_AGO)
    plan = accepted_plan(patient, staff[Role.CLINICIAN], held_on, document)
    modality = services.course(plan).modality
    room = Room.objects.filter(practice=practice).first() or Room.objects.create(practice=practice, name="Room 1")
    device = Device.objects.filter(practice=practice, modality=modality).first() or add_device(
        practice, modality, f"Laser {modality}"
    )
    return Course(plan, staff, room, device)


@pytest.fixture
def make_course(
    practice: Practice, patient: Patient, staff: dict[Role, StaffUser]
) -> Callable[[dict[str, Any]], Course]:
    return lambda document: course_of(practice, patient, staff, document)


def adverse_event(plan: TreatmentPlan, by: StaffUser, onset_on: date | None = None) -> AdverseEvent:
    return charting.record_adverse_event(
        None,
        by,
        plan,
        kind="prolonged_erythema",
        severity="mild",
        onset_on=onset_on or timezone.localdate() - timedelta(days=1),
        treatment="Reassurance; sun protection.",
    )


def review(event: AdverseEvent, clinician: StaffUser) -> None:
    charting.review_adverse_event(None, clinician, event, "Settled; next session at the same settings.")


# -- every gate refuses booking, for every role that books, naming what is missing and who settles it ---------------


@pytest.mark.parametrize("role", BOOKERS)
@pytest.mark.parametrize("kind", sorted(RISKS))
def test_an_open_question_refuses_booking_naming_it_and_the_clinicians(
    kind: str, role: Role, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[kind])
    refusal = course.refusal(course.staff[role])
    assert refusal.startswith("This course cannot be booked yet. A clinician must first: ")
    assert NAMED[kind] in refusal
    assert f"Clinicians of this practice: {course.clinician.display_name}." in refusal
    assert not Booking.objects.filter(plan=course.plan).exists()


@pytest.mark.parametrize("role", BOOKERS)
def test_an_adverse_event_awaiting_review_refuses_booking_naming_its_day(
    role: Role, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake())
    onset = timezone.localdate() - timedelta(days=2)
    adverse_event(course.plan, course.staff[Role.NURSE], onset)
    refusal = course.refusal(course.staff[role])
    assert f"review the adverse event of {rules.day_text(onset)}" in refusal
    assert course.clinician.display_name in refusal


def test_every_open_question_is_named_in_one_refusal(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake(medications=[ACUTANE], photo=True, conditions=["vitiligo"]))
    adverse_event(course.plan, course.staff[Role.NURSE])
    refusal = course.refusal(course.staff[Role.FRONT_DESK])
    for words in (*NAMED.values(), "review the adverse event of "):
        assert words in refusal


def test_a_relative_finding_of_the_chosen_treatment_only_holds_its_course(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    # Keloids are a relative contraindication to resurfacing only: the non-ablative course the engine chose books.
    course = make_course(intake(conditions=["keloids"]))
    assert safety_services.open_questions(course.plan) == []
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_a_relative_finding_holds_an_ablative_course_chosen_by_the_clinician(
    practice: Practice, patient: Patient, staff: dict[Role, StaffUser]
) -> None:
    clinician = staff[Role.CLINICIAN]
    held_on = timezone.localdate() - timedelta(days=HELD_DAYS_AGO)
    plan = consultations.record_consultation(
        None, clinician, patient, held_on=held_on, intake=intake(conditions=["keloids"])
    )
    consultations.override_plan(
        None,
        clinician,
        plan,
        kind=OverrideKind.CHOICE,
        modality="co2_fractional",
        reason="Deep lines; patient accepts downtime.",
    )
    plan = consultations.decide_plan(None, clinician, plan, accepted=True)
    course = Course(
        plan,
        staff,
        Room.objects.create(practice=practice, name="Room 1"),
        add_device(practice, "co2_fractional", "CO2"),
    )
    assert "sign off “History of keloids or hypertrophic scarring” (relative)" in course.refusal(staff[Role.NURSE])


# -- and rescheduling ---------------------------------------------------------------------------------------------


def booked_before_the_gates(course: Course) -> Booking:
    """A course booked before bookings waited for safety: its plan's questions were never answered."""
    answer_safety_questions(course.plan, course.clinician)
    booking = course.book(course.clinician)
    SafetyAnswer.objects.filter(plan=course.plan).delete()
    return booking


@pytest.mark.parametrize("role", BOOKERS)
@pytest.mark.parametrize("kind", sorted(RISKS))
def test_an_open_question_refuses_rescheduling(
    kind: str, role: Role, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[kind])
    booking = booked_before_the_gates(course)
    with pytest.raises(services.BookingRefused, match="This course cannot be booked yet") as refused:
        services.reschedule(
            None, course.staff[role], booking, starts_at=booking.starts_at + timedelta(days=1), reason="Patient asked"
        )
    assert NAMED[kind] in str(refused.value)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # nothing moved


@pytest.mark.parametrize("role", BOOKERS)
def test_an_adverse_event_awaiting_review_refuses_rescheduling(
    role: Role, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake())
    booking = course.book(course.clinician)
    adverse_event(course.plan, course.staff[Role.NURSE])
    with pytest.raises(services.BookingRefused, match="review the adverse event of"):
        services.reschedule(
            None, course.staff[role], booking, starts_at=booking.starts_at + timedelta(days=1), reason="Patient asked"
        )


def test_a_held_booking_can_still_be_cancelled(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake())
    booking = course.book(course.clinician)
    adverse_event(course.plan, course.staff[Role.NURSE])
    assert services.cancel(None, course.staff[Role.FRONT_DESK], booking, "Patient unwell").status == "cancelled"


# -- answering --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RISKS))
def test_answering_the_question_lets_the_booking_through(
    kind: str, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[kind])
    (question,) = safety_services.open_questions(course.plan)
    safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note=SAFETY_NOTES[kind])
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_the_review_of_the_adverse_event_lets_the_booking_through(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(intake())
    event = adverse_event(course.plan, course.staff[Role.NURSE])
    review(event, course.clinician)
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_every_question_must_be_settled_not_only_some(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake(medications=[ACUTANE], photo=True))
    first = safety_services.open_questions(course.plan)[0]
    safety_services.answer_question(None, course.clinician, course.plan, key=first.key, note="GP confirmed.")
    refusal = course.refusal(course.clinician)
    assert NAMED[sq.PHOTOTYPE] in refusal
    assert NAMED[sq.MEDICATION] not in refusal


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_answer_needs_a_note(note: str, make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    with pytest.raises(safety_services.SafetyAnswerRefused, match="Write the note"):
        safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note=note)
    assert not SafetyAnswer.objects.exists()


def test_the_form_without_a_note_shows_the_plan_again_asking_for_it(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    page = signed_in(course.clinician).post(
        f"/plans/{course.plan.public_id}/safety/answer/", {"key": question.key, "note": ""}
    )
    assert page.status_code == 400
    assert "Write the note that documents the answer" in page.content.decode()
    assert not SafetyAnswer.objects.exists()


@pytest.mark.parametrize("role", [Role.PRACTICE_ADMIN, Role.NURSE, Role.FRONT_DESK])
def test_only_a_clinician_answers(role: Role, make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    with pytest.raises(safety_services.SafetyAnswerRefused, match="Only a clinician"):
        safety_services.answer_question(None, course.staff[role], course.plan, key=question.key, note="Looks fine.")
    assert not SafetyAnswer.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_the_answer_page_takes_answers_from_clinicians_only(
    role: Role, signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    page = signed_in(course.staff[role]).post(
        f"/plans/{course.plan.public_id}/safety/answer/", {"key": question.key, "note": "GP confirmed: a vitamin."}
    )
    assert page.status_code == (302 if role == Role.CLINICIAN else 403)
    assert SafetyAnswer.objects.exists() == (role == Role.CLINICIAN)


def test_an_adverse_event_is_not_answered_by_a_note(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake())
    adverse_event(course.plan, course.staff[Role.NURSE])
    (question,) = safety_services.open_questions(course.plan)
    with pytest.raises(safety_services.SafetyAnswerRefused, match="settled by its review"):
        safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note="Fine now.")


def test_a_question_is_answered_once(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note="GP confirmed.")
    with pytest.raises(safety_services.SafetyAnswerRefused, match="not open"):
        safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note="Again.")


def test_the_answer_is_audited_naming_the_question_not_the_medicine(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (question,) = safety_services.open_questions(course.plan)
    safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note="GP confirmed.")
    entry = AuditEntry.objects.filter(record_id=str(course.plan.public_id)).latest("pk")
    assert entry.actor_id == course.clinician.pk
    assert entry.patient_ref == str(course.plan.patient.public_id)
    assert entry.detail == f"safety question answered: medication {question.ref}"
    assert "acutane" not in entry.detail.lower()


def test_the_answer_is_shown_on_the_plan_and_its_print_view(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.PHOTOTYPE])
    client = signed_in(course.clinician)
    (question,) = safety_services.open_questions(course.plan)
    before = client.get(f"/plans/{course.plan.public_id}/").content.decode()
    assert "Before booking" in before
    assert "On hold: 1 safety question." in before
    client.post(
        f"/plans/{course.plan.public_id}/safety/answer/", {"key": question.key, "note": "Examined: type III confirmed."}
    )
    for url in (f"/plans/{course.plan.public_id}/", f"/plans/{course.plan.public_id}/print/"):
        page = client.get(url).content.decode()
        assert f"Answered by {course.clinician.display_name}" in page
        assert "“Examined: type III confirmed.”" in page
        assert "Every safety question is settled" in page


def test_a_nurse_sees_the_questions_without_a_form_to_answer(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.FINDING])
    page = signed_in(course.staff[Role.NURSE]).get(f"/plans/{course.plan.public_id}/").content.decode()
    assert NAMED[sq.FINDING].removeprefix("sign off ").removesuffix(" (relative)") in page
    assert "Record the answer" not in page
    assert "A clinician answers it, with a note." in page


def test_the_plan_links_an_adverse_events_question_to_its_review(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake())
    event = adverse_event(course.plan, course.staff[Role.NURSE])
    page = signed_in(course.clinician).get(f"/plans/{course.plan.public_id}/").content.decode()
    assert f'href="/adverse-events/{event.public_id}/"' in page
    assert "open the adverse event to review it" in page


# -- re-plans: unchanged answers are carried, changed ones lapse --------------------------------------------------


def replanned(plan: TreatmentPlan, clinician: StaffUser) -> TreatmentPlan:
    new = consultations.replan(None, clinician, plan)
    return consultations.decide_plan(None, clinician, new, accepted=True)


def new_consultation(plan: TreatmentPlan, clinician: StaffUser, document: dict[str, Any]) -> TreatmentPlan:
    new = consultations.record_consultation(
        None, clinician, plan.patient, held_on=plan.consultation.held_on + timedelta(days=1), intake=document
    )
    return consultations.decide_plan(None, clinician, new, accepted=True)


def test_an_unchanged_re_plan_carries_the_answers_over(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake(medications=[ACUTANE], photo=True, conditions=["vitiligo"]))
    answers = answer_safety_questions(course.plan, course.clinician)
    course.plan = replanned(course.plan, course.clinician)
    carried = list(SafetyAnswer.objects.filter(plan=course.plan))
    assert [(a.key, a.note, a.answered_by_id, a.carried_from_id) for a in carried] == [
        (a.key, a.note, a.answered_by_id, a.pk) for a in answers
    ]
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_carrying_an_answer_over_is_audited(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    (answer,) = answer_safety_questions(course.plan, course.clinician)
    new = replanned(course.plan, course.clinician)
    details = AuditEntry.objects.filter(record_id=str(new.public_id)).values_list("detail", flat=True)
    assert f"safety answer carried from the earlier plan: medication {sq.question_ref(answer.key)}" in details


def test_the_plan_says_an_answer_was_carried_over(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    answer_safety_questions(course.plan, course.clinician)
    new = replanned(course.plan, course.clinician)
    page = signed_in(course.clinician).get(f"/plans/{new.public_id}/").content.decode()
    assert "carried over from the earlier plan (the question is unchanged)" in page


def test_a_name_the_engine_cannot_read_holds_booking_until_a_clinician_confirms_it(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(intake(medications=[UNKNOWN]))
    assert "confirm the medicine “Zorbalin 40mg”" in course.refusal(course.staff[Role.FRONT_DESK])
    answer_safety_questions(course.plan, course.clinician)
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_the_engines_uncertain_reading_is_what_the_clinician_confirms(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    """The plan reads "Isotretnon" as isotretinoin (the riskier reading) and asks a clinician to confirm it."""
    course = make_course(intake(medications=[ACUTANE]))
    (medication,) = course.plan.document["medications"]
    assert (medication["status"], medication["suggestion"]) == ("uncertain", "isotretinoin")
    assert "uncertain_medication" in {f["code"] for f in course.plan.document["findings"]}
    (question,) = safety_services.open_questions(course.plan)
    assert question.kind == sq.MEDICATION
    assert "(possibly isotretinoin)" in question.text


def test_a_recognised_misspelling_asks_nothing(make_course: Callable[[dict[str, Any]], Course]) -> None:
    """ "Acutane" is a misspelling the lexicon lists: it is isotretinoin with certainty, nothing to confirm."""
    course = make_course(intake(medications=[{"name": "Acutane 40mg", "current": False, "stopped_on": "2025-01-10"}]))
    assert course.plan.document["medications"][0]["status"] == "recognised"
    assert course.book(course.staff[Role.FRONT_DESK]).status == BookingStatus.BOOKED


def test_a_new_stop_date_for_the_medicine_lapses_its_answer_and_booking_is_refused_again(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake(medications=[{**ACUTANE, "current": False, "stopped_on": "2026-01-10"}]))
    answer_safety_questions(course.plan, course.clinician)
    course.plan = new_consultation(
        course.plan, course.clinician, intake(medications=[{**ACUTANE, "current": False, "stopped_on": "2026-03-02"}])
    )
    assert not SafetyAnswer.objects.filter(plan=course.plan).exists()
    assert NAMED[sq.MEDICATION] in course.refusal(course.staff[Role.FRONT_DESK])
    page = signed_in(course.clinician).get(f"/plans/{course.plan.public_id}/").content.decode()
    assert "Lapsed: the re-plan changed what it answered." in page


def test_a_relative_findings_new_reason_lapses_its_sign_off(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake(conditions=["vitiligo"]))
    (answer,) = answer_safety_questions(course.plan, course.clinician)
    course.plan = new_consultation(course.plan, course.clinician, intake(conditions=["psoriasis"]))
    assert "(raised by: history of psoriasis)" in safety_services.open_questions(course.plan)[0].text
    assert NAMED[sq.FINDING] in course.refusal(course.clinician)
    details = AuditEntry.objects.filter(record_id=str(course.plan.public_id)).values_list("detail", flat=True)
    assert (
        f"safety answer lapsed, the re-plan changed what it answered: finding {sq.question_ref(answer.key)}" in details
    )


def test_only_the_changed_answer_lapses(make_course: Callable[[dict[str, Any]], Course]) -> None:
    course = make_course(intake(medications=[ACUTANE], conditions=["vitiligo"]))
    answer_safety_questions(course.plan, course.clinician)
    course.plan = new_consultation(
        course.plan, course.clinician, intake(medications=[ACUTANE], conditions=["psoriasis"])
    )
    assert [q.kind for q in safety_services.open_questions(course.plan)] == [sq.FINDING]


# -- adverse events -----------------------------------------------------------------------------------------------


def test_an_adverse_event_after_the_answers_holds_booking_until_its_review(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(RISKS[sq.MEDICATION])
    answer_safety_questions(course.plan, course.clinician)
    course.book(course.staff[Role.FRONT_DESK], session=1)
    event = adverse_event(course.plan, course.staff[Role.NURSE])
    assert "review the adverse event of" in course.refusal(course.staff[Role.FRONT_DESK], session=2)
    review(event, course.clinician)
    assert course.book(course.staff[Role.FRONT_DESK], session=2).session_number == 2


def test_a_re_plan_keeps_the_adverse_events_hold_until_its_review(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(intake())
    event = adverse_event(course.plan, course.staff[Role.NURSE])
    course.plan = replanned(course.plan, course.clinician)
    assert "review the adverse event of" in course.refusal(course.staff[Role.NURSE])
    review(event, course.clinician)
    assert not PlanFlag.objects.filter(cleared_at__isnull=True).exists()
    assert course.book(course.staff[Role.NURSE]).status == BookingStatus.BOOKED


def test_an_adverse_event_of_an_earlier_plan_holds_the_current_one(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    course = make_course(intake())
    old = course.plan
    course.plan = replanned(old, course.clinician)
    adverse_event(old, course.staff[Role.NURSE])
    assert "review the adverse event of" in course.refusal(course.clinician)


def test_the_migration_flags_the_adverse_events_already_awaiting_review(
    make_course: Callable[[dict[str, Any]], Course],
) -> None:
    from importlib import import_module

    migration = import_module("lasercare.practice.consultations.migrations.0004_flag_unreviewed_adverse_events")
    course = make_course(intake())
    awaiting = adverse_event(course.plan, course.staff[Role.NURSE])
    review(adverse_event(course.plan, course.staff[Role.NURSE]), course.clinician)
    PlanFlag.objects.all().delete()  # as before the flags existed
    migration.raise_flags(apps, None)
    assert list(PlanFlag.objects.values_list("plan_id", "reference", "cleared_at")) == [
        (course.plan.pk, str(awaiting.public_id), None)
    ]
    assert "review the adverse event of" in course.refusal(course.clinician)


# -- the pages the front desk sees ----------------------------------------------------------------------------------


def test_the_booking_page_shows_the_hold_before_the_form(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake(medications=[ACUTANE], photo=True))
    page = signed_in(course.staff[Role.FRONT_DESK]).get(f"/plans/{course.plan.public_id}/course/")
    text = page.content.decode()
    assert "On hold: 2 safety questions" in text
    assert NAMED[sq.MEDICATION] in text
    assert text.index("On hold: 2 safety questions") < text.index('id="book-heading"')


def test_the_booking_form_is_refused_with_the_hold(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(RISKS[sq.FINDING])
    data = {
        "session_number": 1,
        "day": str(course.day()),
        "start": "10:00",
        "minutes": 45,
        "practitioner": course.clinician.pk,
        "room": course.room.pk,
        "device": course.device.pk,
        "early_reason": "",
    }
    page = signed_in(course.staff[Role.FRONT_DESK]).post(f"/plans/{course.plan.public_id}/course/book/", data)
    assert page.status_code == 400
    assert NAMED[sq.FINDING] in page.content.decode()
    assert not Booking.objects.exists()


def test_the_patients_course_summary_shows_the_hold(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake(medications=[ACUTANE], photo=True))
    adverse_event(course.plan, course.staff[Role.NURSE])
    page = signed_in(course.clinician).get(f"/patients/{course.plan.patient.public_id}/").content.decode()
    assert "On hold: 3 safety questions before booking" in page


def test_a_course_with_nothing_open_shows_no_hold(
    signed_in: SignIn, make_course: Callable[[dict[str, Any]], Course]
) -> None:
    course = make_course(intake())
    client = signed_in(course.clinician)
    assert "On hold" not in client.get(f"/plans/{course.plan.public_id}/course/").content.decode()
    assert "On hold" not in client.get(f"/patients/{course.plan.patient.public_id}/").content.decode()


# -- no booking while any question is open -------------------------------------------------------------------------

QUESTION_KINDS = (sq.MEDICATION, sq.PHOTOTYPE, sq.FINDING, sq.ADVERSE_EVENT)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    asked=st.sets(st.sampled_from(QUESTION_KINDS)),
    settled=st.sets(st.sampled_from(QUESTION_KINDS)),
    role=st.sampled_from(BOOKERS),
)
def test_no_booking_goes_through_while_any_question_is_open(
    asked: set[str],
    settled: set[str],
    role: Role,
    practice: Practice,
    staff: dict[Role, StaffUser],
) -> None:
    patient = make_patient(practice)
    course = course_of(
        practice,
        patient,
        staff,
        intake(
            medications=[ACUTANE] if sq.MEDICATION in asked else None,
            photo=sq.PHOTOTYPE in asked,
            conditions=["vitiligo"] if sq.FINDING in asked else None,
        ),
    )
    event = adverse_event(course.plan, staff[Role.NURSE]) if sq.ADVERSE_EVENT in asked else None
    for question in safety_services.open_questions(course.plan):
        if question.kind in settled and question.kind != sq.ADVERSE_EVENT:
            safety_services.answer_question(None, course.clinician, course.plan, key=question.key, note="Settled.")
    if event is not None and sq.ADVERSE_EVENT in settled:
        review(event, course.clinician)
    still_open = asked - settled
    if still_open:
        with pytest.raises(services.BookingRefused, match=r"^This course cannot be booked yet\."):
            course.book(staff[role])
        assert not Booking.objects.filter(plan=course.plan).exists()
    else:
        booking = course.book(staff[role])
        assert booking.status == BookingStatus.BOOKED
        services.cancel(None, course.clinician, booking, "Frees the time for the next example")


def _uncertain_spellings() -> list[str]:
    """Misspellings of risk medicines (one edit or two letters swapped) that the engine reads only uncertainly."""
    from lasercare.engine import load_knowledge
    from lasercare.engine.medicines import read_medicine
    from tests.engine.recognition_sets import generated_variants

    knowledge = load_knowledge()
    variants = [v for v in generated_variants(knowledge) if v.how in ("one_edit", "swapped")]
    return [v.written for v in variants if read_medicine(v.written, knowledge.lexicon).status == "uncertain"]


UNCERTAIN = _uncertain_spellings()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=st.sampled_from(UNCERTAIN), role=st.sampled_from(BOOKERS))
def test_no_unreviewed_uncertain_medicine_lets_a_booking_through(
    written: str, role: Role, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    course = course_of(practice, make_patient(practice), staff, intake(medications=[{"name": written}]))
    (medication,) = course.plan.document["medications"]
    assert medication["status"] == "uncertain"
    with pytest.raises(services.BookingRefused, match=r"^This course cannot be booked yet\."):
        course.book(staff[role])
    answer_safety_questions(course.plan, course.clinician)
    booking = course.book(staff[role])
    assert booking.status == BookingStatus.BOOKED
    services.cancel(None, course.clinician, booking, "Frees the time for the next example")
