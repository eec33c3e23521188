"""The knowledge base as frozen values: modalities, findings, medications, protocol steps, sources, policy.

Every clinical fact carries an `Evidence`: its level (S established, W weaker, P practice-policy default, as
../shared/clinical/REFERENCE.md marks them) and the ids of the sources behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Evidence:
    level: str
    sources: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    citation: str
    kind: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    note: str = ""
    unverified: bool = False

    @property
    def link(self) -> str:
        """The most durable address of the source."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.pmcid:
            return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/"
        return self.url or ""


@dataclass(frozen=True, slots=True)
class Range:
    min: float
    max: float

    def __str__(self) -> str:
        low, high = _fmt(self.min), _fmt(self.max)
        return low if low == high else f"{low}-{high}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True, slots=True)
class CitedRange:
    range: Range
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Indication:
    """How well a modality addresses one concern, in the cited sources' words graded by lasercare.

    benefit: strong, moderate or modest; role: first_line, option or adjunct (an adjunct is never the
    recommended treatment of a concern on its own).
    """

    concern: str
    benefit: str
    role: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class PhototypeFit:
    fit: str  # suitable, caution, avoid
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class SideEffect:
    effect: str
    rate: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Modality:
    code: str
    name: str
    family: str
    ablative: bool
    light_source: str  # laser or broadband_light
    wavelengths_nm: tuple[int, ...]
    eyewear_nm: tuple[int, ...]
    eyewear_text: str
    chromophore: str
    chromophore_evidence: Evidence
    indications: Mapping[str, Indication]
    phototype_fit: Mapping[str, PhototypeFit]
    pigmentary_risk: str  # low, moderate, high: used when a patient's pigmentary risk is raised
    pigmentary_risk_evidence: Evidence
    sessions: CitedRange
    interval_weeks: CitedRange
    downtime_days: CitedRange
    side_effects: tuple[SideEffect, ...]
    notes: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source behind this modality's facts, in first-cited order."""
        seen: dict[str, None] = {}
        parts = [self.chromophore_evidence, self.sessions.evidence, self.interval_weeks.evidence,
                 self.downtime_days.evidence, self.pigmentary_risk_evidence]
        parts += [i.evidence for i in self.indications.values()]
        parts += [f.evidence for f in self.phototype_fit.values()]
        parts += [s.evidence for s in self.side_effects]
        for evidence in parts:
            for source in evidence.sources:
                seen.setdefault(source, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Trigger:
    """What in an intake raises a finding.

    kind is one of: patient_flag, condition, medication_class, unknown_medication, phototype_at_least,
    concern, sun_exposure_within, procedure_within, procedure_ever, unmet_goals. `values` holds the flags, conditions,
    classes, phototype or concerns; `within_months` bounds how long after stopping a medication still
    counts (None with `ever` false means current use only); `policy_key` names the clinic-policy value that
    gives a window in days.
    """

    kind: str
    values: tuple[str, ...] = ()
    within_months: int | None = None
    ever: bool = False
    policy_key: str | None = None


@dataclass(frozen=True, slots=True)
class FindingRule:
    """A finding's effect on some modalities: its severity, the most an option may then be, what changes."""

    modalities: tuple[str, ...]
    applies_to_all: bool
    severity: str
    cap: str
    rationale: str
    adjustments: tuple[str, ...]
    evidence: Evidence
    waits: bool  # the finding's waiting period holds back these modalities


@dataclass(frozen=True, slots=True)
class FindingDefinition:
    code: str
    name: str
    rationale: str
    evidence: Evidence
    triggers: tuple[Trigger, ...]
    rules: tuple[FindingRule, ...]


@dataclass(frozen=True, slots=True)
class MedicationClass:
    code: str
    label: str
    evidence: Evidence
    note: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepCondition:
    """All parts that are set must hold; an empty part does not constrain."""

    families: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()
    medication_classes: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    phototype_at_least: str | None = None
    ablative: bool | None = None
    policy_flag: str | None = None


@dataclass(frozen=True, slots=True)
class ProtocolStep:
    id: str
    phase: str  # preparation, day_of, aftercare
    text: str  # may hold {placeholders} filled from policy and the modality
    when: tuple[StepCondition, ...]  # any one suffices; empty means always
    evidence: Evidence
    days_before: int | None = None
    days_before_policy: str | None = None
    days_after: int | None = None
    blocks_first_session: bool = False  # the first session waits until this step can be done in full


@dataclass(frozen=True, slots=True)
class PolicyValue:
    key: str
    value: Any
    evidence: Evidence
    label: str
    changed_by_clinic: bool = False


@dataclass(frozen=True, slots=True)
class Price:
    per_session: float
    currency: str


@dataclass(frozen=True, slots=True)
class Policy:
    values: Mapping[str, PolicyValue]
    prices: Mapping[str, Price] = field(default_factory=lambda: _EMPTY)
    origin: str = "default"  # "default" or the clinic policy file's name
    version: str = "default"

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    def days(self, key: str) -> int:
        value = self.values[key].value
        return int(value)

    def procedure_wait_days(self, kind: str) -> int:
        waits = self.values["procedure_wait_days"].value
        return int(waits.get(kind, waits.get("default", 0)))


@dataclass(frozen=True, slots=True)
class QuestionnaireBand:
    phototype: str
    max_score: int
    label: str


@dataclass(frozen=True, slots=True)
class PhototypeRules:
    """How the questionnaire score and the ITA become a phototype (../shared/clinical/REFERENCE.md section 1)."""

    bands: tuple[QuestionnaireBand, ...]
    questionnaire_evidence: Evidence
    ita_categories: tuple[tuple[str, float], ...]  # (category, lower bound, exclusive), lightest first
    ita_evidence: Evidence
    ita_estimate: Mapping[str, str]  # ITA category -> Fitzpatrick estimate
    estimate_evidence: Evidence


@dataclass(frozen=True, slots=True)
class Knowledge:
    version: str
    phototype_rules: PhototypeRules
    modalities: Mapping[str, Modality]
    findings: Mapping[str, FindingDefinition]
    medication_classes: Mapping[str, MedicationClass]
    medication_names: Mapping[str, frozenset[str]]  # normalised name -> class codes
    longest_medication_name: int  # in words
    steps: tuple[ProtocolStep, ...]
    sources: Mapping[str, Source]
    policy: Policy
    notes: Mapping[str, str]  # per concern, something every plan for it must say

    def source(self, source_id: str) -> Source:
        return self.sources[source_id]


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to the month's length."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
