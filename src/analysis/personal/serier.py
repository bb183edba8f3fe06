"""Sick leave month by month and year to date, as known at the end of the report month.

Every function returns aggregates only (never an employee id, a birth year or a row),
and every group of :data:`analysis.personal.sekretess.MIN_GROUP` or fewer employees is
suppressed (its percentage is NaN), as is every group that would let a small one be
worked out by subtraction (the patterns of :mod:`analysis.personal.sekretess`: per period
for the year to date, per month for the monthly series).

The monthly rate is 100 × Σ sjuk_h / Σ ordinarie_tid_h over the rows with
ordinarie_tid_h > 0, the definition of ``total`` in the data contract. Every function
that builds a series takes ``till`` (the report month) and never reads a later month.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError
from analysis.core.period import Period
from analysis.core.register import name_key
from analysis.personal.nyckeltal import compute_nyckeltal, friska_anstallda
from analysis.personal.sekretess import MIN_GROUP, TOTALT, dolda_manader


def valj_forvaltning(
    personal: pd.DataFrame, namn: str | None, register: Iterable[str] = ()
) -> str | None:
    """The förvaltning in the data called ``namn`` (case- and whitespace-insensitive).

    ``None`` (or an empty string) means the whole kommun. A förvaltning of the register
    (``register``: its förvaltning names) without personnel rows is returned with the
    register's spelling (its report says that there are no personnel data,
    :func:`har_personaldata`). Raises :class:`~analysis.core.errors.ArgumentError`
    (``namn``) naming the known förvaltningar when there is no such förvaltning.
    """
    if namn is None or not str(namn).strip():
        return None
    known = [str(v) for v in pd.unique(personal["forvaltning"].dropna())]
    for k in [*known, *[str(r) for r in register]]:
        if name_key(k) == name_key(namn):
            return k
    raise ArgumentError(
        "namn",
        f"Förvaltningen '{namn}' finns inte i personaldata. "
        f"Kända förvaltningar: {', '.join(sorted(known))}.",
    )


def har_personaldata(personal: pd.DataFrame, forvaltning: str | None, till: Period | str) -> bool:
    """Whether the förvaltning (``None``: the kommun) has personnel rows with ordinary
    time in some month up to ``till``."""
    rows = personal[
        (personal["period"] <= Period.parse(till).code) & (personal["ordinarie_tid_h"] > 0)
    ]
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    return bool(len(rows))


def manadsdata(
    personal: pd.DataFrame, forvaltning: str | None, till: Period | str | None
) -> pd.DataFrame:
    """:func:`manadsserie` with the month's hour sums ``sjuk_h`` and ``ordinarie_tid_h``,
    for the models (:func:`analysis.personal.trender.jamforelse_test` weighs the months by
    their hours). Internal: the hour sums are never published.

    Each month is suppressed by its own pattern, computed from the whole kommun's rows
    (``personal``): a small förvaltning's month is hidden, and so is the complementary
    one that would give it by subtraction from the kommun's month.
    """
    rows = personal
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    if till is not None:
        rows = rows[rows["period"] <= Period.parse(till).code]
    rows = rows.loc[
        rows["ordinarie_tid_h"] > 0, ["period", "anstalld", "sjuk_h", "ordinarie_tid_h"]
    ]
    out = (
        rows.groupby("period", observed=True, sort=True)
        .agg(
            sjuk_h=("sjuk_h", "sum"),
            ordinarie_tid_h=("ordinarie_tid_h", "sum"),
            antal_anstallda=("anstalld", "nunique"),
        )
        .reset_index()
    )
    dolda = dolda_manader(personal)  # each month's pattern uses that month only
    dolda = dolda.set_index(["forvaltning", "period"])["undertryckt"]
    label = TOTALT if forvaltning is None else str(forvaltning)
    index = pd.MultiIndex.from_arrays(
        [np.full(len(out), label, dtype=object), out["period"].to_numpy()]
    )
    hidden = dolda.reindex(index).fillna(True).astype(bool).to_numpy()
    out["undertryckt"] = (out["antal_anstallda"] <= MIN_GROUP).to_numpy() | hidden
    pct = 100.0 * out["sjuk_h"] / out["ordinarie_tid_h"]
    out["procent"] = pct.where(~out["undertryckt"])
    out["ar"] = out["period"] // 100
    out["manad"] = out["period"] % 100
    return out


def manadsserie(
    personal: pd.DataFrame, forvaltning: str | None = None, till: Period | str | None = None
) -> pd.DataFrame:
    """The monthly sick-leave rate for a förvaltning or the whole kommun.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows.
    forvaltning : str, optional
        ``None`` means the whole kommun.
    till : Period or str, optional
        Leave out months after this one (the report month).

    Returns
    -------
    DataFrame
        ``period`` (yyyymm), ``ar``, ``manad``, ``procent`` (NaN when the month has
        :data:`MIN_GROUP` or fewer employees or is hidden by the month's pattern),
        ``antal_anstallda``, ``undertryckt``;
        one row per month with data, in time order.
    """
    out = manadsdata(personal, forvaltning, till)
    return out[["period", "ar", "manad", "procent", "antal_anstallda", "undertryckt"]]


def forvaltningar_till(personal: pd.DataFrame, till: Period | str) -> list[str]:
    """The förvaltningar with personnel data in some month up to ``till``, in the data's
    order (the categories' order for a categorical column, else sorted).

    A förvaltning that appears only after the report month is not named in its report.
    """
    rows = personal[personal["period"] <= Period.parse(till).code]
    present = set(str(v) for v in pd.unique(rows["forvaltning"].dropna()))
    col = personal["forvaltning"]
    order = (
        [str(c) for c in col.cat.categories]
        if isinstance(col.dtype, pd.CategoricalDtype)
        else sorted(present)
    )
    return [f for f in order if f in present]


def manadstrend(
    personal: pd.DataFrame, period: Period | str, forvaltning: str | None = None, ar: int = 5
) -> pd.DataFrame:
    """The published "Tabell 1.1": the monthly rate this year against the years before.

    Returns a tidy frame ``ar``, ``manad``, ``procent`` for the report year (up to the
    report month) and the ``ar − 1`` years before it (all their months with data).
    Suppressed months have ``procent`` NaN.
    """
    period = Period.parse(period)
    s = manadsserie(personal, forvaltning, till=period)
    s = s[s["ar"] > period.year - ar]
    return s[["ar", "manad", "procent"]].reset_index(drop=True)


def hittills_i_ar(
    personal: pd.DataFrame, period: Period | str, forvaltning: str | None = None
) -> dict:
    """Year to date against the same months last year.

    Only months of the period that have data this year are compared, with the same
    months of the year before.

    Returns
    -------
    dict
        ``procent``, ``procent_foregaende`` (NaN when suppressed or missing),
        ``skillnad`` (procentenheter, this year − last year), ``manader`` (yyyymm codes
        this year), ``ar``, ``undertryckt`` (either year suppressed).
    """
    period = Period.parse(period)
    present = set(np.unique(personal["period"]).tolist())
    months = [m for m in period.month_codes if m in present]
    prev = [m - 100 for m in months if (m - 100) in present]
    nt = compute_nyckeltal(personal, months, forvaltning).set_index("nyckeltal")
    pct = float(nt.loc["total", "procent"]) if months else math.nan
    if prev:
        nt_p = compute_nyckeltal(personal, prev, forvaltning).set_index("nyckeltal")
        pct_p = float(nt_p.loc["total", "procent"])
    else:
        pct_p = math.nan
    return {
        "procent": pct,
        "procent_foregaende": pct_p,
        "skillnad": pct - pct_p,
        "manader": months,
        "ar": period.year,
        "undertryckt": bool(np.isnan(pct) or np.isnan(pct_p)),
    }


def forandring_per_forvaltning(
    personal: pd.DataFrame, period: Period | str, forvaltningar: Sequence[str]
) -> pd.DataFrame:
    """Year to date per förvaltning: ``forvaltning``, ``procent``, ``procent_foregaende``,
    ``skillnad`` (procentenheter). Suppressed förvaltningar have NaN."""
    rows = []
    for forv in forvaltningar:
        h = hittills_i_ar(personal, period, forv)
        rows.append(
            {
                "forvaltning": forv,
                "procent": h["procent"],
                "procent_foregaende": h["procent_foregaende"],
                "skillnad": h["skillnad"],
            }
        )
    return pd.DataFrame(rows, columns=["forvaltning", "procent", "procent_foregaende", "skillnad"])


def kontrollvarden(
    personal: pd.DataFrame, period: Period | str, forvaltningar: Sequence[str], max_dagar: int = 8
) -> pd.DataFrame:
    """The förvaltningar's year-to-date rate and frisknärvaro **without suppression**,
    for the report's own checks only (the kommun's weighted mean must lie between its
    parts, including the hidden ones). Never show these values.

    Returns
    -------
    DataFrame
        ``forvaltning``, ``procent``, ``frisknarvaro``.
    """
    period = Period.parse(period)
    present = set(np.unique(personal["period"]).tolist())
    months = [m for m in period.month_codes if m in present]
    rows = personal[personal["period"].isin(months)]
    out = []
    for forv in forvaltningar:
        part = rows[rows["forvaltning"] == forv]
        work = part[part["ordinarie_tid_h"] > 0]
        den = float(work["ordinarie_tid_h"].sum())
        n, friska = friska_anstallda(part, max_dagar)
        out.append(
            {
                "forvaltning": forv,
                "procent": 100.0 * float(work["sjuk_h"].sum()) / den if den > 0 else np.nan,
                "frisknarvaro": 100.0 * friska / n if n else np.nan,
            }
        )
    return pd.DataFrame(out, columns=["forvaltning", "procent", "frisknarvaro"])
