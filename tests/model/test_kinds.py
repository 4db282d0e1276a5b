"""The kinds table: held against the schemas, and enough on its own to add a kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
import pytest

from fonds.log import MemoryLog
from fonds.model.fields import cites, dated, refers, term
from fonds.model.kinds import KINDS, Kind
from fonds.model.records import SCHEMA_VERSION, Citations, Flags
from fonds.problems import InvalidRecordError
from fonds.schema import load_schema
from fonds.views import Views
from tests.helpers import AGENT, basics, cite

_DEFS = "defs.schema.json#/$defs/"


def _def_of(spec: dict[str, Any]) -> str | None:
    """The shared definition a schema property uses (directly or for its items)."""
    ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
    return str(ref).removeprefix(_DEFS) if ref else None


def _meanings(kind: Kind) -> Iterator[tuple[str, str]]:
    """(field, the definition its meaning in the table calls for)."""
    for ref in kind.references:
        if ref.declares:
            yield ref.field, f"{kind.name}Id"
        elif len(ref.kinds) == 1:
            yield ref.field, f"{next(iter(ref.kinds))}Id"
        else:
            yield ref.field, "entityId"
    for spec in kind.terms:
        yield spec.field, "locator" if spec.within else ("flags" if spec.many else "term")
    for date in kind.dates:
        yield date.field, "edtf"
    if kind.citations is not None:
        yield kind.citations, "citations"
    for field in kind.targets:
        yield field, "recordHash"


@pytest.mark.parametrize("name", KINDS.names)
def test_the_kinds_table_says_what_the_schema_says(name: str) -> None:
    kind = KINDS[name]
    properties: dict[str, Any] = dict(load_schema(name)["properties"])
    said = dict(_meanings(kind))
    for field, definition in said.items():
        assert _def_of(properties[field]) == definition, field
    # and the other way: every id, term, date, hash or citation field of the schema is in it
    meaningful = {f"{k}Id" for k in KINDS.entity_kinds} | {
        "entityId", "term", "flags", "edtf", "recordHash", "citations",
    }  # fmt: skip
    for field, spec in properties.items():
        if _def_of(spec) in meaningful:
            assert field in said, f"{name}.{field} has no meaning in the kinds table"


def test_entity_kinds_are_the_kinds_that_declare_an_id() -> None:
    assert KINDS.entity_kinds == {"person", "place", "agent", "event", "source"}
    assert KINDS.kind_of_id("person:molotov") == "person"
    assert KINDS.kind_of_id("passage:x") is None


@attrs.frozen(slots=True, kw_only=True)
class Sighting:
    """A throwaway kind for the test: a person seen at a place, on a date."""

    kind: ClassVar[str] = "sighting"
    summary: ClassVar[str] = "{person} seen at {place}[ ({note})]"
    person: str = refers("person")
    place: str = refers("place")
    schema: int = SCHEMA_VERSION
    recorded_by: str = refers("agent", about=False)
    citations: Citations = cites()
    confidence: str = term("confidence")
    date: str | None = dated()
    calendar: str | None = None
    flags: Flags | None = term("flags", default=None)
    note: str | None = None


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _DEFS + name}


SIGHTING_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://fonds.example/schema/v1/sighting.schema.json",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "schema", "recorded_by", "person", "place", "citations", "confidence"],
    "properties": {
        "kind": {"const": "sighting"},
        "schema": {"const": 1},
        "recorded_by": _ref("agentId"),
        "person": _ref("personId"),
        "place": _ref("placeId"),
        "citations": _ref("citations"),
        "confidence": _ref("term"),
        "date": _ref("edtf"),
        "calendar": _ref("calendar"),
        "flags": _ref("flags"),
        "note": _ref("text"),
    },
}


@pytest.fixture
def sighting() -> Iterator[Kind]:
    kind = KINDS.register(Sighting, SIGHTING_SCHEMA)
    yield kind
    KINDS.unregister("sighting")


def _seen(place: str = "place:berlin", date: str = "1940-11-12") -> dict[str, Any]:
    return {
        "kind": "sighting", "schema": 1, "person": "person:molotov", "place": place,
        "date": date, "citations": cite(), "confidence": "medium", "recorded_by": AGENT,
    }  # fmt: skip


def _place() -> dict[str, Any]:
    return {
        "kind": "place", "schema": 1, "id": "place:berlin", "labels": {"en": "Berlin"},
        "recorded_by": AGENT,
    }  # fmt: skip


def test_a_kind_added_through_the_table_alone_is_validated_stored_folded_and_shown(
    sighting: Kind,
) -> None:
    assert sighting.timeline_date is not None and sighting.about_single == ("person", "place")
    log = MemoryLog()
    log.append([*basics(), _place(), _seen()])
    assert log.verify(deep=True) == []
    # validation reads the table: references resolve to the right kinds, terms and dates checked
    with pytest.raises(InvalidRecordError) as caught:
        log.append([{**_seen("place:berlim", "1940-13-45"), "confidence": "sure"}])
    codes = {(p.pointer, p.code) for p in caught.value.problems}
    assert "place:berlin" in {p.suggestion for p in caught.value.problems}
    assert codes == {
        ("/place", "unknown-reference"), ("/date", "date-unparseable"),
        ("/confidence", "unknown-term"),
    }  # fmt: skip
    views = Views(log)
    entries = views.timeline(date_from="1940-11-12", date_to="1940-11-12")
    assert [_get(e, "summary") for e in entries] == ["Vyacheslav Molotov seen at Berlin"]
    seen_at = views.place("place:berlin")
    assert "sighting" in str(_json(seen_at))
    assert str(_json(views.person("person:molotov"))).count("sighting") >= 1


def test_an_unregistered_kind_is_refused_with_the_known_kinds() -> None:
    log = MemoryLog()
    log.append(basics())
    with pytest.raises(InvalidRecordError) as caught:
        log.append([_seen()])
    assert caught.value.problems[0].code == "unknown-kind"


def _get(entry: Any, key: str) -> Any:
    return entry[key] if isinstance(entry, dict) else getattr(entry, key)


def _json(answer: Any) -> Any:
    return answer if isinstance(answer, dict) else answer.to_json()


def test_a_summary_reads_its_template_with_labels_and_optional_parts() -> None:
    attribute = KINDS["attribute"]
    born = {"kind": "attribute", "subject": "person:a", "property": "born"}
    assert attribute.summarise(born, str.upper) == "PERSON:A — born"
    assert attribute.summarise({**born, "value": "x"}, str.upper) == "PERSON:A — born: x"
    assert attribute.summarise({**born, "value": ""}, str.upper) == "PERSON:A — born"
    quoted = {"kind": "quotation", "speaker": "person:a", "text": "No."}
    assert KINDS["quotation"].summarise(quoted, str.upper) == "PERSON:A: “No.”"
    assert KINDS["person"].summarise({"kind": "person", "id": "person:a"}, str.upper) == "person"
    assert KINDS["attribute"].summarise({"kind": "attribute"}, str.upper) == "attribute"
