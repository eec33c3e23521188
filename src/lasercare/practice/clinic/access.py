"""The checks every page makes: signed in, allowed by role, and only this practice's records."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Action

# A page, or a download streamed as it is written; the decorated view keeps its own type.
View = TypeVar("View", bound=Callable[..., HttpResponseBase])
M = TypeVar("M", bound=Model)


def staff_user(request: HttpRequest) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


def practice_id(request: HttpRequest) -> int:
    """The id of the signed-in user's practice; staff without one (installation superusers) see no records."""
    found = staff_user(request).practice_id
    if found is None:
        raise PermissionDenied
    return found


def requires(action: Action) -> Callable[[View], View]:
    """Only signed-in staff whose role allows `action`; anyone else gets 403 and the refusal is audited."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = staff_user(request)
            if not user.may(action):
                record(
                    request,
                    AuditAction.DENIED,
                    "page",
                    detail=f"{action.value} {request.resolver_match.url_name if request.resolver_match else ''}",
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, checked)

    return decorate


def in_practice(request: HttpRequest, records: QuerySet[M], public_id: UUID | str) -> M:
    """The record with this opaque id in the user's practice. Another practice's record is simply not found."""
    try:
        return records.get(practice_id=practice_id(request), public_id=public_id)
    except records.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None
