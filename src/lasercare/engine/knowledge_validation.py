"""Checking the knowledge base and a clinic policy file, and building the frozen knowledge values.

Every problem is reported with the file, the entry and the field, and all problems are gathered before
failing, so `lasercare knowledge check` can list them at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from .codes import (
    AREAS,
    CONCERNS,
    CONDITIONS,
    EVIDENCE_LEVELS,
    FINDING_SEVERITIES,
    FINDINGS,
    MODALITIES,
    MODALITY_FAMILIES,
    PHOTOTYPES,
    PROCEDURE_KINDS,
    SUITABILITIES,
)
from .knowledge_base import KnowledgeError
from .knowledge_model import (
    CitedRange,
    Evidence,
    FindingDefinition,
    FindingRule,
    GlossaryTerm,
    Indication,
    Knowledge,
    Lexicon,
    MedicationClass,
    Medicine,
    Modality,
    PatientRisk,
    PhototypeFit,
    PhototypeRules,
    Policy,
    PolicyValue,
    Price,
    ProtocolStep,
    QuestionnaireBand,
    Range,
    SideEffect,
    Source,
    StepCondition,
    Trigger,
    durable_link,
)
from .medicines import MIN_FUZZY_LENGTH, normalise

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any

_SOURCE_KINDS = (
    "primary",
    "review",
    "consensus",
    "guideline",
    "label",
    "textbook",
    "clinic_page",
    "patient_page",
    "manufacturer",
    "practice_policy",
)
# How far a source was confirmed (knowledge_model.Source.status); absent means confirmed.
_SOURCE_STATUSES = ("confirmed", "mirror", "unconfirmed")
_BENEFITS = ("strong", "moderate", "modest")
_ROLES = ("first_line", "option", "adjunct")
_FITS = ("suitable", "caution", "avoid")
_RISKS = ("low", "moderate", "high")
_PHASES = ("preparation", "day_of", "aftercare")
_TRIGGER_KINDS = (
    "patient_flag",
    "condition",
    "medication_class",
    "unknown_medication",
    "uncertain_medication",
    "allergy_class",
    "phototype_at_least",
    "concern",
    "sun_exposure_within",
    "procedure_within",
    "procedure_ever",
    "unmet_goals",
)
_PATIENT_FLAGS = ("pregnant", "breastfeeding")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CLASS_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_STEP_PLACEHOLDERS = frozenset({"modality", "eyewear", "wavelengths"})


class _Entry:
    """One table of a data file, read field by field; a wrong field is recorded, never raised."""

    def __init__(self, data: object, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        if not isinstance(data, Mapping):
            problems.append(f"{where}: must be a table, not {type(data).__name__}")
            data = {}
        self.data: Mapping[str, Any] = data

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where}.{key}: {message}" if key else f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def allow_only(self, *keys: str) -> None:
        for key in self.data:
            if key not in keys:
                self.problem(key, f"unknown field (expected one of: {', '.join(keys)})")

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                self.problem(key, "is required")
            return None
        return self.data[key]

    def text(self, key: str, *, required: bool = True, choices: Sequence[str] = (), default: str = "") -> str:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "must be a non-empty string")
            return default
        if choices and value not in choices:
            self.problem(key, f"{value!r} is not one of: {', '.join(choices)}")
            return default
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key, required=False) or None

    def integer(self, key: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"must be an integer, not {value!r}")
            return None
        if value < minimum:
            self.problem(key, f"must be at least {minimum}, not {value}")
            return None
        return value

    def number(self, key: str, *, required: bool = True) -> float | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.problem(key, f"must be a number of at least 0, not {value!r}")
            return None
        return float(value)

    def flag(self, key: str, *, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {value!r}")
            return default
        return value

    def texts(self, key: str, *, required: bool = False, choices: Sequence[str] = ()) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(key, "must be a list of non-empty strings")
            return ()
        if choices:
            for v in value:
                if v not in choices:
                    self.problem(key, f"{v!r} is not one of: {', '.join(choices)}")
            return tuple(v for v in value if v in choices)
        return tuple(value)

    def entry(self, key: str, *, required: bool = True) -> _Entry | None:
        value = self._get(key, required)
        if value is None:
            return None
        return _Entry(value, f"{self.where}.{key}", self.problems)

    def entries(self, key: str, *, required: bool = False) -> list[_Entry]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list of tables ([[...]])")
            return []
        return [_Entry(item, f"{self.where}.{key}[{i}]", self.problems) for i, item in enumerate(value)]

    def evidence(self, source_ids: set[str]) -> Evidence:
        level = self.text("evidence", choices=EVIDENCE_LEVELS, default="P")
        sources = self.texts("sources", required=True)
        if not sources:
            self.problem("sources", "must name at least one source")
        for source in sources:
            if source not in source_ids:
                self.problem("sources", f"{source!r} is not in the bibliography (knowledge/sources/)")
        return Evidence(level=level, sources=sources, note=self.text("note", required=False))


def _parse_files(directory: str, names: list[str]) -> tuple[dict[str, Any], str]:
    """Every knowledge file parsed, and the SHA-256 of their names and bytes."""
    import hashlib
    import tomllib

    digest = hashlib.sha256()
    documents: dict[str, Any] = {}
    problems: list[str] = []
    for name in names:
        with open(os.path.join(directory, name), "rb") as handle:
            raw = handle.read()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        try:
            documents[name] = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(f"{name}: not valid TOML: {error}")
    if problems:
        raise KnowledgeError(problems)
    return documents, digest.hexdigest()


def _table_entries(document: object, file: str, problems: list[str]) -> Iterator[tuple[str, _Entry]]:
    if not isinstance(document, Mapping):
        problems.append(f"{file}: must hold tables")
        return
    for key, value in document.items():
        yield key, _Entry(value, f"{file} [{key}]", problems)


def _sources(files: Mapping[str, Any], problems: list[str]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    defined_in: dict[str, str] = {}
    identifiers: dict[tuple[str, str], str] = {}
    for name, document in files.items():
        if not name.startswith("sources/"):
            continue
        for key, entry in _table_entries(document, name, problems):
            if not _SOURCE_ID.match(key):
                entry.problem("", "a source id is lower-case letters, digits and hyphens")
            if key in defined_in:
                entry.problem("", f"source id already defined in {defined_in[key]}")
                continue
            entry.allow_only("citation", "kind", "doi", "pmid", "pmcid", "url", "note", "status")
            doi, pmid = entry.optional_text("doi"), entry.optional_text("pmid")
            pmcid, url = entry.optional_text("pmcid"), entry.optional_text("url")
            source = Source(
                id=key,
                citation=entry.text("citation"),
                kind=entry.text("kind", choices=_SOURCE_KINDS, default="primary"),
                doi=doi,
                pmid=pmid,
                pmcid=pmcid,
                url=url,
                note=entry.text("note", required=False),
                status=entry.text("status", required=False, choices=_SOURCE_STATUSES, default="confirmed"),
                link=durable_link(doi, pmid, pmcid, url),
            )
            if not (source.doi or source.pmid or source.pmcid or source.url):
                entry.problem("", "needs at least one of doi, pmid, pmcid or url")
            if source.pmid and not source.pmid.isdigit():
                entry.problem("pmid", "must be digits only")
            if source.doi and source.doi.lower().startswith(("http", "doi:")):
                entry.problem("doi", "give the bare DOI (10.xxxx/...), without a prefix")
            for field in ("doi", "pmid", "pmcid", "url"):
                identifier = getattr(source, field)
                if identifier is None:
                    continue
                earlier = identifiers.get((field, identifier.lower()))
                if earlier is not None:
                    entry.problem(field, f"{identifier} is also the {field} of {earlier}: one work, one source id")
                identifiers[(field, identifier.lower())] = key
            sources[key] = source
            defined_in[key] = name
    return sources


def _cited_range(entry: _Entry | None, source_ids: set[str]) -> CitedRange:
    if entry is None:
        return CitedRange(Range(0, 0), Evidence("P", ()))
    entry.allow_only("min", "max", "evidence", "sources", "note")
    low = entry.number("min")
    high = entry.number("max")
    if low is not None and high is not None and low > high:
        entry.problem("max", f"is below min ({high:g} < {low:g})")
    return CitedRange(Range(low or 0, high if high is not None else (low or 0)), entry.evidence(source_ids))


def _modalities(document: object, source_ids: set[str], problems: list[str]) -> dict[str, Modality]:
    file = "modalities.toml"
    modalities: dict[str, Modality] = {}
    for code, entry in _table_entries(document, file, problems):
        if code not in MODALITIES:
            entry.problem("", "not a modality code of the vocabulary")
            continue
        entry.allow_only(
            "name",
            "family",
            "ablative",
            "light_source",
            "wavelengths_nm",
            "eyewear",
            "chromophore",
            "indications",
            "phototypes",
            "pigmentary_risk",
            "sessions",
            "interval_weeks",
            "downtime_days",
            "side_effects",
            "notes",
            "patient",
        )
        patient = entry.entry("patient")
        patient_name = patient_about = ""
        if patient is not None:
            patient.allow_only("name", "about")
            patient_name, patient_about = patient.text("name"), patient.text("about")
        wavelengths = entry.data.get("wavelengths_nm", [])
        if (
            not isinstance(wavelengths, list)
            or not wavelengths
            or not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in wavelengths)
        ):
            entry.problem("wavelengths_nm", "must be a non-empty list of positive integers (nm)")
            wavelengths = []
        eyewear = entry.entry("eyewear")
        eyewear_nm: tuple[int, ...] = ()
        eyewear_text = ""
        if eyewear is not None:
            eyewear.allow_only("wavelengths_nm", "text")
            raw_nm = eyewear.data.get("wavelengths_nm", [])
            if not isinstance(raw_nm, list) or not all(isinstance(w, int) and w > 0 for w in raw_nm):
                eyewear.problem("wavelengths_nm", "must be a list of positive integers (nm)")
            else:
                eyewear_nm = tuple(raw_nm)
            eyewear_text = eyewear.text("text")
        chromophore = entry.entry("chromophore")
        chromophore_value = patient_chromophore = ""
        chromophore_evidence = Evidence("P", ())
        if chromophore is not None:
            chromophore.allow_only("value", "evidence", "sources", "note", "patient")
            chromophore_value = chromophore.text("value")
            patient_chromophore = chromophore.text("patient")
            chromophore_evidence = chromophore.evidence(source_ids)
        indications: dict[str, Indication] = {}
        table = entry.entry("indications")
        if table is not None:
            for concern, item in table.data.items():
                sub = _Entry(item, f"{entry.where}.indications.{concern}", problems)
                if concern not in CONCERNS:
                    sub.problem("", "not a concern code of the vocabulary")
                    continue
                sub.allow_only(
                    "benefit", "role", "evidence", "sources", "note", "sessions", "interval_weeks", "downtime_days"
                )
                own_sessions = sub.entry("sessions", required=False)
                own_interval = sub.entry("interval_weeks", required=False)
                own_downtime = sub.entry("downtime_days", required=False)
                benefit = sub.text("benefit", choices=_BENEFITS, default="modest")
                evidence = sub.evidence(source_ids)
                indications[concern] = Indication(
                    concern=concern,
                    benefit=benefit,
                    role=sub.text("role", choices=_ROLES, default="option"),
                    evidence=evidence,
                    sessions=_cited_range(own_sessions, source_ids) if own_sessions else None,
                    interval_weeks=_cited_range(own_interval, source_ids) if own_interval else None,
                    downtime_days=_cited_range(own_downtime, source_ids) if own_downtime else None,
                    description=f"{concern.replace('_', ' ')} ({benefit} benefit, evidence {evidence.level})",
                )
            if not indications:
                entry.problem("indications", "must name at least one concern")
        fits: dict[str, PhototypeFit] = {}
        for sub in entry.entries("phototypes", required=True):
            sub.allow_only("types", "fit", "evidence", "sources", "note")
            fit_code = sub.text("fit", choices=_FITS, default="avoid")
            fit_evidence = sub.evidence(source_ids)
            words = {"suitable": "suitable", "caution": "use with caution", "avoid": "not advised"}[fit_code]
            fit = PhototypeFit(
                fit=fit_code,
                evidence=fit_evidence,
                description=f": {words} ({fit_evidence.note})." if fit_evidence.note else f": {words}.",
            )

            for phototype in sub.texts("types", required=True, choices=PHOTOTYPES):
                if phototype in fits:
                    sub.problem("types", f"type {phototype} is given twice for this modality")
                fits[phototype] = fit
        missing = [p for p in PHOTOTYPES if p not in fits]
        if missing:
            entry.problem("phototypes", f"no fit given for type(s) {', '.join(missing)}")
        risk = entry.entry("pigmentary_risk")
        risk_level = "high"
        risk_evidence = Evidence("P", ())
        if risk is not None:
            risk.allow_only("level", "evidence", "sources", "note")
            risk_level = risk.text("level", choices=_RISKS, default="high")
            risk_evidence = risk.evidence(source_ids)
        side_effects = []
        for sub in entry.entries("side_effects", required=True):
            sub.allow_only("effect", "rate", "evidence", "sources", "note", "patient")
            side_effects.append(
                SideEffect(
                    effect=sub.text("effect"),
                    rate=sub.text("rate"),
                    evidence=sub.evidence(source_ids),
                    patient=_patient_risk(sub.entry("patient")),
                )
            )
        light_source = entry.text("light_source", choices=("laser", "broadband_light"), default="laser")
        sessions = _cited_range(entry.entry("sessions"), source_ids)
        interval = _cited_range(entry.entry("interval_weeks"), source_ids)
        downtime = _cited_range(entry.entry("downtime_days"), source_ids)
        cited = [chromophore_evidence, sessions.evidence, interval.evidence, downtime.evidence, risk_evidence]
        cited += [i.evidence for i in indications.values()] + [f.evidence for f in fits.values()]
        cited += [
            r.evidence for i in indications.values() for r in (i.sessions, i.interval_weeks, i.downtime_days) if r
        ]
        cited += [s.evidence for s in side_effects]
        modalities[code] = Modality(
            code=code,
            name=entry.text("name"),
            family=entry.text("family", choices=MODALITY_FAMILIES, default="pigment"),
            ablative=entry.flag("ablative"),
            light_source=light_source,
            wavelengths_nm=tuple(wavelengths),
            eyewear_nm=eyewear_nm,
            eyewear_text=eyewear_text,
            chromophore=chromophore_value,
            chromophore_evidence=chromophore_evidence,
            indications=dict(indications),
            phototype_fit=dict(fits),
            pigmentary_risk=risk_level,
            pigmentary_risk_evidence=risk_evidence,
            sessions=sessions,
            interval_weeks=interval,
            downtime_days=downtime,
            side_effects=tuple(side_effects),
            sources=tuple(dict.fromkeys(source for evidence in cited for source in evidence.sources)),
            notes=entry.texts("notes"),
            patient_name=patient_name,
            patient_about=patient_about,
            patient_chromophore=patient_chromophore,
        )
        if sessions.range.min < 1:
            entry.problem("sessions.min", "must be at least 1")
        if sessions.range.max > 1 and interval.range.min <= 0:
            entry.problem("interval_weeks.min", "must be above 0 when more than one session may be given")
    for code in MODALITIES:
        if code not in modalities and not any(p.startswith(f"{file} [{code}]") for p in problems):
            problems.append(f"{file}: modality {code} of the vocabulary is missing")
    return modalities


def _resolve_modalities(entry: _Entry, modalities: Mapping[str, Modality]) -> tuple[tuple[str, ...], bool]:
    names = entry.texts("applies_to", required=True)
    if names == ("all",):
        return tuple(modalities), True
    chosen: list[str] = []
    for name in names:
        if name in MODALITIES:
            chosen.append(name)
        elif name.startswith("family:") and name[7:] in MODALITY_FAMILIES:
            chosen.extend(m.code for m in modalities.values() if m.family == name[7:])
        elif name == "ablative":
            chosen.extend(m.code for m in modalities.values() if m.ablative)
        elif name == "non_ablative":
            chosen.extend(m.code for m in modalities.values() if not m.ablative)
        else:
            entry.problem(
                "applies_to",
                f'{name!r} is not "all", a modality code, "ablative", "non_ablative" or "family:NAME"',
            )
    unique = tuple(dict.fromkeys(chosen))
    return unique, set(unique) == set(modalities)


def _patient_risk(entry: _Entry | None) -> PatientRisk | None:
    """A side effect's patient voice: `name`, `how_often` and `what_to_do` required, `lasts` only where the source
    says how long it lasts."""
    if entry is None:
        return None
    entry.allow_only("name", "how_often", "lasts", "what_to_do")
    return PatientRisk(
        name=entry.text("name"),
        how_often=entry.text("how_often"),
        lasts=entry.text("lasts", required=False),
        what_to_do=entry.text("what_to_do"),
    )


def _findings(
    document: object,
    modalities: Mapping[str, Modality],
    medication_classes: Mapping[str, MedicationClass],
    allergy_classes: Mapping[str, MedicationClass],
    policy_types: Mapping[str, str],
    source_ids: set[str],
    problems: list[str],
) -> dict[str, FindingDefinition]:
    policy_keys = set(policy_types)
    file = "findings.toml"
    findings: dict[str, FindingDefinition] = {}
    for code, entry in _table_entries(document, file, problems):
        if code not in FINDINGS:
            entry.problem("", "not a finding code of the vocabulary")
            continue
        entry.allow_only("name", "rationale", "evidence", "sources", "note", "triggers", "rules", "patient")
        triggers = []
        for sub in entry.entries("triggers", required=True):
            sub.allow_only(
                "kind",
                "values",
                "within_months",
                "ever",
                "policy_window",
                "at_least",
                "id",
                "policy_flag",
                "evidence",
                "sources",
                "note",
            )
            kind = sub.text("kind", choices=_TRIGGER_KINDS, default="condition")
            values = sub.texts("values")
            allowed: Sequence[str] = {
                "patient_flag": _PATIENT_FLAGS,
                "condition": CONDITIONS,
                "medication_class": tuple(medication_classes),
                "allergy_class": tuple(allergy_classes),
                "phototype_at_least": PHOTOTYPES,
                "concern": CONCERNS,
                "procedure_within": PROCEDURE_KINDS,
                "procedure_ever": PROCEDURE_KINDS,
            }.get(kind, ())
            for value in values:
                if allowed and value not in allowed:
                    sub.problem("values", f"{value!r} is not one of: {', '.join(allowed)}")
            needs_values = (
                "patient_flag",
                "condition",
                "medication_class",
                "allergy_class",
                "phototype_at_least",
                "concern",
                "procedure_ever",
            )
            if kind in needs_values and not values:
                sub.problem("values", f"a {kind} trigger needs values")
            policy_window = sub.optional_text("policy_window")
            if kind in ("sun_exposure_within", "procedure_within") and policy_window is None:
                sub.problem("policy_window", f"a {kind} trigger needs the clinic-policy key of its window")
            if policy_window is not None and policy_window not in policy_keys:
                sub.problem("policy_window", f"{policy_window!r} is not a clinic-policy key")
            policy_flag = sub.optional_text("policy_flag")
            if policy_flag is not None and policy_types.get(policy_flag) != "bool":
                sub.problem("policy_flag", f"{policy_flag!r} is not a true/false clinic-policy key")
            at_least = sub.integer("at_least", required=False, minimum=1) or 1
            if at_least > 1 and kind != "medication_class":
                sub.problem("at_least", "only a medication_class trigger counts medicines")
            triggers.append(
                Trigger(
                    kind=kind,
                    values=values,
                    within_months=sub.integer("within_months", required=False, minimum=1),
                    ever=sub.flag("ever"),
                    policy_key=policy_window,
                    at_least=at_least,
                    id=sub.optional_text("id"),
                    policy_flag=policy_flag,
                    evidence=sub.evidence(source_ids) if sub.has("evidence") else None,
                )
            )
        trigger_ids = [t.id for t in triggers if t.id is not None]
        if len(trigger_ids) != len(set(trigger_ids)):
            entry.problem("triggers", "two triggers have the same id")
        finding_evidence = entry.evidence(source_ids)
        rules = []
        for sub in entry.entries("rules", required=True):
            sub.allow_only(
                "applies_to",
                "severity",
                "cap",
                "rationale",
                "adjustments",
                "evidence",
                "sources",
                "note",
                "waits",
                "if_trigger",
                "if_phototype_at_least",
            )
            if_trigger = sub.optional_text("if_trigger")
            if if_trigger is not None and if_trigger not in trigger_ids:
                sub.problem("if_trigger", f"{if_trigger!r} is not the id of one of this finding's triggers")
            chosen, to_all = _resolve_modalities(sub, modalities)
            severity = sub.text("severity", choices=FINDING_SEVERITIES, default="absolute")
            default_cap = {"absolute": "contraindicated", "relative": "acceptable", "precaution": "recommended"}
            cap = sub.text("cap", required=False, choices=SUITABILITIES) or default_cap[severity]
            if severity == "absolute" and cap != "contraindicated":
                sub.problem("cap", "an absolute finding makes its modalities contraindicated")
            if SUITABILITIES.index(cap) < SUITABILITIES.index(default_cap[severity]):
                sub.problem("cap", f"cannot be milder than {default_cap[severity]} for a {severity} finding")
            rule_evidence = sub.evidence(source_ids) if sub.has("sources") else finding_evidence
            rules.append(
                FindingRule(
                    modalities=chosen,
                    applies_to_all=to_all,
                    severity=severity,
                    cap=cap,
                    rationale=sub.text("rationale", required=False),
                    adjustments=sub.texts("adjustments"),
                    evidence=rule_evidence,
                    waits=sub.flag("waits", default=True),
                    if_trigger=if_trigger,
                    if_phototype_at_least=sub.text("if_phototype_at_least", required=False, choices=PHOTOTYPES) or None,
                )
            )
        patient = entry.entry("patient")
        patient_name = patient_rationale = ""
        if patient is not None:
            patient.allow_only("name", "rationale", "rules")
            patient_name, patient_rationale = patient.text("name"), patient.text("rationale")
            rules = _patient_rules(patient, rules)
        # A conditional rule overrides the general one where it holds; general rules never overlap.
        seen: dict[str, int] = {}
        for index, rule in enumerate(rules):
            if rule.conditional:
                continue
            for modality in rule.modalities:
                if modality in seen:
                    problems.append(
                        f"{entry.where}.rules[{index}].applies_to: {modality} already has a rule "
                        f"(rules[{seen[modality]}])"
                    )
                seen[modality] = index
        findings[code] = FindingDefinition(
            code=code,
            name=entry.text("name"),
            rationale=entry.text("rationale"),
            evidence=finding_evidence,
            triggers=tuple(triggers),
            rules=tuple(rules),
            conditional=any(rule.conditional for rule in rules),
            patient_name=patient_name,
            patient_rationale=patient_rationale,
        )
    for code in FINDINGS:
        if code not in findings and not any(p.startswith(f"{file} [{code}]") for p in problems):
            problems.append(f"{file}: finding {code} of the vocabulary is missing")
    return findings


def _patient_rules(patient: _Entry, rules: list[FindingRule]) -> list[FindingRule]:
    """Each rule with its patient voice: `patient.rules` holds one table per rule, in the rules' order, with a
    `rationale` where the rule has one and one plain `adjustments` entry for each of the rule's adjustments."""
    voices = patient.entries("rules", required=any(rule.rationale or rule.adjustments for rule in rules))
    if not voices:
        return rules
    if len(voices) != len(rules):
        patient.problem("rules", f"must hold one table per rule ({len(rules)}), not {len(voices)}")
        return rules
    voiced = []
    for rule, voice in zip(rules, voices, strict=True):
        voice.allow_only("rationale", "adjustments")
        rationale = voice.text("rationale", required=bool(rule.rationale))
        if rationale and not rule.rationale:
            voice.problem("rationale", "the rule has no rationale to say in plain words")
        adjustments = voice.texts("adjustments", required=bool(rule.adjustments))
        if len(adjustments) != len(rule.adjustments):
            voice.problem("adjustments", f"must say each of the rule's {len(rule.adjustments)} adjustments, in order")
        voiced.append(rule._replace(patient_rationale=rationale, patient_adjustments=adjustments))
    return voiced


def _class_table(entry: _Entry | None, source_ids: set[str], kind: str) -> dict[str, MedicationClass]:
    classes: dict[str, MedicationClass] = {}
    if entry is None:
        return classes
    for code, value in entry.data.items():
        sub = _Entry(value, f"{entry.where}.{code}", entry.problems)
        if not _CLASS_CODE.match(code):
            sub.problem("", f"a {kind} code is lower-case letters, digits and underscores")
        sub.allow_only("label", "evidence", "sources", "note")
        classes[code] = MedicationClass(
            code=code, label=sub.text("label"), evidence=sub.evidence(source_ids), note=sub.text("note", required=False)
        )
    return classes


_WORD_LISTS = ("units", "frequency", "salts", "filler")


def _words(entry: _Entry | None, keys: Sequence[str]) -> dict[str, frozenset[str]]:
    lists: dict[str, frozenset[str]] = {}
    if entry is None:
        return lists
    entry.allow_only(*keys)
    for key in keys:
        folded = set()
        for word in entry.texts(key):
            form = normalise(word)
            if not form or " " in form:
                entry.problem(key, f"{word!r} must be one word (it is compared as {form!r})")
                continue
            folded.add(form)
        lists[key] = frozenset(folded)
    return lists


def _medicines(
    files: Mapping[str, Any], source_ids: set[str], problems: list[str]
) -> tuple[dict[str, MedicationClass], dict[str, MedicationClass], Lexicon]:
    """The classes and words of medications.toml and the medicines of medicines/*.toml, as one lexicon."""
    top = _Entry(files["medications.toml"], "medications.toml", problems)
    top.allow_only("classes", "allergy_classes", "words", "routes")
    classes = _class_table(top.entry("classes"), source_ids, "class")
    allergy_classes = _class_table(top.entry("allergy_classes", required=False), source_ids, "allergy class")
    words = _words(top.entry("words", required=False), _WORD_LISTS)
    routes = _words(top.entry("routes", required=False), ("topical", "systemic"))
    medicines: dict[str, Medicine] = {}
    index: dict[str, str] = {}
    misspelt: set[str] = set()
    where_defined: dict[str, str] = {}
    for file, document in files.items():
        if not file.startswith("medicines/"):
            continue
        head = _Entry(document, file, problems)
        head.allow_only("checked_against", "medicine")
        default_checked = head.texts("checked_against")
        for source in default_checked:
            if source not in source_ids:
                head.problem("checked_against", f"{source!r} is not in the bibliography (knowledge/sources/)")
        for number, entry in enumerate(head.entries("medicine", required=True)):
            entry.where = f"{file} medicine[{number}]"
            entry.allow_only(
                "name",
                "classes",
                "topical_classes",
                "allergy_class",
                "synonyms",
                "brands",
                "misspellings",
                "checked_against",
                "components",
                "note",
            )
            name = normalise(entry.text("name"))
            if not name:
                continue
            entry.where = f"{file} [{name}]"
            if name in medicines:
                entry.problem("name", f"{name!r} is already a medicine in {where_defined[name]}")
                continue
            own = entry.texts("classes", required=True) if entry.has("classes") else ()
            if not entry.has("classes"):
                entry.problem("classes", 'is required: the risk classes, or [] for "no laser-relevant class"')
            topical = entry.texts("topical_classes") if entry.has("topical_classes") else own
            for code in (*own, *topical):
                if code not in classes:
                    entry.problem("classes", f"{code!r} is not a class of medications.toml")
            allergy = entry.optional_text("allergy_class")
            if allergy is not None and allergy not in allergy_classes:
                entry.problem("allergy_class", f"{allergy!r} is not an allergy class of medications.toml")
            checked = entry.texts("checked_against") or default_checked
            for source in checked:
                if source not in source_ids:
                    entry.problem("checked_against", f"{source!r} is not in the bibliography (knowledge/sources/)")
            if not own and not checked:
                entry.problem(
                    "checked_against",
                    "a medicine of no laser-relevant class names the lists it was checked against",
                )
            medicines[name] = Medicine(
                name=name,
                classes=own,
                topical_classes=topical,
                allergy_class=allergy,
                checked_against=checked if not own else (),
                components=tuple(normalise(c) for c in entry.texts("components")),
            )
            where_defined[name] = file
            for field in ("name", "synonyms", "brands", "misspellings"):
                for written in (entry.text("name"),) if field == "name" else entry.texts(field):
                    form = normalise(written)
                    if not form:
                        entry.problem(field, f"{written!r} has no letters or digits")
                        continue
                    holder = index.get(form)
                    if holder is not None and holder != name:
                        entry.problem(field, f"{written!r} is already a name of {holder}")
                        continue
                    index[form] = name
                    if field == "misspellings":
                        misspelt.add(form)
    for medicine in medicines.values():
        for component in medicine.components:
            if component not in medicines:
                problems.append(
                    f"{where_defined[medicine.name]} [{medicine.name}].components: {component!r} is not a medicine"
                )
    not_names = frozenset().union(*words.values(), *routes.values()) if words or routes else frozenset()
    lexicon = Lexicon(
        written_forms=index,
        medicines=medicines,
        longest=max((len(form.split()) for form in index), default=1),
        # A misspelling is matched only as written: as an anchor for fuzzy matching it would let an ordinary word
        # one edit from it ("warfare", one from "warfarn") be read as the medicine.
        fuzzy_forms=tuple(sorted(form for form in index if len(form) >= MIN_FUZZY_LENGTH and form not in misspelt)),
        not_names=not_names,
        topical_words=routes.get("topical", frozenset()),
        systemic_words=routes.get("systemic", frozenset()),
    )
    return classes, allergy_classes, lexicon


def _condition(
    entry: _Entry,
    modalities: Mapping[str, Modality],
    classes: Mapping[str, MedicationClass],
    allergy_classes: Mapping[str, MedicationClass],
    policy_keys: set[str],
) -> StepCondition:
    entry.allow_only(
        "families",
        "modalities",
        "findings",
        "medication_classes",
        "allergy_classes",
        "areas",
        "phototype_at_least",
        "ablative",
        "policy_flag",
    )
    flag = entry.optional_text("policy_flag")
    if flag is not None and flag not in policy_keys:
        entry.problem("policy_flag", f"{flag!r} is not a clinic-policy key")
    ablative = entry.data.get("ablative")
    if ablative is not None and not isinstance(ablative, bool):
        entry.problem("ablative", "must be true or false")
        ablative = None
    return StepCondition(
        families=frozenset(entry.texts("families", choices=MODALITY_FAMILIES)),
        modalities=frozenset(entry.texts("modalities", choices=tuple(modalities))),
        findings=frozenset(entry.texts("findings", choices=FINDINGS)),
        medication_classes=frozenset(entry.texts("medication_classes", choices=tuple(classes))),
        allergy_classes=frozenset(entry.texts("allergy_classes", choices=tuple(allergy_classes))),
        areas=frozenset(entry.texts("areas", choices=AREAS)),
        phototype_at_least=entry.text("phototype_at_least", required=False, choices=PHOTOTYPES) or None,
        ablative=ablative,
        policy_flag=flag,
    )


_COUNTS_FROM = ("last_sun_exposure",)


def _steps(
    document: object,
    modalities: Mapping[str, Modality],
    classes: Mapping[str, MedicationClass],
    allergy_classes: Mapping[str, MedicationClass],
    policy_keys: set[str],
    source_ids: set[str],
    problems: list[str],
) -> tuple[ProtocolStep, ...]:
    file = "protocols.toml"
    steps: list[ProtocolStep] = []
    placeholders = _STEP_PLACEHOLDERS | {f"allergy_{code}" for code in allergy_classes}
    for step_id, entry in _table_entries(document, file, problems):
        entry.allow_only(
            "phase",
            "text",
            "when",
            "evidence",
            "sources",
            "note",
            "days_before",
            "days_before_policy",
            "days_after",
            "for_days",
            "blocks_first_session",
            "replaces",
            "counts_from",
            "patient",
        )
        text = entry.text("text")
        patient_text = entry.text("patient")
        for placeholder in _PLACEHOLDER.findall(patient_text):
            if placeholder not in _PLACEHOLDER.findall(text):
                entry.problem("patient", f"{{{placeholder}}} is not one of the text's placeholders")
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder in policy_keys and placeholder not in _PLACEHOLDER.findall(patient_text):
                entry.problem("patient", f"must give the clinic's {{{placeholder}}} as the text does")
        for placeholder in _PLACEHOLDER.findall(text):
            if placeholder not in policy_keys and placeholder not in placeholders:
                entry.problem(
                    "text",
                    f"{{{placeholder}}} is neither a clinic-policy key nor one of {', '.join(sorted(placeholders))}",
                )
        days_before_policy = entry.optional_text("days_before_policy")
        if days_before_policy is not None and days_before_policy not in policy_keys:
            entry.problem("days_before_policy", f"{days_before_policy!r} is not a clinic-policy key")
        phase = entry.text("phase", choices=_PHASES, default="preparation")
        days_before = entry.integer("days_before", required=False)
        days_after = entry.integer("days_after", required=False)
        if phase != "preparation" and (days_before is not None or days_before_policy is not None):
            entry.problem("days_before", "only a preparation step is dated before the session")
        if phase != "aftercare" and days_after is not None:
            entry.problem("days_after", "only an aftercare step is dated after the session")
        for_days = entry.integer("for_days", required=False, minimum=1)
        if for_days is not None:
            # A duration ("for 7 days") read as a day would put the warning on its last day and none before it.
            if phase != "aftercare":
                entry.problem("for_days", "only an aftercare step lasts days after the session")
            if days_after is not None:
                entry.problem("for_days", "a step lasting days runs from the day after the session: no days_after")
            days_after = 1
        steps.append(
            ProtocolStep(
                id=step_id,
                phase=phase,
                text=text,
                when=tuple(
                    _condition(c, modalities, classes, allergy_classes, policy_keys) for c in entry.entries("when")
                ),
                evidence=entry.evidence(source_ids),
                days_before=days_before,
                days_before_policy=days_before_policy,
                days_after=days_after,
                for_days=for_days,
                blocks_first_session=entry.flag("blocks_first_session"),
                replaces=entry.texts("replaces"),
                counts_from=entry.text("counts_from", required=False, choices=_COUNTS_FROM) or None,
                patient_text=patient_text,
            )
        )
    ids = {step.id for step in steps}
    for step in steps:
        for other in step.replaces:
            if other not in ids or other == step.id:
                problems.append(f"{file} [{step.id}].replaces: {other!r} is not another step of {file}")
    return tuple(steps)


# What each clinic-policy value must be, checked for the defaults and for a clinic's file alike.
_POLICY_TYPES: dict[str, Callable[[Any], bool]] = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "bool": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
    "days_by_procedure": lambda v: (
        isinstance(v, Mapping)
        and all(k in PROCEDURE_KINDS or k == "default" for k in v)
        and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in v.values())
    ),
}


def _policy_defaults(
    document: object, source_ids: set[str], problems: list[str]
) -> tuple[dict[str, PolicyValue], dict[str, str]]:
    file = "policy.toml"
    values: dict[str, PolicyValue] = {}
    types: dict[str, str] = {}
    for key, entry in _table_entries(document, file, problems):
        entry.allow_only("value", "type", "label", "evidence", "sources", "note")
        kind = entry.text("type", choices=tuple(_POLICY_TYPES), default="int")
        value = entry.data.get("value")
        if not _POLICY_TYPES[kind](value):
            entry.problem("value", f"must be a valid {kind}, not {value!r}")
        values[key] = PolicyValue(key=key, value=value, evidence=entry.evidence(source_ids), label=entry.text("label"))
        types[key] = kind
    return values, types


def clinic_policy(
    path: str,
    defaults: Mapping[str, PolicyValue],
    types: Mapping[str, str],
    modalities: Mapping[str, Modality],
    problems: list[str],
) -> Policy:
    import hashlib
    import tomllib

    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        document = tomllib.loads(raw.decode("utf-8"))
    except OSError as error:
        problems.append(f"{name}: cannot be read: {error.strerror or error}")
        return Policy(values=dict(dict(defaults)))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{name}: not valid TOML: {error}")
        return Policy(values=dict(dict(defaults)))
    version = hashlib.sha256(raw).hexdigest()[:12]
    return policy_from_document(document, name, version, defaults, types, modalities, problems)


def policy_from_document(
    document: Mapping[str, Any],
    name: str,
    version: str,
    defaults: Mapping[str, PolicyValue],
    types: Mapping[str, str],
    modalities: Mapping[str, Modality],
    problems: list[str],
) -> Policy:
    """A clinic's policy from its parsed document (a policy file, or the practice's settings in the web app)."""
    values = dict(defaults)
    for key, value in document.items():
        if key == "prices":
            continue
        if key not in defaults:
            problems.append(f"{name}: {key}: not a clinic-policy key (known: {', '.join(sorted(defaults))})")
            continue
        if not _POLICY_TYPES[types[key]](value):
            problems.append(f"{name}: {key}: must be a valid {types[key]}, not {value!r}")
            continue
        if types[key] == "days_by_procedure":
            value = {**defaults[key].value, **value}
        default = defaults[key]
        if value != default.value:
            values[key] = PolicyValue(
                key=key,
                value=value,
                evidence=Evidence(
                    "P",
                    default.evidence.sources,
                    note=f"set by the clinic in {name}; lasercare's default is {default.value!r}",
                ),
                label=default.label,
                changed_by_clinic=True,
            )
    prices: dict[str, Price] = {}
    table = document.get("prices", {})
    if not isinstance(table, Mapping):
        problems.append(f"{name}: prices: must be a table of modality = {{ per_session, currency }}")
        table = {}
    for code, item in table.items():
        where = f"{name}: prices.{code}"
        if code not in modalities:
            problems.append(f"{where}: not a modality code")
            continue
        if not isinstance(item, Mapping):
            problems.append(f'{where}: must be {{ per_session = NUMBER, currency = "EUR" }}')
            continue
        amount, currency = item.get("per_session"), item.get("currency")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            problems.append(f"{where}.per_session: must be a number of at least 0")
            continue
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            problems.append(f"{where}.currency: must be a three-letter ISO 4217 code such as EUR")
            continue
        prices[code] = Price(per_session=float(amount), currency=currency)
    return Policy(
        values=dict(values),
        prices=dict(prices),
        origin=name,
        version=version,
    )


_ITA_CATEGORIES = ("very_light", "light", "intermediate", "tan", "brown", "dark")


def _phototype_rules(document: object, source_ids: set[str], problems: list[str]) -> PhototypeRules:
    file = "phototype.toml"
    top = _Entry(document, file, problems)
    top.allow_only("questionnaire", "ita", "ita_estimate", "ita_boundary")
    questionnaire = top.entry("questionnaire") or _Entry({}, f"{file} [questionnaire]", problems)
    questionnaire.allow_only("bands", "evidence", "sources", "note")
    bands = []
    previous = -1
    for band in questionnaire.entries("bands", required=True):
        band.allow_only("type", "max_score", "label")
        phototype = band.text("type", choices=PHOTOTYPES, default="I")
        max_score = band.integer("max_score") or 0
        if max_score <= previous:
            band.problem("max_score", "bands must rise in score")
        previous = max_score
        bands.append(QuestionnaireBand(phototype, max_score, band.text("label", required=False) or phototype))
    if previous != 40:
        questionnaire.problem("bands", "the last band must end at the highest score, 40")
    ita = top.entry("ita") or _Entry({}, f"{file} [ita]", problems)
    ita.allow_only("categories", "evidence", "sources", "note")
    categories = []
    for item in ita.entries("categories", required=True):
        item.allow_only("category", "above")
        bound = item.data.get("above")
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            item.problem("above", "must be a number of degrees")
            bound = 0
        categories.append((item.text("category", choices=_ITA_CATEGORIES, default="dark"), float(bound)))
    if [c for c, _ in categories] != list(_ITA_CATEGORIES):
        ita.problem("categories", f"must list {', '.join(_ITA_CATEGORIES)} in that order")
    estimate = top.entry("ita_estimate") or _Entry({}, f"{file} [ita_estimate]", problems)
    estimate.allow_only("map", "evidence", "sources", "note")
    mapping = estimate.entry("map")
    mapped: dict[str, str] = {}
    if mapping is not None:
        for category in _ITA_CATEGORIES:
            mapped[category] = mapping.text(category, choices=PHOTOTYPES, default="VI")
    boundary = top.entry("ita_boundary", required=False)
    margin, margin_evidence = 0.0, Evidence("P", ())
    if boundary is not None:
        boundary.allow_only("margin_deg", "evidence", "sources", "note")
        margin = boundary.number("margin_deg") or 0.0
        if not 0 <= margin <= 10:
            boundary.problem("margin_deg", "must be between 0 and 10 degrees")
        margin_evidence = boundary.evidence(source_ids)
    return PhototypeRules(
        ita_margin_deg=margin,
        ita_margin_evidence=margin_evidence,
        bands=tuple(bands),
        questionnaire_evidence=questionnaire.evidence(source_ids),
        ita_categories=tuple(categories),
        ita_evidence=ita.evidence(source_ids),
        ita_estimate=dict(mapped),
        estimate_evidence=estimate.evidence(source_ids),
    )


def _meta(document: object, problems: list[str]) -> tuple[str, dict[str, str], dict[str, str]]:
    """The version, the concern notes and their patient voice (`patient_concern_notes`, one for each note)."""
    entry = _Entry(document, "meta.toml", problems)
    entry.allow_only("version", "concern_notes", "patient_concern_notes")
    version = entry.text("version")
    found: list[dict[str, str]] = []
    for key in ("concern_notes", "patient_concern_notes"):
        notes: dict[str, str] = {}
        table = entry.entry(key, required=False)
        if table is not None:
            for concern, text in table.data.items():
                if concern not in CONCERNS:
                    table.problem(concern, "not a concern code")
                elif not isinstance(text, str) or not text:
                    table.problem(concern, "must be a non-empty string")
                else:
                    notes[concern] = text
        found.append(notes)
    notes, patient_notes = found
    for concern in notes.keys() - patient_notes.keys():
        problems.append(f"meta.toml.patient_concern_notes.{concern}: is required (the patient voice of the note)")
    return version, notes, patient_notes


def _glossary(document: object, problems: list[str]) -> tuple[GlossaryTerm, ...]:
    """glossary.toml: `[[term]]` tables of `term`, `means` and optional other `forms` of the word."""
    entry = _Entry(document, "glossary.toml", problems)
    entry.allow_only("term")
    terms = []
    for sub in entry.entries("term", required=True):
        sub.allow_only("term", "means", "forms")
        term = sub.text("term")
        forms = tuple(dict.fromkeys(f.lower() for f in (term, *sub.texts("forms")) if f))
        terms.append(GlossaryTerm(term=term, means=sub.text("means"), forms=forms))
    return tuple(terms)


def _check_text_safety(
    steps: Sequence[ProtocolStep], findings: Mapping[str, FindingDefinition], problems: list[str]
) -> None:
    """Refuse knowledge that tells a patient to stop a prescribed anticoagulant (REFERENCE.md section 3)."""
    forbidden = re.compile(
        r"(?<!not )(?<!never )\b(stop|discontinue|hold|pause|withhold)\w*\s+(taking\s+)?(your\s+|any\s+)?"
        r"(warfarin|anticoagula\w*|blood[- ]thinn\w*|antiplatelet\w*|aspirin|clopidogrel)",
        re.IGNORECASE,
    )
    texts = [(f"protocols.toml [{s.id}].text", s.text) for s in steps]
    texts += [(f"protocols.toml [{s.id}].patient", s.patient_text) for s in steps]
    for finding in findings.values():
        texts.append((f"findings.toml [{finding.code}].rationale", finding.rationale))
        texts.append((f"findings.toml [{finding.code}].patient.rationale", finding.patient_rationale))
        texts += [(f"findings.toml [{finding.code}].rules", r.rationale) for r in finding.rules]
        texts += [(f"findings.toml [{finding.code}].patient.rules", r.patient_rationale) for r in finding.rules]
        texts += [
            (f"findings.toml [{finding.code}].rules.adjustments", a)
            for r in finding.rules
            for a in r.adjustments + r.patient_adjustments
        ]
    for where, text in texts:
        if forbidden.search(text):
            problems.append(f"{where}: advises stopping an anticoagulant or antiplatelet; never do that")


def _may_apply(step: ProtocolStep, modality: Modality) -> bool:
    """Whether a step can ever apply to a modality, judged on the parts of its conditions that name modalities."""
    return not step.when or any(
        (not c.families or modality.family in c.families)
        and (not c.modalities or modality.code in c.modalities)
        and (c.ablative is None or c.ablative == modality.ablative)
        for c in step.when
    )


def build_knowledge(directory: str, names: list[str]) -> tuple[Knowledge, dict[str, str]]:
    docs, digest = _parse_files(directory, names)
    problems: list[str] = []
    for required in (
        "meta.toml",
        "phototype.toml",
        "modalities.toml",
        "findings.toml",
        "medications.toml",
        "protocols.toml",
        "policy.toml",
        "glossary.toml",
    ):
        if required not in docs:
            problems.append(f"{required}: missing from {directory}")
    if problems:
        raise KnowledgeError(problems)
    version, notes, patient_notes = _meta(docs["meta.toml"], problems)
    glossary = _glossary(docs["glossary.toml"], problems)
    sources = _sources(docs, problems)
    source_ids = set(sources)
    phototype_rules = _phototype_rules(docs["phototype.toml"], source_ids, problems)
    defaults, policy_types = _policy_defaults(docs["policy.toml"], source_ids, problems)
    policy_keys = set(defaults)
    modalities = _modalities(docs["modalities.toml"], source_ids, problems)
    classes, allergy_classes, lexicon = _medicines(docs, source_ids, problems)
    findings = _findings(
        docs["findings.toml"], modalities, classes, allergy_classes, policy_types, source_ids, problems
    )
    steps = _steps(docs["protocols.toml"], modalities, classes, allergy_classes, policy_keys, source_ids, problems)
    _check_text_safety(steps, findings, problems)
    if problems:
        raise KnowledgeError(problems)
    steps_for = {code: tuple(s for s in steps if _may_apply(s, m)) for code, m in modalities.items()}
    knowledge = Knowledge(
        version=f"{version}+{digest[:12]}",
        phototype_rules=phototype_rules,
        modalities=modalities,
        treating={c: tuple(m.code for m in modalities.values() if c in m.indications) for c in CONCERNS},
        findings=findings,
        medication_classes=classes,
        allergy_classes=allergy_classes,
        lexicon=lexicon,
        steps=steps,
        steps_for=steps_for,
        blocking_steps_for={
            code: tuple(s for s in found if s.blocks_first_session) for code, found in steps_for.items()
        },
        replacing_steps_for={code: tuple(s for s in found if s.replaces) for code, found in steps_for.items()},
        sources=sources,
        policy=Policy(values=defaults),
        notes=notes,
        patient_notes=patient_notes,
        glossary=glossary,
    )
    return knowledge, policy_types
