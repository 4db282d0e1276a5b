"""Machine formats: CSL-JSON, BibTeX, RIS, W3C PROV, CSV, Parquet and TimelineJS.

Each is written by the library made for it (``bibtexparser``, ``rispy``, ``prov``,
``pyarrow``); only the mapping from fonds records is ours.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from fonds.exports.cite import Formatter, locator_text
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.selection import Selection
from fonds.log.base import LogStore
from fonds.model.dates import date_parts

__all__ = [
    "FACT_COLUMNS",
    "bibtex",
    "csl_json",
    "csv_table",
    "fact_rows",
    "parquet",
    "prov_document",
    "ris",
    "timelinejs",
]

# -- reference managers -----------------------------------------------------------------


def csl_json(selection: Selection) -> bytes:
    items = [csl_item(source) for source in selection.sources.values()]
    return orjson.dumps(items, option=orjson.OPT_INDENT_2) + b"\n"


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


# -- W3C PROV -----------------------------------------------------------------------------

FONDS_NS = "https://fonds.example/ns#"
ID_NS = "https://fonds.example/id/"
RECORD_NS = "https://fonds.example/record/"


def _local(entity_id: str) -> str:
    return entity_id.replace(":", ".", 1)


def prov_document(log: LogStore, as_of: Any = None) -> Any:
    """The provenance of the log as a ``prov.model.ProvDocument``.

    Every record is an entity derived from the sources it cites and attributed to the agent who
    recorded it; every append is an activity that generated it; a supersession is a revision
    (the replacement ``wasRevisionOf`` the target); a retraction invalidates its target.
    """
    from prov.model import PROV_LABEL, PROV_TYPE, ProvDocument

    document = ProvDocument()
    fonds = document.add_namespace("fonds", FONDS_NS)
    ids = document.add_namespace("fid", ID_NS)
    records = document.add_namespace("rec", RECORD_NS)
    declared: set[str] = set()
    for entry in log.entries(as_of):
        record = entry.document
        kind = record["kind"]
        node = records[entry.id]
        recorder = ids[_local(record["recorded_by"])]
        if kind == "agent" and record["id"] not in declared:
            label = next(iter(record["labels"].values()))
            document.agent(ids[_local(record["id"])], {PROV_LABEL: label})
            declared.add(record["id"])
        if record["recorded_by"] not in declared:
            document.agent(recorder)
            declared.add(record["recorded_by"])
        append = fonds[f"append-{entry.seq}"]
        document.activity(append, endTime=entry.time, other_attributes={fonds["seq"]: entry.seq})
        document.wasAssociatedWith(append, recorder)
        attributes: dict[Any, Any] = {
            PROV_TYPE: fonds[kind],
            fonds["seq"]: entry.seq,
        }
        if record.get("confidence"):
            attributes[fonds["confidence"]] = record["confidence"]
        if record.get("flags"):
            attributes[fonds["flags"]] = " ".join(record["flags"])
        if "id" in record:
            attributes[fonds["declares"]] = ids[_local(record["id"])]
        document.entity(node, attributes)
        document.wasGeneratedBy(node, append, entry.time)
        document.wasAttributedTo(node, recorder)
        if kind == "source":
            document.entity(
                ids[_local(record["id"])], {PROV_TYPE: fonds["Source"], PROV_LABEL: record["title"]}
            )
        locators: dict[str, list[str]] = {}
        for citation in record.get("citations", ()):
            locator = citation.get("locator")
            where = locators.setdefault(citation["source"], [])
            if locator:
                where.append(locator_text(locator["label"], locator["value"]))
        for source_id, where in locators.items():
            # one derivation per source: PROV-JSON cannot hold two equal statements
            extra = {fonds["locator"]: "; ".join(where)} if where else None
            document.wasDerivedFrom(node, ids[_local(source_id)], other_attributes=extra)
        if kind == "supersede":
            document.wasRevisionOf(records[record["replacement"]], records[record["target"]])
        elif kind == "retract":
            document.wasInvalidatedBy(records[record["target"]], append, entry.time)
    return document


# -- tables -------------------------------------------------------------------------------

FACT_COLUMNS = (
    "date",
    "display",
    "earliest",
    "latest",
    "kind",
    "summary",
    "subjects",
    "flags",
    "confidence",
    "sources",
    "quotes",
    "note",
    "record",
    "seq",
    "recorded",
)
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _source_text(citation: Mapping[str, Any]) -> str:
    locator = citation.get("locator")
    where = f", {locator_text(locator['label'], locator['value'])}" if locator else ""
    return f"{citation['source']}{where}"


def fact_rows(facts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per fact; lists joined with " | "."""
    rows = []
    for fact in facts:
        sources = fact.get("sources", ())
        rows.append(
            {
                "date": fact.get("date", ""),
                "display": fact.get("display", ""),
                "earliest": fact.get("earliest") or "",
                "latest": fact.get("latest") or "",
                "kind": fact["kind"],
                "summary": fact.get("summary", ""),
                "subjects": " | ".join(fact.get("subjects", ())),
                "flags": " | ".join(fact.get("flags", ())),
                "confidence": fact.get("confidence", ""),
                "sources": " | ".join(_source_text(c) for c in sources),
                "quotes": " | ".join(c["quote"] for c in sources if c.get("quote")),
                "note": fact.get("note", ""),
                "record": fact["record"],
                "seq": fact["seq"],
                "recorded": fact["recorded"],
            }
        )
    return rows


def _inert(value: Any) -> Any:
    """A cell a spreadsheet will show, never run: formulas get a leading apostrophe."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_table(selection: Selection) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FACT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in fact_rows(selection.facts):
        writer.writerow({key: _inert(value) for key, value in row.items()})
    return buffer.getvalue()


def parquet(selection: Selection, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = fact_rows(selection.facts)
    types = {"seq": pa.int64()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in FACT_COLUMNS])
    columns = {name: [row[name] for row in rows] for name in FACT_COLUMNS}
    pq.write_table(pa.table(columns, schema=schema), path)


# -- TimelineJS ---------------------------------------------------------------------------


def _timelinejs_date(fact: Mapping[str, Any], end: bool = False) -> dict[str, Any] | None:
    text = fact.get("date")
    if not text:
        return None
    parts = date_parts(text)
    if parts is None:
        return None
    chosen = parts["date-parts"][-1 if end else 0]
    if end and len(parts["date-parts"]) == 1:
        return None
    date: dict[str, Any] = {"year": chosen[0]}
    if len(chosen) > 1:
        date["month"] = chosen[1]
    if len(chosen) > 2:
        date["day"] = chosen[2]
    if not end and "T" in text and len(text) >= 16:
        date["hour"], date["minute"] = int(text[11:13]), int(text[14:16])
    date["display_date"] = fact.get("display", text)
    return date


def timelinejs(selection: Selection, formatter: Formatter, title: str) -> bytes:
    """TimelineJS 3 JSON: one slide per dated fact, its text ending with its citation."""
    import html

    items = [csl_item(source) for source in selection.sources.values()]
    facts = [f for f in selection.facts if _timelinejs_date(f) is not None]
    groups = [_cites(fact) for fact in facts]
    rendered = formatter.render(items, [g for g in groups if g]) if any(groups) else None
    notes = iter(rendered.notes if rendered else ())
    events = []
    for fact, group in zip(facts, groups, strict=True):
        citation = next(notes) if group else ""
        text = html.escape(fact.get("summary", ""))
        flags = " ".join(f"[{html.escape(flag)}]" for flag in fact.get("flags", ()))
        body = f"<p>{text}</p>" + (f"<p>{flags}</p>" if flags else "")
        if citation:
            body += f"<p><small>{citation}</small></p>"
        event: dict[str, Any] = {
            "start_date": _timelinejs_date(fact),
            "text": {"headline": html.escape(fact.get("display", "")), "text": body},
            "unique_id": fact["record"][:16],
        }
        end = _timelinejs_date(fact, end=True)
        if end is not None:
            event["end_date"] = end
        events.append(event)
    document = {"title": {"text": {"headline": html.escape(title)}}, "events": events}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _cites(fact: Mapping[str, Any]) -> list[Any]:
    from fonds.exports.cite import Cite

    cites = []
    for citation in fact.get("sources", ()):
        locator = citation.get("locator")
        cites.append(
            Cite(
                citation_key(citation["source"]),
                (locator["label"], locator["value"]) if locator else None,
            )
        )
    return cites
