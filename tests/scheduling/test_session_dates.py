"""The day each session of a course is given to the patient (lasercare.practice.scheduling.session_dates): held on,
booked for, or not before a day that follows the sessions before it and today."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from lasercare.practice.scheduling.rules import Course, Floor
from lasercare.practice.scheduling.session_dates import SessionDate, session_dates

CONSULTATION = date(2026, 9, 1)


def course(sessions: int = 7, interval_weeks: int = 2, schedule: dict[int, date] | None = None) -> Course:
    """A course counted from the consultation day, as the engine's schedule counts it."""
    if schedule is None:
        schedule = {n: CONSULTATION + timedelta(weeks=interval_weeks * (n - 1)) for n in range(1, sessions + 1)}
    return Course(
        modality="ipl",
        name="IPL",
        sessions=sessions,
        interval_weeks=interval_weeks,
        floors=(Floor(CONSULTATION, "the day of the consultation"),),
        schedule=schedule,
    )


def test_sessions_after_a_booked_session_count_from_it_not_from_the_consultation() -> None:
    """The reported fault: session 5 booked for 10 December, sessions 6 and 7 said "not before 2 Oct" and "16 Oct"."""
    held = {1: date(2026, 9, 4), 2: date(2026, 9, 18), 3: date(2026, 10, 2), 4: date(2026, 11, 20)}
    dates = session_dates(course(interval_weeks=2), held=held, booked={5: date(2026, 12, 10)}, today=date(2026, 12, 7))
    assert dates[5:] == (
        SessionDate(6, "not_booked", date(2026, 12, 24)),
        SessionDate(7, "not_booked", date(2027, 1, 7)),
    )


def test_held_sessions_are_told_apart_from_booked_ones() -> None:
    dates = session_dates(
        course(sessions=3), held={1: date(2026, 9, 4)}, booked={2: date(2026, 12, 10)}, today=date(2026, 12, 7)
    )
    assert [(d.state, d.on) for d in dates[:2]] == [("held", date(2026, 9, 4)), ("booked", date(2026, 12, 10))]


def test_a_session_not_booked_is_never_dated_in_the_past() -> None:
    dates = session_dates(course(sessions=2), held={}, booked={}, today=date(2026, 12, 7))
    assert [d.on for d in dates] == [date(2026, 12, 7), date(2026, 12, 21)]


def test_a_session_passed_over_by_a_later_booking_gets_no_day() -> None:
    """Session 3 no longer fits 4 weeks before session 4: the practice decides what becomes of it, no day is made up."""
    dates = session_dates(
        course(sessions=4, interval_weeks=4),
        held={1: date(2026, 9, 4), 2: date(2026, 10, 2)},
        booked={4: date(2026, 12, 10)},
        today=date(2026, 12, 7),
    )
    assert dates[2] == SessionDate(3, "not_booked", None)


CourseState = tuple[Course, dict[int, date], dict[int, date], date]


@st.composite
def course_states(draw: st.DrawFn) -> CourseState:
    """Any course under way: some sessions held, in order, before today; some booked (possibly with gaps between
    them, as a clinic may book session 5 before session 4); the rest not booked. Days of sessions given or booked
    rise with their number, as the booking rules keep them."""
    sessions = draw(st.integers(1, 10))
    interval = draw(st.integers(1, 8))
    today = CONSULTATION + timedelta(days=draw(st.integers(0, 400)))
    states = draw(st.lists(st.sampled_from(("held", "booked", "none")), min_size=sessions, max_size=sessions))
    held: dict[int, date] = {}
    booked: dict[int, date] = {}
    day = CONSULTATION
    for number, state in enumerate(states, start=1):
        day += timedelta(days=draw(st.integers(0, 90)))
        if state == "held" and day < today and not booked:
            held[number] = day
        elif state == "booked":
            booked[number] = day
    # The engine's schedule from the consultation (None: counted here), or none (another treatment than its own).
    schedule: dict[int, date] | None = draw(st.sampled_from((None, {})))
    return course(sessions, interval, schedule), held, booked, today


@given(course_states())
def test_the_days_listed_are_in_the_order_of_the_sessions(state: CourseState) -> None:
    the_course, held, booked, today = state
    days = [d.on for d in session_dates(the_course, held=held, booked=booked, today=today) if d.on is not None]
    assert days == sorted(days)


@given(course_states())
def test_no_session_not_booked_yet_lies_in_the_past(state: CourseState) -> None:
    the_course, held, booked, today = state
    for entry in session_dates(the_course, held=held, booked=booked, today=today):
        if entry.state == "not_booked" and entry.on is not None:
            assert entry.on >= today


@given(course_states())
def test_a_session_not_booked_keeps_the_minimum_interval_after_the_session_before_it(
    state: CourseState,
) -> None:
    the_course, held, booked, today = state
    dates = session_dates(the_course, held=held, booked=booked, today=today)
    for before, entry in pairwise(dates):
        if entry.state == "not_booked" and entry.on is not None and before.on is not None:
            assert entry.on >= before.on + the_course.interval


@given(course_states())
def test_every_session_of_the_course_is_listed_once_with_its_state(state: CourseState) -> None:
    the_course, held, booked, today = state
    dates = session_dates(the_course, held=held, booked=booked, today=today)
    assert [d.session for d in dates] == list(range(1, the_course.sessions + 1))
    assert {d.session for d in dates if d.state == "held"} == set(held)
    assert {d.session for d in dates if d.state == "booked"} == set(booked)
