"""A practice's knowledge base: lasercare's knowledge with the practice's clinic policy and price list applied."""

from __future__ import annotations

import hashlib
import threading
import tomllib
from typing import Any

from lasercare.engine import Knowledge, KnowledgeError, load_clinic_knowledge, load_knowledge
from lasercare.practice.clinic.models import PolicySetting, Practice, PriceListItem

_cache: dict[tuple[int, str], Knowledge] = {}
_lock = threading.Lock()


def parse_policy_value(text: str) -> Any:
    """A policy value as typed in the admin (a TOML value); raises ValueError with a readable message."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"not a valid value: {error}") from None


def policy_document(settings: list[PolicySetting], prices: list[PriceListItem]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for setting in settings:
        document[setting.key] = parse_policy_value(setting.value)
    if prices:
        document["prices"] = {
            item.modality: {"per_session": float(item.per_session), "currency": item.currency} for item in prices
        }
    return document


def check_policy(practice: Practice, settings: list[PolicySetting], prices: list[PriceListItem]) -> list[str]:
    """Every problem the engine finds in these settings; empty when they are usable."""
    try:
        document = policy_document(settings, prices)
    except ValueError as error:
        return [str(error)]
    try:
        load_clinic_knowledge(document, f"the clinic policy of {practice.name}", "check")
    except KnowledgeError as error:
        return list(error.problems)
    return []


def knowledge_for(practice: Practice) -> Knowledge:
    """The knowledge base plans of this practice are made with, cached until its policy changes."""
    settings = list(PolicySetting.objects.filter(practice=practice).order_by("key"))
    prices = list(PriceListItem.objects.filter(practice=practice).order_by("modality"))
    if not settings and not prices:
        return load_knowledge()
    document = policy_document(settings, prices)
    version = hashlib.sha256(repr(sorted(document.items())).encode()).hexdigest()[:12]
    key = (practice.pk, version)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    knowledge = load_clinic_knowledge(document, f"the clinic policy of {practice.name}", version)
    with _lock:
        _cache[key] = knowledge
    return knowledge
