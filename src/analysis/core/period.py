"""Report periods: month-end cut-offs with Swedish labels.

A :class:`Period` is the month a report is made at; "the period" is January up to and
including that month. April, August and December are the delår (Delår 1, Delår 2 and
Helår), but every month can be reported.

>>> p = Period.parse("2023-04")
>>> p.label
'Delår 1, januari–april 2023'
>>> [str(m) for m in p.months]
['2023-01', '2023-02', '2023-03', '2023-04']
>>> Period.parse("2023-12").label
'Helår 2023'
>>> Period.parse("2023-03").short_label
'jan–mar 2023'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from analysis.core.errors import ArgumentError, ConfigurationError

MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "maj",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)

#: The months that end a delår, with their names.
DELAR = {4: "Delår 1", 8: "Delår 2", 12: "Helår"}

_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")


def _invalid(year: int, month: int) -> tuple[str, str] | None:
    """(argument, message) when ``year``/``month`` make no period, else None."""
    if not 1 <= month <= 12:
        return "month", f"Ogiltig period {year}-{month:02d}: månaden måste vara 1–12."
    if not 1900 <= year <= 2200:
        return "year", f"Ogiltig period: året {year} är inte rimligt."
    return None


@total_ordering
@dataclass(frozen=True)
class Period:
    """A month-end cut-off: year and month (1–12)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        problem = _invalid(self.year, self.month)
        if problem is not None:
            argument, message = problem
            raise ArgumentError(argument, message)

    # --- construction -------------------------------------------------------------
    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """Parse ``YYYY-MM`` (also ``YYYY-M``).

        Raises
        ------
        ConfigurationError
            When ``text`` is not a period, or names a month or year out of range (a period
            text comes from the command line or the run matrix).
        """
        if isinstance(text, Period):
            return text
        m = _PERIOD_RE.match(str(text))
        if not m:
            raise ConfigurationError(
                f"Ogiltig period '{text}': ange år och månad som ÅÅÅÅ-MM, till exempel 2023-04."
            )
        year, month = int(m.group(1)), int(m.group(2))
        problem = _invalid(year, month)
        if problem is not None:
            raise ConfigurationError(problem[1])
        return cls(year, month)

    @classmethod
    def from_code(cls, code: int) -> Period:
        """From the integer code ``yyyymm`` used in processed data."""
        return cls(int(code) // 100, int(code) % 100)

    # --- arithmetic ---------------------------------------------------------------
    @property
    def code(self) -> int:
        """``yyyymm`` as an integer, the form processed data stores periods in."""
        return self.year * 100 + self.month

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.code < other.code

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def __add__(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + int(months)
        return Period(index // 12, index % 12 + 1)

    def __sub__(self, months: int) -> Period:
        return self + (-int(months))

    @property
    def months(self) -> list[Period]:
        """The months of the period: January up to and including this month."""
        return [Period(self.year, m) for m in range(1, self.month + 1)]

    @property
    def month_codes(self) -> list[int]:
        return [p.code for p in self.months]

    @property
    def previous_year(self) -> Period:
        """The same cut-off one year earlier."""
        return Period(self.year - 1, self.month)

    @property
    def is_delar(self) -> bool:
        return self.month in DELAR

    @property
    def is_full_year(self) -> bool:
        return self.month == 12

    # --- Swedish labels -------------------------------------------------------------
    @property
    def month_name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def range_text(self) -> str:
        """``januari–april`` (``januari`` for January alone)."""
        if self.month == 1:
            return "januari"
        return f"januari–{self.month_name}"

    @property
    def label(self) -> str:
        """The report title: ``Delår 1, januari–april 2023``, ``Helår 2023`` or
        ``Månadsrapport januari–mars 2023``."""
        if self.month == 12:
            return f"Helår {self.year}"
        if self.month in DELAR:
            return f"{DELAR[self.month]}, {self.range_text} {self.year}"
        return f"Månadsrapport {self.range_text} {self.year}"

    @property
    def short_label(self) -> str:
        """``jan–apr 2023`` for tables and chart legends."""
        if self.month == 1:
            return f"jan {self.year}"
        return f"jan–{MONTH_ABBREVIATIONS[self.month - 1]} {self.year}"


def latest_delar(last_month: Period) -> Period:
    """The latest delår month-end at or before ``last_month``.

    >>> str(latest_delar(Period(2023, 10)))
    '2023-08'
    >>> str(latest_delar(Period(2023, 3)))
    '2022-12'
    """
    p = last_month
    while p.month not in DELAR:
        p = p - 1
    return p
