"""The patient portal's pages. Each reads only the signed-in patient's records (records.py), audits the read, and
never caches; the forms post back to the page they are on and keep what was typed when something is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lasercare.documents.handout import handout_html, plan_body_html, render_pdf
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.clinic.contact import contact_for, practice_of_site
from lasercare.practice.consent import language as consent_language
from lasercare.practice.consent import services as consent_services
from lasercare.practice.consent.forms import SignForm
from lasercare.practice.consent.models import ConsentStatus
from lasercare.practice.consent.signature import HEIGHT, WIDTH
from lasercare.practice.photos.services import photos_for_patient
from lasercare.practice.photos.storage import CONTENT_TYPES, Variant, open_image
from lasercare.practice.portal import online_booking, records, services
from lasercare.practice.portal.auth import patient_required, sign_in, sign_out, signed_in_account
from lasercare.practice.portal.forms import (
    ChangePasswordForm,
    ChangeRequestForm,
    ConsentQuestionForm,
    NewPasswordForm,
    SideEffectForm,
    SignInForm,
    SignInLinkForm,
)
from lasercare.practice.portal.models import PatientAccount, PortalToken
from lasercare.practice.portal.side_effects import symptoms
from lasercare.practice.reminders.models import PatientCalendarFeed
from lasercare.practice.reminders.patient_calendar import issue_feed, patient_calendar, revoke_feed
from lasercare.practice.reminders.preferences import ReminderPreferenceForm
from lasercare.web.dates import show_date
from lasercare.web.languages import language_of
from lasercare.web.public import public_link

NAVIGATION = [
    ("portal_home", gettext_lazy("Home")),
    ("portal_preparation", gettext_lazy("Preparation")),
    ("portal_appointments", gettext_lazy("Appointments")),
    ("portal_aftercare", gettext_lazy("Aftercare")),
    ("portal_report", gettext_lazy("Report a side effect")),
    ("portal_photos", gettext_lazy("Photos")),
]


def _account(request: HttpRequest) -> PatientAccount:
    account: PatientAccount = request.account  # type: ignore[attr-defined]
    return account


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    account = _account(request)
    return render(
        request,
        template,
        {
            "account": account,
            "practice_name": account.practice.name,
            "contact": contact_for(account.practice),
            "patient_nav": NAVIGATION,
            **context,
        },
        status=status,
    )


def public_context(request: HttpRequest) -> dict[str, Any]:
    """The practice's name and number on a portal page read before signing in (or on an error page): the signed-in
    patient's practice, else the one practice this installation serves, else none."""
    account = signed_in_account(request)
    practice = account.practice if account is not None else practice_of_site()
    if practice is None:
        return {}
    context: dict[str, Any] = {"practice_name": practice.name, "contact": contact_for(practice)}
    if account is not None:
        context["patient_nav"] = NAVIGATION
    return context


def _public_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**public_context(request), **context}, status=status)


def _viewed(request: HttpRequest, kind: str, record_id: object = "", detail: str = "") -> None:
    account = _account(request)
    services.audit(request, account, AuditAction.VIEW, kind, record_id or account.public_id, detail)


# --- signing in --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_page(request: HttpRequest) -> HttpResponse:
    if signed_in_account(request) is not None:
        return redirect("portal_home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    link_form = SignInLinkForm(prefix="link")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account = services.password_sign_in(request, form.cleaned_data["email"], form.cleaned_data["password"])
            except services.PortalRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                sign_in(request, account)
                return redirect("portal_home")
        status = 400
    response = _public_page(request, "portal/sign_in.html", {"form": form, "link_form": link_form}, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@require_POST
def send_link(request: HttpRequest) -> HttpResponse:
    link_form = SignInLinkForm(request.POST, prefix="link")
    if not link_form.is_valid():
        context = {"form": SignInForm(), "link_form": link_form}
        return _public_page(request, "portal/sign_in.html", context, status=400)
    services.send_sign_in_link(request, link_form.cleaned_data["email"])
    return _public_page(request, "portal/link_sent.html", {"minutes": settings.PORTAL_SIGN_IN_LINK_MINUTES})


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not use up the patient's single-use link."""
    if request.method == "POST":
        try:
            account = services.use_sign_in_link(request, token)
        except services.PortalRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("portal_sign_in")
        sign_in(request, account)
        return redirect("portal_home")
    if services.valid_token(token, PortalToken.Purpose.SIGN_IN) is None:
        messages.error(request, _("This sign-in link has expired or was used already: ask for a new one below."))
        return redirect("portal_sign_in")
    return _public_page(request, "portal/sign_in_link.html", {})


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = services.valid_token(token, PortalToken.Purpose.INVITATION)
    if found is None:
        return _public_page(request, "portal/invitation_invalid.html", {}, status=410)
    form = NewPasswordForm(request.POST if request.method == "POST" else None, account=found.account)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.accept_invitation(request, token, form.cleaned_data["password"])
        except services.PortalRefused:
            return _public_page(request, "portal/invitation_invalid.html", {}, status=410)
        sign_in(request, account)
        messages.success(request, _("Your password is set. Welcome to your patient portal."))
        return redirect("portal_home")
    practice = found.account.practice
    context = {
        "form": form,
        "practice_name": practice.name,
        "contact": contact_for(practice),
        "email": found.account.email,
    }
    return render(request, "portal/invitation.html", context, status=400 if form.errors else 200)


@require_POST
def sign_out_page(request: HttpRequest) -> HttpResponse:
    account = signed_in_account(request)
    if account is not None:
        services.audit(request, account, AuditAction.LOGOUT, "portal_account", account.public_id)
    sign_out(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal_sign_in")


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = ChangePasswordForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request, account, form.cleaned_data["current"], form.cleaned_data["password"])
        except services.PortalRefused as refusal:
            form.add_error("current", str(refusal))
        else:
            sign_in(request, account)  # the session follows the new password; others end
            messages.success(request, _("Your password is changed."))
            return redirect("portal_home")
    if request.method != "POST":
        _viewed(request, "portal_account", detail="password form")
    return _page(request, "portal/password.html", {"form": form}, status=400 if form.errors else 200)


# --- the patient's pages -----------------------------------------------------------------------------------------


@patient_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    now = timezone.now()
    upcoming = [b for b in records.appointments(account) if b.starts_at >= now and b.status == "booked"]
    to_sign = [c for c in records.consents(account) if c.status == ConsentStatus.DRAFT]
    checklists = records.checklists(account)
    due = sum(1 for checklist in checklists for item in checklist.items if item.due and not item.done)
    _viewed(request, "portal_home")
    return _page(
        request,
        "portal/home.html",
        {
            "patient": account.patient,
            "plans": records.plans(account),
            "next_appointment": upcoming[0] if upcoming else None,
            "to_sign": to_sign,
            "steps_due": due,
        },
    )


@patient_required
@require_safe
def plan_page(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _account(request)
    shown = records.plan(account, public_id)
    _viewed(request, "plan", shown.public_id)
    return _page(
        request, "portal/plan.html", {"plan": shown, "h": records.plain_plan(shown), "plan_body": plan_body_html}
    )


@patient_required
@require_safe
def handout(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _account(request)
    shown = records.plan(account, public_id)
    pdf = render_pdf(handout_html(records.plain_plan(shown)))
    services.audit(request, account, AuditAction.PRINT, "plan", shown.public_id, "handout")
    response = HttpResponse(pdf, content_type="application/pdf")
    # No name in the file name: downloads folders and browser histories are seen by others.
    response.headers["Content-Disposition"] = 'attachment; filename="treatment-plan.pdf"'
    return response


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_page(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _account(request)
    consent = records.consent(account, public_id)
    form = SignForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if consent.status != ConsentStatus.DRAFT:
            messages.error(request, _("This consent is signed already and never changes."))
            return redirect("portal_consent", public_id=consent.public_id)
        if form.is_valid():
            try:
                consent_services.sign_consent_in_portal(
                    request,
                    account.patient_id,
                    consent,
                    typed_name=form.cleaned_data["typed_name"],
                    signature_svg=form.cleaned_data["signature"],
                )
            except consent_services.ConsentRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                messages.success(request, _("Thank you: your consent is signed. The practice has it now."))
                return redirect("portal_consent", public_id=consent.public_id)
        status = 400
    else:
        _viewed(request, "consent", consent.public_id)
    context = {
        "consent": consent,
        "doc": consent.document,
        "document_html": consent_language.document_html(consent),
        "language_notice": consent_language.language_notice(consent),
        "consent_language": consent_language.presented_language(consent),
        "patient_language": language_of(account.patient),
        "form": form,
        "pad_width": WIDTH,
        "pad_height": HEIGHT,
        "withdrawal": getattr(consent, "withdrawal", None),
        "question_waiting": consent.status == ConsentStatus.DRAFT and records.question_waiting(account, consent),
    }
    return _page(request, "portal/consent.html", context, status=status)


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def consent_question(request: HttpRequest, public_id: str) -> HttpResponse:
    """ "I have a question before signing": the question goes to the practice and the consent stays unsigned."""
    account = _account(request)
    consent = records.consent(account, public_id)
    if consent.status != ConsentStatus.DRAFT:
        return redirect("portal_consent", public_id=consent.public_id)
    form = ConsentQuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_about_consent(request, account, consent, form.cleaned_data["question"])
        except services.PortalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Your question is with the practice. They will contact you. Your consent is not signed: sign it "
                    "when you are ready."
                ),
            )
            return redirect("portal_consent", public_id=consent.public_id)
    if request.method == "GET":
        _viewed(request, "consent", consent.public_id, "question form")
    context = {"consent": consent, "form": form}
    return _page(request, "portal/consent_question.html", context, status=400 if form.errors else 200)


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def preparation(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if request.method == "POST":
        lists = {str(c.plan.public_id): c for c in records.checklists(account)}
        chosen = lists.get(request.POST.get("plan", ""))
        key = request.POST.get("step", "")
        if chosen is None or key not in {item.key for item in chosen.items}:
            messages.error(request, _("That step is no longer on your checklist: the page has been refreshed."))
        else:
            services.tick(request, account, chosen.plan, chosen.session, key, request.POST.get("done") == "1")
        return redirect("portal_preparation")
    _viewed(request, "portal_checklist")
    return _page(
        request, "portal/preparation.html", {"checklists": records.checklists(account), "today": timezone.localdate()}
    )


@patient_required
@require_safe
def appointments(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    now = timezone.now()
    bookings = records.appointments(account)
    _viewed(request, "portal_appointments")
    return _page(
        request,
        "portal/appointments.html",
        {
            "upcoming": [b for b in bookings if b.starts_at >= now and b.status == "booked"],
            "past": [b for b in bookings if b.starts_at < now or b.status != "booked"][::-1],
            "requests": records.open_change_requests(account),
            "to_book": online_booking.to_book(account),
            "online": {b.pk for b in bookings if online_booking.changeable(b)},
        },
    )


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_appointment(request: HttpRequest, public_id: str) -> HttpResponse:
    account = _account(request)
    booking = records.appointment(account, public_id)
    form = ChangeRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_change(
                request,
                account,
                booking,
                wish=form.cleaned_data["wish"],
                preferred_times=form.cleaned_data["preferred_times"],
                message=form.cleaned_data["message"],
            )
        except services.PortalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your request is with the practice. They will contact you to confirm."))
            return redirect("portal_appointments")
    if request.method == "GET":
        _viewed(request, "booking", booking.public_id)
    context = {
        "booking": booking,
        "form": form,
        "online": online_booking.changeable(booking),
        "move_times": online_booking.move_offer(account, booking),
        "choice": online_booking.choice_value,
    }
    return _page(request, "portal/change.html", context, status=400 if form.errors else 200)


@patient_required
@require_safe
def aftercare(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    _viewed(request, "portal_aftercare")
    return _page(
        request, "portal/aftercare.html", {"sessions": records.aftercare(account), "today": timezone.localdate()}
    )


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    bookings = [b for b in records.appointments(account) if b.starts_at <= timezone.now()][::-1]
    sessions = [(str(b.public_id), show_date(b.starts_at, "j M Y, H:i")) for b in bookings]
    form = SideEffectForm(
        request.POST if request.method == "POST" else None, sessions=sessions, initial={"started_on": date.today()}
    )
    if request.method == "POST" and form.is_valid():
        chosen = next((b for b in bookings if str(b.public_id) == form.cleaned_data["session"]), None)
        try:
            sent = services.report_side_effect(
                request,
                account,
                symptom_codes=form.cleaned_data["symptoms"],
                started_on=form.cleaned_data["started_on"],
                description=form.cleaned_data["description"],
                booking=chosen,
            )
        except services.PortalRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _page(request, "portal/reported.html", {"report": sent})
    if request.method != "POST":
        _viewed(request, "portal_side_effect_form")  # it lists the patient's sessions
    return _page(
        request,
        "portal/report.html",
        {"form": form, "urgent": [s for s in symptoms().values() if s.urgent]},
        status=400 if form.errors else 200,
    )


@patient_required
@require_safe
def photos(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    _viewed(request, "portal_photos")
    return _page(request, "portal/photos.html", {"photos": photos_for_patient(account.patient)})


@patient_required
@require_safe
def photo_image(request: HttpRequest, public_id: str, variant: str) -> HttpResponse:
    """One of the patient's own analysed photos (its copy without metadata) or its overlay; never the original."""
    account = _account(request)
    photo = records.photo(account, public_id)
    shown: Variant = "overlay" if variant == "overlay" else "photo"
    try:
        with open_image(photo, shown) as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    services.audit(request, account, AuditAction.VIEW, "skin_photo", photo.public_id, shown)
    response = HttpResponse(data, content_type=CONTENT_TYPES[shown])
    response.headers["Content-Disposition"] = "inline"
    return response


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """Add the appointments and preparation dates to the patient's own calendar: a file to open once, or a private
    address their calendar app follows. A new address is shown once (only its digest is kept); making one stops the
    previous address, and so does stopping it."""
    account = _account(request)
    address = ""
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            if revoke_feed(request, account.patient, actor_label=services.portal_actor(account)):
                messages.success(request, _("The calendar address no longer works."))
            return redirect("portal_calendar")
        token = issue_feed(request, account.patient, actor_label=services.portal_actor(account))
        address = public_link(reverse("patient_calendar_feed", args=[token]))
    else:
        _viewed(request, "portal_calendar")
    has_feed = PatientCalendarFeed.objects.filter(patient=account.patient, revoked_at__isnull=True).exists()
    return _page(request, "portal/calendar.html", {"address": address, "has_feed": has_feed})


@patient_required
@require_safe
def calendar_file(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    data = patient_calendar(account.patient)
    services.audit(request, account, AuditAction.PRINT, "portal_calendar", account.public_id, "calendar file")
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="appointments.ics"'
    return response


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = ReminderPreferenceForm.for_patient(account.patient, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save(request, account.patient, actor_label=services.portal_actor(account))
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("portal_reminders")
    if request.method == "GET":
        _viewed(request, "reminder_preference")
    has_email = bool(account.patient.email)
    return _page(
        request, "portal/reminders.html", {"form": form, "has_email": has_email}, status=400 if form.errors else 200
    )
