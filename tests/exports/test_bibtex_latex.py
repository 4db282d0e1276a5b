"""The BibTeX export as BibTeX and LaTeX read it: real ``bibtex`` and ``pdflatex`` on the shipped
data and on sources full of hostile text; every entry comes back, every field whole."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fonds.exports.base import ExportContext
from fonds.exports.bibtex import bibtex
from fonds.log import MemoryLog, open_log
from tests.conftest import ROOT
from tests.helpers import AGENT, agent, run_cli, system_program, tex_file

HOSTILE = [
    "Title } @misc{pwn, author = {Mallory}",
    "@comment{ hidden",
    r"\input{/etc/passwd} and \def\x{y}",
    "Vandenhoeck & Ruprecht",
    "100% of $5 for #1 under_score ~tilde^hat",
    "Line one\nline two\tand a tab",
    "{unbalanced {brace",
    "closing} too",
    "NATO and the USSR in Berlin's Reich Chancellery",
    "Rīga and Tallinn, Łódź",
]

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{textcomp}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{export}
\end{document}
"""


def _source(number: int, text: str) -> dict[str, Any]:
    return {
        "kind": "source", "schema": 1, "id": f"source:hostile-{number}", "recorded_by": AGENT,
        "source_type": "letter", "title": text, "publication_status": "unpublished",
        "authors": [{"family": text, "given": "A."}], "recipients": [{"literal": text}],
        "publisher": text, "note": text, "archive": text, "archive_location": text,
        "issued": "1940-08-23", "accessed": "2026-11-26",
    }  # fmt: skip


def _compile(folder: Path, bib: str) -> tuple[str, str]:
    """Run pdflatex, bibtex, pdflatex; the .bbl and the BibTeX log."""
    for program in ("pdflatex", "bibtex"):
        system_program(program, "texlive-latex-base")
    (folder / "export.bib").write_text(bib, encoding="utf-8")
    (folder / "paper.tex").write_text(DOCUMENT, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    for command in (latex, ["bibtex", "paper"], latex):
        run = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        assert run.returncode == 0, f"{command[0]} failed:\n{run.stdout[-3000:]}"
    assert (folder / "paper.pdf").stat().st_size > 0
    blg = (folder / "paper.blg").read_text(encoding="utf-8", errors="replace")
    return (folder / "paper.bbl").read_text(encoding="utf-8"), blg


def _plain(latex: str) -> str:
    """The text LaTeX prints for a value (whitespace as a reader sees it)."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()
    context.add_context_category(
        "text-symbols",
        prepend=True,
        macros=[
            MacroTextSpec(name, text)
            for name, text in (
                ("textbraceleft", "{"), ("textbraceright", "}"), ("textbackslash", "\\"),
                ("textasciitilde", "~"), ("textasciicircum", "^"), ("textless", "<"),
                ("textgreater", ">"), ("textbar", "|"),
            )
        ],
    )  # fmt: skip
    return " ".join(LatexNodes2Text(latex_context=context).latex_to_text(latex).split())


def _entries(bib: str) -> dict[str, dict[str, str]]:
    from bibtexparser.entrypoint import parse_string

    library = parse_string(bib)
    assert not library.failed_blocks
    return {entry.key: {f.key: str(f.value) for f in entry.fields} for entry in library.entries}


def test_the_shipped_sources_go_through_bibtex_and_latex(tmp_path: Path) -> None:
    context = ExportContext(open_log(ROOT / "records"))
    sources = context.selection.sources
    bib = bibtex(context.selection)
    bbl, blg = _compile(tmp_path, bib)
    assert bbl.count(r"\bibitem") == len(sources)
    assert "error message" not in blg
    entries = _entries(bib)
    assert len(entries) == len(sources)
    for source in sources.values():
        key = source["id"].removeprefix("source:")
        assert _plain(entries[key]["title"].strip("{}")) == " ".join(source["title"].split())
    # capitals survive a style that lowercases titles
    assert "German–Soviet" in _plain(bbl)


def test_hostile_text_never_breaks_out_of_its_field(tmp_path: Path) -> None:
    log = MemoryLog()
    log.append([agent(), *(_source(n, text) for n, text in enumerate(HOSTILE))])
    context = ExportContext(log)
    bib = bibtex(context.selection)
    bbl, blg = _compile(tmp_path, bib)
    assert bbl.count(r"\bibitem") == len(HOSTILE)
    assert "pwn" not in re.findall(r"\\bibitem\{([^}]*)\}", bbl)
    assert "error message" not in blg
    entries = _entries(bib)
    assert sorted(entries) == sorted(f"hostile-{n}" for n in range(len(HOSTILE)))
    for number, text in enumerate(HOSTILE):
        fields = entries[f"hostile-{number}"]
        expected = " ".join(text.split())
        for name in ("title", "publisher", "note", "archive", "archive_location"):
            assert _plain(fields[name]) == expected, (name, fields[name])
        assert _plain(fields["author"]) == f"{expected}, A."
        assert fields["month"] == "aug" and fields["urldate"] == "2026-11-26"
        assert expected in _plain(fields["howpublished"])


def test_the_latex_example_of_the_docs_compiles_with_the_export(tmp_path: Path) -> None:
    for program in ("pdflatex", "bibtex"):
        system_program(program, "texlive-latex-base")
    text = (ROOT / "docs" / "from-facts-to-footnotes.md").read_text(encoding="utf-8")
    [paper] = re.findall(r"```latex\n(.*?)```", text, flags=re.S)
    (tmp_path / "paper.tex").write_text(paper, encoding="utf-8")
    context = ExportContext(open_log(ROOT / "records"))
    (tmp_path / "sources.bib").write_text(bibtex(context.selection), encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    for command in (latex, ["bibtex", "paper"], latex, latex):
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert "Citation" not in log or "undefined" not in log
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    assert bbl.count(r"\bibitem") == 2 and "Instruction" in bbl


BIBLATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{textcomp}
\usepackage[backend=biber]{biblatex}
\addbibresource{export.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""

ARCHIVAL_TELEGRAM = {
    "kind": "source", "schema": 1, "id": "source:aprf-telegram", "recorded_by": AGENT,
    "source_type": "telegram", "title": "Stalin to Molotov", "issued": "1940-11-13",
    "authors": [{"family": "Stalin", "given": "Joseph"}],
    "recipients": [{"family": "Molotov", "given": "Vyacheslav"}],
    "publication_status": "unpublished",
    "archive": "Archive of the President of the Russian Federation", "archive_place": "Moscow",
    "archive_collection": "fond 3, opis 64", "archive_location": "delo 675, list 147",
}  # fmt: skip


def _biber(folder: Path, bib: str) -> tuple[str, str]:
    """Run pdflatex, biber (checking every entry against biblatex's data model), pdflatex; the
    .bbl and biber's report."""
    system_program("pdflatex", "texlive-latex-base")
    system_program("biber", "biber")
    tex_file("biblatex.sty", "texlive-bibtex-extra")
    (folder / "export.bib").write_text(bib, encoding="utf-8")
    (folder / "paper.tex").write_text(BIBLATEX_DOCUMENT, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    report = ""
    for command in (latex, ["biber", "--validate-datamodel", "paper"], latex):
        run = subprocess.run(
            command,
            cwd=folder,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        assert run.returncode == 0, f"{command[0]} failed:\n{run.stdout[-3000:]}"
        if command[0] == "biber":
            report = run.stdout + run.stderr
    assert (folder / "paper.pdf").stat().st_size > 0
    return (folder / "paper.bbl").read_text(encoding="utf-8"), report


def _bbl_fields(bbl: str) -> dict[str, dict[str, str]]:
    """Each entry's one-line fields as biber wrote them (``\\field{name}{value}``)."""
    entries = {}
    for key, body in re.findall(r"\\entry\{([^}]*)\}\{[^}]*\}\{\}\n(.*?)\\endentry", bbl, re.S):
        entries[key] = dict(re.findall(r"\\field\{([^}]*)\}\{(.*)\}\n", body))
    return entries


def test_the_biblatex_dialect_is_read_by_biber_against_biblatex_s_data_model(
    tmp_path: Path,
) -> None:
    log = open_log(ROOT / "records")
    context = ExportContext(log)
    sources = dict(context.selection.sources)
    memory = MemoryLog()
    memory.append([agent(), ARCHIVAL_TELEGRAM, *(_source(n, t) for n, t in enumerate(HOSTILE))])
    archival = ExportContext(memory).selection
    extra = archival.sources
    bib = bibtex(context.selection, "biblatex") + "\n" + bibtex(archival, "biblatex")
    bbl, report = _biber(tmp_path, bib)
    fields = _bbl_fields(bbl)
    assert sorted(fields) == sorted(k.removeprefix("source:") for k in [*sources, *extra])
    warnings = [line for line in report.splitlines() if "WARN" in line and "Datamodel" in line]
    undated = {k.removeprefix("source:") for k, s in sources.items() if not s.get("issued")}
    # the only complaint: a source the data gives no date (biblatex asks one of every entry)
    assert warnings and all(
        "one of 'date, year' must be defined" in line
        and re.search(r"Entry '([^']*)'", line).group(1) in undated  # type: ignore[union-attr]
        for line in warnings
    ), warnings
    assert "ERROR" not in report
    telegram = fields["aprf-telegram"]
    assert telegram["type"] == "Telegram" and telegram["titleaddon"] == "to Vyacheslav Molotov"
    assert telegram["library"] == (
        "Archive of the President of the Russian Federation, Moscow, fond 3, opis 64,"
        " delo 675, list 147"
    )
    assert (telegram["year"], telegram["month"], telegram["day"]) == ("1940", "11", "13")
    for source in sources.values():
        key = source["id"].removeprefix("source:")
        assert _plain(fields[key]["title"]) == " ".join(source["title"].split())
    for number, text in enumerate(HOSTILE):
        entry = fields[f"hostile-{number}"]
        assert _plain(entry["title"]) == " ".join(text.split()), entry["title"]


def test_the_command_line_takes_a_dialect_for_bibtex_only(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    code, out, err = run_cli(
        capsys, "export", "bibtex", "--dialect", "biblatex", "--log", str(shipped_log)
    )
    assert code == 0, err
    assert "@misc{telegram-molotov-to-stalin-1940-11-13," in out
    assert "titleaddon = {to Joseph Stalin}" in out and "howpublished" not in out
    code, plain, _ = run_cli(capsys, "export", "bibtex", "--log", str(shipped_log))
    assert code == 0 and "howpublished = {to Joseph Stalin}" in plain and "titleaddon" not in plain
    code, _, err = run_cli(
        capsys, "export", "ris", "--dialect", "biblatex", "--log", str(shipped_log)
    )
    assert code == 2 and "--dialect" in err


CYRILLIC = {
    "kind": "source", "schema": 1, "id": "source:perepiska", "recorded_by": AGENT,
    "source_type": "letter", "title": "Переписка Сталина и Молотова, ноябрь 1940",
    "authors": [{"family": "Сталин", "given": "Иосиф"}],
    "recipients": [{"family": "Молотов", "given": "Вячеслав"}], "issued": "1940-11-13",
    "publication_status": "unpublished", "language": "ru",
    "archive": "Архив Президента Российской Федерации", "archive_location": "ф. 3, оп. 64, д. 675",
}  # fmt: skip
CYRILLIC_DOCUMENT = r"""\documentclass{article}
\usepackage[T2A,T1]{fontenc}
\usepackage[utf8]{inputenc}
%s
\begin{document}
Sources in Russian in a paper in English.\nocite{*}
%s
\end{document}
"""


def test_cyrillic_compiles_under_pdflatex_in_t2a_in_both_dialects(tmp_path: Path) -> None:
    system_program("pdflatex", "texlive-latex-base")
    tex_file("t2aenc.def", "texlive-lang-cyrillic")
    memory = MemoryLog()
    memory.append([agent(), CYRILLIC])
    selection = ExportContext(memory).selection
    runs = {
        "bibtex": ("", r"\bibliographystyle{plain}\bibliography{export}", "bibtex"),
        "biblatex": (
            r"\usepackage[backend=biber]{biblatex}\addbibresource{export.bib}",
            r"\printbibliography",
            "biber",
        ),
    }
    for dialect, (preamble, body, program) in runs.items():
        system_program(program, program if program == "biber" else "texlive-latex-base")
        folder = tmp_path / dialect
        folder.mkdir()
        bib = bibtex(selection, dialect)
        assert bib.startswith("@preamble{")
        (folder / "export.bib").write_text(bib, encoding="utf-8")
        (folder / "paper.tex").write_text(CYRILLIC_DOCUMENT % (preamble, body), encoding="utf-8")
        latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
        for command in (latex, [program, "paper"], latex):
            run = subprocess.run(
                command, cwd=folder, capture_output=True, encoding="utf-8", errors="replace",
                check=False,
            )  # fmt: skip
            assert run.returncode == 0, f"{dialect}: {command[0]} failed:\n{run.stdout[-3000:]}"
        log = (folder / "paper.log").read_text(encoding="utf-8", errors="replace")
        assert "Missing character" not in log
        bbl = (folder / "paper.bbl").read_text(encoding="utf-8")
        for word in ("Переписка", "Сталин", "Архив Президента Российской"):
            assert word in " ".join(bbl.split()), (dialect, word)
        # the text is set in T2A: the Cyrillic font (LH's larm) is in the PDF
        assert "larm1000" in log, dialect
