"""Checks of the financial goals, the pension obligations and the companies.

Each figure is recomputed by a second path, in plain pandas from the input frames, never
through :mod:`analysis.ekonomi.finansiella_mal`, :mod:`analysis.ekonomi.pension`,
:mod:`analysis.ekonomi.bolag` or the resultaträkning:

* the key figures of the resultaträkning (resultatandel, självfinansieringsgrad,
  nettokostnadsandel) from the ledger by account class (first two digits of the
  Kommun-Bas account) and the investment ledger (:func:`kontrollera_nyckeltal`);
* the soliditet, the soliditet including pensions and the låneskuld per invånare from the
  balance file's accounts (not the balansräkning), the ansvarsförbindelse summed from the
  pension file and the population file;
* the pension table against the pension file pivoted by item, and the avsättning against
  the balance sheet's line for pensions (two files, :func:`kontrollera_pension`);
* the companies' table against the company file grouped by company
  (:func:`kontrollera_bolag`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.kontroller.bas import TOLERANS_TKR, Kontroller

#: The check groups.
GRUPP_NYCKELTAL = "Finansiella nyckeltal = huvudboken"
GRUPP_PENSION = "Pensionsförpliktelser = pensionsberäkningen"
GRUPP_PENSION_BR = "Pensionsavsättning = balansräkningen"
GRUPP_BOLAG = "Bolagen = bolagens uppgifter"
GRUPP_MAL = "Finansiella mål = målfilen"
#: Tolerance of a key figure in percent (a hundred-thousandth of a percentage point).
TOLERANS_PROCENT = 1e-5
#: Tolerance of the låneskuld per invånare (kr): both paths divide the same unrounded sums.
TOLERANS_KR = 0.01
#: Tolerance of the löneskatt rate (percentage points): the calculation rounds to kronor.
TOLERANS_LONESKATT = 0.05
#: The balance-sheet line of the pension provisions.
BR_PENSIONER = "Avsättningar för pensioner och liknande förpliktelser"


def _two_digits(konto: pd.Series) -> pd.Series:
    text = konto.astype(int).astype(str)
    return text.str[:2].astype(int)


def _intern(data, konto: pd.Series) -> np.ndarray:
    kp = data.frames.get("kontoplan")
    out = np.zeros(len(konto), dtype=bool)
    if kp is None or "intern" not in kp:
        return out
    five = konto.astype(int).astype(str).str.ljust(5, "0").astype(int).to_numpy()
    for lo, hi in kp.loc[kp["intern"].astype(bool), ["_lo", "_hi"]].itertuples(index=False):
        out |= (five >= lo) & (five <= hi)
    return out


def ledger_figures(data, period: Period) -> dict[str, float]:
    """The period's result, taxes and grants, depreciation, net cost (tkr, report sign)
    and net investments (tkr, positive), summed straight from the ledger by account class.

    The units are the register's nämnder and finans units (as the resultaträkning); the
    result counts every account of classes 3–9 (internal ones too: what they do not cancel
    is a line of its own); taxes, depreciation and the extraordinary items leave internal
    accounts out.
    """
    units = set(data.register.namnder) | set(data.register.finans)
    u = data.utfall
    u = u[u["period"].isin(period.month_codes) & u["namnd"].astype(str).isin(units)]
    two = _two_digits(u["konto"])
    intern = _intern(data, u["konto"])
    kr = u["belopp_kr"].astype(float)
    result_acc = (two >= 30).to_numpy()
    resultat = kr[result_acc].sum()
    skatt = kr[((two >= 80) & (two <= 83)).to_numpy() & ~intern].sum()
    extra = kr[(two >= 86).to_numpy() & ~intern].sum()
    avskr = kr[(two == 78).to_numpy() & ~intern].sum()
    inv = data.frames.get("investeringar")
    spent = (
        -inv.loc[inv["period"].isin(period.month_codes), "belopp_kr"].astype(float).sum()
        if inv is not None
        else math.nan
    )
    return {
        "resultat": resultat / 1000,
        "skatt_statsbidrag": skatt / 1000,
        "avskrivningar": -avskr / 1000,
        "nettokostnad": (resultat - skatt - extra) / 1000,
        "nettoinvesteringar": spent / 1000,
    }


def _ratio(a: float, b: float, scale: float = 100.0) -> float:
    return a / b * scale if math.isfinite(a) and math.isfinite(b) and b > 0 else math.nan


def ansvarsforbindelse_ur_fil(pension: pd.DataFrame | None, period: Period) -> float:
    """The ansvarsförbindelse incl. löneskatt (tkr) of the latest calculation at or before
    ``period``, summed from the file's rows."""
    if pension is None or not len(pension):
        return math.nan
    p = pension[pension["period"] <= period.code]
    if not len(p):
        return math.nan
    last = p[p["period"] == p["period"].max()]
    rows = last["post"].isin(["ansvarsforbindelse", "ansvarsforbindelse_loneskatt"])
    return float(last.loc[rows, "belopp_kr"].sum()) / 1000


def folkmangd_ur_fil(folkmangd: pd.DataFrame | None, period: Period) -> float:
    """The population of the latest (year, month) at or before ``period``."""
    if folkmangd is None or not len(folkmangd):
        return math.nan
    f = folkmangd.assign(_m=folkmangd["manad"].astype("Float64").fillna(12).astype(int))
    totals = f.groupby(["ar", "_m"])["antal"].sum().reset_index()
    totals["_code"] = totals["ar"].astype(int) * 100 + totals["_m"]
    totals = totals[totals["_code"] <= period.code]
    if not len(totals):
        return math.nan
    return float(totals.sort_values("_code")["antal"].iloc[-1])


def kontrollera_nyckeltal(
    k: Kontroller,
    tal: pd.DataFrame,
    data,
    period: Period | str,
) -> None:
    """The key figures' outcomes (:func:`analysis.ekonomi.finansiella_mal.nyckeltal`)
    against the ledger, the investment ledger, the balance file, the pension file and the
    population file, recomputed here; the balance-sheet figures only when the balance file
    has the year."""
    period = Period.parse(period)
    t = tal.set_index("nyckeltal")["utfall"].astype(float)
    f = ledger_figures(data, period)
    k.lika(
        GRUPP_NYCKELTAL,
        "Resultat i procent av skatteintäkter och generella statsbidrag",
        t["resultatandel"],
        _ratio(f["resultat"], f["skatt_statsbidrag"]),
        TOLERANS_PROCENT,
    )
    k.lika(
        GRUPP_NYCKELTAL,
        "Självfinansieringsgrad av investeringar",
        t["sjalvfinansieringsgrad"],
        _ratio(f["resultat"] + f["avskrivningar"], f["nettoinvesteringar"]),
        TOLERANS_PROCENT,
    )
    k.lika(
        GRUPP_NYCKELTAL,
        "Nettokostnadsandel",
        t["nettokostnadsandel"],
        _ratio(-f["nettokostnad"], f["skatt_statsbidrag"]),
        TOLERANS_PROCENT,
    )
    raw = balance_figures(data, period, f["resultat"])
    if raw is None:
        return
    k.lika(
        GRUPP_NYCKELTAL,
        "Soliditet (balansfilen: eget kapital inkl. periodens resultat / tillgångar)",
        t["soliditet"],
        _ratio(raw["eget_kapital"], raw["tillgangar"]),
        TOLERANS_PROCENT,
    )
    ansv = ansvarsforbindelse_ur_fil(data.frames.get("pension"), period)
    k.lika(
        GRUPP_NYCKELTAL,
        "Soliditet inkl. pensionsförpliktelser (balansfilen och pensionsfilen)",
        t["soliditet_inkl_pension"],
        _ratio(raw["eget_kapital"] - ansv, raw["tillgangar"]),
        TOLERANS_PROCENT,
    )
    k.lika(
        GRUPP_NYCKELTAL,
        "Låneskuld per invånare (balansfilen och befolkningsfilen)",
        t["laneskuld_per_invanare"],
        _ratio(
            raw["langfristiga_skulder"] * 1000,
            folkmangd_ur_fil(data.frames.get("folkmangd"), period),
            1.0,
        ),
        TOLERANS_KR,
    )


def balance_figures(data, period: Period, resultat_tkr: float) -> dict[str, float] | None:
    """Tillgångar, eget kapital (with the period's result) and långfristiga skulder (tkr)
    at the end of ``period``, summed straight from the balance file's accounts (ingående
    balans and the months' movements, presentation sign); ``None`` without the file or
    without the year's ingående balans."""
    b = data.frames.get("balans")
    if b is None or not len(b):
        return None
    rows = b[(b["ar"] == period.year) & (b["manad"] <= period.month)]
    if not (rows["manad"] == 0).any():
        return None
    five = rows["konto"].astype(int).astype(str).str.ljust(5, "0").astype(int)
    kr = rows["belopp_kr"].astype(float)

    def between(lo: int, hi: int) -> float:
        return float(kr[(five >= lo) & (five <= hi)].sum()) / 1000

    return {
        "tillgangar": between(10000, 19999),
        "eget_kapital": between(20000, 21999) + resultat_tkr,
        "langfristiga_skulder": between(23000, 23999),
    }


def kontrollera_pension(
    k: Kontroller,
    tabell: pd.DataFrame | None,
    pension: pd.DataFrame | None,
    period: Period | str,
    balans: pd.DataFrame | None = None,
) -> None:
    """The pension table against the pension file pivoted by item (plain pandas), the
    löneskatt rows against the rate, and the avsättning against the balance sheet's line
    for pensions (when both exist)."""
    period = Period.parse(period)
    if tabell is None:
        k.villkor(
            GRUPP_PENSION,
            "ingen pensionsberäkning känd vid periodens slut",
            pension is None or not (pension["period"] <= period.code).any(),
        )
        return
    known = pension[pension["period"] <= period.code] if pension is not None else None
    if known is None or not len(known):
        k.villkor(GRUPP_PENSION, "tabellen har en pensionsberäkning i filen", False)
        return
    last = int(known["period"].max())
    k.lika(GRUPP_PENSION, "beräkningens datum (ÅÅÅÅMM)", tabell.attrs["berakning"], last, 0)
    wide = known[known["period"] == last].pivot_table(
        index="period", columns="post", values="belopp_kr", aggfunc="sum"
    )
    row = wide.iloc[0] / 1000

    def get(name: str) -> float:
        return float(row.get(name, 0.0))

    avs = get("avsattning") + get("avsattning_loneskatt")
    ansv = get("ansvarsforbindelse") + get("ansvarsforbindelse_loneskatt")
    t = tabell.set_index("id")["tkr"]
    k.lika(GRUPP_PENSION, "Avsättning inkl. löneskatt", t["avsattning"], avs)
    k.lika(GRUPP_PENSION, "Ansvarsförbindelse inkl. löneskatt", t["ansvarsforbindelse"], ansv)
    k.lika(GRUPP_PENSION, "Total pensionsförpliktelse", t["total_forpliktelse"], avs + ansv)
    if "forvaltade_medel" in row:
        k.lika(
            GRUPP_PENSION,
            "Återlånade medel = förpliktelse − förvaltade medel",
            t["aterlanade_medel"],
            avs + ansv - get("forvaltade_medel"),
        )
    for base in ("avsattning", "ansvarsforbindelse"):
        if f"{base}_loneskatt" in row and get(base) > 0:
            rate = get(f"{base}_loneskatt") / get(base) * 100
            k.villkor(
                GRUPP_PENSION,
                f"löneskatten på {base} är 24,26 % av underlaget",
                abs(rate - 24.26) <= TOLERANS_LONESKATT,
                rate,
            )
    if balans is not None:
        br = balans.loc[balans["rad"].astype(str) == BR_PENSIONER, "period"]
        if len(br):
            k.lika(
                GRUPP_PENSION_BR,
                f"Avsättning för pensioner: pensionsberäkningen {last // 100}-{last % 100:02d} "
                "= balansräkningen",
                avs,
                float(br.iloc[0]),
                TOLERANS_TKR,
            )


def kontrollera_bolag(
    k: Kontroller, tabell: pd.DataFrame | None, bolag: pd.DataFrame | None, period: Period | str
) -> None:
    """The companies' table against the company file: per company its latest month of the
    year (groupby, plain pandas), the sums of result, forecast and budget."""
    period = Period.parse(period)
    if tabell is None:
        k.villkor(
            GRUPP_BOLAG,
            "inga bolagsuppgifter kända vid periodens slut",
            bolag is None or not (bolag["period"] <= period.code).any(),
        )
        return
    b = bolag if bolag is not None else pd.DataFrame(columns=["period", "bolag"])
    b = b[(b["period"] <= period.code) & (b["period"] // 100 == period.year)]
    names = b["bolag"].astype(str).str.replace(r"\s+", "", regex=True).str.casefold()
    idx = b.assign(_n=names).groupby("_n")["period"].idxmax()
    latest = b.loc[idx.to_numpy()]
    body = tabell[(tabell["bolag"] != "Summa") & (tabell["period"] > 0)]
    k.lika(GRUPP_BOLAG, "antal bolag med uppgifter", len(body), len(latest), 0)
    summa = tabell[tabell["bolag"] == "Summa"].iloc[0]
    for col, raw in (
        ("resultat", "resultat_kr"),
        ("prognos_helar", "prognos_helar_kr"),
        ("budget_helar", "budget_helar_kr"),
    ):
        values = latest[raw].astype(float)
        expected = values.sum() / 1000 if values.notna().any() else math.nan
        k.lika(GRUPP_BOLAG, f"Summa {col.replace('_', ' ')}", summa[col], expected)
    k.lika(
        GRUPP_BOLAG,
        "senaste månad med uppgifter",
        float(body["period"].max()) if len(body) else math.nan,
        float(latest["period"].max()) if len(latest) else math.nan,
        0,
    )


def kontrollera_mal(
    k: Kontroller, bedomning: pd.DataFrame | None, mal: pd.DataFrame | None, period: Period | str
) -> None:
    """Every goal of the year in the goal file is in the assessment, with its target."""
    period = Period.parse(period)
    raw = mal[mal["ar"] == period.year] if mal is not None else None
    n_raw = 0 if raw is None else len(raw)
    n_tab = 0 if bedomning is None else len(bedomning)
    k.lika(GRUPP_MAL, f"antal finansiella mål {period.year}", n_tab, n_raw, 0)
    if bedomning is None or raw is None:
        return
    got = dict(
        zip(bedomning["nyckeltal"] + bedomning["jamforelse"], bedomning["malvarde"], strict=True)
    )
    for r in raw.itertuples(index=False):
        k.lika(
            GRUPP_MAL,
            f"målvärde för {r.nyckeltal} ({r.jamforelse})",
            got.get(f"{r.nyckeltal}{r.jamforelse}", math.nan),
            float(r.malvarde),
            0,
        )
