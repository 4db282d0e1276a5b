"""BibTeX: the sources as entries that BibTeX, biblatex, JabRef and Zotero read whole.

Written here rather than through a library's writer, since what matters is what real ``bibtex``
makes of each byte: every value goes through :mod:`fonds.exports.latex` (the data's braces
never close a field, LaTeX's special characters are escaped, title words with capitals are
braced so styles keep them), months are the standard macros (``month = aug``). Fields:

- the standard ones BibTeX's own styles print: ``author``, ``editor``, ``title``, ``journal`` or
  ``booktitle``, ``publisher``, ``address``, ``volume``, ``number``, ``pages``, ``year``,
  ``month``, ``type`` (the genre), ``note`` (the source's own note) and ``howpublished`` (the
  archive and its place, collection and location, and the recipients of a letter or telegram,
  in words, as ``plain.bst`` prints it for a ``@misc``);
- the biblatex and Better BibTeX ones for what BibTeX has no field for: ``date``, ``url``,
  ``urldate`` (accessed), ``language``, ``archive``, ``archive_place``,
  ``archive_collection``, ``archive_location``, ``recipient``;
- ``annote``: the source's fonds id, publication status and flags (styles do not print it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.latex import MONTHS, latex_text, protected_title
from fonds.exports.selection import Selection

__all__ = ["bibtex", "export"]

_BIBTEX_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article-journal": "article",
    "article-newspaper": "article",
    "report": "techreport",
    "webpage": "misc",
    "manuscript": "unpublished",
}


_SPLITS_NAMES = re.compile(r",|\sand\s", re.IGNORECASE)


def _name_part(text: str) -> str:
    """A name part as BibTeX reads it: braced where a comma or an "and" would split it."""
    escaped = latex_text(text)
    return f"{{{escaped}}}" if _SPLITS_NAMES.search(text) else escaped


def _names(names: Iterable[Mapping[str, str]]) -> str:
    written = []
    for name in names:
        if "literal" in name:
            written.append("{" + latex_text(name["literal"]) + "}")
        else:
            family = _name_part(name.get("family", ""))
            given = _name_part(name.get("given", ""))
            written.append(f"{family}, {given}" if given else family)
    return " and ".join(written)


def _plain_names(names: Iterable[Mapping[str, str]]) -> str:
    return ", ".join(
        name.get("literal")
        or " ".join(part for part in (name.get("given"), name.get("family")) if part)
        for name in names
    )


def _howpublished(source: Mapping[str, Any]) -> str | None:
    parts = []
    if source.get("recipients"):
        parts.append("to " + _plain_names(source["recipients"]))
    archive = [source.get(k) for k in ("archive", "archive_place")]
    archive += [source.get(k) for k in ("archive_collection", "archive_location")]
    parts.extend(str(part) for part in archive if part)
    return ", ".join(parts) or None


def _entry(source: Mapping[str, Any]) -> str:
    item = csl_item(source)
    fields: list[tuple[str, str]] = []

    def add(name: str, value: Any, *, title: bool = False) -> None:
        if value is None or value == "":
            return
        text = str(value)
        fields.append((name, "{" + (protected_title(text) if title else latex_text(text)) + "}"))

    if "author" in item:
        fields.append(("author", "{" + _names(source["authors"]) + "}"))
    if "editor" in item:
        fields.append(("editor", "{" + _names(source["editors"]) + "}"))
    add("title", source["title"], title=True)
    container = (
        "journal" if item["type"] in ("article-journal", "article-newspaper") else ("booktitle")
    )
    add(container, source.get("container_title"), title=True)
    for name, key in (
        ("publisher", "publisher"),
        ("address", "publisher_place"),
        ("volume", "volume"),
        ("number", "issue"),
        ("pages", "pages"),
    ):
        add(name, source.get(key))
    if "issued" in item:
        first = item["issued"]["date-parts"][0]
        add("year", first[0])
        if len(first) > 1:
            fields.append(("month", MONTHS[int(first[1]) - 1]))
        add("date", source["issued"])
    add("type", item.get("genre"))
    add("howpublished", _howpublished(source))
    add("note", source.get("note"))
    add("url", source.get("url"))
    add("urldate", source.get("accessed"))
    add("language", source.get("language"))
    for key in ("archive", "archive_place", "archive_collection", "archive_location"):
        add(key, source.get(key))
    if source.get("recipients"):
        fields.append(("recipient", "{" + _names(source["recipients"]) + "}"))
    annote = [f"fonds: {source['id']}", f"publication status: {source['publication_status']}"]
    if source.get("flags"):
        annote.append("flags: " + ", ".join(source["flags"]))
    add("annote", "; ".join(annote))
    kind = _BIBTEX_TYPES.get(item["type"], "misc")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{citation_key(source['id'])},\n{body}\n}}\n"


def bibtex(selection: Selection) -> str:
    """Every source of the selection as a BibTeX entry."""
    return "\n".join(_entry(source) for source in selection.sources.values())


def export(context: ExportContext) -> bytes:
    """The export format ``bibtex``."""
    return bibtex(context.selection).encode()
