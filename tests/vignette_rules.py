"""What a plan must show for a clinical vignette, exactly as ../shared/vignettes/README.md defines each key.

Returns the list of reasons a plan fails its case (empty when it passes). Kept beside the tests rather than
imported from ../shared/tools so the suite runs on a clean clone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import jsonschema

OK = ("recommended", "acceptable")


def first_ok(plan: dict[str, Any]) -> dict[str, Any] | None:
    return next((o for o in plan["options"] if o["suitability"] in OK), None)


def step_texts(plan: dict[str, Any]) -> Iterator[str]:
    for part in ("preparation", "day_of", "aftercare"):
        for step in plan["protocol"].get(part, []):
            yield step["text"]


def failures(plan: dict[str, Any], case: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    expect, why = case["expect"], []
    try:
        jsonschema.validate(plan, schema)
    except jsonschema.ValidationError as error:
        return [f"schema: {error.message[:160]}"]
    by_modality = {o["modality"]: o for o in plan["options"]}
    findings: dict[str, list[dict[str, Any]]] = {}
    for finding in plan["findings"]:
        findings.setdefault(finding["code"], []).append(finding)
        if not finding["sources"]:
            why.append(f"finding {finding['code']} has no source")
    for option in plan["options"]:
        if not option["sources"]:
            why.append(f"option {option['modality']} has no source")
    if "eligible" in expect and plan["eligible"] != expect["eligible"]:
        why.append(f"eligible {plan['eligible']} != {expect['eligible']}")
    if "top_in" in expect:
        top = first_ok(plan)
        if not top or top["modality"] not in expect["top_in"]:
            why.append(f"top {top and top['modality']} not in {expect['top_in']}")
    for modality, allowed in expect.get("suitability", {}).items():
        suitability = by_modality[modality]["suitability"] if modality in by_modality else None
        if suitability is None and not set(allowed) & {"not_advised", "contraindicated"}:
            why.append(f"{modality} not offered, expected {allowed}")
        elif suitability is not None and suitability not in allowed:
            why.append(f"{modality} is {suitability}, expected {allowed}")
    for code, severities in expect.get("findings", {}).items():
        if not any(f["severity"] in severities for f in findings.get(code, [])):
            why.append(f"finding {code} {severities} missing")
    for pattern in expect.get("protocol_mentions", []):
        if not any(re.search(pattern, t, re.I) for t in step_texts(plan)):
            why.append(f"protocol never mentions /{pattern}/")
    if "forbid_step" in expect:
        texts = list(step_texts(plan)) + [f["rationale"] for f in plan["findings"]]
        texts += [o["rationale"] for o in plan["options"]]
        bad = [t for t in texts if re.search(expect["forbid_step"], t, re.I)]
        if bad:
            why.append(f"forbidden advice: {bad[0][:100]}")
    if expect.get("schedule_empty") and plan["schedule"]:
        why.append("schedule not empty")
    if "first_session_not_before" in expect and (
        not plan["schedule"] or plan["schedule"][0]["earliest_on"] < expect["first_session_not_before"]
    ):
        why.append(f"first session {plan['schedule'][:1]} before {expect['first_session_not_before']}")
    modalities = [o["modality"] for o in plan["options"]]
    for a, b in expect.get("ranks_above", []):
        if a not in modalities or (b in modalities and modalities.index(a) > modalities.index(b)):
            why.append(f"{a} does not rank above {b}")
    if "none_recommended_for" in expect:
        concern = expect["none_recommended_for"]
        if any(o["concerns"] == [concern] and o["suitability"] == "recommended" for o in plan["options"]):
            why.append(f"an option is recommended for {concern} alone")
    for modality, least in expect.get("option_sessions_at_least", {}).items():
        if modality not in by_modality or by_modality[modality]["sessions"]["min"] < least:
            why.append(f"{modality} sessions.min < {least}")
    if "phototype" in expect and plan["phototype"]["fitzpatrick"] != expect["phototype"]:
        why.append(f"phototype {plan['phototype']['fitzpatrick']} != {expect['phototype']}")
    if "phototype_basis" in expect and plan["phototype"]["basis"] != expect["phototype_basis"]:
        why.append(f"phototype basis {plan['phototype']['basis']} != {expect['phototype_basis']}")
    why += schedule_failures(plan, date.fromisoformat(case["on"]))
    return why


def schedule_failures(plan: dict[str, Any], on: date) -> list[str]:
    """The README's rules for every plan with a schedule: start on or after the consultation, keep the
    chosen option's minimum interval, and plan between its minimum and maximum number of sessions."""
    why = []
    top = first_ok(plan)
    if plan["schedule"] and top:
        days = [date.fromisoformat(s["earliest_on"]) for s in plan["schedule"]]
        if days[0] < on:
            why.append("first session before the consultation")
        gap = timedelta(weeks=top["interval_weeks"]["min"])
        if any(b - a < gap for a, b in pairwise(days)):
            why.append("sessions closer than interval_weeks.min")
        if not top["sessions"]["min"] <= len(days) <= top["sessions"]["max"]:
            why.append(f"{len(days)} sessions outside {top['sessions']}")
    return why
