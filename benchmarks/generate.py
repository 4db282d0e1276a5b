"""Realistic synthetic fonds logs of any size, deterministic from a seed.

Every record kind appears in proportions like those of a prosopography project: many
participations and attributes, fewer events and persons, a few sources and corrections.
Assertions carry 1-4 citations, events 0-6 participants, dates in every EDTF form the model
handles (mostly plain days; some with times, uncertain, approximate, intervals, months,
years, open ends, Julian), labels in several scripts.

    python benchmarks/generate.py 100000 --out log-100k          # a log directory
    python benchmarks/generate.py 1000 --jsonl contribution.jsonl  # records only
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from fonds.log.chain import GENESIS, encode_entry
from fonds.log.jsonl import LOG_FILE, JsonlLog
from fonds.validate import canonical_bytes, record_hash

AGENT = "agent:bench-editors"
_GIVEN = ["Anna", "Ivan", "Marta", "Jānis", "Józef", "Helmut", "Olga", "Pierre", "Lina", "Erik"]
_FAMILY = ["Berzins", "Kowalski", "Schmidt", "Petrov", "Dubois", "Ozols", "Novak", "Larsen"]
_CYRILLIC = ["Иван", "Ольга", "Пётр", "Мария", "Николай"]
_GREEK = ["Νίκος", "Ελένη", "Γιώργος"]
_CJK = ["李明", "王芳", "田中", "佐藤"]
_ARABIC = ["محمد", "فاطمة", "علي"]
_ROLES = ["participant", "negotiator", "host", "guest", "author", "sender", "recipient"]
_FLAGS = ["unpublished", "secret", "draft", "disputed", "uncorroborated", "translated"]
_CONFIDENCE = ["low", "medium", "high", "certain"]
_PREDICATES = ["related-event", "part-of", "concerns", "followed-by"]
_PROPERTIES = ["held-office", "occupation", "nationality", "name-variant", "description"]


class Generator:
    """Yields record documents; every reference points at an entity declared before it."""

    def __init__(self, seed: int = 1940) -> None:
        self.rng = random.Random(seed)
        self.persons: list[str] = []
        self.places: list[str] = []
        self.events: list[str] = []
        self.sources: list[str] = []
        self.assertions: list[str] = []
        self.born: dict[str, int] = {}
        self.counter = 0
        self.pending: dict[str, Any] | None = None

    def _id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}:{kind[:2]}{self.counter}"

    def _date(self, year_low: int = 1700, year_high: int = 1990) -> str:
        rng = self.rng
        year = rng.randint(year_low, year_high)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        roll = rng.random()
        if roll < 0.60:
            return f"{year:04d}-{month:02d}-{day:02d}"
        if roll < 0.70:
            hour, minute = rng.randint(0, 23), rng.randint(0, 59)
            return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00"
        if roll < 0.78:
            return f"{year:04d}-{month:02d}"
        if roll < 0.83:
            return f"{year:04d}"
        if roll < 0.87:
            return f"{year:04d}-{month:02d}-{day:02d}?"
        if roll < 0.90:
            return f"{year:04d}~"
        if roll < 0.96:
            return f"{year:04d}-{month:02d}/{year + rng.randint(0, 2):04d}-{month:02d}"
        if roll < 0.98:
            return f"../{year:04d}"
        return f"{year:04d}-{month:02d}-{day:02d}"  # read as Julian below

    def _labels(self) -> dict[str, str]:
        rng = self.rng
        labels = {"en": f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"}
        for lang, names in (("ru", _CYRILLIC), ("el", _GREEK), ("zh", _CJK), ("ar", _ARABIC)):
            if rng.random() < 0.3:
                labels[lang] = f"{rng.choice(names)} {rng.choice(names)}"
        return labels

    def _citations(self) -> list[dict[str, Any]]:
        rng = self.rng
        chosen = rng.sample(self.sources, k=min(len(self.sources), rng.randint(1, 4)))
        citations = []
        for source in chosen:
            citation: dict[str, Any] = {"source": source}
            if rng.random() < 0.8:
                label = rng.choice(["page", "paragraph", "folio", "number"])
                citation["locator"] = {"label": label, "value": str(rng.randint(1, 900))}
            if rng.random() < 0.5:
                citation["quote"] = f"… {rng.choice(_FAMILY)} {rng.choice(_CYRILLIC)} …"
            citations.append(citation)
        return citations

    def _assertion(self, kind: str, **fields: Any) -> dict[str, Any]:
        rng = self.rng
        document: dict[str, Any] = {
            "kind": kind,
            "schema": 1,
            "recorded_by": AGENT,
            **fields,
            "citations": self._citations(),
            "confidence": rng.choice(_CONFIDENCE),
        }
        if rng.random() < 0.1:
            document["flags"] = rng.sample(_FLAGS, k=rng.randint(1, 2))
        if "date" in document and rng.random() < 0.02:
            document["calendar"] = "julian"
        return document

    def records(self, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        yield {
            "kind": "agent",
            "schema": 1,
            "id": AGENT,
            "labels": {"en": "Bench editors"},
            "agent_type": "organization",
            "recorded_by": AGENT,
        }
        produced = 1
        while produced < count:
            if self.pending is not None:
                document, self.pending = self.pending, None
            else:
                made = self._next(rng)
                if made is None:
                    continue
                document = made
                if document["kind"] in ("attribute", "relation") and rng.random() < 0.05:
                    self.assertions.append(record_hash(document))
            produced += 1
            yield document

    def _next(self, rng: random.Random) -> dict[str, Any] | None:
        if len(self.sources) < 3 or rng.random() < 0.04:
            source = self._id("source")
            self.sources.append(source)
            return {
                "kind": "source",
                "schema": 1,
                "id": source,
                "recorded_by": AGENT,
                "source_type": rng.choice(["book", "article", "telegram", "letter"]),
                "title": f"Papers of {rng.choice(_FAMILY)}, vol. {rng.randint(1, 40)}",
                "publication_status": rng.choice(["published", "selected", "unpublished"]),
                "issued": f"{rng.randint(1900, 2020)}",
                "authors": [{"family": rng.choice(_FAMILY), "given": rng.choice(_GIVEN)}],
            }
        roll = rng.random()
        if len(self.persons) < 5 or roll < 0.10:
            person = self._id("person")
            self.persons.append(person)
            return {
                "kind": "person",
                "schema": 1,
                "id": person,
                "labels": self._labels(),
                "recorded_by": AGENT,
            }
        if len(self.places) < 3 or roll < 0.13:
            place = self._id("place")
            self.places.append(place)
            return {
                "kind": "place",
                "schema": 1,
                "id": place,
                "labels": self._labels(),
                "recorded_by": AGENT,
            }
        if len(self.events) < 3 or roll < 0.28:
            event = self._id("event")
            self.events.append(event)
            fields: dict[str, Any] = {"id": event, "labels": self._labels(), "date": self._date()}
            if rng.random() < 0.7:
                fields["places"] = rng.sample(self.places, k=1)
            return self._assertion("event", **fields)
        if roll < 0.58:
            return self._assertion(
                "participation",
                person=rng.choice(self.persons),
                event=rng.choice(self.events[-50:]),
                role=rng.choice(_ROLES),
            )
        if roll < 0.66:
            return self._assertion(
                "quotation",
                speaker=rng.choice(self.persons),
                text=f"We shall speak of {rng.choice(_FAMILY)} again.",
                language="en",
                date=self._date(),
                event=rng.choice(self.events),
            )
        if roll < 0.86:
            person = rng.choice(self.persons)
            if person not in self.born and rng.random() < 0.5:
                year = rng.randint(1700, 1950)
                self.born[person] = year
                return self._assertion(
                    "attribute",
                    subject=person,
                    property="born",
                    date=f"{year:04d}-{rng.randint(1, 12):02d}-15",
                )
            if person in self.born and rng.random() < 0.2:
                year = self.born[person] + rng.randint(20, 90)
                return self._assertion(
                    "attribute", subject=person, property="died", date=f"{year:04d}"
                )
            return self._assertion(
                "attribute",
                subject=person,
                property=rng.choice(_PROPERTIES),
                value=f"{rng.choice(_FAMILY)} {rng.randint(1, 99)}",
                date=self._date(),
            )
        if roll < 0.96:
            return self._assertion(
                "relation",
                subject=rng.choice(self.events),
                predicate=rng.choice(_PREDICATES),
                object=rng.choice(self.events),
                date=self._date(),
            )
        if roll < 0.99:
            return {
                "kind": "passage",
                "schema": 1,
                "source": rng.choice(self.sources),
                "locator": {"label": "page", "value": str(rng.randint(1, 900))},
                "text": f"{rng.choice(_GIVEN)} wrote to {rng.choice(_GIVEN)}.",
                "recorded_by": AGENT,
            }
        if not self.assertions:
            return None
        target = self.assertions.pop(rng.randrange(len(self.assertions)))
        if rng.random() < 0.5:
            return {
                "kind": "retract",
                "schema": 1,
                "target": target,
                "recorded_by": AGENT,
                "reason": "The source was misread.",
            }
        replacement = self._assertion(
            "attribute",
            subject=rng.choice(self.persons),
            property="description",
            value=f"corrected {self.counter}",
            date=self._date(),
        )
        self.pending = {
            "kind": "supersede",
            "schema": 1,
            "target": target,
            "recorded_by": AGENT,
            "replacement": record_hash(replacement),
            "reason": "A better reading.",
        }
        return replacement


def write_log(directory: Path, documents: Iterator[dict[str, Any]]) -> int:
    """Write a log directly (trusted, already-valid records): fast set-up for benchmarks."""
    log = JsonlLog.init(directory)
    seq, prev = 0, GENESIS
    with (directory / LOG_FILE).open("wb") as handle:
        chunk: list[bytes] = []
        for document in documents:
            seq += 1
            time = _record_time(seq)
            line, _, prev = encode_entry(
                seq, time, prev, log.vocabulary_hash, canonical_bytes(document)
            )
            chunk.append(line)
            if len(chunk) >= 10_000:
                handle.write(b"".join(chunk))
                chunk = []
        handle.write(b"".join(chunk))
    return seq


def _record_time(seq: int) -> str:
    seconds, micros = divmod(seq, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"2026-01-{1 + hours // 24:02d}T{hours % 24:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1940)
    parser.add_argument("--out", type=Path, help="write a log directory here")
    parser.add_argument("--jsonl", type=Path, help="write the records as a contribution file")
    args = parser.parse_args()
    records = Generator(args.seed).records(args.count)
    if args.out:
        print(f"{write_log(args.out, records)} entries in {args.out}")
    elif args.jsonl:
        with args.jsonl.open("wb") as handle:
            for document in records:
                handle.write(orjson.dumps(document) + b"\n")
    else:
        parser.error("give --out DIR or --jsonl FILE")


if __name__ == "__main__":
    main()
