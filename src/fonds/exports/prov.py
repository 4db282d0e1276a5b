"""W3C PROV: the provenance of every record, written by the ``prov`` package.

One account in four serialisations: PROV-JSON, PROV-N, PROV-XML and PROV-O in Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from fonds.exports.base import ExportContext
from fonds.log.base import LogStore
from fonds.views.citations import locator_text
from fonds.views.state import RESTRICTED

__all__ = ["FONDS_NS", "ID_NS", "RECORD_NS", "ProvExporter", "prov_document"]

FONDS_NS = "https://fonds.example/ns#"
ID_NS = "https://fonds.example/id/"
RECORD_NS = "https://fonds.example/record/"


def _local(entity_id: str) -> str:
    return entity_id.replace(":", ".", 1)


# what XML 1.0 cannot hold, even as a character reference (a log written before today's rules
# may have it in a text field)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _as_is(text: str) -> str:
    return text


def prov_document(
    log: LogStore, as_of: Any = None, *, include_restricted: bool = False, xml_safe: bool = False
) -> Any:
    """The provenance of the log as a ``prov.model.ProvDocument``.

    ``xml_safe`` writes the characters XML 1.0 cannot hold (control characters other than tab
    and line ends, lone surrogates, U+FFFE and U+FFFF) as ``\\uXXXX`` in text and names.

    Every record is an entity derived from the sources it cites and attributed to the agent who
    recorded it; every append is an activity that generated it; a supersession is a revision
    (the replacement ``wasRevisionOf`` the target); a retraction invalidates its target.
    """
    from prov.model import PROV_LABEL, PROV_TYPE, ProvDocument

    document = ProvDocument()
    fonds = document.add_namespace("fonds", FONDS_NS)
    ids = document.add_namespace("fid", ID_NS)
    records = document.add_namespace("rec", RECORD_NS)
    text: Callable[[str], str] = _xml_text if xml_safe else _as_is

    def local(entity_id: str) -> str:
        return text(_local(entity_id))

    declared: set[str] = set()
    for entry in log.entries(as_of):
        record = entry.document
        if not include_restricted and RESTRICTED in record.get("flags", ()):
            continue
        kind = record["kind"]
        node = records[entry.id]
        recorder = ids[local(record["recorded_by"])]
        if kind == "agent" and record["id"] not in declared:
            label = next(iter(record["labels"].values()))
            document.agent(ids[local(record["id"])], {PROV_LABEL: text(label)})
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
            attributes[fonds["confidence"]] = text(record["confidence"])
        if record.get("flags"):
            attributes[fonds["flags"]] = text(" ".join(record["flags"]))
        if "id" in record:
            attributes[fonds["declares"]] = ids[local(record["id"])]
        document.entity(node, attributes)
        document.wasGeneratedBy(node, append, entry.time)
        document.wasAttributedTo(node, recorder)
        if kind == "source":
            document.entity(
                ids[local(record["id"])],
                {PROV_TYPE: fonds["Source"], PROV_LABEL: text(record["title"])},
            )
        locators: dict[str, list[str]] = {}
        for citation in record.get("citations", ()):
            locator = citation.get("locator")
            where = locators.setdefault(citation["source"], [])
            if locator:
                where.append(locator_text(locator["label"], locator["value"]))
        for source_id, where in locators.items():
            # one derivation per source: PROV-JSON cannot hold two equal statements
            extra = {fonds["locator"]: text("; ".join(where))} if where else None
            document.wasDerivedFrom(node, ids[local(source_id)], other_attributes=extra)
        if kind == "supersede":
            document.wasRevisionOf(
                records[text(record["replacement"])], records[text(record["target"])]
            )
        elif kind == "retract":
            document.wasInvalidatedBy(records[text(record["target"])], append, entry.time)
    return document


@attrs.frozen
class ProvExporter:
    """The provenance of the log (as of the context's point; filters do not apply) in one
    serialisation of the ``prov`` package: ``json``, ``provn``, ``xml`` or ``rdf``."""

    serialization: str
    rdf_format: str | None = None  # for "rdf": turtle (one graph) or trig (named graphs)
    needs_out: bool = False

    def export(self, context: ExportContext) -> bytes:
        """The log's provenance (as of the context's point) in this serialisation."""
        include = context.views.include_restricted
        document = prov_document(
            context.log, context.as_of, include_restricted=include,
            xml_safe=self.serialization == "xml",
        )  # fmt: skip
        options = {"rdf_format": self.rdf_format} if self.rdf_format else {}
        text: str = document.serialize(format=self.serialization, **options)
        return text.encode()
