"""Template helpers for showing a plan document: look-ups by key and numbered citations."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, key) if hasattr(mapping, "get") else key
    except TypeError:
        return key


@register.simple_tag
def cite(source_ids: list[str], bibliography: dict[str, tuple[int, dict[str, Any]]]) -> SafeString:
    """[3, 7] linking to the numbered sources at the foot of the plan."""
    numbered = sorted(bibliography[s][0] for s in source_ids if s in bibliography)
    if not numbered:
        return format_html("")
    ids = {bibliography[s][0]: s for s in source_ids if s in bibliography}
    links = format_html_join(", ", '<a href="#src-{}">{}</a>', ((ids[n], n) for n in numbered))
    return format_html("[{}]", links)
