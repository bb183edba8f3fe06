"""Balansräkning for the whole kommun, from the balance accounts (``ekonomi/balans*``) and
the year's result from the ledger.

The rows follow the balansräkning of the law (LKBR 5 kap.) and the kontogrupper of
Kommun-Bas (accounts normalised to five digits, :func:`analysis.core.kommunbas.konto_key`):

==========================================================  ==============================
row                                                         accounts (first digits)
==========================================================  ==============================
Immateriella anläggningstillgångar                          10
Mark, byggnader och tekniska anläggningar                   11
Maskiner och inventarier                                    12
Finansiella anläggningstillgångar                           13
Förråd, lager och exploateringsfastigheter                  14
Fordringar                                                  15, 16, 17
Kortfristiga placeringar                                    18
Kassa och bank                                              19
Resultatutjämningsreserv                                    203
Övrigt eget kapital                                         20, 21 except 203
Avsättningar för pensioner och liknande förpliktelser       221–224
Andra avsättningar                                          22 except 221–224
Långfristiga skulder                                        23
Kortfristiga skulder                                        24–29
==========================================================  ==============================

During the year the result is not booked to eget kapital: the row *Årets resultat* is the
resultaträkning's result from the utfall (accounts 3–9 of the nämnder and the finans
units, as :func:`analysis.ekonomi.resultat.compute_resultatrakning`). The balance sheet
therefore balances only when the balance file and the ledger agree (double entry): the
check of :mod:`analysis.kontroller.bokslut`.

Amounts are tkr in the presentation sign: assets positive, eget kapital, avsättningar and
skulder positive when they are credit balances.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.kommunbas import konto_key, rr_rad
from analysis.core.period import Period
from analysis.io.dataset import Dataset

#: The rows of the balansräkning, in order (the headings are :data:`RUBRIKER`).
RADER: tuple[str, ...] = (
    "Immateriella anläggningstillgångar",
    "Mark, byggnader och tekniska anläggningar",
    "Maskiner och inventarier",
    "Finansiella anläggningstillgångar",
    "Summa anläggningstillgångar",
    "Förråd, lager och exploateringsfastigheter",
    "Fordringar",
    "Kortfristiga placeringar",
    "Kassa och bank",
    "Summa omsättningstillgångar",
    "Summa tillgångar",
    "Årets resultat",
    "Resultatutjämningsreserv",
    "Övrigt eget kapital",
    "Summa eget kapital",
    "Avsättningar för pensioner och liknande förpliktelser",
    "Andra avsättningar",
    "Summa avsättningar",
    "Långfristiga skulder",
    "Kortfristiga skulder",
    "Summa skulder",
    "Summa eget kapital, avsättningar och skulder",
)
#: A heading row (``niva`` ``rubrik``, no amounts) before the row it names.
RUBRIKER: dict[str, str] = {
    "Immateriella anläggningstillgångar": "Anläggningstillgångar",
    "Förråd, lager och exploateringsfastigheter": "Omsättningstillgångar",
    "Årets resultat": "Eget kapital",
    "Avsättningar för pensioner och liknande förpliktelser": "Avsättningar",
    "Långfristiga skulder": "Skulder",
}
SUMMA_TILLGANGAR = "Summa tillgångar"
SUMMA_EK_SKULDER = "Summa eget kapital, avsättningar och skulder"
ARETS_RESULTAT = "Årets resultat"
RUR = "Resultatutjämningsreserv"
OVRIGT_EK = "Övrigt eget kapital"
KASSA = "Kassa och bank"
PLACERINGAR = "Kortfristiga placeringar"

#: The sum rows and their parts.
SUMMOR: dict[str, tuple[str, ...]] = {
    "Summa anläggningstillgångar": RADER[0:4],
    "Summa omsättningstillgångar": RADER[5:9],
    SUMMA_TILLGANGAR: ("Summa anläggningstillgångar", "Summa omsättningstillgångar"),
    "Summa eget kapital": (ARETS_RESULTAT, RUR, OVRIGT_EK),
    "Summa avsättningar": RADER[15:17],
    "Summa skulder": RADER[18:20],
    SUMMA_EK_SKULDER: ("Summa eget kapital", "Summa avsättningar", "Summa skulder"),
}

#: (lowest, highest account normalised to five digits, row): the first match counts.
_INTERVALL: tuple[tuple[int, int, str], ...] = (
    (10000, 10999, RADER[0]),
    (11000, 11999, RADER[1]),
    (12000, 12999, RADER[2]),
    (13000, 13999, RADER[3]),
    (14000, 14999, RADER[5]),
    (15000, 17999, RADER[6]),
    (18000, 18999, PLACERINGAR),
    (19000, 19999, KASSA),
    (20300, 20399, RUR),
    (20000, 21999, OVRIGT_EK),
    (22100, 22499, RADER[15]),
    (22000, 22999, RADER[16]),
    (23000, 23999, RADER[18]),
    (24000, 29999, RADER[19]),
)

#: The columns of :func:`balansrakning`.
KOLUMNER = ("period", "ib", "fg_ar")


def balansrad(konto: np.ndarray | pd.Series) -> np.ndarray:
    """The balansräkning row of each balance account ('' outside classes 1–2).

    >>> list(balansrad(np.array([1110, 1510, 1930, 2030, 2090, 2230, 2290, 2350, 2440])))
    ['Mark, byggnader och tekniska anläggningar', 'Fordringar', 'Kassa och bank', \
'Resultatutjämningsreserv', 'Övrigt eget kapital', \
'Avsättningar för pensioner och liknande förpliktelser', 'Andra avsättningar', \
'Långfristiga skulder', 'Kortfristiga skulder']
    """
    key = konto_key(np.asarray(konto))
    out = np.full(key.shape, "", dtype=object)
    done = np.zeros(key.shape, dtype=bool)
    for lo, hi, rad in _INTERVALL:
        hit = ~done & (key >= lo) & (key <= hi)
        out[hit] = rad
        done |= hit
    return out


def har_ar(data: Dataset, year: int) -> bool:
    """Whether the balance files hold year ``year`` (its ingående balans)."""
    b = data.frames.get("balans")
    return b is not None and bool(((b["ar"] == year) & (b["manad"] == 0)).any())


def saknas(data: Dataset, period: Period | str) -> str | None:
    """Why there is no balansräkning for ``period`` (a Swedish sentence), or ``None``."""
    period = Period.parse(period)
    b = data.frames.get("balans")
    if b is None:
        return "Balansräkning saknas: filen ekonomi/balans*.csv finns inte."
    if not har_ar(data, period.year):
        return (
            f"Balansräkning saknas: balansfilen har ingen ingående balans för {period.year} "
            f"(rader med perioden {period.year}-00)."
        )
    months = set(b.loc[b["ar"] == period.year, "manad"].tolist())
    missing = [m for m in range(1, period.month + 1) if m not in months]
    if missing:
        shown = ", ".join(f"{period.year}-{m:02d}" for m in missing)
        return f"Balansräkning saknas: balansfilen har inga förändringar för {shown}."
    return None


def saldon(data: Dataset, year: int, month: int) -> pd.Series | None:
    """The balance per row (tkr, presentation sign, without the year's result) at the end
    of ``month`` of ``year`` (0: the ingående balans); ``None`` without that year."""
    if not har_ar(data, year):
        return None
    b = data.frames["balans"]
    assert b is not None
    rows = b[(b["ar"] == year) & (b["manad"] <= month)]
    rad = balansrad(rows["konto"].to_numpy())
    sums = pd.Series(rows["belopp_kr"].to_numpy(dtype=float), index=rad).groupby(level=0).sum()
    plain = [r for r in RADER if r not in SUMMOR and r != ARETS_RESULTAT]
    return sums.reindex(plain, fill_value=0.0) / 1000


def _ledger(data: Dataset, year: int, months: int) -> pd.DataFrame | None:
    """The utfall of the nämnder and finans units for months 1..``months`` of ``year``;
    ``None`` when the year has no utfall at all."""
    u = data.utfall
    if u is None or not (u["period"] // 100 == year).any():
        return None
    units = data.register.namnder + data.register.finans
    codes = [year * 100 + m for m in range(1, months + 1)]
    return u[u["period"].isin(codes) & u["namnd"].isin(units)]


def arets_resultat(data: Dataset, year: int, month: int) -> float:
    """The result (tkr, report sign) of months 1..``month`` of ``year`` from the utfall:
    every account of the resultaträkning (classes 3–9); NaN when the year has no utfall."""
    u = _ledger(data, year, month)
    if u is None:
        return float("nan")
    line = rr_rad(u["konto"].to_numpy())
    return float(u.loc[line != "", "belopp_kr"].sum()) / 1000


def utfall_konton(data: Dataset, year: int, month: int, lo: int, hi: int) -> float:
    """Σ utfall (tkr, report sign) of accounts ``lo``–``hi`` (five digits) in months
    1..``month`` of ``year``; NaN when the year has no utfall."""
    u = _ledger(data, year, month)
    if u is None:
        return float("nan")
    key = konto_key(u["konto"].to_numpy())
    return float(u.loc[(key >= lo) & (key <= hi), "belopp_kr"].sum()) / 1000


def _kolumn(saldo: pd.Series | None, resultat: float) -> pd.Series:
    values = pd.Series(np.nan, index=list(RADER))
    if saldo is None or np.isnan(resultat):
        return values
    values.update(saldo)
    values[ARETS_RESULTAT] = resultat
    for total, parts in SUMMOR.items():
        values[total] = float(values[list(parts)].sum())
    return values


def balansrakning(data: Dataset, period: Period | str) -> pd.DataFrame | None:
    """The balansräkning at the end of ``period``, at the previous year-end and at the
    end of the same month of the previous year.

    Returns
    -------
    DataFrame or None
        Columns ``rad``, ``niva`` (``rubrik`` / ``rad`` / ``summa``), ``period`` (tkr at
        the period's end), ``ib`` (tkr at the previous year-end: the ingående balans,
        with the previous year's result from its utfall as *Årets resultat* and the rest
        of eget kapital as *Övrigt eget kapital*; without that utfall *Årets resultat* is
        NaN and eget kapital is all *Övrigt*), ``fg_ar`` (tkr at the same month of the
        previous year; NaN when that year has no balance rows or no utfall). The row
        *Resultatutjämningsreserv* is there only when a balance file books one (accounts
        203). ``None`` when there is no balansräkning for the period (:func:`saknas`).
    """
    period = Period.parse(period)
    if saknas(data, period) is not None:
        return None
    y, m = period.year, period.month
    now = _kolumn(saldon(data, y, m), arets_resultat(data, y, m))
    ib_saldo = saldon(data, y, 0)
    assert ib_saldo is not None
    prev_result = arets_resultat(data, y - 1, 12)
    ib = _kolumn(ib_saldo, 0.0)
    if np.isnan(prev_result):
        ib[ARETS_RESULTAT] = np.nan
    else:
        ib[ARETS_RESULTAT] = prev_result
        ib[OVRIGT_EK] -= prev_result
    fg = _kolumn(saldon(data, y - 1, m), arets_resultat(data, y - 1, m))

    b = data.frames["balans"]
    assert b is not None
    has_rur = bool((balansrad(b["konto"].to_numpy()) == RUR).any())
    rows = []
    for rad in RADER:
        if rad == RUR and not has_rur:
            continue
        if rad in RUBRIKER:
            rows.append((RUBRIKER[rad], "rubrik", np.nan, np.nan, np.nan))
        niva = "summa" if rad in SUMMOR else "rad"
        rows.append((rad, niva, now[rad], ib[rad], fg[rad]))
    frame = pd.DataFrame(rows, columns=["rad", "niva", *KOLUMNER])
    for col in KOLUMNER:
        frame[col] = frame[col].astype(float) + 0.0  # no −0
    return frame


def rad(table: pd.DataFrame, name: str, column: str = "period") -> float:
    """One amount of a :func:`balansrakning` (or another statement's) table, by row name;
    NaN when the row is not there."""
    hit = table.loc[table["rad"] == name, column]
    return float(hit.iloc[0]) if len(hit) else float("nan")
