"""The public pages (information, self-assessment, consultation request) and the front desk's request pages.

The public pages need no log-in. The self-assessment is POSTed from page to page so that no answer reaches a URL,
and nothing is stored, logged or put in the session until the person consents and sends the request. Each page
that shows answers is sent with `Cache-Control: no-store`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lasercare.engine import IntakeError, load_knowledge
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.models import Practice
from lasercare.practice.clinic.roles import Action
from lasercare.practice.selfassessment import learn, services
from lasercare.practice.selfassessment.assessment import assess
from lasercare.practice.selfassessment.forms import AssessmentForm, RequestForm, StatusForm
from lasercare.practice.selfassessment.models import ConsultationRequest, RequestStatus
from lasercare.practice.selfassessment.review import answers_in_words, result_in_words

PUBLIC_NAV = [
    ("learn", gettext_lazy("About laser treatment")),
    ("self_assessment_start", gettext_lazy("Self-assessment")),
]


def _public(context: dict[str, Any]) -> dict[str, Any]:
    return {"patient_nav": PUBLIC_NAV, **context}


# --- information pages -----------------------------------------------------------------------------------------


@require_safe
def learn_index(request: HttpRequest) -> HttpResponse:
    knowledge = load_knowledge()
    return render(
        request,
        "selfassessment/learn_index.html",
        _public({"topics": learn.topics(), "families": learn.families(knowledge)}),
    )


@require_safe
def learn_topic(request: HttpRequest, topic: str) -> HttpResponse:
    if topic not in learn.TOPICS:
        raise Http404
    knowledge = load_knowledge()
    context: dict[str, Any] = {"topic": learn.topic(topic), "topics": learn.topics()}
    cited: list[learn.Cited] = []
    if topic == "treatments":
        context["families"] = learn.families(knowledge)
    elif topic in learn.PHASES:
        context["steps"] = learn.steps_of(learn.PHASES[topic], knowledge)
        cited = [step["cited"] for step in context["steps"]]
    else:  # sessions, side effects: one entry per treatment
        context["treatments"] = [learn.treatment_page(m) for m in knowledge.modalities.values()]
        for page in context["treatments"]:
            cited += [page.sessions, page.interval_weeks, page.downtime_days] if topic == "sessions" else page.risks
    context["numbers"], context["sources"] = learn.sources_of(cited, knowledge)
    shown = [step["text"] for step in context.get("steps", [])] + [item.text for item in cited]
    context["glossary"] = learn.glossary(shown, knowledge)
    return render(request, "selfassessment/learn_topic.html", _public(context))


@require_safe
def learn_treatment(request: HttpRequest, modality: str) -> HttpResponse:
    knowledge = load_knowledge()
    if modality not in knowledge.modalities:
        raise Http404
    page = learn.treatment_page(knowledge.modalities[modality])
    cited = [page.target, *page.treats, page.sessions, page.interval_weeks, page.downtime_days, *page.risks]
    numbers, sources = learn.sources_of(cited, knowledge)
    glossary = learn.glossary([page.name, page.about, *(item.text for item in cited)], knowledge)
    return render(
        request,
        "selfassessment/learn_treatment.html",
        _public({"page": page, "numbers": numbers, "sources": sources, "topics": learn.topics(), "glossary": glossary}),
    )


# --- the self-assessment ---------------------------------------------------------------------------------------


def _practice(public_id: UUID) -> Practice:
    try:
        return Practice.objects.get(public_id=public_id)
    except Practice.DoesNotExist:
        raise Http404 from None


@require_safe
def self_assessment_start(request: HttpRequest) -> HttpResponse:
    """The only practice's self-assessment, or the list of practices to choose from."""
    practices = list(Practice.objects.order_by("name")[:200])
    if len(practices) == 1:
        return redirect("self_assessment", practices[0].public_id)
    return render(request, "selfassessment/practices.html", _public({"practices": practices}))


def _form_page(request: HttpRequest, practice: Practice, form: AssessmentForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "selfassessment/form.html",
        _public({"practice": practice, "practice_name": practice.name, "form": form}),
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment(request: HttpRequest, practice: UUID) -> HttpResponse:
    """The questions. A POST comes from the result page's "Change my answers" and fills them in again."""
    found = _practice(practice)
    if request.method == "POST":
        form = AssessmentForm(request.POST, currency=found.currency)
        form.is_valid()  # the answers came from a valid result page; any error shows beside its question
        return _form_page(request, found, form)
    return _form_page(request, found, AssessmentForm(currency=found.currency))


def _result_page(
    request: HttpRequest,
    practice: Practice,
    form: AssessmentForm,
    request_form: RequestForm,
    status: int = 200,
    refused: str = "",
) -> HttpResponse:
    try:
        result = assess(form.answers(), practice, timezone.localdate())
    except IntakeError:
        form.add_error(None, _("These answers could not be assessed. Please check them and try again."))
        return _form_page(request, practice, form, status=400)
    return render(
        request,
        "selfassessment/result.html",
        _public(
            {
                "practice": practice,
                "practice_name": practice.name,
                "result": result,
                "hidden": form.hidden_fields_of(),
                "request_form": request_form,
                "refused": refused,
            }
        ),
        status=status,
    )


@never_cache
@require_POST
def self_assessment_result(request: HttpRequest, practice: UUID) -> HttpResponse:
    found = _practice(practice)
    form = AssessmentForm(request.POST, currency=found.currency)
    if not form.is_valid():
        return _form_page(request, found, form, status=400)
    return _result_page(request, found, form, RequestForm())


@never_cache
@require_POST
def consultation_request_send(request: HttpRequest, practice: UUID) -> HttpResponse:
    """Store the request, with the answers carried in the form, once the person has consented."""
    found = _practice(practice)
    form = AssessmentForm(request.POST, currency=found.currency)
    if not form.is_valid():
        return _form_page(request, found, form, status=400)
    request_form = RequestForm(request.POST)
    if not request_form.is_valid():
        return _result_page(request, found, form, request_form, status=400)
    try:
        result = assess(form.answers(), found, timezone.localdate())
    except IntakeError:
        form.add_error(None, _("These answers could not be assessed. Please check them and try again."))
        return _form_page(request, found, form, status=400)
    try:
        services.send_request(request, found, request_form.cleaned_data, form.answers(), result.summary)
    except services.TooManyRequests:
        refused = _("Too many requests were sent from this connection. Please try again later, or call the practice.")
        return _result_page(request, found, form, request_form, status=429, refused=refused)
    return redirect("consultation_request_sent", found.public_id)


@require_safe
def consultation_request_sent(request: HttpRequest, practice: UUID) -> HttpResponse:
    found = _practice(practice)
    return render(
        request,
        "selfassessment/sent.html",
        _public({"practice": found, "practice_name": found.name}),
    )


# --- the front desk --------------------------------------------------------------------------------------------

PAGE_SIZE = 50


@requires(Action.VIEW_CONSULTATION_REQUESTS)
@require_safe
def consultation_requests(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    requests = ConsultationRequest.objects.filter(practice_id=practice_id(request)).select_related("handled_by")
    if status == "open":
        requests = requests.filter(status__in=(RequestStatus.NEW, RequestStatus.CONTACTED))
    elif status in RequestStatus.values:
        requests = requests.filter(status=status)
    else:
        status = "all"
    page = Paginator(requests.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        request,
        AuditAction.LIST,
        "consultation_request",
        detail=f"{status}, page {page.number}, {len(page.object_list)} shown",
    )
    return render(
        request,
        "selfassessment/requests.html",
        {"page": page, "status": status, "statuses": RequestStatus.choices},
    )


@requires(Action.VIEW_CONSULTATION_REQUESTS)
@require_safe
def consultation_request_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, in_practice(request, ConsultationRequest.objects.all(), public_id), StatusForm())


def _detail(request: HttpRequest, found: ConsultationRequest, form: StatusForm, status: int = 200) -> HttpResponse:
    record(request, AuditAction.VIEW, "consultation_request", found.public_id)
    knowledge = load_knowledge()
    return render(
        request,
        "selfassessment/request.html",
        {
            "found": found,
            "answers": answers_in_words(found.answers),
            "result": result_in_words(found.result, knowledge),
            "form": form,
            "statuses": RequestStatus.choices,
        },
        status=status,
    )


@requires(Action.VIEW_CONSULTATION_REQUESTS)
@require_POST
def consultation_request_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = in_practice(request, ConsultationRequest.objects.all(), public_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, form, status=400)
    services.set_status(request, staff_user(request), found, form.cleaned_data["status"])
    return redirect("consultation_request", found.public_id)
