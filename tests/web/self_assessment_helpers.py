"""Answers to the self-assessment as a browser posts them, and a way to change a few."""

from __future__ import annotations

from typing import Any

# A fair-skinned adult (questionnaire score 16: type II) with sun spots and fine lines, nothing in the history.
ANSWERS: dict[str, Any] = {
    "age": "45",
    "sex": "female",
    "concerns": ["sun_spots", "fine_lines"],
    "max_downtime_days": "",
    "max_sessions": "",
    "budget": "",
    "ready_by": "",
    "pregnancy": "no",
    "isotretinoin": "never",
    "isotretinoin_stopped_on": "",
    "cold_sores": "no",
    "cold_sore_now": "no",
    "keloids": "no",
    "medications": "",
    "last_sun_exposure_on": "",
    **{f"q{n}": str(score) for n, score in zip(range(1, 11), (1, 1, 2, 2, 2, 2, 1, 2, 1, 2), strict=True)},
}

CONTACT: dict[str, Any] = {
    "name": "Morwenna Tregarthen",
    "contact_by": "phone",
    "phone": "+44 7700 900777",
    "email": "",
    "preferred_times": "weekday mornings",
    "message": "",
    "consent": "on",
}


def answers(**changes: Any) -> dict[str, Any]:
    found = dict(ANSWERS)
    found.update(changes)
    return found
