"""Consultation requests in the demo practice, as members of the public sent them from the self-assessment.

Each is assessed by the real engine from made-up answers, so the front desk's worklist shows what a real one would.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import Practice
from lasercare.practice.selfassessment.assessment import assess
from lasercare.practice.selfassessment.models import ConsultationRequest, RequestStatus
from lasercare.practice.selfassessment.services import ACTOR_LABEL, CONSENT_VERSION


def _answers(questionnaire: tuple[int, ...], **more: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {f"q{n}": score for n, score in enumerate(questionnaire, start=1)}
    answers.update({"pregnancy": "no", "isotretinoin": "never", "cold_sores": "no", "keloids": "no"})
    answers.update(more)
    return answers


def _people(today: date) -> list[dict[str, Any]]:
    return [
        {
            "name": "Isla Penrose",
            "phone": "+44 7700 900301",
            "contact_by": "phone",
            "preferred_times": "weekday mornings",
            "status": RequestStatus.NEW,
            "answers": _answers(
                (1, 1, 2, 2, 2, 2, 1, 2, 1, 2),
                age=47,
                sex="female",
                concerns=["sun_spots", "fine_lines"],
                max_downtime_days=3,
                cold_sores="yes",
            ),
        },
        {
            "name": "Tomasz Wierzbicki",
            "email": "tomasz.w@example.org",
            "contact_by": "email",
            "preferred_times": "after 5 pm",
            "message": "I have a wedding in spring.",
            "status": RequestStatus.CONTACTED,
            "answers": _answers(
                (3, 3, 3, 3, 3, 3, 2, 3, 2, 3),
                age=38,
                sex="male",
                concerns=["acne_scars"],
                ready_by=(today + timedelta(days=150)).isoformat(),
                medications=["Doxycycline 100 mg"],
            ),
        },
    ]


def send_demo_requests(practice: Practice) -> list[ConsultationRequest]:
    today = timezone.localdate()
    sent = []
    for person in _people(today):
        answers = person.pop("answers")
        result = assess(answers, practice, today)
        request = ConsultationRequest.objects.create(
            practice=practice,
            answers=answers,
            result=result.summary,
            consent_version=CONSENT_VERSION,
            consented_at=timezone.now(),
            **person,
        )
        record(
            None,
            AuditAction.CREATE,
            "consultation_request",
            request.public_id,
            practice_id=practice.pk,
            actor_label=ACTOR_LABEL,
            detail="demo request",
        )
        sent.append(request)
    return sent
