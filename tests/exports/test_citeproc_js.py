"""fonds' citations equal citeproc-js's, the processor the official CSL styles are made with.

``citeproc_js/golden.json`` holds what citeproc-js printed for every shipped source and for six
locator kinds, in Chicago (notes and bibliography) and APA; ``citeproc_js/generate.py``
regenerates it (citeproc-js itself is never installed with fonds or its tests). The comparison
normalises only the markup the two write differently: citeproc-js's ``<i>`` is pandoc's
``<em>``, each wraps an entry or a quotation in its own elements, and citeproc-js writes ``&``
as ``&#38;``. Every character of the text, the spaces (non-breaking ones too) and the
italics are compared as they are.
"""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.exports import _pandoc_csl
from fonds.exports.citeproc import Cite, Formatter
from tests.helpers import run_cli

GOLDEN = Path(__file__).parent / "citeproc_js" / "golden.json"


def golden() -> dict[str, Any]:
    result: dict[str, Any] = orjson.loads(GOLDEN.read_bytes())
    return result


def markup_free(fragment: str) -> str:
    """The text and its italics, whatever elements a processor wraps them in."""
    fragment = re.sub(r"<(/?)(?:em|i)>", r"<\1i>", fragment)
    fragment = re.sub(r"<(?!/?i>)[^>]*>", "", fragment)
    return html.unescape(fragment).strip()


def test_the_golden_strings_were_made_from_the_shipped_sources_as_fonds_exports_them(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    code, out, err = run_cli(capsys, "export", "csl-json", "--log", str(shipped_log))
    assert code == 0, err
    items = orjson.loads(out)
    expected = golden()
    assert items == expected["items"], "the shipped sources changed: run citeproc_js/generate.py"
    for style in expected["styles"].values():
        cited = [case["item"] for case in style["cases"] if case["locator"] is None]
        assert cited == [item["id"] for item in items]
        kinds = {case["locator"][0] for case in style["cases"] if case["locator"]}
        assert kinds == {"page", "paragraph", "section", "number", "folio", "chapter"}


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa"])
def test_notes_and_bibliography_equal_citeproc_js(style: str) -> None:
    expected = golden()
    items = expected["items"]
    cases = expected["styles"][style]["cases"]
    formatter = Formatter(style)

    def note(case: dict[str, Any]) -> str:
        locator = tuple(case["locator"]) if case["locator"] else None
        # one render each: every note is a first citation, as citeproc-js made it
        return formatter.render(items, [[Cite(case["item"], locator)]]).notes[0]

    with ThreadPoolExecutor(2) as pool:
        notes = list(pool.map(note, cases))
    differences = [
        (case["item"], case["locator"], markup_free(ours), markup_free(case["note"]))
        for case, ours in zip(cases, notes, strict=True)
        if markup_free(ours) != markup_free(case["note"])
    ]
    assert differences == []
    rendered = formatter.render(items, [[Cite(item["id"]) for item in items]])
    assert [(key, markup_free(entry)) for key, entry in rendered.bibliography] == [
        (key, markup_free(entry)) for key, entry in expected["styles"][style]["bibliography"]
    ]


def test_chicago_lowercases_prepositions_but_not_first_last_or_after_a_colon() -> None:
    item = {
        "id": "t",
        "type": "book",
        "title": "between wars: during the peace, and among friends toward the end they stood"
        " between",
    }
    notes = Formatter("chicago-notes-bibliography").render([item], [[Cite("t")]]).notes
    assert markup_free(notes[0]).startswith(
        "<i>Between Wars: During the Peace, and among Friends toward the End They Stood Between</i>"
    )


def test_a_comma_goes_inside_a_nested_quotation_but_not_inside_an_apostrophe() -> None:
    move = _pandoc_csl.punctuation_inside_quotes
    nested = "“The Pact Is <span>‘Exhausted’</span>,”"
    assert move(nested) == "“The Pact Is <span>‘Exhausted,’</span>”"
    assert move("“The Allies’,” 3.") == "“The Allies’,” 3."
    assert move("“On ‘Peace’.” Then") == "“On ‘Peace.’” Then"


def test_a_number_locator_keeps_its_label_beside_an_issue_and_a_section_stays_whole() -> None:
    item = {"id": "j", "type": "article-journal", "title": "T", "issue": "3"}
    for style, label in (("chicago-notes-bibliography", "no. 176"), ("apa", "Number 176")):
        rendered = Formatter(style).render(
            [item], [[Cite("j", ("number", "176"))], [Cite("j", ("section", "A, b & c"))]]
        )
        assert label in markup_free(rendered.notes[0])
        assert "A, b &amp; c" in rendered.notes[1] and "fondslocator" not in rendered.notes[1]


MINIMAL_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Minimal</title><id>minimal</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout>
      <group delimiter=" ">
        <choose>
          <if locator="opus"><text value="[opus]"/></if>
          <else-if locator="number"><text value="[number]"/></else-if>
        </choose>
        <label variable="locator"/>
        <text variable="locator"/>
      </group>
    </layout>
  </citation>
</style>
"""


def test_a_style_that_uses_opus_keeps_it_apart_from_number(tmp_path: Path) -> None:
    path = tmp_path / "minimal.csl"
    path.write_text(MINIMAL_STYLE, encoding="utf-8")
    item = {"id": "m", "type": "book", "title": "M"}
    notes = Formatter(str(path)).render([item], [[Cite("m", ("number", "7"))]]).notes
    assert markup_free(notes[0]) == "[number] number 7"
