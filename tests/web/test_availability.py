"""Availability: a booking outside the practice's hours, a practitioner's hours or absences, a room or device out of
service, or by an unqualified practitioner is refused with the reason; a clinician may book outside hours with a
note; the booking page offers the next free slots as one-click bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.admin_availability import (
    AbsenceForm,
    OpeningHoursForm,
    WorkingHoursForm,
    WorkingHoursFormSet,
    _WeeklyFormSet,
)
from lasercare.practice.clinic.availability import (
    Absence,
    Closure,
    DeviceOutage,
    OpeningHours,
    Qualification,
    RoomOutage,
    WorkingHours,
)
from lasercare.practice.clinic.models import Location, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.scheduling import availability, services
from lasercare.practice.scheduling.models import Booking
from tests.web.booking_helpers import Setup, at, setup

__all__ = ["setup"]
SignIn = Callable[[StaffUser], Client]


def next_weekday(weekday: int, after: date | None = None) -> date:
    day = (after or timezone.localdate()) + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def hours(practice: Practice, setup: Setup) -> Location:
    """The practice open weekdays 09:00-18:00 and Saturdays 09:00-13:00, its rooms there."""
    location = Location.objects.get(practice=practice, name="Riverside")
    for weekday in range(5):
        OpeningHours.objects.create(location=location, weekday=weekday, opens=time(9), closes=time(18))
    OpeningHours.objects.create(location=location, weekday=5, opens=time(9), closes=time(13))
    for room in (setup.room, setup.other_room):
        room.location = location
        room.save()
    return location


def refusal(s: Setup, by: StaffUser, starts: datetime, **changes: object) -> str:
    with pytest.raises(services.BookingRefused) as refused:
        s.book(by, 1, starts, **changes)
    return str(refused.value)


def test_a_booking_on_a_closed_day_is_refused_with_the_reason(setup: Setup, hours: Location) -> None:
    sunday = next_weekday(6)
    assert "Riverside is closed on Sundays." in refusal(setup, setup.nurse, at(sunday, 10))


def test_a_booking_outside_the_opening_hours_is_refused_with_the_hours(setup: Setup, hours: Location) -> None:
    saturday = next_weekday(5)
    assert "Riverside is open 09:00-13:00 on Saturdays: 12:45-13:30 is outside its hours." in refusal(
        setup, setup.nurse, at(saturday, 12, 45)
    )


def test_a_booking_on_a_holiday_is_refused_naming_it(setup: Setup, hours: Location) -> None:
    monday = next_weekday(0)
    Closure.objects.create(location=hours, first_day=monday, last_day=monday, reason="Bank holiday")
    assert "(Bank holiday)" in refusal(setup, setup.nurse, at(monday, 10))


def test_a_booking_when_the_practitioner_does_not_work_is_refused(setup: Setup, hours: Location) -> None:
    WorkingHours.objects.create(staff=setup.clinician, weekday=1, starts=time(9), ends=time(17))
    monday = next_weekday(0)
    assert "does not work on Mondays" in refusal(setup, setup.nurse, at(monday, 10))


def test_a_booking_while_the_practitioner_is_away_is_refused_even_for_a_clinician_with_a_note(
    setup: Setup, hours: Location
) -> None:
    monday = next_weekday(0)
    Absence.objects.create(staff=setup.clinician, starts_at=at(monday, 0), ends_at=at(monday, 23), reason="Training")
    text = refusal(setup, setup.clinician, at(monday, 10), outside_hours_note="The patient can only come today.")
    assert "is away" in text and "(Training)" in text


def test_a_booking_in_a_room_out_of_service_is_refused(setup: Setup, hours: Location) -> None:
    monday = next_weekday(0)
    RoomOutage.objects.create(room=setup.room, starts_at=at(monday, 8), ends_at=at(monday, 12), reason="Painting")
    assert "Room 1 is out of service" in refusal(setup, setup.nurse, at(monday, 10))


def test_a_booking_with_a_device_out_of_service_is_refused(setup: Setup, hours: Location) -> None:
    monday = next_weekday(0)
    DeviceOutage.objects.create(device=setup.device, starts_at=at(monday, 8), ends_at=at(monday, 12), reason="Service")
    assert "The device Laser A is out of service" in refusal(setup, setup.nurse, at(monday, 10))


def test_an_unqualified_practitioner_is_refused_once_the_practice_records_qualifications(setup: Setup) -> None:
    Qualification.objects.create(staff=setup.nurse, modality=setup.course.modality)
    monday = next_weekday(0)
    assert "is not recorded as qualified for this treatment" in refusal(setup, setup.nurse, at(monday, 10))
    assert setup.book(setup.nurse, 1, at(monday, 10), practitioner=setup.nurse).practitioner == setup.nurse


def test_a_location_with_no_hours_on_record_is_not_restricted(setup: Setup) -> None:
    sunday = next_weekday(6)
    assert setup.book(setup.nurse, 1, at(sunday, 20)).pk is not None


def test_a_clinician_books_outside_hours_with_a_note_which_is_stored_and_audited(
    signed_in: SignIn, setup: Setup, hours: Location
) -> None:
    booking = setup.book(
        setup.clinician, 1, at(next_weekday(6), 10), outside_hours_note="Opened for a patient flying in."
    )
    assert booking.outside_hours_note == "Opened for a patient flying in."
    entry = AuditEntry.objects.filter(record_type="booking", record_id=str(booking.public_id)).latest("pk")
    assert "outside hours with a note" in entry.detail
    page = signed_in(setup.nurse).get(f"/bookings/{booking.public_id}/").content.decode()
    assert "Booked outside hours" in page and "Opened for a patient flying in." in page


def test_a_clinician_without_a_note_is_told_to_give_one(setup: Setup, hours: Location) -> None:
    assert "give a note" in refusal(setup, setup.clinician, at(next_weekday(6), 10))


@pytest.mark.parametrize("role", [Role.NURSE, Role.FRONT_DESK])
def test_a_nurse_or_the_front_desk_cannot_book_outside_hours(
    setup: Setup, hours: Location, staff: dict[Role, StaffUser], role: Role
) -> None:
    text = refusal(setup, staff[role], at(next_weekday(6), 10), outside_hours_note="Please.")
    assert "Only a clinician can book outside hours" in text


def test_a_move_outside_hours_is_refused(setup: Setup, hours: Location) -> None:
    booking = setup.book(setup.nurse, 1, at(next_weekday(0), 10))
    with pytest.raises(services.BookingRefused, match="closed on Sundays"):
        services.reschedule(None, setup.nurse, booking, starts_at=at(next_weekday(6), 10), reason="Asked")


def test_the_booking_page_offers_free_slots_that_book_in_one_click(
    signed_in: SignIn, setup: Setup, hours: Location
) -> None:
    client = signed_in(setup.nurse)
    page = client.get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert "Next free slots for session 1" in page
    search = availability.next_free_slots(setup.plan)
    first = search.slots[0]
    response = client.post(
        f"/plans/{setup.plan.public_id}/course/book/",
        {
            "session_number": search.session,
            "day": first.day_value,
            "start": first.start_value,
            "minutes": first.minutes,
            "practitioner": first.practitioner_id,
            "room": first.room_id,
            "device": first.device_id,
        },
    )
    assert response.status_code == 302
    assert Booking.objects.get(plan=setup.plan).starts_at == first.starts_at
    assert f'value="{first.start_value}"' in page


def test_a_refused_booking_shows_the_free_slots_again(signed_in: SignIn, setup: Setup, hours: Location) -> None:
    sunday = next_weekday(6)
    response = signed_in(setup.nurse).post(
        f"/plans/{setup.plan.public_id}/course/book/",
        {
            "session_number": 1,
            "day": sunday.isoformat(),
            "start": "10:00",
            "minutes": 45,
            "practitioner": setup.clinician.pk,
            "room": setup.room.pk,
            "device": setup.device.pk,
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "closed on Sundays" in text and "Next free slots for session 1" in text and "Book " in text


def test_a_search_with_no_answer_says_why(signed_in: SignIn, setup: Setup, hours: Location) -> None:
    for device in (setup.device, setup.other_device):
        DeviceOutage.objects.create(
            device=device,
            starts_at=at(timezone.localdate() - timedelta(days=1), 0),
            ends_at=at(timezone.localdate() + timedelta(days=400), 0),
            reason="Recalled",
        )
    search = availability.next_free_slots(setup.plan)
    assert search.slots == ()
    assert search.message.startswith("No free time for session 1 from")
    page = signed_in(setup.nurse).get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert "No free time for session 1 from" in page


def test_the_page_warns_when_no_hours_are_on_record(signed_in: SignIn, setup: Setup, practice: Practice) -> None:
    Location.objects.create(practice=practice, name="Hillside")
    page = signed_in(setup.nurse).get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert "No opening hours are on record for Hillside" in page


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    absent_days=st.lists(st.integers(0, 20), max_size=4),
    outage_days=st.lists(st.integers(0, 20), max_size=4),
    booked=st.lists(st.tuples(st.integers(0, 20), st.integers(9, 16)), max_size=8),
    minutes=st.sampled_from([30, 45, 60, 90]),
)
def test_every_free_slot_found_is_really_bookable(
    setup: Setup,
    hours: Location,
    absent_days: list[int],
    outage_days: list[int],
    booked: list[tuple[int, int]],
    minutes: int,
) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        WorkingHours.objects.create(staff=setup.nurse, weekday=2, starts=time(12), ends=time(18))
        for offset in absent_days:
            day = today + timedelta(days=offset)
            Absence.objects.create(staff=setup.clinician, starts_at=at(day, 9), ends_at=at(day, 14), reason="Away")
        for offset in outage_days:
            day = today + timedelta(days=offset)
            RoomOutage.objects.create(room=setup.room, starts_at=at(day, 11), ends_at=at(day, 18), reason="Works")
        other = _other_patient_plan(setup)
        for offset, hour in booked:
            try:
                _book_other(setup, other, at(today + timedelta(days=offset), hour), outside_hours_note="Test")
            except services.BookingRefused:
                continue
            break
        search = availability.next_free_slots(setup.plan, minutes=minutes, limit=6)
        assert search.slots, search.message
        for slot in search.slots:
            with transaction.atomic():
                booking = services.book(
                    None,
                    setup.nurse,
                    setup.plan,
                    session_number=search.session or 1,
                    practitioner=StaffUser.objects.get(pk=slot.practitioner_id),
                    room=type(setup.room).objects.get(pk=slot.room_id),
                    device=type(setup.device).objects.get(pk=slot.device_id),
                    starts_at=slot.starts_at,
                    minutes=slot.minutes,
                )
                assert booking.starts_at == slot.starts_at
                transaction.set_rollback(True)
        transaction.set_rollback(True)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney"])
def test_a_booked_time_is_busy_at_its_own_wall_clock_hour_in_a_zone_away_from_utc(
    setup: Setup, hours: Location, zone: str
) -> None:
    # The busy times are read as the database's text and turned to the practice's wall clock (by PostgreSQL
    # itself, or in Python on SQLite): a zone hours away from UTC shows a conversion done twice or not at all.
    with timezone.override(zone):
        day = next_weekday(1, after=max(setup.day(1), timezone.localdate()))
        other = _other_patient_plan(setup)
        _book_other(setup, other, at(day, 9), minutes=45)
        search = availability.next_free_slots(
            setup.plan, from_day=day, only_practitioner_id=setup.clinician.pk, minutes=45, limit=1
        )
        assert [timezone.localtime(s.starts_at) for s in search.slots] == [at(day, 9, 45)]


def _book_other(s: Setup, other: TreatmentPlan, starts_at: datetime, **changes: Any) -> Booking:
    """Another patient's first session with the setup's clinician, room and device."""
    return services.book(
        None,
        s.clinician,
        other,
        session_number=1,
        practitioner=s.clinician,
        room=s.room,
        device=s.device,
        starts_at=starts_at,
        **changes,
    )


def _other_patient_plan(s: Setup) -> TreatmentPlan:
    from tests.web.booking_helpers import accepted_plan
    from tests.web.conftest import make_patient

    patient = make_patient(s.plan.practice, given_names="Other", family_name="Patient")
    return accepted_plan(patient, s.clinician, timezone.localdate() - timedelta(days=120))


def test_overlapping_opening_hours_are_refused_with_a_clear_message(hours: Location) -> None:
    formset = _formset(
        OpeningHoursForm,
        _WeeklyFormSet,
        hours,
        [("0", "09:00", "13:00"), ("0", "12:00", "18:00")],
        ("weekday", "opens", "closes"),
    )
    assert not formset.is_valid()
    assert "Monday: 09:00-13:00 and 12:00-18:00 overlap." in str(formset.non_form_errors())


def test_opening_hours_that_run_backwards_are_refused(hours: Location) -> None:
    form = OpeningHoursForm(data={"weekday": "0", "opens": "18:00", "closes": "09:00"})
    assert not form.is_valid()
    assert "Ends at 09:00, before it starts at 18:00" in str(form.errors["closes"])


def test_overlapping_working_hours_are_refused(setup: Setup) -> None:
    formset = _formset(
        WorkingHoursForm,
        WorkingHoursFormSet,
        setup.nurse,
        [("2", "09:00", "13:00"), ("2", "10:00", "11:00")],
        ("weekday", "starts", "ends"),
    )
    assert not formset.is_valid()
    assert "overlap" in str(formset.non_form_errors())


def test_an_absence_wholly_in_the_past_is_refused() -> None:
    form = AbsenceForm(data={"starts_at": "2020-01-01 09:00", "ends_at": "2020-01-02 09:00", "reason": "Leave"})
    assert not form.is_valid()
    assert "wholly in the past" in str(form.errors["ends_at"])


def test_an_absence_that_ends_before_it_starts_is_refused() -> None:
    later = timezone.localdate() + timedelta(days=10)
    form = AbsenceForm(data={"starts_at": f"{later} 17:00", "ends_at": f"{later} 09:00", "reason": "Leave"})
    assert not form.is_valid()
    assert "ends before it starts" in str(form.errors["ends_at"])


def _formset(
    form: type, formset: type, owner: Any, rows: list[tuple[str, str, str]], names: tuple[str, str, str]
) -> Any:
    from django.forms import inlineformset_factory

    model = form._meta.model  # type: ignore[attr-defined]
    factory = inlineformset_factory(type(owner), model, form=form, formset=formset, extra=0, fields=names)
    prefix = "rows"
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, values in enumerate(rows):
        for name, value in zip(names, values, strict=True):
            data[f"{prefix}-{index}-{name}"] = value
    return factory(data=data, instance=owner, prefix=prefix)
