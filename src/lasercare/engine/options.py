"""Ranking the treatment options: every modality that addresses at least one of the patient's concerns.

An option's suitability starts at `recommended` and each factor can only lower it (a cap): the phototype
fit, an indication that is only an adjunct, the findings, and the patient's downtime, session, date and budget
limits. Options are then ordered by suitability, and within one suitability by how well they cover the
concerns (benefit up to what the concern's severity needs, weighted by the evidence level), then by the
pigmentary risk where the patient's is raised, then by less downtime, fewer sessions, and the knowledge order.
"""

from __future__ import annotations

from datetime import date, timedelta

from .codes import PHOTOTYPES, SUITABILITIES
from .intake import Intake
from .knowledge_model import CitedRange, Knowledge, Modality, Range
from .plan import ConcernCoverage, CostEstimate, PhototypeAssessment, TreatmentOption
from .protocols import Circumstances, preparation_hold
from .screening import Screening
from .values import Value

# Ranking weights: lasercare's method, documented in docs/clinical-knowledge.md, not clinical facts.
BENEFIT_POINTS = {"strong": 3, "moderate": 2, "modest": 1}
EVIDENCE_WEIGHT = {"S": 1.0, "W": 0.75, "P": 0.5}
PIGMENTARY_RISK_PENALTY = {"low": 0.0, "moderate": 0.5, "high": 1.0}
# Findings that mean a patient's pigmentary risk is raised, so a modality's own pigmentary risk counts.
PIGMENTARY_FINDINGS = frozenset({"pih_risk", "melasma_risk", "recent_tan"})

_RANK = {suitability: rank for rank, suitability in enumerate(SUITABILITIES)}
_FIT_RANK = {"suitable": 0, "caution": 1, "avoid": 2}
_FIT_CAP = {"suitable": "recommended", "caution": "acceptable", "avoid": "not_advised"}


class Timing(Value):
    """When an option's course could start and end, for ranking against the patient's date."""

    first_on: date
    last_on: date
    recovered_by: date
    held_back_by: tuple[tuple[str, date], ...]


def phototypes_to_respect(phototype: PhototypeAssessment) -> tuple[str, ...]:
    """The types whose fit must hold: both V and VI when the questionnaire cannot tell them apart."""
    if "-" in phototype.label:
        low, high = phototype.label.split("-", 1)
        return PHOTOTYPES[PHOTOTYPES.index(low) : PHOTOTYPES.index(high) + 1]
    return (phototype.fitzpatrick,)


class CourseRanges(Value):
    sessions: Range
    interval_weeks: Range
    downtime_days: Range


def course_ranges(modality: Modality, concerns: tuple[str, ...]) -> CourseRanges:
    """Sessions, interval and downtime of a course for these concerns: a concern's own range where the
    knowledge gives one (one or two sessions for lentigines, more for scars), the modality's usual one
    otherwise, and for several concerns the range that serves them all."""
    picked = [modality.indications[c] for c in concerns]
    if not any(i.sessions or i.interval_weeks or i.downtime_days for i in picked):
        return CourseRanges(modality.sessions.range, modality.interval_weeks.range, modality.downtime_days.range)

    def spanning(own: list[CitedRange | None], usual: CitedRange) -> Range:
        ranges = [(r or usual).range for r in own] or [usual.range]
        return Range(max(r.min for r in ranges), max(r.max for r in ranges))

    return CourseRanges(
        sessions=spanning([i.sessions for i in picked], modality.sessions),
        interval_weeks=spanning([i.interval_weeks for i in picked], modality.interval_weeks),
        downtime_days=spanning([i.downtime_days for i in picked], modality.downtime_days),
    )


def option_timing(
    modality: Modality,
    on: date,
    screening: Screening,
    who: Circumstances,
    knowledge: Knowledge,
    sessions: int,
    ranges: CourseRanges,
) -> Timing:
    held: list[tuple[str, date]] = []
    for effect in screening.effects[modality.code]:
        if effect.waits_until is not None and effect.waits_until > on:
            held.append((effect.finding, effect.waits_until))
    ready, step = preparation_hold(modality, who, knowledge, on)
    if step:
        held.append((step, ready))
    first = max([on, *(until for _, until in held)])
    gap = timedelta(weeks=ranges.interval_weeks.min)
    last = first + gap * (sessions - 1)
    recovered = last + timedelta(days=int(ranges.downtime_days.max + 0.999))
    return Timing(first, last, recovered, tuple(held))


def planned_sessions(sessions: Range) -> int:
    """The course starts with the fewest sessions the evidence supports; the clinician may add more."""
    return max(1, int(sessions.min + 0.999))


class _Assessment:
    """Collects caps and reasons for one option; suitability only ever moves down."""

    def __init__(self) -> None:
        self.suitability = "recommended"
        self.reasons: list[str] = []
        self.decided_by: list[str] = []
        self.goal_caps: list[str] = []

    def cap(self, suitability: str, factor: str, reason: str) -> None:
        if _RANK[suitability] > _RANK[self.suitability]:
            self.suitability = suitability
        if suitability != "recommended" and factor not in self.decided_by:
            self.decided_by.append(factor)
        self.reasons.append(reason)


def _cost(modality: Modality, sessions: Range, intake: Intake, knowledge: Knowledge) -> CostEstimate | None:
    price = knowledge.policy.prices.get(modality.code)
    if price is None:
        return None
    budget = intake.goals.budget
    same_currency = intake.goals.currency in (None, price.currency)
    low = price.per_session * planned_sessions(sessions)
    high = price.per_session * max(planned_sessions(sessions), int(sessions.max + 0.999))
    within = None if budget is None or not same_currency else low <= budget
    return CostEstimate(min=low, max=high, currency=price.currency, within_budget=within)


def assess_option(
    modality: Modality,
    intake: Intake,
    on: date,
    phototype: PhototypeAssessment,
    screening: Screening,
    who: Circumstances,
    knowledge: Knowledge,
) -> tuple[TreatmentOption, tuple[str, ...]] | None:
    """The option for `modality`, with the goal limits that alone ruled it out, or None if it treats nothing."""
    severities = {c.code: c.severity for c in intake.concerns}
    indications = modality.indications
    covered = [indications[c] for c in severities if c in indications]
    if not covered:
        return None
    result = _Assessment()

    coverage_score = 0.0
    for indication in covered:
        points = min(BENEFIT_POINTS[indication.benefit], severities[indication.concern])
        coverage_score += points * EVIDENCE_WEIGHT[indication.evidence.level]
    missing = [c.replace("_", " ") for c in severities if c not in indications]
    text = "Treats " + ", ".join(i.description for i in covered)
    if missing:
        text += "; does not treat " + ", ".join(missing)
    result.reasons.append(text + ".")
    for concern, note in knowledge.notes.items():
        if concern in modality.indications and concern in severities:
            result.reasons.append(note)
    if all(i.role == "adjunct" for i in covered):
        names = ", ".join(i.concern.replace("_", " ") for i in covered)
        result.cap("acceptable", "evidence", f"Only an adjunct for {names}, not a first-line treatment.")

    worst_type, worst = phototype.fitzpatrick, modality.phototype_fit[phototype.fitzpatrick]
    if phototype.label != phototype.fitzpatrick:
        fits = [(t, modality.phototype_fit[t]) for t in phototypes_to_respect(phototype)]
        worst_type, worst = max(fits, key=lambda tf: _FIT_RANK[tf[1].fit])
    result.cap(_FIT_CAP[worst.fit], "phototype", f"Phototype {worst_type}{worst.description}")

    for effect in screening.effects[modality.code]:
        if effect.severity == "absolute":
            result.cap("contraindicated", "findings", f"Contraindicated: {effect.finding} (absolute).")
        elif effect.severity == "relative":
            result.cap(
                effect.cap,
                "findings",
                f"{effect.finding} (relative): only with a clinician's documented sign-off and its adjustments.",
            )
        elif effect.cap != "recommended":
            result.cap(effect.cap, "findings", f"{effect.finding} (precaution) limits this option.")

    goals = intake.goals
    ranges = course_ranges(modality, tuple(i.concern for i in covered))
    sessions, interval, downtime = ranges
    if goals.max_downtime_days is not None:
        if downtime.min > goals.max_downtime_days:
            reason = f"Downtime {downtime} days exceeds your limit of {goals.max_downtime_days}."
            result.cap("not_advised", "downtime", reason)
            result.goal_caps.append(reason)
        elif downtime.max > goals.max_downtime_days:
            result.cap(
                "acceptable",
                "downtime",
                f"Downtime {downtime} days may exceed your limit of {goals.max_downtime_days}.",
            )
    if goals.max_sessions is not None and sessions.min > goals.max_sessions:
        reason = f"Needs at least {sessions.min:g} sessions; you want at most {goals.max_sessions}."
        result.cap("not_advised", "sessions", reason)
        result.goal_caps.append(reason)

    # The date matters for the options still on the table; not advised or contraindicated ones need no timing.
    if goals.ready_by is not None and _RANK[result.suitability] <= _RANK["acceptable"]:
        timing = option_timing(modality, on, screening, who, knowledge, planned_sessions(sessions), ranges)
        if timing.recovered_by > goals.ready_by:
            result.cap(
                "acceptable",
                "ready_by",
                f"The course and its recovery end about {timing.recovered_by.isoformat()}, after your date "
                f"{goals.ready_by.isoformat()}.",
            )

    cost = _cost(modality, sessions, intake, knowledge)
    if cost is not None and cost.within_budget is False:
        result.cap("acceptable", "budget", f"Costs from {cost.min:,.0f} {cost.currency}, above your budget.")

    if not result.decided_by:
        result.decided_by.extend(("coverage", "evidence"))
    risk_penalty = PIGMENTARY_RISK_PENALTY[modality.pigmentary_risk] if screening.codes & PIGMENTARY_FINDINGS else 0.0
    if risk_penalty:
        result.reasons.append(
            f"Pigmentary risk of this modality: {modality.pigmentary_risk} "
            f"({modality.pigmentary_risk_evidence.note or 'see its risks'})."
        )
    return TreatmentOption(
        modality=modality.code,
        name=modality.name,
        suitability=result.suitability,
        concerns=tuple(i.concern for i in covered),
        coverage=tuple(ConcernCoverage(i.concern, i.benefit, i.role, i.evidence.level) for i in covered),
        sessions=sessions,
        interval_weeks=interval,
        downtime_days=downtime,
        rationale=" ".join(result.reasons),
        decided_by=tuple(result.decided_by),
        sources=modality.sources,
        risks=modality.side_effects,
        wavelengths_nm=modality.wavelengths_nm,
        eyewear_nm=modality.eyewear_nm,
        family=modality.family,
        score=round(coverage_score - risk_penalty, 3),
        cost=cost,
        patient_name=modality.patient_name,
    ), tuple(result.goal_caps)


def order_key(option: TreatmentOption, position: int) -> tuple[int, float, float, float, int]:
    return (
        SUITABILITIES.index(option.suitability),
        -option.score,
        option.downtime_days.max,
        option.sessions.min,
        position,
    )


_TIE_BREAKS = (
    "which treats the concerns better (benefit, evidence and pigmentary risk)",
    "which has less downtime",
    "which needs fewer sessions",
    "which comes first in the knowledge base (nothing else told them apart)",
)


def explain_order(options: list[TreatmentOption], positions: dict[str, int]) -> list[TreatmentOption]:
    """Add to each option's rationale what placed it below the option ranked just above it."""
    explained: list[TreatmentOption] = []
    for index, option in enumerate(options):
        if index == 0:
            sentence = "Ranked first."
        else:
            above = options[index - 1]
            mine, theirs = order_key(option, positions[option.modality]), order_key(above, positions[above.modality])
            if mine[0] != theirs[0]:
                sentence = f"Ranked below {above.modality}, which is {above.suitability.replace('_', ' ')}."
            else:
                part = next(i for i in range(1, 5) if mine[i] != theirs[i])
                sentence = f"Ranked below {above.modality}, {_TIE_BREAKS[part - 1]}."
        explained.append(option._replace(rationale=f"{option.rationale} {sentence}"))
    return explained
