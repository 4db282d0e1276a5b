"""The schemas and the attrs classes describe the same records, in both directions."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from fonds.model import RECORD_KINDS, Record, structure_record, unstructure_record
from fonds.schema import bundled_schema, conforms, load_schema, schema_failures, validator_for
from fonds.validate import canonical_bytes
from tests.strategies import records


@pytest.mark.parametrize("name", ["defs", "record", *RECORD_KINDS])
def test_every_schema_passes_the_draft_2020_12_metaschema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_property_has_a_description_and_no_extra_fields_are_allowed(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["additionalProperties"] is False
    assert schema["$id"].endswith(f"/{kind}.schema.json")
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{kind}.{name} has no description"


def test_every_shared_definition_has_a_description() -> None:
    for name, definition in load_schema("defs")["$defs"].items():
        assert definition.get("description"), name


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_every_record_value_unstructures_to_a_schema_valid_document(record: Record) -> None:
    document = unstructure_record(record)
    failures = list(schema_failures(record.kind, document))
    assert failures == []
    assert list(validator_for("record").iter_errors(document)) == []
    assert structure_record(document) == record


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_sorted_orjson_is_the_rfc8785_canonical_form(record: Record) -> None:
    document = unstructure_record(record)
    assert canonical_bytes(document) == rfc8785.dumps(document)


def _documents(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return from_schema(bundled_schema(kind))  # type: ignore[return-value]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_schema_valid_document_structures_and_comes_back_unchanged(kind: str) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_documents(kind))
    def check(document: dict[str, Any]) -> None:
        record = structure_record(document)
        assert unstructure_record(record) == document
        assert canonical_bytes(document) == rfc8785.dumps(document)

    check()


def test_records_are_values() -> None:
    from fonds.model import Label, Person

    a = Person(id="person:a", labels=(Label("en", "A"),), recorded_by="agent:x")
    b = Person(id="person:a", labels=(Label("en", "A"),), recorded_by="agent:x")
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.id = "person:b"  # type: ignore[misc]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _mutated(kind: str) -> st.SearchStrategy[Any]:
    """Valid documents broken in one place: a field dropped, added, or given another value."""

    def mutate(document: dict[str, Any], data: st.DataObject) -> Any:
        changed = dict(document)
        how = data.draw(st.sampled_from(["drop", "add", "replace", "url"]))
        if how == "drop" and changed:
            changed.pop(data.draw(st.sampled_from(sorted(changed))))
        elif how == "add":
            changed[data.draw(st.text(max_size=10))] = data.draw(_json_values)
        elif how == "url":
            changed["url"] = data.draw(
                st.sampled_from(
                    [
                        "not a uri",
                        "https://x.org/a b",
                        "mailto:x@y.z",
                        "https://example.org/p?q=1#f",
                        "",
                    ]
                )
            )
        elif changed:
            changed[data.draw(st.sampled_from(sorted(changed)))] = data.draw(_json_values)
        return changed

    return st.tuples(_documents(kind), st.data()).map(lambda pair: mutate(*pair))


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_the_fast_gate_accepts_exactly_what_jsonschema_accepts(kind: str) -> None:
    validator = validator_for(kind)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_documents(kind) | _mutated(kind) | _json_values)
    def check(document: Any) -> None:
        assert conforms(kind, document) == validator.is_valid(document)

    check()
