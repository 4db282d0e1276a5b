"""init, validate, append, verify."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import click
import orjson

from fonds.cli.common import (
    F,
    emit,
    error_line,
    existing_log,
    format_option,
    log_option,
    open_log,
    write_output,
)
from fonds.importers.draft import Draft
from fonds.log import init_log
from fonds.log.jsonl import LOG_FILE
from fonds.model.vocabulary import default_vocabulary
from fonds.problems import InvalidRecordError, Problem, UsageError
from fonds.validate import Limits, ValidationReport, iter_file_lines, validate_lines

_DEFAULT = Limits()


def limits_options(function: F) -> F:
    function = click.option(
        "--max-line-bytes",
        type=click.IntRange(1),
        default=_DEFAULT.max_line_bytes,
        show_default=True,
        help="Longest line accepted.",
    )(function)
    function = click.option(
        "--max-depth",
        type=click.IntRange(1),
        default=_DEFAULT.max_depth,
        show_default=True,
        help="Deepest JSON nesting accepted.",
    )(function)
    return click.option(
        "--max-records",
        type=click.IntRange(1),
        default=_DEFAULT.max_records,
        show_default=True,
        help="Most records accepted in one batch.",
    )(function)


def _limits(max_line_bytes: int, max_depth: int, max_records: int) -> Limits:
    return Limits(max_line_bytes=max_line_bytes, max_depth=max_depth, max_records=max_records)


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.jsonl") if p.name != LOG_FILE)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def _lines(files: Sequence[Path]) -> Iterator[tuple[str, int, bytes]]:
    for path in files:
        try:
            yield from iter_file_lines(path)
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def print_problems(problems: Sequence[Problem], output_format: str) -> None:
    if output_format == "json":
        emit(orjson.dumps([p.to_json() for p in problems], option=orjson.OPT_INDENT_2).decode())
        return
    for problem in problems:
        if output_format == "github":
            line = f",line={problem.line}" if problem.line else ""
            message = f"{problem.pointer}: {problem.message}".replace("%", "%25")
            message = message.replace("\r", "%0D").replace("\n", "%0A")
            if problem.suggestion:
                message += f" (did you mean {problem.suggestion!r}?)"
            sys.stdout.write(f"::error file={problem.path}{line},title={problem.code}::{message}\n")
        else:
            error_line(str(problem))


def _agent_record(agent_id: str, name: str, agent_type: str) -> bytes:
    """The declaration of the archive's recording agent, checked before anything is created."""
    document = {
        "kind": "agent",
        "schema": 1,
        "id": agent_id,
        "labels": {"en": name},
        "agent_type": agent_type,
        "recorded_by": agent_id,
    }
    line = orjson.dumps(document)
    report = validate_lines([("--agent", 1, line)], default_vocabulary(), None)
    if report.problems:
        problem = report.problems[0]
        option = {"/labels/en": "--name", "/agent_type": "--agent-type"}.get(
            problem.pointer, "--agent"
        )
        hint = f" (did you mean {problem.suggestion!r}?)" if problem.suggestion else ""
        raise UsageError(f"{option}: {problem.message}{hint}")
    return line


@click.command()
@click.argument("directory", metavar="LOCATION", default="records")
@click.option(
    "--agent",
    "agent_id",
    default=None,
    metavar="ID",
    help="Who will record facts (agent:jdoe), declared as the log's first record;"
    " asked for at a terminal.",
)
@click.option("--name", default=None, help="The agent's name (default: the id's own words).")
@click.option(
    "--agent-type",
    default="person",
    show_default=True,
    help="person, organization or software.",
)
def init(directory: str, agent_id: str | None, name: str | None, agent_type: str) -> None:
    """Create an empty log (with the default vocabulary) at LOCATION: a folder, or a
    postgresql:// URL of a database (see docs/postgresql.md), and declare the agent who will
    record facts in it."""
    if Path(directory).exists() and not Path(directory).is_dir():
        raise UsageError(f"{directory}: not a folder")
    if agent_id is None and sys.stdin.isatty():
        agent_id = (
            click.prompt(
                "Who records the facts? An agent id, e.g. agent:jdoe (empty: none)",
                default="",
                show_default=False,
            ).strip()
            or None
        )
        if agent_id is not None and name is None:
            name = click.prompt("Your name", default=agent_id.partition(":")[2]).strip()
    record = None
    if agent_id is not None:
        words = name if name is not None else agent_id.partition(":")[2]
        record = _agent_record(agent_id, words, agent_type)
    log = init_log(directory)
    if record is None:
        emit(f"created an empty log in {log.location}")
        error_line("no recording agent declared: give --agent ID --name NAME to declare one")
        return
    log.append_lines([("--agent", 1, record)])
    emit(f"created a log in {log.location}, recorded by {agent_id} (entry 1 declares it)")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@log_option
@format_option("text", "json", "github")
@limits_options
def validate(
    paths: tuple[Path, ...],
    log_dir: str,
    output_format: str,
    max_line_bytes: int,
    max_depth: int,
    max_records: int,
) -> None:
    """Check contributed records (JSON Lines) against the schemas, the vocabulary and the log.

    Checks against the log in --log when there is one, on their own when there is none. A
    directory holding a log is verified in depth instead.
    """
    limits = _limits(max_line_bytes, max_depth, max_records)
    if len(paths) == 1 and (paths[0] / LOG_FILE).is_file():
        problems = open_log(paths[0]).verify(deep=True)
        print_problems(problems, output_format)
        if output_format == "text" and not problems:
            emit(f"{paths[0]}: the log and every record in it are valid")
        sys.exit(1 if problems else 0)
    files = _expand(paths)
    report: ValidationReport
    log = existing_log(log_dir)
    if log is not None:
        report = log.validate(_lines(files), limits)
    else:
        report = validate_lines(_lines(files), default_vocabulary(), None, limits)
    print_problems(report.problems, output_format)
    if output_format == "text":
        count = len(report.problems)
        state = "valid" if not count else f"{count} problem{'s' * (count != 1)}"
        emit(f"{len(report.records)} of {report.lines_read} records checked: {state}")
    sys.exit(1 if report.problems else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@log_option
@format_option("text", "json", "github")
@limits_options
def append(
    paths: tuple[Path, ...],
    log_dir: str,
    output_format: str,
    max_line_bytes: int,
    max_depth: int,
    max_records: int,
) -> None:
    """Validate records, then append them all to the log, or none."""
    limits = _limits(max_line_bytes, max_depth, max_records)
    log = open_log(log_dir)
    try:
        entries = log.append_lines(_lines(_expand(paths)), limits)
    except InvalidRecordError as exc:
        print_problems(exc.problems, output_format)
        error_line(f"nothing appended: {len(exc.problems)} problem(s)")
        sys.exit(1)
    if output_format == "json":
        emit(orjson.dumps([{"seq": e.seq, "id": e.id, "time": e.time} for e in entries]).decode())
    elif entries:
        emit(f"appended {len(entries)} records as entries {entries[0].seq}–{entries[-1].seq}")
    else:
        emit("nothing to append")


@click.command()
@log_option
@format_option("text", "json", "github")
@click.option("--deep", is_flag=True, help="Also re-validate every record, as of its entry.")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Also check that the log extends this signed checkpoint (repeatable).",
)
def verify(log_dir: str, output_format: str, deep: bool, checkpoints: tuple[Path, ...]) -> None:
    """Re-check the hash chain (and with --deep every record); name the first fault."""
    log = open_log(log_dir)
    problems = log.verify(deep=deep)
    consistent = ""
    if checkpoints and not problems:
        from fonds.cli.proofs import checkpoint_problems

        problems, consistent = checkpoint_problems(log, checkpoints)
    print_problems(problems, output_format)
    if not problems and output_format == "text":
        head = log.head()
        count = head.seq if head else 0
        what = "chain and records" if deep else "chain"
        emit(
            f"{log_dir}: {count} entries, {what} verified"
            + (f", head {head.hash[:12]}" if head else "")
            + consistent
        )
    sys.exit(1 if problems else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@log_option
@format_option("text", "md", "json")
@click.option(
    "--same-as-out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the drafted same-as records here (JSON Lines), to edit and append.",
)
@limits_options
def review(
    paths: tuple[Path, ...],
    log_dir: str,
    output_format: str,
    same_as_out: Path | None,
    max_line_bytes: int,
    max_depth: int,
    max_records: int,
) -> None:
    """What appending these records would do, for the maintainer who decides; appends nothing.

    New entities and facts, conflicts with the log (side by side), corrections and what they
    replace, facts resting only on weak sources, and who is who: for each new person, place
    or agent, the log's entities it may be, with the evidence (names across scripts, life
    dates, external ids) and a drafted same-as record. Exit 1 when the contribution is invalid.
    """
    from fonds.review import render
    from fonds.review import review as review_contribution

    del max_line_bytes, max_depth, max_records  # the log's limits apply, as on append
    result = review_contribution(open_log(log_dir), _lines(_expand(paths)))
    if same_as_out is not None:
        drafts = Draft(tuple(p["record"] for p in result["same_as"]))
        write_output(drafts.jsonl(), same_as_out, "--same-as-out")
        error_line(f"{len(drafts.records)} drafted same-as records written to {same_as_out}")
    if output_format == "json":
        emit(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    else:
        emit(render(result, markdown=output_format == "md"))
    sys.exit(0 if result["valid"] else 1)
