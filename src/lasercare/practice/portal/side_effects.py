"""The symptoms a patient can report in the portal, and which of them mean "call the practice now".

The list is data (side_effects.toml): each symptom names the knowledge base's aftercare step behind its urgency,
so the source and evidence level are the step's. The labels are translated where they are shown.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from django.utils.translation import gettext

PLAN_RISKS = "plan-risks"


@dataclass(frozen=True)
class Symptom:
    code: str
    label: str  # English; `shown` translates it
    urgent: bool
    basis: str  # a protocol step id of the knowledge base, or "plan-risks"

    @property
    def shown(self) -> str:
        return gettext(self.label)


@functools.cache
def symptoms() -> dict[str, Symptom]:
    text = resources.files(__package__).joinpath("side_effects.toml").read_text(encoding="utf-8")
    return {
        code: Symptom(code, str(entry["label"]), bool(entry["urgent"]), str(entry["basis"]))
        for code, entry in tomllib.loads(text).items()
    }


def any_urgent(codes: list[str]) -> bool:
    table = symptoms()
    return any(table[code].urgent for code in codes if code in table)
