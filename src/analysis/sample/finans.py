"""The sample's financial goals, pension obligations and companies.

* ``ekonomi/finansiella_mal.csv``: the goals of god ekonomisk hushållning for 2019–2023,
  modelled on a kommun of Luleå's size (resultat at least 2 % of skatteintäkter and
  generella statsbidrag, självfinansieringsgrad at least 60 %, soliditet including the
  pension obligations at least 10 %, låneskuld per invånare at most 40 000 kr);
* ``ekonomi/pension.csv``: a skuldberäkning at the end of April, August and December of
  every year 2019–2023, the löneskatt on its own rows (:func:`pension_rader`);
* ``bolag/bolag_2023.csv``: six companies' results and forecasts for 2023-04, 2023-08 and
  2023-12 (made up, plausible sizes).

The avsättning including löneskatt of each calculation is what the balance sample
(:mod:`analysis.sample.balans`) holds on its pension accounts (221–224) at the end of that
month, split into base and löneskatt (24,26 %), so the check of the avsättning against the
balance sheet holds; without balance files it follows a trend of its own.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from analysis.sample.ekonomi import Economy
from analysis.sample.filer import csv_bytes

#: Years of goals and pension calculations.
YEARS = range(2019, 2024)
#: The months of the pension calculations.
BERAKNINGSMANADER = (4, 8, 12)
#: The rate of särskild löneskatt, percent.
LONESKATT = 24.26


def mal_rader() -> pd.DataFrame:
    """The financial goals, 2019–2023 (the resultat goal raised from 1,5 to 2 % in 2021)."""
    rows = []
    for year in YEARS:
        res = "1,5" if year < 2021 else "2,0"
        rows += [
            (
                year,
                "Resultatet ska uppgå till minst "
                f"{res.replace(',0', '')} procent av skatteintäkter och generella statsbidrag.",
                "resultatandel",
                "minst",
                res,
                "%",
                "",
            ),
            (
                year,
                "Investeringarna ska till minst 60 procent finansieras med egna medel.",
                "sjalvfinansieringsgrad",
                "minst",
                "60",
                "%",
                "",
            ),
            (
                year,
                "Soliditeten inklusive pensionsförpliktelserna ska vara minst 10 procent.",
                "soliditet_inkl_pension",
                "minst",
                "10",
                "%",
                "Ansvarsförbindelsen enligt senaste skuldberäkning.",
            ),
            (
                year,
                "Låneskulden per invånare ska inte överstiga 40 000 kronor.",
                "laneskuld_per_invanare",
                "högst",
                "40 000",
                "kr",
                "",
            ),
        ]
    return pd.DataFrame(
        rows, columns=["ar", "mal", "nyckeltal", "jamforelse", "malvarde", "enhet", "kommentar"]
    )


def balans_pension_kr(eco: Economy, seed: int) -> dict[int, float]:
    """The balance sample's pension avsättning (accounts 221–224, kr, credit positive) at
    the end of every month of its files, by yyyymm; empty without balance files."""
    from analysis.sample import balans

    out: dict[int, float] = {}
    for rel, data in sorted(balans.files(eco, seed).items()):
        if not rel.startswith("ekonomi/balans_"):
            continue
        frame = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
        year = int(str(frame["period"].iloc[0])[:4])
        month = frame["period"].astype(str).str[5:7].astype(int)
        konto = frame["konto"].astype(int)
        pension = frame[(konto >= 2210) & (konto <= 2249)]
        for m in sorted(set(month[month > 0].tolist())):
            rows = pension[month[pension.index] <= m]
            out[year * 100 + m] = -round(float(rows["belopp"].sum()), 2)
    return out


def _berakningar(eco: Economy | None, seed: int) -> list[tuple[int, dict[str, float]]]:
    """(yyyymm, items in kr) of every calculation, deterministic for ``seed``. The
    avsättning including löneskatt is the balance sample's pension accounts at that month
    (:func:`balans_pension_kr`) where it has them, so the two files agree."""
    rng = np.random.default_rng(seed + 701)
    br = balans_pension_kr(eco, seed) if eco is not None else {}
    out = []
    step = 0
    for year in YEARS:
        for month in BERAKNINGSMANADER:
            t = step / 3  # years since April 2019
            avs = round(600e6 * 1.045**t + rng.normal(0, 4e6), -3)
            total = br.get(year * 100 + month)
            if total is not None:  # split the booked amount into base and löneskatt
                avs = round(total / (1 + LONESKATT / 100), 2)
            ansv = round(1300e6 * 0.955**t + rng.normal(0, 6e6), -3)
            out.append(
                (
                    year * 100 + month,
                    {
                        "avsattning": avs,
                        "avsattning_loneskatt": (
                            round(total - avs, 2)
                            if total is not None
                            else round(avs * LONESKATT / 100)
                        ),
                        "ansvarsforbindelse": ansv,
                        "ansvarsforbindelse_loneskatt": round(ansv * LONESKATT / 100),
                        "visstidspension": round(12e6 + rng.normal(0, 0.5e6), -3),
                        "forvaltade_medel": round(350e6 * 1.03**t + rng.normal(0, 10e6), -3),
                    },
                )
            )
            step += 1
    return out


def pension_rader(eco: Economy | None, seed: int) -> pd.DataFrame:
    """The rows of ``ekonomi/pension.csv``: ``period``, ``post``, ``belopp`` (kr)."""
    rows = [
        (f"{code // 100}-{code % 100:02d}", post, belopp)
        for code, items in _berakningar(eco, seed)
        for post, belopp in items.items()
    ]
    return pd.DataFrame(rows, columns=["period", "post", "belopp"])


def pension_avsattning_kr(eco: Economy | None, seed: int) -> dict[int, float]:
    """The avsättning including löneskatt (kr) of each calculation, by yyyymm."""
    return {
        code: items["avsattning"] + items["avsattning_loneskatt"]
        for code, items in _berakningar(eco, seed)
    }


#: (bolag, ägarandel %, budget helår mkr, (resultat t.o.m. april, augusti, december mkr),
#: (prognos helår i april, augusti mkr), (kommentar april, augusti, december)).
BOLAG = [
    (
        "Exempelkommunens Energi AB",
        100,
        170.0,
        (95.2, 141.8, 186.4),
        (178.0, 184.0),
        (
            "Högre elpriser under vintern ger ett starkt resultat för perioden.",
            "Elpriserna har sjunkit under sommaren men helåret bedöms bli bättre än budget.",
            "Årets resultat överstiger budget till följd av höga elpriser under vintern.",
        ),
    ),
    (
        "Bostads AB Exempelhem",
        100,
        55.0,
        (21.4, 38.9, 49.7),
        (52.0, 50.0),
        (
            "Högre räntekostnader och taxor för el och värme belastar resultatet.",
            "Räntekostnaderna fortsätter att öka; underhåll har skjutits upp.",
            "Resultatet blev lägre än budget på grund av högre räntekostnader.",
        ),
    ),
    (
        "Exempel Hamn AB",
        100,
        12.0,
        (3.1, 7.4, 10.9),
        (11.0, 11.5),
        (
            "Godsvolymerna är i nivå med föregående år.",
            "Ökade malmvolymer under sommaren.",
            "Något lägre resultat än budget efter ett svagare fjärde kvartal.",
        ),
    ),
    (
        "Exempel Lokaltrafik AB",
        100,
        -24.0,
        (-8.6, -16.2, -26.1),
        (-25.5, -26.0),
        (
            "Bränslekostnaderna är högre än budgeterat.",
            "Resandet ökar men intäkterna täcker inte de högre kostnaderna.",
            "Underskottet täcks av kommunens driftbidrag i enlighet med avtal.",
        ),
    ),
    (
        "Exempel Miljöresurs AB",
        60,
        8.0,
        (2.9, 5.8, 8.3),
        (8.0, 8.2),
        (
            "Verksamheten följer budget.",
            "Ökade intäkter från återvinningscentralerna.",
            "Resultatet blev i nivå med budget.",
        ),
    ),
    (
        "Exempelkommunens Holding AB",
        100,
        35.0,
        (-1.8, -3.4, 38.2),
        (36.0, 37.0),
        (
            "Utdelning från dotterbolagen erhålls först vid årets slut.",
            "Koncernbidrag och utdelning redovisas i bokslutet.",
            "Koncernbidrag från Energi AB ger ett positivt resultat.",
        ),
    ),
]


def bolag_rader() -> pd.DataFrame:
    """The rows of ``bolag/bolag_2023.csv`` (kr; profit positive; December's forecast is the
    year's outcome)."""
    rows = []
    for namn, andel, budget, resultat, prognos, kommentar in BOLAG:
        for i, period in enumerate(("2023-04", "2023-08", "2023-12")):
            prog = prognos[i] if i < 2 else resultat[2]
            rows.append(
                (
                    period,
                    namn,
                    round(resultat[i] * 1e6),
                    round(prog * 1e6),
                    round(budget * 1e6),
                    andel,
                    kommentar[i],
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "bolag",
            "resultat",
            "prognos_helar",
            "budget_helar",
            "agarandel",
            "kommentar",
        ],
    )


def files(eco: Economy, seed: int) -> dict[str, bytes]:
    """Relative path → bytes of the goals, the pension calculations and the companies."""
    return {
        "ekonomi/finansiella_mal.csv": csv_bytes(mal_rader(), style="utf8-bom-sv"),
        "ekonomi/pension.csv": csv_bytes(pension_rader(eco, seed), style="utf8-bom-sv"),
        "bolag/bolag_2023.csv": csv_bytes(bolag_rader(), style="excel-sv"),
    }
