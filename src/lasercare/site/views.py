"""Pages of the site itself: the front door, the health check and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from lasercare.practice.clinic.contact import contact_for
from lasercare.practice.clinic.models import Practice

# Practices listed on the front door of an installation that serves several.
FRONT_DOOR_PRACTICES = 50


def front_door(request: HttpRequest) -> HttpResponse:
    """`/`: the practice, for whoever arrives. A patient finds the information pages, the self-assessment and the
    portal's sign-in; staff find their log-in. A member of staff who is logged in has their dashboard here, as
    before the front door, so that old links and bookmarks still lead there."""
    if request.user.is_authenticated:
        from lasercare.practice.clinic.views import dashboard

        return dashboard(request)
    practices = list(Practice.objects.order_by("name")[: FRONT_DOOR_PRACTICES + 1])
    only = practices[0] if len(practices) == 1 else None
    context = {
        "practices": practices[:FRONT_DOOR_PRACTICES],
        "practice_name": only.name if only else "",
        "contact": contact_for(only) if only else None,
    }
    return render(request, "front_door.html", context)


def health(request: HttpRequest) -> HttpResponse:
    """For the process manager and load balancer: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"title": "Bad request", "status": 400}, status=400)


def _in_portal(request: HttpRequest) -> bool:
    return request.path.startswith(reverse("portal_home"))


def _portal_error(request: HttpRequest, status: int) -> HttpResponse:
    """The portal's own error page: in the portal's look and words, back to the portal, never the staff's."""
    from lasercare.practice.portal.views import public_context

    return render(request, "portal/error.html", {"status": status, **public_context(request)}, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _in_portal(request):
        return _portal_error(request, 403)
    message = "Your role does not allow this page. Ask a practice admin if you need it."
    return render(request, "error.html", {"title": "Not allowed", "status": 403, "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _in_portal(request):
        return _portal_error(request, 404)
    return render(request, "error.html", {"title": "Not found", "status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "error.html", {"title": "Something went wrong", "status": 500}, status=500)
