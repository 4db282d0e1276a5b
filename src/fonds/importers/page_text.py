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

import bisect
import datetime as dt
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
_PRONOUNS = frozenset({"he", "she"})


def _terms(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VERBS = _terms(
    "said stated told added insisted replied remarked noted wrote declared asked inquired"
    " concluded spoke answered announced explained warned stressed claimed promised exclaimed"
    " responded observed proclaimed demanded saying stating telling says states tells"
)
_ADVERBS = _terms("also further then later again once finally")
_ROLES = _terms(
    "leader minister ambassador president chancellor interpreter translator secretary general"
    " marshal admiral king queen emperor commissar envoy diplomat count prince duke premier"
    " chairman dictator aide adviser advisor counsellor counselor deputy attaché attache"
    " undersecretary"
)
_PARTICLES = _terms("von van der den de di da du des zu ten ter")
_NOBILIARY = frozenset({"von", "van"})
_WORD = re.compile(r"[\w'’-]+")
_NEAR = 300  # how far before or after a quotation its attribution is looked for, in characters
_MOST_WORDS = 6  # the longest name looked up, in words


def _bare(word: str) -> str:
    """A word without a possessive ending or stray apostrophes and hyphens."""
    word = re.sub(r"['’]s$", "", word)
    return word.strip("'’-")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


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
        return dt.date(int(year), month, int(groups["day"])).isoformat()
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
            try:
                return _edtf(best), sentence
            except ValueError:  # no such day (31 February): not a date to go by
                continue
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


class _Words:
    """A paragraph's words with their places, and the runs of them that are known names."""

    def __init__(self, text: str, names: Mapping[str, str]) -> None:
        self.text = text
        found = [(m.start(), m.end(), _bare(m.group())) for m in _WORD.finditer(text)]
        self.words = [(start, end, word) for start, end, word in found if word]
        self.named: dict[int, tuple[int, str]] = {}  # first word → (last word, person)
        index = 0
        while index < len(self.words):
            for size in range(min(_MOST_WORDS, len(self.words) - index), 0, -1):
                last = index + size - 1
                if not self.joined(index, last):
                    continue
                phrase = " ".join(w for _, _, w in self.words[index : last + 1])
                person = names.get(phrase)
                if person is not None and _capitalised(phrase):
                    self.named[index] = (last, person)
                    index = last
                    break
            index += 1
        self.starts = sorted(self.named)  # names do not overlap: their ends sort alike
        self.ends = [self.named[first][0] for first in self.starts]

    def joined(self, first: int, last: int) -> bool:
        """Whether words ``first`` to ``last`` stand apart by spaces only."""
        return all(
            not self.text[self.words[i][1] : self.words[i + 1][0]].strip()
            for i in range(first, last)
        )

    def between(self, start: int, end: int) -> range:
        """The indexes of the words within characters ``start`` to ``end``."""
        low = bisect.bisect_left(self.words, (start, -1, ""))
        high = bisect.bisect_left(self.words, (end, -1, ""))
        while high > low and self.words[high - 1][1] > end:
            high -= 1
        return range(low, high)

    def last_named(self, before: int) -> str | None:
        """The person named last before word ``before``."""
        ends = self.ends
        at = bisect.bisect_left(ends, before)
        return self.named[self.starts[at - 1]][1] if at else None


def mentions(paragraphs: Sequence[tuple[int, str]]) -> list[Mention]:
    """Names the text gives persons by (after a role, or with a particle), first place each."""
    found: dict[str, Mention] = {}
    for number, text in paragraphs:
        words = _Words(text, {})
        runs: dict[int, int] = {}  # last word → first word of the name ending there
        for index, (_, _, word) in enumerate(words.words):
            lower = word.lower()
            if lower in _ROLES:
                last = _name_after(words, index + 1)
                if last is not None:
                    runs[last] = max(runs.get(last, index + 1), index + 1)
            elif lower == word and lower in _NOBILIARY:
                last = _name_after(words, index, particle_first=True)
                if last is not None:
                    first = index
                    while (
                        first > 0
                        and index - first < 2
                        and _capitalised(words.words[first - 1][2])
                        and words.words[first - 1][2].lower() not in _ROLES
                        and words.joined(first - 1, first)
                    ):
                        first -= 1
                    runs[last] = max(runs.get(last, first), first)
        for last, first in sorted(runs.items()):
            name = " ".join(w for _, _, w in words.words[first : last + 1])
            start, end = words.words[first][0], words.words[last][1]
            role = max(first - 1, 0)
            if first > 0 and words.words[role][2].lower() in _ROLES and words.joined(role, first):
                start = words.words[role][0]
            found.setdefault(name, Mention(name, number, text[start:end]))
    return list(found.values())


def _name_after(words: _Words, first: int, *, particle_first: bool = False) -> int | None:
    """The last word of a name starting at word ``first`` (two capitalised words at least, or
    a particle and a capitalised word), or None."""
    capitalised, index, last = 0, first, None
    while index < len(words.words) and index - first < 5:
        if index > first and not words.joined(index - 1, index):
            break
        word = words.words[index][2]
        if _capitalised(word) and word.lower() not in _ROLES:
            capitalised += 1
            last = index
        elif not (word in _PARTICLES and index + 1 < len(words.words)):
            break
        index += 1
    if last is None or capitalised < (1 if particle_first else 2):
        return None
    return last


class _Speakers:
    """Who the text names where, and who speaks: "X said", "he stated", "X told Y"."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names
        self.last: str | None = None  # the person named last before the paragraph read now

    def attribution(
        self, words: _Words, start: int, end: int, *, last: bool = True
    ) -> tuple[str, str | None, str] | None:
        """The speaker, addressee and words of the last (or first) "X said" within characters
        ``start`` to ``end`` of a paragraph."""
        hits = []
        for index in words.between(start, end):
            word = words.words[index][2]
            named = words.named.get(index)
            speaker: str | None
            if named is not None:
                after, speaker = named[0] + 1, named[1]
            elif word.lower() in _PRONOUNS:
                after, speaker = index + 1, (words.last_named(index) or self.last)
            else:
                continue
            while after < len(words.words) and after - index < 4:
                next_word = words.words[after][2]
                if next_word in _ADVERBS or (next_word.endswith("ly") and next_word.islower()):
                    after += 1
                else:
                    break
            if after >= len(words.words) or words.words[after][2] not in _VERBS:
                continue
            if words.words[after][1] > end or speaker is None:
                continue
            stop, addressee = after, None
            to = after + 1 + (after + 1 < len(words.words) and words.words[after + 1][2] == "to")
            spoken_to = words.named.get(to)
            if spoken_to is not None and words.words[spoken_to[0]][1] <= end:
                stop, addressee = spoken_to[0], spoken_to[1]
            hits.append(
                (speaker, addressee, words.text[words.words[index][0] : words.words[stop][1]])
            )
            if not last:
                break
        return hits[-1] if hits else None


def quotations(paragraphs: Sequence[tuple[int, str]], names: Mapping[str, str]) -> list[Quoted]:
    """Every quotation the text attributes to a person named in ``names`` (name → id)."""
    speakers = _Speakers(names)
    found: list[Quoted] = []
    before: _Words | None = None
    previous_speaker: str | None = None  # of the paragraph before, when it ends quoting
    whole_quote_before = False
    for number, text in paragraphs:
        words = _Words(text, names)
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        spans = [(m.start(), m.end(), m["text"].strip(), False) for m in _QUOTED.finditer(text)]
        if not spans and text[:1] in _OPENERS and not any(c in _OPENERS for c in text[1:]):
            spans = [(0, len(text), text[1:].strip(), True)]  # opened and never closed
        whole = len(spans) == 1 and spans[0][0] == 0 and spans[0][1] >= len(text.rstrip(",.;: "))
        speaker_here: str | None = None
        for start, end, quoted, unclosed in spans:
            at = bisect.bisect_right(ends, start)
            sentence_start = max(ends[at - 1] if at else 0, start - _NEAR)
            hit = speakers.attribution(words, sentence_start, start)
            lead_paragraph = number
            if hit is None and start == 0 and before is not None:
                hit = speakers.attribution(
                    before, max(0, len(before.text) - _NEAR), len(before.text)
                )
                lead_paragraph = number - 1
            if hit is None and not quoted.endswith((".", "!", "?")):
                stop = ends[at] if at < len(ends) else len(text)
                hit = speakers.attribution(words, end, min(stop, end + _NEAR), last=False)
                lead_paragraph = number
            speaker: str | None = hit[0] if hit else None
            addressee, lead = (hit[1], hit[2]) if hit else (None, None)
            if speaker is None:
                # the paragraph goes on quoting the one who spoke last in it (or just before)
                speaker = speaker_here or (
                    previous_speaker if (text[:1].islower() or whole_quote_before) else None
                )
            if speaker is None or not quoted:
                continue
            speaker_here = speaker
            found.append(
                Quoted(
                    speaker,
                    quoted,
                    number,
                    lead,
                    lead_paragraph if lead is not None else None,
                    addressee,
                    unclosed,
                )
            )
        speakers.last = words.last_named(len(words.words)) or speakers.last
        previous_speaker = speaker_here if speaker_here else None
        whole_quote_before = whole and speaker_here is not None
        before = words
    return found
