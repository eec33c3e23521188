"""The pure availability rules and slot finder: frozen values in, frozen values out, no database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lasercare.practice.scheduling.slots import (
    Away,
    Busy,
    Clinic,
    Closed,
    Machine,
    Opening,
    Person,
    Place,
    Space,
    Want,
    find,
    problems,
)

MONDAY = date(2027, 3, 1)
WEEKDAYS_9_TO_6 = (*(Opening(d, time(9), time(18)) for d in range(5)), Opening(5, time(9), time(13)))


def clinic(**changes: object) -> Clinic:
    values: dict[str, object] = {
        "places": (Place(1, "Riverside", WEEKDAYS_9_TO_6),),
        "people": (Person(10, "Dr Raman", modalities=frozenset({"ipl"})),),
        "rooms": (Space(20, "Room 1", 1),),
        "devices": (Machine(30, "Laser A", "ipl"),),
    }
    values.update(changes)
    return Clinic(**values)  # type: ignore[arg-type]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def want(**changes: object) -> Want:
    values: dict[str, object] = {
        "modality": "ipl",
        "minutes": 45,
        "first_day": MONDAY,
        "last_day": MONDAY + timedelta(days=13),
        "not_before": at(MONDAY, 0),
    }
    values.update(changes)
    return Want(**values)  # type: ignore[arg-type]


def texts(**changes: object) -> list[str]:
    where = changes.pop("clinic", None) or clinic()
    values: dict[str, object] = {
        "practitioner_id": 10,
        "room_id": 20,
        "device_id": 30,
        "modality": "ipl",
        "starts": at(MONDAY, 10),
        "ends": at(MONDAY, 10, 45),
    }
    values.update(changes)
    return [p.text for p in problems(where, **values)]  # type: ignore[arg-type]


def test_a_booking_within_every_rule_has_no_problem() -> None:
    assert texts() == []


def test_a_sunday_is_a_closed_day() -> None:
    sunday = MONDAY + timedelta(days=6)
    assert texts(starts=at(sunday, 10), ends=at(sunday, 10, 45)) == ["Riverside is closed on Sundays."]


def test_saturday_afternoon_is_outside_the_opening_hours() -> None:
    saturday = MONDAY + timedelta(days=5)
    assert texts(starts=at(saturday, 12, 30), ends=at(saturday, 13, 15)) == [
        "Riverside is open 09:00-13:00 on Saturdays: 12:30-13:15 is outside its hours."
    ]


def test_two_openings_that_touch_hold_a_booking_across_them() -> None:
    split = (Opening(0, time(9), time(12)), Opening(0, time(12), time(18)))
    assert texts(clinic=clinic(places=(Place(1, "Riverside", split),)), starts=at(MONDAY, 11, 30)) == []


def test_a_holiday_names_its_reason() -> None:
    holiday = Place(1, "Riverside", WEEKDAYS_9_TO_6, (Closed(MONDAY, MONDAY, "Bank holiday"),))
    assert texts(clinic=clinic(places=(holiday,))) == ["Riverside is closed on 1 Mar 2027 (Bank holiday)."]


def test_an_absent_practitioner_cannot_be_overridden() -> None:
    away = Person(10, "Dr Raman", absences=(Away(at(MONDAY, 0), at(MONDAY, 23), "Annual leave"),))
    found = problems(
        clinic(people=(away,)),
        practitioner_id=10,
        room_id=20,
        device_id=30,
        modality="ipl",
        starts=at(MONDAY, 10),
        ends=at(MONDAY, 11),
    )
    assert [(p.text, p.outside_hours) for p in found] == [
        ("Dr Raman is away 1 Mar 2027 00:00 to 1 Mar 2027 23:00 (Annual leave).", False)
    ]


def test_an_unqualified_practitioner_is_named() -> None:
    assert texts(modality="pdl") == ["Dr Raman is not recorded as qualified for this treatment."]


def test_no_hours_on_record_restricts_nothing() -> None:
    sunday = MONDAY + timedelta(days=6)
    assert texts(clinic=clinic(places=(Place(1, "Riverside"),)), starts=at(sunday, 6), ends=at(sunday, 7)) == []


def test_the_finder_starts_at_opening_time_on_the_first_day() -> None:
    slots = find(clinic(), Busy(), want(limit=1))
    assert [(s.starts, s.ends) for s in slots] == [(at(MONDAY, 9), at(MONDAY, 9, 45))]


def test_the_finder_spaces_a_days_slots_a_session_apart() -> None:
    slots = find(clinic(), Busy(), want(limit=3))
    assert [s.starts.time() for s in slots] == [time(9), time(9, 45), time(10, 30)]


def test_the_finder_skips_the_patients_other_bookings() -> None:
    slots = find(clinic(), Busy(patient=[(at(MONDAY, 9), at(MONDAY, 10))]), want(limit=1))
    assert slots[0].starts == at(MONDAY, 10)


def test_the_finder_moves_to_another_practitioner_when_the_first_is_busy() -> None:
    people = (Person(10, "Dr Raman"), Person(11, "Sam Okafor"))
    busy = Busy(people={10: [(at(MONDAY, 9), at(MONDAY, 18))]})
    slots = find(clinic(people=people), busy, want(limit=1))
    assert (slots[0].starts, slots[0].practitioner_id) == (at(MONDAY, 9), 11)


def test_the_finder_leaves_out_a_device_out_of_service() -> None:
    broken = Machine(30, "Laser A", "ipl", (Away(at(MONDAY, 0), at(MONDAY + timedelta(days=1), 0), "Service"),))
    slots = find(clinic(devices=(broken,)), Busy(), want(limit=1))
    assert slots[0].starts == at(MONDAY + timedelta(days=1), 9)


def test_the_finder_keeps_to_the_practitioners_working_hours() -> None:
    part_time = Person(10, "Dr Raman", hours=(Opening(2, time(14), time(17)),))
    slots = find(clinic(people=(part_time,)), Busy(), want(limit=1))
    assert slots[0].starts == at(MONDAY + timedelta(days=2), 14)


def test_the_finder_offers_nothing_before_now() -> None:
    slots = find(clinic(), Busy(), want(limit=1, not_before=at(MONDAY, 16, 50)))
    assert slots[0].starts == at(MONDAY, 17)


def test_the_finder_has_no_answer_when_nobody_is_qualified() -> None:
    assert find(clinic(), Busy(), want(modality="pdl")) == ()


def test_every_slot_found_breaks_no_rule() -> None:
    part_time = Person(10, "Dr Raman", hours=(Opening(1, time(8), time(12)), Opening(3, time(13), time(19))))
    found = find(clinic(people=(part_time,)), Busy(), want(limit=20, per_day=5))
    assert found
    for slot in found:
        assert not problems(
            clinic(people=(part_time,)),
            practitioner_id=slot.practitioner_id,
            room_id=slot.room_id,
            device_id=slot.device_id,
            modality="ipl",
            starts=slot.starts,
            ends=slot.ends,
        )
