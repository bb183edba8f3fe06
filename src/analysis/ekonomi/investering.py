"""The kommun's investeringsredovisning: the table's numbers and the commentary on it.

Amounts in tkr with the report sign (spending negative, avvikelse + = less spent than
budgeted). The display table (mkr, Swedish headings) is
:func:`analysis.rapport.kommun.invest_tabell`.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.format import mkr
from analysis.core.labels import DRIFT, TOTALT
from analysis.core.period import Period
from analysis.ekonomi.block import storsta, upprakning
from analysis.ekonomi.drift import compute_investeringsredovisning, prognos_eller_budget
from analysis.ekonomi.text import namn_i_text
from analysis.io.dataset import Dataset

#: The amount columns of :func:`investeringar`.
NUMERIC = list(DRIFT)


def investeringar(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The investeringsredovisning with the previous forecast and the genomförandegrad (tkr).

    One row per nämnd (``namnd`` = its id) and a ``Totalt`` row. Besides the deviations
    the frame has the previous forecast and the change against it (``prognos_forandring``
    = prognos helår − föregående prognos; in ``Totalt`` a nämnd without a previous
    forecast counts at its latest one — a nämnd without any forecast at its budget
    (:func:`analysis.ekonomi.drift.prognos_eller_budget`) — so it adds no change, and
    without any previous forecast the change is empty), and the genomförandegrad:
    ``genomforandegrad_utfall`` and ``genomforandegrad_prognos``, utfall and prognos as a
    share of the annual budget (%; NaN when the budget is 0).
    """
    inv = compute_investeringsredovisning(data, period)
    body = inv["namnd"] != TOTALT
    foreg = inv["prognos_foregaende"].copy()
    prognos = prognos_eller_budget(inv)
    has_prev = foreg[body].notna()
    if has_prev.any():
        foreg[~body] = float(foreg[body].where(has_prev, prognos[body]).sum())
        inv = inv.assign(
            prognos_foregaende=foreg,
            prognos_forandring=inv["prognos_helar"].where(body, prognos) - foreg,
        )
    out = inv[["namnd", *NUMERIC]].copy()
    budget = inv["budget_helar"].where(inv["budget_helar"].abs() > 1e-9)
    out["genomforandegrad_utfall"] = 100 * inv["utfall_period"] / budget
    out["genomforandegrad_prognos"] = 100 * inv["prognos_helar"] / budget
    return out.reset_index(drop=True)


def _miljoner(tkr: float) -> str:
    return mkr(tkr, decimaler=None, enhet="miljoner kronor")


def invest_text(data: Dataset, period: Period | str, kommun: str) -> str:
    """'Under perioden har … investerat för 146 miljoner kronor. …'"""
    period = Period.parse(period)
    inv = compute_investeringsredovisning(data, period)
    tot = inv.set_index("namnd").loc[TOTALT]
    spent = -float(tot["utfall_period"])
    when = f"Under {period.year}" if period.month == 12 else "Under perioden"
    parts = [f"{when} har {kommun} investerat för {_miljoner(spent)}."]
    has_forecast = inv.loc[inv["namnd"] != TOTALT, "prognos_helar"].notna().any()
    if period.month < 12 and not has_forecast:
        parts.append("Någon helårsprognos för investeringarna har ännu inte lämnats.")
        col = "avvikelse_period"
    elif period.month < 12:
        p, d = -float(tot["prognos_helar"]), float(tot["avvikelse_helar"])
        word = "lägre än" if d > 50 else "högre än" if d < -50 else "i nivå med"
        amount = f"{_miljoner(abs(d))} " if word != "i nivå med" else ""
        parts.append(f"Helårsprognosen visar på {_miljoner(p)} vilket är {amount}{word} budget.")
        col = "avvikelse_helar"
    else:
        col = "avvikelse_period"
        d = float(tot["avvikelse_period"])
        if abs(d) >= 50:
            word = "lägre än" if d > 0 else "högre än"
            parts[-1] = parts[-1][:-1] + f", vilket är {_miljoner(abs(d))} {word} budget."
    rows = inv[inv["namnd"] != TOTALT].assign(
        rad=[data.register.namn(u) for u in inv.loc[inv["namnd"] != TOTALT, "namnd"]]
    )
    big = storsta(rows, col, -1) + storsta(rows, col, 1)
    big = sorted(big, key=lambda kv: -abs(kv[1]))[:3]
    if big:
        parts.append(
            "Avvikelserna mot budget finns i huvudsak inom "
            + upprakning(
                [f"{namn_i_text(k)} ({mkr(v, tecken=True, decimaler=None)})" for k, v in big]
            )
            + "."
        )
    return " ".join(parts)
