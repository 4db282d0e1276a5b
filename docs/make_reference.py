"""Write docs/reference.md from the docstrings of the public API (``fonds.__all__``).

Run ``python docs/make_reference.py`` after changing a public docstring; a test checks that the
committed page is what this script writes.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import fonds

PAGE = Path(__file__).with_name("reference.md")


def _doc(obj: object) -> str:
    return inspect.cleandoc(inspect.getdoc(obj) or "")


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def public_members(cls: type) -> list[tuple[str, object]]:
    """The public methods and properties a class defines itself (not inherited)."""
    found = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property | classmethod | staticmethod) or inspect.isfunction(member):
            found.append((name, member))
    return found


def render() -> str:
    lines = [
        "# API reference",
        "",
        "Every name `import fonds` offers, with its documentation. This page is written by",
        "`python docs/make_reference.py` from the docstrings; a test keeps the two equal.",
        "",
    ]
    for name in fonds.__all__:
        obj = getattr(fonds, name)
        if inspect.isclass(obj):
            shown = f"class {name}{_signature(obj)}"
            lines += [f"## `fonds.{name}`", "", "```python", shown, "```"]
            lines += ["", _doc(obj), ""]
            for member_name, member in public_members(obj):
                target = member.fget if isinstance(member, property) else member
                target = getattr(target, "__func__", target)
                shown = "" if isinstance(member, property) else _signature(target)
                lines += [f"- **`{member_name}{shown}`**: " + " ".join(_doc(target).split())]
            lines.append("")
        elif callable(obj):
            lines += [f"## `fonds.{name}{_signature(obj)}`", "", _doc(obj), ""]
        else:
            lines += [f"## `fonds.{name}`", "", _doc(type(obj)) if not _doc(obj) else _doc(obj)]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE}\n")
