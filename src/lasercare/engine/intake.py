"""The consultation intake: what the planner knows about one patient at one consultation.

`read_intake` turns a JSON-like document in the format of ../shared/contracts/intake.schema.json into frozen
values, or raises `IntakeError` naming the offending field (for example ``concerns[1].code``). It checks the
schema by hand rather than with jsonschema so that `lasercare plan` starts fast, and it adds the checks a
schema cannot express: real calendar dates, and history dates that are not after the consultation day.

Unknown keys are refused at every level, as the schema does: a misplaced top-level "medications" once dropped
warfarin silently and the plan said "no contraindication".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from .codes import AREAS, CONCERNS, CONDITIONS, PHOTOTYPES, PROCEDURE_KINDS, SEVERITY_SCALES, SEXES
from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any


class IntakeError(ValueError):
    """An intake that does not satisfy the contract; `field` is a path such as ``concerns[0].code``."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class Patient(Value):
    age: int
    sex: str = "unknown"
    pregnant: bool = False
    breastfeeding: bool = False


class PhototypeEvidence(Value):
    """What the consultation gathered about the skin phototype; at least one part is present."""

    fitzpatrick: str | None = None
    questionnaire: tuple[int, ...] | None = None
    ita_deg: float | None = None


class Concern(Value):
    code: str
    severity: int = 2
    scale: str | None = None
    areas: tuple[str, ...] = ()


class Goals(Value):
    max_downtime_days: int | None = None
    max_sessions: int | None = None
    budget: float | None = None
    currency: str | None = None
    ready_by: date | None = None


class Medication(Value):
    name: str
    current: bool = True
    stopped_on: date | None = None


class Procedure(Value):
    kind: str
    on: date
    areas: tuple[str, ...] = ()


class History(Value):
    medications: tuple[Medication, ...] = ()
    conditions: frozenset[str] = frozenset()
    last_sun_exposure_on: date | None = None
    procedures: tuple[Procedure, ...] = ()
    allergies: tuple[str, ...] = ()  # as written: "lidocaine (hives)"


class Intake(Value):
    patient: Patient
    phototype: PhototypeEvidence
    concerns: tuple[Concern, ...]
    goals: Goals = Goals()
    history: History = History()

    @property
    def treatment_areas(self) -> frozenset[str]:
        return frozenset(area for concern in self.concerns for area in concern.areas)


def _is_iso_date(text: str) -> bool:
    return len(text) == 10 and text[4] == text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdigit()


def _is_currency(text: str) -> bool:
    return len(text) == 3 and text.isascii() and text.isalpha() and text.isupper()


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__


# The keys of each object of the schema, and where a key written at the wrong level belongs.
_KEYS: dict[str, tuple[str, ...]] = {
    "intake": ("patient", "phototype", "concerns", "goals", "history"),
    "patient": ("age", "sex", "pregnant", "breastfeeding"),
    "phototype": ("fitzpatrick", "questionnaire", "ita_deg"),
    "concern": ("code", "severity", "scale", "areas"),
    "goals": ("max_downtime_days", "max_sessions", "budget", "currency", "ready_by"),
    "history": ("medications", "conditions", "last_sun_exposure_on", "procedures", "allergies"),
    "medication": ("name", "current", "stopped_on"),
    "procedure": ("kind", "on", "areas"),
}
_NOUNS = {
    "intake": "the intake",
    "patient": "patient",
    "phototype": "phototype",
    "concern": "a concern",
    "goals": "goals",
    "history": "history",
    "medication": "a medication",
    "procedure": "a procedure",
}
_BELONGS = {
    "age": "patient.age",
    "sex": "patient.sex",
    "pregnant": "patient.pregnant",
    "breastfeeding": "patient.breastfeeding",
    "fitzpatrick": "phototype.fitzpatrick",
    "questionnaire": "phototype.questionnaire",
    "ita_deg": "phototype.ita_deg",
    "max_downtime_days": "goals.max_downtime_days",
    "max_sessions": "goals.max_sessions",
    "budget": "goals.budget",
    "currency": "goals.currency",
    "ready_by": "goals.ready_by",
    "medications": "history.medications",
    "conditions": "history.conditions",
    "last_sun_exposure_on": "history.last_sun_exposure_on",
    "procedures": "history.procedures",
    "allergies": "history.allergies",
}


def _object(value: object, field: str, kind: str) -> Mapping[str, Any]:
    """An object of the schema's `kind`; a key the schema does not know is refused, named by its path."""
    if not isinstance(value, Mapping):
        raise IntakeError(field, f"must be an object, not {_kind(value)}")
    allowed = _KEYS[kind]
    for key in value:
        if key not in allowed:
            path = f"{field}.{key}" if kind != "intake" else str(key)
            where = _BELONGS.get(str(key))
            hint = f"; did you mean {where}?" if where and where != path else ""
            raise IntakeError(path, f"unknown field: {_NOUNS[kind]} has only {', '.join(allowed)}{hint}")
    return value


def _list(value: object, field: str) -> Sequence[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise IntakeError(field, f"must be a list, not {_kind(value)}")
    return value


def _integer(value: object, field: str, minimum: int | None = None, maximum: int | None = None) -> int:
    # JSON has one number type: 3.0 is an integer to the schema, 3.5 is not.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise IntakeError(field, f"must be an integer, not {_kind(value)}")
    if minimum is not None and value < minimum:
        raise IntakeError(field, f"must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise IntakeError(field, f"must be at most {maximum}, not {value}")
    return value


def _number(value: object, field: str, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntakeError(field, f"must be a number, not {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise IntakeError(field, "is too large a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise IntakeError(field, "must be a finite number")
    if minimum is not None and number < minimum:
        raise IntakeError(field, f"must be at least {minimum:g}, not {number:g}")
    if maximum is not None and number > maximum:
        raise IntakeError(field, f"must be at most {maximum:g}, not {number:g}")
    return number


def _boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise IntakeError(field, f"must be true or false, not {_kind(value)}")
    return value


def _code(value: object, field: str, codes: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in codes:
        shown = repr(value) if isinstance(value, str) else _kind(value)
        raise IntakeError(field, f"{shown} is not one of: {', '.join(codes)}")
    return value


def _date(value: object, field: str, not_after: date | None = None) -> date:
    # A TOML intake may write a date as a TOML date rather than a string.
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str) or not _is_iso_date(value):
        shown = repr(value) if isinstance(value, str) else _kind(value)
        raise IntakeError(field, f"{shown} is not a date in the form YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise IntakeError(field, f"{value!r} is not a real calendar date") from None
    if not_after is not None and day > not_after:
        raise IntakeError(field, f"{value} is after the consultation day {not_after.isoformat()}")
    return day


def _areas(value: object, field: str) -> tuple[str, ...]:
    return tuple(_code(area, f"{field}[{i}]", AREAS) for i, area in enumerate(_list(value, field)))


def _patient(doc: object) -> Patient:
    raw = _object(doc, "patient", "patient")
    if "age" not in raw:
        raise IntakeError("patient.age", "is required")
    return Patient(
        age=_integer(raw["age"], "patient.age", 0, 120),
        sex=_code(raw["sex"], "patient.sex", SEXES) if "sex" in raw else "unknown",
        pregnant=_boolean(raw["pregnant"], "patient.pregnant") if "pregnant" in raw else False,
        breastfeeding=(_boolean(raw["breastfeeding"], "patient.breastfeeding") if "breastfeeding" in raw else False),
    )


def _phototype(doc: object) -> PhototypeEvidence:
    raw = _object(doc, "phototype", "phototype")
    if not {"fitzpatrick", "questionnaire", "ita_deg"} & set(raw):
        raise IntakeError("phototype", "give at least one of fitzpatrick, questionnaire or ita_deg")
    fitzpatrick = _code(raw["fitzpatrick"], "phototype.fitzpatrick", PHOTOTYPES) if "fitzpatrick" in raw else None
    questionnaire: tuple[int, ...] | None = None
    if "questionnaire" in raw:
        answers = _list(raw["questionnaire"], "phototype.questionnaire")
        if len(answers) != 10:
            raise IntakeError("phototype.questionnaire", f"must have 10 answers, not {len(answers)}")
        questionnaire = tuple(
            _integer(answer, f"phototype.questionnaire[{i}]", 0, 4) for i, answer in enumerate(answers)
        )
    ita = _number(raw["ita_deg"], "phototype.ita_deg", -90, 90) if "ita_deg" in raw else None
    return PhototypeEvidence(fitzpatrick=fitzpatrick, questionnaire=questionnaire, ita_deg=ita)


def _concerns(doc: object) -> tuple[Concern, ...]:
    items = _list(doc, "concerns")
    if not items:
        raise IntakeError("concerns", "must list at least one concern")
    merged: dict[str, Concern] = {}
    for i, item in enumerate(items):
        field = f"concerns[{i}]"
        raw = _object(item, field, "concern")
        if "code" not in raw:
            raise IntakeError(f"{field}.code", "is required")
        concern = Concern(
            code=_code(raw["code"], f"{field}.code", CONCERNS),
            severity=_integer(raw["severity"], f"{field}.severity", 1, 3) if "severity" in raw else 2,
            scale=_code(raw["scale"], f"{field}.scale", SEVERITY_SCALES) if "scale" in raw else None,
            areas=_areas(raw["areas"], f"{field}.areas") if "areas" in raw else (),
        )
        earlier = merged.get(concern.code)
        if earlier is not None:
            # The same concern entered twice (say for two areas) is one concern at its worst severity.
            concern = Concern(
                code=concern.code,
                severity=max(earlier.severity, concern.severity),
                scale=earlier.scale or concern.scale,
                areas=earlier.areas + tuple(a for a in concern.areas if a not in earlier.areas),
            )
        merged[concern.code] = concern
    return tuple(merged.values())


def _goals(doc: object, on: date) -> Goals:
    raw = _object(doc, "goals", "goals")
    currency = None
    if "currency" in raw:
        currency = raw["currency"]
        if not isinstance(currency, str) or not _is_currency(currency):
            raise IntakeError("goals.currency", "must be a three-letter ISO 4217 code such as EUR")
    return Goals(
        max_downtime_days=(
            _integer(raw["max_downtime_days"], "goals.max_downtime_days", 0) if "max_downtime_days" in raw else None
        ),
        max_sessions=_integer(raw["max_sessions"], "goals.max_sessions", 1) if "max_sessions" in raw else None,
        budget=_number(raw["budget"], "goals.budget", 0) if "budget" in raw else None,
        currency=currency,
        ready_by=_date(raw["ready_by"], "goals.ready_by") if "ready_by" in raw else None,
    )


def _medication(doc: object, field: str, on: date) -> Medication:
    raw = _object(doc, field, "medication")
    if "name" not in raw:
        raise IntakeError(f"{field}.name", "is required")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        raise IntakeError(f"{field}.name", "must be a non-empty string")
    current = _boolean(raw["current"], f"{field}.current") if "current" in raw else True
    stopped_on = _date(raw["stopped_on"], f"{field}.stopped_on", on) if "stopped_on" in raw else None
    if stopped_on is not None and raw.get("current") is True:
        raise IntakeError(f"{field}.stopped_on", "is given but current is true: a medication taken now has not stopped")
    if stopped_on is not None:
        current = False
    return Medication(name=name.strip(), current=current, stopped_on=stopped_on)


def _procedure(doc: object, field: str, on: date) -> Procedure:
    raw = _object(doc, field, "procedure")
    for key in ("kind", "on"):
        if key not in raw:
            raise IntakeError(f"{field}.{key}", "is required")
    areas: tuple[str, ...] = ()
    if "areas" in raw:
        items = _list(raw["areas"], f"{field}.areas")
        for i, area in enumerate(items):
            if not isinstance(area, str):
                raise IntakeError(f"{field}.areas[{i}]", f"must be a string, not {_kind(area)}")
        areas = tuple(items)
    return Procedure(
        kind=_code(raw["kind"], f"{field}.kind", PROCEDURE_KINDS),
        on=_date(raw["on"], f"{field}.on", on),
        areas=areas,
    )


def _history(doc: object, on: date) -> History:
    raw = _object(doc, "history", "history")
    medications = tuple(
        _medication(item, f"history.medications[{i}]", on)
        for i, item in enumerate(_list(raw.get("medications", []), "history.medications"))
    )
    conditions = frozenset(
        _code(item, f"history.conditions[{i}]", CONDITIONS)
        for i, item in enumerate(_list(raw.get("conditions", []), "history.conditions"))
    )
    procedures = tuple(
        _procedure(item, f"history.procedures[{i}]", on)
        for i, item in enumerate(_list(raw.get("procedures", []), "history.procedures"))
    )
    sun = (
        _date(raw["last_sun_exposure_on"], "history.last_sun_exposure_on", on)
        if "last_sun_exposure_on" in raw
        else None
    )
    allergies: list[str] = []
    for i, item in enumerate(_list(raw.get("allergies", []), "history.allergies")):
        if not isinstance(item, str) or not item.strip():
            shown = "an empty string" if isinstance(item, str) else _kind(item)
            raise IntakeError(f"history.allergies[{i}]", f"must be a non-empty string, not {shown}")
        allergies.append(item.strip())
    return History(
        medications=medications,
        conditions=conditions,
        last_sun_exposure_on=sun,
        procedures=procedures,
        allergies=tuple(allergies),
    )


def read_intake(doc: object, on: date) -> Intake:
    """Validate an intake document for a consultation on `on` and return it as frozen values."""
    raw = _object(doc, "intake", "intake")
    for key in ("patient", "phototype", "concerns"):
        if key not in raw:
            raise IntakeError(key, "is required")
    return Intake(
        patient=_patient(raw["patient"]),
        phototype=_phototype(raw["phototype"]),
        concerns=_concerns(raw["concerns"]),
        goals=_goals(raw["goals"], on) if "goals" in raw else Goals(),
        history=_history(raw["history"], on) if "history" in raw else History(),
    )
