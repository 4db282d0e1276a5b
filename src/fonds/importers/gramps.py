"""Read a Gramps XML database (plain or gzip) into draft records.

The file is read with the standard library's expat parser (entity declarations are refused),
each element keeping its line. What becomes what:

- ``person``: a person (labelled with the primary name), its name parts (``given-name``,
  ``surname`` with its prefix, ``call-name``, ``nickname``, ``name-title``, ``name-suffix``),
  each alternate name as a ``name-variant``, ``sex``, attributes, addresses (``residence``),
  URLs, associations (``associated-with``) and pictures (``depicts``).
- ``event``: an event (labelled with its description, else its type) with its date and place,
  its type as an ``event-type`` attribute, and its attributes; each ``eventref`` a
  participation in its role (Primary and Family as ``principal``); a person's primary birth
  and death also as ``born``/``died`` attributes, so that life dates are checked and shown.
- ``family``: ``spouse-of`` (Married) or ``partner-of`` between the parents, and for each
  child a relation from each parent by the child's relationship (``birth-parent-of``,
  ``adoptive-parent-of``, ``step-parent-of``, ``foster-parent-of``, ``sponsor-of``,
  ``parent-of``); the family's events as participations of both parents.
- ``placeobj``: a place with its names (by language), ``place-type``, ``coordinates``, and a
  ``located-in`` relation to each enclosing place.
- ``source`` with its ``reporef``: a source (``archive`` the repository, ``archive_location``
  the call number, ``genre`` the media type); ``object``: a ``media`` source.
- ``citation``: a fonds citation on each record it supports (``page`` the locator, the
  confidence 0-4 onto the scale speculative ... certain, its date and notes in the citation's
  note, a Transcript note as its quote).
- ``note``: the note of each record that refers to it; a note nothing refers to becomes a
  passage of the database, a ``dataset`` source.
- ``tag``: a flag when the vocabulary has the tag's name as a flag, else a sentence of the note.
- ``priv="1"``: the ``restricted`` flag.

A fact stands on the citations Gramps attaches to it; one inside an object without citations
of its own (a name, a child of a family) stands on the object's; with none, on the database.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.parsers import expat

import attrs

from fonds.importers.draft import Draft
from fonds.importers.genealogy import (
    UNCITED_CONFIDENCE,
    DraftBuilder,
    Existing,
    GenealogyImport,
    Support,
    join_note,
    slug,
)
from fonds.importers.genealogy_dates import GenealogyDate, gramps_date
from fonds.model.vocabulary import Vocabulary

__all__ = ["DEFAULT_AGENT", "import_gramps", "read_gramps"]

DEFAULT_AGENT = "agent:fonds-gramps-importer"
_NAMESPACE = "http://gramps-project.org/xml/"
_DATE_ELEMENTS = ("dateval", "daterange", "datespan", "datestr")
_CONFIDENCE = ("speculative", "low", "medium", "high", "certain")  # Gramps 0 (Very Low) ... 4
_ROLES = {
    "primary": "principal",
    "family": "principal",
    "clergy": "clergy",
    "celebrant": "celebrant",
    "aide": "aide",
    "bride": "bride",
    "groom": "groom",
    "witness": "witness",
    "informant": "informant",
    "unknown": "listed",
}
_CHILD_PREDICATES = {
    "birth": "birth-parent-of",
    "adopted": "adoptive-parent-of",
    "stepchild": "step-parent-of",
    "sponsored": "sponsor-of",
    "foster": "foster-parent-of",
    "unknown": "parent-of",
    "other": "parent-of",
}
_FAMILY_PREDICATES = {"married": "spouse-of"}  # Unmarried, Civil Union, Unknown: partner-of
_ATTRIBUTES = {
    "caste": "caste",
    "description": "description",
    "identification number": "identity-number",
    "social security number": "identity-number",
    "national origin": "nationality",
    "number of children": "number-of-children",
    "nickname": "nickname",
    "cause": "cause",
    "occupation": "occupation",
    "nobility title": "nobility-title",
}
_SOURCE_TYPES = {
    "book": "book",
    "magazine": "periodical",
    "newspaper": "periodical",
    "manuscript": "archival-document",
    "card": "archival-document",
    "fiche": "archival-document",
    "film": "archival-document",
    "microfilm": "archival-document",
}
_PUBLISHED = frozenset({"book", "periodical"})
_UNCITED = "Gramps gives no citation for this; the database itself is cited."
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*")


class _Refused(Exception):
    """A construct a Gramps file never holds and an importer must not expand."""


class _XmlError(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def _parse(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The XML tree and each element's line (entity declarations refused)."""
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def refuse(*_: object) -> None:
        raise _Refused("the file declares entities, which a Gramps file never does")

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise _XmlError(exc.lineno, f"not well-formed XML: {message}") from None
    except _Refused as exc:
        raise _XmlError(parser.CurrentLineNumber, str(exc)) from None
    return builder.close(), lines


def _text(element: ET.Element, tag: str) -> str | None:
    """The text of a child element, or None when absent or blank."""
    value = element.findtext(tag)
    return value if value is not None and value.strip() else None


def _private(element: ET.Element) -> bool:
    return element.get("priv") == "1"


@attrs.frozen
class _Citation:
    citation: dict[str, Any]
    confidence: str
    private: bool


@attrs.frozen
class _Annotations:
    """What notes, tags and the private flag add to the record of one Gramps object."""

    note: str | None
    flags: tuple[str, ...]
    quotes: tuple[str, ...] = ()


class _Reader:
    def __init__(
        self,
        path: Path,
        root: ET.Element,
        lines: dict[ET.Element, int],
        builder: DraftBuilder,
        recorded_by: str | None,
    ) -> None:
        self.path = path
        self.root = root
        self.lines = lines
        self.b = builder
        self.recorded_by = recorded_by
        sections = {child.tag: child for child in root}
        self.section = sections

        def table(section: str, tag: str) -> dict[str, ET.Element]:
            holder = sections.get(section)
            found: dict[str, ET.Element] = {}
            if holder is None:
                return found
            for element in holder.findall(tag):
                handle = element.get("handle")
                if not handle:
                    builder.problem(
                        lines.get(element),
                        f"/database/{section}/{tag}",
                        "gramps-no-handle",
                        f"a {tag} without a handle: nothing can refer to it",
                    )
                    continue
                found[handle] = element
            return found

        self.people = table("people", "person")
        self.families = table("families", "family")
        self.events = table("events", "event")
        self.places = table("places", "placeobj")
        self.sources = table("sources", "source")
        self.citation_elements = table("citations", "citation")
        self.repositories = table("repositories", "repository")
        self.notes = table("notes", "note")
        self.objects = table("objects", "object")
        self.tags = table("tags", "tag")
        self.ids: dict[str, str] = {}  # handle -> fonds id
        self.citations: dict[str, _Citation] = {}
        self.used_notes: set[str] = set()
        self.used_citations: set[str] = set()
        self.used_repositories: set[str] = set()
        self.media_support: dict[str, Support | None] = {}
        self.dataset = ""
        # every fact read from a private object (a person, an event...) is restricted too
        self.private_scope = False

    # -- places in the file ---------------------------------------------------------------
    def line(self, element: ET.Element) -> int:
        return self.lines.get(element, 0)

    @staticmethod
    def where(section: str, tag: str, element: ET.Element, *more: str) -> str:
        path = f"/database/{section}/{tag}[@handle='{element.get('handle', '')}']"
        return "/".join([path, *more])

    def gid(self, element: ET.Element) -> str:
        """The Gramps id of an object (its handle when it has none)."""
        return element.get("id") or element.get("handle") or "?"

    def target(
        self, handle: str | None, table: dict[str, ET.Element], pointer: str, line: int
    ) -> str | None:
        """The fonds id of the object a link names, or a problem when it names none."""
        if handle and handle in table and handle in self.ids:
            return self.ids[handle]
        self.b.problem(line, pointer, "gramps-broken-link", f"the link {handle!r} names nothing")
        return None

    # -- ids --------------------------------------------------------------------------------
    def assign_ids(self) -> None:
        b = self.b
        for handle, element in self.people.items():
            readable = slug(_display(_primary_name(element))) if _primary_name(element) else ""
            self.ids[handle] = b.entity_id(
                "person", _join(readable, slug(self.gid(element))), _keys(element)
            )
        for handle, element in self.events.items():
            readable = slug(_text(element, "description") or _text(element, "type"))
            self.ids[handle] = b.entity_id(
                "event", _join(readable, slug(self.gid(element))), _keys(element)
            )
        for handle, element in self.places.items():
            name = next((n.get("value") for n in element.findall("pname")), None)
            readable = slug(name or _text(element, "ptitle"))
            self.ids[handle] = b.entity_id(
                "place", _join(readable, slug(self.gid(element))), _keys(element)
            )
        for handle, element in self.sources.items():
            readable = slug(_text(element, "stitle"))
            self.ids[handle] = b.entity_id(
                "source", _join(readable, slug(self.gid(element))), _keys(element)
            )
        for handle, element in self.objects.items():
            file = element.find("file")
            title = file.get("description") if file is not None else None
            readable = slug(title or (file.get("src") if file is not None else None))
            self.ids[handle] = b.entity_id(
                "source", _join(readable, slug(self.gid(element))), _keys(element)
            )

    # -- annotations: notes, tags, private ----------------------------------------------------
    def annotations(
        self, element: ET.Element, pointer: str, *remarks: str | None, quotes_apart: bool = False
    ) -> _Annotations:
        """The notes, tags and private flag of an element; Transcript notes apart as quotes
        when asked (for a citation), else as notes."""
        texts: list[str] = []
        quotes: list[str] = []
        flags: list[str] = []
        restricted = _private(element)
        for reference in element.findall("noteref"):
            handle = reference.get("hlink", "")
            note = self.notes.get(handle)
            if note is None:
                self.b.problem(
                    self.line(reference),
                    f"{pointer}/noteref",
                    "gramps-broken-link",
                    f"the link {handle!r} names no note",
                )
                continue
            self.used_notes.add(handle)
            restricted = restricted or _private(note)
            text = note.findtext("text") or ""
            if not text.strip():
                continue
            kind = note.get("type", "")
            if kind == "Transcript" and quotes_apart:
                quotes.append(text)
            elif kind in ("", "General") or kind.endswith(" Note"):
                texts.append(text)
            else:
                texts.append(f"{kind}: {text}")
        tag_names: list[str] = []
        for reference in element.findall("tagref"):
            tag = self.tags.get(reference.get("hlink", ""))
            if tag is None:
                self.b.problem(
                    self.line(reference),
                    f"{pointer}/tagref",
                    "gramps-broken-link",
                    f"the link {reference.get('hlink')!r} names no tag",
                )
                continue
            name = tag.get("name", "")
            term = slug(name, 64)
            if term and self.b.flag(term):
                flags.append(term)
            else:
                tag_names.append(name)
        if restricted and self.b.flag("restricted"):
            flags.append("restricted")
        tagged = f"Gramps tags: {', '.join(tag_names)}." if tag_names else None
        said = " ".join(r.strip() for r in (*remarks, tagged) if r and r.strip())
        return _Annotations(join_note(said, *texts), tuple(dict.fromkeys(flags)), tuple(quotes))

    # -- citations --------------------------------------------------------------------------
    def read_citations(self) -> None:
        for handle, element in self.citation_elements.items():
            pointer = self.where("citations", "citation", element)
            self.b.read["citation"] += 1
            source = element.find("sourceref")
            source_handle = source.get("hlink") if source is not None else None
            source_id = self.target(
                source_handle, self.sources, f"{pointer}/sourceref", self.line(element)
            )
            if source_id is None:
                continue
            try:
                level = int((element.findtext("confidence") or "2").strip())
            except ValueError:
                level = 2
            confidence = _CONFIDENCE[min(max(level, 0), 4)]
            citation: dict[str, Any] = {"source": source_id}
            page = _text(element, "page")
            long_page = None
            if page is not None:
                if len(page.strip()) <= 200:
                    citation["locator"] = {"label": "page", "value": page.strip()}
                else:
                    long_page = f"Page: {page.strip()}"
            date = _date_of(element)
            dated = None
            if date is not None:
                dated = (
                    f"Dated {date.edtf}" + (f" ({date.calendar})" if date.calendar else "") + "."
                    if date.edtf
                    else f"Dated “{date.as_written}”."
                )
            notes = self.annotations(element, pointer, quotes_apart=True)
            attributes = [
                f"{a.get('type')}: {a.get('value')}" for a in element.findall("srcattribute")
            ]
            said = [
                f"Gramps citation {self.gid(element)}.",
                dated,
                f"{'; '.join(attributes)}." if attributes else None,
            ]
            note = join_note(" ".join(r for r in said if r), long_page, notes.note)
            if note:
                citation["note"] = note
            if notes.quotes:
                citation["quote"] = "\n\n".join(notes.quotes)
            private = _private(element) or "restricted" in notes.flags
            self.citations[handle] = _Citation(citation, confidence, private)

    def own_support(self, element: ET.Element, pointer: str) -> Support | None:
        citations: list[dict[str, Any]] = []
        confidences: list[str] = []
        restricted = False
        for reference in element.findall("citationref"):
            handle = reference.get("hlink", "")
            found = self.citations.get(handle)
            if found is None:
                if handle not in self.citation_elements:
                    self.b.problem(
                        self.line(reference),
                        f"{pointer}/citationref",
                        "gramps-broken-link",
                        f"the link {handle!r} names no citation",
                    )
                continue
            self.used_citations.add(handle)
            if found.citation not in citations:
                citations.append(found.citation)
            confidences.append(found.confidence)
            restricted = restricted or found.private
        if not citations:
            return None
        return Support(tuple(citations), self.b.confidence(confidences), restricted)

    def uncited(self, gid: str) -> Support:
        citation = {
            "source": self.dataset,
            "locator": {"label": "record", "value": gid},
            "note": _UNCITED,
        }
        return Support((citation,), UNCITED_CONFIDENCE)

    def support(
        self, element: ET.Element, pointer: str, gid: str, *inherited: Support | None
    ) -> Support:
        """The element's own citations, else the first of ``inherited``, else the database."""
        own = self.own_support(element, pointer)
        if own is not None:
            return own
        for found in inherited:
            if found is not None:
                return found
        return self.uncited(gid)

    def fact(
        self,
        kind: str,
        line: int,
        support: Support,
        notes: _Annotations,
        extra_flags: Iterable[str] = (),
        **fields: Any,
    ) -> dict[str, Any]:
        """An assertion standing on ``support``, with the annotations of its Gramps object."""
        flags = list(dict.fromkeys([*extra_flags, *notes.flags]))
        restricted = support.restricted or self.private_scope
        if restricted and self.b.flag("restricted") and "restricted" not in flags:
            flags.append("restricted")
        note = fields.pop("note", None)
        return self.b.record(
            kind,
            line,
            citations=list(support.citations),
            confidence=support.confidence,
            flags=flags,
            note=join_note(note, notes.note),
            **fields,
        )

    # -- the database itself -------------------------------------------------------------------
    def declare_basics(self) -> None:
        b = self.b
        if self.recorded_by is None and b.is_new(DEFAULT_AGENT):
            b.record(
                "agent",
                0,
                id=DEFAULT_AGENT,
                labels={"en": "fonds Gramps importer"},
                agent_type="software",
                note="Drafts records from Gramps XML databases.",
            )
        header = self.section.get("header")
        created = header.find("created") if header is not None else None
        researcher = _text(header, "researcher/resname") if header is not None else None
        self.dataset = b.entity_id(
            "source", slug(f"{self.path.stem} gramps"), [("file", self.path.name)]
        )
        issued = created.get("date") if created is not None else None
        if issued is not None and not _simple_day(issued):
            issued = None
        version = created.get("version") if created is not None else None
        author = researcher.strip().strip(",").strip() if researcher else None
        b.declare(
            "source",
            self.line(header) if header is not None else 1,
            id=self.dataset,
            source_type="dataset",
            title=f"Gramps database {self.path.name}",
            publication_status="unpublished",
            issued=issued,
            authors=[{"literal": author}] if author else None,
            external_ids={"file": self.path.name},
            note=join_note(
                "The Gramps XML file imported"
                + (f", written by Gramps {version}" if version else "")
                + "; facts it gives without a citation cite it, at the record they come from."
            ),
        )

    # -- sources and repositories ---------------------------------------------------------------
    def read_sources(self) -> None:
        for handle, element in self.sources.items():
            self.b.read["source"] += 1
            pointer = self.where("sources", "source", element)
            title = _text(element, "stitle") or f"Untitled source {self.gid(element)}"
            holdings: list[dict[str, str | None]] = []
            for reference in element.findall("reporef"):
                repository = self.repositories.get(reference.get("hlink", ""))
                if repository is None:
                    self.b.problem(
                        self.line(reference),
                        f"{pointer}/reporef",
                        "gramps-broken-link",
                        f"the link {reference.get('hlink')!r} names no repository",
                    )
                    continue
                self.used_repositories.add(reference.get("hlink", ""))
                holdings.append(self.holding(repository, reference))
            first = holdings[0] if holdings else {}
            medium = first.get("medium")
            source_type = _SOURCE_TYPES.get((medium or "").lower(), "unspecified")
            others = [
                "Also held by "
                + ", ".join(v for v in (h["archive"], h["location"], h["medium"]) if v)
                + ". "
                + (h["remark"] or "")
                for h in holdings[1:]
            ]
            attributes = [
                f"{a.get('type')}: {a.get('value')}." for a in element.findall("srcattribute")
            ]
            abbreviation = _text(element, "sabbrev")
            notes = self.annotations(
                element,
                pointer,
                f"Gramps source {self.gid(element)}."
                + (f" Abbreviated {abbreviation}." if abbreviation else ""),
                *attributes,
                *others,
                first.get("remark"),
            )
            author = _text(element, "sauthor")
            self.b.declare(
                "source",
                self.line(element),
                id=self.ids[handle],
                source_type=source_type,
                title=title.strip(),
                publication_status=("published" if source_type in _PUBLISHED else "unpublished"),
                authors=[{"literal": author.strip()}] if author else None,
                publisher=(_text(element, "spubinfo") or "").strip() or None,
                archive=first.get("archive"),
                archive_place=first.get("place"),
                archive_location=first.get("location"),
                genre=medium,
                external_ids=_external(element),
                flags=list(notes.flags),
                note=notes.note,
            )
            self.depictions(element, pointer, self.ids[handle], self.gid(element), None)
        for handle, element in self.repositories.items():
            self.b.read["repository"] += 1
            if handle not in self.used_repositories:
                self.b.skip(
                    f"repository {self.gid(element)}", "no source refers to it", self.line(element)
                )
            for address in element.findall("address"):
                for reference in address.findall("citationref"):
                    self.used_citations.add(reference.get("hlink", ""))
                    cited = self.citation_elements.get(reference.get("hlink", ""))
                    self.b.skip(
                        f"citation {self.gid(cited) if cited is not None else '?'} of the"
                        f" address of repository {self.gid(element)}",
                        "the address is the source's archive place, a field without citations",
                        self.line(reference),
                    )

    def holding(self, repository: ET.Element, reference: ET.Element) -> dict[str, str | None]:
        address = repository.find("address")
        place = None
        if address is not None:
            parts = [_text(address, t) for t in ("locality", "city", "state", "country")]
            place = ", ".join(p.strip() for p in parts if p) or None
        pointer = self.where("repositories", "repository", repository)
        urls = [u.get("href") for u in repository.findall("url") if u.get("href")]
        notes = self.annotations(repository, pointer)
        kind = _text(repository, "type")
        name = _text(repository, "rname") or f"Repository {self.gid(repository)}"
        remark = join_note(
            f"The repository {name.strip()} ({kind.strip() if kind else 'of no stated type'},"
            f" Gramps {self.gid(repository)})"
            + (f", on the web at {', '.join(u for u in urls if u)}" if urls else "")
            + ".",
            notes.note,
        )
        return {
            "archive": name.strip(),
            "place": place,
            "location": (reference.get("callno") or "").strip() or None,
            "medium": (reference.get("medium") or "").strip() or None,
            "remark": remark,
        }

    def read_objects(self) -> None:
        for handle, element in self.objects.items():
            self.b.read["object"] += 1
            pointer = self.where("objects", "object", element)
            file = element.find("file")
            src = file.get("src") if file is not None else None
            mime = file.get("mime") if file is not None else None
            description = file.get("description") if file is not None else None
            date = _date_of(element)
            support = self.own_support(element, pointer)
            cited = []
            for citation in support.citations if support is not None else ():
                name = str(citation.get("note", "")).split(".")[0]
                locator = citation.get("locator")
                where = f", {locator['label']} {locator['value']}" if locator else ""
                cited.append(f"{name} ({citation['source']}{where})")
                self.b.skip(
                    f"{name.removeprefix('Gramps ')} of media object {self.gid(element)}",
                    "a source has no citations: noted on the media object's source, and its"
                    " depictions stand on it",
                    self.line(element),
                )
            notes = self.annotations(
                element,
                pointer,
                f"Gramps media object {self.gid(element)}.",
                f"The file: {src}." if src else None,
                f"Cited by Gramps: {'; '.join(cited)}." if cited else None,
                date.remark if date is not None else None,
            )
            self.b.declare(
                "source",
                self.line(element),
                id=self.ids[handle],
                source_type="media",
                title=(description or src or f"Media object {self.gid(element)}").strip(),
                publication_status="unpublished",
                genre=mime,
                issued=date.edtf
                if date is not None and date.edtf and not date.calendar and _simple_day(date.edtf)
                else None,
                external_ids=_external(element),
                flags=list(notes.flags),
                note=notes.note,
            )
            self.media_support[handle] = support
            for attribute in element.findall("attribute"):
                self.attribute(
                    attribute,
                    self.ids[handle],
                    pointer,
                    self.gid(element),
                    support or self.uncited(self.gid(element)),
                )

    def depictions(
        self, element: ET.Element, pointer: str, subject: str, gid: str, inherited: Support | None
    ) -> None:
        """``depicts`` relations from each picture an object shows to the object's entity.

        A depiction stands on the link's citations, else the picture's, else the object's.
        """
        for reference in element.findall("objref"):
            media = self.target(
                reference.get("hlink"), self.objects, f"{pointer}/objref", self.line(reference)
            )
            if media is None:
                continue
            media_support = self.media_support.get(reference.get("hlink", ""))
            region = reference.find("region")
            remark = None
            if region is not None:
                corners = [
                    region.get(k) for k in ("corner1_x", "corner1_y", "corner2_x", "corner2_y")
                ]
                remark = (
                    f"The region from ({corners[0]}%, {corners[1]}%) to ({corners[2]}%,"
                    f" {corners[3]}%) of the picture."
                )
            attributes = [
                f"{a.get('type')}: {a.get('value')}." for a in reference.findall("attribute")
            ]
            support = self.support(reference, f"{pointer}/objref", gid, media_support, inherited)
            support = self.with_attribute_citations(support, reference, f"{pointer}/objref")
            self.fact(
                "relation",
                self.line(reference),
                support,
                self.annotations(reference, f"{pointer}/objref", remark, *attributes),
                subject=media,
                predicate="depicts",
                object=subject,
            )

    # -- places -------------------------------------------------------------------------------
    def read_places(self) -> None:
        for handle, element in self.places.items():
            self.b.read["place"] += 1
            self.private_scope = _private(element)
            gid = self.gid(element)
            pointer = self.where("places", "placeobj", element)
            place = self.ids[handle]
            support = self.support(element, pointer, gid)
            names = element.findall("pname")
            labels: dict[str, str] = {}
            variants: list[ET.Element] = []
            for name in names:
                value = (name.get("value") or "").strip()
                if not value:
                    continue
                language = _language(name.get("lang"))
                if language not in labels and not any(
                    n in _DATE_ELEMENTS for n in (c.tag for c in name)
                ):
                    labels[language] = value
                else:
                    variants.append(name)
            title = _text(element, "ptitle")
            if not labels:
                labels["und"] = (title or f"Unnamed place {gid}").strip()
            remark = f"Gramps place {gid}" + (
                f", titled “{title.strip()}”."
                if title and title.strip() not in labels.values()
                else "."
            )
            notes = self.annotations(element, pointer, remark)
            self.b.declare(
                "place",
                self.line(element),
                id=place,
                labels=labels,
                external_ids=_external(element),
                citations=list(support.citations),
                confidence=support.confidence,
                flags=list(notes.flags),
                note=notes.note,
            )
            plain = _Annotations(None, ())
            for name in variants:
                date = _date_of(name)
                self.fact(
                    "attribute",
                    self.line(name),
                    support,
                    plain,
                    _date_flags(date),
                    subject=place,
                    property="name-variant",
                    value=name.get("value", "").strip(),
                    language=_language(name.get("lang")) if name.get("lang") else None,
                    note=date.remark if date else None,
                    **self.b.dated(date),
                )
            kind = element.get("type")
            if kind and kind.strip() and kind != "Unknown":
                self.fact(
                    "attribute",
                    self.line(element),
                    support,
                    plain,
                    subject=place,
                    property="place-type",
                    value=kind.strip(),
                )
            coordinates = element.find("coord")
            if coordinates is not None and coordinates.get("lat") and coordinates.get("long"):
                self.fact(
                    "attribute",
                    self.line(coordinates),
                    support,
                    plain,
                    subject=place,
                    property="coordinates",
                    value=f"{coordinates.get('lat', '').strip()}, "
                    f"{coordinates.get('long', '').strip()}",
                )
            for reference in element.findall("placeref"):
                parent = self.target(
                    reference.get("hlink"), self.places, f"{pointer}/placeref", self.line(reference)
                )
                if parent is None:
                    continue
                date = _date_of(reference)
                self.fact(
                    "relation",
                    self.line(reference),
                    self.support(reference, f"{pointer}/placeref", gid, support),
                    self.annotations(
                        reference, f"{pointer}/placeref", date.remark if date else None
                    ),
                    _date_flags(date),
                    subject=place,
                    predicate="located-in",
                    object=parent,
                    **self.b.dated(date),
                )
            for url in element.findall("url"):
                self.url(url, place, support)
            self.depictions(element, pointer, place, gid, support)
        self.private_scope = False

    def url(self, element: ET.Element, subject: str, support: Support) -> None:
        href = (element.get("href") or "").strip()
        if not href:
            return
        description = element.get("description")
        kind = element.get("type")
        remark = (
            " ".join(
                part
                for part in (
                    f"{kind}." if kind else None,
                    f"{description}." if description else None,
                )
                if part
            )
            or None
        )
        self.fact(
            "attribute",
            self.line(element),
            support,
            _Annotations(
                None, ("restricted",) if _private(element) and self.b.flag("restricted") else ()
            ),
            subject=subject,
            property="url",
            value=href,
            note=remark,
        )

    # -- events -------------------------------------------------------------------------------
    def read_events(self) -> dict[str, tuple[Support, GenealogyDate | None]]:
        found: dict[str, tuple[Support, GenealogyDate | None]] = {}
        for handle, element in self.events.items():
            self.b.read["event"] += 1
            self.private_scope = _private(element)
            gid = self.gid(element)
            pointer = self.where("events", "event", element)
            event = self.ids[handle]
            kind = (_text(element, "type") or "Unknown").strip()
            description = _text(element, "description")
            support = self.support(element, pointer, gid)
            date = _date_of(element)
            place_element = element.find("place")
            place = None
            if place_element is not None:
                place = self.target(
                    place_element.get("hlink"),
                    self.places,
                    f"{pointer}/place",
                    self.line(place_element),
                )
            notes = self.annotations(
                element, pointer, f"Gramps event {gid} ({kind}).", date.remark if date else None
            )
            flags = list(dict.fromkeys([*_date_flags(date), *notes.flags]))
            if support.restricted and self.b.flag("restricted") and "restricted" not in flags:
                flags.append("restricted")
            self.b.declare(
                "event",
                self.line(element),
                id=event,
                labels={"und": (description or kind).strip()},
                citations=list(support.citations),
                confidence=support.confidence,
                places=[place] if place else None,
                external_ids=_external(element),
                flags=flags,
                note=notes.note,
                **self.b.dated(date),
            )
            plain = _Annotations(None, ())
            self.fact(
                "attribute",
                self.line(element),
                support,
                plain,
                subject=event,
                property="event-type",
                value=kind,
            )
            for attribute in element.findall("attribute"):
                self.attribute(attribute, event, pointer, gid, support)
            self.depictions(element, pointer, event, gid, support)
            # what links a private event (a participation, a life date) is restricted too
            private = support.restricted or _private(element)
            found[handle] = (attrs.evolve(support, restricted=private), date)
        self.private_scope = False
        return found

    def attribute(
        self,
        element: ET.Element,
        subject: str,
        pointer: str,
        gid: str,
        inherited: Support,
        remark: str | None = None,
    ) -> None:
        kind = (element.get("type") or "").strip()
        value = (element.get("value") or "").strip()
        where = f"{pointer}/attribute[@type='{kind}']"
        if not value:
            self.b.skip(f"attribute {kind!r} of {gid}", "it has no value", self.line(element))
            return
        prop = _ATTRIBUTES.get(kind.lower(), "fact")
        note = f"Gramps attribute “{kind}”." if prop in ("fact", "identity-number") else None
        self.fact(
            "attribute",
            self.line(element),
            self.support(element, where, gid, inherited),
            self.annotations(element, where, note, remark),
            subject=subject,
            property=prop,
            value=value,
        )

    # -- people -------------------------------------------------------------------------------
    def read_people(self, events: dict[str, tuple[Support, GenealogyDate | None]]) -> None:
        for handle, element in self.people.items():
            self.b.read["person"] += 1
            self.private_scope = _private(element)
            self.person(handle, element, events)
        self.private_scope = False

    def person(
        self,
        handle: str,
        element: ET.Element,
        events: dict[str, tuple[Support, GenealogyDate | None]],
    ) -> None:
        b = self.b
        gid = self.gid(element)
        pointer = self.where("people", "person", element)
        person = self.ids[handle]
        support = self.support(element, pointer, gid)
        names = element.findall("name")
        primary = _primary_name(element)
        label = _display(primary) if primary is not None else ""
        remark = f"Gramps person {gid}."
        if not label:
            label = f"Unnamed person {gid}"
            remark += " Gramps gives no name."
        elif primary is not None and primary.get("type") not in (None, "Birth Name"):
            remark += f" The name is a {primary.get('type')}."
        notes = self.annotations(element, pointer, remark)
        flags = list(notes.flags)
        if support.restricted and b.flag("restricted") and "restricted" not in flags:
            flags.append("restricted")
        b.declare(
            "person",
            self.line(element),
            id=person,
            labels={"und": label.strip()},
            external_ids=_external(element),
            citations=list(support.citations),
            confidence=support.confidence,
            flags=flags,
            note=notes.note,
        )
        for index, name in enumerate(names):
            where = f"{pointer}/name[{index + 1}]"
            self.name(name, name is primary, person, where, gid, support)
        gender = (element.findtext("gender") or "").strip()
        if gender in ("M", "F"):
            self.fact(
                "attribute",
                self.line(element),
                support,
                _Annotations(None, ()),
                subject=person,
                property="sex",
                value={"M": "male", "F": "female"}[gender],
            )
        born = died = False
        for index, reference in enumerate(element.findall("eventref")):
            where = f"{pointer}/eventref[{index + 1}]"
            event_handle = reference.get("hlink", "")
            event = self.target(event_handle, self.events, where, self.line(reference))
            if event is None:
                continue
            event_support, date = events[event_handle]
            role = self.participation(reference, person, event, where, gid, event_support, support)
            kind = (_text(self.events[event_handle], "type") or "").strip()
            if role != "principal" or kind not in ("Birth", "Death"):
                continue
            if (kind == "Birth" and born) or (kind == "Death" and died):
                continue
            if date is None or date.edtf is None:
                b.skip(
                    f"{kind.lower()} date of {gid}",
                    "the event has no date EDTF can hold"
                    if date is not None
                    else "the event has no date",
                    self.line(reference),
                )
                continue
            born = born or kind == "Birth"
            died = died or kind == "Death"
            event_element = self.events[event_handle]
            place_element = event_element.find("place")
            place = (
                self.ids.get(place_element.get("hlink", "")) if place_element is not None else None
            )
            self.fact(
                "attribute",
                self.line(reference),
                event_support,
                _Annotations(None, ()),
                _date_flags(date),
                subject=person,
                property="born" if kind == "Birth" else "died",
                place=place,
                note=join_note(
                    f"The {kind.lower()} of the Gramps event {self.gid(event_element)}.",
                    date.remark,
                ),
                **b.dated(date),
            )
        for index, ordinance in enumerate(element.findall("lds_ord")):
            self.ordinance(
                ordinance, [person], handle, index, f"{pointer}/lds_ord[{index + 1}]", gid, support
            )
        for index, address in enumerate(element.findall("address")):
            self.address(address, person, f"{pointer}/address[{index + 1}]", gid, support)
        for attribute in element.findall("attribute"):
            self.attribute(attribute, person, pointer, gid, support)
        for url in element.findall("url"):
            self.url(url, person, support)
        for index, reference in enumerate(element.findall("personref")):
            where = f"{pointer}/personref[{index + 1}]"
            other = self.target(reference.get("hlink"), self.people, where, self.line(reference))
            if other is None:
                continue
            relationship = (reference.get("rel") or "").strip()
            self.fact(
                "relation",
                self.line(reference),
                self.support(reference, where, gid, support),
                self.annotations(
                    reference,
                    where,
                    f"The object is the subject's {relationship}, as Gramps gives it."
                    if relationship
                    else None,
                ),
                subject=person,
                predicate="associated-with",
                object=other,
            )
        self.depictions(element, pointer, person, gid, support)

    def name(
        self,
        element: ET.Element,
        primary: bool,
        person: str,
        pointer: str,
        gid: str,
        inherited: Support,
    ) -> None:
        support = self.support(element, pointer, gid, inherited)
        date = _date_of(element)
        kind = element.get("type") or "Unknown"
        dated = self.b.dated(date)
        flags = _date_flags(date)
        if not primary:
            display = _display(element)
            if not display:
                self.b.skip(f"a {kind} of {gid}", "the name is empty", self.line(element))
                return
            parts = _parts(element)
            self.fact(
                "attribute",
                self.line(element),
                support,
                self.annotations(
                    element,
                    pointer,
                    f"Gramps name type: {kind}.",
                    f"Its parts: {parts}." if parts else None,
                    date.remark if date else None,
                ),
                flags,
                subject=person,
                property="name-variant",
                value=display,
                **dated,
            )
            return
        notes = self.annotations(element, pointer, date.remark if date else None)
        line = self.line(element)
        given = _text(element, "first")
        if given:
            self.fact(
                "attribute",
                line,
                support,
                notes,
                flags,
                subject=person,
                property="given-name",
                value=given.strip(),
                **dated,
            )
        for surname in element.findall("surname"):
            text = (surname.text or "").strip()
            if not text:
                continue
            prefix = (surname.get("prefix") or "").strip()
            remarks = []
            if prefix:
                remarks.append(f"the prefix “{prefix}”")
            if surname.get("connector"):
                remarks.append(f"joined to the next by “{surname.get('connector')}”")
            if surname.get("derivation"):
                remarks.append(f"origin: {surname.get('derivation')}")
            if surname.get("prim") == "0":
                remarks.append("not the primary surname")
            remark = f"With {', '.join(remarks)}." if remarks else None
            self.fact(
                "attribute",
                self.line(surname),
                support,
                _Annotations(join_note(remark, notes.note), notes.flags),
                flags,
                subject=person,
                property="surname",
                value=f"{prefix} {text}".strip(),
                **dated,
            )
        for tag, prop, remark in (
            ("call", "call-name", None),
            ("nick", "nickname", None),
            ("familynick", "nickname", "A family nickname."),
            ("title", "name-title", None),
            ("suffix", "name-suffix", None),
        ):
            value = _text(element, tag)
            if value:
                self.fact(
                    "attribute",
                    line,
                    support,
                    _Annotations(join_note(remark, notes.note), notes.flags),
                    flags,
                    subject=person,
                    property=prop,
                    value=value.strip(),
                    **dated,
                )
        group = _text(element, "group")
        if group:
            self.b.skip(f"the group name of {gid}", "a grouping for Gramps' views", line)

    def participation(
        self,
        reference: ET.Element,
        person: str,
        event: str,
        pointer: str,
        gid: str,
        event_support: Support,
        owner: Support,
    ) -> str:
        written = (reference.get("role") or "Unknown").strip()
        role = _ROLES.get(written.lower(), "listed")
        remarks = []
        if role == "listed" and written.lower() != "unknown":
            remarks.append(f"The role as Gramps gives it: {written}.")
        remarks.extend(
            f"{a.get('type')}: {a.get('value')}." for a in reference.findall("attribute")
        )
        support = event_support
        if event_support.citations[0]["source"] == self.dataset:  # the owner's citations, if any
            support = attrs.evolve(owner, restricted=owner.restricted or event_support.restricted)
        support = self.with_attribute_citations(support, reference, pointer)
        self.fact(
            "participation",
            self.line(reference),
            support,
            self.annotations(reference, pointer, *remarks),
            person=person,
            event=event,
            role=role,
        )
        return role

    def with_attribute_citations(
        self, support: Support, reference: ET.Element, pointer: str
    ) -> Support:
        """A link's support with the citations of the link's attributes (an age at the event)."""
        extra: list[dict[str, Any]] = []
        confidences = [support.confidence]
        for attribute in reference.findall("attribute"):
            cited = self.own_support(attribute, f"{pointer}/attribute")
            if cited is not None:
                extra.extend(c for c in cited.citations if c not in extra)
                confidences.append(cited.confidence)
        more = [c for c in extra if c not in support.citations]
        if not more:
            return support
        if support.citations[0]["source"] == self.dataset:
            return Support(tuple(more), self.b.confidence(confidences[1:]), support.restricted)
        return Support(
            (*support.citations, *more), self.b.confidence(confidences), support.restricted
        )

    def address(
        self, element: ET.Element, subject: str, pointer: str, gid: str, inherited: Support
    ) -> None:
        parts = [
            _text(element, tag)
            for tag in ("street", "locality", "city", "county", "state", "postal", "country")
        ]
        value = ", ".join(p.strip() for p in parts if p)
        if not value:
            self.b.skip(f"an address of {gid}", "it is empty", self.line(element))
            return
        phone = _text(element, "phone")
        date = _date_of(element)
        self.fact(
            "attribute",
            self.line(element),
            self.support(element, pointer, gid, inherited),
            self.annotations(
                element,
                pointer,
                f"Telephone {phone}." if phone else None,
                date.remark if date else None,
            ),
            _date_flags(date),
            subject=subject,
            property="residence",
            value=value,
            **self.b.dated(date),
        )

    def ordinance(
        self,
        element: ET.Element,
        persons: list[str],
        owner: str,
        index: int,
        pointer: str,
        gid: str,
        inherited: Support,
    ) -> None:
        """An LDS ordinance: an event of its own, with its persons as principals."""
        self.b.read["lds ordinance"] += 1
        kind = element.get("type") or "ordinance"
        key = ("gramps-handle", f"{owner}/lds_ord/{index + 1}")
        event = self.b.entity_id(
            "event", _join(slug(f"lds {kind}"), slug(gid), str(index + 1)), [key]
        )
        support = self.support(element, pointer, gid, inherited)
        date = _date_of(element)
        place_element = element.find("place")
        place = None
        if place_element is not None:
            place = self.target(
                place_element.get("hlink"),
                self.places,
                f"{pointer}/place",
                self.line(place_element),
            )
        temple = element.find("temple")
        status = element.find("status")
        sealed = element.find("sealed_to")
        sealed_to = None
        if sealed is not None:
            family = self.families.get(sealed.get("hlink", ""))
            sealed_to = self.gid(family) if family is not None else sealed.get("hlink")
        remarks = [
            f"A Latter-day Saints ordinance ({kind.replace('_', ' ')}) of Gramps {gid}.",
            f"Temple {temple.get('val')}." if temple is not None else None,
            f"Status {status.get('val')}." if status is not None else None,
            f"Sealed to the family {sealed_to}." if sealed_to else None,
            date.remark if date else None,
        ]
        notes = self.annotations(element, pointer, *remarks)
        flags = list(dict.fromkeys([*_date_flags(date), *notes.flags]))
        self.b.declare(
            "event",
            self.line(element),
            id=event,
            labels={"en": f"LDS {kind.replace('_', ' ')}"},
            citations=list(support.citations),
            confidence=support.confidence,
            places=[place] if place else None,
            external_ids=dict([key]),
            flags=flags,
            note=notes.note,
            **self.b.dated(date),
        )
        for person in persons:
            self.fact(
                "participation",
                self.line(element),
                support,
                _Annotations(None, ()),
                person=person,
                event=event,
                role="principal",
            )

    # -- families -----------------------------------------------------------------------------
    def read_families(self, events: dict[str, tuple[Support, GenealogyDate | None]]) -> None:
        for handle, element in self.families.items():
            self.b.read["family"] += 1
            self.private_scope = _private(element)
            self.family(handle, element, events)
        self.private_scope = False

    def family(
        self,
        handle: str,
        element: ET.Element,
        events: dict[str, tuple[Support, GenealogyDate | None]],
    ) -> None:
        gid = self.gid(element)
        pointer = self.where("families", "family", element)
        support = self.support(element, pointer, gid)
        parents: list[tuple[str, str]] = []
        for role in ("father", "mother"):
            link = element.find(role)
            if link is not None:
                parent = self.target(
                    link.get("hlink"), self.people, f"{pointer}/{role}", self.line(link)
                )
                if parent is not None:
                    parents.append((role, parent))
        rel = element.find("rel")
        relationship = (rel.get("type") if rel is not None else None) or "Unknown"
        remark = f"Gramps family {gid}."
        notes = self.annotations(element, pointer, remark)
        plain = _Annotations(remark, notes.flags)
        if len(parents) == 2:
            predicate = _FAMILY_PREDICATES.get(relationship.lower(), "partner-of")
            self.fact(
                "relation",
                self.line(element),
                support,
                _Annotations(
                    join_note(
                        notes.note,
                        f"The relationship as Gramps gives it: {relationship}."
                        if predicate == "partner-of"
                        else None,
                    ),
                    notes.flags,
                ),
                subject=parents[0][1],
                predicate=predicate,
                object=parents[1][1],
            )
            self.b.read["couple"] += 1
        children = element.findall("childref")
        if not parents:
            self.b.skip(
                f"family {gid}",
                f"it has no parents to relate its {len(children)} children to",
                self.line(element),
            )
        for index, reference in enumerate(children):
            where = f"{pointer}/childref[{index + 1}]"
            child = self.target(reference.get("hlink"), self.people, where, self.line(reference))
            if child is None:
                continue
            child_support = self.support(reference, where, gid, support)
            child_notes = self.annotations(reference, where)
            for role, parent in parents:
                written = reference.get("frel" if role == "father" else "mrel") or "Birth"
                if written.lower() == "none":
                    self.b.skip(
                        f"the {role} of a child of family {gid}",
                        "Gramps says the child has no relationship to this parent",
                        self.line(reference),
                    )
                    continue
                predicate = _CHILD_PREDICATES.get(written.lower(), "parent-of")
                as_given = None
                if written.lower() not in _CHILD_PREDICATES:
                    as_given = f"The relationship as Gramps gives it: {written}."
                self.fact(
                    "relation",
                    self.line(reference),
                    child_support,
                    _Annotations(
                        join_note(as_given, child_notes.note, plain.note),
                        tuple(dict.fromkeys([*plain.flags, *child_notes.flags])),
                    ),
                    subject=parent,
                    predicate=predicate,
                    object=child,
                )
        persons = [parent for _, parent in parents]
        for index, reference in enumerate(element.findall("eventref")):
            where = f"{pointer}/eventref[{index + 1}]"
            event_handle = reference.get("hlink", "")
            event = self.target(event_handle, self.events, where, self.line(reference))
            if event is None:
                continue
            if not persons:
                self.b.skip(
                    f"event {event} of family {gid}",
                    "the family has no parents",
                    self.line(reference),
                )
            for person in persons:
                self.participation(
                    reference, person, event, where, gid, events[event_handle][0], support
                )
        for index, ordinance in enumerate(element.findall("lds_ord")):
            self.ordinance(
                ordinance, persons, handle, index, f"{pointer}/lds_ord[{index + 1}]", gid, support
            )
        for attribute in element.findall("attribute"):
            for person in persons:
                self.attribute(
                    attribute,
                    person,
                    pointer,
                    gid,
                    support,
                    f"An attribute of the Gramps family {gid}.",
                )
        for person in persons:
            self.depictions(element, pointer, person, gid, support)

    # -- notes nothing refers to ------------------------------------------------------------
    def loose_notes(self) -> None:
        for handle, element in self.notes.items():
            self.b.read["note"] += 1
            if handle in self.used_notes:
                continue
            text = element.findtext("text") or ""
            if not text.strip():
                self.b.skip(f"note {self.gid(element)}", "it is empty", self.line(element))
                continue
            flags = []
            if _private(element) and self.b.flag("restricted"):
                flags.append("restricted")
            self.b.record(
                "passage",
                self.line(element),
                source=self.dataset,
                locator={"label": "record", "value": self.gid(element)},
                text=text,
                flags=flags,
                note=f"A Gramps note of type {element.get('type', 'General')}"
                " that no record refers to.",
            )

    def loose_citations(self) -> None:
        for handle, element in self.citation_elements.items():
            if handle not in self.used_citations and handle in self.citations:
                self.b.skip(
                    f"citation {self.gid(element)}", "nothing refers to it", self.line(element)
                )


# -- helpers over elements ----------------------------------------------------------------------


def _keys(element: ET.Element) -> list[tuple[str, str]]:
    keys = []
    if element.get("handle"):
        keys.append(("gramps-handle", element.get("handle", "")))
    return keys


def _external(element: ET.Element) -> dict[str, str]:
    found: dict[str, str] = {}
    if element.get("id"):
        found["gramps"] = element.get("id", "")
    if element.get("handle"):
        found["gramps-handle"] = element.get("handle", "")
    return found


def _join(*parts: str) -> str:
    return "-".join(part for part in parts if part)


def _language(tag: str | None) -> str:
    """A name's language as a BCP 47 tag; ``und`` (undetermined) when Gramps gives none."""
    candidate = (tag or "").strip().replace("_", "-")
    return candidate if _LANGUAGE.fullmatch(candidate) else "und"


def _primary_name(element: ET.Element) -> ET.Element | None:
    names = element.findall("name")
    for name in names:
        if name.get("alt") != "1":
            return name
    return names[0] if names else None


def _surnames(name: ET.Element) -> str:
    parts: list[str] = []
    for surname in name.findall("surname"):
        text = " ".join(
            p.strip()
            for p in (surname.get("prefix"), surname.text, surname.get("connector"))
            if p and p.strip()
        )
        if text:
            parts.append(text)
    return " ".join(parts)


def _display(name: ET.Element | None) -> str:
    """A name as a label: given names, surnames with their prefixes, and the suffix."""
    if name is None:
        return ""
    given = (_text(name, "first") or "").strip()
    body = " ".join(p for p in (given, _surnames(name)) if p)
    suffix = (_text(name, "suffix") or "").strip()
    if suffix and body:
        body = f"{body}, {suffix}"
    if not body:
        body = (_text(name, "call") or _text(name, "nick") or "").strip()
    return body


def _parts(name: ET.Element) -> str:
    found = []
    for tag, label in (
        ("title", "title"),
        ("first", "given"),
        ("call", "call name"),
        ("suffix", "suffix"),
        ("nick", "nickname"),
    ):
        value = _text(name, tag)
        if value:
            found.append(f"{label} {value.strip()}")
    surnames = _surnames(name)
    if surnames:
        found.append(f"surname {surnames}")
    return "; ".join(found)


def _date_of(element: ET.Element) -> GenealogyDate | None:
    for child in element:
        if child.tag in _DATE_ELEMENTS:
            return gramps_date(child.tag, dict(child.attrib))
    return None


def _date_flags(date: GenealogyDate | None) -> tuple[str, ...]:
    return date.flags if date is not None else ()


def _simple_day(text: str) -> bool:
    from fonds.model.dates import is_valid_date

    return len(text) == 10 and is_valid_date(text)


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    return data


def read_gramps(
    path: Path,
    *,
    recorded_by: str | None = None,
    known: Existing | None = None,
    vocabulary: Vocabulary | None = None,
) -> GenealogyImport:
    """Read the Gramps XML file at ``path``: the draft, and what was read and left out."""
    builder = DraftBuilder(
        str(path), agent=recorded_by or DEFAULT_AGENT, existing=known, vocabulary=vocabulary
    )
    try:
        data = _read_bytes(path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        builder.problem(None, "/", "gramps-unreadable", f"cannot read the file: {exc}")
        return builder.finish()
    try:
        root, lines = _parse(data)
    except _XmlError as exc:
        builder.problem(exc.line, "/", "gramps-xml", str(exc))
        return builder.finish()
    namespace = root.get("xmlns", "")
    if root.tag != "database" or not namespace.startswith(_NAMESPACE):
        builder.problem(
            lines.get(root),
            f"/{root.tag}",
            "gramps-not-gramps",
            f"not a Gramps XML database: the root is <{root.tag}> in {namespace or 'no'}"
            " namespace; expected <database> in http://gramps-project.org/xml/...",
        )
        return builder.finish()
    reader = _Reader(path, root, lines, builder, recorded_by)
    reader.assign_ids()
    reader.declare_basics()
    reader.read_citations()
    reader.read_objects()
    reader.read_sources()
    reader.read_places()
    events = reader.read_events()
    reader.read_people(events)
    reader.read_families(events)
    reader.loose_notes()
    reader.loose_citations()
    for tag in reader.tags.values():
        builder.read["tag"] += 1
        if not builder.flag(slug(tag.get("name"), 64)):
            builder.skip(
                f"tag {tag.get('name')!r}",
                "not a flag of the vocabulary: kept as a sentence of the tagged records' notes",
                lines.get(tag),
            )
    return builder.finish()


def import_gramps(
    path: Path,
    *,
    recorded_by: str | None = None,
    known: Existing | None = None,
    vocabulary: Vocabulary | None = None,
) -> Draft:
    """Draft records from the Gramps XML file at ``path`` (plain or gzip)."""
    return read_gramps(path, recorded_by=recorded_by, known=known, vocabulary=vocabulary).draft
