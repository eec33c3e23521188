"""The language a consent is presented and signed in, and the document rendered in it.

A consent is read in the patient's language only once a clinician of the practice has reviewed that language's
clinical text (clinic/translation_review.py); until then it is presented in English, with a sentence in the patient's
language saying why and how to get help. A signed consent is always shown in the language it was signed in.
The stored document (kept whole with its SHA-256) is the same whatever the language: the language is how it is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from markupsafe import Markup

from lasercare.practice.clinic.translation_review import consent_language
from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.web.languages import language_name, language_of


def presented_language(consent: Consent) -> str:
    """As signed, once signed; before, the patient's language if reviewed for the practice, English if not."""
    if consent.status == ConsentStatus.SIGNED:
        return consent.signed_language or str(settings.LANGUAGE_CODE)
    return consent_language(consent.practice_id, language_of(consent.patient))


def document_html(consent: Consent) -> Markup:
    """The consent document (consent/_document.html) in the language it is presented in."""
    with translation.override(presented_language(consent)):
        return Markup(render_to_string("consent/_document.html", {"doc": consent.document}))


def language_notice(consent: Consent) -> str:
    """In the patient's language, why the consent is in English, when it is; "" otherwise."""
    patient_language = language_of(consent.patient)
    if consent.status == ConsentStatus.SIGNED or presented_language(consent) == patient_language:
        return ""
    with translation.override(patient_language):
        return gettext(
            "This consent is in English because the practice has not yet checked its translation into your "
            "language. If anything is not clear, ask the practice before you sign: they will go through it with "
            "you, with an interpreter if you need one."
        )


def signed_language_name(consent: Consent) -> str:
    """ "Español (es)" for the staff pages and the printed record; "" for a consent not yet signed."""
    if not consent.signed_language:
        return ""
    return f"{language_name(consent.signed_language)} ({consent.signed_language})"
