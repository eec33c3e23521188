"""The audit log page, for practice admins: filter by staff member, action, record kind, patient and day; find the
patient by name (POSTed); export what is shown as CSV. Each view checks access, reads through reading.py and
renders."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.audit_log import reading
from lasercare.practice.audit_log.forms import AuditFilterForm, PatientSearchForm
from lasercare.practice.clinic.access import practice_id, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.patients.models import Patient
from lasercare.practice.patients.services import read_query, search_patients

PICKER_MATCHES = 20


@requires(Action.VIEW_AUDIT_LOG)
@require_http_methods(["GET", "HEAD", "POST"])
def audit_log(request: HttpRequest) -> HttpResponse:
    practice = practice_id(request)
    form = AuditFilterForm(request.GET or None, practice_id=practice)
    context: dict[str, Any] = {
        "form": form,
        "query": _query(request.GET),
        "may_search": False,
        # The filters as they are, for a link that sets (or drops) the patient.
        "picker_query": _query(request.GET, without=("page", "patient")),
    }
    status = 200
    if request.method == "POST":
        search, matches, status = _find_patient(request, practice)
        context.update(search=search, matches=matches)
    if staff_user(request).may(Action.VIEW_PATIENT_LIST):
        context["may_search"] = True
        context.setdefault("search", PatientSearchForm())
    if request.GET and not form.is_valid():
        # A filter that cannot be read shows its message, never the whole log in its place. The page itself is
        # answered (200), as every GET form of the app answers an unusable filter.
        context["page"] = None
        return render(request, "audit/log.html", context, status=status)
    chosen = form.chosen() if request.GET else reading.LogFilter()
    page_number = _page_number(request.GET.get("page"))
    page = Paginator(reading.entries(practice, chosen), reading.PAGE_SIZE).get_page(page_number)
    context["page"] = page
    context["kind_labels"] = reading.KIND_LABELS
    context["export_query"] = _query(request.GET, without=("page",))
    if chosen.patient_ref:
        context["patient"] = (
            Patient.objects.filter(practice_id=practice, public_id=chosen.patient_ref)
            .only("given_names", "family_name", "date_of_birth", "public_id")
            .first()
        )
    reading.record_reading(request, chosen, page.number, len(page.object_list))
    return render(request, "audit/log.html", context, status=status)


def _find_patient(request: HttpRequest, practice: int) -> tuple[PatientSearchForm, list[Patient], int]:
    """The patient picker: a name (or birth date, or phone) POSTed, the matches offered as links that filter the log
    by the patient's public id."""
    search = PatientSearchForm(request.POST)
    if not staff_user(request).may(Action.VIEW_PATIENT_LIST) or not search.is_valid():
        return search, [], 400
    matches = list(search_patients(practice, read_query(search.cleaned_data["name"]))[:PICKER_MATCHES])
    record(request, AuditAction.SEARCH, "patient", detail=f"audit log patient search: {len(matches)} shown")
    return search, matches, 200


@requires(Action.VIEW_AUDIT_LOG)
@require_safe
def audit_log_export(request: HttpRequest) -> HttpResponseBase:
    practice = practice_id(request)
    form = AuditFilterForm(request.GET or None, practice_id=practice)
    if request.GET and not form.is_valid():
        context = {"form": form, "query": _query(request.GET), "page": None, "may_search": False}
        return render(request, "audit/log.html", context, status=400)
    chosen = form.chosen() if request.GET else reading.LogFilter()
    response = StreamingHttpResponse(reading.export(request, practice, chosen), content_type="text/csv; charset=utf-8")
    # No name, no patient in the file name: downloads folders are seen by others.
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _query(params: QueryDict, without: tuple[str, ...] = ("page",)) -> str:
    kept = params.copy()
    for name in without:
        kept.pop(name, None)
    return kept.urlencode()


def _page_number(text: str | None) -> int:
    try:
        return max(1, int(text or 1))
    except ValueError:
        return 1
