"""The plan's safety questions with their answers and flags: what holds a course's booking, answering a question,
carrying answers and flags to a newer plan, and the flags that adverse events raise.

The questions themselves are a pure function of the plan (safety_questions.py). Every write here locks the plan's
row, as booking does (scheduling/services.py), so an answer, a flag and a booking of the same plan queue one after
the other; and writes its audit entry, whose detail names the question by kind and an opaque reference, never the
medicine or condition it is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Action, Role
from lasercare.practice.consultations import safety_questions as sq
from lasercare.practice.consultations.models import (
    OPEN_STATUSES,
    FlagSource,
    PlanFlag,
    SafetyAnswer,
    TreatmentPlan,
)


class SafetyAnswerRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """The answer cannot be recorded (no note, not a clinician, no such open question); the message says why."""


def _event_flag(flag: PlanFlag) -> sq.EventFlag:
    return sq.EventFlag(reference=flag.reference, on=flag.event_on, what=flag.summary)


def questions_of(plan: TreatmentPlan, flags: Iterable[PlanFlag]) -> tuple[sq.SafetyQuestion, ...]:
    """The plan's questions for its chosen treatment, with an adverse-event question for each of `flags`."""
    modality = plan.chosen_modality or plan.engine_choice  # services.chosen_modality, which imports this module
    return sq.safety_questions(plan.document, modality, [_event_flag(f) for f in flags])


def _answered(answers: Iterable[SafetyAnswer]) -> set[tuple[str, str]]:
    return {(a.key, a.fingerprint) for a in answers}


def open_questions(plan: TreatmentPlan) -> list[sq.SafetyQuestion]:
    """The questions not settled yet: an answer with the same key and fingerprint settles a question; an adverse
    event's is settled when the event is reviewed (its flag cleared). One query for the flags, and one for the
    answers when the plan's document asks anything."""
    flags = list(PlanFlag.objects.filter(plan=plan, cleared_at__isnull=True))
    asked = questions_of(plan, flags)
    if not any(q.kind != sq.ADVERSE_EVENT for q in asked):
        return list(asked)
    answered = _answered(SafetyAnswer.objects.filter(plan=plan).only("key", "fingerprint"))
    return [q for q in asked if q.kind == sq.ADVERSE_EVENT or (q.key, q.fingerprint) not in answered]


def clinician_names(practice_id: int) -> list[str]:
    """Who may answer: the practice's active clinicians, by name."""
    clinicians = StaffUser.objects.filter(practice_id=practice_id, role=Role.CLINICIAN, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
    return [c.display_name for c in clinicians.only("username", "first_name", "last_name")]


@dataclass(frozen=True)
class Hold:
    """What holds a course's booking: the open questions, and the refusal that names each and who may settle it."""

    questions: tuple[sq.SafetyQuestion, ...]
    text: str

    def __bool__(self) -> bool:
        return bool(self.questions)


def hold(plan: TreatmentPlan) -> Hold:
    """Why the course cannot be booked yet, naming each open question and the clinicians who may settle it; false
    when nothing holds it. The booking services call this under the plan's row lock; the course page shows it."""
    waiting = tuple(open_questions(plan))
    if not waiting:
        return Hold((), "")
    assert plan.practice_id is not None
    return Hold(waiting, sq.hold_text(waiting, clinician_names(plan.practice_id)))


@dataclass(frozen=True)
class QuestionState:
    """A question as the plan page shows it: open, answered (here, or carried from the earlier plan) or, for an
    adverse event, reviewed; with the earlier plan's answer when the re-plan made it lapse."""

    question: sq.SafetyQuestion
    answer: SafetyAnswer | None = None
    flag: PlanFlag | None = None
    lapsed: SafetyAnswer | None = None

    @property
    def is_open(self) -> bool:
        if self.question.kind == sq.ADVERSE_EVENT:
            return self.flag is None or self.flag.cleared_at is None
        return self.answer is None

    @property
    def carried(self) -> bool:
        return self.answer is not None and self.answer.carried_from_id is not None


def states(plan: TreatmentPlan, *, has_flags: bool | None = None) -> list[QuestionState]:
    """Every question of the plan with its state, adverse events reviewed since included (they were asked).

    Reads only what can be there: the answers when the plan's document asks a question, the flags unless the
    caller knows there are none (`has_flags` False, from the plan page's own query). Most plans ask nothing."""
    asked = questions_of(plan, [])
    flags = list(PlanFlag.objects.filter(plan=plan).select_related("cleared_by")) if has_flags is not False else []
    by_reference = {f.reference: f for f in flags}
    by_question: dict[tuple[str, str], SafetyAnswer] = {}
    earlier: dict[str, SafetyAnswer] = {}
    if asked:
        for given in SafetyAnswer.objects.filter(plan=plan).select_related("answered_by"):
            by_question[(given.key, given.fingerprint)] = given
        if plan.supersedes_id is not None:
            for previous in SafetyAnswer.objects.filter(plan_id=plan.supersedes_id).select_related("answered_by"):
                earlier[previous.key] = previous
    found = []
    for question in questions_of(plan, flags):
        if question.kind == sq.ADVERSE_EVENT:
            found.append(QuestionState(question, flag=by_reference[question.key.split(":", 1)[1]]))
            continue
        answer = by_question.get((question.key, question.fingerprint))
        before = earlier.get(question.key)
        lapsed = (
            before if answer is None and before is not None and before.fingerprint != question.fingerprint else None
        )
        found.append(QuestionState(question, answer=answer, lapsed=lapsed))
    return found


def open_counts(plans: Sequence[TreatmentPlan], *, flags: Mapping[int, int] | None = None) -> dict[int, int]:
    """How many questions hold each plan's booking, for pages that list courses: at most two queries for all the
    plans. `flags`: the open flags of each plan by its id, when the caller knows them (then they are not read); the
    answers are read only when a plan's document asks something."""
    asked = {p.pk: questions_of(p, []) for p in plans}
    ids = [p.pk for p in plans]
    open_flags: dict[int, int] = dict(flags) if flags is not None else {}
    if flags is None and ids:
        for plan_id in PlanFlag.objects.filter(plan_id__in=ids, cleared_at__isnull=True).values_list(
            "plan_id", flat=True
        ):
            open_flags[plan_id] = open_flags.get(plan_id, 0) + 1
    answered: dict[int, set[tuple[str, str]]] = {}
    if any(asked.values()):
        rows = SafetyAnswer.objects.filter(plan_id__in=[i for i, q in asked.items() if q])
        for plan_id, key, print_ in rows.values_list("plan_id", "key", "fingerprint"):
            answered.setdefault(plan_id, set()).add((key, print_))
    return {
        plan.pk: open_flags.get(plan.pk, 0)
        + sum(1 for q in asked[plan.pk] if (q.key, q.fingerprint) not in answered.get(plan.pk, set()))
        for plan in plans
    }


@transaction.atomic
def answer_question(
    request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan, *, key: str, note: str
) -> SafetyAnswer:
    """A clinician settles one open question of the plan with a note; audited. An adverse event is settled by its
    review, not here."""
    if not user.may(Action.ANSWER_SAFETY_QUESTION):
        raise SafetyAnswerRefused("Only a clinician answers a safety question.")
    locked = TreatmentPlan.objects.select_for_update(of=("self",)).only("status", "practice_id").get(pk=plan.pk)
    if locked.practice_id != user.practice_id:
        raise SafetyAnswerRefused("This plan is not one of this practice's.")
    if locked.status not in OPEN_STATUSES:
        raise SafetyAnswerRefused(
            f"This plan is {locked.get_status_display().lower()}: answer the questions of the current plan."
        )
    note = note.strip()
    if not note:
        raise SafetyAnswerRefused("Write the note that documents the answer: it is shown on the plan.")
    question = next((q for q in open_questions(plan) if q.key == key), None)
    if question is None:
        raise SafetyAnswerRefused("That question is not open on this plan (answered already, or no longer asked).")
    if question.kind == sq.ADVERSE_EVENT:
        raise SafetyAnswerRefused("An adverse event is settled by its review, on the plan's charts page.")
    answer = SafetyAnswer.objects.create(
        plan=plan,
        key=question.key,
        kind=question.kind,
        fingerprint=question.fingerprint,
        note=note,
        answered_by=user,
        answered_at=timezone.now(),
    )
    record(
        request,
        AuditAction.UPDATE,
        "plan",
        plan.public_id,
        patient_ref=plan.patient.public_id,
        actor=user,
        detail=f"safety question answered: {question.kind} {question.ref}",
    )
    return answer


def _any_treatment_questions(plan: TreatmentPlan) -> dict[str, set[str]]:
    """The fingerprints each key has on the plan for any of its options: an answer about a finding is carried
    even while the new plan's choice is another treatment, for the clinician may choose the same one again."""
    prints: dict[str, set[str]] = {}
    modalities = [o["modality"] for o in plan.document.get("options", [])] or [None]
    for modality in modalities:
        for question in sq.safety_questions(plan.document, modality):
            prints.setdefault(question.key, set()).add(question.fingerprint)
    return prints


def carry_over(request: HttpRequest | None, user: StaffUser, old: TreatmentPlan | None, new: TreatmentPlan) -> None:
    """When `new` supersedes `old`: each answer of `old` whose question is unchanged on `new` is carried (a new row
    naming the one it came from); one whose question changed lapses, and the new plan shows it. Every flag still
    open on the patient's plans is raised on `new`. Runs inside the superseding transaction."""
    patient_ref = new.patient.public_id
    if old is not None:
        prints = _any_treatment_questions(new)
        for answer in SafetyAnswer.objects.filter(plan=old).order_by("recorded_at", "pk"):
            now_asked = prints.get(answer.key)
            if now_asked is None:
                continue  # the question is no longer asked: nothing to carry, nothing to lapse
            ref = sq.question_ref(answer.key)
            if answer.fingerprint in now_asked:
                SafetyAnswer.objects.create(
                    plan=new,
                    key=answer.key,
                    kind=answer.kind,
                    fingerprint=answer.fingerprint,
                    note=answer.note,
                    answered_by_id=answer.answered_by_id,
                    answered_at=answer.answered_at,
                    carried_from=answer,
                )
                detail = f"safety answer carried from the earlier plan: {answer.kind} {ref}"
            else:
                detail = f"safety answer lapsed, the re-plan changed what it answered: {answer.kind} {ref}"
            record(
                request, AuditAction.UPDATE, "plan", new.public_id, patient_ref=patient_ref, actor=user, detail=detail
            )
    carried: set[str] = set()
    for flag in PlanFlag.objects.filter(plan__patient_id=new.patient_id, cleared_at__isnull=True).exclude(plan=new):
        if flag.reference in carried:
            continue
        carried.add(flag.reference)
        PlanFlag.objects.create(
            plan=new,
            source=flag.source,
            reference=flag.reference,
            event_on=flag.event_on,
            summary=flag.summary,
            raised_at=flag.raised_at,
        )
        record(
            request,
            AuditAction.UPDATE,
            "plan",
            new.public_id,
            patient_ref=patient_ref,
            actor=user,
            detail=f"safety hold carried from the earlier plan: {flag.source} {flag.reference}",
        )


def raise_event_flag(
    request: HttpRequest | None, user: StaffUser, plan: TreatmentPlan, *, reference: str, on: date, what: str
) -> PlanFlag:
    """An adverse event of `plan` holds the booking of the patient's current plan (the event's own plan when the
    patient has no open one) until its review. Call inside the transaction that records the event."""
    current = (
        TreatmentPlan.objects.select_for_update(of=("self",))
        .filter(patient_id=plan.patient_id, status__in=OPEN_STATUSES)
        .only("public_id", "patient_id")
        .order_by("-created_at", "-pk")
        .first()
    )
    target = current or plan
    flag, _ = PlanFlag.objects.get_or_create(
        plan_id=target.pk,
        source=FlagSource.ADVERSE_EVENT,
        reference=reference,
        defaults={"event_on": on, "summary": what[:100], "raised_at": timezone.now()},
    )
    record(
        request,
        AuditAction.UPDATE,
        "plan",
        target.public_id,
        patient_ref=plan.patient.public_id,
        actor=user,
        detail=f"safety hold raised: adverse_event {reference}",
    )
    return flag


def clear_event_flags(request: HttpRequest | None, user: StaffUser, *, reference: str) -> int:
    """The event's review clears its flag on every plan that carries it. Call inside the review's transaction."""
    flags = list(PlanFlag.objects.select_for_update().filter(reference=reference, cleared_at__isnull=True))
    now = timezone.now()
    for flag in flags:
        flag.cleared_at = now
        flag.cleared_by = user
        flag.save(update_fields=["cleared_at", "cleared_by"])
    if flags:
        plans = TreatmentPlan.objects.filter(pk__in=[f.plan_id for f in flags]).select_related("patient")
        for plan in plans.only("public_id", "patient__public_id"):
            record(
                request,
                AuditAction.UPDATE,
                "plan",
                plan.public_id,
                patient_ref=plan.patient.public_id,
                actor=user,
                detail=f"safety hold cleared by the review: adverse_event {reference}",
            )
    return len(flags)
