from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lasercare.practice.patients.models import Patient


class PatientForm(forms.ModelForm[Patient]):
    class Meta:
        model = Patient
        fields = [
            "given_names",
            "family_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address",
            "preferred_language",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = date.today()
        if born > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if today.year - born.year > 120:
            raise forms.ValidationError(_("The date of birth is more than 120 years ago."))
        return born

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not any(ch.isdigit() for ch in phone):
            raise forms.ValidationError(_("A phone number needs digits."))
        allowed = set("0123456789 +-().")
        if any(ch not in allowed for ch in phone):
            raise forms.ValidationError(_("Use digits, spaces, + - ( ) and dots only."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("given_names", "family_name"):
            if name in data and not data[name].strip():
                self.add_error(name, _("This field is required."))
        return data


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Find a patient"),
        help_text=_("Name, date of birth (e.g. 21/03/1974) or phone number"),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
