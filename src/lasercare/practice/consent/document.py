"""The consent document: what the patient reads and signs, generated from the accepted plan.

Everything clinical in it comes from the plan document (the engine's options, findings and risks, each with its
source's evidence level), in the patient voice of the knowledge base (engine/patient_voice.py: plain words, how often
in words from the published rate); the practice's template adds only its own wording. The document is kept whole with a
SHA-256 over its canonical JSON, so what was signed can be shown as it was signed. No Django here: tested directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lasercare.engine.knowledge_base import load_knowledge
from lasercare.engine.patient_voice import glossary_for, patient_document

# 2: the patient voice (plain names, how often in words, how long a side effect lasts, what to do) and a glossary
FORMAT = 2


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark for the catalogue, translate when shown"
    """Marks English words the document stores for `make messages`: the pages show them translated (`|kb`)."""
    return text


# The knowledge base's evidence marks (engine/knowledge/modalities.toml), said in words for the patient.
EVIDENCE_WORDS = {
    "S": N_("known from published studies"),
    "W": N_("from a weaker source only, such as a clinic's advice"),
    "P": N_("this practice's own rule: no published figure was found"),
}

# What a finding's severity means for the treatment, in the patient's words.
SEVERITY_WORDS = {
    "absolute": N_("this treatment must not be given"),
    "relative": N_("your clinician must judge that this treatment is safe for you"),
    "precaution": N_("extra care is taken"),
}

SUITABLE = ("recommended", "acceptable")
SUITABILITY_WORDS = {"recommended": "Recommended", "acceptable": "Acceptable"}

NO_TREATMENT = {
    "modality": "",
    "name": "No treatment",
    "suitability": "",
    "summary": "You may choose to have no treatment. Nothing is done to the skin, so there are no risks from "
    "treatment; the concerns you came with stay as they are or change as they would have without it.",
}


class DocumentError(ValueError):
    """The plan does not hold what a consent needs; the message says what is missing."""


@dataclass(frozen=True)
class TemplateText:
    family: str
    version: int
    title: str
    body: str


def course_sessions(plan: dict[str, Any], option: dict[str, Any]) -> int:
    """The sessions the consent covers: the planned course's when it is of this treatment, else the most the
    treatment's published course has (the clinician chose another option than the engine planned)."""
    course = plan.get("course") or {}
    if course.get("modality") == option["modality"] and course.get("sessions"):
        return int(course["sessions"])
    return int(option["sessions"]["max"])


def findings_for(plan: dict[str, Any], modality: str) -> list[dict[str, Any]]:
    """This patient's findings that apply to the treatment (or to every treatment), each once."""
    shown: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for finding in plan.get("findings", []):
        applies = finding.get("applies_to", [])
        if modality not in applies and "all" not in applies:
            continue
        key = (finding["code"], finding["severity"], finding.get("rationale", ""))
        if key in seen:
            continue
        seen.add(key)
        entry = {
            "code": finding["code"],
            "name": finding["name"],
            "severity": finding["severity"],
            "severity_words": SEVERITY_WORDS.get(finding["severity"], finding["severity"]),
            "rationale": finding.get("rationale", ""),
            "adjustments": list(finding.get("adjustments", [])),
        }
        if finding.get("wait_until"):
            entry["wait_until"] = finding["wait_until"]
        shown.append(entry)
    return shown


def _range(value: dict[str, Any] | None) -> dict[str, int] | None:
    if not value:
        return None
    return {"min": int(value["min"]), "max": int(value["max"])}


def build_document(
    plan: dict[str, Any],
    options: list[dict[str, Any]],
    chosen: str,
    *,
    patient_name: str,
    prepared_on: date,
    template: TemplateText,
) -> dict[str, Any]:
    """The consent document for the chosen treatment. `options`: the plan's options as the clinician left them
    (overrides applied), which decide the alternatives offered."""
    # The patient reads and signs the patient voice of every clinical text (engine/patient_voice.py).
    plan = patient_document(plan)
    options = patient_document({"options": options})["options"]
    option = next((o for o in options if o["modality"] == chosen), None)
    if option is None:
        raise DocumentError("The chosen treatment is not one of the plan's options.")
    risks = [
        {
            "effect": risk["effect"],
            "rate": risk.get("rate", ""),
            "lasts": risk.get("lasts", ""),
            "what_to_do": risk.get("what_to_do", ""),
            "evidence": risk.get("evidence", ""),
            "evidence_words": EVIDENCE_WORDS.get(risk.get("evidence", ""), ""),
        }
        for risk in option.get("risks", [])
    ]
    alternatives = [
        {
            "modality": other["modality"],
            "name": other["name"],
            "suitability": other["suitability"],
            "summary": _alternative_summary(other),
        }
        for other in options
        if other["modality"] != chosen and other["suitability"] in SUITABLE
    ]
    alternatives.append(dict(NO_TREATMENT))
    findings = findings_for(plan, chosen)
    said = [option["name"], *(a["name"] for a in alternatives)]
    said += [t for r in risks for t in (r["effect"], r["rate"], r["lasts"], r["what_to_do"])]
    said += [t for f in findings for t in (f["name"], f["rationale"], *f["adjustments"])]
    return {
        "format": FORMAT,
        "patient": {"name": patient_name},
        "prepared_on": prepared_on.isoformat(),
        "treatment": {
            "modality": option["modality"],
            "name": option["name"],
            "family": option.get("family", ""),
            "sessions": course_sessions(plan, option),
            "interval_weeks": _range(option.get("interval_weeks")),
            "downtime_days": _range(option.get("downtime_days")),
        },
        "findings": findings,
        "risks": risks,
        "alternatives": alternatives,
        "glossary": [{"term": t.term, "means": t.means} for t in glossary_for(said, load_knowledge().glossary)],
        "template": {
            "family": template.family,
            "version": template.version,
            "title": template.title,
            "body": template.body,
        },
    }


def span(value: Mapping[str, Any] | None, one: str, many: str) -> str:
    """ "3-4 weeks", "1 day": a range from the plan document in words."""
    if not value:
        return ""
    low, high = int(value["min"]), int(value["max"])
    if low == high:
        return f"{low} {one if low == 1 else many}"
    return f"{low}-{high} {many}"


def _alternative_summary(option: dict[str, Any]) -> str:
    parts = [SUITABILITY_WORDS.get(option["suitability"], option["suitability"])]
    sessions = span(option.get("sessions"), "session", "sessions")
    if sessions:
        parts.append(sessions)
    downtime = span(option.get("downtime_days"), "day to recover", "days to recover")
    if downtime:
        parts.append(downtime)
    return "; ".join(parts)


def canonical_json(document: dict[str, Any]) -> bytes:
    """One byte string per document, whatever order the database keeps its keys in (PostgreSQL's jsonb sorts
    them its own way)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document_sha256(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()
