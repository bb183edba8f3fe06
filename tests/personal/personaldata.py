"""Personnel rows for the tests of the personal room, in the columns of the data
contract's sjukfranvaro file (one row per employee and month)."""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "period",
    "anstalld",
    "forvaltning",
    "kon",
    "fodelsear",
    "ordinarie_tid_h",
    "sjuk_h",
    "sjuk_h_langtid",
    "sjukdagar",
    "sjuk_h_kort",
]


def frame(rows, kort: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    if not kort:
        df["sjuk_h_kort"] = np.nan
    return df


def staff(
    n, period, forv="A", kon="K", born=1980, ordt=100.0, sjuk=0.0, dagar=0, start=0, kort=None
):
    kort = sjuk if kort is None else kort
    return [
        (period, f"E{start + i:04d}", forv, kon, born, ordt, sjuk, 0.0, dagar, kort)
        for i in range(n)
    ]
