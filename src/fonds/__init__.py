"""fonds: historical facts with provenance.

Each fact is an immutable, sourced record appended to a validated, hash-chained log; views are
derived from the log; exports are citation-ready. The names a researcher needs are here::

    import fonds
    log = fonds.open_log("records")
    for record in log.records():
        ...
"""

from fonds.log import Entry, JsonlLog, LogStore, MemoryLog, open_log
from fonds.model import (
    Agent,
    Attribute,
    Citation,
    Event,
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
    structure_record,
    unstructure_record,
)
from fonds.model.dates import DateInfo, parse_date
from fonds.model.vocabulary import Vocabulary
from fonds.problems import FondsError, InvalidRecordError, LogIntegrityError, Problem
from fonds.validate import Limits, ValidationReport, validate_files, validate_lines
from fonds.views import TimelineFilter, Views

__all__ = [
    "Agent",
    "Attribute",
    "Citation",
    "DateInfo",
    "Entry",
    "Event",
    "FondsError",
    "InvalidRecordError",
    "JsonlLog",
    "Label",
    "Limits",
    "Locator",
    "LogIntegrityError",
    "LogStore",
    "MemoryLog",
    "Name",
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
    "Supersede",
    "TimelineFilter",
    "ValidationReport",
    "Views",
    "Vocabulary",
    "open_log",
    "parse_date",
    "structure_record",
    "unstructure_record",
    "validate_files",
    "validate_lines",
]
