"""Loading the knowledge base (TOML files under knowledge/) and a clinic's policy file.

A cold `lasercare plan` must start fast, and parsing and checking the TOML is the slow part, so the checked
knowledge base is cached (see `_checked_knowledge`); the checking itself lives in `knowledge_validation` and is
imported only when the cache is missing or stale, or a clinic policy file is applied.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .knowledge_model import Knowledge

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any

KNOWLEDGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "knowledge")
_CACHE_FORMAT = 6


class KnowledgeError(Exception):
    """The knowledge base or a clinic policy file is broken; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str], where: str = "the knowledge base") -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {where}:\n{shown}")


SUBFOLDERS = ("sources", "medicines")


def _knowledge_files(directory: str) -> list[str]:
    """The knowledge files as paths relative to `directory`: the top level, sources/ and medicines/."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".toml"))
    for folder in SUBFOLDERS:
        path = os.path.join(directory, folder)
        if os.path.isdir(path):
            names += sorted(f"{folder}/{n}" for n in os.listdir(path) if n.endswith(".toml"))
    return [n for n in names if os.path.isfile(os.path.join(directory, n))]


def _cache_file(directory: str) -> str | None:
    configured = os.environ.get("LASERCARE_CACHE_DIR")
    if configured == "":
        return None  # caching switched off
    base = configured or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "lasercare"
    )
    # One cache file per knowledge folder, named after its path.
    name = "".join(ch if ch.isalnum() else "_" for ch in directory.strip(os.sep))[-120:]
    return os.path.join(base, f"knowledge-{name}.pickle")


def _checked_knowledge(directory: str) -> tuple[Knowledge, dict[str, str]]:
    """The checked knowledge base, from the cache when no file changed since it was written.

    The cache holds the checked result as a pickle in the user's cache folder (LASERCARE_CACHE_DIR, or
    $XDG_CACHE_HOME/lasercare; an empty LASERCARE_CACHE_DIR turns it off). It is keyed by every file's
    size and modification time, so editing a file rebuilds it; a cache that cannot be read or written only
    costs speed.
    """
    import pickle

    names = _knowledge_files(directory)
    stamp = []
    for name in names:
        info = os.stat(os.path.join(directory, name))
        stamp.append((name, info.st_size, info.st_mtime_ns))
    # The cached values are pickled engine classes: a change to the code that defines or builds them
    # invalidates the cache as surely as a change to a knowledge file.
    here = os.path.dirname(os.path.abspath(__file__))
    for module in ("knowledge_model.py", "knowledge_validation.py", "values.py", "medicines.py"):
        info = os.stat(os.path.join(here, module))
        stamp.append((module, info.st_size, info.st_mtime_ns))
    key = (_CACHE_FORMAT, directory, tuple(stamp))
    cache = _cache_file(directory)
    if cache is not None:
        try:
            with open(cache, "rb") as handle:
                cached_key, knowledge, policy_types = pickle.load(handle)
            if cached_key == key:
                return knowledge, policy_types
        except (OSError, ValueError, EOFError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
            pass
    from .knowledge_validation import build_knowledge

    knowledge, policy_types = build_knowledge(directory, names)
    if cache is not None:
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            temporary = f"{cache}.{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                pickle.dump((key, knowledge, policy_types), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, cache)
        except OSError:
            pass
    return knowledge, policy_types


def load_knowledge(policy_file: str | os.PathLike[str] | None = None, directory: str | None = None) -> Knowledge:
    """Load, check and return the knowledge base, with a clinic's policy file applied when given.

    Raises KnowledgeError listing every problem found.
    """
    knowledge, policy_types = _checked_knowledge(os.path.abspath(directory or KNOWLEDGE_DIR))
    if policy_file is None:
        return knowledge
    from .knowledge_validation import clinic_policy

    problems: list[str] = []
    policy = clinic_policy(
        os.fspath(policy_file), knowledge.policy.values, policy_types, knowledge.modalities, problems
    )
    if problems:
        raise KnowledgeError(problems, where=f"the clinic policy file {os.fspath(policy_file)}")
    return knowledge._replace(policy=policy)


def load_clinic_knowledge(
    document: Mapping[str, Any], name: str, version: str, directory: str | None = None
) -> Knowledge:
    """The knowledge base with a clinic's policy given as a document (the keys of a policy file).

    The web app keeps each practice's policy in its database rather than in a file. `name` says where the
    policy comes from (shown beside every value the clinic changed) and `version` identifies this revision in
    the plans made with it. Raises KnowledgeError listing every problem.
    """
    from .knowledge_validation import policy_from_document

    knowledge, policy_types = _checked_knowledge(os.path.abspath(directory or KNOWLEDGE_DIR))
    problems: list[str] = []
    policy = policy_from_document(
        document, name, version, knowledge.policy.values, policy_types, knowledge.modalities, problems
    )
    if problems:
        raise KnowledgeError(problems, where=name)
    return knowledge._replace(policy=policy)
