"""Options every command shares, and the one place output is written."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fonds.log import LogStore
from fonds.log import open_log as open_location
from fonds.problems import NoLogError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_LOG = "records"
LOG_VARIABLE = "FONDS_LOG"
"""The environment variable that names the default log (``records`` when unset)."""

# the library's parameter names, as the command line's options call them
OPTION_NAMES = {
    "as_of": "--as-of",
    "date_from": "--from",
    "date_to": "--to",
    "min_confidence": "--min-confidence",
    "person": "--person",
    "place": "--place",
    "flag": "--flag",
    "within": "--within",
    "style": "--style",
}


def log_option(function: F) -> F:
    return click.option(
        "--log",
        "log_dir",
        metavar="DIR",
        default=lambda: os.environ.get(LOG_VARIABLE) or DEFAULT_LOG,
        show_default=f"${LOG_VARIABLE} or {DEFAULT_LOG}",
        help="The log: a folder holding log.jsonl, or a postgresql:// URL.",
    )(function)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    def decorate(function: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(function)

    return decorate


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="SEQ|TIME",
        help="Read the log as it was at a sequence number or a record time.",
    )(function)


def out_option(function: F) -> F:
    return click.option(
        "--out",
        "out",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Write to this file instead of stdout.",
    )(function)


def open_log(location: str | Path) -> LogStore:
    """The log at ``--log``'s location, whatever its backend."""
    return open_location(location)


def existing_log(location: str | Path) -> LogStore | None:
    """The log at ``location`` when there is one there (commands that also work without)."""
    try:
        return open_location(location)
    except NoLogError:
        return None


def emit(text: str, out: Path | None = None) -> None:
    """Write a command's output to ``out`` or stdout, ending with one newline."""
    if text and not text.endswith("\n"):
        text += "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def emit_bytes(data: bytes, out: Path | None = None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def error_line(message: str) -> None:
    sys.stderr.write(message.replace("\n", " ") + "\n")
