"""The vocabulary a data set may use: flags, confidence scale, roles, properties, and more.

It lives with the data (``records/vocabulary.json``) so a project can extend it; fonds ships a
default. An unknown term is reported with the closest known term.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import orjson

__all__ = ["BUILT_IN_TERMS", "TERM_GROUPS", "Vocabulary", "VocabularyError", "default_vocabulary"]

# Each group a record field draws its terms from.
TERM_GROUPS = (
    "flags",
    "roles",
    "properties",
    "predicates",
    "source_types",
    "publication_statuses",
    "locator_labels",
    "agent_types",
)


# Terms the views give a meaning to: every vocabulary knows them, so a log whose vocabulary
# file predates them (the file is hashed into every entry) can still take them.
BUILT_IN_TERMS: Mapping[str, Mapping[str, str]] = {
    "predicates": {
        "same-as": "The subject and the object are two ids of one person, place or event; "
        "every view treats them as one while this stands, and the note says why.",
    },
}


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and the place."""


@attrs.frozen(slots=True)
class Vocabulary:
    """Known terms by group, and the confidence scale in ascending order."""

    confidence: tuple[str, ...]
    terms: Mapping[str, frozenset[str]]
    descriptions: Mapping[str, Mapping[str, str]]
    property_values: Mapping[str, str]

    def knows(self, group: str, term: str) -> bool:
        """Whether ``term`` is one of the vocabulary's terms of ``group`` (``flags``, ...)."""
        if group == "confidence":
            return term in self.confidence
        return term in self.terms.get(group, frozenset())

    def suggest(self, group: str, term: str) -> str | None:
        """The known term of ``group`` closest to ``term``, if one is close."""
        known = self.confidence if group == "confidence" else sorted(self.terms.get(group, ()))
        close = difflib.get_close_matches(term, known, n=1, cutoff=0.5)
        return close[0] if close else None

    def confidence_rank(self, term: str) -> int:
        """Position on the ascending scale; -1 for an unknown term."""
        try:
            return self.confidence.index(term)
        except ValueError:
            return -1

    @classmethod
    def from_document(cls, document: Any, origin: str = "vocabulary") -> Vocabulary:
        """The vocabulary in a decoded vocabulary file; :class:`VocabularyError` naming the
        place otherwise."""
        if not isinstance(document, dict):
            raise VocabularyError(f"{origin}: /: expected a JSON object")
        scale = document.get("confidence")
        if not isinstance(scale, list) or not scale:
            raise VocabularyError(f"{origin}: /confidence: expected a non-empty list of terms")
        confidence: list[str] = []
        for i, item in enumerate(scale):
            term = item.get("term") if isinstance(item, dict) else item
            if not isinstance(term, str):
                raise VocabularyError(f"{origin}: /confidence/{i}: expected a term")
            confidence.append(term)
        terms: dict[str, frozenset[str]] = {}
        descriptions: dict[str, dict[str, str]] = {}
        values: dict[str, str] = {}
        for group in TERM_GROUPS:
            entries = document.get(group, {})
            if not isinstance(entries, dict):
                raise VocabularyError(f"{origin}: /{group}: expected an object of terms")
            built_in = BUILT_IN_TERMS.get(group, {})
            terms[group] = frozenset(entries) | frozenset(built_in)
            descriptions[group] = dict(built_in)
            for term, entry in entries.items():
                if isinstance(entry, dict):
                    descriptions[group][term] = str(entry.get("description", ""))
                    if group == "properties":
                        values[term] = str(entry.get("value", "text"))
                else:
                    descriptions[group][term] = str(entry)
        return cls(tuple(confidence), terms, descriptions, values)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        """The vocabulary in the file at ``path``."""
        try:
            document = orjson.loads(path.read_bytes())
        except OSError as exc:
            raise VocabularyError(f"{path}: cannot read: {exc.strerror}") from None
        except orjson.JSONDecodeError as exc:
            raise VocabularyError(f"{path}: not JSON: {exc}") from None
        return cls.from_document(document, str(path))


def default_vocabulary_bytes() -> bytes:
    return resources.files("fonds").joinpath("data/vocabulary.json").read_bytes()


def default_vocabulary() -> Vocabulary:
    return Vocabulary.from_document(orjson.loads(default_vocabulary_bytes()), "default vocabulary")
