"""The knowledge base's text on the public pages, through the translation catalogue.

The engine stays pure (no Django): its names, risks, steps and rationales are English as the knowledge files hold
them. The public pages show each through `kb()` (Django's gettext), and `extract_toml` feeds the same strings from
the knowledge files, the Fitzpatrick questionnaire and patient_wording.toml into the catalogue that
`python -m lasercare.site.translations` writes, so every word a member of the public reads can be translated.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import IO, Any

from django.utils.translation import get_language, gettext

from lasercare.engine.knowledge_model import Knowledge, Modality, ProtocolStep

# The keys whose text a member of the public reads.
_SHOWN_KEYS = frozenset(
    {
        "name",
        "text",
        "rationale",
        "effect",
        "rate",
        "label",
        "section",
        "answers",
        "summary",
        "title",
        "intro",
        # the patient voice (engine/knowledge: docs/clinical-knowledge.md) and the glossary
        "patient",
        "about",
        "how_often",
        "lasts",
        "what_to_do",
        "adjustments",
        "term",
        "means",
    }
)


def kb(text: str) -> str:
    """The knowledge text in the reader's language (gettext of "" would be the catalogue's header)."""
    return gettext(text) if text else text


def step_text(step: ProtocolStep, knowledge: Knowledge, modality: Modality | None = None) -> str:
    """A protocol step's patient text with its {placeholders} filled as the engine fills them (engine/protocols.py),
    from the translated template. Without a modality (the general pages), the treatment is named in general words."""
    text = kb(step.patient_text or step.text)
    if "{" not in text:
        return text
    values: dict[str, object] = {key: item.value for key, item in knowledge.policy.values.items()}
    if modality is not None:
        values["modality"] = kb(modality.patient_name or modality.name)
        values["eyewear"] = kb(modality.eyewear_text)
        values["wavelengths"] = ", ".join(f"{w:,} nm" for w in modality.wavelengths_nm)
    else:
        values["modality"] = gettext("the treatment")
        values["eyewear"] = gettext("eyewear made for the treatment's wavelength")
        values["wavelengths"] = gettext("the treatment's wavelengths")
    # The general pages speak of no one's allergy in particular.
    for code in knowledge.allergy_classes:
        values[f"allergy_{code}"] = gettext("a medicine or substance")
    return text.format_map(values)


@cache
def wording() -> Mapping[str, Any]:
    """patient_wording.toml: the general information the knowledge base has no patient sentence for."""
    text = files("lasercare.practice.selfassessment").joinpath("patient_wording.toml").read_text("utf-8")
    return tomllib.loads(text)


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            if inner_key == "chromophore" and isinstance(inner, dict):
                yield from _strings(inner.get("value", ""), "name")
                yield from _strings(inner.get("patient", ""), "name")
            elif inner_key in ("concern_notes", "patient_concern_notes") and isinstance(inner, dict):
                for note in inner.values():
                    yield from _strings(note, "text")
            else:
                yield from _strings(inner, inner_key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str) and key in _SHOWN_KEYS and value:
        yield value


def extract_toml(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """A Babel extraction method for the TOML files the public pages show text from."""
    document = tomllib.loads(fileobj.read().decode("utf-8"))
    for text in _strings(document):
        yield 1, None, text, []


_FIELD = re.compile(r"\\\{([a-z_][a-z0-9_]*)\\\}")


@cache
def _reader(template: str) -> re.Pattern[str]:
    """A pattern that reads the values back out of a text filled from `template` (each {name} a group)."""
    seen: set[str] = set()

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in seen:
            return f"(?P={name})"
        seen.add(name)
        return f"(?P<{name}>.+?)"

    return re.compile(_FIELD.sub(group, re.escape(template)), re.DOTALL)


def filled_text(text: str, template: str = "") -> str:
    """A knowledge text in the reader's language, including one the engine filled from a template with
    {placeholders} (a step's clinic-policy weeks, the treatment's name): the translated template, filled with the
    values read back from the English text (a value that is itself knowledge text is translated too). A text that
    matches neither the catalogue nor the template is left as written rather than guessed at."""
    translated = kb(text)
    if translated != text or "{" not in template:
        return translated
    translated_template = kb(template)
    if translated_template == template:
        return text
    found = _reader(template).fullmatch(text)
    if found is None:
        return text
    values = {name: kb(value) for name, value in found.groupdict().items()}
    try:
        return translated_template.format_map(values)
    except (KeyError, ValueError, IndexError):
        return text


@cache
def step_templates() -> Mapping[str, str]:
    """Each protocol step's patient template by id, for `filled_text`."""
    from lasercare.engine.knowledge_base import load_knowledge

    return {step.id: step.patient_text or step.text for step in load_knowledge().steps}


@cache
def _filled_templates() -> tuple[str, ...]:
    """The step templates that hold {placeholders}, which the engine fills from the clinic's policy."""
    return tuple(template for template in step_templates().values() if "{" in template)


def care_text(text: str) -> str:
    """A care step's text as the plan holds it (English, its placeholders filled), in the reader's language: for the
    pages, e-mails and calendar that show dated steps without their ids. Its template is found by reading the text
    back against each template with placeholders; a text that matches none stays as written."""
    translated = kb(text)
    if translated != text or not text or (get_language() or "en").startswith("en"):
        return translated
    for template in _filled_templates():
        if _reader(template).fullmatch(text):
            return filled_text(text, template)
    return text
