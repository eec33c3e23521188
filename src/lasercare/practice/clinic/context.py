from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from lasercare.practice.clinic.roles import Action, role_may


def staff(request: HttpRequest) -> dict[str, object]:
    """What the navigation needs: which sections this user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "may"):
        return {}
    if not user.is_active or user.practice_id is None:  # as StaffUser.may: such an account may nothing
        return {"can": _nothing()}
    return {"can": _allowed(user.role)}


# A role's sections are the same for every request: worked out once per role, not 25 checks through the lazy
# request.user on every page. A plain dict, shared and never changed: the templates' look-up reads a dict's keys
# first (site/jinja.py).
@cache
def _allowed(role: str) -> dict[str, bool]:
    return {action.value: role_may(role, action) for action in Action}


@cache
def _nothing() -> dict[str, bool]:
    return {action.value: False for action in Action}
