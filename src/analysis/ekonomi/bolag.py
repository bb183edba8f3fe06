"""The kommun's companies (kommunala bolag): each company's result for the year to date,
its forecast and budget for the full year and its comment.

Input: the ``bolag`` frame (:mod:`analysis.io.finans`). Its amounts are kronor **with profit
positive and loss negative** — resultat efter finansiella poster as the company reports it,
not the accounting sign of the ledger. A report for a month uses, per company, the latest
figures of the same year at or before that month, and says which month they are for; a
company known from earlier years but without figures this year is listed as *uppgift
saknas*, never as 0. Amounts of the table in tkr.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.core.format import lista, mkr
from analysis.core.period import Period
from analysis.core.register import name_key

#: The columns of :func:`bolagen`.
KOLUMNER = [
    "bolag",
    "period",
    "agarandel",
    "resultat",
    "prognos_helar",
    "budget_helar",
    "avvikelse_helar",
    "kommentar",
]
#: The label of the sum row.
SUMMA = "Summa"


def bolagen(bolag: pd.DataFrame | None, period: Period | str) -> pd.DataFrame | None:
    """One row per company with its latest figures of ``period``'s year (tkr), then a
    *Summa* row over the companies with figures.

    ``period`` is the yyyymm the company's figures are for (0 when it has none this year;
    its amounts NaN and ``kommentar`` says so); ``avvikelse_helar`` = prognos − budget. The
    sum of a column is NaN when no company has that figure. ``attrs['utan_uppgift']``: the
    companies without figures. ``None`` without any company known at the period's end.

    >>> f = pd.DataFrame({"period": [202304, 202308, 202304], "bolag": ["A", "A", "B"],
    ...     "resultat_kr": [1e3, 5e3, -2e3], "prognos_helar_kr": [3e3, 6e3, -1e3],
    ...     "budget_helar_kr": [np.nan, np.nan, 0.0], "agarandel": [100.0, 100.0, 50.0],
    ...     "kommentar": ["", "", ""]})
    >>> bolagen(f, "2023-04")[["bolag", "resultat", "avvikelse_helar"]].values.tolist()
    [['A', 1.0, nan], ['B', -2.0, -1.0], ['Summa', -1.0, -1.0]]
    """
    period = Period.parse(period)
    if bolag is None or not len(bolag):
        return None
    known = bolag[bolag["period"].to_numpy(dtype=np.int64) <= period.code]
    if not len(known):
        return None
    key = known["bolag"].map(name_key)
    order = known.assign(nyckel=key).sort_values(["nyckel", "period"], kind="stable")
    latest_any = order.drop_duplicates("nyckel", keep="last")
    this_year = order[order["period"].to_numpy(dtype=np.int64) // 100 == period.year]
    latest = this_year.drop_duplicates("nyckel", keep="last").set_index("nyckel")
    rows = []
    saknas = []
    for r in latest_any.itertuples(index=False):
        if r.nyckel in latest.index:
            x = latest.loc[r.nyckel]
            rows.append(
                {
                    "bolag": str(x["bolag"]),
                    "period": int(x["period"]),
                    "agarandel": float(x["agarandel"]),
                    "resultat": float(x["resultat_kr"]) / 1000,
                    "prognos_helar": float(x["prognos_helar_kr"]) / 1000,
                    "budget_helar": float(x["budget_helar_kr"]) / 1000,
                    "kommentar": str(x["kommentar"]),
                }
            )
        else:
            saknas.append(str(r.bolag))
            last = int(r.period)
            rows.append(
                {
                    "bolag": str(r.bolag),
                    "period": 0,
                    "agarandel": float(r.agarandel),
                    "resultat": math.nan,
                    "prognos_helar": math.nan,
                    "budget_helar": math.nan,
                    "kommentar": (
                        f"Uppgift saknas för {period.year} (senaste uppgift: "
                        f"{last // 100}-{last % 100:02d})."
                    ),
                }
            )
    out = pd.DataFrame(rows)
    out["avvikelse_helar"] = out["prognos_helar"] - out["budget_helar"]
    sums = {
        c: (float(out[c].sum()) if out[c].notna().any() else math.nan)
        for c in ["resultat", "prognos_helar", "budget_helar", "avvikelse_helar"]
    }
    out = pd.concat(
        [
            out,
            pd.DataFrame(
                [{"bolag": SUMMA, "period": 0, "agarandel": math.nan, "kommentar": "", **sums}]
            ),
        ],
        ignore_index=True,
    )
    out = out[KOLUMNER]
    out.attrs["utan_uppgift"] = saknas
    return out


def bolag_text(tabell: pd.DataFrame | None, period: Period) -> str:
    """The sentences under the table: which months the figures are for, the sum, and every
    company's own comment; says so when there are no companies' figures."""
    if tabell is None:
        return (
            f"Uppgift saknas: det finns inga uppgifter om bolagen per {period.short_label} "
            "(mappen bolag/)."
        )
    body = tabell[tabell["bolag"] != SUMMA]
    with_fig = body[body["period"] > 0]
    parts = []
    months = sorted(set(with_fig["period"].astype(int)))
    if months:
        shown = lista([f"{m // 100}-{m % 100:02d}" for m in months])
        parts.append(
            f"Bolagens resultat efter finansiella poster avser perioden till och med {shown}"
            + (" (bolagen har rapporterat olika månader)" if len(months) > 1 else "")
            + "; vinst är positiv och förlust negativ."
        )
        total = float(tabell.loc[tabell["bolag"] == SUMMA, "resultat"].iloc[0])
        parts.append(
            f"Sammanlagt redovisar bolagen {mkr(total, decimaler=None, enhet='miljoner kronor')}."
        )
    missing = tabell.attrs.get("utan_uppgift", [])
    if missing:
        parts.append(f"Uppgift saknas för {lista(list(missing))}; de ingår inte i summan.")
    text = " ".join(parts)
    comments = [
        f"**{r.bolag}.** {r.kommentar}"
        for r in with_fig.itertuples(index=False)
        if str(r.kommentar).strip()
    ]
    return text + ("\n\n" + "\n\n".join(comments) if comments else "")
