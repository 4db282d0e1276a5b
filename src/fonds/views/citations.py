"""Citations: read from a record's JSON, and written as text — the one place that does either.

A citation is a :class:`fonds.model.records.Citation`: a source id, a locator (``paragraph
41``), the supporting quotation and a note. The views, the renderers, the exports and the review
all write a citation as :func:`citation_text` writes it (``source:axis-talks-page, para. 41``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fonds.model.records import Citation, Locator

__all__ = [
    "LOCATOR_TERMS",
    "citation_json",
    "citation_text",
    "citations",
    "locator_text",
    "sources_text",
]

LOCATOR_TERMS = {
    "page": "p.",
    "paragraph": "para.",
    "chapter": "chap.",
    "column": "col.",
    "folio": "fol.",
    "line": "l.",
    "volume": "vol.",
    "section": "sec.",
}
"""fonds locator labels → the abbreviations of the CSL locator terms; others print as given."""


def locator_text(label: str, value: str) -> str:
    """A locator as a note prints it: ``para. 41``, ``p. 12``, ``List of persons, row 2``
    (a section is its value), ``telegram 7``."""
    term = LOCATOR_TERMS.get(label)
    if term:
        return f"{term} {value}"
    return f"{label} {value}"


def citation_text(citation: Citation) -> str:
    """A citation in one line: its source id and, when it has one, its locator
    (``source:axis-talks-page, para. 41``)."""
    locator = citation.locator
    if locator is None:
        return citation.source
    return f"{citation.source}, {locator_text(locator.label, locator.value)}"


def sources_text(sources: Iterable[Citation], separator: str = "; ") -> str:
    """Citations in one line, each as :func:`citation_text` writes it."""
    return separator.join(citation_text(citation) for citation in sources)


def _citation(raw: Mapping[str, Any]) -> Citation:
    locator = raw.get("locator")
    return Citation(
        raw["source"],
        Locator(locator["label"], locator["value"]) if locator else None,
        raw.get("quote"),
        raw.get("note"),
    )


def citations(raw: Iterable[Mapping[str, Any]]) -> tuple[Citation, ...]:
    """The ``citations`` of a record document as :class:`Citation` values."""
    return tuple([_citation(item) for item in raw])


def citation_json(citation: Citation) -> dict[str, Any]:
    """A citation as a record stores it (and the JSON views print it)."""
    result: dict[str, Any] = {"source": citation.source}
    if citation.locator is not None:
        result["locator"] = {"label": citation.locator.label, "value": citation.locator.value}
    if citation.quote is not None:
        result["quote"] = citation.quote
    if citation.note is not None:
        result["note"] = citation.note
    return result
