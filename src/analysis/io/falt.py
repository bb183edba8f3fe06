"""The building blocks of the input parsers: a kind of file (:class:`FileKind`) and the
checked readers of one column each (numbers, periods, years, units of the register, free
codes), every one collecting :class:`~analysis.core.errors.Problem` s that name file, line
and column.

The parsers of :mod:`analysis.io.contract` and the input modules beside it
(one per group of files) are built from these.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow.compute as pc

from analysis.core.errors import InputError, Problem
from analysis.core.register import Register, name_key
from analysis.io.readers import (
    MAX_QUOTED_CHARS,
    RawTable,
    arrow_column,
    parse_numbers,
    parse_periods,
)

#: File endings read as input (CSV, gzip-compressed CSV, Excel).
SUFFIXES = (".csv", ".csv.gz", ".txt", ".xlsx")

#: The largest amount (kr, either sign) a file may hold: 10 000 miljarder kronor, far above
#: any Swedish kommun's turnover; beyond it a value is a unit or export error, and sums of
#: such values would overflow to infinity.
MAX_BELOPP_KR = 1e13


@dataclass(frozen=True)
class FileKind:
    """One kind of input file: where it lives and how it is parsed."""

    name: str
    folder: str
    required: bool
    columns: tuple[str, ...]  # required columns (normalised names)
    optional: tuple[str, ...]  # optional columns the parser understands
    split_key: str | None  # column whose values must not overlap between files
    parser: Callable[[RawTable, Register], pd.DataFrame]
    #: Which rows were known at the end of a month (its yyyymm code): the kind's own
    #: dating rule for :meth:`analysis.io.dataset.Dataset.as_of`. ``None``: the rule of
    #: :func:`analysis.io.dataset.dated_mask` for the contract's first kinds, and "always
    #: known" for any other kind.
    dated: Callable[[pd.DataFrame, int], npt.NDArray[np.bool_]] | None = None
    #: Name prefixes of other kinds that share this kind's prefix (``balanskrav`` for
    #: ``balans``): their files are not this kind's.
    exclude: tuple[str, ...] = ()
    #: The file endings read as this kind (default :data:`SUFFIXES`; the population kinds
    #: also read SCB's JSON-stat2).
    suffixes: tuple[str, ...] = SUFFIXES

    def files(self, raw_dir: Path) -> list[Path]:
        """The kind's files in ``raw_dir``, in name order.

        Raises
        ------
        InputError
            When a file named like one of the kind is a symbolic link or not a regular
            file, or the folder leads outside ``raw_dir``: it is refused, not followed
            and not silently skipped.
        """
        folder = raw_dir / self.folder if self.folder else raw_dir
        if not folder.is_dir():
            return []
        problems: list[Problem] = []
        if self.folder and not folder.resolve().is_relative_to(Path(raw_dir).resolve()):
            raise InputError(
                Problem(
                    f"{self.folder}/",
                    (
                        "mappen är en länk till en plats utanför data/raw och läses inte; lägg "
                        "filerna direkt i data/raw"
                    ),
                )
            )
        found = []
        for path in sorted(folder.iterdir()):
            lower = path.name.lower()
            if lower.startswith((".", "~$")) or not lower.startswith(self.name):
                continue
            if self.exclude and lower.startswith(self.exclude):
                continue
            if not any(lower.endswith(s) for s in self.suffixes):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(
                    Problem(
                        display_name(path, raw_dir),
                        (
                            "filen är en symbolisk länk och läses inte; av säkerhetsskäl "
                            "läses bara "
                            "vanliga filer i data/raw. Ersätt länken med en kopia av filen."
                        ),
                    )
                )
            elif stat.S_ISREG(mode):
                found.append(path)
            elif not stat.S_ISDIR(mode):
                problems.append(
                    Problem(
                        display_name(path, raw_dir),
                        (
                            "är inte en vanlig fil och läses inte; lägg en vanlig CSV- eller "
                            ".xlsx-fil här."
                        ),
                    )
                )
        if problems:
            raise InputError(problems)
        return found


def text_column(table: RawTable, column: str) -> pd.Series:
    return table.data[column].astype(str)


def problem_rows(
    table: RawTable, mask: np.ndarray, column: str, message: str | Callable[[str], str]
) -> list[Problem]:
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    values = table.data[column].to_numpy() if column in table.data else None
    out = []
    for i in idx[:50]:
        value = values[i] if values is not None else ""
        msg = message(cut(value)) if callable(message) else message
        out.append(
            Problem(table.file, msg, int(table.lines[i]), table.original.get(column, column))
        )
    if len(idx) > 50:
        out.append(
            Problem(
                table.file,
                f"... samma fel på ytterligare {len(idx) - 50} rader.",
                column=table.original.get(column, column),
            )
        )
    return out


def cut(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """A cell value as shown in a message: at most ``limit`` characters.

    >>> cut("a" * 70) == "a" * 60 + "…"
    True
    """
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def list_known(names: list[str], limit: int = 20, sep: str = "; ") -> str:
    """The first ``limit`` known values, then "… och N till".

    >>> list_known(["a", "b", "c"], limit=2)
    'a; b … och 1 till'
    """
    shown = sep.join(cut(n) for n in names[:limit])
    return shown + (f" … och {len(names) - limit} till" if len(names) > limit else "")


def check(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def enum_column(
    table: RawTable, column: str, mapping: dict[str, str], expected: str, default: str | None = None
) -> tuple[np.ndarray, list[Problem]]:
    """Map free-text codes (case/whitespace-insensitive) to canonical values."""
    if column not in table.data:
        return np.full(len(table.data), default, dtype=object), []
    raw = text_column(table, column)
    keys = raw.map(lambda v: name_key(v).replace("ä", "a").replace("å", "a").replace("ö", "o"))
    canon = {
        name_key(k).replace("ä", "a").replace("å", "a").replace("ö", "o"): v
        for k, v in mapping.items()
    }
    out = keys.map(canon)
    if default is not None:
        out = out.where(raw != "", default)
    bad = out.isna().to_numpy()
    problems = problem_rows(
        table, bad, column, lambda v: f"'{v}' är inte ett giltigt värde; förväntade {expected}."
    )
    return out.to_numpy(dtype=object), problems


def konto_column(table: RawTable, column: str = "konto") -> tuple[np.ndarray, list[Problem]]:
    arr = arrow_column(table, column)
    ok = pc.match_substring_regex(arr, r"^\d{3,5}$").to_numpy(zero_copy_only=False)
    problems = problem_rows(
        table,
        ~ok,
        column,
        lambda v: (
            f"'{v}' är inget konto; förväntade ett Kommun-Bas-konto med 3–5 siffror, t.ex. 4010."
        ),
    )
    if problems:
        return np.zeros(len(ok), dtype=np.int32), problems
    return pc.cast(arr, "int32").to_numpy(zero_copy_only=False), []


def number_column(
    table: RawTable,
    column: str,
    problems: list[Problem],
    *,
    allow_empty: bool = False,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> np.ndarray:
    """:func:`parse_numbers`, collecting its problems in ``problems`` (zeros then)."""
    try:
        return parse_numbers(
            table,
            column,
            allow_empty=allow_empty,
            integer=integer,
            minimum=minimum,
            maximum=maximum,
        )
    except InputError as e:
        problems.extend(e.problems)
        return np.zeros(len(table.data))


def period_column(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    try:
        return parse_periods(table, column)
    except InputError as e:
        problems.extend(e.problems)
        return np.full(len(table.data), 190001, dtype=np.int64)


def unit_column(
    table: RawTable, register: Register, column: str, problems: list[Problem]
) -> pd.Series:
    try:
        return register.resolve_column(
            table.data[column],
            file=table.file,
            column=table.original.get(column, column),
            lines=table.lines,
        )
    except InputError as e:
        problems.extend(e.problems)
        return pd.Series([""] * len(table.data), index=table.data.index, dtype=object)


def keep_extras(table: RawTable, frame: pd.DataFrame, known: tuple[str, ...]) -> pd.DataFrame:
    """Keep extra columns (drill-down) as text."""
    for col in table.columns:
        if col not in known and col not in frame:
            frame[col] = table.data[col].astype(str).to_numpy()
    return frame


def belopp_column(table: RawTable, problems: list[Problem], column: str = "belopp") -> np.ndarray:
    """An amount column in kr: finite and within ±:data:`MAX_BELOPP_KR` (``1,7e308``,
    ``inf`` and ``NaN`` are refused with file, line and column)."""
    return number_column(table, column, problems, minimum=-MAX_BELOPP_KR, maximum=MAX_BELOPP_KR)


def year_column(table: RawTable, column: str, problems: list[Problem]) -> np.ndarray:
    return number_column(table, column, problems, integer=True, minimum=1900, maximum=2200).astype(
        np.int16
    )


def month_column(
    table: RawTable, column: str, problems: list[Problem], *, allow_empty: bool = False
) -> np.ndarray:
    return number_column(
        table, column, problems, integer=True, minimum=1, maximum=12, allow_empty=allow_empty
    )


JA_NEJ = {
    "ja": True,
    "j": True,
    "x": True,
    "1": True,
    "true": True,
    "sant": True,
    "nej": False,
    "n": False,
    "0": False,
    "false": False,
    "falskt": False,
    "": False,
}


PERIOD_TEXT = re.compile(r"^\s*(\d{4})-?(\d{1,2})\s*$")


def optional_period(
    table: RawTable, column: str, ar: np.ndarray, problems: list[Problem]
) -> np.ndarray:
    """An optional ``YYYY-MM`` column (the month a value was measured): yyyymm, 0 = empty.
    The year must be the row's ``ar``."""
    n = len(table.data)
    if column not in table.data:
        return np.zeros(n, dtype=np.int64)
    text = text_column(table, column).str.strip()
    parts = text.str.extract(PERIOD_TEXT)
    year = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    month = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    empty = (text == "").to_numpy()
    bad = ~empty & (np.isnan(year) | np.isnan(month) | (month < 1) | (month > 12))
    problems += problem_rows(
        table,
        bad,
        column,
        lambda v: (
            f"'{v}' är ingen period; ange år och månad som ÅÅÅÅ-MM (t.ex. 2023-04) "
            "eller lämna tomt."
        ),
    )
    other_year = ~empty & ~bad & (year != ar)
    problems += problem_rows(
        table,
        other_year,
        column,
        lambda v: f"perioden '{v}' hör inte till radens år (kolumnen ar).",
    )
    codes = np.where(empty | bad, 0, np.nan_to_num(year) * 100 + np.nan_to_num(month))
    return codes.astype(np.int64)


def lenient_numbers(text: pd.Series) -> np.ndarray:
    """Numbers where a cell is one ('73 %', '2,20%', '140 468 kg'); NaN for text cells."""
    cleaned = (
        text.str.replace("\u2212", "-", regex=False)
        .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        .str.replace(r"(%|kg|st|tkr|mkr|kr)$", "", regex=True)
        .str.replace(",", ".", regex=False)
    )
    return pd.to_numeric(
        cleaned.where(cleaned.str.fullmatch(r"[-+]?\d+(\.\d+)?"), None), errors="coerce"
    ).to_numpy(dtype=float)


def display_name(path: Path, raw_dir: Path) -> str:
    try:
        return path.relative_to(raw_dir).as_posix()
    except ValueError:
        return path.name
