"""Options every command shares, and the one place output is written."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fonds.log import LogStore
from fonds.log import open_log as open_location
from fonds.log.jsonl import LOG_FILE, VOCABULARY_FILE
from fonds.problems import FondsError, NoLogError, UsageError
from fonds.views import Views

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_LOG = "records"
LOG_VARIABLE = "FONDS_LOG"
"""The environment variable that names the default log (``records`` when unset)."""

# the library's parameter names, as the command line's options call them
OPTION_NAMES = {
    "as_of": "--as-of",
    "after": "--from",
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
    """The options of every command that answers from the views: ``--as-of`` and
    ``--include-restricted`` (read by :func:`views_of`)."""

    def remember(context: click.Context, _: click.Parameter, value: bool) -> bool:
        context.meta[_RESTRICTED_KEY] = value
        return value

    function = click.option(
        "--include-restricted",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Show records flagged restricted (private); they are left out otherwise.",
    )(function)
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="SEQ|TIME",
        help="Read the log as it was at a sequence number or a record time.",
    )(function)


_RESTRICTED_KEY = "fonds.include_restricted"


def views_of(log: LogStore) -> Views:
    """The views of ``log`` for this command, restricted records shown only when asked for;
    how many were left out is said on stderr."""
    include = bool(click.get_current_context().meta.get(_RESTRICTED_KEY, False))
    views = Views(log, include_restricted=include)
    left_out = 0 if include else views.restricted_left_out()
    if left_out:
        error_line(
            f"fonds: {left_out} restricted record{'s' * (left_out != 1)} left out"
            " (--include-restricted shows them)"
        )
    return views


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


def target_log_option(function: F) -> F:
    """``--log`` of a command that also works without a log (an import, a template): see
    :func:`target_log`."""
    return click.option(
        "--log",
        "log_dir",
        metavar="DIR",
        default=None,
        help=f"The log to fit the draft to (default: ${LOG_VARIABLE}, else {DEFAULT_LOG}"
        " when it holds a log).",
    )(function)


def target_log(log_dir: str | None) -> LogStore | None:
    """The log a command that also works without one fits its draft to: the one ``--log`` or
    ``$FONDS_LOG`` names, which must then be there (a mistyped name is an error, never a
    draft made as if the archive were empty); else ./records when it holds a log."""
    named = log_dir if log_dir is not None else os.environ.get(LOG_VARIABLE)
    if named:
        return open_log(named)
    return existing_log(DEFAULT_LOG)


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
    write_output(text.encode("utf-8"), out)


def write_output(data: bytes, out: Path | None, option: str = "--out") -> None:
    """Write a command's output to stdout, or to ``out`` whole or not at all.

    A file is written beside its target and renamed over it, so a failure (a full disk, a size
    limit) leaves no partial file and a symbolic link at ``out`` is replaced, never followed. A
    device (``/dev/null``, ``/dev/full``) is written to as it is. Nothing is written inside a
    log's folder: output there could overwrite the log or its cache.
    """
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    where = check_output_path(out, option)
    try:
        if where.exists() and not where.is_symlink() and not where.is_file():
            if where.is_dir():
                raise UsageError(f"{option} {out}: is a folder")
            with where.open("wb") as device:
                device.write(data)
            return
        if not where.parent.is_dir():
            raise UsageError(f"{option} {out}: no such folder {str(where.parent)!r}")
        handle, temporary = tempfile.mkstemp(
            dir=where.parent, prefix=f".{where.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, where)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise FondsError(f"{option} {out}: cannot write: {exc.strerror or exc}") from None


def check_output_path(out: Path, option: str = "--out") -> Path:
    """``out`` made absolute; :class:`UsageError` when it lies inside a log's folder (output
    there could overwrite the log or its cache)."""
    where = Path(os.path.abspath(out))
    folder = Path(os.path.realpath(where.parent))
    for ancestor in (folder, *folder.parents):
        if (ancestor / LOG_FILE).is_file() and (ancestor / VOCABULARY_FILE).is_file():
            raise UsageError(
                f"{option} {where}: inside the log folder {ancestor}; write outputs elsewhere"
            )
    return where


# control characters a message may carry from the input (an id, a file name); a terminal would
# act on them
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def error_line(message: str) -> None:
    """Write one line to stderr, control characters from the input shown escaped."""
    line = _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", message.replace("\n", " "))
    sys.stderr.write(line + "\n")
