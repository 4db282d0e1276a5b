"""Read a GEDCOM 7 or 5.5.1 file into draft records.

The file is read by :mod:`fonds.importers.gedcom_reader` (GEDCOM 7 by ``gedcom7``, 5.5.1 line by
line); every record keeps the line it came from. What becomes what:

- ``INDI``: a person labelled with its first ``NAME`` (``TRAN`` names as labels in their
  language), the name's parts (``GIVN``, ``SURN`` with ``SPFX``, ``NPFX``, ``NSFX``, ``NICK``),
  other names as ``name-variant``, ``SEX``; each event (``BIRT``, ``DEAT``, ``EVEN``...) an event
  with its date, place and type, the person its ``principal``, a birth and death also as
  ``born``/``died``; each attribute (``OCCU``, ``RESI``, ``FACT``...) an attribute;
  ``ASSO`` an ``associated-with`` relation (in an event: a participation in its ``ROLE``);
  ``ALIA`` an ``alias-of`` relation; ``NO`` a ``fact`` that the event did not happen.
- ``FAM``: ``spouse-of`` (with a ``MARR``) or ``partner-of`` between ``HUSB`` and ``WIFE``,
  a relation from each of them to each ``CHIL`` by the child's ``PEDI`` (``birth-parent-of``,
  ``adoptive-parent-of``, ``foster-parent-of``, else ``parent-of``); its events with both
  partners as principals.
- ``SOUR`` and ``REPO``: a source (``archive`` the repository, ``archive_location`` the
  ``CALN``, ``genre`` its ``MEDI``); ``OBJE``: a ``media`` source that ``depicts`` what links it.
- a citation (``SOUR`` inside a structure): ``PAGE`` the locator, ``DATA.TEXT`` the quote,
  ``QUAY`` 0-3 the confidence (speculative, low, medium, high; medium when absent).
- ``NOTE``/``SNOTE``: the note of what refers to it; one nothing refers to, a passage of the file.
- ``RESN`` confidential or privacy: the ``restricted`` flag on every record it covers.
- ``UID``, ``EXID``, ``REFN`` (and 5.5.1's ``_UID``, ``RFN``, ``AFN``, ``RIN``): external ids;
  the file's own cross-reference is kept as ``gedcom`` (``file.ged:@I1@``).
- ``PLAC``: a place for each level of the jurisdiction list (``Köln, Preußen``: Preußen, and
  Köln ``located-in`` it), with ``MAP`` as ``coordinates``.

A fact stands on the citations the file gives for it; one inside a structure without citations
of its own stands on the structure's; with none, on the file itself (a ``dataset`` source).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from fonds.importers.draft import Draft
from fonds.importers.gedcom_reader import Node, Parsed, read_gedcom
from fonds.importers.genealogy import (
    UNCITED_CONFIDENCE,
    DraftBuilder,
    Existing,
    GenealogyImport,
    Support,
    join_note,
    slug,
)
from fonds.importers.genealogy_dates import GenealogyDate, gedcom_date
from fonds.model.vocabulary import Vocabulary

__all__ = ["DEFAULT_AGENT", "import_gedcom", "read_gedcom_file"]

DEFAULT_AGENT = "agent:fonds-gedcom-importer"
_PERSON_EVENTS = {
    "BIRT": "Birth",
    "CHR": "Christening",
    "DEAT": "Death",
    "BURI": "Burial",
    "CREM": "Cremation",
    "ADOP": "Adoption",
    "BAPM": "Baptism",
    "BARM": "Bar mitzvah",
    "BASM": "Bat mitzvah",
    "BLES": "Blessing",
    "CHRA": "Adult christening",
    "CONF": "Confirmation",
    "FCOM": "First communion",
    "ORDN": "Ordination",
    "NATU": "Naturalization",
    "EMIG": "Emigration",
    "IMMI": "Immigration",
    "CENS": "Census",
    "PROB": "Probate",
    "WILL": "Will",
    "GRAD": "Graduation",
    "RETI": "Retirement",
    "EVEN": "Event",
}
_FAMILY_EVENTS = {
    "ANUL": "Annulment",
    "CENS": "Census",
    "DIV": "Divorce",
    "DIVF": "Divorce filed",
    "ENGA": "Engagement",
    "MARB": "Marriage banns",
    "MARC": "Marriage contract",
    "MARR": "Marriage",
    "MARL": "Marriage licence",
    "MARS": "Marriage settlement",
    "EVEN": "Event",
}
_ORDINANCES = {
    "BAPL": "LDS baptism",
    "CONL": "LDS confirmation",
    "ENDL": "LDS endowment",
    "INIL": "LDS initiatory",
    "SLGC": "LDS sealing to parents",
    "SLGS": "LDS sealing to spouse",
}
_ATTRIBUTES = {
    "CAST": "caste",
    "DSCR": "description",
    "EDUC": "education",
    "IDNO": "identity-number",
    "NATI": "nationality",
    "NCHI": "number-of-children",
    "NMR": "number-of-marriages",
    "OCCU": "occupation",
    "PROP": "possessions",
    "RELI": "religion",
    "RESI": "residence",
    "SSN": "identity-number",
    "TITL": "nobility-title",
    "FACT": "fact",
}
_ROLES = {
    "CHIL": "child",
    "CLERGY": "clergy",
    "FATH": "father",
    "FRIEND": "friend",
    "GODP": "godparent",
    "HUSB": "husband",
    "MOTH": "mother",
    "MULTIPLE": "multiple-birth-sibling",
    "NGHBR": "neighbour",
    "OFFICIATOR": "officiator",
    "PARENT": "parent",
    "SPOU": "spouse",
    "WIFE": "wife",
    "WITN": "witness",
    "OTHER": "listed",
}
_PEDIGREES = {
    "BIRTH": "birth-parent-of",
    "ADOPTED": "adoptive-parent-of",
    "FOSTER": "foster-parent-of",
}
_SOURCE_TYPES = {
    "BOOK": "book",
    "MAGAZINE": "periodical",
    "NEWSPAPER": "periodical",
    "MANUSCRIPT": "archival-document",
    "CARD": "archival-document",
    "FICHE": "archival-document",
    "FILM": "archival-document",
}
_PUBLISHED = frozenset({"book", "periodical"})
_QUALITY = ("speculative", "low", "medium", "high")  # QUAY 0 ... 3
_CITED_CONFIDENCE = "medium"  # a citation that gives no QUAY
_IDENTIFIERS = {"UID": "uid", "_UID": "uid", "RFN": "rfn", "AFN": "afn", "RIN": "rin"}
_LOCAL_SCHEMES = ("refn", "rin")  # numbers a file gives itself: never used to find an entity
_RESTRICTING = ("CONFIDENTIAL", "PRIVACY")
_QUIET = frozenset({"CHAN", "CREA", "SUBM", "FAMS"})  # read elsewhere or about the file's editing
_UNCITED = "The file gives no citation for this; the file itself is cited."
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*")
_COORDINATE = re.compile(r"([NSEWnsew])(\d+(?:\.\d+)?)")


def _coordinate(text: str) -> str | None:
    """``N18.150944`` as signed decimal degrees (``-18.150944`` for S and W)."""
    match = _COORDINATE.fullmatch(text.strip())
    if match is None:
        return None
    sign = "-" if match[1].upper() in ("S", "W") else ""
    return f"{sign}{match[2]}"


def _display(name: str) -> str:
    """``Joseph /de Allen/ jr.`` as a label: the slashes out, spaces collapsed."""
    return " ".join(name.replace("/", " ").split())


def _name_parts(name: str) -> tuple[str | None, str | None]:
    """Given names and surname from ``given /surname/ suffix`` when no parts are given."""
    match = re.fullmatch(r"(?P<given>[^/]*)/(?P<surname>[^/]*)/(?P<suffix>.*)", name)
    if match is None:
        return (name.strip() or None), None
    return (match["given"].strip() or None), (match["surname"].strip() or None)


@attrs.frozen
class _Holding:
    """Where a repository holds a source: its name and place, the call number, the medium."""

    archive: str | None = None
    place: str | None = None
    location: str | None = None
    medium: str | None = None
    notes: list[str] = attrs.field(factory=list)


class _Reader:
    def __init__(
        self, path: Path, parsed: Parsed, builder: DraftBuilder, recorded_by: str | None
    ) -> None:
        self.path = path
        self.b = builder
        self.recorded_by = recorded_by
        self.records = parsed.records
        self.version = parsed.version
        self.seven = parsed.version.startswith("7")
        self.by_xref = {r.xref: r for r in parsed.records if r.xref}
        self.head = next((r for r in parsed.records if r.tag == "HEAD"), None)
        language = self.head.value("LANG") if self.head is not None else None
        self.language = (
            language if self.seven and language and _LANGUAGE.fullmatch(language) else "und"
        )
        self.ids: dict[str, str] = {}  # xref -> fonds id
        self.labels: dict[str, str] = {}  # xref -> label
        self.places: dict[str, str] = {}  # the jurisdiction list -> fonds id
        self.used_notes: set[str] = set()
        self.used_repositories: set[str] = set()
        self.media_support: dict[str, Support | None] = {}  # what a picture's depictions stand on
        self.dataset = ""

    # -- places in the file ---------------------------------------------------------------
    def key(self, node: Node) -> str:
        """The file's own identity of a record: ``name.ged:@I1@`` (its line without a xref)."""
        return f"{self.path.name}:{node.xref or f'line {node.line}'}"

    def where(self, node: Node) -> str:
        """The record's identifier for a citation of the file itself."""
        record = node
        while record.parent is not None:
            record = record.parent
        return record.xref or f"line {record.line}"

    def target(self, node: Node, tags: Iterable[str]) -> Node | None:
        """The record a pointer names; None for @VOID@ or, with a problem, a broken pointer."""
        if node.pointer is None or node.pointer == "@VOID@":
            return None
        found = self.by_xref.get(node.pointer)
        wanted = tuple(tags)
        if found is None or found.tag not in wanted:
            if not self.seven:  # gedcom7 reports these for GEDCOM 7
                what = "nothing" if found is None else f"a {found.tag} record"
                self.b.problem(
                    node.line,
                    node.path(),
                    "gedcom-broken-pointer",
                    f"{node.pointer} names {what}; expected {' or '.join(wanted)}",
                )
            return None
        return found

    # -- identifiers ------------------------------------------------------------------------------
    def identifiers(self, node: Node) -> dict[str, str]:
        found: dict[str, str] = {}
        if node.xref or node.parent is None:
            found["gedcom"] = self.key(node)

        def put(scheme: str, value: str) -> None:
            value = value.strip()
            if not value:
                return
            name, counter = scheme, 2
            while name in found:
                name, counter = f"{scheme}-{counter}", counter + 1
            found[name] = value

        for child in node.children:
            if child.tag in _IDENTIFIERS:
                put(_IDENTIFIERS[child.tag], child.text)
            elif child.tag == "REFN":
                put("refn", child.text)
            elif child.tag == "EXID":
                authority = child.value("TYPE")
                put(f"exid-{slug(authority, 50)}" if authority else "exid", child.text)
        return found

    @staticmethod
    def keys(identifiers: dict[str, str]) -> list[tuple[str, str]]:
        return [
            (scheme, value)
            for scheme, value in identifiers.items()
            if not scheme.startswith(_LOCAL_SCHEMES)
        ]

    def assign_ids(self) -> None:
        for record in self.records:
            if record.tag == "INDI":
                name = next((n.text for n in record.all("NAME") if n.text.strip()), "")
                label = _display(name)
                self.labels[record.xref or ""] = label
                kind = "person"
            elif record.tag == "SOUR":
                label = record.value("TITL") or record.value("ABBR") or ""
                kind = "source"
            elif record.tag == "OBJE":
                file = record.first("FILE")
                label = (file.value("TITL") if file is not None else None) or (
                    file.text if file is not None else ""
                )
                kind = "source"
            else:
                continue
            readable = "-".join(p for p in (slug(label), slug(record.xref or "")) if p)
            if not record.xref:
                readable = "-".join(p for p in (readable, f"line-{record.line}") if p)
            identifier = self.b.entity_id(kind, readable, self.keys(self.identifiers(record)))
            self.ids[record.xref or f"line {record.line}"] = identifier

    def id_of(self, record: Node) -> str:
        return self.ids[record.xref or f"line {record.line}"]

    # -- notes, flags -------------------------------------------------------------------------
    def note_texts(self, node: Node) -> list[str]:
        texts: list[str] = []
        for child in node.children:
            if child.tag not in ("NOTE", "SNOTE"):
                continue
            if child.pointer is not None:
                note = self.target(child, ("NOTE", "SNOTE"))
                if note is None:
                    continue
                self.used_notes.add(note.xref or "")
                texts.append(self._note_text(note))
            elif child.text.strip():
                texts.append(self._note_text(child))
        return [t for t in texts if t.strip()]

    @staticmethod
    def _note_text(note: Node) -> str:
        text = note.text
        for translation in note.all("TRAN"):
            language = translation.value("LANG")
            text += f"\n\nTranslation{f' ({language})' if language else ''}: {translation.text}"
        return text

    def restricted(self, node: Node, inherited: bool = False) -> bool:
        found = inherited
        for child in node.all("RESN"):
            values = {v.strip().upper() for v in child.text.split(",")}
            found = found or any(v in values for v in _RESTRICTING)
        return found

    def flags(self, restricted: bool, *more: str) -> list[str]:
        found = [f for f in more if self.b.flag(f)]
        if restricted and self.b.flag("restricted"):
            found.append("restricted")
        return list(dict.fromkeys(found))

    # -- citations ------------------------------------------------------------------------------
    def citation(self, node: Node) -> tuple[dict[str, Any], str]:
        """A citation (``SOUR`` inside a structure) and its confidence."""
        remarks: list[str] = []
        source = self.target(node, ("SOUR",)) if node.pointer else None
        if source is not None:
            citation: dict[str, Any] = {"source": self.id_of(source)}
        else:
            citation = {
                "source": self.dataset,
                "locator": {"label": "record", "value": self.where(node)},
            }
            if node.pointer == "@VOID@":
                remarks.append("The file cites a source it does not identify (@VOID@).")
            elif node.pointer is not None:
                remarks.append(f"The file cites {node.pointer}, which it does not hold.")
            else:
                remarks.append(f"The file describes the source as “{node.text.strip()}”.")
        page = node.value("PAGE")
        if page is not None:
            if source is not None and len(page.strip()) <= 200:
                citation["locator"] = {"label": "page", "value": page.strip()}
            else:
                remarks.append(f"Page: {page.strip()}.")
        quotes = [t.text for t in node.all("TEXT") if t.text.strip()]
        data = node.first("DATA")
        if data is not None:
            quotes.extend(t.text for t in data.all("TEXT") if t.text.strip())
            date = data.first("DATE")
            if date is not None:
                remarks.append(f"The entry is dated {self.date_text(date)}.")
        event = node.first("EVEN")
        if event is not None:
            role = event.value("ROLE")
            remarks.append(
                f"Cited for the event {event.text.strip()}"
                + (f", in the role {role}" if role else "")
                + "."
            )
        quality = node.value("QUAY")
        confidence = _CITED_CONFIDENCE
        if quality is not None and quality.strip() in ("0", "1", "2", "3"):
            confidence = _QUALITY[int(quality.strip())]
        note = join_note(" ".join(remarks), *self.note_texts(node))
        if note:
            citation["note"] = note
        if quotes:
            citation["quote"] = "\n\n".join(quotes)
        return citation, confidence

    def own_support(self, node: Node) -> Support | None:
        citations: list[dict[str, Any]] = []
        confidences: list[str] = []
        for child in node.all("SOUR"):
            citation, confidence = self.citation(child)
            if citation not in citations:
                citations.append(citation)
            confidences.append(confidence)
        if not citations:
            return None
        return Support(tuple(citations), self.b.confidence(confidences))

    def uncited(self, node: Node) -> Support:
        citation = {
            "source": self.dataset,
            "locator": {"label": "record", "value": self.where(node)},
            "note": _UNCITED,
        }
        return Support((citation,), UNCITED_CONFIDENCE)

    def support(self, node: Node, *inherited: Support | None) -> Support:
        own = self.own_support(node)
        if own is not None:
            return own
        return next((s for s in inherited if s is not None), None) or self.uncited(node)

    def fact(
        self,
        kind: str,
        node: Node,
        support: Support,
        restricted: bool,
        *flags: str,
        note: str | None = None,
        **fields: Any,
    ) -> None:
        self.b.record(
            kind,
            node.line,
            citations=list(support.citations),
            confidence=support.confidence,
            flags=self.flags(restricted or support.restricted, *flags),
            note=note,
            **fields,
        )

    def date_text(self, node: Node) -> str:
        date = self.date(node)
        return date.edtf if date.edtf else f"“{date.as_written}”"

    @staticmethod
    def date(node: Node) -> GenealogyDate:
        return gedcom_date(node.text, time=node.value("TIME"), phrase=node.value("PHRASE"))

    # -- the file itself --------------------------------------------------------------------------
    def declare_basics(self) -> None:
        b = self.b
        if self.recorded_by is None and b.is_new(DEFAULT_AGENT):
            b.record(
                "agent",
                0,
                id=DEFAULT_AGENT,
                labels={"en": "fonds GEDCOM importer"},
                agent_type="software",
                note="Drafts records from GEDCOM 7 and 5.5.1 files.",
            )
        head = self.head
        self.dataset = b.entity_id(
            "source", slug(f"{self.path.stem} gedcom"), [("file", self.path.name)]
        )
        authors = None
        product = issued = None
        remarks: list[str] = []
        if head is not None:
            submitter = head.first("SUBM")
            if submitter is not None:
                record = self.target(submitter, ("SUBM",))
                name = record.value("NAME") if record is not None else None
                if name:
                    authors = [{"literal": name.strip()}]
            source = head.first("SOUR")
            if source is not None:
                product = " ".join(
                    p for p in (source.value("NAME") or source.text, source.value("VERS")) if p
                )
            date = head.first("DATE")
            if date is not None:
                day = gedcom_date(date.text)
                issued = (
                    day.edtf if day.edtf and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day.edtf) else None
                )
            copyright_ = head.value("COPR")
            if copyright_:
                remarks.append(f"Copyright: {copyright_.strip()}.")
        version = f"GEDCOM {self.version}" if self.version else "GEDCOM"
        b.declare(
            "source",
            head.line if head is not None else 1,
            id=self.dataset,
            source_type="dataset",
            title=f"GEDCOM file {self.path.name}",
            publication_status="unpublished",
            issued=issued,
            authors=authors,
            external_ids={"file": self.path.name},
            note=join_note(
                f"The {version} file imported"
                + (f", written by {product}" if product else "")
                + "; facts it gives without a citation cite it, at the record they come from. "
                + " ".join(remarks),
                *(self.note_texts(head) if head is not None else ()),
            ),
        )

    # -- places -----------------------------------------------------------------------------------
    def place(self, node: Node, support: Support) -> str | None:
        """The place a ``PLAC`` names, declared once per jurisdiction list, with its parents."""
        parts = [p.strip() for p in node.text.split(",")]
        parts = [p for p in parts if p]
        if not parts:
            return None
        child: str | None = None
        first: str | None = None
        for depth in range(len(parts)):
            name = ", ".join(parts[depth:])
            known = self.places.get(name)
            if known is None:
                known = self.b.entity_id(
                    "place", slug(name), [("gedcom-place", f"{self.path.name}:{name}")]
                )
                self.places[name] = known
                labels = {self.language: parts[depth]}
                extra: list[str] = []
                if depth == 0:
                    for translation in node.all("TRAN"):
                        language = translation.value("LANG")
                        text = translation.text.split(",")[0].strip()
                        if language and _LANGUAGE.fullmatch(language) and text:
                            labels.setdefault(language, text)
                    form = node.value("FORM")
                    if form:
                        extra.append(f"Its jurisdictions: {form.strip()}.")
                citation = {
                    "source": self.dataset,
                    "locator": {"label": "record", "value": self.where(node)},
                    "note": "The file names the place in a jurisdiction list.",
                }
                identifiers = {"gedcom-place": f"{self.path.name}:{name}"}
                if depth == 0:
                    identifiers.update(
                        (k, v) for k, v in self.identifiers(node).items() if k != "gedcom"
                    )
                self.b.declare(
                    "place",
                    node.line,
                    id=known,
                    labels=labels,
                    external_ids=identifiers,
                    citations=[citation],
                    confidence=UNCITED_CONFIDENCE,
                    note=join_note(
                        f"As the file writes it: “{name}”. " + " ".join(extra),
                        *(self.note_texts(node) if depth == 0 else ()),
                    ),
                )
                if depth == 0:
                    self.place_facts(node, known, support)
            if child is not None:
                self.b.record(
                    "relation",
                    node.line,
                    subject=child,
                    predicate="located-in",
                    object=known,
                    citations=[
                        {
                            "source": self.dataset,
                            "locator": {"label": "record", "value": self.where(node)},
                            "note": "The file names the place in a jurisdiction list.",
                        }
                    ],
                    confidence=UNCITED_CONFIDENCE,
                )
            child = known
            first = first or known
        return first

    def place_facts(self, node: Node, place: str, support: Support) -> None:
        position = node.first("MAP")
        if position is not None:
            latitude = _coordinate(position.value("LATI") or "")
            longitude = _coordinate(position.value("LONG") or "")
            if latitude is not None and longitude is not None:
                self.fact(
                    "attribute",
                    position,
                    support,
                    False,
                    subject=place,
                    property="coordinates",
                    value=f"{latitude}, {longitude}",
                )
        for translation in node.all("TRAN"):
            language = translation.value("LANG")
            if not (language and _LANGUAGE.fullmatch(language)):
                self.fact(
                    "attribute",
                    translation,
                    support,
                    False,
                    subject=place,
                    property="name-variant",
                    value=translation.text.strip(),
                )

    # -- people -----------------------------------------------------------------------------------
    def person(self, record: Node) -> None:
        self.b.read["INDI"] += 1
        person = self.id_of(record)
        restricted = self.restricted(record)
        support = self.support(record)
        names = [n for n in record.all("NAME") if n.text.strip() or n.children]
        label = self.labels.get(record.xref or "", "")
        remarks = [f"GEDCOM individual {record.xref or f'at line {record.line}'}."]
        if not label:
            label = f"Unnamed person {record.xref or f'line {record.line}'}"
            remarks.append("The file gives no name.")
        labels = {self.language: label}
        if names:
            for translation in names[0].all("TRAN"):
                language = translation.value("LANG")
                if language and _LANGUAGE.fullmatch(language) and _display(translation.text):
                    labels.setdefault(language, _display(translation.text))
        self.b.declare(
            "person",
            record.line,
            id=person,
            labels=labels,
            external_ids=self.identifiers(record),
            citations=list(support.citations),
            confidence=support.confidence,
            flags=self.flags(restricted),
            note=join_note(" ".join(remarks), *self.note_texts(record)),
        )
        for index, name in enumerate(names):
            self.name(name, index == 0, person, support, restricted)
        sex = (record.value("SEX") or "").strip().upper()
        if sex in ("M", "F", "X"):
            sex_node = record.first("SEX")
            assert sex_node is not None
            self.fact(
                "attribute",
                sex_node,
                self.support(sex_node, support),
                restricted,
                subject=person,
                property="sex",
                value={"M": "male", "F": "female", "X": "other"}[sex],
            )
        counts: dict[str, int] = {}
        born = died = False
        for child in record.children:
            tag = child.tag
            counts[tag] = counts.get(tag, 0) + 1
            if tag in _PERSON_EVENTS or tag in _ORDINANCES:
                _, date, event_support = self.event(
                    child, [person], label, record, counts[tag], support, restricted
                )
                if tag in ("BIRT", "DEAT") and date is not None and date.edtf is not None:
                    if (tag == "BIRT" and born) or (tag == "DEAT" and died):
                        continue
                    born, died = born or tag == "BIRT", died or tag == "DEAT"
                    place_node = child.first("PLAC")
                    place = self.place(place_node, event_support) if place_node else None
                    self.fact(
                        "attribute",
                        child,
                        event_support,
                        self.restricted(child, restricted),
                        *date.flags,
                        subject=person,
                        property="born" if tag == "BIRT" else "died",
                        place=place,
                        note=join_note(date.remark),
                        **date.fields(),
                    )
                elif tag in ("BIRT", "DEAT"):
                    self.b.skip(
                        f"the {_PERSON_EVENTS[tag].lower()} date of {self.where(child)}",
                        "the event has no date" if date is None else "no date EDTF can hold",
                        child.line,
                    )
            elif tag in _ATTRIBUTES:
                self.attribute(child, [person], support, restricted)
            elif tag == "ASSO":
                self.association(child, person, support, restricted)
            elif tag == "ALIA":
                self.alias(child, person, support, restricted)
            elif tag == "NO":
                self.negative(child, person, support, restricted)
            elif tag == "OBJE":
                self.depiction(child, person, support, restricted)
            elif tag in ("FAMC", "ANCI", "DESI") or tag in _QUIET:
                if tag in ("ANCI", "DESI"):
                    self.b.skip(
                        f"{tag} of {self.where(child)}",
                        "a submitter's interest, about the file's making",
                        child.line,
                    )
            elif tag in (
                "NAME",
                "SEX",
                "SOUR",
                "NOTE",
                "SNOTE",
                "RESN",
                "REFN",
                "EXID",
                "RIN",
                "RFN",
                "AFN",
                "UID",
                "_UID",
            ):
                pass
            else:
                self.b.skip(
                    f"{tag} of {self.where(child)}", "a structure fonds does not read", child.line
                )

    def name(
        self, node: Node, primary: bool, person: str, inherited: Support, restricted: bool
    ) -> None:
        support = self.support(node, inherited)
        flagged = self.restricted(node, restricted)
        kind = node.value("TYPE")
        notes = self.note_texts(node)
        date_node = node.first("DATE")
        date = self.date(date_node) if date_node is not None else None
        dated = date.fields() if date is not None else {}
        if not primary:
            display = _display(node.text)
            if not display:
                return
            type_node = node.first("TYPE")
            phrase = type_node.value("PHRASE") if type_node is not None else None
            remark = (
                f"GEDCOM name type: {kind}" + (f" ({phrase})" if phrase else "") + "."
                if kind
                else None
            )
            self.fact(
                "attribute",
                node,
                support,
                flagged,
                subject=person,
                property="name-variant",
                value=display,
                note=join_note(remark, *notes),
                **dated,
            )
            return
        given_text, surname_text = _name_parts(node.text)
        given = node.value("GIVN") or given_text
        prefix = node.value("SPFX")
        surnames = [s.text.strip() for s in node.all("SURN") if s.text.strip()]
        if not surnames and surname_text:
            surnames = [surname_text]
            prefix = None  # the prefix is in the name as written
        note = join_note(*notes)
        if given:
            self.fact(
                "attribute",
                node,
                support,
                flagged,
                subject=person,
                property="given-name",
                value=given.strip(),
                note=note,
                **dated,
            )
        for surname in surnames:
            value = f"{prefix.strip()} {surname}" if prefix else surname
            self.fact(
                "attribute",
                node,
                support,
                flagged,
                subject=person,
                property="surname",
                value=value,
                note=join_note(f"With the prefix “{prefix.strip()}”." if prefix else None, note),
                **dated,
            )
        for tag, prop in (("NPFX", "name-title"), ("NSFX", "name-suffix"), ("NICK", "nickname")):
            part = node.value(tag)
            if part:
                self.fact(
                    "attribute",
                    node,
                    support,
                    flagged,
                    subject=person,
                    property=prop,
                    value=part.strip(),
                    note=note,
                    **dated,
                )
        for translation in node.all("TRAN"):
            language = translation.value("LANG")
            if not (language and _LANGUAGE.fullmatch(language)):
                self.fact(
                    "attribute",
                    translation,
                    support,
                    flagged,
                    subject=person,
                    property="name-variant",
                    value=_display(translation.text),
                )

    # -- events, attributes, associations ---------------------------------------------------------
    def event(
        self,
        node: Node,
        principals: list[str],
        owner_label: str,
        record: Node,
        index: int,
        inherited: Support,
        restricted: bool,
        partners: dict[str, str] | None = None,
    ) -> tuple[str, GenealogyDate | None, Support]:
        tag = node.tag
        name = _ORDINANCES.get(tag) or _PERSON_EVENTS.get(tag) or _FAMILY_EVENTS.get(tag) or tag
        kind = node.value("TYPE") if tag == "EVEN" else None
        kind = kind or (node.text.strip() if tag == "EVEN" and node.text.strip() else None)
        shown = kind or name
        label = f"{shown} of {owner_label}" if owner_label else shown
        self.b.read["event"] += 1
        identifiers = {
            "gedcom": f"{self.key(record)}/{tag}/{index}",
            **{k: v for k, v in self.identifiers(node).items() if k != "gedcom"},
        }
        readable = "-".join(
            p
            for p in (
                slug(shown, 30),
                slug(owner_label, 40),
                slug(record.xref or ""),
                str(index) if index > 1 else "",
            )
            if p
        )
        event = self.b.entity_id("event", readable, self.keys(identifiers))
        support = self.support(node, inherited)
        flagged = self.restricted(node, restricted)
        date_node = node.first("DATE")
        date = self.date(date_node) if date_node is not None else None
        place_node = node.first("PLAC")
        place = self.place(place_node, support) if place_node is not None else None
        remarks: list[str] = []
        if node.text.strip() == "Y":
            remarks.append("The file states that it took place.")
        elif node.text.strip() and tag != "EVEN":
            remarks.append(f"The file describes it as “{node.text.strip()}”.")
        if tag != "EVEN" and node.value("TYPE"):
            remarks.append(f"Its type: {node.value('TYPE')}.")
        for child_tag, what in (
            ("AGNC", "Agency"),
            ("RELI", "Religion"),
            ("SDATE", "Sort date"),
            ("TEMP", "Temple"),
            ("PHON", "Telephone"),
            ("EMAIL", "E-mail"),
            ("FAX", "Fax"),
            ("WWW", "On the web"),
        ):
            for child in node.all(child_tag):
                remarks.append(f"{what}: {child.text.strip()}.")
        status = node.first("STAT")
        if status is not None:
            remarks.append(f"Status: {status.text.strip()}.")
        address = node.first("ADDR")
        if address is not None:
            remarks.append(f"Address: {self.address(address)}.")
        if date is not None and date.remark:
            remarks.append(date.remark)
        self.b.declare(
            "event",
            node.line,
            id=event,
            labels={"en": label},
            citations=list(support.citations),
            confidence=support.confidence,
            places=[place] if place else None,
            external_ids=identifiers,
            flags=self.flags(flagged or support.restricted, *(date.flags if date else ())),
            note=join_note(" ".join(remarks), *self.note_texts(node)),
            **(date.fields() if date is not None else {}),
        )
        self.fact(
            "attribute", node, support, flagged, subject=event, property="event-type", value=shown
        )
        cause = node.value("CAUS")
        if cause:
            self.fact(
                "attribute",
                node,
                support,
                flagged,
                subject=event,
                property="cause",
                value=cause.strip(),
            )
        ages = {}
        age = node.first("AGE")
        for principal in principals:
            ages[principal] = age
        for role_tag, partner in (partners or {}).items():
            holder = node.first(role_tag)
            ages[partner] = holder.first("AGE") if holder is not None else None
        for principal in principals:
            age_node = ages.get(principal)
            age_remark = None
            if age_node is not None and (age_node.text.strip() or age_node.children):
                phrase = age_node.value("PHRASE")
                age_remark = (
                    "Age: "
                    + " ".join(
                        p for p in (age_node.text.strip(), f"({phrase})" if phrase else None) if p
                    )
                    + "."
                )
            self.fact(
                "participation",
                node,
                support,
                flagged,
                person=principal,
                event=event,
                role="principal",
                note=age_remark,
            )
        for association in node.all("ASSO"):
            other = self.target(association, ("INDI",))
            if other is None:
                self.b.skip(
                    f"an association of {self.where(node)}",
                    "it names no individual"
                    f" ({association.value('PHRASE') or association.pointer})",
                    association.line,
                )
                continue
            role_text = (association.value("ROLE") or association.value("RELA") or "").strip()
            role = _ROLES.get(role_text.upper(), "listed")
            role_node = association.first("ROLE")
            phrase = role_node.value("PHRASE") if role_node is not None else None
            remark = None
            if role == "listed" and role_text:
                remark = f"The role as the file gives it: {role_text}" + (
                    f" ({phrase})." if phrase else "."
                )
            self.fact(
                "participation",
                association,
                self.support(association, support),
                flagged,
                person=self.id_of(other),
                event=event,
                role=role,
                note=join_note(remark, *self.note_texts(association)),
            )
        for media in node.all("OBJE"):
            self.depiction(media, event, support, flagged)
        return event, date, support

    def attribute(
        self,
        node: Node,
        subjects: list[str],
        inherited: Support,
        restricted: bool,
        remark: str | None = None,
    ) -> None:
        prop = _ATTRIBUTES[node.tag]
        value = node.text.strip()
        address = node.first("ADDR")
        place_node = node.first("PLAC")
        if not value and address is not None:
            value = self.address(address)
        if not value and place_node is not None:
            value = place_node.text.strip()
        if not value:
            self.b.skip(f"{node.tag} of {self.where(node)}", "it gives no value", node.line)
            return
        self.b.read["attribute"] += 1
        support = self.support(node, inherited)
        flagged = self.restricted(node, restricted)
        kind = node.value("TYPE")
        remarks = [remark] if remark else []
        if kind:
            remarks.append(f"Its type: {kind.strip()}.")
        if node.tag in ("SSN", "IDNO"):
            remarks.append(
                "A social security number." if node.tag == "SSN" else "An identity number."
            )
        date_node = node.first("DATE")
        date = self.date(date_node) if date_node is not None else None
        if date is not None and date.remark:
            remarks.append(date.remark)
        place = self.place(place_node, support) if place_node is not None else None
        for subject in subjects:
            self.fact(
                "attribute",
                node,
                support,
                flagged,
                *(date.flags if date else ()),
                subject=subject,
                property=prop,
                value=value,
                place=place,
                note=join_note(" ".join(remarks), *self.note_texts(node)),
                **(date.fields() if date is not None else {}),
            )

    def association(self, node: Node, person: str, inherited: Support, restricted: bool) -> None:
        other = self.target(node, ("INDI",))
        if other is None:
            self.b.skip(
                f"an association of {self.where(node)}",
                f"it names no individual ({node.value('PHRASE') or node.pointer or node.text})",
                node.line,
            )
            return
        role = (node.value("ROLE") or node.value("RELA") or "").strip()
        role_node = node.first("ROLE")
        phrase = role_node.value("PHRASE") if role_node is not None else None
        described = node.value("PHRASE")
        remark = " ".join(
            p
            for p in (
                f"The object is the subject's {role.lower()}"
                + (f" ({phrase})" if phrase else "")
                + ", as the file gives it."
                if role
                else None,
                f"The file describes it as “{described.strip()}”." if described else None,
            )
            if p
        )
        self.fact(
            "relation",
            node,
            self.support(node, inherited),
            self.restricted(node, restricted),
            subject=person,
            predicate="associated-with",
            object=self.id_of(other),
            note=join_note(remark, *self.note_texts(node)),
        )

    def alias(self, node: Node, person: str, inherited: Support, restricted: bool) -> None:
        if node.pointer is None and node.text.strip():  # 5.5.1 files that write a name here
            self.fact(
                "attribute",
                node,
                self.support(node, inherited),
                restricted,
                subject=person,
                property="name-variant",
                value=_display(node.text),
                note="The file gives it as an alias.",
            )
            return
        other = self.target(node, ("INDI",))
        if other is None:
            self.b.skip(f"an alias of {self.where(node)}", "it names no individual", node.line)
            return
        phrase = node.value("PHRASE")
        self.fact(
            "relation",
            node,
            self.support(node, inherited),
            restricted,
            subject=person,
            predicate="alias-of",
            object=self.id_of(other),
            note=f"The file describes it as “{phrase.strip()}”." if phrase else None,
        )

    def negative(self, node: Node, person: str, inherited: Support, restricted: bool) -> None:
        name = _PERSON_EVENTS.get(node.text.strip()) or _FAMILY_EVENTS.get(node.text.strip())
        date_node = node.first("DATE")
        date = self.date(date_node) if date_node is not None else None
        self.fact(
            "attribute",
            node,
            self.support(node, inherited),
            restricted,
            *(date.flags if date else ()),
            subject=person,
            property="fact",
            value=f"No {(name or node.text.strip()).lower()}",
            note=join_note(
                f"GEDCOM NO {node.text.strip()}: the file states that it did not happen"
                + (" in the period given." if date is not None else ".")
                + (f" {date.remark}" if date is not None and date.remark else ""),
                *self.note_texts(node),
            ),
            **(date.fields() if date is not None else {}),
        )

    def depiction(self, node: Node, subject: str, inherited: Support, restricted: bool) -> None:
        media = self.target(node, ("OBJE",))
        if media is None:
            if node.pointer is None and node.children:  # 5.5.1: a media link written inline
                files = [f.text.strip() for f in node.all("FILE") if f.text.strip()]
                self.b.skip(
                    f"a media link of {self.where(node)}",
                    f"written inline, not as a record ({', '.join(files) or 'no file'})",
                    node.line,
                )
            return
        title = node.value("TITL")
        crop = node.first("CROP")
        remarks = []
        if title:
            remarks.append(f"Titled “{title.strip()}”.")
        if crop is not None:
            sides = ", ".join(f"{c.tag.lower()} {c.text.strip()}" for c in crop.children)
            remarks.append(f"Cropped: {sides}.")
        self.fact(
            "relation",
            node,
            self.support(node, self.media_support.get(media.xref or ""), inherited),
            restricted or self.restricted(media),
            subject=self.id_of(media),
            predicate="depicts",
            object=subject,
            note=" ".join(remarks) or None,
        )

    @staticmethod
    def address(node: Node) -> str:
        lines = [line.strip() for line in node.text.splitlines() if line.strip()]
        if not lines:
            lines = [
                v.strip()
                for v in (
                    node.value(t) for t in ("ADR1", "ADR2", "ADR3", "CITY", "STAE", "POST", "CTRY")
                )
                if v
            ]
        return ", ".join(lines)

    # -- families -------------------------------------------------------------------------------
    def family(self, record: Node) -> None:
        self.b.read["FAM"] += 1
        where = record.xref or f"line {record.line}"
        support = self.support(record)
        restricted = self.restricted(record)
        identifiers = ", ".join(
            f"{k} {v}" for k, v in self.identifiers(record).items() if k != "gedcom"
        )
        remark = f"GEDCOM family {where}" + (f" ({identifiers})." if identifiers else ".")
        partners: dict[str, str] = {}
        for role in ("HUSB", "WIFE"):
            link = record.first(role)
            if link is None:
                continue
            person = self.target(link, ("INDI",))
            if person is not None:
                partners[role] = self.id_of(person)
        names = " and ".join(
            self.labels.get(p.pointer or "", "")
            for p in (record.first("HUSB"), record.first("WIFE"))
            if p is not None and self.labels.get(p.pointer or "")
        )
        notes = self.note_texts(record)
        if len(partners) == 2:
            married = record.first("MARR") is not None
            self.b.read["couple"] += 1
            self.fact(
                "relation",
                record,
                support,
                restricted,
                subject=partners["HUSB"],
                predicate="spouse-of" if married else "partner-of",
                object=partners["WIFE"],
                note=join_note(
                    remark + ("" if married else " The file gives no marriage."), *notes
                ),
            )
        children = record.all("CHIL")
        if not partners and children:
            self.b.skip(
                f"family {where}",
                f"it has no partners to relate its {len(children)} children to",
                record.line,
            )
        for link in children:
            child = self.target(link, ("INDI",))
            if child is None:
                if link.pointer == "@VOID@":
                    self.b.skip(
                        f"a child of family {where}",
                        "an unknown child (@VOID@)"
                        + (f": {link.value('PHRASE')}" if link.value("PHRASE") else ""),
                        link.line,
                    )
                continue
            pedigree, status, flags, adopted_by = self.pedigree(child, record)
            child_support = self.support(link, support)
            for role, partner in partners.items():
                predicate = (
                    _PEDIGREES.get(pedigree.upper(), "parent-of") if pedigree else "parent-of"
                )
                if adopted_by is not None and role in adopted_by:
                    predicate = "adoptive-parent-of"
                remarks = [remark]
                if pedigree and pedigree.upper() not in _PEDIGREES:
                    remarks.append(f"The pedigree as the file gives it: {pedigree}.")
                if status:
                    remarks.append(f"The file marks the link {status}.")
                phrase = link.value("PHRASE")
                if phrase:
                    remarks.append(f"The file describes the child as “{phrase.strip()}”.")
                self.fact(
                    "relation",
                    link,
                    child_support,
                    restricted,
                    *flags,
                    subject=partner,
                    predicate=predicate,
                    object=self.id_of(child),
                    note=join_note(" ".join(remarks), *(notes if len(partners) < 2 else ())),
                )
        counts: dict[str, int] = {}
        principals = list(partners.values())
        for child_node in record.children:
            tag = child_node.tag
            counts[tag] = counts.get(tag, 0) + 1
            if tag in _FAMILY_EVENTS or tag in _ORDINANCES:
                if not principals:
                    self.b.skip(
                        f"{tag} of family {where}", "the family has no partners", child_node.line
                    )
                    continue
                self.event(
                    child_node,
                    principals,
                    names,
                    record,
                    counts[tag],
                    support,
                    restricted,
                    partners,
                )
            elif tag in _ATTRIBUTES:
                self.attribute(
                    child_node, principals, support, restricted, f"Of the GEDCOM family {where}."
                )
            elif tag == "ASSO":
                for partner in principals:
                    self.association(child_node, partner, support, restricted)
            elif tag == "OBJE":
                for partner in principals:
                    self.depiction(child_node, partner, support, restricted)
            elif tag == "NO":
                for partner in principals:
                    self.negative(child_node, partner, support, restricted)

    def pedigree(
        self, child: Node, family: Node
    ) -> tuple[str | None, str | None, tuple[str, ...], set[str] | None]:
        """The child's link to the family: PEDI, STAT, flags, and who adopted (ADOP.FAMC)."""
        pedigree = status = None
        flags: tuple[str, ...] = ()
        for link in child.all("FAMC"):
            if link.pointer == family.xref:
                pedigree = link.value("PEDI")
                status = link.value("STAT")
                if status and status.strip().upper() in ("CHALLENGED", "DISPROVEN"):
                    flags = ("disputed",)
        adopted_by: set[str] | None = None
        for adoption in child.all("ADOP"):
            adopted = adoption.first("FAMC")
            if adopted is not None and adopted.pointer == family.xref:
                by = (adopted.value("ADOP") or "BOTH").strip().upper()
                adopted_by = {"HUSB", "WIFE"} if by == "BOTH" else {by}
        return pedigree, status, flags, adopted_by

    # -- sources, repositories, media, notes ----------------------------------------------------
    def source(self, record: Node) -> None:
        self.b.read["SOUR"] += 1
        holdings: list[_Holding] = []
        for link in record.all("REPO"):
            repository = self.target(link, ("REPO",)) if link.pointer else None
            if repository is not None:
                self.used_repositories.add(repository.xref or "")
            name = (repository.value("NAME") if repository is not None else None) or (
                link.text.strip() or None
            )
            place = None
            if repository is not None and repository.first("ADDR") is not None:
                address = repository.first("ADDR")
                assert address is not None
                place = (
                    ", ".join(
                        v.strip() for v in (address.value(t) for t in ("CITY", "STAE", "CTRY")) if v
                    )
                    or None
                )
            notes = self.note_texts(link)
            if repository is not None:
                notes += self.note_texts(repository)
            numbers: list[Node | None] = list(link.all("CALN")) or [None]
            for number in numbers:
                kind = number.value("MEDI") if number is not None else None
                location = number.text.strip() if number is not None else None
                holdings.append(_Holding(name, place, location or None, kind, notes))
        first = holdings[0] if holdings else _Holding()
        medium = first.medium
        source_type = _SOURCE_TYPES.get((medium or "").upper(), "unspecified")
        others = [
            "Also " + ", ".join(v for v in (h.archive, h.location, h.medium) if v) + "."
            for h in holdings[1:]
        ]
        remarks = [f"GEDCOM source {record.xref or f'at line {record.line}'}."]
        abbreviation = record.value("ABBR")
        if abbreviation:
            remarks.append(f"Abbreviated {abbreviation.strip()}.")
        data = record.first("DATA")
        if data is not None:
            for event in data.all("EVEN"):
                date = event.first("DATE")
                place = event.value("PLAC")
                remarks.append(
                    f"It records {event.text.strip()}"
                    + (f", {self.date_text(date)}" if date is not None else "")
                    + (f", in {place.strip()}" if place else "")
                    + "."
                )
            agency = data.value("AGNC")
            if agency:
                remarks.append(f"Responsible agency: {agency.strip()}.")
        texts = [f"Text: {t.text}" for t in record.all("TEXT") if t.text.strip()]
        title = record.value("TITL") or abbreviation or f"Untitled source {record.xref}"
        author = record.value("AUTH")
        publisher = record.value("PUBL")
        self.b.declare(
            "source",
            record.line,
            id=self.id_of(record),
            source_type=source_type,
            title=" ".join(title.split()),
            publication_status="published" if source_type in _PUBLISHED else "unpublished",
            authors=[{"literal": " ".join(author.split())}] if author else None,
            publisher=" ".join(publisher.split()) if publisher else None,
            archive=first.archive,
            archive_place=first.place,
            archive_location=first.location,
            genre=medium,
            external_ids=self.identifiers(record),
            flags=self.flags(self.restricted(record)),
            note=join_note(
                " ".join([*remarks, *others]),
                *texts,
                *self.note_texts(record),
                *dict.fromkeys(n for h in holdings for n in h.notes),
            ),
        )
        for media in record.all("OBJE"):
            self.depiction(media, self.id_of(record), self.uncited(record), False)

    def media(self, record: Node) -> None:
        self.b.read["OBJE"] += 1
        files = record.all("FILE")
        first = files[0] if files else None
        form = first.first("FORM") if first is not None else None
        title = (
            (first.value("TITL") if first is not None else None)
            or (first.text.strip() if first is not None else "")
            or f"Media object {record.xref}"
        )
        url = first.text.strip() if first is not None else ""
        remarks = [f"GEDCOM multimedia record {record.xref or f'at line {record.line}'}."]
        for file in files:
            kind = file.first("FORM")
            medium = kind.value("MEDI") if kind is not None else None
            remarks.append(
                f"File: {file.text.strip()}"
                + (
                    f" ({kind.text.strip()}" + (f", {medium.strip()}" if medium else "") + ")"
                    if kind is not None
                    else ""
                )
                + "."
            )
        support = self.own_support(record)
        self.media_support[record.xref or ""] = support
        if support is not None:
            described = "; ".join(
                f"{c['source']}"
                + (f", {c['locator']['label']} {c['locator']['value']}" if "locator" in c else "")
                for c in support.citations
            )
            remarks.append(f"The file cites for it: {described}.")
        self.b.declare(
            "source",
            record.line,
            id=self.id_of(record),
            source_type="media",
            title=" ".join(title.split()),
            publication_status="unpublished",
            genre=form.text.strip() if form is not None and form.text.strip() else None,
            url=url if re.fullmatch(r"https?://\S+", url) and len(url) <= 2000 else None,
            external_ids=self.identifiers(record),
            flags=self.flags(self.restricted(record)),
            note=join_note(" ".join(remarks), *self.note_texts(record)),
        )

    def loose_records(self) -> None:
        for record in self.records:
            if record.tag in ("NOTE", "SNOTE"):
                self.b.read[record.tag] += 1
                if (record.xref or "") in self.used_notes:
                    continue
                if not record.text.strip():
                    self.b.skip(f"note {record.xref}", "it is empty", record.line)
                    continue
                self.b.record(
                    "passage",
                    record.line,
                    source=self.dataset,
                    locator={"label": "record", "value": record.xref or f"line {record.line}"},
                    text=self._note_text(record),
                    flags=self.flags(self.restricted(record)),
                    note="A shared note of the file that no record refers to.",
                )
            elif record.tag == "REPO":
                self.b.read["REPO"] += 1
                if (record.xref or "") not in self.used_repositories:
                    self.b.skip(f"repository {record.xref}", "no source refers to it", record.line)
            elif record.tag == "SUBM":
                self.b.read["SUBM"] += 1
            elif record.tag not in ("HEAD", "TRLR", "INDI", "FAM", "SOUR", "OBJE"):
                self.b.read[record.tag] += 1
                self.b.skip(
                    f"{record.tag} record {record.xref or ''}".strip(),
                    "a record type fonds does not read",
                    record.line,
                )


def read_gedcom_file(
    path: Path,
    *,
    recorded_by: str | None = None,
    known: Existing | None = None,
    vocabulary: Vocabulary | None = None,
) -> GenealogyImport:
    """Read the GEDCOM file at ``path``: the draft, and what was read and left out."""
    builder = DraftBuilder(
        str(path), agent=recorded_by or DEFAULT_AGENT, existing=known, vocabulary=vocabulary
    )
    try:
        data = path.read_bytes()
    except OSError as exc:
        builder.problem(None, "", "gedcom-unreadable", f"cannot read the file: {exc}")
        return builder.finish()
    parsed = read_gedcom(data)
    for trouble in parsed.problems:
        builder.problem(trouble.line, trouble.path, trouble.code, trouble.message)
    if not parsed.records:
        if not parsed.problems:
            builder.problem(1, "", "gedcom-empty", "no GEDCOM records in the file")
        return builder.finish()
    reader = _Reader(path, parsed, builder, recorded_by)
    reader.assign_ids()
    reader.declare_basics()
    for record in parsed.records:
        if record.tag == "SOUR":
            reader.source(record)
        elif record.tag == "OBJE":
            reader.media(record)
    for record in parsed.records:
        if record.tag == "INDI":
            reader.person(record)
    for record in parsed.records:
        if record.tag == "FAM":
            reader.family(record)
    reader.loose_records()
    return builder.finish()


def import_gedcom(
    path: Path,
    *,
    recorded_by: str | None = None,
    known: Existing | None = None,
    vocabulary: Vocabulary | None = None,
) -> Draft:
    """Draft records from the GEDCOM 7 or 5.5.1 file at ``path``."""
    return read_gedcom_file(path, recorded_by=recorded_by, known=known, vocabulary=vocabulary).draft
