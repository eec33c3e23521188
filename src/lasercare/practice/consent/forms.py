"""The consent pages' forms. The rules (what a signature may hold, what state allows what) live in the services;
the forms keep what was typed and put a refusal next to the field it is about."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lasercare.practice.consent.models import IdentityCheck, Relationship
from lasercare.practice.consent.services import (
    MAX_BODY,
    MAX_NAME,
    MAX_REASON,
    MAX_RELATIONSHIP,
    MAX_TITLE,
    IdentityConfirmation,
    Signer,
)


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


SELF = "self"
REPRESENTATIVE = "representative"


class ClinicSignForm(SignForm):
    """Signing in the clinic: the patient, or a representative on the patient's behalf, before a witness who
    confirms who signs. What each choice requires is checked by the service (services.sign_consent)."""

    signing_for = forms.ChoiceField(
        label=_("Who is signing?"),
        choices=[
            (SELF, _("I am the patient")),
            (REPRESENTATIVE, _("On behalf of the patient: I am their representative")),
        ],
        initial=SELF,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you are the patient or sign on their behalf.")},
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to the patient"),
        choices=[("", _("Choose one (only when signing on the patient's behalf)")), *Relationship.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose how you are related to the patient from the list.")},
    )
    relationship_other = forms.CharField(
        label=_("If other: how you are related to the patient"),
        max_length=MAX_RELATIONSHIP,
        required=False,
    )
    identity_confirmed = forms.BooleanField(label=_("I confirmed the identity of the person signing"), required=False)
    identity_check = forms.ChoiceField(
        label=_("How"),
        choices=IdentityCheck.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Say how you confirmed the identity of the person signing.")},
    )
    identity_check_other = forms.CharField(label=_("If other: how"), max_length=MAX_RELATIONSHIP, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["typed_name"].help_text = _("If you sign on the patient's behalf, type your own name.")

    def signer(self) -> Signer:
        data = self.cleaned_data
        by_representative = data["signing_for"] == REPRESENTATIVE
        return Signer(
            typed_name=data["typed_name"],
            representative=by_representative,
            relationship=data["relationship"] if by_representative else "",
            relationship_other=data["relationship_other"] if by_representative else "",
        )

    def identity(self) -> IdentityConfirmation | None:
        data = self.cleaned_data
        if not data["identity_confirmed"]:
            return None
        return IdentityConfirmation(method=data["identity_check"], other=data["identity_check_other"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the withdrawal, in the patient's words where possible.")},
    )
