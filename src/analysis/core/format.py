"""The one formatter of numbers, amounts, dates and names in Swedish.

Every table, chart tick, generated sentence and check in the package writes its numbers
through these functions, so that the reports agree to the character: a no-break space
between thousands (a number never wraps), a decimal comma, the minus sign U+2212 and an
en dash for a missing value.

>>> tal(-1234567.891, 2)
'−1\\xa0234\\xa0567,89'
>>> mkr(-19440.0, tecken=True)
'−19,4 mkr'
>>> mkr(-18400.0, tecken=True, decimaler=None, enhet="miljoner kronor")
'−18 miljoner kronor'
>>> datum("2023-04-30")
'30 april 2023'
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TypeGuard

from analysis.core.errors import ArgumentError
from analysis.core.period import MONTH_NAMES

#: Thousands separator: no-break space, so that a number never wraps.
THOUSANDS = "\u00a0"
#: The minus sign of every number the package writes.
MINUS = "\u2212"
#: A missing value.
MISSING = "–"
#: Decimals accepted (more would only show floating-point noise).
MAX_DECIMALS = 10


def is_missing(value: Any) -> bool:
    """``None``, NaN and ``pd.NA`` (anything that is not equal to itself)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pd.NA raises on bool()
        return True


def is_number(value: Any) -> TypeGuard[numbers.Real]:
    """A real number (also numpy's), not a bool: what :func:`tal` accepts besides missing."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _decimals(decimals: Any, argument: str = "decimals") -> int:
    """``decimals`` as an int 0–:data:`MAX_DECIMALS`, or an :class:`ArgumentError`."""
    if (
        not isinstance(decimals, bool)
        and isinstance(decimals, numbers.Integral)
        and 0 <= int(decimals) <= MAX_DECIMALS
    ):
        return int(decimals)
    raise ArgumentError(
        argument, f"antalet decimaler måste vara ett heltal 0–{MAX_DECIMALS}, inte {decimals!r}."
    )


def tal(value: Any, decimals: int = 0, *, tecken: bool = False, procent: bool = False) -> str:
    """``value`` in Swedish format: ``−1 234,5``.

    Missing values and infinities give ``–``. ``tecken=True`` puts ``+`` before positive
    numbers; a number that rounds to zero has no sign. ``procent=True`` appends `` %``
    (the value is already in percent).

    >>> tal(1234567.891, 2)
    '1\\xa0234\\xa0567,89'
    >>> tal(-0.04, 1)
    '0,0'
    >>> tal(5.25, 1, procent=True, tecken=True)
    '+5,2\\xa0%'
    """
    if is_missing(value):
        return MISSING
    if not is_number(value):
        raise ArgumentError("value", f"{value!r} är inte ett tal.")
    x = float(value)
    if not math.isfinite(x):
        return MISSING
    decimals = _decimals(decimals)
    text = f"{abs(x):,.{decimals}f}"
    is_zero = not any(ch in "123456789" for ch in text)
    text = text.replace(",", THOUSANDS).replace(".", ",")
    if not is_zero:
        if x < 0:
            text = MINUS + text
        elif tecken:
            text = "+" + text
    if procent:
        text += "\u00a0%"
    return text


def mkr(
    tkr: float | None, *, tecken: bool = False, decimaler: int | None = 1, enhet: str = "mkr"
) -> str:
    """An amount in tkr written in millions: ``"2,3 mkr"``, ``"−18 miljoner kronor"``.

    ``decimaler=None`` writes whole millions from 10 mkr and one decimal below (the style
    of the kommun's texts). A missing amount gives ``"– mkr"``.

    >>> mkr(2345.0)
    '2,3 mkr'
    >>> mkr(1067000.0, tecken=True)
    '+1\\xa0067,0 mkr'
    >>> mkr(9960.0, decimaler=None)
    '10 mkr'
    >>> mkr(float("nan"))
    '– mkr'
    """
    if is_missing(tkr):
        return f"{MISSING} {enhet}"
    if not is_number(tkr):
        raise ArgumentError("tkr", f"{tkr!r} är inte ett belopp i tkr.")
    v = float(tkr) / 1000
    if not math.isfinite(v):
        return f"{MISSING} {enhet}"
    if decimaler is None:
        decimaler = 0 if abs(v) >= 9.95 else 1
    return f"{tal(v, _decimals(decimaler, 'decimaler'), tecken=tecken)} {enhet}"


def antal(value: float, *, tecken: bool = False) -> str:
    """A count in whole units: ``"1 234"``, ``"−56"``.

    >>> antal(-56.4, tecken=True)
    '−56'
    """
    return tal(value, 0, tecken=tecken)


def datum(date: dt.date | str) -> str:
    """A date the Swedish way: ``22 november 2026``.

    >>> datum(dt.date(2026, 11, 22))
    '22 november 2026'
    """
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise ArgumentError("date", f"{date!r} är inget datum ÅÅÅÅ-MM-DD.") from None
    return f"{date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


def lista(items: Iterable[str], *, sista: str = "och") -> str:
    """``"a, b och c"``; ``sista`` is the word before the last item (the kommun's texts
    write ``"a, b samt c"``).

    >>> lista(["a", "b", "c"])
    'a, b och c'
    >>> lista(["a", "b", "c"], sista="samt")
    'a, b samt c'
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {sista} " + items[-1]


def slug(text: str, sep: str = "-", fallback: str = "x") -> str:
    """A file-, sheet- and anchor-friendly name.

    >>> slug("KS/Kommunstab")
    'ks-kommunstab'
    >>> slug("Sjukfrånvaro Överförmyndarnämnden (%)", sep="_")
    'sjukfranvaro_overformyndarnamnden'
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", sep, plain.casefold()).strip(sep) or fallback
