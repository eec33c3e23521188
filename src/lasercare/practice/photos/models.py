"""Skin photos of a consultation or a session, their analysis, and the patient's consent to photography."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhotoScope(models.TextChoices):
    CLINICAL = "clinical", _("Clinical record only")
    TEACHING = "teaching", _("Clinical record and teaching")


class PhotoConsent(models.Model):
    """The patient's consent to clinical photographs: simpler than a treatment consent (no plan, no risks), one
    record per consent given; a withdrawal ends it and new photos are refused from then on."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="photo_consents")
    scope = models.CharField(max_length=10, choices=PhotoScope.choices, default=PhotoScope.CLINICAL)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "-given_at"], name="photo_consent_patient")]

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class PhotoView(models.TextChoices):
    FRONTAL = "frontal", _("Frontal")
    LEFT_OBLIQUE = "left_oblique", _("Left oblique")
    RIGHT_OBLIQUE = "right_oblique", _("Right oblique")


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Analysed")
    FAILED = "failed", _("Analysis failed")


class SkinPhoto(models.Model):
    """One photo as uploaded. The original's bytes are kept unaltered in private storage with their SHA-256; the
    app shows only the copy without metadata and the analysis overlay, each through an access check and an audit
    entry (views.py). The analysis is lasercare.imaging's document (`lasercare analyze --json`), kept whole."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="skin_photos")
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    booking = models.ForeignKey(
        "scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    consent = models.ForeignKey(PhotoConsent, on_delete=models.PROTECT, related_name="photos")
    view = models.CharField(max_length=15, choices=PhotoView.choices)
    taken_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Names inside the private photo storage (storage.py), never a URL.
    original_name = models.CharField(max_length=200)
    original_sha256 = models.CharField(max_length=64)
    original_bytes = models.PositiveBigIntegerField()
    original_format = models.CharField(max_length=10)
    working_name = models.CharField(max_length=200)
    overlay_name = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    analysis = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=False, booking__isnull=True)
                | Q(consultation__isnull=True, booking__isnull=False),
                name="skin_photo_of_a_consultation_or_a_session",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-taken_at"], name="skin_photo_patient")]

    def __str__(self) -> str:
        return f"{self.get_view_display()} photo {self.public_id}"

    @property
    def analysed(self) -> bool:
        return self.status == AnalysisStatus.DONE and self.analysis is not None

    def metric(self, path: str, region: str = "") -> Any:
        """A value of the analysis by its dotted name ("spots.count"), overall or in a face region."""
        found: Any = self.analysis or {}
        if region:
            found = found.get("regions", {}).get(region, {})
        for part in path.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        return found
