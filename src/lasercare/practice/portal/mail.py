"""The portal's e-mails to patients: plain text from Jinja2 templates, in the patient's language.

Their own environment without HTML escaping (a text e-mail must not turn "&" into "&amp;"), with Django's gettext
so every word is translated as the pages are.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from jinja2 import Environment, PackageLoader, StrictUndefined

_environment = Environment(
    loader=PackageLoader("lasercare.practice.portal", "jinja2"),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
_environment.install_gettext_callables(  # type: ignore[attr-defined]
    translation.gettext, translation.ngettext, newstyle=True
)


def send(template: str, to: str, language: str, context: dict[str, Any]) -> None:
    """Renders `portal/email/<template>.txt`, whose first line is the subject, and sends it to one address."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, _, body = _environment.get_template(f"portal/email/{template}.txt").render(**context).partition("\n")
    EmailMessage(subject.strip(), body.lstrip("\n"), settings.DEFAULT_FROM_EMAIL, [to]).send()
