"""Sources as CSL-JSON items, the common currency of citation processors and Zotero."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fonds.model.dates import date_parts

__all__ = ["citation_key", "csl_item", "csl_items"]

# fonds source types → CSL item types (and a genre where the type alone says too little)
_TYPES: dict[str, tuple[str, str | None]] = {
    "book": ("book", None),
    "chapter": ("chapter", None),
    "article": ("article-journal", None),
    "newspaper-article": ("article-newspaper", None),
    "webpage": ("webpage", None),
    "archival-document": ("manuscript", None),
    "telegram": ("personal_communication", "Telegram"),
    "letter": ("personal_communication", "Letter"),
    "directive": ("document", "Directive"),
    "treaty": ("treaty", None),
    "report": ("report", None),
    "interview": ("interview", None),
    "dataset": ("dataset", None),
    "collection": ("collection", None),
    "periodical": ("periodical", None),
}
_PLAIN = {
    "title": "title",
    "container_title": "container-title",
    "publisher": "publisher",
    "publisher_place": "publisher-place",
    "volume": "volume",
    "issue": "issue",
    "pages": "page",
    "number": "number",
    "archive": "archive",
    "archive_place": "archive-place",
    "archive_collection": "archive_collection",
    "archive_location": "archive_location",
    "url": "URL",
    "language": "language",
}


def citation_key(source_id: str) -> str:
    """A stable key for a source: its id without the ``source:`` prefix."""
    return source_id.removeprefix("source:")


def _names(names: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return [{key: value for key, value in name.items() if value} for name in names]


def csl_item(source: Mapping[str, Any]) -> dict[str, Any]:
    """One source declaration as a CSL-JSON item (valid against the official schema)."""
    csl_type, genre = _TYPES.get(source["source_type"], ("document", None))
    item: dict[str, Any] = {"id": citation_key(source["id"]), "type": csl_type}
    for field, variable in _PLAIN.items():
        if source.get(field):
            item[variable] = source[field]
    if source.get("genre") or genre:
        item["genre"] = source.get("genre") or genre
    for field in ("authors", "editors", "recipients"):
        if source.get(field):
            item[{"authors": "author", "editors": "editor", "recipients": "recipient"}[field]] = (
                _names(source[field])
            )
    for field in ("issued", "accessed"):
        if source.get(field) and (parts := date_parts(source[field])) is not None:
            item[field] = parts
    item["custom"] = {
        "fonds_id": source["id"],
        "publication_status": source.get("publication_status"),
        **({"flags": list(source["flags"])} if source.get("flags") else {}),
        **({"part_of": source["part_of"]} if source.get("part_of") else {}),
    }
    if source.get("note"):
        item["note"] = source["note"]
    return item


def csl_items(sources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Source declarations as CSL-JSON items."""
    return [csl_item(source) for source in sources]
