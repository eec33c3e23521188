"""Whether a language's clinical text has been reviewed by a clinician of the practice, and recording that review.

A translation of clinical text (risks, what applies to the patient, the consent's own words) may only be what a
patient consents on once a clinician who reads the language has checked it. The review is of the catalogue as it
is: its SHA-256 is kept with the review, so a changed translation (more parts filled in, a wording changed) needs
a new one. Until a review holds, consent is presented in English, with a sentence in the patient's language saying
why and how to ask for help (consent/_language_notice.html).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import Practice, StaffUser, TranslationReview
from lasercare.practice.clinic.roles import Action


class ReviewRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The review cannot be recorded; says why."""


@dataclass(frozen=True)
class ReviewStatus:
    """What staff are shown beside a patient's language."""

    language: str
    name: str  # the language named in itself, "Español"
    reviewed: bool
    review: TranslationReview | None  # the latest review, current or lapsed

    @property
    def lapsed(self) -> bool:
        return self.review is not None and not self.reviewed


def translated_languages() -> list[tuple[str, str]]:
    """The languages other than the source language, as settings.LANGUAGES names them."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_sha256(language: str) -> str:
    """The SHA-256 of the compiled catalogue in use (the .mo Django reads)."""
    for folder in settings.LOCALE_PATHS:
        path = folder / language / "LC_MESSAGES" / "django.mo"
        if path.exists():
            return _digest(str(path), path.stat().st_mtime_ns, path.stat().st_size)
    return ""


@lru_cache(maxsize=8)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def review_status(practice: Practice | int, language: str) -> ReviewStatus | None:
    """The review status of a language for the practice; None for the source language, which needs none."""
    if language == settings.LANGUAGE_CODE:
        return None
    practice_id = practice if isinstance(practice, int) else practice.pk
    latest = (
        TranslationReview.objects.select_related("reviewed_by")
        .filter(practice_id=practice_id, language=language)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    reviewed = latest is not None and latest.catalogue_sha256 == catalogue_sha256(language)
    return ReviewStatus(language, dict(settings.LANGUAGES).get(language, language), reviewed, latest)


def consent_language(practice: Practice | int, language: str) -> str:
    """The language a consent is presented and signed in: the patient's once its clinical text is reviewed for this
    practice, English until then."""
    status = review_status(practice, language)
    return language if status is None or status.reviewed else str(settings.LANGUAGE_CODE)


@transaction.atomic
def mark_reviewed(
    request: HttpRequest | None, clinician: StaffUser, language: str, reviewed_on: date, note: str = ""
) -> TranslationReview:
    """A clinician records that they reviewed the language's clinical text as it stands now."""
    if not clinician.may(Action.REVIEW_TRANSLATION) or clinician.practice_id is None:
        raise ReviewRefused("Only a clinician of the practice may review a translation's clinical text.")
    if language not in dict(translated_languages()):
        raise ReviewRefused("lasercare has no translation in that language.")
    fingerprint = catalogue_sha256(language)
    if not fingerprint:
        raise ReviewRefused("That language's catalogue is not compiled: run `make messages`.")
    review = TranslationReview.objects.create(
        practice_id=clinician.practice_id,
        language=language,
        catalogue_sha256=fingerprint,
        reviewed_by=clinician,
        reviewed_on=reviewed_on,
        note=note,
    )
    record(request, AuditAction.CREATE, "translation_review", review.pk, actor=clinician, detail=f"{language} reviewed")
    return review


def language_shown(practice: Practice | int, preferred: str) -> dict[str, object]:
    """What staff pages show for a patient's recorded language (clinic/_language_review.html): the language as
    recorded, the one lasercare serves them in, and its review status (no query for a patient reading English)."""
    from django.utils import translation

    try:
        served = translation.get_supported_language_variant(preferred or settings.LANGUAGE_CODE)
    except LookupError:
        served = str(settings.LANGUAGE_CODE)
    label = preferred or served
    if served != (preferred or "").lower():
        label = f"{preferred or '—'} (served in {dict(settings.LANGUAGES).get(served, served)})"
    return {"language_label": label, "language_status": review_status(practice, served)}
