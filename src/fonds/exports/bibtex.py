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

The ``biblatex`` dialect writes the same sources in biblatex's own data model, as ``biber``
reads it: entry types ``@online`` (with a URL), ``@unpublished`` (archival documents),
``@dataset``, ``@periodical``, ``@article`` (in a named journal), and ``@misc`` with a ``type``
for letters, telegrams and treaties (biblatex's ``@letter`` and ``@legal`` take no author or
title); fields ``date`` (EDTF, which biblatex reads), ``journaltitle``, ``location``,
``langid``, ``urldate``; the archive,
its place, the collection and the location in it as ``library`` (biblatex's field for where a
copy is held and its call number); the recipients as ``titleaddon`` ("to Joseph Stalin"); an
unpublished or partly published source's state as ``pubstate``; and ``annotation``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.latex import CYRILLIC_COMMAND, MONTHS, PREAMBLE, latex_text, protected_title
from fonds.exports.selection import Selection

__all__ = ["DIALECTS", "bibtex", "export"]

DIALECTS = ("bibtex", "biblatex")
"""The dialects of the export: BibTeX's fields with biblatex's beside them, or biblatex's own."""

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


_ARCHIVE_FIELDS = ("archive", "archive_place", "archive_collection", "archive_location")


def _annote(source: Mapping[str, Any]) -> str:
    annote = [f"fonds: {source['id']}", f"publication status: {source['publication_status']}"]
    if source.get("flags"):
        annote.append("flags: " + ", ".join(source["flags"]))
    return "; ".join(annote)


def _adder(fields: list[tuple[str, str]]) -> Callable[..., None]:
    """A function that appends a field to ``fields``, LaTeX-escaped (a title brace-protected),
    unless its value is missing or empty."""

    def add(name: str, value: Any, *, title: bool = False) -> None:
        if value is None or value == "":
            return
        text = str(value)
        fields.append((name, "{" + (protected_title(text) if title else latex_text(text)) + "}"))

    return add


def _entry(source: Mapping[str, Any]) -> str:
    item = csl_item(source)
    fields: list[tuple[str, str]] = []
    add = _adder(fields)

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
    add("annote", _annote(source))
    kind = _BIBTEX_TYPES.get(item["type"], "misc")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{citation_key(source['id'])},\n{body}\n}}\n"


_BIBLATEX_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article-journal": "article",
    "article-newspaper": "article",
    "report": "report",
    "webpage": "online",
    "manuscript": "unpublished",
    "dataset": "dataset",
    "periodical": "periodical",
}
# BCP 47 language codes → the babel names biblatex's langid takes
_LANGIDS = {
    "en": "english", "de": "ngerman", "fr": "french", "ru": "russian", "uk": "ukrainian",
    "it": "italian", "es": "spanish", "pl": "polish", "tr": "turkish", "ja": "japanese",
}  # fmt: skip
# the fields fonds writes that biblatex's data model refuses for an entry type (biber
# --validate-datamodel), each moved to the type's own field for it or, failing one, into
# ``addendum`` with its name
_REFUSED = {
    "misc": {"booktitle", "journaltitle", "publisher", "volume", "number", "pages"},
    "online": {"booktitle", "journaltitle", "location", "publisher", "type", "volume", "number",
               "pages"},
    "incollection": {"journaltitle", "organization", "type"},
    "article": {"booktitle", "location", "organization", "publisher", "type"},
    "dataset": {"booktitle", "journaltitle", "pages", "volume"},
    "unpublished": {"booktitle", "editor", "publisher", "volume", "number", "pages",
                    "organization", "journaltitle"},
    "report": {"booktitle", "editor", "publisher", "volume", "journaltitle", "organization"},
    "periodical": {"author", "booktitle", "location", "organization", "publisher", "type",
                   "journaltitle"},
    "book": {"booktitle", "organization", "type", "journaltitle"},
}  # fmt: skip
_MOVED = {
    ("misc", "publisher"): "organization",
    ("misc", "booktitle"): "howpublished",
    ("online", "publisher"): "organization",
    ("unpublished", "publisher"): "howpublished",
    ("unpublished", "booktitle"): "howpublished",
    ("report", "publisher"): "institution",
    ("periodical", "author"): "editor",
}
_TREATY = "Treaty"
_PUBSTATES = {"unpublished": "unpublished", "selected": "partly published"}


def _biblatex_entry(source: Mapping[str, Any]) -> str:
    item = csl_item(source)
    fields: list[tuple[str, str]] = []
    add = _adder(fields)

    for name, key in (("author", "authors"), ("editor", "editors")):
        if source.get(key):
            fields.append((name, "{" + _names(source[key]) + "}"))
    add("title", source["title"], title=True)
    if source.get("recipients"):
        add("titleaddon", "to " + _plain_names(source["recipients"]))
    kind = _BIBLATEX_TYPES.get(item["type"], "misc")
    # biblatex asks a journal of an article and a URL of an online source; without it, @misc
    if (kind == "article" and not source.get("container_title")) or (
        kind == "online" and not source.get("url")
    ):
        kind = "misc"
    container = {"article": "journaltitle", "online": "organization"}.get(kind, "booktitle")
    add(container, source.get("container_title"), title=container != "organization")
    if item["type"] == "article-newspaper":
        add("entrysubtype", "newspaper")
    for name, key in (
        ("publisher", "publisher"),
        ("location", "publisher_place"),
        ("volume", "volume"),
        ("number", "issue"),
        ("pages", "pages"),
    ):
        add(name, source.get(key))
    add("date", source.get("issued"))
    add("type", item.get("genre") or (_TREATY if item["type"] == "treaty" else None))
    archive = [source.get(k) for k in _ARCHIVE_FIELDS]
    add("library", ", ".join(str(part) for part in archive if part))
    add("note", source.get("note"))
    add("url", source.get("url"))
    add("urldate", source.get("accessed"))
    add("langid", _LANGIDS.get(str(source.get("language", "")).split("-")[0]))
    add("pubstate", _PUBSTATES.get(source["publication_status"]))
    add("annotation", _annote(source))
    body = ",\n".join(f"  {name} = {value}" for name, value in _fit(kind, fields))
    return f"@{kind}{{{citation_key(source['id'])},\n{body}\n}}\n"


def _fit(kind: str, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``fields`` as biblatex's data model allows them in an entry of type ``kind``."""
    refused = _REFUSED.get(kind, set())
    written = {name for name, _ in fields}
    fitted: list[tuple[str, str]] = []
    addendum: list[str] = []
    for name, value in fields:
        target = _MOVED.get((kind, name))
        if name not in refused:
            fitted.append((name, value))
        elif target is not None and target not in written:
            fitted.append((target, value))
            written.add(target)
        else:
            addendum.append(f"{name} {value}")
    if addendum:
        fitted.append(("addendum", "{" + "; ".join(addendum) + "}"))
    return fitted


def bibtex(selection: Selection, dialect: str = "bibtex") -> str:
    """Every source of the selection as a BibTeX entry, or in biblatex's data model when
    ``dialect`` is ``"biblatex"``."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown BibTeX dialect {dialect!r}: one of {', '.join(DIALECTS)}")
    entry = _biblatex_entry if dialect == "biblatex" else _entry
    text = "\n".join(entry(source) for source in selection.sources.values())
    return PREAMBLE + "\n" + text if CYRILLIC_COMMAND in text else text


def export(context: ExportContext) -> bytes:
    """The export format ``bibtex`` (in the context's dialect)."""
    return bibtex(context.selection, context.dialect).encode()
