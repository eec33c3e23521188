"""Dates as the reader's language writes them ("7 Dec 2026", "lun 7 dic 2026"), for pages, e-mails, PDFs and calendars.

A base the practice apps and the site's template environment both use: it imports nothing of lasercare, so an app
that writes a date does not import the site (which imports every app).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS_3

# Languages that write the names of months with a capital ("7 Dec 2026"); the others keep Django's lower case
# ("lun 7 dic 2026"), which Django's own "M" would capitalise whatever the language.
_CAPITALISED_MONTHS = frozenset({"en", "de"})
# How a language writes a day with its month in full, where it differs from the English order ("7 de diciembre de
# 2026"): the formats the patient pages use, rewritten.
_LONG_DATES = {"es": (("j F Y", r"j \d\e F \d\e Y"),)}


def _capitalised(language: str | None) -> bool:
    return (language or "en").split("-")[0] in _CAPITALISED_MONTHS


def local_format(format_string: str, value: date, language: str | None) -> str:
    """A Django date format as the language writes it: its month abbreviations in its own case, its long dates in
    its own words."""
    base = (language or "en").split("-")[0]
    for english, local in _LONG_DATES.get(base, ()):
        format_string = format_string.replace(english, local)
    if _capitalised(language) or "M" not in format_string:
        return format_string
    month = "".join(f"\\{letter}" for letter in _month_abbreviations(language)[value.month])
    out, escaped = [], False
    for character in format_string:
        out.append(month if character == "M" and not escaped else character)
        escaped = character == "\\" and not escaped
    return "".join(out)


def show_date(value: date | datetime | None, format_string: str = "DATE_FORMAT") -> str:
    """Django's `date` filter: a date or time in the practice's time zone, in a Django date format, as the active
    language writes dates ("7 Dec 2026", "7 dic 2026")."""
    if value is None or value == "":
        return ""
    if format_string == "j M Y" and type(value) is date:
        return day_month_year(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    language = translation.get_language()
    if not _capitalised(language):
        format_string = local_format(format_string, value, language)
    return formats.date_format(value, format_string)


def day_month_year(day: date) -> str:
    """ "5 Mar 2026", as Django's "j M Y" in the active language, without the per-call format look-ups of Django's
    formatter (a third of the dashboard's rendering for its 100 dates)."""
    return f"{day.day} {_month_abbreviations(translation.get_language())[day.month]} {day.year}"


def iso_day(value: str | date | None) -> str:
    """A date of an engine document ("2026-12-07") as the pages write dates ("7 Dec 2026")."""
    if not value:
        return ""
    return day_month_year(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def days_month_year() -> Callable[[date], str]:
    """`day_month_year` bound to the active language, for a list of many dates (the language is looked up once)."""
    months = _month_abbreviations(translation.get_language())
    return lambda day: f"{day.day} {months[day.month]} {day.year}"


@functools.cache
def _month_abbreviations(language: str | None) -> dict[int, str]:
    with translation.override(language):
        return {number: str(name).title() if _capitalised(language) else str(name) for number, name in MONTHS_3.items()}


def iso_date(value: Any, format_string: str = "j M Y") -> str:
    """`{{ doc.prepared_on|iso_date }}`: a date a stored document holds as ISO text, written as the reader's language
    writes dates ("7 Dec 2026", "7 dic 2026"); anything else as it is."""
    try:
        return show_date(date.fromisoformat(str(value)), format_string)
    except ValueError:
        return str(value or "")
