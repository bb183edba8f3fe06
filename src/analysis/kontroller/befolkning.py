"""The checks of the population: the components against the stocks, the scenarios' order.

The population components (births, deaths, migration files) are compared with the
stocks (the folkmängd file): the unexplained rest must be small
(:func:`kontrollera_befolkning`); in forecast years it must be zero, since the forecast's
deaths come from the mortality assumption and not from the balance
(:func:`kontrollera_befolkning_ar`). The scenarios differ only in the number of
in-migrants, so they must stay in order (:func:`kontrollera_scenarier`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.core.format import antal
from analysis.kontroller.bas import (
    JUSTERING_ANDEL,
    JUSTERING_MIN,
    JUSTERING_PROGNOS,
    Kontroller,
    som_tal,
)


def _justering_ok(justering: float, folkmangd: float) -> tuple[bool, float]:
    limit = max(JUSTERING_MIN, JUSTERING_ANDEL * abs(folkmangd))
    return abs(justering) <= limit, limit


def kontrollera_befolkning(k: Kontroller, komp: pd.DataFrame) -> None:
    """The period's components from the event files (births, deaths, migration) against
    the change of the stocks (the folkmängd file): the rest (justering) must be small —
    within :data:`JUSTERING_ANDEL` of the folkmängd, at least :data:`JUSTERING_MIN`
    persons (SCB's own corrections are a few persons a year)."""
    c = komp.set_index("komponent")["antal"]
    grupp = "Befolkning: komponenterna mot folkmängden"
    if not math.isfinite(som_tal(c.get("justering"))):
        k.villkor(grupp, "folkmängd vid periodens början och slut finns", False)
        return
    ok, limit = _justering_ok(float(c["justering"]), float(c["folkmangd"]))
    k.villkor(
        grupp,
        f"förändringen av folkmängden förklaras av födda, döda och flyttningar "
        f"(rest högst {antal(limit)} personer)",
        ok,
        float(c["justering"]),
    )


def kontrollera_scenarier(k: Kontroller, scenarier: pd.DataFrame) -> None:
    """Every year: the low scenario ≤ the base ≤ the high one (they differ only in the
    number of in-migrants, so a projection that does not respond to it fails)."""
    bred = scenarier.pivot(index="ar", columns="scenario", values="folkmangd")
    for ar, r in bred.iterrows():
        if {"lag", "bas", "hog"} <= set(r.index) and r[["lag", "bas", "hog"]].notna().all():
            k.villkor(
                "Scenarier",
                f"låg ≤ huvudalternativ ≤ hög {ar}",
                r["lag"] <= r["bas"] + 1e-9 and r["bas"] <= r["hog"] + 1e-9,
            )
    first = bred.index.min() if len(bred) else None
    last = bred.index.max() if len(bred) else None
    if first is not None and last != first and {"lag", "hog"} <= set(bred.columns):
        k.villkor("Scenarier", f"låg < hög {last}", bred.loc[last, "lag"] < bred.loc[last, "hog"])


def kontrollera_befolkning_ar(k: Kontroller, sheet: pd.DataFrame) -> None:
    """Year by year: the components against the stocks. In years of outcomes the rest
    (justering) must be small (:func:`kontrollera_befolkning`); in forecast years it must
    be zero within :data:`JUSTERING_PROGNOS` persons — the forecast's deaths come from the
    mortality assumption, so an engine that loses people fails here."""
    s = sheet.sort_values("ar").reset_index(drop=True)
    grupp = "Befolkning per år: komponenterna mot folkmängden"
    for i in range(1, len(s)):
        r, prev = s.iloc[i], s.iloc[i - 1]
        if int(r["ar"]) != int(prev["ar"]) + 1:
            continue
        rest = float(
            r["folkmangd"]
            - prev["folkmangd"]
            - (r["fodda"] - r["doda"] + r["inflyttade"] - r["utflyttade"])
        )
        if r["typ"] == "prognos":
            k.villkor(
                grupp,
                f"prognos {int(r['ar'])}: folkmängden = föregående år + födda − döda + flyttnetto",
                abs(rest) <= JUSTERING_PROGNOS,
                rest,
            )
        else:
            ok, limit = _justering_ok(rest, float(r["folkmangd"]))
            k.villkor(
                grupp,
                f"{int(r['ar'])}: förändringen förklaras av komponenterna (rest "
                f"högst {antal(limit)} personer)",
                ok,
                rest,
            )
