"""Kommun-Bas, the kommuner's chart of accounts: the one map from an account to its
kontogrupp (the report line of a deviation table) and its line of the resultaträkning.

An account has 3–5 digits (301, 4010, 30110); it is read by its first two digits after
normalising to five (:func:`konto_key`). Classes 1–2 are balance accounts: they have no
line in the resultaträkning and fall in ``Övriga konton`` in a deviation table.
A kommun's own ``kontoplan`` (see the data contract) replaces the kontogrupper, never the
resultaträkning lines, which the law fixes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: (first two digits, last two digits, resultaträkning line, kontogrupp).
KLASSER: tuple[tuple[int, int, str, str], ...] = (
    (10, 29, "", "Övriga konton"),
    (30, 39, "intakter", "Verksamhetens intäkter"),
    (40, 49, "kostnader", "Material och tjänster"),
    (50, 59, "kostnader", "Personalkostnader"),
    (60, 77, "kostnader", "Övriga kostnader"),
    (78, 78, "avskrivningar", "Avskrivningar"),
    (79, 79, "kostnader", "Övriga kostnader"),
    (80, 81, "skatt", "Skatteintäkter"),
    (82, 83, "statsbidrag", "Generella statsbidrag och utjämning"),
    (84, 84, "fin_intakter", "Finansiella intäkter"),
    (85, 85, "fin_kostnader", "Finansiella kostnader"),
    (86, 99, "extraordinara", "Övriga konton"),
)
#: The kontogrupp of accounts outside every class.
OVRIGA_KONTON = "Övriga konton"
#: The kontogrupper in report order (``Övriga konton`` last).
KONTOGRUPPER: tuple[str, ...] = (
    *dict.fromkeys(g for *_, g in KLASSER if g != OVRIGA_KONTON),
    OVRIGA_KONTON,
)


def konto_key(konto: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Accounts normalised to five digits for range lookups: 301 → 30100, 4010 → 40100."""
    k = np.asarray(konto, dtype=np.int64)
    digits = np.floor(np.log10(np.maximum(k, 1))).astype(np.int64) + 1
    return np.asarray(k * 10 ** np.maximum(5 - digits, 0), dtype=np.int64)


def _klass(konto: npt.ArrayLike, field: int, default: str) -> npt.NDArray[np.object_]:
    two = konto_key(konto) // 1000
    out = np.full(two.shape, default, dtype=object)
    for row in KLASSER:
        out[(two >= row[0]) & (two <= row[1])] = row[field]
    return out


def rr_rad(konto: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """The resultaträkning line of each account; ``''`` for balance accounts.

    >>> list(rr_rad([3010, 4610, 7810, 8010, 8210]))
    ['intakter', 'kostnader', 'avskrivningar', 'skatt', 'statsbidrag']
    >>> list(rr_rad([8410, 8510, 8610, 1510]))
    ['fin_intakter', 'fin_kostnader', 'extraordinara', '']
    """
    return _klass(konto, 2, "extraordinara")


def kontogrupp(konto: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """The Kommun-Bas kontogrupp of each account (without a kommun's own kontoplan).

    >>> list(kontogrupp([301, 5110, 7810, 8110]))
    ['Verksamhetens intäkter', 'Personalkostnader', 'Avskrivningar', 'Skatteintäkter']
    """
    return _klass(konto, 3, OVRIGA_KONTON)
