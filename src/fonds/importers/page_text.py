"""What a page's prose says beyond its lists: its own date, quotations it attributes, and the
persons it names.

The reading is plain pattern matching over the paragraphs, and it says so on what it drafts:

- **The page's date** is the first date its text or a day heading gives ("On 23 August 1939",
  "In October and November 1940", "August 23, 1939"); the event carries it with the flag
  ``inferred-date`` and the sentence as its quote.
- **A quotation** is words in quotation marks that the text gives to a person: "Stalin said",
  "Molotov told Hitler that", "he stated" (a pronoun stands for the person last named), in the
  same sentence or in the paragraph leading into a quoted paragraph. Words in quotation marks
  that no one is said to say (titles, terms) are left in the passage.
- **A person named in the text** is a name after an office or role ("Italian leader Benito
  Mussolini") or with a particle ("von Schulenberg"); one not otherwise known is drafted with
  ``low`` confidence, cited to the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import attrs

__all__ = ["Mention", "Quoted", "TextDate", "mentions", "page_date", "quotations"]

_MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_MONTH = "|".join(_MONTH_NAMES)
_DATE_PATTERNS = (
    re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTH}),? (?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<month>{_MONTH}) and (?P<until>{_MONTH}),? (?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<month>{_MONTH}),? (?P<year>\d{{4}})\b"),
)
_SENTENCE_END = re.compile(r"[.!?][\"”’]?\s+(?=[\"“„«A-Z])")
_QUOTED = re.compile(r"[\"“”„«](?P<text>[^\"“”„«»]+?)[\"“”»]")
_OPENERS = '"“„«”'
_PRONOUN = re.compile(r"^(?:he|she)$", re.IGNORECASE)
_VERBS = (
    "said|stated|told|added|insisted|replied|remarked|noted|wrote|declared|asked|inquired|"
    "concluded|spoke|answered|announced|explained|warned|stressed|claimed|promised|exclaimed|"
    "responded|observed|proclaimed|demanded|saying|stating|telling|says|states|tells"
)
_ADVERBS = r"(?:(?:also|further|then|later|again|once|finally|[a-z]+ly)\s+){0,2}"
_ROLES = (
    "leader|minister|ambassador|president|chancellor|interpreter|translator|secretary|general|"
    "marshal|admiral|king|queen|emperor|commissar|envoy|diplomat|count|prince|duke|premier|"
    "chairman|dictator|aide|adviser|advisor|counsellor|counselor|deputy|attaché|attache|"
    "undersecretary|head"
)
_NAME_WORD = r"[A-Z][\w'’-]*\w"
_PARTICLE = r"(?:von|van|der|den|de|di|da|du|des|zu|ten|ter)"
_ROLE_NAME = re.compile(
    rf"\b(?i:{_ROLES})\s+(?P<name>{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{1,3}})"
)
_PARTICLE_NAME = re.compile(
    rf"(?P<name>(?:{_NAME_WORD}\s+)*\b(?:von|van)(?:\s+(?:der|den|zu))?\s+{_NAME_WORD})"
)


@attrs.frozen
class TextDate:
    """A date the text gives: EDTF, the paragraph it stands in (0: a heading), the words."""

    date: str
    paragraph: int
    quote: str


@attrs.frozen
class Mention:
    """A person the text names: the name as printed, the paragraph, the words around it."""

    name: str
    paragraph: int
    quote: str


@attrs.frozen
class Quoted:
    """Words in quotation marks the text gives to a person (an id or a name it names)."""

    speaker: str
    text: str
    paragraph: int
    lead: str | None
    lead_paragraph: int | None
    addressee: str | None
    unclosed: bool


def _edtf(found: re.Match[str]) -> str:
    groups = found.groupdict()
    year = groups["year"]
    month = _MONTH_NAMES.index(groups["month"]) + 1
    if groups.get("day"):
        return f"{year}-{month:02d}-{int(groups['day']):02d}"
    if groups.get("until"):
        until = _MONTH_NAMES.index(groups["until"]) + 1
        return f"{year}-{month:02d}/{year}-{until:02d}"
    return f"{year}-{month:02d}"


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a paragraph with where each starts."""
    found, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        found.append((start, text[start : end.end()].strip()))
        start = end.end()
    found.append((start, text[start:].strip()))
    return [(at, sentence) for at, sentence in found if sentence]


def _first_date(text: str) -> tuple[str, str] | None:
    for _, sentence in sentences(text):
        hits = [m for pattern in _DATE_PATTERNS if (m := pattern.search(sentence))]
        if hits:
            # the earliest in the sentence; of two at one place, the fullest
            best = min(hits, key=lambda m: (m.start(), -len(m.group())))
            return _edtf(best), sentence
    return None


def page_date(paragraphs: Sequence[tuple[int, str, str | None]]) -> TextDate | None:
    """The first date of the page, reading ``(number, text, day heading)`` in order."""
    headings: set[str] = set()
    for number, text, heading in paragraphs:
        if heading is not None and heading not in headings:
            headings.add(heading)
            found = _first_date(heading)
            if found is not None:
                return TextDate(found[0], 0, heading)
        found = _first_date(text)
        if found is not None:
            return TextDate(found[0], number, found[1])
    return None


def mentions(paragraphs: Sequence[tuple[int, str]]) -> list[Mention]:
    """Names the text gives persons by (after a role, or with a particle), first place each."""
    found: dict[str, Mention] = {}
    for number, text in paragraphs:
        hits = [*_ROLE_NAME.finditer(text), *_PARTICLE_NAME.finditer(text)]
        # of two readings ending at one place, the shorter: "Foreign Minister Joachim von
        # Ribbentrop" names "Joachim von Ribbentrop"
        shortest: dict[int, re.Match[str]] = {}
        for hit in hits:
            kept = shortest.get(hit.end("name"))
            if kept is None or hit.start("name") > kept.start("name"):
                shortest[hit.end("name")] = hit
        for end in sorted(shortest):
            hit = shortest[end]
            name = re.sub(r"['’]s$", "", hit["name"])
            found.setdefault(name, Mention(name, number, hit.group().strip()))
    return list(found.values())


class _Speakers:
    """Who the text names where: a person's id for each name it uses."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        name = rf"(?<![\w-])(?:{alternatives})(?![\w-])" if names else r"(?!x)x"
        self.name = re.compile(name)
        self.speech = re.compile(
            rf"(?<![\w-])(?P<who>{alternatives + '|' if names else ''}[Hh]e|[Ss]he)"
            rf"(?![\w-])\s+{_ADVERBS}(?P<verb>{_VERBS})\b(?:\s+(?:to\s+)?(?P<to>{name}))?"
        )
        self.last: str | None = None

    def see(self, text: str) -> None:
        """Remember the last person ``text`` names (for a pronoun that follows)."""
        for hit in self.name.finditer(text):
            self.last = self.names[hit.group()]

    def attribution(
        self, text: str, before: str, *, last: bool = True
    ) -> tuple[str, str | None, str] | None:
        """The speaker, addressee and words of the last (or first) "X said" in ``text``;
        ``before`` is what the page says before it (for a pronoun)."""
        hits = list(self.speech.finditer(text))
        if not hits:
            return None
        hit = hits[-1] if last else hits[0]
        who = hit["who"]
        if _PRONOUN.match(who):
            self.see(before + " " + text[: hit.start()])
            speaker = self.last
        else:
            speaker = self.names[who]
        if speaker is None:
            return None
        addressee = self.names.get(hit["to"]) if hit["to"] else None
        return speaker, addressee, hit.group()


def quotations(paragraphs: Sequence[tuple[int, str]], names: Mapping[str, str]) -> list[Quoted]:
    """Every quotation the text attributes to a person named in ``names`` (name → id)."""
    speakers = _Speakers(names)
    found: list[Quoted] = []
    previous_text = ""
    previous_speaker: str | None = None  # of the paragraph before, when it ends quoting
    whole_quote_before = False
    for number, text in paragraphs:
        spans = [(m.start(), m.end(), m["text"].strip(), False) for m in _QUOTED.finditer(text)]
        if not spans and text[:1] in _OPENERS and not any(c in _OPENERS for c in text[1:]):
            spans = [(0, len(text), text[1:].strip(), True)]  # opened and never closed
        whole = len(spans) == 1 and spans[0][0] == 0 and spans[0][1] >= len(text.rstrip(",.;: "))
        speaker_here: str | None = None
        for start, end, words, unclosed in spans:
            sentence_start = max(
                (m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0
            )
            lead_text = text[sentence_start:start]
            context = previous_text + " " + text[:sentence_start]
            hit = speakers.attribution(lead_text, context)
            lead, lead_paragraph = (hit[2], number) if hit else (None, None)
            if hit is None and start == 0 and previous_text:
                hit = speakers.attribution(previous_text, "", last=True)
                if hit is not None:
                    lead, lead_paragraph = hit[2], number - 1
            if hit is None and not words.endswith((".", "!", "?")):
                after = text[end:]
                stop = _SENTENCE_END.search(after)
                hit = speakers.attribution(
                    after[: stop.start() if stop else len(after)], context + text[:end], last=False
                )
                lead, lead_paragraph = (hit[2], number) if hit else (None, None)
            speaker, addressee = (hit[0], hit[1]) if hit else (None, None)
            if speaker is None:
                # the paragraph goes on quoting the one who spoke last in it (or just before)
                speaker = speaker_here or (
                    previous_speaker if (text[:1].islower() or whole_quote_before) else None
                )
            if speaker is None or not words:
                continue
            speaker_here = speaker
            found.append(Quoted(speaker, words, number, lead, lead_paragraph, addressee, unclosed))
        speakers.see(text)
        previous_speaker = speaker_here if speaker_here else None
        whole_quote_before = whole and speaker_here is not None
        previous_text = text
    return found
