"""The template language of the app's own pages: Jinja2, with the few helpers the pages use.

The app's pages render with Jinja2 rather than Django's template language because the page cost is mostly the
template: a plan page or the dashboard shows 600-700 values, and Django's engine spent 5-7 ms of the 9 ms of CPU
such a page cost (docs/performance.md). The admin keeps Django's templates.
"""

from __future__ import annotations

import uuid
from typing import Any

import jinja2
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from markupsafe import Markup, escape

from lasercare.site.routes import path_for, path_of
from lasercare.web.dates import iso_date, iso_day, show_date


def url(name: str, *args: Any) -> str:
    """The path of a named route, as Django's `{% url %}` tag gives it."""
    if not args:
        return path_of(name)  # the navigation's links, on every page
    if len(args) == 1 and type(args[0]) is uuid.UUID:
        return path_for(name, args[0])  # a row's link in a list: the route is not resolved again for each row
    return reverse(name, args=args)


def knowledge_text(value: Any) -> Any:
    """`{{ risk.effect|kb }}`: a text of the knowledge base (in a stored plan or consent document) in the reader's
    language, where the catalogue has it (`make messages` extracts the knowledge files' patient texts); a text that
    is not in the catalogue (a clinic's own wording, a step whose figures were filled in) stays as written."""
    return translation.gettext(value) if isinstance(value, str) and value else value


def get(mapping: Any, key: Any) -> Any:
    """`labels.SUITABILITY|get(code)`: the label of a code, or the code itself when it has none."""
    try:
        return mapping.get(key, key) if hasattr(mapping, "get") else key
    except TypeError:
        return key


def pluralize(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


def cite(source_ids: list[str], bibliography: dict[str, tuple[int, dict[str, Any]]]) -> Markup:
    """[3, 7] linking to the numbered sources at the foot of the plan."""
    ids = {bibliography[s][0]: s for s in source_ids if s in bibliography}
    if not ids:
        return Markup("")
    links = ", ".join(f'<a href="#src-{escape(ids[n])}">{n}</a>' for n in sorted(ids))
    return Markup(f"[{links}]")


class Environment(jinja2.Environment):
    """Looks a name up in a dict before its attributes, as Django's templates do: the plan pages read the
    engine's JSON documents, where Jinja2's attribute-first look-up raised and caught an exception per value."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def is_none(value: object) -> bool:
    """`x is none` holds for a missing name too, as `x is None` does in Django's templates: a page that hides a
    section from a role by leaving its data out of the context must not show it because the name is missing."""
    return value is None or isinstance(value, jinja2.Undefined)


def csrf(request: HttpRequest) -> dict[str, object]:
    """One masked CSRF token per page, for its forms and its HTMX header alike, as Django's own templates have it.
    Django's Jinja2 backend masks the token anew at every `{{ csrf_input }}` and `{{ csrf_token }}`, 32 calls to
    os.urandom each: three to five per page. One mask per response keeps what masking is for (no two responses carry
    the same bytes)."""
    token = SimpleLazyObject(lambda: str(get_token(request)))
    return {
        "csrf_token": token,
        "csrf_input": SimpleLazyObject(
            lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(token))
        ),
    }


def environment(**options: Any) -> jinja2.Environment:
    # A value missing from the engine's document shows as nothing, however deep (`o.cost.total.min` where the
    # cost has no total), as in Django's templates; a plain Undefined raised on the second step.
    options["undefined"] = jinja2.ChainableUndefined
    # Patient-facing text is marked for translation: {{ _("...") }} and {% trans %}...{% endtrans %}, extracted
    # by `make messages` into locale/. Django's own gettext serves both, so templates and Python share a catalogue.
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.tests["none"] = is_none
    env.globals.update({"url": url, "static": static, "cite": cite})
    from lasercare.practice.selfassessment.knowledge_text import care_text

    env.filters.update(
        {
            "date": show_date,
            "get": get,
            "pluralize": pluralize,
            "kb": knowledge_text,
            "care": care_text,
            "iso_date": iso_date,
            "day": iso_day,
        }
    )
    # Codes never reach a page: these give the knowledge base's words for them (lasercare.practice.labels).
    from lasercare.practice import labels

    env.filters.update(
        {
            "in_words": labels.in_words,
            "modality_name": labels.modality_name,
            "modality_names": labels.modality_names,
            "medicine_classes": labels.medicine_classes,
        }
    )
    return env
