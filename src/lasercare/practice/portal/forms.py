"""The portal's forms. Every label and message is the patient's to read, so all are translated."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.clinic import plausible
from lasercare.practice.portal.models import ChangeRequest, PatientAccount
from lasercare.practice.portal.passwords import password_problems
from lasercare.practice.portal.side_effects import symptoms


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class NewPasswordForm(forms.Form):
    """Django's password validators apply (length, common passwords, all digits, and not like the patient's
    e-mail address or name), as for staff."""

    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a strong password you can remember."),
    )
    repeat = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, account: PatientAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, repeat = cleaned.get("password"), cleaned.get("repeat")
        if password and repeat and password != repeat:
            self.add_error("repeat", _("The two passwords differ: type the same password twice."))
        elif password:
            for problem in password_problems(self.account, password):
                self.add_error("password", problem)
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    current = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "password", "repeat"]


class ChangeRequestForm(forms.Form):
    wish = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[(wish.value, wish.label) for wish in (ChangeRequest.Wish.MOVE, ChangeRequest.Wish.CANCEL)],
        widget=forms.RadioSelect,
    )
    preferred_times = forms.CharField(
        label=_("Days and times that suit you"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: weekday mornings after 10 December."),
    )
    message = forms.CharField(
        label=_("Anything else the practice should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentQuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The practice reads it and calls you back. Your consent stays unsigned until you sign it."),
    )


class SideEffectForm(forms.Form):
    symptoms = forms.MultipleChoiceField(
        label=_("What do you notice?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one symptom from the list.")},
    )
    started_on = forms.DateField(
        label=_("When did it start?"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the day as a date, for example 2026-12-03.")},
    )
    session = forms.ChoiceField(label=_("After which appointment?"), required=False)
    description = forms.CharField(
        label=_("Describe it in your own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where it is, how it has changed, what you have tried. A photo can be shown at your next visit."),
    )

    def clean_started_on(self) -> date:
        day: date = self.cleaned_data["started_on"]
        if day < timezone.localdate() - timedelta(days=plausible.BOOKING_BEHIND_DAYS):
            raise forms.ValidationError(_("Give a day in the last two years."))
        return day

    def __init__(self, *args: Any, sessions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["symptoms"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(code, symptom.shown) for code, symptom in symptoms().items()]
        session = self.fields["session"]
        assert isinstance(session, forms.ChoiceField)
        session.choices = [("", _("Not after a particular appointment")), *sessions]


class StaffNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
