"""Building blocks for the report notebooks: each returns a tidy table ready to show.

Notebooks stay thin: a parameters cell, one call per section, a table and a chart.
Column labels are Swedish; money is in mkr or tkr as the label says.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from analysis.core.labels import DRIFT
from analysis.core.period import MONTH_ABBREVIATIONS, Period
from analysis.ekonomi.drift import (
    annual_budget_kr,
    compute_driftsredovisning,
    kontrollera_period,
    periodisation_weights,
)
from analysis.io.dataset import Dataset, load_data
from analysis.personal.nyckeltal import NYCKELTAL_TEXT, compute_nyckeltal

#: The kommun's name when the register has no ``kommun`` (or ``kf``) row and the
#: environment variable ``ANALYSIS_KOMMUN`` is not set.
KOMMUN_STANDARD = "Exempelkommunen"


def open_data(data_dir: str = "../data", period: Period | str | None = None) -> Dataset:
    """Load the kommun's data (from the processed cache when it is up to date).

    With ``period``, the data as known at the end of the period (:meth:`Dataset.as_of`):
    a report for the period sees no row dated after its last day. A period without
    utfall is refused with a clear message (:func:`analysis.ekonomi.drift.kontrollera_period`);
    a period with utfall but without budget or forecast is shown with a warning. A kommun
    without the economy (no ``ekonomi/``) is not checked for utfall.
    """
    data = load_data(data_dir)
    if period is None:
        return data
    period = Period.parse(period)
    # refuses a period without utfall; a kommun without the economy has nothing to check
    warnings = kontrollera_period(data, period) if data.utfall is not None else []
    data = data.as_of(period)
    if warnings:
        _show_warnings(warnings)
    return data


def _show_warnings(warnings: list[str]) -> None:
    """Show the period's warnings at the top of a report (in a notebook), else on stderr."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown("**Observera:**\n\n" + "\n".join(f"- {w}" for w in warnings)))
    else:
        import sys

        for w in warnings:
            print(f"VARNING: {w}", file=sys.stderr)


def kommun_namn(data: Dataset) -> str:
    """The kommun's name: the register's optional ``kommun`` (or ``kf``) row, else the
    environment variable ``ANALYSIS_KOMMUN``, else :data:`KOMMUN_STANDARD`."""
    units = data.register.units
    for uid in ("kommun", "kf"):
        if uid in units:
            return units[uid].namn
    return os.environ.get("ANALYSIS_KOMMUN", KOMMUN_STANDARD)


def drift_table(
    data: Dataset, period: Period | str, units: list[str] | None = None, unit: str = "mkr"
) -> pd.DataFrame:
    """The driftsredovisning with Swedish labels, in mkr (or tkr), ``Totalt`` last."""
    period = Period.parse(period)
    drift = compute_driftsredovisning(data, period)
    names = {u: data.register.namn(u) for u in data.register.ids}
    if units is not None:
        drift = drift[drift["namnd"].isin(units)]
    out = drift.rename(columns=DRIFT)
    out.insert(0, "Nämnd", out.pop("namnd").map(lambda u: names.get(u, u)))
    if unit == "mkr":
        num = out.columns[1:]
        out[num] = out[num] / 1000
    return out.reset_index(drop=True)


def cumulative_utfall(data: Dataset, namnd: str, period: Period | str) -> pd.DataFrame:
    """Month by month: cumulative utfall this year and last year against the cumulative
    periodised budget (tkr, report sign)."""
    period = Period.parse(period)
    u = data.utfall
    rows = []
    budget = annual_budget_kr(data, period.year).get(namnd, 0.0)
    weights = periodisation_weights(data, period.year, [namnd]).loc[namnd].to_numpy()
    this = u[(u["namnd"] == namnd) & (u["period"] // 100 == period.year)]
    last = u[(u["namnd"] == namnd) & (u["period"] // 100 == period.year - 1)]
    this_m = this.groupby(this["period"] % 100)["belopp_kr"].sum()
    last_m = last.groupby(last["period"] % 100)["belopp_kr"].sum()
    for m in range(1, 13):
        rows.append(
            {
                "manad": m,
                "Månad": MONTH_ABBREVIATIONS[m - 1],
                f"Utfall {period.year}": this_m.reindex(range(1, m + 1), fill_value=0).sum() / 1000
                if m <= period.month
                else np.nan,
                f"Utfall {period.year - 1}": last_m.reindex(range(1, m + 1), fill_value=0).sum()
                / 1000
                if len(last_m)
                else np.nan,
                "Periodiserad budget": budget * weights[:m].sum() / 1000,
            }
        )
    return pd.DataFrame(rows)


def personal_table(
    data: Dataset, forvaltning: str | None, period: Period | str, years: int = 5
) -> pd.DataFrame:
    """The nyckeltal (%) for the period's months this year and the ``years − 1`` before,
    like the published table. Suppressed groups are NaN."""
    period = Period.parse(period)
    personal = data.sjukfranvaro
    available = set(np.unique(personal["period"]).tolist())
    cols = {}
    for year in range(period.year - years + 1, period.year + 1):
        months = [m for m in Period(year, period.month).month_codes if m in available]
        if not months:
            continue
        nt = compute_nyckeltal(personal, months, forvaltning).set_index("nyckeltal")
        cols[str(year)] = nt["procent"]
    table = pd.DataFrame(cols)
    table.insert(0, "Nyckeltal", [NYCKELTAL_TEXT[k] for k in table.index])
    return table.reset_index(drop=True)


def key_figures(data: Dataset, namnd: str, period: Period | str) -> pd.DataFrame:
    """The summary box of a nämnd's report (mkr): the period and the full year."""
    period = Period.parse(period)
    d = compute_driftsredovisning(data, period).set_index("namnd").loc[namnd] / 1000
    return pd.DataFrame(
        [
            {
                "": f"Perioden {period.short_label}",
                "Utfall/prognos": d["utfall_period"],
                "Budget": d["budget_period"],
                "Avvikelse": d["avvikelse_period"],
            },
            {
                "": f"Helår {period.year} (prognos)",
                "Utfall/prognos": d["prognos_helar"],
                "Budget": d["budget_helar"],
                "Avvikelse": d["avvikelse_helar"],
            },
            {
                "": "Förändring mot föregående prognos",
                "Utfall/prognos": np.nan,
                "Budget": np.nan,
                "Avvikelse": d["prognos_forandring"],
            },
        ]
    )
