"""Pure values: record kinds, citations, ids, dates and the vocabulary."""

from fonds.model.canonical import canonical_bytes, record_hash
from fonds.model.convert import StructureError, structure_record, unstructure_record
from fonds.model.kinds import KINDS, Kind, KindTable
from fonds.model.records import (
    BUILT_IN_KINDS,
    SAME_AS,
    SAME_AS_KINDS,
    SCHEMA_VERSION,
    Agent,
    Assertion,
    Attribute,
    Citation,
    Correction,
    Entity,
    Event,
    ExternalId,
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
)

RECORD_CLASSES = {kind.name: kind.cls for kind in KINDS}
"""The built-in record classes by kind (``KINDS`` also holds kinds registered later)."""
RECORD_KINDS = KINDS.names
"""The built-in kinds' names."""
ENTITY_KINDS = KINDS.entity_kinds
"""The built-in kinds that declare entities."""

__all__ = [
    "BUILT_IN_KINDS",
    "ENTITY_KINDS",
    "KINDS",
    "RECORD_CLASSES",
    "RECORD_KINDS",
    "SAME_AS",
    "SAME_AS_KINDS",
    "SCHEMA_VERSION",
    "Agent",
    "Assertion",
    "Attribute",
    "Citation",
    "Correction",
    "Entity",
    "Event",
    "ExternalId",
    "Kind",
    "KindTable",
    "Label",
    "Locator",
    "Name",
    "Participation",
    "Passage",
    "Person",
    "Place",
    "Quotation",
    "Record",
    "Relation",
    "Retract",
    "Source",
    "StructureError",
    "Supersede",
    "canonical_bytes",
    "record_hash",
    "structure_record",
    "unstructure_record",
]
