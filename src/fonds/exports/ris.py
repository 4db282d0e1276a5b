"""RIS: the sources as records for EndNote, Zotero and Mendeley, written by ``rispy``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.selection import Selection

__all__ = ["export", "ris"]

_RIS_TYPES = {
    "book": "BOOK",
    "chapter": "CHAP",
    "article-journal": "JOUR",
    "article-newspaper": "NEWS",
    "webpage": "ELEC",
    "manuscript": "UNPB",
    "personal_communication": "PCOMM",
    "treaty": "LEGAL",
    "report": "RPRT",
    "interview": "GEN",
    "dataset": "DATA",
    "collection": "GEN",
    "document": "GEN",
    "periodical": "JFULL",
}


def _ris_name(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def ris(selection: Selection) -> str:
    """Every source as an RIS record, readable by Zotero, EndNote and ``rispy``."""
    import rispy

    entries: list[dict[str, Any]] = []
    for source in selection.sources.values():
        item = csl_item(source)
        entry: dict[str, Any] = {
            "type_of_reference": _RIS_TYPES.get(item["type"], "GEN"),
            "id": citation_key(source["id"]),
            "title": item["title"],
        }
        if "author" in item:
            entry["authors"] = [_ris_name(n) for n in item["author"]]
        if "issued" in item:
            entry["year"] = str(item["issued"]["date-parts"][0][0])
            entry["date"] = source["issued"]
        for variable, tag in (
            ("container-title", "secondary_title"),
            ("publisher", "publisher"),
            ("publisher-place", "place_published"),
            ("volume", "volume"),
            ("issue", "number"),
            ("URL", "url"),
            ("archive", "name_of_database"),
            ("archive_location", "accession_number"),
            ("language", "language"),
        ):
            if variable in item:
                entry[tag] = str(item[variable])
        notes = [f"fonds: {source['id']}", f"publication status: {source['publication_status']}"]
        notes += [f"flag: {flag}" for flag in source.get("flags", ())]
        if source.get("note"):
            notes.append(source["note"])
        entry["notes"] = notes
        entries.append(entry)
    return str(rispy.dumps(entries))


def export(context: ExportContext) -> bytes:
    """The export format ``ris``."""
    return ris(context.selection).encode()
