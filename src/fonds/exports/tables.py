"""Tables of facts, one row per fact with its sources: CSV for a spreadsheet, Parquet (written by
``pyarrow``) for pandas, DuckDB or Spark."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fonds.exports.base import ExportContext
from fonds.exports.selection import Selection, selected_facts
from fonds.problems import ArgumentError
from fonds.views.answers import FACT_COLUMNS, Fact, rows

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


def fact_table(selection: Selection) -> Any:
    """The selected facts as an Arrow table (:data:`FACT_COLUMNS`; ``seq`` an integer)."""
    return _arrow_rows(selection.facts)


def _arrow_rows(facts: Iterable[Fact]) -> Any:
    import pyarrow as pa

    table = rows(facts)
    types = {"seq": pa.int64()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in FACT_COLUMNS])
    columns = {name: [row[name] for row in table] for name in FACT_COLUMNS}
    return pa.table(columns, schema=schema)


def parquet(selection: Selection) -> bytes:
    """The selected facts as a Parquet file (:data:`FACT_COLUMNS`; ``seq`` an integer)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(fact_table(selection), sink)
    data: bytes = sink.getvalue().to_pybytes()
    return data


PARTITIONS = ("year", "kind")
"""What a partitioned Parquet export can be split by."""


def _year(earliest: str) -> int | None:
    """The year of an ISO date (``-0044-03-15T...`` included); None for none."""
    if not earliest:
        return None
    return int(earliest[: earliest.index("-", 1)])


def write_partitioned(context: ExportContext, folder: Path, by: str) -> int:
    """Write the selected facts as a hive-partitioned Parquet data set in ``folder`` (which
    must not exist yet), split ``by`` year (of the earliest moment; undated facts under the
    default partition) or kind. Every file's metadata names the log head it came from
    (``fonds.head_seq``, ``fonds.head_hash``) and the point it was read as of. The folder
    appears whole or not at all. Returns the number of facts written."""
    import os
    import tempfile

    import pyarrow as pa
    import pyarrow.dataset as ds

    if by not in PARTITIONS:
        raise ArgumentError("partition_by", by, f"expected one of {', '.join(PARTITIONS)}")
    if folder.exists():
        raise ArgumentError("out", str(folder), "a partitioned export needs a new folder")
    # the facts become Arrow rows a chunk at a time: a million facts are never held at once
    found = selected_facts(context.views, context.as_of, **context.filters)
    table = pa.concat_tables(
        [_arrow_rows(facts) for timeline in found for facts in timeline.chunks()]
        or [_arrow_rows(())]
    )
    if by == "year":
        years = [_year(value) for value in table.column("earliest").to_pylist()]
        table = table.append_column("year", pa.array(years, pa.int32()))
    head = context.log.head()
    table = table.replace_schema_metadata(
        {
            "fonds.log": context.log_name,
            "fonds.head_seq": str(head.seq if head else 0),
            "fonds.head_hash": head.hash if head else "",
            "fonds.as_of": "" if context.as_of is None else str(context.as_of),
        }
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        ds.write_dataset(
            table, staging, format="parquet", partitioning=[by], partitioning_flavor="hive",
            existing_data_behavior="overwrite_or_ignore",
        )  # fmt: skip
        os.rename(staging, folder)
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    return int(table.num_rows)


def export_csv(context: ExportContext) -> bytes:
    """The export format ``csv`` (with a byte-order mark when ``context.bom``)."""
    return ("\ufeff" if context.bom else "").encode() + csv_table(context.selection).encode()


def export_parquet(context: ExportContext) -> bytes:
    """The export format ``parquet`` (binary: it goes to a file)."""
    return parquet(context.selection)
