"""Exception types of the package.

One type per kind of failure:

- :class:`InputError`: a problem in an input file;
- :class:`ConfigurationError`: the command line, a period or the run matrix;
- :class:`ArgumentError`: a bad argument to a function (it names the argument);
- :class:`ModellError`: the data do not support the analysis asked for;
- :class:`PublishError`: a report could not be written.

Every problem with a user's input is an :class:`InputError`: it names the file, the
line as a spreadsheet user counts it (the header is line 1), the column, what was found
and what was expected, so that an ekonom can open the file and fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How many individual problems one error message lists before summarising the rest.
MAX_LISTED_PROBLEMS = 20


class AnalysisError(Exception):
    """Base class for the package's own errors."""


@dataclass(frozen=True)
class Problem:
    """One problem in one input file.

    ``line`` is the spreadsheet line (header = 1, first data row = 2); ``None`` when
    the problem concerns the whole file or column.
    """

    file: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.column is not None:
            where.append(f"kolumn '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class InputError(AnalysisError):
    """One or more problems in the input files; nothing has been written.

    The string form lists every problem (up to :data:`MAX_LISTED_PROBLEMS`) on its own
    line, each naming file, line and column.
    """

    problems: list[Problem] = field(default_factory=list)

    def __init__(
        self,
        problems: Problem | list[Problem] | str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(file=file or "?", message=problems, line=line, column=column)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:  # pragma: no branch - formatting only
        shown = self.problems[:MAX_LISTED_PROBLEMS]
        lines = [str(p) for p in shown]
        rest = len(self.problems) - len(shown)
        if rest > 0:
            lines.append(f"... och {rest} problem till av samma slag.")
        if len(lines) == 1:
            return lines[0]
        return "Fel i indata:\n" + "\n".join(f"  - {line}" for line in lines)

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem]]]:
        return (InputError, (self.problems,))  # picklable across process pools


class ConfigurationError(AnalysisError):
    """A command-line argument, period or run-matrix entry that cannot be used."""


class ArgumentError(AnalysisError, ValueError):
    """A bad argument to one of the package's functions; the message names the argument.

    >>> str(ArgumentError("horizon", "måste vara ett heltal 1–50, inte 0."))
    "Argumentet 'horizon': måste vara ett heltal 1–50, inte 0."
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        self.message = message
        super().__init__(f"Argumentet '{argument}': {message}")

    def __reduce__(self) -> tuple[type[ArgumentError], tuple[str, str]]:
        return (ArgumentError, (self.argument, self.message))  # picklable across processes


class ModellError(AnalysisError):
    """The data do not support the analysis asked for (too short a series, a model that
    cannot be fitted); the message says what is missing."""


class PublishError(AnalysisError):
    """A report could not be written as HTML, PDF or Excel; the previous file is kept."""
