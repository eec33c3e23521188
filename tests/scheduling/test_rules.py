"""The course's dates as rules.py computes them from a plan document: pure, no database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling.calendar import period, read_day


def document(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "consultation_on": "2026-11-26",
        "options": [
            {
                "modality": "ipl",
                "name": "Intense pulsed light",
                "sessions": {"min": 4, "max": 5},
                "interval_weeks": {"min": 3, "max": 4},
            },
            {
                "modality": "nafl_1550",
                "name": "fractional 1550 nm laser",
                "sessions": {"min": 3, "max": 6},
                "interval_weeks": {"min": 4, "max": 6},
            },
        ],
        "findings": [],
        "course": {
            "modality": "ipl",
            "sessions": 4,
            "first_on": "2026-12-04",
            "held_back_by": [{"reason": "preparation: retinoid pause", "until": "2026-12-04"}],
        },
        "schedule": [
            {"session": 1, "earliest_on": "2026-12-04"},
            {"session": 2, "earliest_on": "2026-12-25"},
            {"session": 3, "earliest_on": "2027-01-15"},
            {"session": 4, "earliest_on": "2027-02-05"},
        ],
    }
    doc.update(changes)
    return doc


def test_the_engines_course_gives_its_number_of_sessions_and_schedule() -> None:
    course = rules.course_of(document(), "ipl")
    assert course.sessions == 4
    assert course.interval_weeks == 3
    assert course.schedule[2] == date(2026, 12, 25)


def test_another_chosen_option_has_its_most_sessions_and_no_engine_schedule() -> None:
    course = rules.course_of(document(), "nafl_1550")
    assert course.sessions == 6
    assert course.interval_weeks == 4
    assert course.schedule == {}
    assert date(2026, 12, 4) not in [f.on for f in course.floors if "first day" in f.reason]


def test_an_option_missing_from_the_plan_is_not_bookable() -> None:
    with pytest.raises(rules.NotBookable):
        rules.course_of(document(), "co2_full")


def test_the_first_session_waits_for_the_hold_back() -> None:
    win = rules.window(rules.course_of(document(), "ipl"), 1, [])
    assert win.earliest == date(2026, 12, 4)
    assert any("retinoid pause" in reason for reason in win.earliest_because)
    assert win.problems(date(2026, 12, 3))
    assert win.problems(date(2026, 12, 4)) == ()


def test_a_findings_waiting_period_binds_the_modalities_it_applies_to() -> None:
    finding = {"code": "recent_tan", "name": "Recent tan", "applies_to": ["nafl_1550"], "wait_until": "2027-01-10"}
    doc = document(findings=[finding])
    assert rules.window(rules.course_of(doc, "nafl_1550"), 1, []).earliest == date(2027, 1, 10)
    assert rules.window(rules.course_of(doc, "ipl"), 1, []).earliest == date(2026, 12, 4)


def test_a_waiting_period_for_all_modalities_binds_every_one() -> None:
    finding = {"code": "infection", "name": "Active infection", "applies_to": ["all"], "wait_until": "2027-01-02"}
    win = rules.window(rules.course_of(document(findings=[finding]), "ipl"), 1, [])
    assert win.earliest == date(2027, 1, 2)
    assert win.earliest_because == ("waiting period: Active infection",)


def test_the_consultation_day_is_a_floor_for_another_option() -> None:
    win = rules.window(rules.course_of(document(), "nafl_1550"), 1, [])
    # The retinoid hold is the patient's, whatever the laser.
    assert win.earliest == date(2026, 12, 4)
    doc = document(course={"modality": "ipl", "sessions": 4, "first_on": "2026-12-04", "held_back_by": []})
    assert rules.window(rules.course_of(doc, "nafl_1550"), 1, []).earliest == date(2026, 11, 26)


def test_a_session_comes_at_least_the_interval_after_the_one_before() -> None:
    course = rules.course_of(document(), "ipl")
    win = rules.window(course, 2, [rules.Booked(1, date(2026, 12, 10))])
    assert win.earliest == date(2026, 12, 31)
    (problem,) = win.problems(date(2026, 12, 30))
    assert problem == (
        "Session 2 cannot be before 31 Dec 2026: at least 3 weeks after session 1 on 10 Dec 2026 "
        "(the treatment's minimum interval)."
    )


def test_a_later_session_skipped_counts_one_interval_per_session_between() -> None:
    win = rules.window(rules.course_of(document(), "ipl"), 3, [rules.Booked(1, date(2026, 12, 10))])
    assert win.earliest == date(2027, 1, 21)


def test_a_session_comes_at_least_the_interval_before_the_next_booked_one() -> None:
    course = rules.course_of(document(), "ipl")
    win = rules.window(course, 2, [rules.Booked(1, date(2026, 12, 4)), rules.Booked(3, date(2027, 1, 29))])
    assert win.latest == date(2027, 1, 8)
    assert win.problems(date(2027, 1, 9)) == (
        "Session 2 cannot be after 8 Jan 2027: at least 3 weeks before session 3 on 29 Jan 2027 "
        "(the treatment's minimum interval).",
    )
    assert win.problems(date(2027, 1, 8)) == ()


def test_the_sessions_own_booking_is_not_in_its_way() -> None:
    win = rules.window(rules.course_of(document(), "ipl"), 2, [rules.Booked(2, date(2026, 12, 25))])
    assert win.earliest == date(2026, 12, 4)


def test_proposals_follow_the_engines_schedule() -> None:
    sessions = rules.plan_sessions(rules.course_of(document(), "ipl"), [], today=date(2026, 11, 27))
    assert [s.proposed_on for s in sessions] == [
        date(2026, 12, 4),
        date(2026, 12, 25),
        date(2027, 1, 15),
        date(2027, 2, 5),
    ]


def test_proposals_move_after_what_is_already_booked() -> None:
    booked = [rules.Booked(1, date(2027, 1, 4))]
    sessions = rules.plan_sessions(rules.course_of(document(), "ipl"), booked, today=date(2026, 11, 27))
    assert sessions[0].booked_on == date(2027, 1, 4)
    assert [s.proposed_on for s in sessions[1:]] == [date(2027, 1, 25), date(2027, 2, 15), date(2027, 3, 8)]


def test_proposals_for_another_option_follow_its_interval_and_never_precede_today() -> None:
    sessions = rules.plan_sessions(rules.course_of(document(), "nafl_1550"), [], today=date(2026, 12, 20))
    assert len(sessions) == 6
    assert sessions[0].proposed_on == date(2026, 12, 20)
    assert sessions[1].proposed_on == date(2027, 1, 17)


def test_a_week_runs_monday_to_sunday_and_a_day_is_itself() -> None:
    week = period("week", date(2026, 12, 3))
    assert (week.first, week.last, week.previous, week.next) == (
        date(2026, 11, 30),
        date(2026, 12, 6),
        date(2026, 11, 23),
        date(2026, 12, 7),
    )
    day = period("day", date(2026, 12, 3))
    assert (day.first, day.last, day.next) == (date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 4))


def test_a_date_parameter_that_is_not_a_date_shows_today() -> None:
    today = date(2026, 12, 1)
    assert read_day("2026-12-24", today) == date(2026, 12, 24)
    assert read_day("24/12/2026", today) == today
    assert read_day("9999-12-31", today) == today
    assert read_day(None, today) == today
