"""Problems are values: where (file, line, JSON pointer), a stable code, a message, a hint.

Two exceptions say whose fault a failure is: :class:`InvalidRecordError` for the contributor's
data (it carries every problem), :class:`LogIntegrityError` for the stored log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "ArgumentError",
    "FondsError",
    "InvalidRecordError",
    "LogIntegrityError",
    "NoLogError",
    "Problem",
    "UnknownIdError",
    "UsageError",
]


@attrs.frozen(slots=True)
class Problem:
    """One thing wrong with one place of the input."""

    path: str
    line: int | None
    pointer: str
    code: str
    message: str
    suggestion: str | None = None
    column: str | None = None  # for a spreadsheet: the column, shown instead of the pointer

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        hint = f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        place = self.column if self.column is not None else self.pointer
        return f"{where}:{' ' if self.column is None else ''}{place}: {self.message}{hint}"

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON object (what ``--format json`` prints)."""
        return attrs.asdict(self)


class FondsError(Exception):
    """Base of every error fonds raises on purpose."""


class UsageError(FondsError):
    """The caller asked for something that cannot be done as asked (exit code 2)."""


class ArgumentError(UsageError):
    """A value given to a library call that it cannot use: ``argument`` names the parameter
    (``as_of``, ``date_from``, ``min_confidence``, ...), ``value`` is what was given and
    ``expected`` says what would do. The command line names its own option instead."""

    def __init__(self, argument: str, value: object, expected: str) -> None:
        self.argument = argument
        self.value = value
        self.expected = expected
        super().__init__(f"{argument}={value!r}: {expected}")

    def speaking_as(self, name: str) -> str:
        """The message with the parameter called ``name`` (an option such as ``--as-of``)."""
        shown = self.value if isinstance(self.value, str) else repr(self.value)
        return f"{name} {shown}: {self.expected}"


class NoLogError(UsageError):
    """There is no log at ``location``."""

    def __init__(self, location: str, detail: str) -> None:
        self.location = location
        super().__init__(f"{location}: no fonds log here ({detail})")


class UnknownIdError(FondsError):
    """An id the log does not hold (or not as the kind asked for); ``suggestions`` are the
    closest known ids."""

    def __init__(self, entity_id: str, suggestions: list[str], message: str | None = None) -> None:
        self.entity_id = entity_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{entity_id}: {message or 'not in the log'}{hint}")


class InvalidRecordError(FondsError):
    """The contributed data is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid records"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))


class LogIntegrityError(FondsError):
    """The stored log does not verify; ``problem`` locates the first fault."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
