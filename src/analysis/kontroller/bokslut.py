"""The checks of the statutory statements: every figure against a second path.

* the balansräkning balances: Summa tillgångar (class 1) = Summa eget kapital,
  avsättningar och skulder (class 2 and the year's result from the utfall) — true only
  when the balance file and the ledger agree (double entry); and both totals against the
  raw frames summed in plain pandas, without the row mapping
  (:func:`kontrollera_balansrakning`);
* the balansräkning's *Årets resultat* against the resultaträkning (unit by line,
  :func:`analysis.ekonomi.resultat.compute_resultatrakning`);
* the ingående balans of a year against the previous year's ingående balans and
  movements, with its result moved into eget kapital (:func:`kontrollera_ingaende_balans`);
* the kassaflödesanalys (built from the ledger, the investment ledger and balance classes
  13–17 and 22–29) against the change in likvida medel read from the balance file's
  accounts 18–19 alone (:func:`kontrollera_kassaflode`): a disagreement between the
  investment ledger and the fixed-asset accounts shows here, by its amount;
* the balanskravsutredning's result and realisationsvinster against the ledger, and its
  adjustments against the ``balanskrav`` file (:func:`kontrollera_balanskrav`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import balans as ebalans
from analysis.ekonomi import balanskrav as ebalanskrav
from analysis.ekonomi import kassaflode as ekassaflode
from analysis.io.bokslut import BALANSKRAV_POSTER
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller

GRUPP_BALANS = "Balansräkningen"
GRUPP_IB = "Ingående balans = föregående års utgående balans"
GRUPP_KASSAFLODE = "Kassaflödesanalysen = förändringen av likvida medel"
GRUPP_BALANSKRAV = "Balanskravsutredningen"


def _two_digits(konto: pd.Series) -> np.ndarray:
    """The kontogrupp (first two digits) of each account, read as text (no shared
    helper: a second path)."""
    text = konto.astype(str).str.strip()
    return pd.to_numeric(text.str[:2], errors="coerce").to_numpy()


def _raw(data: Dataset, year: int, first: int, last: int) -> pd.DataFrame:
    b = data.frames.get("balans")
    if b is None:
        return pd.DataFrame(columns=["konto", "belopp"])
    return b[(b["ar"] == year) & (b["manad"] >= first) & (b["manad"] <= last)]


def _resultat_raw(data: Dataset, year: int, month: int) -> float:
    """Σ utfall of classes 3–9 (tkr, report sign) of the nämnder and finans units, by the
    first digit of the account as text."""
    u = data.utfall
    units = set(data.register.namnder + data.register.finans)
    codes = {year * 100 + m for m in range(1, month + 1)}
    rows = u[u["period"].isin(codes) & u["namnd"].astype(str).isin(units)]
    first = rows["konto"].astype(str).str[0].astype(int)
    return float(rows.loc[first >= 3, "belopp_kr"].sum()) / 1000


def kontrollera_balansrakning(
    k: Kontroller, data: Dataset, period: Period | str, br: pd.DataFrame, rr: pd.DataFrame
) -> None:
    """The balansräkning ``br`` of ``period`` balances, its totals equal the balance
    file's class 1 and class 2 summed in plain pandas (with the year's result from the
    utfall), and its *Årets resultat* equals the resultaträkning ``rr``'s."""
    period = Period.parse(period)
    y, m = period.year, period.month
    tillg = ebalans.rad(br, ebalans.SUMMA_TILLGANGAR)
    skulder = ebalans.rad(br, ebalans.SUMMA_EK_SKULDER)
    k.lika(
        GRUPP_BALANS,
        "Summa tillgångar = summa eget kapital, avsättningar och skulder",
        tillg,
        skulder,
    )
    rows = _raw(data, y, 0, m)
    klass = rows["konto"].astype(str).str[0]
    k.lika(
        GRUPP_BALANS,
        "Summa tillgångar = balansfilens konton i klass 1",
        tillg,
        float(rows.loc[klass == "1", "belopp"].sum()) / 1000,
    )
    k.lika(
        GRUPP_BALANS,
        "Summa eget kapital, avsättningar och skulder = balansfilens klass 2 + årets resultat "
        "enligt utfallet",
        skulder,
        -float(rows.loc[klass == "2", "belopp"].sum()) / 1000 + _resultat_raw(data, y, m),
    )
    r = rr.set_index("id")
    k.lika(
        GRUPP_BALANS,
        "Årets resultat = resultaträkningens årets resultat",
        ebalans.rad(br, ebalans.ARETS_RESULTAT),
        float(r.loc["arets_resultat", "utfall_period"]),
    )
    for col, label in (("ib", "vid föregående årsskifte"), ("fg_ar", "samma period föregående år")):
        a, b = (
            ebalans.rad(br, ebalans.SUMMA_TILLGANGAR, col),
            ebalans.rad(br, ebalans.SUMMA_EK_SKULDER, col),
        )
        if not (np.isnan(a) and np.isnan(b)):
            k.lika(GRUPP_BALANS, f"Tillgångar = eget kapital och skulder, {label}", a, b)


def kontrollera_ingaende_balans(k: Kontroller, data: Dataset, year: int) -> None:
    """The ingående balans of ``year`` per account equals that of ``year − 1`` plus its
    movements, eget kapital (kontogrupp 20–21) as a whole with the result of ``year − 1``
    moved into it. Nothing is checked when one of the years is missing."""
    b = data.frames.get("balans")
    if b is None or not ebalans.har_ar(data, year) or not ebalans.har_ar(data, year - 1):
        return
    ib = _raw(data, year, 0, 0).groupby("konto")["belopp"].sum()
    ub = _raw(data, year - 1, 0, 12).groupby("konto")["belopp"].sum()
    both = pd.concat([ib.rename("ib"), ub.rename("ub")], axis=1).fillna(0.0)
    grupp = _two_digits(pd.Series(both.index))
    ek = (grupp >= 20) & (grupp <= 21)
    diff = (both["ib"] - both["ub"]) / 1000
    k.lika(
        GRUPP_IB,
        f"{year}: tillgångar, avsättningar och skulder per konto (summa av avvikelserna)",
        float(diff[~ek].abs().sum()),
        0.0,
    )
    result = _resultat_raw(data, year - 1, 12)
    k.lika(
        GRUPP_IB,
        f"{year}: eget kapital = utgående eget kapital {year - 1} + årets resultat {year - 1}",
        -float(both.loc[ek, "ib"].sum()) / 1000,
        -float(both.loc[ek, "ub"].sum()) / 1000 + result,
    )


def _likvida(data: Dataset, year: int, month: int) -> float:
    rows = _raw(data, year, 1, month)
    grupp = _two_digits(rows["konto"])
    return float(rows.loc[(grupp >= 18) & (grupp <= 19), "belopp"].sum()) / 1000


def kontrollera_kassaflode(
    k: Kontroller, data: Dataset, period: Period | str, kf: pd.DataFrame
) -> None:
    """The kassaflödesanalys ``kf``: the period's cash flow equals the change in likvida
    medel (accounts 18–19 of the balance file), for the period and the previous year."""
    period = Period.parse(period)
    flow = kf.set_index("rad")
    for col, year, label in (
        ("period", period.year, "perioden"),
        ("fg_ar", period.year - 1, "samma period föregående år"),
    ):
        value = float(flow.loc[ekassaflode.KASSAFLODE, col])
        if col == "fg_ar" and np.isnan(value):
            continue
        k.lika(
            GRUPP_KASSAFLODE,
            f"Kassaflöde = förändring av kassa, bank och kortfristiga placeringar, {label}",
            value,
            _likvida(data, year, period.month),
        )


def kontrollera_balanskrav(
    k: Kontroller, data: Dataset, period: Period | str, bk: pd.DataFrame
) -> None:
    """The balanskravsutredning ``bk``: the period's result and realisationsvinster
    against the ledger (plain pandas) and every adjustment against the ``balanskrav``
    file."""
    period = Period.parse(period)
    t = bk.set_index("rad")
    k.lika(
        GRUPP_BALANSKRAV,
        "Årets resultat (perioden) = utfallet i klass 3–9",
        float(t.loc[ebalanskrav.RESULTAT, "period"]),
        _resultat_raw(data, period.year, period.month),
    )
    u = data.utfall
    rows = u[u["period"].isin(period.month_codes)]
    vinst = rows["konto"].astype(str).str[:2] == "36"
    k.lika(
        GRUPP_BALANSKRAV,
        "Samtliga realisationsvinster (perioden) = utfallet i kontogrupp 36",
        float(t.loc[ebalanskrav.REALISATIONSVINSTER_RAD, "period"]),
        -float(
            rows.loc[
                vinst
                & rows["namnd"].astype(str).isin(data.register.namnder + data.register.finans),
                "belopp_kr",
            ].sum()
        )
        / 1000,
    )
    fil = data.frames.get("balanskrav")
    for post, rad in BALANSKRAV_POSTER.items():
        if fil is None:
            given = 0.0
        else:
            given = float(
                fil.loc[(fil["ar"] == period.year) & (fil["post"] == post), "belopp_kr"].sum()
            )
        k.lika(
            GRUPP_BALANSKRAV,
            f"{rad} = balanskravsfilen",
            abs(float(t.loc[rad, "period"])),
            given / 1000,
        )
