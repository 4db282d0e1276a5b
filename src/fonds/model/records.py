"""The record kinds: frozen values, one sourced assertion each.

Every record names the schema version it was written against, who recorded it, and may carry
flags and a note. Entity declarations (person, place, event, source, agent) give an entity its
id and labels; assertions (participation, quotation, attribute, relation, passage) state
something about entities and carry citations and a confidence; corrections (supersede, retract)
name an earlier record by its hash. Optional fields default to ``None`` (absent in JSON), so a
record structures from JSON and unstructures back to the same document.
"""

from __future__ import annotations

from typing import ClassVar, TypeAlias

import attrs

SCHEMA_VERSION = 1


@attrs.frozen(slots=True)
class Locator:
    """Where in a source: a label from the vocabulary (``paragraph``, ``page``, ...) and a value."""

    label: str
    value: str


@attrs.frozen(slots=True)
class Citation:
    """A source id, the place in it, the supporting quotation and a note."""

    source: str
    locator: Locator | None = None
    quote: str | None = None
    note: str | None = None


@attrs.frozen(slots=True)
class Label:
    """A name in one language (a BCP 47 tag such as ``en``, ``ru``, ``de-Latn``)."""

    lang: str
    text: str


@attrs.frozen(slots=True)
class ExternalId:
    """An identifier of the entity in another system (``wikidata`` → ``Q2521``)."""

    scheme: str
    value: str


@attrs.frozen(slots=True)
class Name:
    """A personal name as a bibliography needs it: family and given, or one literal."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None


Labels: TypeAlias = tuple[Label, ...]
ExternalIds: TypeAlias = tuple[ExternalId, ...]
Citations: TypeAlias = tuple[Citation, ...]
Flags: TypeAlias = tuple[str, ...]


@attrs.frozen(slots=True, kw_only=True)
class Person:
    kind: ClassVar[str] = "person"
    id: str
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str
    external_ids: ExternalIds | None = None
    citations: Citations | None = None
    confidence: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Place:
    kind: ClassVar[str] = "place"
    id: str
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str
    external_ids: ExternalIds | None = None
    citations: Citations | None = None
    confidence: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Agent:
    kind: ClassVar[str] = "agent"
    id: str
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str
    agent_type: str | None = None
    external_ids: ExternalIds | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Event:
    kind: ClassVar[str] = "event"
    id: str
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations
    confidence: str
    date: str | None = None
    calendar: str | None = None
    places: tuple[str, ...] | None = None
    external_ids: ExternalIds | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Source:
    kind: ClassVar[str] = "source"
    id: str
    source_type: str
    title: str
    publication_status: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    authors: tuple[Name, ...] | None = None
    editors: tuple[Name, ...] | None = None
    recipients: tuple[Name, ...] | None = None
    issued: str | None = None
    container_title: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    number: str | None = None
    genre: str | None = None
    archive: str | None = None
    archive_place: str | None = None
    archive_collection: str | None = None
    archive_location: str | None = None
    url: str | None = None
    accessed: str | None = None
    language: str | None = None
    part_of: str | None = None
    external_ids: ExternalIds | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Participation:
    kind: ClassVar[str] = "participation"
    person: str
    event: str
    role: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations
    confidence: str
    date: str | None = None
    calendar: str | None = None
    place: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Quotation:
    kind: ClassVar[str] = "quotation"
    speaker: str
    text: str
    language: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations
    confidence: str
    addressees: tuple[str, ...] | None = None
    event: str | None = None
    date: str | None = None
    calendar: str | None = None
    original_text: str | None = None
    original_language: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Attribute:
    kind: ClassVar[str] = "attribute"
    subject: str
    property: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations
    confidence: str
    value: str | None = None
    language: str | None = None
    date: str | None = None
    calendar: str | None = None
    place: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Relation:
    kind: ClassVar[str] = "relation"
    subject: str
    predicate: str
    object: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations
    confidence: str
    date: str | None = None
    calendar: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Passage:
    """A transcribed, citable piece of a source (a paragraph of a page, a telegram's text)."""

    kind: ClassVar[str] = "passage"
    source: str
    locator: Locator
    text: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    language: str | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Supersede:
    """Record ``target`` is replaced by record ``replacement`` from this point of the log on."""

    kind: ClassVar[str] = "supersede"
    target: str
    replacement: str
    reason: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations | None = None
    flags: Flags | None = None
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Retract:
    """Record ``target`` no longer stands, from this point of the log on."""

    kind: ClassVar[str] = "retract"
    target: str
    reason: str
    schema: int = SCHEMA_VERSION
    recorded_by: str
    citations: Citations | None = None
    flags: Flags | None = None
    note: str | None = None


Entity: TypeAlias = Person | Place | Agent | Event | Source
Assertion: TypeAlias = Participation | Quotation | Attribute | Relation | Passage
Correction: TypeAlias = Supersede | Retract
Record: TypeAlias = Entity | Assertion | Correction

RECORD_CLASSES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (
        Person,
        Place,
        Agent,
        Event,
        Source,
        Participation,
        Quotation,
        Attribute,
        Relation,
        Passage,
        Supersede,
        Retract,
    )
}
ENTITY_KINDS = frozenset({"person", "place", "agent", "event", "source"})
RECORD_KINDS = tuple(RECORD_CLASSES)
