"""Dating a plan's care steps around each session (lasercare.documents.care_dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from lasercare.documents.care_dates import aftercare_for, care_calendar, preparation_for, protocol_for

PROTOCOL: dict[str, list[dict[str, Any]]] = {
    "preparation": [
        {"text": "Avoid sun for 4 weeks.", "days_before": 28, "sources": ["s1"]},
        {"text": "Pause retinol 7 days before.", "days_before": 7},
        {"text": "Ask about cold sores.", "sources": []},
    ],
    "day_of": [{"text": "Clean skin."}],
    "aftercare": [
        {"text": "Ointment twice daily.", "days_after": 0},
        {"text": "SPF once healed.", "days_after": 7},
    ],
}


def test_a_preparation_step_starts_its_days_before_the_session() -> None:
    steps = preparation_for(PROTOCOL["preparation"], 1, date(2026, 12, 10))
    assert [(s.on, s.text) for s in steps] == [
        (date(2026, 11, 12), "Avoid sun for 4 weeks."),
        (date(2026, 12, 3), "Pause retinol 7 days before."),
    ]


def test_a_preparation_step_due_before_the_consultation_starts_at_the_consultation() -> None:
    step = preparation_for(PROTOCOL["preparation"], 1, date(2026, 12, 10), not_before=date(2026, 11, 27))[0]
    assert step.on == date(2026, 11, 27)
    assert step.ideal == date(2026, 11, 12)
    assert step.late


def test_a_step_without_a_number_of_days_is_not_dated() -> None:
    texts = [s.text for s in preparation_for(PROTOCOL["preparation"], 1, date(2026, 12, 10))]
    assert "Ask about cold sores." not in texts


def test_aftercare_applies_its_days_after_the_session() -> None:
    steps = aftercare_for(PROTOCOL["aftercare"], 2, date(2027, 1, 14))
    assert [(s.on, s.days, s.session) for s in steps] == [(date(2027, 1, 14), 0, 2), (date(2027, 1, 21), 7, 2)]


def test_the_course_calendar_dates_every_session_in_day_order() -> None:
    steps = care_calendar(PROTOCOL, {2: date(2027, 1, 14), 1: date(2026, 12, 10)})
    days = [s.on for s in steps]
    assert days == sorted(days)
    assert {s.session for s in steps} == {1, 2}
    assert len(steps) == 2 * (2 + 2)


def test_the_protocol_is_dated_only_for_the_treatment_it_was_written_for() -> None:
    document = {"course": {"modality": "pdl"}, "protocol": PROTOCOL}
    assert protocol_for(document, "pdl") == PROTOCOL
    assert protocol_for(document, "ipl") == {}
    assert protocol_for(document, None) == {}


def test_an_aftercare_step_lasting_days_applies_on_each_of_them_from_the_day_after() -> None:
    steps = [{"text": "No retinoids on the treated skin for 7 days.", "days_after": 1, "for_days": 7}]
    step = aftercare_for(steps, 1, date(2026, 12, 10))[0]
    assert (step.on, step.until) == (date(2026, 12, 11), date(2026, 12, 17))
    assert [step.applies_on(date(2026, 12, d)) for d in (10, 11, 14, 17, 18)] == [False, True, True, True, False]


def test_an_aftercare_step_of_one_day_ends_on_the_day_it_starts() -> None:
    step = aftercare_for(PROTOCOL["aftercare"], 1, date(2026, 12, 10))[1]
    assert step.until == step.on == date(2026, 12, 17)
    assert not step.lasts_days
