"""Consent: versioned templates per modality family, and the signed consent of one accepted plan.

A signed consent never changes (save() refuses it); a withdrawal is a record of its own, and a later change to
the plan needs a new consent.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The modality families of the knowledge base (engine/knowledge/modalities.toml, `family`).
FAMILIES = [
    ("ablative_full", "Fully ablative resurfacing"),
    ("ablative_fractional", "Fractional ablative resurfacing"),
    ("nonablative_fractional", "Fractional non-ablative laser"),
    ("nonablative_rejuvenation", "Non-ablative rejuvenation laser"),
    ("broadband_light", "Intense pulsed light"),
    ("pigment", "Pigment laser"),
    ("vascular", "Vascular laser"),
]


class ConsentTemplate(models.Model):
    """The practice's wording for one modality family. Never edited: a change is the next version."""

    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    family = models.CharField(max_length=30, choices=FAMILIES)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The practice's own wording; the plan's specifics are added to it")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "family", "version"], name="consent_template_version"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a consent template is never edited: save the change as its next version")
        super().save(*args, **kwargs)


class ConsentStatus(models.TextChoices):
    DRAFT = "draft", "Awaiting signature"
    SIGNED = "signed", "Signed"


class Relationship(models.TextChoices):
    """How a representative stands to the patient they sign for. A practice-policy default: the people who may
    consent for another depend on the country's law (England and Wales: a parent, a guardian, an attorney under a
    lasting power of attorney for health and welfare, a deputy appointed by the Court of Protection); the practice
    checks the paperwork, and "other" records what it saw."""

    PARENT = "parent", _("parent")
    LEGAL_GUARDIAN = "legal_guardian", _("legal guardian")
    ATTORNEY = "attorney", _("attorney under a lasting power of attorney")
    DEPUTY = "deputy", _("court-appointed deputy")
    OTHER = "other", _("other")


class IdentityCheck(models.TextChoices):
    """How the witnessing clinician confirmed who signed."""

    PHOTO_ID = "photo_id", _("photo ID seen")
    KNOWN = "known", _("known to the practice")
    OTHER = "other", _("other")


class Consent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="consents")
    plan = models.ForeignKey("consultations.TreatmentPlan", on_delete=models.PROTECT, related_name="consents")
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(max_length=40)
    sessions = models.PositiveSmallIntegerField()  # sessions 1..n of the plan's course are covered
    # What the patient read, as generated: treatment, sessions, findings, risks with rates, alternatives (with no
    # treatment), the template's text. Kept whole with its SHA-256 so what was signed can be shown as signed.
    document = models.JSONField()
    document_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    signed_name = models.CharField(max_length=200, blank=True)  # typed by the patient
    signature_svg = models.TextField(blank=True)  # the drawn signature, as SVG path data
    signed_at = models.DateTimeField(null=True, blank=True)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Signed by someone else on the patient's behalf: signed_name is then the representative's own name. Blank
    # when the patient signed.
    representative_relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    representative_relationship_other = models.CharField(max_length=200, blank=True)  # what "other" was
    # The witness confirmed who signed, and how (blank for a consent signed before this was asked, or in the portal,
    # where the patient's own account stands for it).
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, blank=True)
    identity_check_other = models.CharField(max_length=200, blank=True)
    # Signed by the patient at home in the portal, signed in to their own account: no witness, and the record says so.
    signed_in_portal = models.BooleanField(default=False)
    # The language the document was presented and signed in ("en", "es"): the patient's own once a clinician has
    # reviewed that language's clinical text for the practice, English until then (clinic/translation_review.py).
    signed_language = models.CharField(max_length=8, blank=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "status"], name="consent_plan_status")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Consent.objects.filter(pk=self.pk, status=ConsentStatus.SIGNED).exists():
            raise ValueError("a signed consent never changes: a later change needs a new consent")
        super().save(*args, **kwargs)

    @property
    def withdrawn(self) -> bool:
        return hasattr(self, "withdrawal")

    @property
    def by_representative(self) -> bool:
        return bool(self.representative_relationship)

    @property
    def relationship_words(self) -> str:
        """ "parent", or what "other" was: the words shown after the representative's name."""
        if self.representative_relationship == Relationship.OTHER:
            return self.representative_relationship_other
        return str(self.get_representative_relationship_display())

    @property
    def identity_check_words(self) -> str:
        if self.identity_check == IdentityCheck.OTHER:
            return self.identity_check_other
        return str(self.get_identity_check_display())


class ConsentWithdrawal(models.Model):
    """The patient withdrew a signed consent: no further session is charted under it."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
