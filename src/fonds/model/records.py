"""The record kinds: frozen values, one sourced assertion each.

Every record names the schema version it was written against, who recorded it, and may carry
flags and a note. Entity declarations (person, place, event, source, agent) give an entity its
id and labels; assertions (participation, quotation, attribute, relation, passage) state
something about entities and carry citations and a confidence; corrections (supersede, retract)
name an earlier record by its hash. Optional fields default to ``None`` (absent in JSON), so a
record structures from JSON and unstructures back to the same document.

What a field means beyond its type (it names entities of some kinds, takes a vocabulary term,
carries a date) is stated on the field (:mod:`fonds.model.fields`); :mod:`fonds.model.kinds`
reads it into the one table every layer uses. ``summary`` says how a record reads in one line:
``{field}`` is the field's value (an entity's label where the field names an entity), and a
``[...]`` part is left out when a field in it is absent.
"""

from __future__ import annotations

from typing import ClassVar, TypeAlias

import attrs

from fonds.model.fields import cites, dated, refers, targets, term

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
    """A person: an id such as ``person:molotov`` and names by language."""

    kind: ClassVar[str] = "person"
    id: str = refers(declares=True)
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    external_ids: ExternalIds | None = None
    citations: Citations | None = cites(default=None)
    confidence: str | None = term("confidence", default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Place:
    """A place: an id such as ``place:reich-chancellery`` and names by language."""

    kind: ClassVar[str] = "place"
    id: str = refers(declares=True)
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    external_ids: ExternalIds | None = None
    citations: Citations | None = cites(default=None)
    confidence: str | None = term("confidence", default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Agent:
    """Who records facts: a person, a project or a program (``agent:fonds-editors``)."""

    kind: ClassVar[str] = "agent"
    id: str = refers(declares=True)
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    agent_type: str | None = term("agent_types", default=None)
    external_ids: ExternalIds | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Event:
    """Something that happened: names, an EDTF date, places, and the citations that say so."""

    kind: ClassVar[str] = "event"
    summary: ClassVar[str] = "{id}"
    id: str = refers(declares=True)
    labels: Labels
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    date: str | None = dated()
    calendar: str | None = None
    places: tuple[str, ...] | None = refers("place", default=None)
    external_ids: ExternalIds | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Source:
    """A document described well enough to cite it (type, title, authors, archive, ...)."""

    kind: ClassVar[str] = "source"
    id: str = refers(declares=True)
    source_type: str = term("source_types")
    title: str
    publication_status: str = term("publication_statuses")
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    authors: tuple[Name, ...] | None = None
    editors: tuple[Name, ...] | None = None
    recipients: tuple[Name, ...] | None = None
    issued: str | None = dated(calendar=None, timeline=False)
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
    accessed: str | None = dated(calendar=None, timeline=False)
    language: str | None = None
    part_of: str | None = refers("source", default=None)
    external_ids: ExternalIds | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Participation:
    """A person took part in an event, in a role."""

    kind: ClassVar[str] = "participation"
    summary: ClassVar[str] = "{person} — {role} — {event}"
    identity: ClassVar[tuple[str, ...]] = ("person", "event", "role")
    person: str = refers("person")
    event: str = refers("event")
    role: str = term("roles")
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    date: str | None = dated()
    calendar: str | None = None
    place: str | None = refers("place", default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Quotation:
    """Someone said (or wrote) something, to someone, at an event or on a date."""

    kind: ClassVar[str] = "quotation"
    summary: ClassVar[str] = "{speaker}: “{text}”"
    identity: ClassVar[tuple[str, ...]] = ("speaker", "event")
    speaker: str = refers("person")
    text: str
    language: str
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    addressees: tuple[str, ...] | None = refers("person", default=None)
    event: str | None = refers("event", default=None)
    date: str | None = dated()
    calendar: str | None = None
    original_text: str | None = None
    original_language: str | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Attribute:
    """One property of an entity (born, died, a name variant, an office held, ...)."""

    kind: ClassVar[str] = "attribute"
    summary: ClassVar[str] = "{subject} — {property}[: {value}]"
    identity: ClassVar[tuple[str, ...]] = ("subject", "property")
    subject: str = refers()
    property: str = term("properties")
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    value: str | None = None
    language: str | None = None
    date: str | None = dated()
    calendar: str | None = None
    place: str | None = refers("place", default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


SAME_AS = "same-as"
"""The predicate of a relation stating that two ids name one person, place or event: every
view treats them as one while the relation stands (its ``note`` gives the reason)."""

SAME_AS_KINDS = frozenset({"person", "place", "event"})
"""The entity kinds a same-as relation may join (two ids of the same kind)."""


@attrs.frozen(slots=True, kw_only=True)
class Relation:
    """Two entities are related (a related event, part of, located in, ...).

    With the predicate :data:`SAME_AS` the subject and the object are two ids of one person,
    place or event, and ``note`` says why."""

    kind: ClassVar[str] = "relation"
    summary: ClassVar[str] = "{subject} — {predicate} — {object}"
    identity: ClassVar[tuple[str, ...]] = ("subject", "predicate", "object")
    subject: str = refers()
    predicate: str = term("predicates")
    object: str = refers()
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    date: str | None = dated()
    calendar: str | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Passage:
    """A transcribed, citable piece of a source (a paragraph of a page, a telegram's text)."""

    kind: ClassVar[str] = "passage"
    identity: ClassVar[tuple[str, ...]] = ("source", "locator")
    source: str = refers("source")
    locator: Locator = term("locator_labels", within="label")
    text: str
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    language: str | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Supersede:
    """Record ``target`` is replaced by record ``replacement`` from this point of the log on."""

    kind: ClassVar[str] = "supersede"
    target: str = targets()
    replacement: str = targets()
    reason: str
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations | None = cites(default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class Retract:
    """Record ``target`` no longer stands, from this point of the log on."""

    kind: ClassVar[str] = "retract"
    target: str = targets()
    reason: str
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations | None = cites(default=None)
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


Entity: TypeAlias = Person | Place | Agent | Event | Source
Assertion: TypeAlias = Participation | Quotation | Attribute | Relation | Passage
Correction: TypeAlias = Supersede | Retract
Record: TypeAlias = Entity | Assertion | Correction

BUILT_IN_KINDS: tuple[type[Record], ...] = (
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
"""The record classes fonds ships, in the order they are listed to users."""
