"""A stored request's answers and result as the front desk reads them: each question with the answer given."""

from __future__ import annotations

from typing import Any

from django import forms

from lasercare.engine.knowledge_model import Knowledge
from lasercare.practice.selfassessment.forms import AssessmentForm


def answers_in_words(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for every answered question, in the form's order."""
    form = AssessmentForm()
    shown: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        if name not in answers:
            continue
        value = answers[name]
        choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
        if isinstance(value, list):
            text = "; ".join(choices.get(str(v), str(v)) for v in value) if choices else "; ".join(map(str, value))
        elif isinstance(field, forms.ChoiceField):
            text = choices.get(str(value), str(value))
        else:
            text = str(value)
        shown.append((str(field.label), text))
    return shown


def result_in_words(result: dict[str, Any], knowledge: Knowledge) -> dict[str, Any]:
    """The stored result's codes with the knowledge base's names."""

    def name(code: str) -> str:
        modality = knowledge.modalities.get(code)
        return modality.name if modality is not None else code

    def finding(code: str) -> str:
        found = knowledge.findings.get(code)
        return found.name if found is not None else code

    return {
        "phototype": result.get("phototype", ""),
        "score": result.get("questionnaire_score"),
        "eligible": result.get("eligible"),
        "could_suit": [name(c) for c in result.get("could_suit", [])],
        "unlikely": [name(c) for c in result.get("unlikely", [])],
        "findings": [finding(c) for c in result.get("findings", [])],
        "knowledge_version": result.get("knowledge_version", ""),
        "on": result.get("on", ""),
    }
