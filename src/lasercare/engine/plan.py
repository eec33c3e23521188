"""The treatment plan: what the engine returns, as frozen values that carry their own reasons and sources."""

from __future__ import annotations

from datetime import date

from .knowledge_model import Range, SideEffect, Source
from .values import Value


class PhototypeAssessment(Value):
    fitzpatrick: str
    basis: str  # clinician, questionnaire or photo
    label: str  # what to show: "IV", or "V-VI" when the questionnaire cannot tell V from VI
    questionnaire_score: int | None = None
    questionnaire_type: str | None = None
    ita_deg: float | None = None
    ita_category: str | None = None
    photo_estimate: str | None = None
    disagreement: str | None = None
    note: str = ""
    sources: tuple[str, ...] = ()


class RecognisedMedication(Value):
    """A medication of the intake as the lexicon read it (medicines.py)."""

    name: str  # as written in the intake
    matched: str | None  # the medicines recognised with certainty ("aspirin + clopidogrel"), or None
    classes: tuple[str, ...]  # of the recognised and the suggested medicines: the riskier reading
    current: bool
    stopped_on: date | None
    status: str = "recognised"  # recognised, uncertain (a likely misspelling) or unknown
    suggestion: str | None = None  # what an uncertain name probably is ("isotretinoin")
    route: str = "unspecified"  # topical, systemic or unspecified
    medicines: tuple[str, ...] = ()  # every medicine read, recognised and suggested


class RecognisedAllergy(Value):
    """An allergy of the intake as the lexicon read it."""

    name: str  # as written: "lidocaine (hives)"
    matched: str | None
    status: str  # recognised, uncertain or unknown
    suggestion: str | None
    allergy_classes: tuple[str, ...]  # local_anaesthetic, latex, adhesive, antiseptic, antiviral


class Finding(Value):
    code: str
    name: str
    severity: str
    applies_to: tuple[str, ...]  # modality codes, or ("all",)
    rationale: str
    sources: tuple[str, ...]
    evidence: str
    adjustments: tuple[str, ...] = ()
    because: str = ""  # what in the intake raised it
    wait_until: date | None = None
    patient_name: str = ""  # the patient voice of name, rationale and adjustments (knowledge_model)
    patient_rationale: str = ""
    patient_adjustments: tuple[str, ...] = ()


class ConcernCoverage(Value):
    concern: str
    benefit: str
    role: str
    evidence: str


class CostEstimate(Value):
    min: float
    max: float
    currency: str
    within_budget: bool | None


class TreatmentOption(Value):
    modality: str
    name: str
    suitability: str
    concerns: tuple[str, ...]
    coverage: tuple[ConcernCoverage, ...]
    sessions: Range
    interval_weeks: Range
    downtime_days: Range
    rationale: str
    decided_by: tuple[str, ...]  # coverage, evidence, phototype, downtime, sessions, ready_by, budget, findings
    sources: tuple[str, ...]
    risks: tuple[SideEffect, ...]
    wavelengths_nm: tuple[int, ...]
    eyewear_nm: tuple[int, ...]
    family: str
    score: float
    cost: CostEstimate | None = None
    patient_name: str = ""


class ProtocolStepPlan(Value):
    id: str
    text: str
    evidence: str
    sources: tuple[str, ...]
    days_before: int | None = None
    days_after: int | None = None  # aftercare: the day after the session it starts (0: the day itself)
    for_days: int | None = None  # aftercare lasting days: it applies on days `days_after` to `last_day_after`
    on: date | None = None  # for preparation, the date counted back from the first session
    patient_text: str = ""  # the patient voice of `text`, its placeholders filled the same way

    @property
    def last_day_after(self) -> int | None:
        """The last day after the session the step applies on (its first, for a step of one day)."""
        if self.days_after is None:
            return None
        return self.days_after + (self.for_days or 1) - 1


class Protocol(Value):
    preparation: tuple[ProtocolStepPlan, ...] = ()
    day_of: tuple[ProtocolStepPlan, ...] = ()
    aftercare: tuple[ProtocolStepPlan, ...] = ()


class ScheduledSession(Value):
    session: int
    earliest_on: date


class HoldBack(Value):
    """Something that delays the first session: a waiting period or a preparation step."""

    reason: str
    until: date


class Course(Value):
    modality: str
    sessions: int
    first_on: date
    last_on: date
    recovered_by: date
    held_back_by: tuple[HoldBack, ...]
    ready_by: date | None = None
    in_time: bool | None = None
    summary: str = ""


class TreatmentPlan(Value):
    knowledge_version: str
    policy_version: str
    consultation_on: date
    phototype: PhototypeAssessment
    findings: tuple[Finding, ...]
    eligible: bool
    why_not_eligible: tuple[str, ...]
    options: tuple[TreatmentOption, ...]
    protocol: Protocol
    schedule: tuple[ScheduledSession, ...]
    course: Course | None
    medications: tuple[RecognisedMedication, ...]
    allergies: tuple[RecognisedAllergy, ...]
    notes: tuple[str, ...]
    sources: tuple[Source, ...]  # every source the plan cites, in first-cited order
    patient_notes: tuple[str, ...] = ()  # the patient voice of `notes`, one for one

    @property
    def chosen(self) -> TreatmentOption | None:
        """The first option whose suitability is recommended or acceptable."""
        return next((o for o in self.options if o.suitability in ("recommended", "acceptable")), None)
