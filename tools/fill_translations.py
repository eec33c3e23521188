"""Fill a language's catalogue from translators' parts: `make translations-fill PARTS=<folder> [LANGUAGE=es]`.

Each part is a JSON file `out-*.json` in the folder: an object mapping an English msgid, exactly as in
locale/en/LC_MESSAGES/django.po, to its translation (for a plural message, the singular msgid maps to the list of
the language's forms). Run it again whenever parts arrive or after `make messages`: it is idempotent.

- Only messages still in the catalogue are filled (a part may be older than the code): the others are counted.
- An entry that has a confirmed translation is left alone unless `--replace` is given; an empty or fuzzy one is
  filled and its fuzzy mark removed, since the part translates this exact English.
- A translation whose {placeholders}, %(named)s or HTML tags differ from the English is refused and listed: the
  entry stays as it was, and the catalogue-completeness test keeps failing until it is corrected.

This lives outside the package: it reads files the practice's translators hand over, never anything at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from lasercare.site.translations import catalogue_path, read_catalogue, translation_problems, write


def load_parts(folder: Path) -> dict[str, str | list[str]]:
    """Every part in the folder, in name order (a later part's text wins for a msgid in two)."""
    found: dict[str, str | list[str]] = {}
    for part in sorted(folder.glob("out-*.json")):
        with part.open(encoding="utf-8") as handle:
            try:
                found.update(json.load(handle))
            except json.JSONDecodeError as error:  # a part still being written: the next run takes it
                print(f"skipped {part.name}: not complete JSON ({error})", file=sys.stderr)
    return found


def fill(language: str, parts: dict[str, str | list[str]], *, replace: bool = False) -> dict[str, list[str]]:
    """Writes the parts' translations into the language's catalogue; returns what was filled, refused and left."""
    catalog = read_catalogue(language)
    report: dict[str, list[str]] = {"filled": [], "kept": [], "refused": [], "reasons": [], "untranslated": []}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        given = parts.get(key)
        has_translation = not translation_problems(message.id, message.string) and not message.fuzzy
        if given is None:
            report["kept" if has_translation else "untranslated"].append(key)
            continue
        if has_translation and not replace:
            report["kept"].append(key)
            continue
        string: str | tuple[str, ...]
        if isinstance(message.id, str):
            string = given if isinstance(given, str) else ""  # a list for a singular message is no translation
        else:  # a plural: the language's forms (one text given for all of them counts for each)
            string = tuple(given) if isinstance(given, list) else (given,) * catalog.num_plurals
        problems = translation_problems(message.id, string)
        if problems:
            report["refused"].append(key)
            report["reasons"].append(f"{key!r}: {'; '.join(problems)}")
            continue
        message.string = string
        message.flags.discard("fuzzy")
        report["filled"].append(key)
    write(catalog, catalogue_path(language))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder holding out-*.json")
    parser.add_argument("--language", default="es")
    parser.add_argument("--replace", action="store_true", help="also replace translations the catalogue has")
    arguments = parser.parse_args(argv)
    if not catalogue_path(arguments.language).exists():
        print(f"{catalogue_path(arguments.language)} does not exist: run `make messages` first", file=sys.stderr)
        return 2
    parts = load_parts(arguments.folder)
    report = fill(arguments.language, parts, replace=arguments.replace)
    for reason in report["reasons"]:
        print(f"refused: {reason}")
    unused = len(set(parts) - {*report["filled"], *report["kept"], *report["refused"]})
    print(
        f"{arguments.language}: {len(report['filled'])} filled, {len(report['kept'])} already translated, "
        f"{len(report['refused'])} refused, {len(report['untranslated'])} still untranslated; "
        f"{len(parts)} in the parts, of which {unused} are no longer in the catalogue"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
