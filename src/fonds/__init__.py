"""fonds: historical facts with provenance.

Each fact is an immutable, sourced record appended to a validated, hash-chained log; views are
derived from the log; exports are citation-ready. The names a researcher needs are here::

    import fonds
    log = fonds.open_log("records")
    views = fonds.Views(log)
    for entry in views.timeline(date_from=1940, person="person:molotov"):
        print(entry.summary, "; ".join(fonds.citation_text(c) for c in entry.sources))

Records (``fonds.Person``, ...) and answers (``fonds.Fact``, ``fonds.EntityView``, ...) are
frozen values; errors are :class:`FondsError` subclasses a caller may catch. docs/reference.md
lists every name here with its documentation.
"""

from fonds.importers.draft import Draft
from fonds.log import ByteStore, Entry, Head, JsonlLog, LogStore, MemoryLog, init_log, open_log
from fonds.model import (
    KINDS,
    Agent,
    Attribute,
    Citation,
    Event,
    Kind,
    Label,
    Locator,
    Name,
    Participation,
    Passage,
    Person,
    Place,
    Quotation,
    Record,
    Relation,
    Retract,
    Source,
    Supersede,
    record_hash,
    structure_record,
    unstructure_record,
)
from fonds.model.dates import DateInfo, parse_date
from fonds.model.vocabulary import Vocabulary
from fonds.problems import (
    ArgumentError,
    FondsError,
    InvalidRecordError,
    LogIntegrityError,
    NoLogError,
    Problem,
    UnknownIdError,
    UsageError,
)
from fonds.validate import Limits, ValidationReport, validate_files, validate_lines
from fonds.views import (
    Claim,
    Conflict,
    EntityView,
    Fact,
    HistoricalDate,
    HistoryItem,
    SourceImpact,
    Timeline,
    TimelineEntry,
    TimelineFilter,
    Views,
    citation_text,
    rows,
)

__all__ = [
    "KINDS",
    "Agent",
    "ArgumentError",
    "Attribute",
    "ByteStore",
    "Citation",
    "Claim",
    "Conflict",
    "DateInfo",
    "Draft",
    "EntityView",
    "Entry",
    "Event",
    "Fact",
    "FondsError",
    "Head",
    "HistoricalDate",
    "HistoryItem",
    "InvalidRecordError",
    "JsonlLog",
    "Kind",
    "Label",
    "Limits",
    "Locator",
    "LogIntegrityError",
    "LogStore",
    "MemoryLog",
    "Name",
    "NoLogError",
    "Participation",
    "Passage",
    "Person",
    "Place",
    "Problem",
    "Quotation",
    "Record",
    "Relation",
    "Retract",
    "Source",
    "SourceImpact",
    "Supersede",
    "Timeline",
    "TimelineEntry",
    "TimelineFilter",
    "UnknownIdError",
    "UsageError",
    "ValidationReport",
    "Views",
    "Vocabulary",
    "citation_text",
    "init_log",
    "open_log",
    "parse_date",
    "record_hash",
    "rows",
    "structure_record",
    "unstructure_record",
    "validate_files",
    "validate_lines",
]
