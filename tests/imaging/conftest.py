"""Portraits and their analyses, made once per test session: rendering and analysing take a few tenths of a
second each and several test files measure the same portraits."""

from __future__ import annotations

from functools import cache

from lasercare.imaging import AnalysedPhoto, analyse_array
from lasercare.imaging.synthetic import (
    COOL_CAST,
    GREEN_CAST,
    SKIN_BY_CATEGORY,
    WARM_CAST,
    Portrait,
    PortraitSpec,
    render,
)

CATEGORIES = tuple(SKIN_BY_CATEGORY)
# Each category is shown under one of the casts, so every cast meets light and dark skin.
CAST_FOR = dict(zip(CATEGORIES, (WARM_CAST, COOL_CAST, GREEN_CAST, WARM_CAST, COOL_CAST, GREEN_CAST), strict=True))


@cache
def portrait(category: str, cast: bool = False) -> Portrait:
    spec = PortraitSpec(SKIN_BY_CATEGORY[category], chart=cast, cast=CAST_FOR[category] if cast else (1.0, 1.0, 1.0))
    return render(spec)


@cache
def analysed(category: str, cast: bool = False) -> AnalysedPhoto:
    return analyse_array(portrait(category, cast).rgb)
