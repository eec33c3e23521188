"""Writing to the audit log. Views and services call `record` for every read and write of patient data."""

from __future__ import annotations

import functools
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from lasercare.practice.clinic.models import StaffUser


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the person's device, for the audit log and for throttling log-ins.

    Behind a reverse proxy REMOTE_ADDR is the proxy's. Only a peer in TRUSTED_PROXIES is believed about the client:
    its header (X-Forwarded-For) is read from the right, past any further trusted proxies, to the first address
    no trusted proxy vouches for. Anyone else could write any address there, and throttling by address would be
    theirs to steer."""
    if request is None:
        return None
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    legacy = settings.AUDIT_CLIENT_ADDRESS_HEADER
    if legacy and not settings.TRUSTED_PROXIES:
        forwarded = str(request.META.get(legacy, ""))
        return (forwarded.split(",")[-1].strip() or peer) if forwarded else peer
    if peer is None or not _is_trusted_proxy(peer):
        return peer
    for hop in reversed(request.META.get(settings.CLIENT_ADDRESS_HEADER, "").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        if not _is_trusted_proxy(hop):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted_proxy(text: str) -> bool:
    try:
        address = ip_address(text)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


def record(
    request: HttpRequest | None,
    action: AuditAction,
    record_type: str,
    record_id: object = "",
    *,
    patient_ref: object = "",
    detail: str = "",
    actor: StaffUser | None = None,
    practice_id: int | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. `detail` must not hold patient data (say "3 results", not the name searched).

    The actor is the signed-in staff member. Where there is none (a patient in the portal, a member of the public,
    a background job), the caller names the practice and labels the actor by role and opaque id, never by name:
    "patient portal 3f2a…", "self-assessment", "reminders"."""
    user = actor
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment,unused-ignore]
    entry = AuditEntry(
        at=timezone.now(),
        practice_id=user.practice_id if user is not None else practice_id,
        actor=user,
        actor_label=user.display_name if user is not None else actor_label,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        patient_ref=str(patient_ref),
        address=client_address(request),
        detail=detail[:300],
    )
    _append(entry)
    return entry


def _append(entry: AuditEntry) -> None:
    """INSERT the entry with a statement written once. Every request appends one, and Model.save() compiled the
    INSERT anew each time: 0.33M instructions more per request (docs/performance.md). The values still go through
    each field's own preparation for the database (dates, addresses)."""
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    fields = _written_fields()
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = using


@functools.cache
def _written_fields() -> tuple[Field[Any, Any], ...]:
    return tuple(field for field in AuditEntry._meta.concrete_fields if not field.primary_key)
