"""Paths of routes, reversed once: the routes without arguments every page links (the navigation), and the routes
that take a record's public id, for pages that link many records.

Django's `reverse` resolves the route again on every call: a list of 25 to 150 rows, each linked by its public id,
spent a fifth to a third of its rendering there (docs/performance.md). A route is reversed once, with a placeholder
id, and each row's id is put in its place.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = uuid.UUID("5e5e5e5e-5e5e-4e5e-8e5e-5e5e5e5e5e5e")


def path_of(route: str) -> str:
    """`reverse(route)` for a route without arguments, resolved once."""
    return _path(route, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=256)
def _path(route: str, script_prefix: str, urlconf: object) -> str:
    return reverse(route)


def path_for(route: str, public_id: uuid.UUID) -> str:
    """`reverse(route, args=[public_id])`, without resolving the route again for every id."""
    before, after = _around_id(route, get_script_prefix(), get_urlconf())
    return f"{before}{public_id}{after}"


def paths_of(route: str) -> Callable[[uuid.UUID], str]:
    """`path_for` bound to one route for the request at hand: a page of 150 links looks the route up once."""
    before, after = _around_id(route, get_script_prefix(), get_urlconf())
    return lambda public_id: f"{before}{public_id}{after}"


@functools.lru_cache(maxsize=512)
def _around_id(route: str, script_prefix: str, urlconf: object) -> tuple[str, str]:
    # The script prefix (an app served under a sub-path) and the URL configuration key the cache because
    # `reverse` reads both.
    before, placeholder, after = reverse(route, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    if not placeholder:
        raise NoReverseMatch(f"the route {route!r} does not keep its id as given")
    return before, after
