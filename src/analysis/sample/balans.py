"""The sample's balance files (``ekonomi/balans_<år>.csv``) and balanskrav parameters
(``ekonomi/balanskrav.csv``), consistent with its ledger.

Double entry month by month: every month's balance movements sum to minus the month's
Σ utfall (accounting sign), so the balance sheet balances with the resultaträkning's
result. Investments (the investment ledger) move classes 11/12 against the bank,
avskrivningar (78) and utrangeringar (realisationsförluster, 79) reduce them,
realisationsvinster (36) come in as the sale price of land whose book value leaves 11
(rows marked ``avyttring``), part of the pension cost raises the pension avsättning, the
semesterlöneskuld change goes to its liability, arbetsgivaravgifter are paid the month
after, and the rest of the result goes through fordringar and kortfristiga skulder with a
seasonal pattern and the bank. Loans (23) keep the bank between 150 and 600 mkr. At each
year-end the year's result moves into eget kapital (2010), and the RUR reservations and
dispositions of :data:`BALANSKRAV` move between 2010 and 2030.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.sample.ekonomi import (
    K_ARBGIV,
    K_AVSKR,
    K_NEDSKR,
    K_PENSION,
    K_REALFORLUST,
    K_REALVINST,
    K_SEMESTER,
    Economy,
)
from analysis.sample.filer import csv_bytes

MKR = 100_000_000  # öre per mkr

#: The accounts of the sample's balance files.
KONTON: dict[int, str] = {
    1010: "Immateriella anläggningstillgångar",
    1110: "Byggnader och tekniska anläggningar",
    1119: "Ackumulerade avskrivningar byggnader",
    1130: "Mark",
    1220: "Maskiner och inventarier",
    1229: "Ackumulerade avskrivningar maskiner och inventarier",
    1310: "Aktier och andelar i kommunala bolag",
    1380: "Långfristiga fordringar",
    1410: "Exploateringsfastigheter",
    1510: "Kundfordringar",
    1610: "Kortfristiga fordringar",
    1710: "Förutbetalda kostnader och upplupna intäkter",
    1810: "Kortfristiga placeringar",
    1930: "Bank",
    2010: "Eget kapital",
    2030: "Resultatutjämningsreserv",
    2210: "Avsättningar för pensioner",
    2290: "Andra avsättningar",
    2350: "Långfristiga lån",
    2440: "Leverantörsskulder",
    2710: "Personalens skatter och avgifter",
    2920: "Semesterlöneskuld",
    2990: "Övriga upplupna kostnader och förutbetalda intäkter",
}

#: The ingående balans of 2019, mkr, presentation sign (assets +, credit balances +).
IB_2019_MKR: dict[int, float] = {
    1010: 14.0,
    1110: 8300.0,
    1119: -2450.0,
    1130: 1050.0,
    1220: 980.0,
    1229: -560.0,
    1310: 520.0,
    1380: 130.0,
    1410: 60.0,
    1510: 140.0,
    1610: 230.0,
    1710: 150.0,
    1810: 150.0,
    1930: 260.0,
    2010: 4250.0,
    2030: 120.0,
    2210: 410.0,
    2290: 90.0,
    2350: 2700.0,
    2440: 620.0,
    2710: 140.0,
    2920: 230.0,
    2990: 414.0,
}

#: The sample's balanskrav parameters: (year, post, kr).
BALANSKRAV: tuple[tuple[int, str, float], ...] = (
    (2020, "reservering_rur", 30_000_000.0),
    (2021, "disposition_rur", 40_000_000.0),
    (2022, "ej_aterstallt_underskott", 52_573_992.0),
    (2023, "ej_aterstallt_underskott", 39_801_932.0),
    (2023, "realisationsvinst_undantag", 3_000_000.0),
)

#: Seasonal movements of fordringar (debit +) and kortfristiga skulder (credit −), mkr;
#: each sums to zero over the year.
_FORDRINGAR = np.array([35, -10, -5, -5, 10, -15, -20, 25, 0, -5, -5, -5], dtype=float)
_SKULDER = np.array([60, -10, -5, -5, -10, 10, 30, -20, -5, -5, -10, -30], dtype=float)
#: The share of the pension cost (5710) that raises the pension avsättning.
PENSION_AVSATTNING = 0.06
#: The share of a realisationsvinst's sale price that is the land's book value.
BOKFORT_VARDE = 0.5


def _ore(mkr: float) -> int:
    return int(round(mkr * MKR))


def files(eco: Economy, seed: int) -> dict[str, bytes]:
    """Relative path → bytes: ``ekonomi/balans_<år>.csv`` for every year of the ledger and
    ``ekonomi/balanskrav.csv``. Deterministic (``seed`` shapes the seasonal noise)."""
    rng = np.random.default_rng(seed + 7)
    u = eco.utfall
    ore = np.rint(u["belopp"].to_numpy(dtype=float) * 100).astype(np.int64)
    ledger = pd.DataFrame({"period": u["period"].to_numpy(), "konto": u["konto"], "ore": ore})
    inv = eco.investeringar
    inv_ore = pd.Series(
        np.rint(inv["belopp"].to_numpy(dtype=float) * 100).astype(np.int64),
        index=inv["period"].to_numpy(),
    )
    years = sorted({int(p[:4]) for p in ledger["period"]})
    by_month = ledger.groupby(["period", "konto"])["ore"].sum()
    inv_month = inv_ore.groupby(level=0).sum()
    reserve = {y: kr for y, post, kr in BALANSKRAV if post == "reservering_rur"}
    dispose = {y: kr for y, post, kr in BALANSKRAV if post == "disposition_rur"}

    # balances in öre, accounting sign (debit +)
    saldo = {k: _ore(v) if k < 2000 else -_ore(v) for k, v in IB_2019_MKR.items()}
    out: dict[str, bytes] = {}
    arbgiv_skuld = _ore(IB_2019_MKR[2710])  # December's, paid in January
    for year in years:
        rows: list[tuple[str, int, str, int]] = [
            (f"{year}-00", k, "", saldo.get(k, 0)) for k in KONTON if saldo.get(k, 0) != 0
        ]
        noise_f = rng.normal(0, 3, 12)
        noise_s = rng.normal(0, 3, 12)
        for m in range(1, 13):
            period = f"{year}-{m:02d}"
            if period not in by_month.index.get_level_values(0):
                continue
            konto = by_month.loc[period]
            total = int(konto.sum())  # the month's Σ utfall, accounting sign
            mov: dict[tuple[int, str], int] = {}

            def add(
                k: int, amount: int, handelse: str = "", mov: dict[tuple[int, str], int] = mov
            ) -> None:
                mov[(k, handelse)] = mov.get((k, handelse), 0) + int(amount)

            def get(k: int, kontot: pd.Series = konto) -> int:
                return int(kontot.get(k, 0))

            avskr = get(K_AVSKR)
            add(1119, -int(round(avskr * 0.88)))
            add(1229, -(avskr - int(round(avskr * 0.88))))
            add(1119, -get(K_NEDSKR))
            add(1110, -get(K_REALFORLUST), "avyttring")  # utrangering: book value, no cash
            vinst = -get(K_REALVINST)  # a gain: credit, positive here
            bokfort = int(round(vinst * BOKFORT_VARDE))
            add(1130, -bokfort, "avyttring")
            add(1930, vinst + bokfort)  # the sale price
            pension = int(round(get(K_PENSION) * PENSION_AVSATTNING))
            add(2210, -pension)
            add(2920, -get(K_SEMESTER))
            add(2710, -get(K_ARBGIV) + arbgiv_skuld)  # this month's, less last month's paid
            add(1930, -arbgiv_skuld)
            arbgiv_skuld = get(K_ARBGIV)
            invest = int(inv_month.get(period, 0))
            add(1110, int(round(invest * 0.85)))
            add(1220, invest - int(round(invest * 0.85)))
            add(1930, -invest)
            f = _ore(_FORDRINGAR[m - 1] * (1 + 0.02 * (year - 2019)) + noise_f[m - 1])
            add(1510, int(f * 0.3))
            add(1610, int(f * 0.4))
            add(1710, f - int(f * 0.3) - int(f * 0.4))
            s = _ore(_SKULDER[m - 1] + noise_s[m - 1])
            add(2440, int(s * 0.7))
            add(2990, s - int(s * 0.7))
            if m == 6:
                add(1380, -_ore(2.0))  # amortisation of a long-term receivable
                add(1930, _ore(2.0))
            if year == 2021 and m == 9:
                add(1310, _ore(20.0))  # a capital injection into a company
                add(1930, -_ore(20.0))
            # the rest of the month's result is cash
            add(1930, -total - sum(mov.values()))
            bank = saldo.get(1930, 0) + sum(v for (k, _), v in mov.items() if k == 1930)
            while bank < _ore(150.0):
                add(2350, -_ore(100.0))
                add(1930, _ore(100.0))
                bank += _ore(100.0)
            while bank > _ore(600.0):
                add(2350, _ore(100.0))
                add(1930, -_ore(100.0))
                bank -= _ore(100.0)
            assert sum(mov.values()) == -total
            for (k, handelse), amount in sorted(mov.items()):
                if amount:
                    rows.append((period, k, handelse, amount))
                    saldo[k] = saldo.get(k, 0) + amount
        # the year-end: the result into eget kapital, RUR movements within it
        result = -int(ledger.loc[ledger["period"].str.startswith(str(year)), "ore"].sum())
        saldo[2010] = saldo.get(2010, 0) - result
        moved = _ore(reserve.get(year, 0.0) / 1e6) - _ore(dispose.get(year, 0.0) / 1e6)
        saldo[2010] += moved
        saldo[2030] = saldo.get(2030, 0) - moved
        frame = pd.DataFrame(rows, columns=["period", "konto", "handelse", "ore"])
        frame["benamning"] = frame["konto"].map(KONTON).fillna("")
        frame["belopp"] = frame.pop("ore") / 100
        out[f"ekonomi/balans_{year}.csv"] = csv_bytes(
            frame[["period", "konto", "benamning", "handelse", "belopp"]], style="utf8-bom-sv"
        )
    krav = pd.DataFrame(BALANSKRAV, columns=["ar", "post", "belopp"])
    out["ekonomi/balanskrav.csv"] = csv_bytes(krav, style="plain")
    return out
