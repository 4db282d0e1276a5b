"""CSL-JSON: the sources as items for Zotero and every citation processor."""

from __future__ import annotations

import orjson

from fonds.exports.base import ExportContext
from fonds.exports.csl import csl_item
from fonds.exports.selection import Selection

__all__ = ["csl_json", "export"]


def csl_json(selection: Selection) -> bytes:
    """The selection's sources as a CSL-JSON array (valid against the official schema)."""
    items = [csl_item(source) for source in selection.sources.values()]
    return orjson.dumps(items, option=orjson.OPT_INDENT_2) + b"\n"


def export(context: ExportContext) -> bytes:
    """The export format ``csl-json``."""
    return csl_json(context.selection)
