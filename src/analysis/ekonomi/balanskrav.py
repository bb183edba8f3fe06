"""Balanskravsutredning (kommunallagen 11 kap. 12–14 §§, LKBR 4 kap. 3 a §).

=================================================================  ========================
row                                                                source
=================================================================  ========================
Årets resultat enligt resultaträkningen                            the resultaträkning
Samtliga realisationsvinster (−)                                   utfall, accounts 36
Realisationsvinster enligt undantagsmöjlighet (+)                  ``balanskrav*``
Realisationsförluster enligt undantagsmöjlighet (+)                ``balanskrav*``
Orealiserade förluster i värdepapper (+)                           ``balanskrav*``
Återföring av orealiserade förluster i värdepapper (−)             ``balanskrav*``
Årets resultat efter balanskravsjusteringar                        sum
Reservering till resultatutjämningsreserv (−)                      ``balanskrav*``
Disposition från resultatutjämningsreserv (+)                      ``balanskrav*``
Årets balanskravsresultat                                          sum
Ej återställda underskott från tidigare år                         ``balanskrav*``
=================================================================  ========================

Three columns: ``period`` (utfall, year to date), ``prognos`` (the full-year forecast:
the resultaträkning's forecast result; realisationsvinster where the forecast states
them in a kontogrupp named *Realisationsvinster*, else those already realised, see
``attrs['prognos_realisationsvinster']``), ``fg_ar`` (the previous year's utfall). A
year's decisions in ``balanskrav*`` count in every column of that year; without the file
the adjustments are zero and ``attrs['justeringar_angivna']`` is False (the report says
so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import balans
from analysis.ekonomi.kassaflode import REALISATIONSVINSTER
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.bokslut import BALANSKRAV_POSTER
from analysis.io.dataset import Dataset

RESULTAT = "Årets resultat enligt resultaträkningen"
REALISATIONSVINSTER_RAD = "Samtliga realisationsvinster"
EFTER_JUSTERINGAR = "Årets resultat efter balanskravsjusteringar"
BALANSKRAVSRESULTAT = "Årets balanskravsresultat"
UNDERSKOTT = BALANSKRAV_POSTER["ej_aterstallt_underskott"]

#: The file's posts in the order of the table, with their sign in the sums.
_JUSTERINGAR: tuple[tuple[str, int], ...] = (
    ("realisationsvinst_undantag", 1),
    ("realisationsforlust_undantag", 1),
    ("orealiserad_forlust", 1),
    ("aterforing_orealiserad_forlust", -1),
)
_RUR: tuple[tuple[str, int], ...] = (("reservering_rur", -1), ("disposition_rur", 1))

#: (row, niva) in order.
RADER: tuple[tuple[str, str], ...] = (
    (RESULTAT, "rad"),
    (REALISATIONSVINSTER_RAD, "rad"),
    *((BALANSKRAV_POSTER[p], "rad") for p, _ in _JUSTERINGAR),
    (EFTER_JUSTERINGAR, "summa"),
    *((BALANSKRAV_POSTER[p], "rad") for p, _ in _RUR),
    (BALANSKRAVSRESULTAT, "summa"),
    (UNDERSKOTT, "rad"),
)
KOLUMNER = ("period", "prognos", "fg_ar")


def poster(data: Dataset, year: int) -> dict[str, float]:
    """The ``balanskrav*`` posts of ``year`` (tkr, ≥ 0; absent posts 0)."""
    frame = data.frames.get("balanskrav")
    out = dict.fromkeys(BALANSKRAV_POSTER, 0.0)
    if frame is None:
        return out
    rows = frame[frame["ar"] == year]
    for post, kr in zip(rows["post"].astype(str), rows["belopp_kr"].astype(float), strict=True):
        out[post] += kr / 1000
    return out


def _prognos_realisationsvinster(data: Dataset, period: Period) -> float | None:
    """The full-year realisationsvinster the latest forecast states (tkr), or ``None``."""
    prog = data.frames.get("prognos")
    if prog is None or "kontogrupp" not in prog:
        return None
    rows = prog[
        (prog["ar"] == period.year)
        & (prog["prognosmanad"] <= period.month)
        & (prog["typ"] == "drift")
        & prog["kontogrupp"].astype(str).str.casefold().str.startswith("realisationsvinst")
    ]
    if not len(rows):
        return None
    latest = rows[rows["prognosmanad"] == rows["prognosmanad"].max()]
    return float(latest["belopp_kr"].sum()) / 1000


def _kolumn(resultat: float, vinster: float, p: dict[str, float]) -> list[float]:
    justerat = resultat - vinster + sum(sign * p[k] for k, sign in _JUSTERINGAR)
    krav = justerat + sum(sign * p[k] for k, sign in _RUR)
    return [
        resultat,
        -vinster,
        *(sign * p[k] for k, sign in _JUSTERINGAR),
        justerat,
        *(sign * p[k] for k, sign in _RUR),
        krav,
        p["ej_aterstallt_underskott"],
    ]


def balanskravsutredning(
    data: Dataset, period: Period | str, rr: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The balanskravsutredning of ``period`` (tkr; deductions negative).

    ``rr`` is the period's :func:`~analysis.ekonomi.resultat.compute_resultatrakning`
    when the caller has it. ``attrs``: ``justeringar_angivna`` (the kommun has a
    ``balanskrav*`` file), ``prognos_realisationsvinster`` (``"prognos"`` when the forecast
    states them, ``"utfall"`` when the forecast column counts the gains realised so far),
    ``har_prognos`` (any unit has a forecast), ``uppfyllt`` (the balanskrav is met: the
    full-year balanskravsresultat ≥ 0; the period's own for a December period, else the
    forecast's).
    """
    period = Period.parse(period)
    rr = compute_resultatrakning(data, period) if rr is None else rr
    r = rr.set_index("id")
    p_now = poster(data, period.year)
    p_fg = poster(data, period.year - 1)
    resultat_period = float(r.loc["arets_resultat", "utfall_period"])
    vinster_period = balans.utfall_konton(data, period.year, period.month, *REALISATIONSVINSTER)
    vinster_prognos = _prognos_realisationsvinster(data, period)
    kalla = "prognos" if vinster_prognos is not None else "utfall"
    if vinster_prognos is None:
        vinster_prognos = vinster_period
    resultat_fg = balans.arets_resultat(data, period.year - 1, 12)
    vinster_fg = balans.utfall_konton(data, period.year - 1, 12, *REALISATIONSVINSTER)
    columns = {
        "period": _kolumn(resultat_period, vinster_period, p_now),
        "prognos": _kolumn(float(r.loc["arets_resultat", "prognos_helar"]), vinster_prognos, p_now),
        "fg_ar": _kolumn(resultat_fg, vinster_fg, p_fg)
        if not np.isnan(resultat_fg)
        else [np.nan] * len(RADER),
    }
    frame = pd.DataFrame({"rad": [a for a, _ in RADER], "niva": [n for _, n in RADER], **columns})
    for col in KOLUMNER:
        frame[col] = frame[col].astype(float) + 0.0
    krav = frame.loc[
        frame["rad"] == BALANSKRAVSRESULTAT, "period" if period.is_full_year else "prognos"
    ]
    frame.attrs["justeringar_angivna"] = data.frames.get("balanskrav") is not None
    frame.attrs["prognos_realisationsvinster"] = kalla
    frame.attrs["har_prognos"] = bool(rr.attrs.get("har_prognos", True))
    frame.attrs["uppfyllt"] = bool(float(krav.iloc[0]) >= 0)
    return frame
