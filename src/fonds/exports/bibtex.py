"""BibTeX: the sources as entries for biblatex, JabRef and BibDesk, written by
``bibtexparser``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fonds.exports.base import ExportContext
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.selection import Selection

__all__ = ["bibtex", "export"]

_BIBTEX_TYPES = {
    "book": "book",
    "chapter": "incollection",
    "article-journal": "article",
    "article-newspaper": "article",
    "report": "techreport",
    "dataset": "misc",
    "webpage": "online",
    "manuscript": "unpublished",
}


def _bibtex_value(text: str) -> str:
    # braces group in BibTeX: keep the data's braces as text, never as markup
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def _bibtex_names(names: Iterable[Mapping[str, str]]) -> str:
    written = []
    for name in names:
        if "literal" in name:
            written.append("{" + _bibtex_value(name["literal"]) + "}")
        else:
            family = _bibtex_value(name.get("family", ""))
            given = _bibtex_value(name.get("given", ""))
            written.append(f"{family}, {given}" if given else family)
    return " and ".join(written)


def bibtex(selection: Selection) -> str:
    """Every source as a BibTeX entry (biblatex field names where BibTeX has none)."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    library = Library()
    for source in selection.sources.values():
        item = csl_item(source)
        fields: list[Field] = [Field("title", _bibtex_value(item["title"]))]
        for variable, field in (("author", "author"), ("editor", "editor")):
            if variable in item:
                fields.append(Field(field, _bibtex_names(item[variable])))
        if "issued" in item:
            first = item["issued"]["date-parts"][0]
            fields.append(Field("year", str(first[0])))
            if len(first) > 1:
                fields.append(Field("month", str(first[1])))
            fields.append(Field("date", _bibtex_value(source["issued"])))
        for variable, field in (
            ("container-title", "journal" if item["type"] == "article-journal" else "booktitle"),
            ("publisher", "publisher"),
            ("publisher-place", "address"),
            ("volume", "volume"),
            ("issue", "number"),
            ("page", "pages"),
            ("URL", "url"),
            ("genre", "type"),
            ("language", "language"),
            ("archive", "archive"),
            ("archive_location", "archive_location"),
        ):
            if variable in item:
                fields.append(Field(field, _bibtex_value(str(item[variable]))))
        note = [f"fonds: {source['id']}", f"publication status: {source['publication_status']}"]
        if source.get("flags"):
            note.append("flags: " + ", ".join(source["flags"]))
        fields.append(Field("note", _bibtex_value("; ".join(note))))
        key = citation_key(source["id"])
        library.add(Entry(_BIBTEX_TYPES.get(item["type"], "misc"), key, fields))
    return str(write_string(library))


def export(context: ExportContext) -> bytes:
    """The export format ``bibtex``."""
    return bibtex(context.selection).encode()
