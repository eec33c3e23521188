"""The language a patient reads: the one recorded for them, when lasercare has a catalogue for it.

A base the patient record, the consent and the portal use alike (it needs only the patient's recorded language).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils import translation


class Patient(Protocol):
    preferred_language: str


def language_of(patient: Patient) -> str:
    """The patient's preferred language when the app has it (settings.LANGUAGES; "es-MX" reads "es"), else the
    practice's default: a language without a catalogue would give English text around dates in another language."""
    try:
        return translation.get_supported_language_variant(patient.preferred_language or settings.LANGUAGE_CODE)
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def language_name(code: str) -> str:
    """ "Español": the language as settings.LANGUAGES names it, in itself."""
    return dict(settings.LANGUAGES).get(code, code)
