"""What fonds hands pandoc's citeproc, and takes back, so that it prints what citeproc-js does.

pandoc's citeproc and citeproc-js (Zotero's processor, the one the official styles are written
and tested against) agree on the official styles but for four points, each bridged here and
checked against citeproc-js's own output by ``tests/exports/test_citeproc_js.py``:

1. **Title case.** pandoc lowercases only the short stop words of the CSL specification; Chicago's
   headline style and citeproc-js lowercase every preposition ("between", "during"). Such a word,
   lowercase in the source and neither first, last nor after a colon, is marked ``nocase``.
2. **A ``number`` locator.** pandoc reads a locator's kind from its label's text and knows no
   ``number`` kind ("no." is the issue). The style is given a kind pandoc reads that it does not
   use (``opus``, unless it does) standing for ``number``: in its conditions, and with the
   ``number`` term of the style's locale, so the style prints what it prints for ``number``.
3. **A locator that is not a number** ("List of persons, row 1"): pandoc stops at its first
   comma and makes a label plural on a comma; CSL takes a value that is not numeric whole, with
   a singular label. pandoc is given one word in its place, swapped back afterwards.
4. **Punctuation inside nested quotations** (en-US): pandoc moves a comma inside the outer
   quotation only ("‘Exhausted’,”"); the rule puts it inside both ("‘Exhausted,’”").
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

__all__ = [
    "NUMBER_STANDINS",
    "is_numeric",
    "number_style",
    "probe_terms",
    "protect_title_words",
    "punctuation_inside_quotes",
    "standin",
    "swap_back",
    "term_probe",
]

CSL_NS = "http://purl.org/net/xbiblio/csl"
NUMBER_STANDINS = ("opus", "verse", "figure", "book", "part", "note")
"""The locator kinds pandoc reads that may stand for ``number``, the first the style does not
use (a musical work's opus: no archive or fonds locator is one)."""

# the prepositions and the few other words that Chicago's headline style lowercases beyond the
# CSL specification's stop words, which pandoc already keeps lowercase
_LOWERCASE = """above across afore after against al along alongside amid amidst among amongst anenst
    apropos apud around aside astride athwart atop barring before behind below beneath beside
    besides between beyond ca circa despite during et except forenenst given inside lest like
    modulo near next notwithstanding off out per plus pro qua sans since than through throughout
    thruout toward towards under underneath until unto upon versus vs vs. within without"""
_LOWERCASE_WORDS = frozenset(_LOWERCASE.split())
_WORD = re.compile(r"[^\s“”‘’\"'()\[\]{},;:?!]+")
_NUMERIC = re.compile(
    r"^\s*(?:[A-Za-z]*\d+[A-Za-z]*|[ivxlcdm]+|[IVXLCDM]+)"
    r"(?:\s*(?:[-–&,]|and)\s*(?:[A-Za-z]*\d+[A-Za-z]*|[ivxlcdm]+|[IVXLCDM]+))*\s*$"
)


def _protect(title: str) -> str:
    words = list(_WORD.finditer(title))
    pieces: list[str] = []
    end = 0
    for index, word in enumerate(words):
        text = word.group(0)
        before = title[: word.start()].rstrip(" “‘\"'([")
        if (
            text in _LOWERCASE_WORDS
            and 0 < index < len(words) - 1
            and not before.endswith((":", "?", "!"))
        ):
            pieces.append(title[end : word.start()])
            pieces.append(f'<span class="nocase">{text}</span>')
            end = word.end()
    pieces.append(title[end:])
    return "".join(pieces)


def protect_title_words(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item whose titles keep lowercase the words Chicago keeps lowercase."""
    return {
        key: _protect(value) if key.endswith("title") and isinstance(value, str) else value
        for key, value in item.items()
    }


def is_numeric(value: str) -> bool:
    """Whether CSL takes a locator as numeric: numbers (with a prefix or suffix such as ``23v``,
    or roman), alone or joined by ``-``, ``,`` or ``&``."""
    return _NUMERIC.match(value) is not None


def standin(index: int) -> str:
    """The word that stands in pandoc's input for the ``index``-th non-numeric locator."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return f"fondslocator{letters}"


def number_style(style: str, terms: Mapping[str, tuple[str, str]]) -> str:
    """``style`` (CSL XML) with a locator kind it does not use (``opus`` first) standing for
    ``number``: in its conditions, and with the ``number`` term of the style's locale as its
    term (``terms``: ``{form: (singular, plural)}``, as :func:`probe_terms` reads it)."""
    root = ET.fromstring(style)
    conditions = [element for element in root.iter() if element.get("locator") is not None]
    used = {kind for element in conditions for kind in str(element.get("locator")).split()}
    free = [kind for kind in NUMBER_STANDINS if kind not in used]
    if not free:
        raise ValueError("the style uses every locator kind that could stand for number")
    standin = free[0]
    for element in conditions:
        kinds = str(element.get("locator")).split()
        element.set("locator", " ".join(standin if k == "number" else k for k in kinds))
    locale = ET.Element(f"{{{CSL_NS}}}locale")
    box = ET.SubElement(locale, f"{{{CSL_NS}}}terms")
    for form, (single, multiple) in terms.items():
        term = ET.SubElement(box, f"{{{CSL_NS}}}term", {"name": standin, "form": form})
        ET.SubElement(term, f"{{{CSL_NS}}}single").text = single
        ET.SubElement(term, f"{{{CSL_NS}}}multiple").text = multiple
    info = root.find(f"{{{CSL_NS}}}info")
    root.insert(list(root).index(info) + 1 if info is not None else 0, locale)
    ET.register_namespace("", CSL_NS)
    return ET.tostring(root, encoding="unicode")


PROBE_FORMS = ("long", "short", "symbol")


def term_probe(style: str) -> str:
    """``style`` with a citation that prints its ``number`` term in every form, singular and
    plural, separated by ``|``."""
    root = ET.fromstring(style)
    layout = root.find(f"{{{CSL_NS}}}citation/{{{CSL_NS}}}layout")
    if layout is None:
        raise ValueError("a CSL style without a citation layout")
    for child in list(layout):
        layout.remove(child)
    for attribute in ("prefix", "suffix", "delimiter"):
        layout.attrib.pop(attribute, None)
    group = ET.SubElement(layout, f"{{{CSL_NS}}}group", {"delimiter": "|"})
    # a note's first letter is capitalised: let it be this one's
    ET.SubElement(group, f"{{{CSL_NS}}}text", {"value": "terms"})
    for form in PROBE_FORMS:
        for plural in ("false", "true"):
            ET.SubElement(
                group,
                f"{{{CSL_NS}}}text",
                {"term": "number", "form": form, "plural": plural, "prefix": "[", "suffix": "]"},
            )
    ET.register_namespace("", CSL_NS)
    return ET.tostring(root, encoding="unicode")


def probe_terms(printed: str) -> dict[str, tuple[str, str]]:
    """The terms a :func:`term_probe` style printed (as plain text)."""
    found = re.findall(r"\[([^\]|]*)\]", printed)
    if len(found) != 2 * len(PROBE_FORMS):
        raise ValueError(f"the number term could not be read from the style: {printed!r}")
    return {
        form: (found[2 * index], found[2 * index + 1]) for index, form in enumerate(PROBE_FORMS)
    }


_TAGS = r"(?:</?[a-z]+[^>]*>)*"


def punctuation_inside_quotes(fragment: str) -> str:
    """Move a comma or period that pandoc left between an inner and an outer closing quotation
    mark inside both, when the inner mark closes a quotation (not an apostrophe)."""

    def move(match: re.Match[str]) -> str:
        opening = fragment.rfind("“", 0, match.start())
        if "‘" in fragment[opening + 1 : match.start()]:
            return f"{match.group(2)}’{match.group(1)}{match.group(3)}”"
        return match.group(0)

    return re.sub(rf"’({_TAGS})([,.])({_TAGS})”", move, fragment)


def swap_back(fragment: str, values: Mapping[str, str]) -> str:
    """Put each stand-in's locator value back into pandoc's HTML."""
    for word, value in values.items():
        fragment = fragment.replace(word, html.escape(value, quote=False))
    return fragment
