"""The knowledge base as frozen values: modalities, findings, medications, protocol steps, sources, policy.

Every clinical fact carries an `Evidence`: its level (S established, W weaker, P practice-policy default, as
../shared/clinical/REFERENCE.md marks them) and the ids of the sources behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .values import Value

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any

_EMPTY: Mapping[str, Any] = {}  # never mutated: a shared empty default


class Evidence(Value):
    level: str
    sources: tuple[str, ...]
    note: str = ""


class Source(Value):
    id: str
    citation: str
    kind: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    note: str = ""
    # How far its citation and identifiers were confirmed: "confirmed" (seen at the publisher, PubMed/PMC, the
    # regulator or the professional body's own page), "mirror" (the work seen only as a copy on another site:
    # document-sharing sites, forums, manual mirrors, proxies) or "unconfirmed" (details or identifiers not confirmed).
    status: str = "confirmed"
    link: str = ""  # the most durable address: the DOI, else PubMed, else PubMed Central, else the URL

    @property
    def for_patients(self) -> bool:
        """Whether a patient may see this source: confirmed, and not a clinic's or manufacturer's own page."""
        return self.status == "confirmed" and self.kind not in NOT_FOR_PATIENTS


# Kinds never shown to patients, however well confirmed: a clinic's marketing page, a manufacturer's material.
NOT_FOR_PATIENTS = frozenset({"clinic_page", "manufacturer"})


def durable_link(doi: str | None, pmid: str | None, pmcid: str | None, url: str | None) -> str:
    if doi:
        return f"https://doi.org/{doi}"
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if pmcid:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
    return url or ""


class Range(Value):
    min: float
    max: float

    def __str__(self) -> str:
        low, high = _fmt(self.min), _fmt(self.max)
        return low if low == high else f"{low}-{high}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class CitedRange(Value):
    range: Range
    evidence: Evidence


class Indication(Value):
    """How well a modality addresses one concern, in the cited sources' words graded by lasercare.

    benefit: strong, moderate or modest; role: first_line, option or adjunct (an adjunct is never the
    recommended treatment of a concern on its own).
    """

    concern: str
    benefit: str
    role: str
    evidence: Evidence
    sessions: CitedRange | None = None  # when this concern's course differs from the modality's usual one
    interval_weeks: CitedRange | None = None
    downtime_days: CitedRange | None = None
    description: str = ""  # "acne scars (moderate benefit, evidence S)", made once when the knowledge loads


class PhototypeFit(Value):
    fit: str  # suitable, caution, avoid
    evidence: Evidence
    description: str = ""  # ": use with caution (the reason).", made once when the knowledge loads


class PatientRisk(Value):
    """A side effect in the patient's words (the patient voice of docs/clinical-knowledge.md): a plain name, how
    often in words derived only from the published rate beside it, how long it lasts where the source says so (else
    empty), and what to do."""

    name: str
    how_often: str
    lasts: str = ""
    what_to_do: str = ""


class SideEffect(Value):
    effect: str
    rate: str
    evidence: Evidence
    patient: PatientRisk | None = None  # required by the loader for every side effect


class Modality(Value):
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
    sources: tuple[str, ...]  # every source behind the facts above, in first-cited order
    notes: tuple[str, ...] = ()
    patient_name: str = ""  # the patient voice: a plain name and what the treatment does, in a sentence or two
    patient_about: str = ""
    patient_chromophore: str = ""  # what the light acts on, in plain words


class Trigger(Value):
    """What in an intake raises a finding.

    kind is one of: patient_flag, condition, medication_class, unknown_medication, uncertain_medication,
    allergy_class, phototype_at_least, concern, sun_exposure_within, procedure_within, procedure_ever,
    unmet_goals. `values` holds the flags, conditions, classes, phototype or concerns; `within_months` bounds
    how long after stopping a medication still counts (None with `ever` false means current use only);
    `at_least` is how many different medicines of those classes must be taken now (2: dual therapy);
    `policy_key` names the clinic-policy value that gives a window in days. A trigger with an `id` can make a
    rule apply only when it fired; one with a `policy_flag` fires only while that clinic-policy value is true;
    one with its own `evidence` gives the finding that evidence when it alone raised it.
    """

    kind: str
    values: tuple[str, ...] = ()
    within_months: int | None = None
    ever: bool = False
    policy_key: str | None = None
    at_least: int = 1
    id: str | None = None
    policy_flag: str | None = None
    evidence: Evidence | None = None


class FindingRule(Value):
    """A finding's effect on some modalities: its severity, the most an option may then be, what changes."""

    modalities: tuple[str, ...]
    applies_to_all: bool
    severity: str
    cap: str
    rationale: str
    adjustments: tuple[str, ...]
    evidence: Evidence
    waits: bool  # the finding's waiting period holds back these modalities
    if_trigger: str | None = None  # applies only when the trigger with this id fired
    if_phototype_at_least: str | None = None  # applies only from this phototype up
    patient_rationale: str = ""  # the patient voice of `rationale` (empty when the rule has none)
    patient_adjustments: tuple[str, ...] = ()  # the patient voice of each adjustment, in the same order

    @property
    def conditional(self) -> bool:
        return self.if_trigger is not None or self.if_phototype_at_least is not None


class FindingDefinition(Value):
    code: str
    name: str
    rationale: str
    evidence: Evidence
    triggers: tuple[Trigger, ...]
    rules: tuple[FindingRule, ...]
    conditional: bool = False  # some rule applies only when a named trigger fired or from a phototype up
    patient_name: str = ""  # the patient voice of `name` and `rationale`
    patient_rationale: str = ""


class MedicationClass(Value):
    """A class of medicines the screening uses (a risk class), or what an allergy to a substance means."""

    code: str
    label: str
    evidence: Evidence
    note: str


class Medicine(Value):
    """One medicine of the lexicon (knowledge/medicines/*.toml) under its generic name."""

    name: str
    classes: tuple[str, ...]  # risk classes; empty: no laser-relevant class
    topical_classes: tuple[str, ...]  # the classes of a topical form ("isotretinoin 0.05% gel")
    allergy_class: str | None = None  # what an allergy to it means (local_anaesthetic, latex, ...)
    checked_against: tuple[str, ...] = ()  # for a medicine of no class: the sources of the lists it was checked against
    components: tuple[str, ...] = ()  # the medicines a combination product holds (dual therapy in one tablet)


class Lexicon(Value):
    """Every way the lexicon knows a medicine to be written, and the words that are not names."""

    written_forms: Mapping[str, str]  # normalised written form (generic, synonym, brand, misspelling) -> medicine name
    medicines: Mapping[str, Medicine]
    longest: int  # words in the longest written form
    fuzzy_forms: tuple[str, ...]  # the written forms long enough to be matched when misspelt
    not_names: frozenset[str]  # units, frequencies, filler and route words: dropped before fuzzy matching
    topical_words: frozenset[str]
    systemic_words: frozenset[str]


class StepCondition(Value):
    """All parts that are set must hold; an empty part does not constrain."""

    families: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()
    medication_classes: frozenset[str] = frozenset()
    allergy_classes: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    phototype_at_least: str | None = None
    ablative: bool | None = None
    policy_flag: str | None = None


class ProtocolStep(Value):
    id: str
    phase: str  # preparation, day_of, aftercare
    text: str  # may hold {placeholders} filled from policy and the modality
    when: tuple[StepCondition, ...]  # any one suffices; empty means always
    evidence: Evidence
    days_before: int | None = None
    days_before_policy: str | None = None
    days_after: int | None = None  # the day after the session it starts (0: the day itself)
    for_days: int | None = None  # a duration: the step applies on days `days_after` to `last_day_after`
    blocks_first_session: bool = False  # the first session waits until this step can be done in full
    replaces: tuple[str, ...] = ()  # steps this one stands in for when it applies (a longer test spot)
    counts_from: str | None = None  # "last_sun_exposure": the lead time runs from that date when it is known
    patient_text: str = ""  # the patient voice of `text`, with the same {placeholders}

    @property
    def last_day_after(self) -> int | None:
        """The last day after the session the step applies on (its first, for a step of one day)."""
        if self.days_after is None:
            return None
        return self.days_after + (self.for_days or 1) - 1


class PolicyValue(Value):
    key: str
    value: Any
    evidence: Evidence
    label: str
    changed_by_clinic: bool = False


class Price(Value):
    per_session: float
    currency: str


class Policy(Value):
    values: Mapping[str, PolicyValue]
    prices: Mapping[str, Price] = _EMPTY
    origin: str = "default"  # "default" or the clinic policy file's name
    version: str = "default"

    def value(self, key: str) -> Any:
        return self.values[key].value

    def days(self, key: str) -> int:
        value = self.values[key].value
        return int(value)

    def procedure_wait_days(self, kind: str) -> int:
        waits = self.values["procedure_wait_days"].value
        return int(waits.get(kind, waits.get("default", 0)))


class QuestionnaireBand(Value):
    phototype: str
    max_score: int
    label: str


class PhototypeRules(Value):
    """How the questionnaire score and the ITA become a phototype (../shared/clinical/REFERENCE.md section 1)."""

    bands: tuple[QuestionnaireBand, ...]
    questionnaire_evidence: Evidence
    ita_categories: tuple[tuple[str, float], ...]  # (category, lower bound, exclusive), lightest first
    ita_evidence: Evidence
    ita_estimate: Mapping[str, str]  # ITA category -> Fitzpatrick estimate
    estimate_evidence: Evidence
    ita_margin_deg: float = 0.0  # an ITA this close above a category's lower bound is read as the darker category
    ita_margin_evidence: Evidence = Evidence("P", ())


class GlossaryTerm(Value):
    """A word a patient text cannot avoid (knowledge/glossary.toml), explained where it appears."""

    term: str
    means: str
    forms: tuple[str, ...]  # the term and the other forms it takes in a text ("pigment", "pigmentation"), lower case


class Knowledge(Value):
    version: str
    phototype_rules: PhototypeRules
    modalities: Mapping[str, Modality]
    treating: Mapping[str, tuple[str, ...]]  # concern -> the modalities that treat it, in knowledge order
    findings: Mapping[str, FindingDefinition]
    medication_classes: Mapping[str, MedicationClass]
    allergy_classes: Mapping[str, MedicationClass]
    lexicon: Lexicon
    steps: tuple[ProtocolStep, ...]
    steps_for: Mapping[str, tuple[ProtocolStep, ...]]  # modality -> the steps that can apply to it at all
    blocking_steps_for: Mapping[str, tuple[ProtocolStep, ...]]  # those that must be done before a first session
    replacing_steps_for: Mapping[str, tuple[ProtocolStep, ...]]  # those that stand in for others when they apply
    sources: Mapping[str, Source]
    policy: Policy
    notes: Mapping[str, str]  # per concern, something every plan for it must say
    patient_notes: Mapping[str, str] = _EMPTY  # the patient voice of each concern note
    glossary: tuple[GlossaryTerm, ...] = ()

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
