"""GEDCOM files as trees of structures that keep their line numbers.

GEDCOM 7 is read by ``gedcom7``, which follows the specification's grammar and reports the
first line that breaks it; its structures carry no line numbers, so they are matched to the
lines they were read from (every line but a ``CONT`` opens one structure, in order).
``gedcom7`` reads nothing else: it requires UTF-8, has no ``CONC``, and rejects 5.5.1's
payloads that open with ``@#D`` (calendar escapes such as ``@#DJULIAN@``), its unescaped
``@`` and its leading whitespace. GEDCOM 5.5.1 (and 5.5) is therefore read here, line by
line, leniently: the character set its header names (ANSEL, UTF-8, UNICODE, ASCII, ANSI,
IBMPC, MACINTOSH), ``CONT`` and ``CONC`` joined, ``@@`` read as ``@``; a line that cannot be
read is a problem with its number, and the lines after it are still read.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import attrs
import gedcom7
from gedcom7.types import GedcomStructure

__all__ = ["Node", "Parsed", "Trouble", "decode_ansel", "read_gedcom"]


@attrs.define(eq=False)
class Node:
    """One GEDCOM structure: its tag, cross-reference, pointer or text, line and children."""

    tag: str
    line: int
    xref: str | None = None
    pointer: str | None = None
    text: str = ""
    children: list[Node] = attrs.field(factory=list)
    parent: Node | None = attrs.field(default=None, repr=False)

    def all(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def first(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def value(self, tag: str) -> str | None:
        """The text of the first child with ``tag``, or None when absent or blank."""
        child = self.first(tag)
        return child.text if child is not None and child.text.strip() else None

    def path(self) -> str:
        """``@I1@ INDI > BIRT > DATE``: the structure's place, as a problem names it."""
        parts: list[str] = []
        node: Node | None = self
        while node is not None:
            parts.append(f"{node.xref} {node.tag}" if node.xref else node.tag)
            node = node.parent
        return " > ".join(reversed(parts))


@attrs.frozen
class Trouble:
    """What broke, where: a line (None for the whole file), a structure's path, a code."""

    line: int | None
    path: str
    code: str
    message: str


@attrs.frozen
class Parsed:
    """The records of a file, its version and character set, and the lines that broke."""

    records: tuple[Node, ...]
    version: str
    charset: str
    problems: tuple[Trouble, ...]


# -- ANSEL (ANSI Z39.47) ------------------------------------------------------------------------

_ANSEL_SPACING = {
    0xA1: "\u0141", 0xA2: "\u00d8", 0xA3: "\u0110", 0xA4: "\u00de", 0xA5: "\u00c6",
    0xA6: "\u0152", 0xA7: "\u02b9", 0xA8: "\u00b7", 0xA9: "\u266d", 0xAA: "\u00ae",
    0xAB: "\u00b1", 0xAC: "\u01a0", 0xAD: "\u01af", 0xAE: "\u02bc", 0xB0: "\u02bb",
    0xB1: "\u0142", 0xB2: "\u00f8", 0xB3: "\u0111", 0xB4: "\u00fe", 0xB5: "\u00e6",
    0xB6: "\u0153", 0xB7: "\u02ba", 0xB8: "\u0131", 0xB9: "\u00a3", 0xBA: "\u00f0",
    0xBC: "\u01a1", 0xBD: "\u01b0", 0xBE: "\u25a1", 0xBF: "\u25a0", 0xC0: "\u00b0",
    0xC1: "\u2113", 0xC2: "\u2117", 0xC3: "\u00a9", 0xC4: "\u266f", 0xC5: "\u00bf",
    0xC6: "\u00a1", 0xC7: "\u00df", 0xC8: "\u20ac", 0xCD: "\u0065", 0xCE: "\u006f",
    0xCF: "\u00df",
}  # fmt: skip
# Combining marks: ANSEL writes them before the letter they sit on, Unicode after it.
_ANSEL_COMBINING = {
    0xE0: "\u0309", 0xE1: "\u0300", 0xE2: "\u0301", 0xE3: "\u0302", 0xE4: "\u0303",
    0xE5: "\u0304", 0xE6: "\u0306", 0xE7: "\u0307", 0xE8: "\u0308", 0xE9: "\u030c",
    0xEA: "\u030a", 0xEB: "\ufe20", 0xEC: "\ufe21", 0xED: "\u0315", 0xEE: "\u030b",
    0xEF: "\u0310", 0xF0: "\u0327", 0xF1: "\u0328", 0xF2: "\u0323", 0xF3: "\u0324",
    0xF4: "\u0325", 0xF5: "\u0333", 0xF6: "\u0332", 0xF7: "\u0326", 0xF8: "\u031c",
    0xF9: "\u032e", 0xFA: "\ufe22", 0xFB: "\ufe23", 0xFE: "\u0313",
}  # fmt: skip


class AnselError(ValueError):
    """A byte ANSEL does not define; ``position`` is its offset in the data."""

    def __init__(self, position: int, byte: int) -> None:
        super().__init__(f"byte 0x{byte:02x} is not an ANSEL character")
        self.position = position


def decode_ansel(data: bytes) -> str:
    """ANSEL bytes as text, combining marks after their letters, composed (NFC)."""
    out: list[str] = []
    marks: list[str] = []
    for position, byte in enumerate(data):
        if byte < 0x80:
            out.append(chr(byte))
            if marks and byte not in (0x0A, 0x0D):
                out.extend(marks)
            elif marks:  # a mark with no letter before the line ends: it stands alone
                out.insert(len(out) - 1, " " + "".join(marks))
            marks = []
        elif byte in _ANSEL_COMBINING:
            marks.append(_ANSEL_COMBINING[byte])
        elif byte in _ANSEL_SPACING:
            out.append(_ANSEL_SPACING[byte])
            out.extend(marks)
            marks = []
        else:
            raise AnselError(position, byte)
    if marks:
        out.append(" " + "".join(marks))
    return unicodedata.normalize("NFC", "".join(out))


# -- reading ------------------------------------------------------------------------------------

_EOL = re.compile(r"\r\n|\n\r|\r|\n")  # 5.5.1 allows LF CR too
_EOL_SEVEN = re.compile(r"\r\n|\r|\n")  # as gedcom7 splits
_LINE = re.compile(
    r"\s*(?P<level>\d{1,3})[ \t]+(?:(?P<xref>@[^@\s]+@)[ \t]+)?(?P<tag>_?[A-Za-z0-9_]+)"
    r"(?:[ \t](?P<value>.*))?"
)
_POINTER = re.compile(r"@[^@#\s][^@]*@")
_CHARSETS = {
    "ANSEL": "ansel",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "UNICODE": "utf-16",
    "ASCII": "ascii",
    "ANSI": "cp1252",
    "IBMPC": "cp437",
    "IBM WINDOWS": "cp1252",
    "MACINTOSH": "mac_roman",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line_of(text: str, offset: int) -> int:
    return len(_EOL.findall(text, 0, offset)) + 1


def _line_of_bytes(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1 if b"\n" in data else data.count(b"\r", 0, offset) + 1


def _header(text: str) -> tuple[str, str]:
    """(HEAD.GEDC.VERS, HEAD.CHAR) of a file's first lines, read as ASCII."""
    version = charset = ""
    above = ""
    for number, raw in enumerate(_EOL.split(text)):
        match = _LINE.fullmatch(raw)
        if match is None:
            continue
        level, tag, value = int(match["level"]), match["tag"].upper(), (match["value"] or "")
        if level == 0 and number > 0:
            break
        if level == 1:
            above = tag
            if tag == "CHAR":
                charset = value.strip().upper()
        elif level == 2 and tag == "VERS" and above == "GEDC":
            version = value.strip()
    return version, charset


def read_gedcom(data: bytes) -> Parsed:
    """The file's records as structures with their lines (GEDCOM 7 by ``gedcom7``)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            trouble = Trouble(None, "", "gedcom-encoding", f"not UTF-16: {exc}")
            return Parsed((), "", "UNICODE", (trouble,))
        version, _ = _header(text.removeprefix("\ufeff")[:8192])
        return _read_lines(text.removeprefix("\ufeff"), version, "UNICODE", [])
    version, charset = _header(data.removeprefix(codecs.BOM_UTF8)[:8192].decode("latin-1"))
    if version.startswith("7"):
        return _read_seven(data, version)
    if data.startswith(codecs.BOM_UTF8):
        charset = charset or "UTF-8"
    problems: list[Trouble] = []
    codec = _CHARSETS.get(charset)
    if codec is None:
        message = f"the character set {charset or '(none named)'!r} is not one fonds reads"
        problems.append(
            Trouble(None, "HEAD > CHAR", "gedcom-encoding", message + "; read as UTF-8")
        )
        codec = "utf-8"
    try:
        text = decode_ansel(data) if codec == "ansel" else data.decode(codec)
    except AnselError as exc:
        line = _line_of_bytes(data, exc.position)
        problems.append(Trouble(line, "", "gedcom-encoding", f"{exc} (the header says {charset})"))
        return Parsed((), version, charset, tuple(problems))
    except UnicodeDecodeError as exc:
        line = _line_of_bytes(data, exc.start)
        message = f"byte 0x{data[exc.start]:02x} is not {charset or 'UTF-8'}"
        problems.append(Trouble(line, "", "gedcom-encoding", message))
        return Parsed((), version, charset, tuple(problems))
    return _read_lines(text.removeprefix("\ufeff"), version, charset, problems)


def _read_lines(text: str, version: str, charset: str, problems: list[Trouble]) -> Parsed:
    """GEDCOM 5.5.1 and 5.5, line by line; a broken line is a problem, the rest is read."""
    records: list[Node] = []
    stack: list[Node] = []
    continued: Node | None = None
    for number, raw in enumerate(_EOL.split(text), start=1):
        if not raw.strip():
            continue
        match = _LINE.fullmatch(raw)
        if match is None:
            problems.append(
                Trouble(number, "", "gedcom-syntax", f"not a GEDCOM line: {raw[:80]!r}")
            )
            continue
        level = int(match["level"])
        tag = match["tag"].upper()
        value = match["value"] or ""
        if _CONTROL.search(raw):
            message = f"a control character (U+{ord(_CONTROL.findall(raw)[0]):04X}) in the line"
            problems.append(Trouble(number, tag, "gedcom-control-character", message))
        if tag in ("CONT", "CONC"):
            if continued is None or level != len(stack):
                message = f"{tag} does not follow a line it can continue"
                problems.append(Trouble(number, tag, "gedcom-syntax", message))
                continue
            continued.text += ("\n" if tag == "CONT" else "") + value.replace("@@", "@")
            continue
        if level > len(stack):
            message = f"level {level} follows level {len(stack) - 1}"
            problems.append(Trouble(number, tag, "gedcom-syntax", message))
            continued = None
            continue
        del stack[level:]
        pointer = value.strip() if _POINTER.fullmatch(value.strip()) else None
        node = Node(
            tag=tag,
            line=number,
            xref=match["xref"],
            pointer=pointer,
            text="" if pointer else value.replace("@@", "@"),
        )
        if level == 0:
            records.append(node)
        else:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        stack.append(node)
        continued = node
    return Parsed(tuple(records), version, charset, tuple(problems))


def _read_seven(data: bytes, version: str) -> Parsed:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of_bytes(data, exc.start)
        message = f"byte 0x{data[exc.start]:02x} is not UTF-8, as GEDCOM 7 requires"
        return Parsed((), version, "UTF-8", (Trouble(line, "", "gedcom-encoding", message),))
    try:
        structures = gedcom7.loads(text)
    except gedcom7.GedcomParseError as exc:
        trouble = Trouble(exc.line_number, "", "gedcom-syntax", exc.message)
        return Parsed((), version, "UTF-8", (trouble,))
    # every line but a CONT opens one structure, in file order
    lines = [
        number
        for number, raw in enumerate(_EOL_SEVEN.split(text.removeprefix("\ufeff")), start=1)
        if raw and not re.fullmatch(r"\d+ CONT( .*)?", raw)
    ]
    nodes: dict[int, Node] = {}
    records: list[Node] = []
    order = iter(lines)
    stack: list[tuple[GedcomStructure, Node | None]] = [(s, None) for s in reversed(structures)]
    while stack:  # depth first, in file order, without recursion
        structure, parent = stack.pop()
        node = Node(
            tag=structure.tag,
            line=next(order),
            xref=structure.xref,
            pointer=structure.pointer,
            text=structure.text,
            parent=parent,
        )
        nodes[id(structure)] = node
        if parent is None:
            records.append(node)
        else:
            parent.children.append(node)
        stack.extend((child, node) for child in reversed(structure.children))
    problems = [
        Trouble(
            nodes[id(error.structure)].line if error.structure is not None else None,
            error.path,
            f"gedcom-{error.category}",
            error.message,
        )
        for error in gedcom7.validate(structures)
    ]
    return Parsed(tuple(records), version, "UTF-8", tuple(problems))
