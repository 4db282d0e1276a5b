"""Text for BibTeX and LaTeX: every value escaped so that neither can read it as markup.

BibTeX counts braces without regard to backslashes, so ``\\}`` in a value closes the field; the
braces of the data are written as ``\\textbraceleft{}`` and ``\\textbraceright{}`` instead,
and every brace fonds writes itself is balanced. The ten characters LaTeX treats specially
are escaped, line breaks become spaces and control characters are dropped. Titles keep their
capitals: each word with a capital letter is braced, as BibTeX styles lowercase titles.

Cyrillic is set in the T2A font encoding, which a document written in T1 does not switch to by
itself: each run of Cyrillic is written ``{\\fondscyrillic{…}}``, and :data:`PREAMBLE` (the
export's ``@preamble`` when it has Cyrillic) defines that command as a switch to T2A unless the
document defines it first (as ``\\foreignlanguage{russian}``, say). The document loads the
encoding: ``\\usepackage[T2A,T1]{fontenc}``.
"""

from __future__ import annotations

import re

__all__ = ["CYRILLIC_COMMAND", "MONTHS", "PREAMBLE", "latex_text", "protected_title"]

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\S+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]+(?:[ \-‐–—][\u0400-\u052f]+)*")

CYRILLIC_COMMAND = r"\fondscyrillic"
"""The command each run of Cyrillic is set in."""
PREAMBLE = (
    r'@preamble{ "\providecommand{\fondscyrillic}[1]{{\fontencoding{T2A}\selectfont #1}}" }'
    "\n"
)
"""The BibTeX ``@preamble`` that defines :data:`CYRILLIC_COMMAND` (unless the document has)."""

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""BibTeX's month macros, January first (write them unbraced: ``month = aug``)."""


def latex_text(value: str) -> str:
    """``value`` as LaTeX text inside a BibTeX field: nothing in it is markup."""
    cleaned = _CONTROL.sub("", value)
    escaped = "".join(_SPECIAL.get(character, character) for character in cleaned)
    return _CYRILLIC.sub(lambda run: f"{{{CYRILLIC_COMMAND}{{{run.group(0)}}}}}", escaped)


def protected_title(value: str) -> str:
    """A title escaped like :func:`latex_text`, each word holding a capital letter braced so
    that a style's lowercasing keeps it ("German–Soviet" stays "German–Soviet")."""
    cleaned = _CONTROL.sub("", value).replace("\n", " ").replace("\r", " ").replace("\t", " ")

    def word(found: re.Match[str]) -> str:
        text = found.group(0)
        escaped = latex_text(text)
        return f"{{{escaped}}}" if any(c.isupper() for c in text) else escaped

    return _WORD.sub(word, cleaned)
