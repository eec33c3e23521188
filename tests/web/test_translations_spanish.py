"""Spanish is complete: every patient-facing message has its Spanish text, carrying the English's placeholders and
tags, and `make messages` keeps the Spanish catalogue in step with the code."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from lasercare.site.translations import (
    SOURCE_LANGUAGE,
    TRANSLATED_LANGUAGES,
    catalogue_path,
    extract,
    missing,
    read_catalogue,
    translation_problems,
)


def test_every_patient_facing_message_has_its_spanish_text() -> None:
    gaps = missing("es")
    assert gaps == [], f"{len(gaps)} message(s) without Spanish: fill them (`make translations-fill PARTS=...`)"


def test_every_spanish_text_carries_the_placeholders_and_tags_of_the_english() -> None:
    catalog = read_catalogue("es")
    wrong = {
        str(message.id): problems
        for message in catalog
        if message.id and message.string and (problems := translation_problems(message.id, message.string))
    }
    assert wrong == {}


def test_no_spanish_text_is_fuzzy() -> None:
    fuzzy = [message.id for message in read_catalogue("es") if message.id and message.fuzzy]
    assert fuzzy == []


def test_the_spanish_catalogue_holds_only_messages_the_code_still_has() -> None:
    in_code = {message.id for message in extract() if message.id}
    in_catalogue = {message.id for message in read_catalogue("es") if message.id}
    assert in_catalogue == in_code, "run `make messages`"


def test_the_languages_offered_to_patients_are_the_translated_ones() -> None:
    offered = [code for code, _name in settings.LANGUAGES]
    assert offered == [SOURCE_LANGUAGE, *TRANSLATED_LANGUAGES]
    for language in TRANSLATED_LANGUAGES:
        assert catalogue_path(language).with_suffix(".mo").exists()


def test_django_reads_the_compiled_spanish_catalogue() -> None:
    with translation.override("es"):
        assert translation.gettext("Skip to content") != "Skip to content"
        assert translation.gettext("Language") == "Idioma"


def test_a_translation_with_a_placeholder_renamed_is_a_problem() -> None:
    assert translation_problems("Call %(practice)s.", "Llame a %(clinica)s.") != []


def test_a_translation_that_drops_a_tag_is_a_problem() -> None:
    assert translation_problems("For <strong>%(name)s</strong>", "Para %(name)s") != []


def test_a_plural_whose_singular_writes_the_count_as_a_word_is_accepted() -> None:
    assert translation_problems(("%(num)d week", "%(num)d weeks"), ("una semana", "%(num)d semanas")) == []
