"""The patient's reminder preferences and opting out: the service functions behind the staff page, the unsubscribe
link in every e-mail and (later) the patient portal. Each change is audited."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.patients.models import Patient
from lasercare.practice.reminders.models import Reminder, ReminderPreference

if TYPE_CHECKING:
    from lasercare.practice.clinic.models import StaffUser


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preference_for(patient: Patient) -> ReminderPreference:
    """The patient's preferences; the defaults (everything) when none was ever saved."""
    found = ReminderPreference.objects.filter(patient=patient).first()
    return found if found is not None else ReminderPreference(patient=patient)


@transaction.atomic
def set_preferences(
    request: HttpRequest | None,
    patient: Patient,
    *,
    preparation: bool,
    aftercare: bool,
    appointments: bool,
    opted_out: bool,
    actor: StaffUser | None = None,
    actor_label: str = "",
) -> ReminderPreference:
    """Save what the patient wants. Opting out keeps the time it first happened; opting in again clears it."""
    preference, _created = ReminderPreference.objects.select_for_update().get_or_create(patient=patient)
    preference.preparation = preparation
    preference.aftercare = aftercare
    preference.appointments = appointments
    if opted_out and preference.opted_out_at is None:
        preference.opted_out_at = timezone.now()
    elif not opted_out:
        preference.opted_out_at = None
    preference.save()
    wanted = [name for name in ("preparation", "aftercare", "appointments") if getattr(preference, name)]
    record(
        request,
        AuditAction.UPDATE,
        "reminder_preference",
        patient.public_id,
        patient_ref=patient.public_id,
        actor=actor,
        practice_id=patient.practice_id,
        actor_label=actor_label,
        detail="opted out" if opted_out else "e-mails: " + (", ".join(wanted) or "none"),
    )
    return preference


def unsubscribing(token: str) -> Reminder | None:
    """The reminder whose e-mail carried this unsubscribe link, if any did."""
    return Reminder.objects.filter(unsubscribe_sha256=token_digest(token)).select_related("patient", "practice").first()


@transaction.atomic
def unsubscribe(request: HttpRequest | None, token: str) -> Reminder | None:
    """Opt the patient whose e-mail carried this link out of every reminder; None when no e-mail did."""
    reminder = unsubscribing(token)
    if reminder is None:
        return None
    current = preference_for(reminder.patient)
    set_preferences(
        request,
        reminder.patient,
        preparation=current.preparation,
        aftercare=current.aftercare,
        appointments=current.appointments,
        opted_out=True,
        actor_label="unsubscribe link",
    )
    return reminder


class ReminderPreferenceForm(forms.Form):
    """The patient's choices, for the staff page and the patient portal."""

    receive = forms.ChoiceField(
        label=_("E-mail reminders"),
        choices=[("yes", _("Send me the reminders ticked below")), ("no", _("Send me no reminders at all"))],
        widget=forms.RadioSelect,
    )
    preparation = forms.BooleanField(label=_("Preparation before each session"), required=False)
    aftercare = forms.BooleanField(label=_("Aftercare check-ins after each session"), required=False)
    appointments = forms.BooleanField(label=_("The day before each appointment"), required=False)

    @classmethod
    def for_patient(cls, patient: Patient, data: object = None) -> ReminderPreferenceForm:
        current = preference_for(patient)
        initial = {
            "receive": "no" if current.opted_out_at else "yes",
            "preparation": current.preparation,
            "aftercare": current.aftercare,
            "appointments": current.appointments,
        }
        return cls(data=data, initial=initial)  # type: ignore[arg-type]

    def save(
        self, request: HttpRequest | None, patient: Patient, *, actor: StaffUser | None = None, actor_label: str = ""
    ) -> ReminderPreference:
        data = self.cleaned_data
        return set_preferences(
            request,
            patient,
            preparation=data["preparation"],
            aftercare=data["aftercare"],
            appointments=data["appointments"],
            opted_out=data["receive"] == "no",
            actor=actor,
            actor_label=actor_label,
        )
