"""RIS: the sources as records for EndNote, Zotero and Mendeley.

Tags: TY, ID, TI, AU (authors), ED (editors), A2 (recipients of a letter or telegram), PY and DA
(issued, ``YYYY/MM/DD/``), Y2 (accessed), T2 (container), PB, CY, VL, IS, M1 (number), M3
(genre), SP/EP (pages), UR, DB (archive), AN (archive collection and location), LA, N1 (the
source's note; its fonds id and publication status; the archive's place), KW (flags).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.selection import Selection
from fonds.model.dates import date_parts

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


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_PAGES = re.compile(r"^\s*([^\s–—-]+)\s*[–—-]+\s*([^\s–—-]+)\s*$")


def _value(text: object) -> str:
    """A value on one line: line breaks and other control characters become one space, so no
    value can end its record or start another."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def _ris_name(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def _ris_date(edtf: str) -> str | None:
    """An EDTF date as RIS writes dates: ``YYYY/MM/DD/`` (parts unknown left empty)."""
    parts = date_parts(edtf)
    if parts is None:
        return None
    first = [*parts["date-parts"][0], "", ""][:3]
    year, month, day = first
    return f"{int(year):04d}/{f'{int(month):02d}' if month else ''}/" + (
        f"{int(day):02d}/" if day else "/"
    )


def _record(source: Mapping[str, Any]) -> list[tuple[str, str]]:
    item = csl_item(source)
    lines: list[tuple[str, str]] = [("TY", _RIS_TYPES.get(item["type"], "GEN"))]
    lines.append(("ID", citation_key(source["id"])))
    lines.append(("TI", source["title"]))
    lines += [("AU", _ris_name(name)) for name in source.get("authors", ())]
    lines += [("ED", _ris_name(name)) for name in source.get("editors", ())]
    lines += [("A2", _ris_name(name)) for name in source.get("recipients", ())]
    if source.get("issued") and (issued := _ris_date(source["issued"])) is not None:
        lines += [("PY", issued[:4]), ("DA", issued)]
    if source.get("accessed") and (accessed := _ris_date(source["accessed"])) is not None:
        lines.append(("Y2", accessed))
    for key, tag in (
        ("container_title", "T2"),
        ("publisher", "PB"),
        ("publisher_place", "CY"),
        ("volume", "VL"),
        ("issue", "IS"),
        ("number", "M1"),
        ("genre", "M3"),
        ("url", "UR"),
        ("archive", "DB"),
        ("language", "LA"),
    ):
        if source.get(key):
            lines.append((tag, source[key]))
    if not source.get("genre") and item.get("genre"):
        lines.append(("M3", item["genre"]))
    pages = source.get("pages")
    if pages:
        span = _PAGES.match(pages)
        lines += [("SP", span.group(1)), ("EP", span.group(2))] if span else [("SP", pages)]
    archive = [source.get(k) for k in ("archive_collection", "archive_location")]
    if any(archive):
        lines.append(("AN", ", ".join(str(part) for part in archive if part)))
    if source.get("note"):
        lines.append(("N1", source["note"]))
    lines.append(("N1", f"fonds: {source['id']}; publication status: "
                        f"{source['publication_status']}"))  # fmt: skip
    if source.get("archive_place"):
        lines.append(("N1", f"archive place: {source['archive_place']}"))
    lines += [("KW", flag) for flag in source.get("flags", ())]
    return lines


def ris(selection: Selection) -> str:
    """Every source as an RIS record, one tag a line, as the RIS specification writes them
    (``TAG  - value``, records ended by ``ER  - ``), readable by Zotero, EndNote, pandoc and
    ``rispy``."""
    out: list[str] = []
    for source in selection.sources.values():
        out += [f"{tag}  - {_value(value)}" for tag, value in _record(source)]
        out += ["ER  - ", ""]
    return "\r\n".join(out)


def export(context: ExportContext) -> bytes:
    """The export format ``ris``."""
    return ris(context.selection).encode()
