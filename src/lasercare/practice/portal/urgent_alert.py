"""Telling the practice at once of an urgent side-effect report: an e-mail to the clinical address it sets.

The report itself waits on the clinicians' worklist, urgent first; this e-mail is for the hours nobody opens the
dashboard. It carries no name and no symptom, only the practice's own name, the time and a link to the report in
the app (behind the staff log-in): a mailbox is not the place for clinical detail. Sent by a background job
(tasks.py), queued when the report's transaction commits, as the reminders are.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.portal.models import SideEffectReport
from lasercare.web.public import public_link


def compose(report: SideEffectReport) -> EmailMessage | None:
    """The e-mail to the practice's clinical address, or None when it has set none."""
    address = report.practice.clinical_email.strip()
    if not address:
        return None
    when = timezone.localtime(report.created_at)
    link = public_link(reverse("side_effect_report", args=[report.public_id]))
    # Staff-facing, in the practice's working language (the staff pages are not translated).
    body = (
        f"A patient reported a symptom that {report.practice.name} lists as urgent, in the patient portal at "
        f"{when:%H:%M} on {when:%d %b %Y}.\n\n"
        "The portal told the patient to call the practice now. Please check that someone has spoken to them.\n\n"
        f"Open the report (staff log-in):\n{link}\n\n"
        "No patient details are in this e-mail: they are in the report.\n"
    )
    return EmailMessage(subject=f"Urgent side-effect report · {report.practice.name}", body=body, to=[address])


def send(report_id: int) -> str:
    """E-mails the practice about one urgent report; what became of it ("sent", "no clinical address", ...)."""
    report = SideEffectReport.objects.select_related("practice", "patient").filter(pk=report_id).first()
    if report is None or not report.urgent:
        return "not urgent"
    message = compose(report)
    if message is None:
        outcome = "no clinical address"
    else:
        # A failure raises: the job's backend records it (and retries it where the backend does).
        message.send(fail_silently=False)
        outcome = "sent"
    record(
        None,
        AuditAction.CREATE,
        "urgent_report_alert",
        report.public_id,
        patient_ref=report.patient.public_id,
        practice_id=report.practice_id,
        actor_label="urgent report alert",
        detail="e-mailed to the clinical address" if outcome == "sent" else "not e-mailed: no clinical address set",
    )
    return outcome
