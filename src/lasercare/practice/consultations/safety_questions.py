"""What must be settled before a plan's course is booked: the safety questions, as a pure function of the plan.

No Django here: the plan document is a dict (contracts/plan.schema.json with the fields `lasercare plan --json`
adds), the chosen treatment a code, the adverse events that flagged the plan plain values; every answer is a
frozen dataclass, so the questions are tested directly, as scheduling/rules.py is. The services store the
clinicians' answers and hold booking while any question is open (docs/architecture.md, "Bookings wait for safety").

A question is asked while any of these stands:

- `medication`: a medicine the engine did not recognise, or recognised without certainty (an uncertain one is read
  as its riskier suggestion by the engine; a clinician confirms what it is). Plans made before the engine gave each
  medicine a `status` have none: one with no `recognised_as` is unknown.
- `phototype`: the phototype rests on a photo's ITA alone (ITA and Fitzpatrick type are not interchangeable).
- `finding`: a relative contraindication that applies to the chosen treatment needs a documented sign-off.
- `adverse_event`: an adverse event flagged the plan and no clinician has reviewed it yet.

Each question carries a fingerprint: a digest of exactly what its answer answers. An answer holds for the question
with the same key and fingerprint; when a re-plan changes what was answered (a medicine's stop date, a finding's
reason), the fingerprint changes and the answer lapses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

MEDICATION = "medication"
PHOTOTYPE = "phototype"
FINDING = "finding"
ADVERSE_EVENT = "adverse_event"
KINDS = (MEDICATION, PHOTOTYPE, FINDING, ADVERSE_EVENT)
# The role that answers every kind (clinic/roles.py: Role.CLINICIAN); the pure module names it, the services check it.
CLINICIAN = "clinician"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_text(day: date) -> str:
    """ "3 Dec 2026", as the booking refusals name a day."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class SafetyQuestion:
    """One thing a clinician settles before the course is booked.

    `key` names the question across re-plans (the same medicine, finding or event keeps its key); `text` says what
    is to be settled, `task` the same as an instruction ("confirm the phototype, ..."), `who_may_answer` the role
    that may; `fingerprint` is the digest of what an answer answers."""

    key: str
    kind: str
    text: str
    task: str
    who_may_answer: str
    fingerprint: str

    @property
    def ref(self) -> str:
        return question_ref(self.key)


def question_ref(key: str) -> str:
    """An opaque name for a question, for the audit log: its key may name a medicine or a condition."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class EventFlag:
    """An adverse event that flagged the plan and awaits a clinician's review: its public id, day and kind."""

    reference: str
    on: date
    what: str


def fingerprint(kind: str, answered: Mapping[str, Any]) -> str:
    """A stable digest of `answered` (JSON with sorted keys), prefixed by the question's kind."""
    text = json.dumps({"kind": kind, **answered}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _medication_status(entry: Mapping[str, Any]) -> str:
    status = entry.get("status")
    if status:
        return str(status)
    return "recognised" if entry.get("recognised_as") else "unknown"


def _name_key(name: str) -> str:
    """The medicine as written, without case or extra spaces; a name longer than the form allows (200 characters)
    by its digest, so a key always fits its column."""
    written = " ".join(name.casefold().split())
    return written if len(written) <= 200 else hashlib.sha256(written.encode()).hexdigest()


def _medications(document: Mapping[str, Any]) -> list[SafetyQuestion]:
    found: list[SafetyQuestion] = []
    seen: dict[str, int] = {}
    for entry in document.get("medications") or []:
        status = _medication_status(entry)
        if status not in ("unknown", "uncertain"):
            continue
        name = str(entry.get("name", "")).strip()
        base = f"{MEDICATION}:{_name_key(name)}"
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        suggestion = entry.get("suggestion") or entry.get("recognised_as")
        answered = {
            "name": name,
            "status": status,
            "suggestion": suggestion,
            "classes": sorted(entry.get("classes") or []),
            "current": entry.get("current"),
            "stopped_on": entry.get("stopped_on"),
        }
        possibly = f" (possibly {suggestion})" if suggestion else ""
        stopped = f", stopped {entry['stopped_on']}" if entry.get("stopped_on") else ""
        certainty = "with certainty" if status == "uncertain" else "by the knowledge base"
        found.append(
            SafetyQuestion(
                key=key,
                kind=MEDICATION,
                text=f"“{name}”{stopped} is not recognised {certainty}{possibly}: a clinician confirms what it is.",
                task=f"confirm the medicine “{name}”{possibly}",
                who_may_answer=CLINICIAN,
                fingerprint=fingerprint(MEDICATION, answered),
            )
        )
    return found


def _phototype(document: Mapping[str, Any]) -> list[SafetyQuestion]:
    phototype = document.get("phototype") or {}
    if phototype.get("basis") != "photo":
        return []
    answered = {
        "fitzpatrick": phototype.get("fitzpatrick"),
        "basis": phototype.get("basis"),
        "ita_deg": phototype.get("ita_deg"),
    }
    estimate = phototype.get("label") or phototype.get("fitzpatrick")
    return [
        SafetyQuestion(
            key=PHOTOTYPE,
            kind=PHOTOTYPE,
            text=f"The phototype ({estimate}) rests on a photo estimate alone (ITA {phototype.get('ita_deg')}°): "
            "a clinician confirms the Fitzpatrick type.",
            task="confirm the phototype, which rests on a photo estimate alone",
            who_may_answer=CLINICIAN,
            fingerprint=fingerprint(PHOTOTYPE, answered),
        )
    ]


def _applies(finding: Mapping[str, Any], modality: str) -> bool:
    applies = finding.get("applies_to") or []
    return "all" in applies or modality in applies


def _findings(document: Mapping[str, Any], modality: str) -> list[SafetyQuestion]:
    by_code: dict[str, list[Mapping[str, Any]]] = {}
    for finding in document.get("findings") or []:
        if finding.get("severity") == "relative" and _applies(finding, modality):
            by_code.setdefault(str(finding.get("code")), []).append(finding)
    found: list[SafetyQuestion] = []
    for code, entries in by_code.items():
        answered = {
            "code": code,
            "entries": sorted(
                (
                    {
                        "severity": f.get("severity"),
                        "because": f.get("because"),
                        "adjustments": list(f.get("adjustments") or []),
                        "applies_to": sorted(f.get("applies_to") or []),
                    }
                    for f in entries
                ),
                key=lambda e: json.dumps(e, sort_keys=True),
            ),
        }
        name = str(entries[0].get("name") or code)
        adjustments = [a for f in entries for a in f.get("adjustments") or []]
        because = entries[0].get("because")
        text = f"“{name}” is a relative contraindication to this treatment"
        text += f" (raised by: {because})" if because else ""
        text += f"; the plan adjusts: {' '.join(dict.fromkeys(adjustments))}" if adjustments else ""
        found.append(
            SafetyQuestion(
                key=f"{FINDING}:{code}",
                kind=FINDING,
                text=text + ". A clinician documents the sign-off.",
                task=f"sign off “{name}” (relative)",
                who_may_answer=CLINICIAN,
                fingerprint=fingerprint(FINDING, answered),
            )
        )
    return found


def _events(flags: Iterable[EventFlag]) -> list[SafetyQuestion]:
    found = []
    for flag in sorted(flags, key=lambda f: (f.on, f.reference)):
        day = _day_text(flag.on)
        found.append(
            SafetyQuestion(
                key=f"{ADVERSE_EVENT}:{flag.reference}",
                kind=ADVERSE_EVENT,
                text=f"An adverse event of {day} ({flag.what}) flagged the plan: a clinician reviews it.",
                task=f"review the adverse event of {day}",
                who_may_answer=CLINICIAN,
                fingerprint=fingerprint(ADVERSE_EVENT, {"reference": flag.reference}),
            )
        )
    return found


def safety_questions(
    document: Mapping[str, Any], modality: str | None, flags: Iterable[EventFlag] = ()
) -> tuple[SafetyQuestion, ...]:
    """Every question the plan raises for the chosen treatment, in the order a clinician works through them:
    medicines, the phototype, relative findings, adverse events. Without a chosen treatment, no finding applies."""
    findings = _findings(document, modality) if modality else []
    return (*_medications(document), *_phototype(document), *findings, *_events(flags))


def hold_text(questions: Sequence[SafetyQuestion], clinicians: Sequence[str]) -> str:
    """The refusal a booker reads: what is missing, and who may resolve it ("" when nothing is)."""
    if not questions:
        return ""
    tasks = "; ".join(q.task for q in questions)
    who = (
        f" Clinicians of this practice: {', '.join(clinicians)}."
        if clinicians
        else " This practice has no active clinician account: ask the practice admin."
    )
    return f"This course cannot be booked yet. A clinician must first: {tasks}.{who}"
