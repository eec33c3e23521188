"""The Fitzpatrick questionnaire as the form asks it (fitzpatrick_questionnaire.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Question:
    number: int
    section: str
    text: str
    answers: tuple[str, ...]


@cache
def questions() -> tuple[Question, ...]:
    document = tomllib.loads(
        files("lasercare.practice.consultations").joinpath("fitzpatrick_questionnaire.toml").read_text("utf-8")
    )
    found = tuple(
        Question(number=i, section=q["section"], text=q["text"], answers=tuple(q["answers"]))
        for i, q in enumerate(document["question"], start=1)
    )
    if len(found) != 10 or any(len(q.answers) != 5 for q in found):
        raise ValueError("fitzpatrick_questionnaire.toml must hold 10 questions of 5 answers each")
    return found
