"""Whether the name typed on a consent is the patient's own name.

A consent signed with another name than the patient's is signed by someone else, who must then say on whose behalf
and as what (a representative). People type their names in many harmless ways, and none of them should force a
patient to sign as their own representative:

- case and accents: "ZOE O'BRIEN", "Zoë O'Brien";
- spaces and punctuation: "Jean-Luc", "Jean Luc", "O'Brien", "OBrien", "O Brien", "Smith-Jones", "Smith Jones";
- middle names: "Mary Smith" or "Mary A. Smith" for Mary Anne Smith. The first and last typed words are the first
  given name and the family name; any words between must be the patient's other given names (or their initials),
  in their order.

A different family name, or a different first name, never matches. Pure Python: tested directly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class PatientName:
    """The name on the patient's record: given names (first, then middle) and the family name."""

    given_names: str
    family_name: str


def _words(text: str) -> list[str]:
    """ "  Zoë  O'Brien-Smith " -> ["zoe", "obrien", "smith"]: no case, no accents, apostrophes and dots dropped,
    hyphens and spaces between words. (The patient search's name_key reads names the same way; this module keeps its
    own copy so that it stays pure and the consent app does not lean on the patients app's internals.)"""
    kept = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char):
            continue
        if char.isalnum():
            kept.append(char)
        elif char.isspace() or char == "-":
            kept.append(" ")
    return "".join(kept).split()


def _compact(text: str) -> str:
    """One name, its words run together: "O'Brien", "O Brien" and "o-brien" are all "obrien"."""
    return "".join(_words(text))


def is_patients_name(typed: str, patient: PatientName) -> bool:
    """Whether `typed` names this patient (see the module's note for what may differ)."""
    tokens = tuple(_words(typed))
    given = tuple(_compact(word) for word in patient.given_names.split() if _compact(word))
    family = _compact(patient.family_name)
    if not tokens or not given or not family:
        return False
    return _matches(tokens, given[0], given[1:], family)


def _matches(tokens: tuple[str, ...], first: str, middles: tuple[str, ...], family: str) -> bool:
    # The typed words are cut into consecutive runs: the first name, some of the middle names in order, the family
    # name. A run's words are compared run together, so "Jean Luc" is the unit "Jean-Luc". Names are a few words
    # long: trying every cut is cheap.
    @cache
    def rest(start: int, middle: int) -> bool:
        """Whether tokens[start:] are middle names from middles[middle:] in order, then the family name."""
        for end in range(start + 1, len(tokens) + 1):
            run = "".join(tokens[start:end])
            if end == len(tokens) and run == family:
                return True
            for index in range(middle, len(middles)):
                if _is_middle(run, middles[index], single=end - start == 1) and rest(end, index + 1):
                    return True
        return False

    return any("".join(tokens[:end]) == first and rest(end, 0) for end in range(1, len(tokens)))


def _is_middle(run: str, middle: str, *, single: bool) -> bool:
    """A middle name written out, or its initial alone ("A." for Anne)."""
    return run == middle or (single and len(run) == 1 and middle.startswith(run))
