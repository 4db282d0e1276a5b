"""Records in spreadsheets: one row a record, plain cells for everything.

The columns of a kind follow its schema:

- a text field is one column (``title``, ``date``: EDTF as typed);
- labels and external ids are one column per language or scheme: ``labels.en``,
  ``labels.de``, ``external_ids.wikidata``;
- a list of terms or ids is one cell, separated by ``;``: ``flags`` = ``secret; draft``;
- names are ``Family, Given``, separated by ``;``; a name that is not split (an institution) is
  written in braces: ``{Politburo}``;
- a locator is its label and value: ``paragraph 41``, ``page 12``;
- citations are numbered groups of columns: ``citation1.source``, ``citation1.locator``,
  ``citation1.quote``, ``citation1.note``, then ``citation2.source``, … as many as needed.

A row whose first cell starts with ``#`` is a comment: the template explains in one what an
archive must have before its example row imports; the reader passes over it.

Problems are reported by row and column, as a spreadsheet user finds them.
"""

from __future__ import annotations

import copy
import csv
import difflib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from fonds.importers.archive import Archive
from fonds.importers.draft import Draft
from fonds.model.kinds import KINDS
from fonds.problems import Problem
from fonds.schema import bundled_schema

__all__ = [
    "COMMENT",
    "EXAMPLES",
    "column_for",
    "columns",
    "read_sheet",
    "recording_agent",
    "template",
    "to_cells",
]

LIST_SEPARATOR = ";"
#: The first character of a comment row's first cell.
COMMENT = "#"
CITATION_PARTS = ("source", "locator", "quote", "note")
_CITATION_COLUMN = re.compile(r"^citation([1-9][0-9]?)\.(source|locator|quote|note)$")
_MAP_COLUMN = re.compile(r"^(labels|external_ids)\.(.+)$")


@cache
def _shapes(kind: str) -> dict[str, str]:
    """Each field of the kind and how it is written in cells: text, list, names, map,
    locator or citations (read from the kind's schema)."""
    shapes: dict[str, str] = {}
    for name, spec in bundled_schema(kind)["properties"].items():
        if name in ("kind", "schema"):
            continue
        items = spec.get("items", {}) if spec.get("type") == "array" else {}
        if name == "citations":
            shapes[name] = "citations"
        elif spec.get("type") == "array" and items.get("type") == "object":
            shapes[name] = "names"
        elif spec.get("type") == "array":
            shapes[name] = "list"
        elif (
            spec.get("type") == "object"
            and "additionalProperties" in spec
            and not spec.get("properties")
        ):
            shapes[name] = "map"
        elif spec.get("type") == "object":
            shapes[name] = "locator"
        else:
            shapes[name] = "text"
    return shapes


# One example row per kind, for the template (a kind without one gets an empty row).
EXAMPLES: dict[str, dict[str, Any]] = {
    "person": {
        "id": "person:kollontai",
        "labels": {"en": "Alexandra Kollontai", "ru": "Александра Коллонтай"},
        "external_ids": {"wikidata": "Q229079"},
        "citations": [
            {"source": "source:axis-talks-page", "locator": {"label": "paragraph", "value": "1"}}
        ],
        "confidence": "low",
        "note": "An example row: replace it with your own.",
    },
    "place": {
        "id": "place:anhalter-bahnhof",
        "labels": {"en": "Anhalter Bahnhof", "de": "Anhalter Bahnhof"},
        "confidence": "medium",
    },
    "agent": {
        "id": "agent:example-contributor",
        "labels": {"en": "An example contributor"},
        "agent_type": "person",
    },
    "event": {
        "id": "event:molotov-leaves-berlin-1940",
        "labels": {"en": "Molotov leaves Berlin"},
        "date": "1940-11-14",
        "places": ["place:berlin"],
        "citations": [
            {
                "source": "source:axis-talks-page",
                "locator": {"label": "paragraph", "value": "45"},
                "quote": "Molotov stated",
            },
            {"source": "source:stalin-molotov-telegrams-1940"},
        ],
        "confidence": "low",
        "flags": ["inferred-date", "uncorroborated"],
    },
    "source": {
        "id": "source:aprf-telegram-1940-11-13",
        "source_type": "telegram",
        "title": "Stalin to Molotov",
        "publication_status": "unpublished",
        "authors": [{"family": "Stalin", "given": "Joseph"}],
        "recipients": [{"family": "Molotov", "given": "Vyacheslav"}],
        "issued": "1940-11-13",
        "archive": "Archive of the President of the Russian Federation",
        "archive_place": "Moscow",
        "archive_collection": "fond 3, opis 64",
        "archive_location": "delo 675, list 147",
        "part_of": "source:stalin-molotov-telegrams-1940",
        "flags": ["unpublished"],
    },
    "participation": {
        "person": "person:stalin",
        "event": "event:air-raid-shelter-talks-1940-11-13",
        "role": "supervisor",
        "citations": [
            {
                "source": "source:axis-talks-page",
                "locator": {"label": "paragraph", "value": "31"},
                "quote": "was monitoring the conversations by telegram",
            }
        ],
        "confidence": "low",
        "flags": ["uncorroborated"],
    },
    "quotation": {
        "speaker": "person:molotov",
        "text": "which sea?",
        "language": "en",
        "addressees": ["person:ribbentrop"],
        "event": "event:bellevue-talks-1940-11-12",
        "date": "1940-11-12",
        "original_text": "какое море?",
        "original_language": "ru",
        "citations": [
            {
                "source": "source:axis-talks-page",
                "locator": {"label": "paragraph", "value": "13"},
                "quote": "which sea?",
            }
        ],
        "confidence": "medium",
        "flags": ["translated"],
    },
    "attribute": {
        "subject": "person:molotov",
        "property": "name-variant",
        "value": "Вячеслав Михайлович Молотов",
        "language": "ru",
        "citations": [
            {
                "source": "source:axis-talks-page",
                "locator": {"label": "section", "value": "List of persons, row 2"},
            }
        ],
        "confidence": "high",
    },
    "relation": {
        "subject": "event:german-draft-agreement-handed-over-1940-11-13",
        "predicate": "followed-by",
        "object": "event:instruction-no-18-issued",
        "citations": [
            {"source": "source:axis-talks-page", "locator": {"label": "paragraph", "value": "41"}}
        ],
        "confidence": "speculative",
    },
    "passage": {
        "source": "source:axis-talks-page",
        "locator": {"label": "paragraph", "value": "47"},
        "text": "An example passage.",
        "language": "en",
    },
    "supersede": {
        "target": "0" * 64,
        "replacement": "f" * 64,
        "reason": "The earlier record misread the date.",
    },
    "retract": {"target": "0" * 64, "reason": "Entered twice."},
}


def columns(kind: str, citations: int = 2) -> list[str]:
    """The template's columns for a kind, in schema order."""
    result: list[str] = []
    example = EXAMPLES.get(kind, {})
    for name, shape in _shapes(kind).items():
        if shape == "map":
            keys = list(example.get(name, {})) or (["en"] if name == "labels" else [])
            result.extend(f"{name}.{key}" for key in keys)
        elif shape == "citations":
            count = max(citations, len(example.get(name, ())))
            for number in range(1, count + 1):
                result.extend(f"citation{number}.{part}" for part in CITATION_PARTS)
        else:
            result.append(name)
    return result


def _name_cell(names: Sequence[Mapping[str, str]]) -> str:
    written = []
    for name in names:
        if "literal" in name:
            written.append("{" + name["literal"] + "}")
        else:
            written.append(", ".join(p for p in (name.get("family"), name.get("given")) if p))
    return f"{LIST_SEPARATOR} ".join(written)


def to_cells(kind: str, document: Mapping[str, Any]) -> dict[str, str]:
    """A record document as the cells of one row."""
    cells: dict[str, str] = {}
    for name, shape in _shapes(kind).items():
        value = document.get(name)
        if value is None:
            continue
        if shape == "map":
            cells.update({f"{name}.{key}": text for key, text in value.items()})
        elif shape == "list":
            cells[name] = f"{LIST_SEPARATOR} ".join(value)
        elif shape == "names":
            cells[name] = _name_cell(value)
        elif shape == "locator":
            cells[name] = f"{value['label']} {value['value']}"
        elif shape == "citations":
            for number, citation in enumerate(value, start=1):
                for part in CITATION_PARTS:
                    if part == "locator" and citation.get("locator"):
                        locator = citation["locator"]
                        cells[f"citation{number}.locator"] = (
                            f"{locator['label']} {locator['value']}"
                        )
                    elif part != "locator" and citation.get(part):
                        cells[f"citation{number}.{part}"] = citation[part]
        else:
            cells[name] = str(value)
    return cells


def recording_agent(agents: Sequence[Mapping[str, Any]]) -> str | None:
    """The agent new rows are recorded by: of ``agents`` (declarations in log order), the
    first one that is not a program (``fonds init --agent`` declares it as entry 1), else the
    first one; None when there is none."""
    people = [a for a in agents if a.get("agent_type") != "software"]
    chosen = people or list(agents)
    return str(chosen[0]["id"]) if chosen else None


def _fit(
    kind: str, example: Mapping[str, Any], known: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """The example made to name only what the archive declares (``known``, in log order): an
    entity it lacks is replaced by one of the same kind it has, or left out where the field is
    optional; the notes say what must be declared first where neither can be done."""
    spec = KINDS[kind]
    required = set(bundled_schema(kind).get("required", ()))
    known_set = set(known)
    by_kind: dict[str, list[str]] = {}
    for entity_id in known:
        by_kind.setdefault(KINDS.kind_of_id(entity_id) or "", []).append(entity_id)
    document = copy.deepcopy(dict(example))
    notes: list[str] = []
    used: set[str] = set()

    def fitted(entity_id: str) -> str | None:
        if entity_id in known_set:
            used.add(entity_id)
            return entity_id
        for other in by_kind.get(KINDS.kind_of_id(entity_id) or "", ()):
            if other not in used:
                used.add(other)
                return other
        return None

    def missing(field: str, entity_id: str) -> None:
        wanted = KINDS.kind_of_id(entity_id) or "entity"
        article = "an" if wanted[0] in "aeiou" else "a"
        notes.append(
            f"{field}: this archive declares no {entity_id}; declare {article} {wanted} first"
            f" (fonds template csv {wanted}) and name it here"
        )

    for ref in spec.references:
        value = document.get(ref.field)
        if value is None or ref.declares or ref.field == "recorded_by":
            continue
        ids = list(value) if ref.many else [value]
        kept = [found for found in map(fitted, ids) if found is not None]
        if len(kept) == len(ids):
            document[ref.field] = kept if ref.many else kept[0]
        elif ref.field not in required and ref.many and kept:
            document[ref.field] = kept
        elif ref.field not in required:
            del document[ref.field]
        else:
            missing(ref.field, next(i for i in ids if i not in known_set))
    if spec.citations is not None and spec.citations in document:
        citations = []
        for citation in document[spec.citations]:
            source = fitted(citation["source"])
            if source is not None:
                if source != citation["source"]:  # the quote was another source's words
                    citation = {k: v for k, v in citation.items() if k != "quote"}
                citations.append({**citation, "source": source})
        if citations:
            document[spec.citations] = citations
        elif spec.citations not in required:
            del document[spec.citations]
        else:
            for number, citation in enumerate(document[spec.citations], start=1):
                missing(f"citation{number}.source", citation["source"])
    if spec.entity and document.get("id") in known_set:
        number = 2
        while f"{document['id']}-{number}" in known_set:
            number += 1
        document["id"] = f"{document['id']}-{number}"
    for field, _ in spec.targets_in(document):
        notes.append(
            f"{field}: the hash of a record in the log, in place of the example's"
            " (fonds history ID shows the hash of each record about an entity)"
        )
    return document, notes


def template(kind: str, recorded_by: str | None = None, known: Sequence[str] | None = None) -> str:
    """A CSV header for ``kind`` and one example row, recorded by ``recorded_by``.

    Given ``known``, the entity ids an archive declares (in log order), the example names only
    entities the archive has, so it imports as it is; where it cannot, comment rows after it
    say what must be declared first. Without ``known`` the example is the fixed one.
    """
    document = dict(EXAMPLES.get(kind, {}))
    notes: list[str] = []
    if known is not None:
        document, notes = _fit(kind, document, known)
    if recorded_by is not None:
        document["recorded_by"] = recorded_by
    else:
        notes.insert(
            0,
            "recorded_by: no agent is declared to record these rows; declare yourself first"
            " (fonds init --agent ID --name NAME does so for a new archive)",
        )
    header = columns(kind)
    example = to_cells(kind, document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow([example.get(column, "") for column in header])
    for note in notes:
        writer.writerow([f"{COMMENT} {note}"])
    return buffer.getvalue()


def column_for(kind: str, pointer: str) -> str:
    """The column a JSON pointer into a row's record comes from (``-`` for the whole row)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts or not parts[0]:
        return "-"
    shape = _shapes(kind).get(parts[0])
    if shape == "map" and len(parts) > 1:
        return f"{parts[0]}.{parts[1]}"
    if shape == "citations" and len(parts) > 1 and parts[1].isdigit():
        number = int(parts[1]) + 1
        part = parts[2] if len(parts) > 2 and parts[2] in CITATION_PARTS else "source"
        return f"citation{number}.{part}"
    return parts[0]


def _problem(
    path: str, row: int, column: str, code: str, message: str, hint: str | None = None
) -> Problem:
    return Problem(path, row, column, code, message, hint, column=column)


def _parse_names(cell: str) -> list[dict[str, str]] | str:
    names: list[dict[str, str]] = []
    for part in (p.strip() for p in cell.split(LIST_SEPARATOR)):
        if not part:
            continue
        if part.startswith("{") and part.endswith("}"):
            names.append({"literal": part[1:-1].strip()})
        elif "," in part:
            family, given = (p.strip() for p in part.split(",", 1))
            names.append({"family": family, "given": given} if given else {"family": family})
        else:
            return f"expected 'Family, Given' or '{{Name}}', found {part!r}"
    return names


def _parse_locator(cell: str) -> dict[str, str] | str:
    label, _, value = cell.strip().partition(" ")
    if not value.strip():
        return f"expected a label and a value, e.g. 'paragraph 41' or 'page 12', found {cell!r}"
    return {"label": label, "value": value.strip()}


def _known_column(shapes: Mapping[str, str], column: str) -> bool:
    mapped = _MAP_COLUMN.match(column)
    if mapped is not None:
        return shapes.get(mapped.group(1)) == "map"
    if _CITATION_COLUMN.match(column):
        return "citations" in shapes
    return shapes.get(column) in ("text", "list", "names", "locator")


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with their spreadsheet row numbers (the header is row 1); blank rows left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise csv.Error(str(exc), reader.line_num) from None
        if cells and cells[0].lstrip().startswith(COMMENT):
            continue
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def read_sheet(
    path: Path, kind: str, recorded_by: str | None = None, archive: Archive | None = None
) -> Draft:
    """Read a CSV sheet of ``kind`` records, each numbered by its spreadsheet row; cells that
    cannot be read become problems (by row and column). Given the ``archive`` the rows go into,
    the draft is fitted to it (:meth:`Archive.fit`, without corrections: each row says what its
    author means): rows the log holds are left out and entities it declares are reused."""
    name = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Draft(
            (),
            (
                _problem(
                    name,
                    line,
                    "-",
                    "encoding",
                    f"not UTF-8 text (byte {exc.start}); save the sheet as CSV UTF-8",
                ),
            ),
        )
    problems: list[Problem] = []
    try:
        rows = list(_rows(text))
    except csv.Error as exc:  # a cell over the csv module's size limit, a stray NUL, ...
        row = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 1
        message = str(exc.args[0] if exc.args else exc)
        if "field larger than field limit" in message:
            message = (
                f"a cell is longer than {csv.field_size_limit():,} characters, the most one cell"
                " may hold"
            )
        return Draft((), (_problem(name, row, "-", "csv-unreadable", message),))
    if not rows:
        return Draft((), (_problem(name, 1, "-", "empty-sheet", "the sheet has no header row"),))
    _, header = rows[0]
    header = [cell.strip() for cell in header]
    shapes = _shapes(kind)
    for column in header:
        if not column or _known_column(shapes, column):
            continue
        close = difflib.get_close_matches(column, columns(kind, citations=1), n=1)
        message = f"unknown column {column!r} for {kind} records"
        problems.append(
            _problem(name, 1, column, "unknown-column", message, close[0] if close else None)
        )
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    for row, cells in rows[1:]:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                _problem(
                    name,
                    row,
                    "-",
                    "extra-cells",
                    f"{len(cells)} cells, but the header has {len(header)} columns",
                )
            )
        document: dict[str, Any] = {"kind": kind, "schema": 1}
        citations: dict[int, dict[str, Any]] = {}
        for column, cell in zip(header, cells, strict=False):
            value = cell.strip()
            if not column or not value:
                continue
            found = _CITATION_COLUMN.match(column)
            mapped = _MAP_COLUMN.match(column)
            if found:
                number, part = int(found.group(1)), found.group(2)
                target = citations.setdefault(number, {})
                if part == "locator":
                    locator = _parse_locator(value)
                    if isinstance(locator, str):
                        problems.append(_problem(name, row, column, "bad-cell", locator))
                        continue
                    target["locator"] = locator
                else:
                    target[part] = value
            elif mapped and mapped.group(1) in shapes:
                document.setdefault(mapped.group(1), {})[mapped.group(2)] = value
            elif shapes.get(column) == "list":
                document[column] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
            elif shapes.get(column) == "names":
                names = _parse_names(value)
                if isinstance(names, str):
                    problems.append(_problem(name, row, column, "bad-cell", names))
                    continue
                document[column] = names
            elif shapes.get(column) == "locator":
                locator = _parse_locator(value)
                if isinstance(locator, str):
                    problems.append(_problem(name, row, column, "bad-cell", locator))
                    continue
                document[column] = locator
            elif column in shapes:
                document[column] = value
        if citations:
            document["citations"] = [citations[n] for n in sorted(citations)]
        if "recorded_by" not in document and recorded_by:
            document["recorded_by"] = recorded_by
        records.append(document)
        numbers.append(row)
    draft = Draft(tuple(records), tuple(problems), tuple(numbers))
    return draft if archive is None else archive.fit_draft(draft, corrections=False)
