"""What changes portal records: invitations, sign-in, and what the patient sends the practice. Each writes and
audits in one transaction; a refusal says why in words the reader can act on."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import client_address, record
from lasercare.practice.clinic import plausible, throttle
from lasercare.practice.clinic.contact import contact_for
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal import mail
from lasercare.practice.portal.models import (
    ASKED_WISHES,
    ChangeRequest,
    ChecklistTick,
    PatientAccount,
    PortalToken,
    RequestStatus,
    SideEffectReport,
)
from lasercare.practice.portal.passwords import password_problems
from lasercare.practice.portal.side_effects import any_urgent, symptoms
from lasercare.practice.portal.tasks import tell_practice_of_urgent_report
from lasercare.practice.scheduling.models import Booking, BookingStatus
from lasercare.web.languages import language_of
from lasercare.web.public import public_link

PORTAL = "patient portal"


class PortalRefused(Exception):  # noqa: N818 - a refusal the reader acts on, not a fault
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_actor(account: PatientAccount) -> str:
    """How the audit log names a patient acting in the portal: by role and opaque id, never by name."""
    return f"{PORTAL} {str(account.public_id)[:8]}"


def audit(
    request: HttpRequest | None,
    account: PatientAccount,
    action: AuditAction,
    kind: str,
    record_id: object,
    detail: str = "",
) -> None:
    record(
        request,
        action,
        kind,
        record_id,
        patient_ref=account.patient.public_id,
        practice_id=account.practice_id,
        actor_label=portal_actor(account),
        detail=detail,
    )


def _new_token(account: PatientAccount, purpose: str, lifetime: timedelta, by: StaffUser | None) -> str:
    token = secrets.token_urlsafe(32)
    PortalToken.objects.create(
        account=account,
        purpose=purpose,
        token_sha256=_digest(token),
        created_by=by,
        expires_at=timezone.now() + lifetime,
    )
    return token


def masked_email(address: str) -> str:
    """ "j…@example.org": enough for staff to recognise the address on a shared screen."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


# --- invitations and access, by staff ----------------------------------------------------------------------------


@transaction.atomic
def invite(request: HttpRequest, staff: StaffUser, patient: Patient) -> PatientAccount:
    """Sends the patient a single-use link, valid for PORTAL_INVITATION_DAYS, to set a password. An earlier unused
    invitation stops working. The account is the patient's e-mail address as recorded now."""
    email = patient.email.strip().lower()
    if not email:
        raise PortalRefused(_("Record the patient's e-mail address first: the invitation is sent there."))
    account = PatientAccount.objects.select_for_update().filter(patient=patient).first()
    taken = PatientAccount.objects.filter(email=email).exclude(patient=patient).exists()
    if taken:
        raise PortalRefused(
            _("Another patient's portal account uses this e-mail address: each patient needs their own address.")
        )
    if account is None:
        account = PatientAccount.objects.create(practice_id=patient.practice_id, patient=patient, email=email)
    else:
        account.email = email
        account.is_active = True
        account.save(update_fields=["email", "is_active"])
    PortalToken.objects.filter(account=account, used_at=None, revoked_at=None).update(revoked_at=timezone.now())
    lifetime = timedelta(days=settings.PORTAL_INVITATION_DAYS)
    token = _new_token(account, PortalToken.Purpose.INVITATION, lifetime, staff)
    link = public_link(reverse("portal_invitation", args=[token]))
    mail.send(
        "invitation",
        email,
        language_of(patient),
        {
            "practice_name": patient.practice.name,
            "contact": contact_for(patient.practice),
            "link": link,
            "expires_on": timezone.localdate() + lifetime,
        },
    )
    record(request, AuditAction.CREATE, "portal_invitation", account.public_id, patient_ref=patient.public_id)
    return account


@transaction.atomic
def close_access(request: HttpRequest, staff: StaffUser, account: PatientAccount) -> None:
    """The patient can no longer sign in; their records and what they sent stay. A new invitation reopens it."""
    account.is_active = False
    account.save(update_fields=["is_active"])
    PortalToken.objects.filter(account=account, used_at=None, revoked_at=None).update(revoked_at=timezone.now())
    record(
        request,
        AuditAction.UPDATE,
        "portal_account",
        account.public_id,
        patient_ref=account.patient.public_id,
        detail="access closed",
    )


# --- signing in, by the patient ----------------------------------------------------------------------------------


def valid_token(token: str, purpose: str) -> PortalToken | None:
    """The unused, unexpired, unrevoked token of an active account, or None."""
    if not token or len(token) > 100:
        return None
    return (
        PortalToken.objects.select_related("account__patient", "account__practice")
        .filter(
            token_sha256=_digest(token),
            purpose=purpose,
            used_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
            account__is_active=True,
        )
        .first()
    )


def _check_new_password(account: PatientAccount, password: str) -> None:
    """The policy holds in the service too, whatever calls it (the form checks first and shows each problem)."""
    problems = password_problems(account, password)
    if problems:
        raise PortalRefused(" ".join(problems))


@transaction.atomic
def accept_invitation(request: HttpRequest, token: str, password: str) -> PatientAccount:
    found = valid_token(token, PortalToken.Purpose.INVITATION)
    if found is None:
        raise PortalRefused(_("This invitation link has expired or was used already: ask the practice for a new one."))
    claimed = PortalToken.objects.filter(pk=found.pk, used_at=None).update(used_at=timezone.now())
    if not claimed:  # two tabs submitting at once: only one uses the link
        raise PortalRefused(_("This invitation link has expired or was used already: ask the practice for a new one."))
    account = found.account
    _check_new_password(account, password)
    account.set_password(password)
    account.activated_at = account.activated_at or timezone.now()
    account.save(update_fields=["password", "activated_at"])
    audit(request, account, AuditAction.UPDATE, "portal_account", account.public_id, "password set by invitation")
    return account


def password_sign_in(request: HttpRequest, email: str, password: str) -> PatientAccount:
    """The account for this address and password. Too many failures lock the address and the account for a while,
    whatever the password, as staff log-ins are."""
    address = client_address(request)
    email = email.strip().lower()
    wait = throttle.wait_before_trying(f"portal:{email}", address)
    if wait:
        raise PortalRefused(
            _("Too many attempts. Try again in %(wait)s, or ask for a sign-in link by e-mail.")
            % {"wait": wait.in_words()}
        )
    account = PatientAccount.objects.select_related("patient", "practice").filter(email=email, is_active=True).first()
    if account is None or not account.check_password(password):
        throttle.note_failure(f"portal:{email}", address)
        if account is not None:
            audit(request, account, AuditAction.LOGIN_FAILED, "portal_account", account.public_id)
        raise PortalRefused(_("That e-mail address and password do not match an account. Check both and try again."))
    throttle.note_success(f"portal:{email}", address)
    audit(request, account, AuditAction.LOGIN, "portal_account", account.public_id, "password")
    return account


@transaction.atomic
def send_sign_in_link(request: HttpRequest, email: str) -> None:
    """E-mails a single-use sign-in link when the address belongs to an account that has been set up. The page
    says the same whether or not it does, so it tells nobody who is a patient here.

    The link and its audit entry commit together: should the entry fail, the link e-mailed already opens nothing."""
    address = client_address(request)
    email = email.strip().lower()
    if throttle.wait_before_trying(f"portal-link:{email}", address):
        return
    throttle.note_failure(f"portal-link:{email}", address)  # counts requests: a flood of links is refused too
    account = (
        PatientAccount.objects.select_related("patient", "practice")
        .filter(email=email, is_active=True, activated_at__isnull=False)
        .first()
    )
    if account is None:
        return
    minutes = settings.PORTAL_SIGN_IN_LINK_MINUTES
    token = _new_token(account, PortalToken.Purpose.SIGN_IN, timedelta(minutes=minutes), None)
    link = public_link(reverse("portal_sign_in_link", args=[token]))
    mail.send(
        "sign_in_link",
        account.email,
        language_of(account.patient),
        {
            "practice_name": account.practice.name,
            "contact": contact_for(account.practice),
            "link": link,
            "minutes": minutes,
        },
    )
    audit(request, account, AuditAction.CREATE, "portal_sign_in_link", account.public_id)


@transaction.atomic
def use_sign_in_link(request: HttpRequest, token: str) -> PatientAccount:
    found = valid_token(token, PortalToken.Purpose.SIGN_IN)
    if found is None or not PortalToken.objects.filter(pk=found.pk, used_at=None).update(used_at=timezone.now()):
        raise PortalRefused(_("This sign-in link has expired or was used already: ask for a new one below."))
    audit(request, found.account, AuditAction.LOGIN, "portal_account", found.account.public_id, "e-mailed link")
    return found.account


@transaction.atomic
def change_password(request: HttpRequest, account: PatientAccount, current: str, new: str) -> None:
    if not account.check_password(current):
        raise PortalRefused(_("Your current password is not right."))
    _check_new_password(account, new)
    account.set_password(new)
    account.save(update_fields=["password"])
    audit(request, account, AuditAction.UPDATE, "portal_account", account.public_id, "password changed")


# --- what the patient sends the practice -------------------------------------------------------------------------


@transaction.atomic
def tick(
    request: HttpRequest, account: PatientAccount, plan: TreatmentPlan, session: int, step_key: str, done: bool
) -> None:
    ticks = ChecklistTick.objects.filter(account=account, plan=plan, session=session, step_key=step_key)
    if done:
        try:
            with transaction.atomic():
                ChecklistTick.objects.create(account=account, plan=plan, session=session, step_key=step_key)
        except IntegrityError:
            return  # ticked already, in another tab
    else:
        ticks.delete()
    audit(request, account, AuditAction.UPDATE, "portal_checklist", plan.public_id, "ticked" if done else "unticked")


@transaction.atomic
def request_change(
    request: HttpRequest, account: PatientAccount, booking: Booking, *, wish: str, preferred_times: str, message: str
) -> ChangeRequest:
    if booking.patient_id != account.patient_id:
        raise PortalRefused(_("This appointment is not yours."))
    if booking.status != BookingStatus.BOOKED or booking.starts_at <= timezone.now():
        raise PortalRefused(_("Only an appointment still to come can be changed here: call the practice."))
    if ChangeRequest.objects.filter(booking=booking, status=RequestStatus.OPEN, wish__in=ASKED_WISHES).exists():
        raise PortalRefused(
            _("You have asked to change this appointment already; the practice will be in touch about it.")
        )
    change = ChangeRequest.objects.create(
        practice_id=account.practice_id,
        patient_id=account.patient_id,
        booking=booking,
        wish=wish,
        preferred_times=preferred_times.strip(),
        message=message.strip(),
    )
    audit(request, account, AuditAction.CREATE, "change_request", change.public_id)
    return change


@transaction.atomic
def ask_about_consent(request: HttpRequest, account: PatientAccount, consent: Consent, question: str) -> ChangeRequest:
    """The patient's question before signing: it waits on the practice's worklist with the appointment changes, and
    the consent stays unsigned (signing it is the patient's own step, once the question is answered)."""
    if consent.patient_id != account.patient_id:
        raise PortalRefused(_("This consent is not yours."))
    if consent.status != ConsentStatus.DRAFT:
        raise PortalRefused(_("This consent is signed already. Call the practice with any question about it."))
    asked = ChangeRequest.objects.create(
        practice_id=account.practice_id,
        patient_id=account.patient_id,
        consent=consent,
        wish=ChangeRequest.Wish.QUESTION,
        message=question.strip(),
    )
    # The question's words stay in its record, never in the audit detail.
    audit(request, account, AuditAction.CREATE, "change_request", asked.public_id, "question about a consent")
    return asked


@transaction.atomic
def report_side_effect(
    request: HttpRequest,
    account: PatientAccount,
    *,
    symptom_codes: list[str],
    started_on: date,
    description: str,
    booking: Booking | None,
) -> SideEffectReport:
    known = symptoms()
    unknown = [code for code in symptom_codes if code not in known]
    if unknown or not symptom_codes:
        raise PortalRefused(_("Choose at least one symptom from the list."))
    if booking is not None and booking.patient_id != account.patient_id:
        raise PortalRefused(_("This appointment is not yours."))
    if started_on > timezone.localdate():
        raise PortalRefused(_("The day it started cannot be in the future."))
    # Year 1 is a slip of the keyboard: a side effect reported here started within the practice's records
    # (clinic/plausible.py), and after the appointment it follows.
    if started_on < timezone.localdate() - timedelta(days=plausible.BOOKING_BEHIND_DAYS):
        raise PortalRefused(_("Give a day in the last two years."))
    if booking is not None and started_on < timezone.localdate(booking.starts_at):
        raise PortalRefused(_("The day it started cannot be before that appointment."))
    report = SideEffectReport.objects.create(
        practice_id=account.practice_id,
        patient_id=account.patient_id,
        plan_id=booking.plan_id if booking is not None else None,
        booking=booking,
        symptoms=symptom_codes,
        urgent=any_urgent(symptom_codes),
        started_on=started_on,
        description=description.strip(),
    )
    audit(
        request,
        account,
        AuditAction.CREATE,
        "side_effect_report",
        report.public_id,
        "urgent symptom" if report.urgent else "",
    )
    if report.urgent:
        # The practice is told at once, by e-mail to its clinical address, once the report is stored.
        transaction.on_commit(functools.partial(tell_practice_of_urgent_report.enqueue, report.pk))
    return report


# --- handled by staff --------------------------------------------------------------------------------------------


@transaction.atomic
def mark_change_handled(request: HttpRequest, staff: StaffUser, change: ChangeRequest, note: str) -> bool:
    """Whether this marked it handled: a request someone else handled first keeps their name and note."""
    change = ChangeRequest.objects.select_for_update().select_related("patient").get(pk=change.pk)
    if change.status != RequestStatus.OPEN:
        return False
    change.status = RequestStatus.HANDLED
    change.handled_by = staff
    change.handled_at = timezone.now()
    change.handled_note = note.strip()
    change.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
    record(
        request,
        AuditAction.UPDATE,
        "change_request",
        change.public_id,
        patient_ref=change.patient.public_id,
        detail="handled",
    )
    return True


@transaction.atomic
def mark_report_reviewed(request: HttpRequest, staff: StaffUser, report: SideEffectReport, note: str) -> bool:
    """Whether this marked it reviewed: a report someone else reviewed first keeps their name and note."""
    report = SideEffectReport.objects.select_for_update().select_related("patient").get(pk=report.pk)
    if report.status != RequestStatus.OPEN:
        return False
    report.status = RequestStatus.HANDLED
    report.reviewed_by = staff
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record(
        request,
        AuditAction.UPDATE,
        "side_effect_report",
        report.public_id,
        patient_ref=report.patient.public_id,
        detail="reviewed",
    )
    return True
