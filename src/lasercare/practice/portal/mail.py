"""The portal's e-mails to patients: plain text from Jinja2 templates, in the patient's language.

Rendered by the app's own template engine, as the reminders' e-mails are; each template turns HTML escaping off (a
text e-mail must not turn "&" into "&amp;") and gives the subject on its first line.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send(template: str, to: str, language: str, context: dict[str, Any]) -> None:
    """Renders `portal/email/<template>.txt`, whose first line is the subject, and sends it to one address."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, _, body = render_to_string(f"portal/email/{template}.txt", context).lstrip().partition("\n")
    EmailMessage(subject.strip(), body.lstrip("\n"), settings.DEFAULT_FROM_EMAIL, [to]).send()
