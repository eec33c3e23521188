"""The patient portal's records: accounts, invitations and sign-in links, and what patients send the practice.

A patient's account is not a staff account: it lives in its own table, signs in through its own pages and its own
session key, and no staff page accepts it (lasercare.practice.portal.auth). Tokens sent to patients (invitation,
e-mailed sign-in link) are stored as their SHA-256 only, expire, and are single-use.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _


class PatientAccount(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.OneToOneField("patients.Patient", on_delete=models.PROTECT, related_name="portal_account")
    # The address the invitation went to and sign-in links go to; a sign-in names it, so it is unique.
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=128, blank=True)  # Django's hasher format; blank until set
    is_active = models.BooleanField(default=True)  # the practice can close access; the patient's records stay
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    @property
    def activated(self) -> bool:
        return self.activated_at is not None


class PortalToken(models.Model):
    """A secret link sent to a patient: an invitation (set a password) or an e-mailed sign-in link."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        SIGN_IN = "sign_in", _("Sign-in link")

    account = models.ForeignKey(PatientAccount, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class ChecklistTick(models.Model):
    """The patient ticked a preparation step as done (their own note: the practice still asks on the day)."""

    account = models.ForeignKey(PatientAccount, on_delete=models.CASCADE, related_name="ticks")
    plan = models.ForeignKey("consultations.TreatmentPlan", on_delete=models.PROTECT, related_name="+")
    session = models.PositiveSmallIntegerField()
    step_key = models.CharField(max_length=64)  # a digest of the step's text: stable while the wording is
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "plan", "session", "step_key"], name="checklist_tick_once")
        ]


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the practice")
    HANDLED = "handled", _("Handled by the practice")


# The appointment changes the patient asks for (the practice acts on them); the online ones are done already.
ASKED_WISHES = ("move", "cancel")


class ChangeRequest(models.Model):
    """What the patient asks the practice from the portal: to move or cancel an appointment (the front desk does
    it; booking rules apply there), or a question about a consent before signing it (the consent stays unsigned,
    and the practice answers by telephone or at the next visit); and, with online booking, what the patient booked,
    moved or cancelled themselves, for the practice to note. One worklist and one "handled" for all."""

    class Wish(models.TextChoices):
        MOVE = "move", _("Move it to another time")
        CANCEL = "cancel", _("Cancel it")
        QUESTION = "question", _("A question before signing the consent")
        # What the patient did themselves with online booking: on the worklist for the practice to note.
        BOOKED_ONLINE = "booked", _("Booked online")
        MOVED_ONLINE = "moved", _("Moved online")
        CANCELLED_ONLINE = "cancelled", _("Cancelled online")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="change_requests")
    # An appointment's change names its booking; a question about a consent names the consent instead.
    booking = models.ForeignKey(
        "scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="change_requests"
    )
    consent = models.ForeignKey(
        "consent.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    wish = models.CharField(max_length=10, choices=Wish.choices)
    preferred_times = models.TextField(blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "status", "created_at"], name="change_request_open")]


class SideEffectReport(models.Model):
    """A side effect the patient reports after a session; a clinician reviews it. Urgent symptoms were also told to
    call the practice at once: a report is not a way to reach anyone quickly."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="side_effect_reports")
    plan = models.ForeignKey(
        "consultations.TreatmentPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booking = models.ForeignKey(
        "scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="side_effect_reports"
    )
    symptoms = models.JSONField(default=list)  # codes of side_effects.toml
    urgent = models.BooleanField(default=False)  # any symptom the practice's list marks urgent
    started_on = models.DateField()
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "status", "created_at"], name="side_effect_open")]
