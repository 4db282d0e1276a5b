"""The ``fonds`` command: parses arguments, calls the library, prints. No logic of its own."""

from __future__ import annotations

import logging
import sys

import click

from fonds.cli import (
    core,
    exporting,
    genealogy,  # noqa: F401  (adds import gramps, gedcom to import)
    importing,
    proofs,
    views,
)
from fonds.cli.common import OPTION_NAMES, error_line
from fonds.cli.follow import follow
from fonds.cli.mirror import mirror
from fonds.problems import (
    ArgumentError,
    FondsError,
    InvalidRecordError,
    LogIntegrityError,
    NoLogError,
    UsageError,
)

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fonds")
def cli() -> None:
    """fonds: historical facts with provenance, in a validated, hash-chained log."""


for command in (
    core.init,
    core.validate,
    core.append,
    core.verify,
    mirror,
    follow,
    core.review,
    importing.import_group,
    importing.template_group,
    exporting.cite,
    exporting.export,
    proofs.keygen,
    proofs.checkpoint,
    proofs.prove,
    *views.COMMANDS,
):
    cli.add_command(command)


def _notices() -> None:
    """The library's notices (a cache rebuilt, ...) as one line each on stderr."""
    logger = logging.getLogger("fonds")
    if not any(isinstance(h, _NoticeHandler) for h in logger.handlers):
        logger.addHandler(_NoticeHandler())
        logger.setLevel(logging.WARNING)


class _NoticeHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        error_line(f"fonds: notice: {record.getMessage()}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 invalid data, 2 usage)."""
    _notices()
    try:
        cli.main(args=argv, prog_name="fonds", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 1
    except click.UsageError as exc:
        error_line(f"fonds: {exc.format_message()}")
        return 2
    except click.Abort:
        error_line("fonds: aborted")
        return 1
    except click.ClickException as exc:
        error_line(f"fonds: {exc.format_message()}")
        return exc.exit_code
    except InvalidRecordError as exc:
        for problem in exc.problems:
            error_line(str(problem))
        return 1
    except LogIntegrityError as exc:
        error_line(str(exc.problem))
        return 1
    except ArgumentError as exc:
        name = OPTION_NAMES.get(exc.argument)
        error_line(f"fonds: {exc.speaking_as(name) if name else exc}")
        return 2
    except NoLogError as exc:
        error_line(f"fonds: {exc}; create one with `fonds init {exc.location}`")
        return 2
    except UsageError as exc:
        error_line(f"fonds: {exc}")
        return 2
    except FondsError as exc:
        error_line(f"fonds: {exc}")
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        error_line("fonds: interrupted")
        return 130
    except OSError as exc:  # the machine's answer (permissions, a full disk, a lost device)
        where = f"{exc.filename}: " if exc.filename else ""
        error_line(f"fonds: {where}{exc.strerror or exc}")
        return 1
    except MemoryError:
        error_line("fonds: out of memory; raise the machine's limit or split the input")
        return 1
    except Exception as exc:  # a bug in fonds: still one line, never a traceback
        error_line(f"fonds: internal error ({type(exc).__name__}: {exc}); please report it")
        return 1
    return 0


def run() -> None:
    sys.exit(main())
