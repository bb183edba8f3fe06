"""How the goal follow-up looks: the mätetal table of a goal, the status chart and the
appendix of every nämnd's goals (the figures come from :mod:`analysis.mal`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.core.format import MISSING, antal
from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.io.dataset import Dataset
from analysis.mal.matetal import mal_per_namnd, normal_enhet
from analysis.mal.status import KALLA_TEXT, RIKTNING_TEXT, UTVECKLING_TEXT, status_label
from analysis.rapport.charts import tick
from analysis.rapport.tables import show_table

#: Colour and hatch of each status in the chart (never colour alone).
STATUS_STIL = {
    "Grön": ("#4caf50", ""),
    "Gul": ("#ffc107", "//"),
    "Röd": ("#e53935", "xx"),
    "Ej bedömd": ("#bdbdbd", ".."),
}


def matetal_tabell(mt: pd.DataFrame, period: Period | str) -> pd.DataFrame:
    """One goal's (or nämnd's) mätetal as a report table (text as the nämnd wrote it).

    Columns: ``Mätetal``, ``Utfall <previous year>`` (with its unit when that differs
    from this year's), ``Utfall <period>``, ``Mål <year>`` — or ``Målvärde`` and
    ``Målår`` when some målvärde is for another year —, ``Enhet``, ``Bättre``,
    ``Status`` (a word; ``Ej bedömd`` with the målår for a later target), ``Utveckling``
    (only when some målvärde is for a later year) and ``Bedömning`` (``Nämnden`` or
    ``Beräknad``; ``–`` when there is no status).
    """
    period = Period.parse(period)
    malar = mt["malar"].astype(int).to_numpy() if "malar" in mt else np.full(len(mt), period.year)
    foregaende = [
        t if not e or normal_enhet(e) == normal_enhet(now) or t == MISSING else f"{t} ({e})"
        for t, e, now in zip(
            mt["foregaende_text"],
            mt.get("foregaende_enhet", [""] * len(mt)),
            mt["enhet"],
            strict=False,
        )
    ]
    status = [
        status_label(s) + (f" (mål {a})" if not s and a > period.year else "")
        for s, a in zip(mt["status"], malar, strict=False)
    ]
    out = {
        "Mätetal": mt["matetal"].to_numpy(),
        f"Utfall {period.year - 1}": foregaende,
        f"Utfall {period.short_label}": mt["utfall_text"].to_numpy(),
    }
    other_year = bool((malar != period.year).any())
    if other_year:
        out["Målvärde"] = mt["malvarde_text"].to_numpy()
        out["Målår"] = [str(a) for a in malar]  # a year, not an amount
    else:
        out[f"Mål {period.year}"] = mt["malvarde_text"].to_numpy()
    out["Enhet"] = mt["enhet"].to_numpy()
    out["Bättre"] = [RIKTNING_TEXT[r].split()[0] for r in mt["riktning"]]
    out["Status"] = status
    if bool((malar > period.year).any()):
        out["Utveckling"] = [UTVECKLING_TEXT[u] for u in mt.get("utveckling", [""] * len(mt))]
    out["Bedömning"] = [
        KALLA_TEXT[k] if s else MISSING
        for k, s in zip(mt["status_kalla"], mt["status"], strict=False)
    ]
    return pd.DataFrame(out)


def diagram_oversikt(table: pd.DataFrame, titel: str, radhojd: float = 0.42) -> Figure:
    """Horizontal stacked bars of the status counts per nämnd (the table of
    :func:`analysis.mal.matetal.oversikt`): colour, hatch *and* the count written in each
    bar, plus a legend with the words — never colour alone."""
    t = table[table["Nämnd"] != TOTALT].iloc[::-1]
    fig = Figure(figsize=(7.2, radhojd * len(t) + 1.4))
    ax = fig.subplots()
    left = np.zeros(len(t))
    for label, (colour, hatch) in STATUS_STIL.items():
        values = t[label].to_numpy(dtype=float)
        bars = ax.barh(
            t["Nämnd"], values, left=left, color=colour, hatch=hatch, edgecolor="white", label=label
        )
        for bar, v in zip(bars, values, strict=False):
            if v > 0:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    antal(v),
                    ha="center",
                    va="center",
                    fontsize=8,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )
        left += values
    ax.set_title(titel, loc="left", fontsize=11, pad=22)
    ax.set_xlabel("antal mätetal")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(tick))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def visa_bilaga(
    mt: pd.DataFrame, data: Dataset, period: Period | str, rubrikniva: int | None = 3
) -> None:
    """Show every nämnd's goals in a notebook: a heading per nämnd (none when
    ``rubrikniva`` is None), each goal as a mätetal table (status as a coloured label with
    its text) followed by the nämnd's comments."""
    from IPython.display import Markdown, display

    period = Period.parse(period)
    if mt.empty:
        display(Markdown("Det finns inga mål och mätetal för perioden."))
        return
    current = None
    for unit, goal, rows in mal_per_namnd(mt):
        if unit != current and rubrikniva:
            current = unit
            display(Markdown(f"{'#' * rubrikniva} {data.register.namn(unit)}"))
        comments = [f"*{r.matetal}:* {r.kommentar}" for r in rows.itertuples() if r.kommentar]
        show_table(
            matetal_tabell(rows, period), f"Mål: {goal}", name=f"mal-{unit}", status=["Status"]
        )
        if comments:
            display(Markdown("\n\n".join(comments)))
