"""Cite one record: a source, an entity's declaration, or any record by its hash.

(:mod:`fonds.exports.citeproc` formats citations in a CSL style; this module chooses what to
cite and adds the record itself, cited as data.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fonds.exports.citeproc import Cite, Formatter, cites, html_to_text
from fonds.exports.csl import citation_key, csl_item
from fonds.exports.selection import with_parents
from fonds.log.base import AsOf, Entry, LogStore
from fonds.problems import UsageError
from fonds.views import UnknownIdError, Views
from fonds.views.citations import citations

__all__ = ["cite"]

_HASH_PREFIX = re.compile(r"^[0-9a-f]{6,64}$")


def _entry(log: LogStore, views: Views, identifier: str, as_of: AsOf) -> Entry:
    if _HASH_PREFIX.match(identifier):
        found = [e for e in log.entries(as_of) if e.id.startswith(identifier)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(f"{identifier}: {len(found)} records start so; give more digits")
        raise UnknownIdError(identifier, [])
    seq = views.at(as_of).require(identifier)
    return next(e for e in log.entries(as_of) if e.seq == seq)


def cite(
    log: LogStore, views: Views, identifier: str, style: str, as_of: AsOf = None
) -> dict[str, Any]:
    """A note and bibliography entries for what ``identifier`` names, and the record as data."""
    entry = _entry(log, views, identifier, as_of)
    record = entry.document
    if record["kind"] == "source":
        group = [Cite(citation_key(record["id"]))]
        cited = [record["id"]]
    else:
        sources = citations(record.get("citations", ()))
        group = cites(sources)
        cited = [c.source for c in sources]
    query = views.at(as_of)
    items = []
    for source_id in with_parents(views, cited, as_of):
        seq = query.declaration(source_id)
        if seq is not None:
            items.append(csl_item(query.document(seq)))
    formatter = Formatter(style)
    result: dict[str, Any] = {"style": style, "record": entry.id}
    if group:
        rendered = formatter.render(items, [group])
        keys = {cite.key for cite in group}
        result["note_html"] = rendered.notes[0]
        result["note"] = html_to_text(rendered.notes[0])
        result["bibliography_html"] = [e for k, e in rendered.bibliography if k in keys]
        result["bibliography"] = [html_to_text(e) for e in result["bibliography_html"]]
        result["note_style"] = rendered.note_style
    quotes = [c["quote"] for c in record.get("citations", ()) if c.get("quote")]
    if quotes:
        result["quotes"] = quotes
    result["as_data"] = (
        f"fonds record {entry.id[:12]} ({record['kind']}), entry {entry.seq} of the log"
        f" “{Path(log.location).name}”, recorded {entry.time} by {record['recorded_by']};"
        f" sha256:{entry.id}"
    )
    result["proof"] = f"fonds prove {entry.id}"  # an offline proof that the record is in the log
    return result
