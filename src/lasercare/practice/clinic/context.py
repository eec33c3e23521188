from __future__ import annotations

from django.http import HttpRequest

from lasercare.practice.clinic.roles import Action


def staff(request: HttpRequest) -> dict[str, object]:
    """What the navigation needs: which sections this user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "may"):
        return {}
    return {"can": {action.value: user.may(action) for action in Action}}
