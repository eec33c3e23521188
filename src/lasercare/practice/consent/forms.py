"""The consent pages' forms. The rules (what a signature may hold, what state allows what) live in the services;
the forms keep what was typed and put a refusal next to the field it is about."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lasercare.practice.consent.services import MAX_BODY, MAX_NAME, MAX_REASON, MAX_TITLE


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE, widget=forms.TextInput(attrs={"size": 60}))
    body = forms.CharField(
        label=_("Wording"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "The practice's own text. The plan's specifics (treatment, sessions, findings, risks with their rates, "
            "alternatives and no treatment) are added under it for each patient: do not write clinical figures here."
        ),
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Your full name"),
        max_length=MAX_NAME,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false"}),
        error_messages={"required": _("Type your full name as well as signing.")},
    )
    # Filled by the signature pad's script; required, but its message is the pad's, not a missing field's.
    signature = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-signature-field": ""}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the withdrawal, in the patient's words where possible.")},
    )
