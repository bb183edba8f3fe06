"""The kommun's finansiella nyckeltal: the key figures of the report's summary and what 100
kronor of the nämnder's net cost go to.

Every key figure is taken from the table it is printed in (the resultaträkning, the
driftsredovisning in blocks, the investeringsredovisning); amounts in tkr with the report
sign. The display table (mkr) is :func:`analysis.rapport.kommun.nyckeltal_tabell`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.ekonomi.block import drift_block
from analysis.ekonomi.drift import compute_investeringsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.dataset import Dataset

#: The columns of :func:`nyckeltal`: the outcome (a forecast in the ``*_prognos`` rows),
#: the budget and the deviation, tkr.
BELOPP = ["utfall_prognos", "budget", "avvikelse"]


def nyckeltal(
    data: Dataset,
    period: Period | str,
    rr: pd.DataFrame | None = None,
    block: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The report's key figures (tkr), each taken from the table it is printed in.

    Columns ``id``, ``rad`` (the label) and :data:`BELOPP`. Rows ``resultat`` (*Resultat
    för perioden*, at year end *Årets resultat*), ``resultat_exkl_semesterloneskuld`` when
    the resultaträkning has that line, then at year end ``namnder`` and ``investeringar``
    (the year's outcomes), else ``resultat_prognos``, ``namnder_prognos`` and
    ``investeringar_prognos``. When no unit has forecast the year, the forecast rows have
    no outcome and no deviation (NaN): the budget is not shown as a forecast.
    """
    period = Period.parse(period)
    rr = compute_resultatrakning(data, period) if rr is None else rr
    block = drift_block(data, period) if block is None else block
    r, b = rr.set_index("id"), block.set_index("id")
    inv_rows = compute_investeringsredovisning(data, period)
    inv = inv_rows.set_index("namnd").loc[TOTALT]
    res, nam = r.loc["arets_resultat"], b.loc["summa_namnder"]
    period_cols = ["utfall_period", "budget_period", "avvikelse_period"]
    year_cols = ["prognos_helar", "budget_helar", "avvikelse_helar"]
    rows = [
        (
            "resultat",
            "Årets resultat" if period.month == 12 else "Resultat för perioden",
            *res[period_cols],
        )
    ]
    if "exkl_semesterloneskuld" in r.index:
        rows.append(
            (
                "resultat_exkl_semesterloneskuld",
                "Resultat exklusive semesterlöneskuldens förändring",
                r.loc["exkl_semesterloneskuld", "utfall_period"],
                np.nan,
                np.nan,
            )
        )
    if period.month == 12:  # the year is over: outcomes, no forecasts
        rows += [
            ("namnder", "Nämndernas nettokostnad", *nam[period_cols]),
            ("investeringar", "Nettoinvesteringar", *inv[period_cols]),
        ]
    else:
        rows += [
            ("resultat_prognos", "Årets resultat, prognos", *res[year_cols]),
            ("namnder_prognos", "Nämndernas nettokostnad, prognos", *nam[year_cols]),
            ("investeringar_prognos", "Nettoinvesteringar, prognos", *inv[year_cols]),
        ]
    out = pd.DataFrame(rows, columns=["id", "rad", *BELOPP])
    out[BELOPP] = out[BELOPP].astype(float)
    if period.month < 12 and not rr.attrs.get("har_prognos", True):
        # no unit has forecast the year: the budget is not shown as a forecast
        out.loc[
            out["id"].isin(["resultat_prognos", "namnder_prognos"]), ["utfall_prognos", "avvikelse"]
        ] = np.nan
    if (
        period.month < 12
        and not inv_rows.loc[inv_rows["namnd"] != TOTALT, "prognos_helar"].notna().any()
    ):
        out.loc[out["id"] == "investeringar_prognos", ["utfall_prognos", "avvikelse"]] = np.nan
    return out


def nettokostnad_per_100kr(block: pd.DataFrame) -> pd.DataFrame:
    """What 100 kronor of the nämnder's net cost go to (the period's utfall in the
    :func:`analysis.ekonomi.block.drift_block` frame), largest first; nämnder under 1
    krona are put together as *Övriga*. Columns ``verksamhet`` and ``kronor``.

    >>> b = pd.DataFrame({"typ": "rad", "block": "summa_namnder", "rad": ["A", "B", "C"],
    ...                   "utfall_period": [-300.0, -695.0, -5.0]})
    >>> nettokostnad_per_100kr(b)["kronor"].round(1).tolist()
    [69.5, 30.0, 0.5]
    """
    n = block[(block["typ"] == "rad") & (block["block"] == "summa_namnder")]
    cost = (-n.set_index("rad")["utfall_period"]).clip(lower=0)
    total = cost.sum()
    if total <= 0:
        return pd.DataFrame(columns=["verksamhet", "kronor"])
    kr = (100 * cost / total).sort_values(ascending=False)
    small = kr[kr < 1]
    kr = kr[kr >= 1]
    if len(small):
        kr = pd.concat([kr, pd.Series({"Övriga": small.sum()})])
    return pd.DataFrame({"verksamhet": kr.index, "kronor": kr.to_numpy()})
