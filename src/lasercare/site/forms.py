"""How forms render: every field in its own wrapper, so a label, its help, its errors and its input stay
together in any layout (Django's default field group has no wrapper)."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "lasercare/forms/field.html"
