"""A member of the public's request for a consultation, sent from the self-assessment with their consent.

Nothing of the self-assessment is stored before the person consents and sends the request: the answers travel in
the form until then. What is stored here is patient data (PHI): every read and write is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    CLOSED = "closed", "Closed"


class ContactBy(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class ConsultationRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("clinic.Practice", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices)
    preferred_times = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    answers = models.JSONField()  # the self-assessment's answers as the form cleaned them (dates as ISO strings)
    result = models.JSONField()  # what the result page showed, in codes: phototype, options, findings, versions
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    # A keyed hash of the sender's address, only to limit how many requests one address sends (throttling).
    address_key = models.CharField(max_length=64, db_index=True, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "status", "-created_at"], name="request_practice_status")]
