"""The export formats by name: the one table the command line reads (``fonds export FORMAT``).

Adding a format is one module with an ``export(context) -> bytes`` and one row here.
"""

from __future__ import annotations

from collections.abc import Mapping

from fonds.exports import bibtex, csl_json, report, ris, tables, timelinejs
from fonds.exports.base import Exporter, ExportFormat
from fonds.exports.prov import ProvExporter

__all__ = ["FORMATS"]

FORMATS: Mapping[str, Exporter] = {
    "csl-json": ExportFormat(csl_json.export),
    "bibtex": ExportFormat(bibtex.export),
    "ris": ExportFormat(ris.export),
    "prov-json": ProvExporter("json"),
    "prov-n": ProvExporter("provn"),
    "prov-xml": ProvExporter("xml"),
    "prov-ttl": ProvExporter("rdf", "turtle"),
    "prov-trig": ProvExporter("rdf", "trig"),
    "csv": ExportFormat(tables.export_csv),
    "parquet": ExportFormat(tables.export_parquet, needs_out=True),
    "timelinejs": ExportFormat(timelinejs.export),
    "md": ExportFormat(report.export_markdown),
    "html": ExportFormat(report.export_html),
}
"""Every export format, in the order the command line lists them."""
