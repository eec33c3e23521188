"""Patient-facing text is translatable, and the English catalogue is complete and in step with the code."""

from __future__ import annotations

from django.utils import translation

from lasercare.site.translations import catalogue_path, extract, missing


def test_the_english_catalogue_has_every_marked_message() -> None:
    assert missing("en") == [], "run `make messages` and commit src/lasercare/locale"


def test_the_compiled_catalogue_sits_beside_the_english_one() -> None:
    po = catalogue_path("en")
    mo = po.with_suffix(".mo")
    assert mo.exists()
    assert mo.stat().st_size > 0


def test_the_patient_pages_frame_is_marked_for_translation() -> None:
    ids = {message.id for message in extract()}
    assert "Skip to content" in ids


def test_django_reads_the_compiled_english_catalogue() -> None:
    with translation.override("en"):
        assert translation.gettext("Skip to content") == "Skip to content"
