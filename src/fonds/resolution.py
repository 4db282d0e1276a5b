"""Who is who: for each entity a contribution declares, the entities of the log it may be.

Theory of operation. Each named entity (person, place, agent) is seen as a profile: its
names (labels in every language and ``name-variant`` attributes), its life dates (``born``,
``died``) and its external identifiers. An incoming entity is compared with the log's
entities of its kind, and each pair is judged on three kinds of evidence:

1. Names. Written alike once Unicode is folded (*exact*), alike once both are transliterated
   to Latin letters (*transliterated*: Молотов / Molotov), or close (*fuzzy*, with a score,
   on the whole name or on the family name). A pair is a candidate only when some names
   are at least :data:`NAME_THRESHOLD` alike, or when an external identifier is equal.
2. Life dates. A birth (death) date agrees when the two dates' bounds overlap (1890 and
   1890-03-09 agree) and conflicts when they do not. Sources disagree on dates, so one conflict
   only lowers the confidence; a pair whose every compared date conflicts is ruled out.
3. External identifiers. An equal identifier in the same scheme (a Wikidata id) is decisive;
   a different one rules the pair out.

A proposal carries its evidence and a drafted ``same-as`` relation record: ``subject`` the
incoming id, ``object`` the existing id, ``citations`` the sources of the evidence,
``confidence`` from the evidence, and ``note`` the reason in words. The maintainer edits the
draft and appends it; nothing here decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import orjson
from anyascii import anyascii
from rapidfuzz import fuzz, process

from fonds.model.dates import date_bounds
from fonds.model.kinds import KINDS, Kind
from fonds.views.queries import Query

__all__ = ["MOST_PROPOSALS", "MOST_RULED_OUT", "NAME_THRESHOLD", "SAME_AS", "propose_same_as"]

SAME_AS = "same-as"
#: The least name similarity (0-100) that makes two entities a candidate pair.
NAME_THRESHOLD = 85.0
#: How many proposals, and how many ruled-out pairs, are kept for one incoming entity (a common
#: name meets many namesakes in a large log).
MOST_PROPOSALS = 5
MOST_RULED_OUT = 3
_LIFE_DATES = {"born": "birth date", "died": "death date"}
# words of a name that say nothing about who it is: particles, titles of nobility
_PARTICLES = frozenset(
    {"von", "vom", "der", "den", "de", "di", "da", "del", "della", "la", "le", "van", "ten"}
    | {"ter", "zu", "graf", "grafin", "freiherr", "baron", "count", "countess", "sir", "lord"}
    | {"fon"}  # von, transliterated back from Cyrillic
)
_NOT_A_LETTER = re.compile(r"[^0-9a-z]+")


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _latin(text: str) -> str:
    """The name in lower-case Latin letters and digits, words separated by one space."""
    return _NOT_A_LETTER.sub(" ", anyascii(text).lower()).strip()


@attrs.frozen
class _Name:
    text: str
    folded: str
    latin: str
    family: str
    bare: bool  # a family name alone, with no given name
    words: frozenset[str]  # the words that say who it is (no particles, no initials)
    record: Mapping[str, Any] | None  # the name-variant attribute, when it came from one


def _name(text: str, record: Mapping[str, Any] | None = None) -> _Name:
    latin = _latin(text)
    significant = [w for w in latin.split() if w not in _PARTICLES and len(w) > 1]
    family = significant[-1] if significant else ""
    words = frozenset(significant)
    return _Name(text, _folded(text), latin, family, len(significant) == 1, words, record)


@attrs.define
class _Profile:
    """What identifies one entity, and the records it rests on."""

    id: str
    kind: str
    label: str
    declaration: Mapping[str, Any]
    names: list[_Name] = attrs.Factory(list)
    life: dict[str, list[Mapping[str, Any]]] = attrs.Factory(dict)
    external_ids: dict[str, str] = attrs.Factory(dict)


def _compared(kind: Kind) -> bool:
    """Named entities without a date of their own (events of one name differ by their date)."""
    return kind.entity and "labels" in attrs.fields_dict(kind.cls) and kind.timeline_date is None


def _profile(document: Mapping[str, Any], label: str) -> _Profile:
    labels: Mapping[str, str] = document.get("labels", {})
    profile = _Profile(document["id"], document["kind"], label, document)
    profile.names.extend(_name(text) for text in labels.values())
    profile.external_ids.update(document.get("external_ids", {}))
    return profile


def _add_attribute(profiles: Mapping[str, _Profile], document: Mapping[str, Any]) -> None:
    profile = profiles.get(document.get("subject", ""))
    if profile is None:
        return
    prop = document["property"]
    if prop == "name-variant" and isinstance(document.get("value"), str):
        profile.names.append(_name(document["value"], document))
    elif prop in _LIFE_DATES and "date" in document:
        profile.life.setdefault(prop, []).append(document)


def _log_profiles(query: Query, kinds: set[str]) -> dict[str, _Profile]:
    profiles: dict[str, _Profile] = {}
    for kind in sorted(kinds):
        for entity_id in query.known_ids(kind):
            seq = query.declaration(entity_id)
            if seq is not None:
                profiles[entity_id] = _profile(query.document(seq), query.label(entity_id))
    for entity_id in list(profiles):
        for seq in query.state.mentions.get(entity_id, ()):
            if query.state.kinds[seq] == "attribute" and query.active(seq):
                _add_attribute(profiles, query.document(seq))
    return profiles


@attrs.frozen
class _NameMatch:
    how: str  # exact, transliterated, fuzzy, family-name
    score: float
    incoming: _Name
    existing: _Name

    def to_json(self) -> dict[str, Any]:
        return {
            "incoming": self.incoming.text,
            "existing": self.existing.text,
            "how": self.how,
            "score": round(self.score, 1),
        }

    def words(self) -> str:
        pair = f"{self.incoming.text} / {self.existing.text}"
        if self.how == "exact":
            return f"same name: {pair}"
        if self.how == "transliterated":
            return f"same name across scripts: {pair}"
        if self.how == "family-name":
            return f"family names alike ({self.score:.0f}%): {pair}"
        return f"names alike ({self.score:.0f}%): {pair}"


_HOW_RANK = {"exact": 3, "transliterated": 2, "fuzzy": 1, "family-name": 0}


def _family_in(one: _Name, other: _Name) -> bool:
    """Whether either name's family name is (nearly) one of the other's words, in any order:
    names alike but for the family (Olga Petrova, Olga Petrenko) are not one person's."""
    return any(
        fuzz.ratio(a.family, word) >= NAME_THRESHOLD
        for a, b in ((one, other), (other, one))
        for word in b.words
    )


def _match(incoming: _Name, existing: _Name) -> _NameMatch | None:
    if incoming.folded == existing.folded:
        return _NameMatch("exact", 100.0, incoming, existing)
    if not incoming.latin or not existing.latin:
        return None
    if incoming.latin == existing.latin:
        return _NameMatch("transliterated", 100.0, incoming, existing)
    score = fuzz.token_sort_ratio(incoming.latin, existing.latin)
    if incoming.family and incoming.family == existing.family:
        # one name may hold the other's words (Molotov / Vyacheslav Molotov), when it is the
        # family name they share: Olga is not Olga Petrova
        score = max(score, fuzz.token_set_ratio(incoming.latin, existing.latin))
    if score >= NAME_THRESHOLD and _family_in(incoming, existing):
        return _NameMatch("fuzzy", score, incoming, existing)
    if incoming.family and existing.family and (incoming.bare or existing.bare):
        # a surname alone (von Schulenberg) may be anyone of that family, but no one of
        # another given name: Olga Petrova is not Marta Petrova
        family = fuzz.ratio(incoming.family, existing.family)
        if family >= NAME_THRESHOLD:
            return _NameMatch("family-name", family, incoming, existing)
    return None


def _best_match(incoming: _Profile, existing: _Profile) -> _NameMatch | None:
    best: _NameMatch | None = None
    for a in incoming.names:
        for b in existing.names:
            found = _match(a, b)
            if found is not None and (
                best is None
                or (_HOW_RANK[found.how], found.score) > (_HOW_RANK[best.how], best.score)
            ):
                best = found
    return best


def _dates(incoming: _Profile, existing: _Profile) -> list[dict[str, Any]]:
    compared = []
    for prop in _LIFE_DATES:
        ours, theirs = incoming.life.get(prop, []), existing.life.get(prop, [])
        if not ours or not theirs:
            continue
        agree = False
        for a in ours:
            for b in theirs:
                one = date_bounds(a["date"], a.get("calendar"))
                two = date_bounds(b["date"], b.get("calendar"))
                if one and two and one[0] <= two[1] and two[0] <= one[1]:
                    agree = True
        compared.append(
            {
                "property": prop,
                "incoming": sorted({d["date"] for d in ours}),
                "existing": sorted({d["date"] for d in theirs}),
                "agree": agree,
            }
        )
    return compared


def _date_words(item: Mapping[str, Any]) -> str:
    what = _LIFE_DATES[item["property"]]
    ours, theirs = ", ".join(item["incoming"]), ", ".join(item["existing"])
    if item["agree"] and ours == theirs:
        return f"same {what} {ours} in both"
    if item["agree"]:
        return f"{what}s agree: {ours} / {theirs}"
    return f"{what}s differ: {ours} / {theirs}"


def _identifiers(incoming: _Profile, existing: _Profile) -> list[dict[str, Any]]:
    return [
        {
            "scheme": scheme,
            "incoming": value,
            "existing": existing.external_ids[scheme],
            "equal": value == existing.external_ids[scheme],
        }
        for scheme, value in sorted(incoming.external_ids.items())
        if scheme in existing.external_ids
    ]


def _id_words(item: Mapping[str, Any]) -> str:
    if item["equal"]:
        return f"same {item['scheme']} id {item['incoming']}"
    return f"different {item['scheme']} ids: {item['incoming']} / {item['existing']}"


def _confidence(
    names: _NameMatch | None, dates: Sequence[Mapping[str, Any]], ids: Sequence[Mapping[str, Any]]
) -> str | None:
    """The confidence of a same-as from its evidence; None when the evidence rules it out."""
    if any(not item["equal"] for item in ids):
        return None
    if ids:
        return "certain"
    agreeing = sum(1 for item in dates if item["agree"])
    if dates and not agreeing:
        return None
    strong = names is not None and names.how in ("exact", "transliterated")
    conflicting = len(dates) - agreeing
    if agreeing and not conflicting:
        return "high" if strong else "medium"
    if agreeing:
        return "low" if strong else "speculative"
    return "low" if strong else "speculative"


def _citations(records: Iterable[Mapping[str, Any] | None]) -> list[dict[str, Any]]:
    seen: set[bytes] = set()
    found: list[dict[str, Any]] = []
    for record in records:
        for citation in (record or {}).get("citations", ()):
            key = orjson.dumps(citation, option=orjson.OPT_SORT_KEYS)
            if key not in seen:
                seen.add(key)
                found.append(dict(citation))
    return found


def _evidence_records(
    incoming: _Profile,
    existing: _Profile,
    names: _NameMatch | None,
    dates: Sequence[Mapping[str, Any]],
) -> list[Mapping[str, Any] | None]:
    records: list[Mapping[str, Any] | None] = [incoming.declaration]
    if names is not None:
        records += [names.incoming.record, names.existing.record]
    for item in dates:
        prop = item["property"]
        records += incoming.life.get(prop, []) + existing.life.get(prop, [])
    records.append(existing.declaration)
    return records


def _first_cited(records: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((r for r in records if r.get("citations")), None)


def _log_records(query: Query, entity_id: str) -> list[Mapping[str, Any]]:
    return [
        query.document(seq)
        for seq in query.state.mentions.get(entity_id, ())
        if seq <= query.limit and query.active(seq)
    ]


def _draft(
    incoming: _Profile, existing: _Profile, confidence: str, note: str, citations: list[Any]
) -> dict[str, Any]:
    return {
        "kind": "relation",
        "schema": 1,
        "subject": incoming.id,
        "predicate": SAME_AS,
        "object": existing.id,
        "citations": citations,
        "confidence": confidence,
        "note": note,
        "recorded_by": incoming.declaration["recorded_by"],
    }


@attrs.frozen
class _Pool:
    """The log's entities of one kind, with their names laid out for the fast scorers."""

    profiles: Mapping[str, _Profile]
    owners: list[str]
    latins: list[str]
    families: list[str]  # every name's family name
    bare_families: list[str]  # the family name of a surname alone, else ""
    folded: dict[str, set[str]]

    @classmethod
    def of(cls, profiles: Mapping[str, _Profile]) -> _Pool:
        owners, latins, families, bare = [], [], [], []
        folded: dict[str, set[str]] = {}
        for entity_id, profile in profiles.items():
            for name in profile.names:
                owners.append(entity_id)
                latins.append(name.latin)
                families.append(name.family)
                bare.append(name.family if name.bare else "")
                folded.setdefault(name.folded, set()).add(entity_id)
        return cls(profiles, owners, latins, families, bare, folded)

    def candidates(self, incoming: _Profile) -> list[str]:
        """Ids worth judging: some name close enough, or an equal external id. The fast
        scorers only narrow the pool; :func:`_match` judges each pair."""
        found: set[str] = set()
        for name in incoming.names:
            for _, _, index in process.extract(
                # token_set_ratio is never below the scores _match takes
                name.latin, self.latins, scorer=fuzz.token_set_ratio,
                score_cutoff=NAME_THRESHOLD, limit=None,
            ):  # fmt: skip
                found.add(self.owners[index])
            if name.family:  # as _match: family names count when one is a surname alone
                families = self.families if name.bare else self.bare_families
                for _, _, index in process.extract(
                    name.family, families, scorer=fuzz.ratio, score_cutoff=NAME_THRESHOLD,
                    limit=None,
                ):  # fmt: skip
                    found.add(self.owners[index])
            found.update(self.folded.get(name.folded, ()))
        for scheme, value in incoming.external_ids.items():
            found.update(i for i, p in self.profiles.items() if p.external_ids.get(scheme) == value)
        return sorted(found)


_RANK = {"speculative": 0, "low": 1, "medium": 2, "high": 3, "certain": 4}


def propose_same_as(
    query: Query, contributed: Sequence[Mapping[str, Any]], known: Iterable[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """For each entity ``contributed`` newly declares, the log's entities it may be:
    ``(proposals, ruled_out, left_out)``, each item with its evidence; a proposal also carries
    the drafted same-as record (``record``). Of each entity's candidates only the
    :data:`MOST_PROPOSALS` likeliest and the :data:`MOST_RULED_OUT` closest ruled out are
    kept; ``left_out`` counts the others."""
    known = frozenset(known)
    incoming: dict[str, _Profile] = {}
    for document in contributed:
        kind = KINDS.of(document)
        if _compared(kind) and "id" in document and document["id"] not in known:
            labels: Mapping[str, str] = document.get("labels", {})
            label = labels.get("en") or next(iter(labels.values()), document["id"])
            incoming[document["id"]] = _profile(document, label)
    if not incoming:
        return [], [], 0
    for document in contributed:
        if document["kind"] == "attribute":
            _add_attribute(incoming, document)
    about: dict[str, list[Mapping[str, Any]]] = {}
    for document in contributed:
        for entity_id in KINDS.about(document):
            about.setdefault(entity_id, []).append(document)
    existing = _log_profiles(query, {p.kind for p in incoming.values()})
    proposals: list[dict[str, Any]] = []
    ruled_out: list[dict[str, Any]] = []
    pools = {
        kind: _Pool.of({i: p for i, p in existing.items() if p.kind == kind})
        for kind in {p.kind for p in incoming.values()}
    }
    left_out = 0
    for profile in incoming.values():
        pool = pools[profile.kind]
        found = []
        excluded = []
        for other_id in pool.candidates(profile):
            other = pool.profiles[other_id]
            names = _best_match(profile, other)
            ids = _identifiers(profile, other)
            if names is None and not any(item["equal"] for item in ids):
                continue
            dates = _dates(profile, other)
            confidence = _confidence(names, dates, ids)
            reasons = ([names.words()] if names else []) + [_date_words(d) for d in dates]
            reasons += [_id_words(item) for item in ids]
            item: dict[str, Any] = {
                "incoming": profile.id,
                "incoming_label": profile.label,
                "existing": other.id,
                "existing_label": other.label,
                "evidence": {
                    "names": names.to_json() if names else None,
                    "life_dates": dates,
                    "external_ids": ids,
                },
                "reason": "; ".join(reasons),
            }
            if confidence is None:
                excluded.append(item)
                continue
            citations = _citations(_evidence_records(profile, other, names, dates))
            if not citations:  # no evidence cites a source: the first each is cited in
                firsts = [about.get(profile.id, ()), _log_records(query, other.id)]
                citations = _citations(_first_cited(records) for records in firsts)
            item["confidence"] = confidence
            item["record"] = _draft(profile, other, confidence, item["reason"], citations)
            found.append(item)
        found.sort(key=lambda p: (-_RANK[p["confidence"]], -_strength(p)))
        excluded.sort(key=lambda p: -_strength(p))
        proposals.extend(found[:MOST_PROPOSALS])
        ruled_out.extend(excluded[:MOST_RULED_OUT])
        left_out += max(0, len(found) - MOST_PROPOSALS) + max(0, len(excluded) - MOST_RULED_OUT)
    return proposals, ruled_out, left_out


def _strength(item: Mapping[str, Any]) -> float:
    names = item["evidence"]["names"]
    return _HOW_RANK[names["how"]] * 1000 + names["score"] if names else 10_000.0
