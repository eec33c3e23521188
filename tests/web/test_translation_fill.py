"""Filling a language's catalogue from translators' parts (tools/fill_translations.py): re-runnable, only messages
the code still has, never fuzzy, and a translation with a wrong placeholder is refused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message

from lasercare.site import translations

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fill_translations.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fill_translations", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Spanish catalogue of three messages, one fuzzy, in a folder of its own."""
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path / "locale")
    catalog = Catalog(locale="es", fuzzy=False)
    catalog.add("Hello", "")
    catalog.add("Call %(practice)s.", "Llame a la clínica.", flags=["fuzzy"])
    catalog.add(("%(num)d week", "%(num)d weeks"), ("", ""))
    translations.write(catalog, translations.catalogue_path("es"))
    parts = tmp_path / "parts"
    parts.mkdir()
    return parts


def _message(message_id: str | tuple[str, str]) -> Message:
    found = translations.read_catalogue("es").get(message_id)
    assert found is not None
    return found


def _part(folder: Path, name: str, content: dict[str, object]) -> None:
    (folder / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def test_parts_fill_the_catalogue_and_clear_fuzzy_marks(locale: Path) -> None:
    _part(locale, "out-1.json", {"Hello": "Hola", "Call %(practice)s.": "Llame a %(practice)s."})
    _part(locale, "out-2.json", {"%(num)d week": ["%(num)d semana", "%(num)d semanas"]})
    _tool().main([str(locale)])
    assert _message("Hello").string == "Hola"
    called = _message("Call %(practice)s.")
    assert (called.string, called.fuzzy) == ("Llame a %(practice)s.", False)
    assert _message(("%(num)d week", "%(num)d weeks")).string == ("%(num)d semana", "%(num)d semanas")


def test_filling_twice_changes_nothing(locale: Path) -> None:
    _part(locale, "out-1.json", {"Hello": "Hola"})
    _tool().main([str(locale)])
    first = translations.catalogue_path("es").read_bytes()
    _tool().main([str(locale)])
    assert translations.catalogue_path("es").read_bytes() == first


def test_a_message_no_longer_in_the_code_is_not_added(locale: Path) -> None:
    _part(locale, "out-1.json", {"Goodbye": "Adiós"})
    _tool().main([str(locale)])
    assert translations.read_catalogue("es").get("Goodbye") is None


def test_a_translation_with_a_renamed_placeholder_is_refused(locale: Path) -> None:
    _part(locale, "out-1.json", {"Call %(practice)s.": "Llame a %(clinica)s."})
    _tool().main([str(locale)])
    called = _message("Call %(practice)s.")
    assert (called.string, called.fuzzy) == ("Llame a la clínica.", True)


def test_a_confirmed_translation_is_kept_unless_replacing(locale: Path) -> None:
    _part(locale, "out-1.json", {"Hello": "Hola"})
    _tool().main([str(locale)])
    _part(locale, "out-1.json", {"Hello": "Buenas"})
    _tool().main([str(locale)])
    assert _message("Hello").string == "Hola"
    _tool().main([str(locale), "--replace"])
    assert _message("Hello").string == "Buenas"


def test_a_part_still_being_written_is_skipped(locale: Path) -> None:
    (locale / "out-1.json").write_text('{"Hello": "Ho', encoding="utf-8")
    _part(locale, "out-2.json", {"Hello": "Hola"})
    _tool().main([str(locale)])
    assert _message("Hello").string == "Hola"
