"""Consultation requests: storing one with the person's consent, the front desk's handling, and throttling.

Each operation writes its audit entry in the same transaction. The public side is audited under the actor label
"self-assessment" with the practice named, never the person.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import client_address, record
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.selfassessment.models import ConsultationRequest, RequestStatus

ACTOR_LABEL = "self-assessment"
# The consent text the request form shows (forms.RequestForm.consent); a new wording gets a new version.
CONSENT_VERSION = "2026-11"
# Requests one address may send in the window before it must wait (settings may change both).
REQUEST_LIMIT = 5
REQUEST_WINDOW_MINUTES = 60


class TooManyRequests(Exception):  # noqa: N818 - a refusal the person reads, not a fault
    """This address sent its allowance of requests within the window."""


def address_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address: enough to count its requests, without keeping the address."""
    address = client_address(request) or ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:request:{address}".encode()).hexdigest()


def _limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "SELF_ASSESSMENT_REQUEST_LIMIT", REQUEST_LIMIT)),
        int(getattr(settings, "SELF_ASSESSMENT_REQUEST_WINDOW_MINUTES", REQUEST_WINDOW_MINUTES)),
    )


def is_throttled(request: HttpRequest) -> bool:
    limit, minutes = _limit()
    since = timezone.now() - timedelta(minutes=minutes)
    return ConsultationRequest.objects.filter(address_key=address_key(request), created_at__gte=since).count() >= limit


@transaction.atomic
def send_request(
    request: HttpRequest,
    practice: Practice,
    contact: dict[str, Any],
    answers: dict[str, Any],
    result: dict[str, Any],
) -> ConsultationRequest:
    """Store the consented request with its answers and result, and audit it. Raises TooManyRequests."""
    if is_throttled(request):
        raise TooManyRequests
    sent = ConsultationRequest.objects.create(
        practice=practice,
        name=contact["name"].strip(),
        email=contact.get("email") or "",
        phone=(contact.get("phone") or "").strip(),
        contact_by=contact["contact_by"],
        preferred_times=contact.get("preferred_times") or "",
        message=contact.get("message") or "",
        answers=answers,
        result=result,
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
        address_key=address_key(request),
    )
    record(
        request,
        AuditAction.CREATE,
        "consultation_request",
        sent.public_id,
        practice_id=practice.pk,
        actor_label=ACTOR_LABEL,
        detail="sent with consent",
    )
    return sent


@transaction.atomic
def set_status(
    request: HttpRequest, user: StaffUser, consultation_request: ConsultationRequest, status: str
) -> ConsultationRequest:
    previous = consultation_request.status
    consultation_request.status = RequestStatus(status)
    consultation_request.handled_by = user
    consultation_request.save(update_fields=["status", "handled_by", "updated_at"])
    record(
        request,
        AuditAction.UPDATE,
        "consultation_request",
        consultation_request.public_id,
        detail=f"status {previous} to {status}",
    )
    return consultation_request
