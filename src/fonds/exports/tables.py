"""Tables of facts, one row per fact with its sources: CSV for a spreadsheet, Parquet (written by
``pyarrow``) for pandas, DuckDB or Spark."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.selection import Selection
from fonds.views.answers import FACT_COLUMNS, rows

__all__ = ["FACT_COLUMNS", "csv_table", "export_csv", "export_parquet", "parquet"]

_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _inert(value: Any) -> Any:
    """A cell a spreadsheet will show, never run: formulas get a leading apostrophe."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_table(selection: Selection) -> str:
    """The selected facts as CSV (:data:`FACT_COLUMNS`); no cell starts a formula."""
    buffer = io.StringIO()
    # every field quoted: a bare carriage return in a value would otherwise be left unquoted
    # and read as a line end by some readers
    writer = csv.DictWriter(
        buffer, fieldnames=FACT_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_ALL
    )
    writer.writeheader()
    for row in rows(selection.facts):
        writer.writerow({key: _inert(value) for key, value in row.items()})
    return buffer.getvalue()


def parquet(selection: Selection) -> bytes:
    """The selected facts as a Parquet file (:data:`FACT_COLUMNS`; ``seq`` an integer)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = rows(selection.facts)
    types = {"seq": pa.int64()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in FACT_COLUMNS])
    columns = {name: [row[name] for row in table] for name in FACT_COLUMNS}
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns, schema=schema), sink)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def export_csv(context: ExportContext) -> bytes:
    """The export format ``csv`` (with a byte-order mark when ``context.bom``)."""
    return ("\ufeff" if context.bom else "").encode() + csv_table(context.selection).encode()


def export_parquet(context: ExportContext) -> bytes:
    """The export format ``parquet`` (binary: it goes to a file)."""
    return parquet(context.selection)
