"""Signing in and out, and the dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.paginator import Paginator
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import client_address, record
from lasercare.practice.clinic import throttle, translation_review, worklists
from lasercare.practice.clinic.access import practice_id, requires, staff_user
from lasercare.practice.clinic.roles import Action


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        address = client_address(self.request)
        wait = throttle.wait_before_trying(username, address)
        if wait:
            raise forms.ValidationError(
                _("Too many failed log-ins. Try again in %(wait)s, or ask a practice admin to help.")
                % {"wait": wait.in_words()},
                code="locked",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, address)
            record(self.request, AuditAction.LOGIN_FAILED, "account", detail="wrong username or password")
            raise
        throttle.note_success(username, address)
        return data


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@receiver(user_logged_in)
def _audit_login(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session["last_seen"] = int(timezone.now().timestamp())
    record(request, AuditAction.LOGIN, "account", user.public_id, actor=user)


@receiver(user_logged_out)
def _audit_logout(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, AuditAction.LOGOUT, "account", user.public_id, actor=user)


# The dashboard shows the head of each worklist, short enough that the three lists sit side by side on one screen;
# each heading links to the whole list, page by page. (Three lists of 50 lines took a third of the page's CPU to
# render, and nobody reads 150 names at a glance: docs/performance.md.)
DASHBOARD_LINES = 15
# The heading counts the plans awaiting sign-off up to this many and then says "more than": counting a backlog of
# 3,000 cost PostgreSQL 0.45 ms per dashboard, a quarter of the database's work for the page. Their own page counts
# them all.
AWAITING_COUNTED_UP_TO = 100
WORKLIST_PAGE_LINES = 50


@requires(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    practice = practice_id(request)
    today = timezone.localdate()
    todays, more_todays = worklists.head(worklists.TODAYS_PATIENTS, practice, today, DASHBOARD_LINES)
    follow_ups, more_follow_ups = worklists.head(worklists.FOLLOW_UPS_DUE, practice, today, DASHBOARD_LINES)
    context: dict[str, Any] = {
        "today": today,
        "todays": todays,
        "follow_ups": follow_ups,
        # A list that goes on says so and links to the rest: a busy day must not look shorter than it is.
        "more_todays": more_todays,
        "more_follow_ups": more_follow_ups,
        "list_lines": DASHBOARD_LINES,
    }
    if user.may(Action.VIEW_SCHEDULE):
        context["sessions"], context["more_sessions"] = worklists.head(
            worklists.TODAYS_SESSIONS, practice, today, DASHBOARD_LINES
        )
    if user.may(Action.BOOK_SESSIONS):
        context["change_requests"], context["more_change_requests"] = worklists.head(
            worklists.CHANGE_REQUESTS, practice, today, DASHBOARD_LINES
        )
        context["ready_to_book"], context["more_ready_to_book"] = worklists.head(
            worklists.READY_TO_BOOK, practice, today, DASHBOARD_LINES
        )
    if user.may(Action.VIEW_CLINICAL):
        context["adverse_events"], context["more_adverse_events"] = worklists.head(
            worklists.ADVERSE_EVENTS, practice, today, DASHBOARD_LINES
        )
        context["side_effects"], context["more_side_effects"] = worklists.head(
            worklists.SIDE_EFFECT_REPORTS, practice, today, DASHBOARD_LINES
        )
        awaiting, _ = worklists.head(worklists.AWAITING_SIGN_OFF, practice, today, DASHBOARD_LINES)
        context["awaiting"] = awaiting
        waiting = worklists.count_up_to(worklists.AWAITING_SIGN_OFF, practice, today, AWAITING_COUNTED_UP_TO)
        context["awaiting_count"] = (
            f"more than {AWAITING_COUNTED_UP_TO}" if waiting > AWAITING_COUNTED_UP_TO else str(waiting)
        )
        context["more_awaiting"] = waiting > len(awaiting)
    record(request, AuditAction.LIST, "dashboard", detail=f"{len(todays)}{'+' if more_todays else ''} today")
    return render(request, "clinic/dashboard.html", context)


def _worklist_page(request: HttpRequest, worklist: worklists.Worklist) -> HttpResponse:
    practice = practice_id(request)
    today = timezone.localdate()
    # The paginator numbers the pages from the count; the page's rows are read by the list (`page_rows`).
    page = Paginator(range(worklist.count(practice, today)), WORKLIST_PAGE_LINES).get_page(request.GET.get("page"))
    offset = page.start_index() - 1 if page.paginator.count else 0
    lines = worklist.lines(worklist.page_rows(practice, today, offset, WORKLIST_PAGE_LINES), today)
    record(request, AuditAction.LIST, worklist.route, detail=f"page {page.number}, {len(lines)} shown")
    context = {"today": today, "worklist": worklist, "page": page, "lines": lines}
    return render(request, "clinic/worklist.html", context)


@requires(worklists.TODAYS_PATIENTS.action)
def todays_patients(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.TODAYS_PATIENTS)


@requires(worklists.AWAITING_SIGN_OFF.action)
def awaiting_sign_off(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.AWAITING_SIGN_OFF)


@requires(worklists.TODAYS_SESSIONS.action)
def todays_sessions(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.TODAYS_SESSIONS)


@requires(worklists.ADVERSE_EVENTS.action)
def adverse_events_to_review(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.ADVERSE_EVENTS)


@requires(worklists.CHANGE_REQUESTS.action)
def change_requests(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.CHANGE_REQUESTS)


@requires(worklists.SIDE_EFFECT_REPORTS.action)
def side_effect_reports(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.SIDE_EFFECT_REPORTS)


@requires(worklists.READY_TO_BOOK.action)
def ready_to_book(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.READY_TO_BOOK)


@requires(worklists.FOLLOW_UPS_DUE.action)
def follow_ups_due(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, worklists.FOLLOW_UPS_DUE)


class TranslationReviewForm(forms.Form):
    language = forms.ChoiceField(choices=[])
    reviewed_on = forms.DateField(label="Reviewed on", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)
    confirm = forms.BooleanField(
        label="I have read this language's clinical text (the risks, what applies to a patient, the preparation and "
        "aftercare, the consent's own words) and it says what the English says."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = translation_review.translated_languages()

    def clean_reviewed_on(self) -> Any:
        day = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("A review cannot be dated in the future.")
        return day


@requires(Action.REVIEW_TRANSLATION)
@require_http_methods(["GET", "HEAD", "POST"])
def translation_reviews(request: HttpRequest) -> HttpResponse:
    """Each translated language's review status, and a clinician's record of a review."""
    user = staff_user(request)
    form = TranslationReviewForm(
        request.POST if request.method == "POST" else None, initial={"reviewed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            translation_review.mark_reviewed(
                request,
                user,
                form.cleaned_data["language"],
                form.cleaned_data["reviewed_on"],
                form.cleaned_data["note"],
            )
        except translation_review.ReviewRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The review is recorded: consent is now presented in that language.")
            return redirect("translation_reviews")
    languages = translation_review.translated_languages()
    statuses = [translation_review.review_status(practice_id(request), code) for code, _name in languages]
    record(request, AuditAction.VIEW, "translation_review", detail=f"{len(statuses)} languages")
    context = {"statuses": statuses, "form": form}
    return render(request, "clinic/translation_reviews.html", context, status=400 if form.errors else 200)
