"""How forms render: every field in its own wrapper, so a label, its help, its errors and its input stay
together in any layout (Django's default field group has no wrapper)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Forms' templates come from the TEMPLATES engines in order: Jinja2 first (Django's own widget templates and
    ours), then Django's engine for the admin's widgets, which exist only in its template language."""

    field_template_name = "lasercare/forms/field.html"
