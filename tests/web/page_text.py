"""What a person reads on a page, and the knowledge base's internal codes that must never be part of it.

The codes (modalities, findings, concerns, protocol steps, medicine classes) are the stable keys of
contracts/vocabulary.md: people read them through lasercare.practice.labels and the knowledge base's names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from django.test import Client

from lasercare.engine import codes, load_knowledge
from lasercare.practice import labels

# Elements whose content nobody reads as text on the page.
_UNREAD = frozenset({"script", "style", "template", "head"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _Reader(HTMLParser):
    def __init__(self, only_main: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.only_main = only_main
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.links: list[str] = []
        self.tel: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)
            if href.startswith("tel:"):
                self.tel.append(href)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if any(t in _UNREAD for t in self.stack):
            return
        if self.only_main and "main" not in self.stack:
            return
        self.parts.append(data)


class Page:
    """A page as read: its visible text, the links it offers and its telephone links."""

    def __init__(self, html: str, only_main: bool = False) -> None:
        reader = _Reader(only_main)
        reader.feed(html)
        reader.close()
        self.text = re.sub(r"\s+", " ", " ".join(reader.parts)).strip()
        self.links = reader.links
        self.tel = reader.tel


def _prose() -> str:
    """The words of the labels and the knowledge base's names: a one-word code that is also one of these words
    (melasma, texture) cannot be told apart from the word, so only codes that are not words are looked for."""
    knowledge = load_knowledge()
    words: list[str] = []
    for table in (labels.CONCERNS, labels.PATIENT_CONCERNS, labels.CONDITIONS, labels.AREAS, labels.PROCEDURES):
        words += [str(label) for label in table.values()]
    for modality in knowledge.modalities.values():
        words.append(modality.name)
    for finding in knowledge.findings.values():
        words += [finding.name, finding.rationale, finding.patient_name or "", finding.patient_rationale or ""]
    for step in knowledge.steps:
        words.append(step.text)
    return " ".join(words).lower()


@cache
def knowledge_codes() -> frozenset[str]:
    """The codes of the knowledge base that a person must never read as a word."""
    knowledge = load_knowledge()
    found = {*knowledge.modalities, *knowledge.findings, *codes.CONCERNS, *knowledge.medication_classes}
    found |= {step.id for step in knowledge.steps}
    families = {m.family for m in knowledge.modalities.values()}
    found |= families | {f"family:{family}" for family in families}
    prose = _prose()
    return frozenset(
        code
        for code in found
        if re.search(r"[_:-]", code) or not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", prose)
    )


def codes_in(text: str) -> list[str]:
    """The knowledge codes written as words in `text` (case-sensitive: a code is lower case; 'IPL' is a name)."""
    return sorted(code for code in knowledge_codes() if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/-])", text))


def crawl(
    client: Client,
    start: Iterable[str],
    follow: Callable[[str], bool],
    limit: int = 400,
    per_kind: int = 0,
    only_main: bool = False,
) -> dict[str, Page]:
    """Every page reachable from `start` by links that `follow` accepts, read as `client` sees them. With
    `per_kind`, at most that many pages of one kind (the same path with its ids taken out) are read."""
    queue = list(start)
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    pages: dict[str, Page] = {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        kind = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "#", path)
        if per_kind and kinds.get(kind, 0) >= per_kind:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        page = Page(response.content.decode(), only_main)
        pages[path] = page
        for href in page.links:
            url = urlparse(urljoin("http://testserver" + path, href))
            if url.netloc in ("testserver", "") and follow(url.path):
                queue.append(url.path)
    return pages
