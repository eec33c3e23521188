"""`lasercare knowledge check` and `lasercare knowledge show CODE`."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import Any

from lasercare.engine import Knowledge, KnowledgeError, load_knowledge
from lasercare.engine.knowledge_model import Evidence
from lasercare.engine.medicines import read_medicine


def _cited_ids(knowledge: Knowledge) -> set[str]:
    cited: set[str] = set()
    rules = knowledge.phototype_rules
    for evidence in (rules.questionnaire_evidence, rules.ita_evidence, rules.estimate_evidence):
        cited.update(evidence.sources)
    for modality in knowledge.modalities.values():
        cited.update(modality.sources)
    for finding in knowledge.findings.values():
        cited.update(finding.evidence.sources)
        for rule in finding.rules:
            cited.update(rule.evidence.sources)
    for cls in (*knowledge.medication_classes.values(), *knowledge.allergy_classes.values()):
        cited.update(cls.evidence.sources)
    for medicine in knowledge.lexicon.medicines.values():
        cited.update(medicine.checked_against)
    for step in knowledge.steps:
        cited.update(step.evidence.sources)
    for value in knowledge.policy.values.values():
        cited.update(value.evidence.sources)
    return cited


# The groups `check` counts sources by, and the kinds in each.
KIND_GROUPS = {
    "peer-reviewed": ("primary", "review"),
    "guideline": ("consensus", "guideline"),
    "label": ("label",),
    "manufacturer": ("manufacturer",),
    "textbook": ("textbook",),
    "clinic page": ("clinic_page", "patient_page"),
    "policy": ("practice_policy",),
}
STATUSES = ("confirmed", "mirror", "unconfirmed")


def source_counts(knowledge: Knowledge) -> dict[str, Any]:
    """The bibliography counted by kind group and by status, with the sources not confirmed at their publisher."""
    sources = knowledge.sources.values()
    group_of = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}
    return {
        "total": len(knowledge.sources),
        "by_kind": {group: sum(1 for s in sources if group_of.get(s.kind) == group) for group in KIND_GROUPS},
        "by_source_kind": {kind: sum(1 for s in sources if s.kind == kind) for kind in group_of},
        "by_status": {status: sum(1 for s in sources if s.status == status) for status in STATUSES},
        "for_patients": sum(1 for s in sources if s.for_patients),
        "not_confirmed": {
            s.id: {"status": s.status, "kind": s.kind}
            for s in sorted(sources, key=lambda s: (s.status, s.id))
            if s.status != "confirmed"
        },
    }


def check_knowledge(policy: str | None, *, as_json: bool = False) -> int:
    try:
        knowledge = load_knowledge(policy)
    except KnowledgeError as error:
        print(f"lasercare: {error}", file=sys.stderr)
        return 1
    counts = source_counts(knowledge)
    uncited = sorted(set(knowledge.sources) - _cited_ids(knowledge))
    changed = [v.key for v in knowledge.policy.values.values() if v.changed_by_clinic]
    if as_json:
        document = {
            "version": knowledge.version,
            "modalities": len(knowledge.modalities),
            "findings": len(knowledge.findings),
            "protocol_steps": len(knowledge.steps),
            "medicines": {
                "total": len(knowledge.lexicon.medicines),
                "no_laser_relevant_class": sum(1 for m in knowledge.lexicon.medicines.values() if not m.classes),
                "names": len(knowledge.lexicon.written_forms),
                "by_class": {
                    code: sum(
                        1
                        for m in knowledge.lexicon.medicines.values()
                        if code in m.classes or code in m.topical_classes
                    )
                    for code in knowledge.medication_classes
                },
                "by_allergy_class": {
                    code: sum(1 for m in knowledge.lexicon.medicines.values() if m.allergy_class == code)
                    for code in knowledge.allergy_classes
                },
            },
            "medication_classes": len(knowledge.medication_classes),
            "sources": counts,
            "uncited_sources": uncited,
            "clinic_policy": {"origin": knowledge.policy.origin, "changes": changed},
        }
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(f"knowledge base OK: version {knowledge.version}")
    print(
        f"  {len(knowledge.modalities)} modalities, {len(knowledge.findings)} findings, "
        f"{len(knowledge.steps)} protocol steps"
    )
    lexicon = knowledge.lexicon
    unclassed = sum(1 for m in lexicon.medicines.values() if not m.classes)
    print(
        f"  {len(lexicon.medicines)} medicines ({unclassed} of no laser-relevant class) under "
        f"{len(lexicon.written_forms)} names, in {len(knowledge.medication_classes)} classes and "
        f"{len(knowledge.allergy_classes)} allergy classes"
    )
    print(f"  {counts['total']} sources ({counts['for_patients']} that patients may see)")
    print("    by kind: " + ", ".join(f"{group} {n}" for group, n in counts["by_kind"].items()))
    print("    by status: " + ", ".join(f"{status} {n}" for status, n in counts["by_status"].items()))
    origin = knowledge.policy.origin
    print(f"  clinic policy: {origin}" + (f" (changes: {', '.join(changed)})" if changed else ""))
    for source, about in counts["not_confirmed"].items():
        what = "seen only as a copy on another site" if about["status"] == "mirror" else "details not confirmed"
        print(f"  note: source {source} ({about['kind']}) is {about['status']}: {what}")
    for source in uncited:
        print(f"  note: source {source} is in the bibliography but nothing cites it")
    return 0


def _evidence(evidence: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"evidence": evidence.level, "sources": list(evidence.sources)}
    if evidence.note:
        out["note"] = evidence.note
    return out


def describe(code: str, knowledge: Knowledge) -> dict[str, Any] | None:
    """What the knowledge base holds under `code`, as plain data; None when nothing matches."""
    if code in knowledge.modalities:
        m = knowledge.modalities[code]
        return {
            "kind": "modality",
            "code": m.code,
            "name": m.name,
            "family": m.family,
            "ablative": m.ablative,
            "wavelengths_nm": list(m.wavelengths_nm),
            "eyewear": {"wavelengths_nm": list(m.eyewear_nm), "text": m.eyewear_text},
            "chromophore": {"value": m.chromophore, **_evidence(m.chromophore_evidence)},
            "indications": {
                c: {"benefit": i.benefit, "role": i.role, **_evidence(i.evidence)} for c, i in m.indications.items()
            },
            "phototypes": {t: {"fit": f.fit, **_evidence(f.evidence)} for t, f in m.phototype_fit.items()},
            "pigmentary_risk": {"level": m.pigmentary_risk, **_evidence(m.pigmentary_risk_evidence)},
            "sessions": {"min": m.sessions.range.min, "max": m.sessions.range.max, **_evidence(m.sessions.evidence)},
            "interval_weeks": {
                "min": m.interval_weeks.range.min,
                "max": m.interval_weeks.range.max,
                **_evidence(m.interval_weeks.evidence),
            },
            "downtime_days": {
                "min": m.downtime_days.range.min,
                "max": m.downtime_days.range.max,
                **_evidence(m.downtime_days.evidence),
            },
            "side_effects": [{"effect": s.effect, "rate": s.rate, **_evidence(s.evidence)} for s in m.side_effects],
        }
    if code in knowledge.findings:
        f = knowledge.findings[code]
        return {
            "kind": "finding",
            "code": f.code,
            "name": f.name,
            "rationale": f.rationale,
            **_evidence(f.evidence),
            "triggers": [
                {
                    k: v
                    for k, v in {
                        "kind": t.kind,
                        "values": list(t.values),
                        "within_months": t.within_months,
                        "ever": t.ever or None,
                        "policy_window": t.policy_key,
                    }.items()
                    if v
                }
                for t in f.triggers
            ],
            "rules": [
                {
                    "applies_to": ["all"] if r.applies_to_all else list(r.modalities),
                    "severity": r.severity,
                    "cap": r.cap,
                    "rationale": r.rationale,
                    "adjustments": list(r.adjustments),
                    **_evidence(r.evidence),
                }
                for r in f.rules
            ],
        }
    if code in knowledge.medication_classes or code in knowledge.allergy_classes:
        is_allergy = code not in knowledge.medication_classes
        c = (knowledge.allergy_classes if is_allergy else knowledge.medication_classes)[code]
        lexicon = knowledge.lexicon
        members = [
            m.name
            for m in lexicon.medicines.values()
            if (m.allergy_class == code if is_allergy else code in m.classes or code in m.topical_classes)
        ]
        return {
            "kind": "allergy_class" if is_allergy else "medication_class",
            "code": c.code,
            "label": c.label,
            "note": c.note,
            **_evidence(c.evidence),
            "medicines": sorted(members),
        }
    if code in knowledge.sources:
        s = knowledge.sources[code]
        return {
            "kind": "source",
            "id": s.id,
            "citation": s.citation,
            "source_kind": s.kind,
            "link": s.link,
            "doi": s.doi,
            "pmid": s.pmid,
            "pmcid": s.pmcid,
            "url": s.url,
            "note": s.note,
            "status": s.status,
            "for_patients": s.for_patients,
        }
    if code in knowledge.policy.values:
        v = knowledge.policy.values[code]
        return {
            "kind": "policy",
            "key": v.key,
            "label": v.label,
            "value": v.value,
            "changed_by_clinic": v.changed_by_clinic,
            **_evidence(v.evidence),
        }
    reading = read_medicine(code, knowledge.lexicon)
    if reading.status == "unknown":
        return None
    described: dict[str, Any] = {
        "kind": "medication",
        "written": code,
        "status": reading.status,
        "recognised_as": " + ".join(reading.recognised) or None,
    }
    if reading.suggested:
        described["did_you_mean"] = " or ".join(reading.suggested)
    described["route"] = reading.route
    described["classes"] = [
        {"code": c, "label": knowledge.medication_classes[c].label, "note": knowledge.medication_classes[c].note}
        for c in reading.classes
    ]
    if not reading.classes:
        checked = sorted(
            {s for n in reading.recognised + reading.suggested for s in knowledge.lexicon.medicines[n].checked_against}
        )
        described["no_laser_relevant_class"] = {"checked_against": checked}
    if reading.allergy_classes:
        described["an_allergy_to_it_is"] = [knowledge.allergy_classes[c].label for c in reading.allergy_classes]
    return described


def _print_tree(value: Any, indent: str = "") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if item in (None, "", [], {}):
                continue
            if isinstance(item, dict | list) and not (isinstance(item, list) and all(isinstance(i, str) for i in item)):
                print(f"{indent}{key}:")
                _print_tree(item, indent + "  ")
            else:
                shown = ", ".join(item) if isinstance(item, list) else str(item)
                lines = textwrap.wrap(shown, width=100 - len(indent) - len(key) - 2) or [""]
                print(f"{indent}{key}: {lines[0]}")
                for line in lines[1:]:
                    print(f"{indent}{' ' * (len(key) + 2)}{line}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                print(f"{indent}-")
                _print_tree(item, indent + "  ")
            else:
                print(f"{indent}- {item}")
    else:
        print(f"{indent}{value}")


def show_knowledge(code: str, policy: str | None, *, as_json: bool) -> int:
    try:
        knowledge = load_knowledge(policy)
    except KnowledgeError as error:
        print(f"lasercare: {error}", file=sys.stderr)
        return 1
    described = describe(code, knowledge)
    if described is None:
        print(
            f"lasercare: {code!r} is not a modality, finding, medication class or name, source id or policy key "
            "known to the knowledge base. An unrecognised medication raises the unknown_medication finding.",
            file=sys.stderr,
        )
        return 2
    if as_json:
        json.dump(described, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_tree(described)
    return 0
