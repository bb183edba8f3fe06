"""Kassaflödesanalys (the indirect method) for the period, year to date, and the same
months of the previous year.

=================================================================  ==========================
row                                                                source
=================================================================  ==========================
Årets resultat                                                     utfall, accounts 3–9
Justering för av- och nedskrivningar                               utfall, accounts 78 (added back)
Justering för gjorda avsättningar                                  Δ balance, accounts 22
Justering för realisationsvinster och -förluster                   utfall: − 36, + 79
Ökning (−)/minskning (+) av förråd och exploateringsfastigheter    − Δ balance, accounts 14
Ökning (−)/minskning (+) av fordringar                             − Δ balance, accounts 15–17
Ökning (+)/minskning (−) av kortfristiga skulder                   Δ balance, accounts 24–29
Investering i materiella och immateriella anläggningstillgångar    the investment ledger
Försäljning av materiella och immateriella anläggningstillgångar   book value of the balance
                                                                   rows marked ``avyttring``
                                                                   + realisationsvinster −
                                                                   realisationsförluster
Förändring av finansiella anläggningstillgångar                    − Δ balance, accounts 13
                                                                   (incl. långfristiga fordringar)
Förändring av långfristiga skulder                                 Δ balance, accounts 23
=================================================================  ==========================

Realisationsvinster are Kommun-Bas kontogrupp 36 (the sample books them on 3610) and
realisationsförluster kontogrupp 79 (7910); both belong to the investing activities, so
they are taken out of the result and come back in the sale price. Nothing of the balance
accounts of 10–12 (fixed assets) or 18–19 (likvida medel) enters the cash flow: the flow
is built from the ledger, the investment ledger and the other balance accounts, and the
change in likvida medel (Δ Kassa och bank + Kortfristiga placeringar) is read from the
balance file alone. The two agree only when the investment ledger, the avskrivningar and
the fixed-asset accounts agree: the check of :mod:`analysis.kontroller.bokslut`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import balans
from analysis.io.bokslut import AVYTTRING
from analysis.io.dataset import Dataset

#: Realisationsvinster and -förluster, accounts normalised to five digits.
REALISATIONSVINSTER = (36000, 36999)
REALISATIONSFORLUSTER = (79000, 79999)
AVSKRIVNINGAR = (78000, 78999)

RESULTAT = "Årets resultat"
FORE_RORELSEKAPITAL = "Medel från verksamheten före förändring av rörelsekapital"
LOPANDE = "Kassaflöde från den löpande verksamheten"
INVESTERING = "Kassaflöde från investeringsverksamheten"
FINANSIERING = "Kassaflöde från finansieringsverksamheten"
KASSAFLODE = "Periodens kassaflöde"
LIKVIDA_IB = "Likvida medel vid årets början"
LIKVIDA_UB = "Likvida medel vid periodens slut"
INVESTERINGAR = "Investering i materiella och immateriella anläggningstillgångar"
FORSALJNING = "Försäljning av materiella och immateriella anläggningstillgångar"

#: (row, niva) in order.
RADER: tuple[tuple[str, str], ...] = (
    ("Den löpande verksamheten", "rubrik"),
    (RESULTAT, "rad"),
    ("Justering för av- och nedskrivningar", "rad"),
    ("Justering för gjorda avsättningar", "rad"),
    ("Justering för realisationsvinster och -förluster", "rad"),
    (FORE_RORELSEKAPITAL, "summa"),
    ("Ökning (−)/minskning (+) av förråd och exploateringsfastigheter", "rad"),
    ("Ökning (−)/minskning (+) av fordringar", "rad"),
    ("Ökning (+)/minskning (−) av kortfristiga skulder", "rad"),
    (LOPANDE, "summa"),
    ("Investeringsverksamheten", "rubrik"),
    (INVESTERINGAR, "rad"),
    (FORSALJNING, "rad"),
    ("Förändring av finansiella anläggningstillgångar", "rad"),
    (INVESTERING, "summa"),
    ("Finansieringsverksamheten", "rubrik"),
    ("Förändring av långfristiga skulder", "rad"),
    (FINANSIERING, "summa"),
    (KASSAFLODE, "summa"),
    (LIKVIDA_IB, "rad"),
    (LIKVIDA_UB, "rad"),
)


def _investeringar(data: Dataset, year: int, month: int) -> float:
    """The investment ledger's Σ belopp_kr (tkr, spending negative) of months 1..month."""
    inv = data.frames.get("investeringar")
    if inv is None:
        return float("nan")
    codes = [year * 100 + m for m in range(1, month + 1)]
    return float(inv.loc[inv["period"].isin(codes), "belopp_kr"].sum()) / 1000


def _avyttrat(data: Dataset, year: int, month: int) -> float:
    """The book value (tkr, positive) removed by the ``avyttring`` rows of months 1..month."""
    b = data.frames["balans"]
    assert b is not None
    rows = b[(b["ar"] == year) & (b["manad"] >= 1) & (b["manad"] <= month)]
    return -float(rows.loc[rows["handelse"] == AVYTTRING, "belopp_kr"].sum()) / 1000


def kolumn(data: Dataset, year: int, month: int) -> pd.Series:
    """The kassaflödesanalys of months 1..``month`` of ``year`` (tkr, cash in +), NaN
    throughout when the balance file lacks the year or the ledger lacks its utfall."""
    out = pd.Series(np.nan, index=[r for r, _ in RADER])
    ib, ub = balans.saldon(data, year, 0), balans.saldon(data, year, month)
    result = balans.arets_resultat(data, year, month)
    if ib is None or ub is None or np.isnan(result):
        return out
    d = ub - ib
    vinst = balans.utfall_konton(data, year, month, *REALISATIONSVINSTER)
    forlust = -balans.utfall_konton(data, year, month, *REALISATIONSFORLUSTER)
    out[RESULTAT] = result
    out["Justering för av- och nedskrivningar"] = -balans.utfall_konton(
        data, year, month, *AVSKRIVNINGAR
    )
    out["Justering för gjorda avsättningar"] = (
        d["Avsättningar för pensioner och liknande förpliktelser"] + d["Andra avsättningar"]
    )
    out["Justering för realisationsvinster och -förluster"] = -vinst + forlust
    out["Ökning (−)/minskning (+) av förråd och exploateringsfastigheter"] = -d[
        "Förråd, lager och exploateringsfastigheter"
    ]
    out["Ökning (−)/minskning (+) av fordringar"] = -d["Fordringar"]
    out["Ökning (+)/minskning (−) av kortfristiga skulder"] = d["Kortfristiga skulder"]
    out[INVESTERINGAR] = _investeringar(data, year, month)
    out[FORSALJNING] = _avyttrat(data, year, month) + vinst - forlust
    out["Förändring av finansiella anläggningstillgångar"] = -d["Finansiella anläggningstillgångar"]
    out["Förändring av långfristiga skulder"] = d["Långfristiga skulder"]
    names = [r for r, _ in RADER]

    def total(first: str, last: str) -> float:
        part = out[names[names.index(first) : names.index(last)]]
        return float(part.sum(min_count=1)) if part.notna().all() else float("nan")

    out[FORE_RORELSEKAPITAL] = total(RESULTAT, FORE_RORELSEKAPITAL)
    out[LOPANDE] = total(FORE_RORELSEKAPITAL, LOPANDE)
    out[INVESTERING] = total(INVESTERINGAR, INVESTERING)
    out[FINANSIERING] = total("Förändring av långfristiga skulder", FINANSIERING)
    parts = out[[LOPANDE, INVESTERING, FINANSIERING]]
    out[KASSAFLODE] = float(parts.sum()) if parts.notna().all() else float("nan")
    out[LIKVIDA_IB] = ib[balans.KASSA] + ib[balans.PLACERINGAR]
    out[LIKVIDA_UB] = ub[balans.KASSA] + ub[balans.PLACERINGAR]
    return out


def kassaflodesanalys(data: Dataset, period: Period | str) -> pd.DataFrame | None:
    """The kassaflödesanalys of ``period`` (year to date) and the same months of the
    previous year.

    Returns
    -------
    DataFrame or None
        Columns ``rad``, ``niva`` (``rubrik`` / ``rad`` / ``summa``), ``period`` and
        ``fg_ar`` (tkr, inflows positive; ``fg_ar`` NaN when the previous year has no
        balance rows or no utfall; *Investering …* NaN without an investment ledger).
        ``None`` when there is no balansräkning for the period
        (:func:`analysis.ekonomi.balans.saknas`).
    """
    period = Period.parse(period)
    if balans.saknas(data, period) is not None:
        return None
    now = kolumn(data, period.year, period.month)
    fg = kolumn(data, period.year - 1, period.month)
    rubrik = [n == "rubrik" for _, n in RADER]
    frame = pd.DataFrame(
        {
            "rad": [r for r, _ in RADER],
            "niva": [n for _, n in RADER],
            "period": np.where(rubrik, np.nan, now.to_numpy(dtype=float)) + 0.0,
            "fg_ar": np.where(rubrik, np.nan, fg.to_numpy(dtype=float)) + 0.0,
        }
    )
    return frame
