"""The tables and charts of the befolkning report.

Display tables (Swedish headings) and figures built from the tidy frames of
:mod:`analysis.befolkning.historik` and :mod:`analysis.befolkning.scenarier`; the
sentences are in :mod:`analysis.befolkning.text`. The figures are made without pyplot;
tick labels go through :func:`analysis.core.format.tal`. :func:`visa_eftertest` and
:func:`figur_eftertest` are the notebook's section on the back-test over every jump-off
year (:mod:`analysis.befolkning.eftertest`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.befolkning import text as befolkningstext
from analysis.befolkning.eftertest import METODER, Eftertest
from analysis.befolkning.historik import AGES, BefolkningData
from analysis.befolkning.scenarier import DEMAND_LABELS, SCENARIOS
from analysis.core.format import tal
from analysis.core.labels import TOTALT
from analysis.kontroller.bas import Kontroller
from analysis.rapport.charts import style_axes
from analysis.rapport.tables import show_table

__all__ = [
    "backtest_chart",
    "backtest_table",
    "demand_table",
    "eftertest_chart",
    "eftertest_table",
    "fan_table",
    "figur_eftertest",
    "kontrollera_eftertest",
    "period_table",
    "pyramid_chart",
    "scenario_chart",
    "scenario_table",
    "sheet_table",
    "visa_eftertest",
]


def _tick(x: float, _pos: object = None) -> str:
    """A tick label in whole units."""
    return tal(x)


# --------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------
def period_table(komp: pd.DataFrame) -> pd.DataFrame:
    """The period table of :func:`analysis.befolkning.historik.period_components` for the
    report: ``Komponent`` (the Swedish label) and ``Antal``.

    Domestic moves are shown as the data give them: split by län (then the sum
    ``flyttnetto_inrikes`` is not repeated) or, when the split is not known (NaN, data
    with ``omrade`` = ``inrikes``), as the one row 'Flyttnetto inrikes' — never an empty
    or invented split."""
    ids = komp["komponent"] if "komponent" in komp.columns else pd.Series("", index=komp.index)
    value = dict(zip(ids, pd.to_numeric(komp["antal"], errors="coerce"), strict=True))
    split = ("flyttnetto_inom_lanet", "flyttnetto_annat_lan")
    split_known = all(k in value and pd.notna(value[k]) for k in split)
    drop = ids.isin(["flyttnetto_inrikes"] if split_known else split)
    out = komp.loc[~drop.to_numpy(), ["text", "antal"]]
    return out.rename(columns={"text": "Komponent", "antal": "Antal"}).reset_index(drop=True)


def sheet_table(sheet: pd.DataFrame) -> pd.DataFrame:
    """The ``befolkning`` sheet (:func:`analysis.befolkning.prognos.befolkning_sheet`) with
    capitalised headings (``Ar``, ``Folkmangd``, …)."""
    return sheet.rename(columns=str.capitalize)


def demand_table(ind: pd.DataFrame) -> pd.DataFrame:
    """The demand indicators (:func:`analysis.befolkning.scenarier.demand_indicators`) with
    Swedish headings (``År``, ``Typ``, the labels of :data:`DEMAND_LABELS`) and ``Typ``
    'Utfall'/'Prognos'."""
    out = ind.rename(columns={"ar": "År", "typ": "Typ", **DEMAND_LABELS})
    out["Typ"] = out["Typ"].map({"utfall": "Utfall", "prognos": "Prognos"})
    return out


def backtest_table(bt: pd.DataFrame) -> pd.DataFrame:
    """The last year of the back-test (:func:`analysis.befolkning.scenarier.backtest`):
    ``Åldersgrupp`` ('0-5 år', …, 'Totalt'), ``Prognos``, ``Utfall``, ``Fel (personer)``,
    ``Fel (%)``."""
    last = bt[bt["ar"] == bt["ar"].max()]
    out = last[["grupp", "prognos", "utfall", "fel", "fel_procent"]].rename(
        columns={
            "grupp": "Åldersgrupp",
            "prognos": "Prognos",
            "utfall": "Utfall",
            "fel": "Fel (personer)",
            "fel_procent": "Fel (%)",
        }
    )
    out["Åldersgrupp"] = [g if g == TOTALT else f"{g} år" for g in out["Åldersgrupp"]]
    return out


def scenario_table(scen: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """The folkmängd per scenario (columns, Swedish labels) for ``years`` (rows, ``År``)."""
    present = set(scen["text"])
    return (
        scen[scen["ar"].isin(list(years))]
        .pivot(index="ar", columns="text", values="folkmangd")
        .reindex(columns=[t for t in SCENARIOS.values() if t in present])
        .reset_index()
        .rename(columns={"ar": "År"})
    )


def fan_table(fan: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """The uncertainty bands of :func:`analysis.befolkning.scenarier.uncertainty_fan` for
    ``years``, Swedish headings."""
    cols = {
        "ar": "År",
        "folkmangd": "Huvudalternativ",
        "nedre_95": "Nedre 95 %",
        "nedre_80": "Nedre 80 %",
        "ovre_80": "Övre 80 %",
        "ovre_95": "Övre 95 %",
    }
    out = fan[fan["ar"].isin(list(years))][list(cols)]
    return out.rename(columns=cols).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------
_BLUE, _LIGHT, _ORANGE, _GREEN, _GREY = "#1f4e79", "#8fa9c4", "#c55a11", "#2e7d32", "#7f7f7f"
_SCENARIO_STYLE = {
    "bas": (_GREEN, "--"),
    "lag": (_GREY, ":"),
    "hog": (_GREY, "-."),
    "mal": (_ORANGE, "--"),
}


def _finish(ax, title: str, ylabel: str) -> None:
    style_axes(ax, title, ylabel, formatter=_tick, legend_size=8)


def pyramid_chart(
    now: pd.DataFrame,
    later: pd.DataFrame | None,
    title: str,
    labels: Sequence[str] = ("Nu", "Prognos"),
) -> Figure:
    """A population pyramid (men left, women right) by single year of age.

    Parameters
    ----------
    now : pandas.DataFrame
        ``kon``, ``alder``, ``antal`` (bars).
    later : pandas.DataFrame, optional
        The same for a later year (drawn as an outline).
    title : str
    labels : pair of str
        Legend texts of ``now`` and ``later``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.5, 5.0))
    ax = fig.subplots()

    def arr(df: pd.DataFrame, kon: str) -> np.ndarray:
        s = df[df["kon"] == kon].groupby("alder")["antal"].sum()
        return s.reindex(AGES, fill_value=0.0).to_numpy(dtype=float)

    ax.barh(AGES, -arr(now, "M"), height=1.0, color=_LIGHT, label=f"Män {labels[0]}")
    ax.barh(AGES, arr(now, "K"), height=1.0, color=_BLUE, alpha=0.7, label=f"Kvinnor {labels[0]}")
    if later is not None:
        ax.step(-arr(later, "M"), AGES, where="mid", color=_ORANGE, linewidth=1.0, label=labels[1])
        ax.step(arr(later, "K"), AGES, where="mid", color=_ORANGE, linewidth=1.0)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel("ålder")
    ax.set_xlabel("invånare (män till vänster, kvinnor till höger)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p=None: tal(abs(x))))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def scenario_chart(
    history: pd.DataFrame,
    scen: pd.DataFrame,
    title: str,
    fan: pd.DataFrame | None = None,
    goal: tuple[int, float] | None = None,
) -> Figure:
    """The folkmängd: history, the scenarios, an optional fan and goal.

    Parameters
    ----------
    history : pandas.DataFrame
        ``ar``, ``folkmangd`` (e.g. :func:`analysis.befolkning.historik.yearly_components`).
    scen : pandas.DataFrame
        :func:`analysis.befolkning.scenarier.scenarios`.
    title : str
    fan : pandas.DataFrame, optional
        :func:`analysis.befolkning.scenarier.uncertainty_fan`.
    goal : (year, folkmängd), optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    ax.plot(
        history["ar"], history["folkmangd"], color=_BLUE, marker="o", markersize=3, label="Utfall"
    )
    last = history.iloc[-1]
    if fan is not None:
        x = np.r_[last["ar"], fan["ar"]]
        for lo, hi, alpha, text in (
            ("nedre_95", "ovre_95", 0.15, "95 % intervall, slumpmässig variation"),
            ("nedre_80", "ovre_80", 0.3, "80 % intervall, slumpmässig variation"),
        ):
            ax.fill_between(
                x,
                np.r_[last["folkmangd"], fan[lo]],
                np.r_[last["folkmangd"], fan[hi]],
                color=_GREEN,
                alpha=alpha,
                linewidth=0,
                label=text,
            )
    for sid, part in scen.groupby("scenario", sort=False):
        colour, style = _SCENARIO_STYLE.get(sid, (_GREY, "--"))
        ax.plot(
            np.r_[last["ar"], part["ar"]],
            np.r_[last["folkmangd"], part["folkmangd"]],
            style,
            color=colour,
            label=SCENARIOS.get(sid, sid),
        )
    if goal is not None:
        ax.axhline(goal[1], color=_ORANGE, linestyle=":", linewidth=1.0)
        ax.plot(
            [goal[0]],
            [goal[1]],
            marker="*",
            color=_ORANGE,
            markersize=10,
            linestyle="none",
            label=f"Mål {goal[0]}: {tal(goal[1])}",
        )
    _finish(ax, title, "invånare")
    fig.tight_layout()
    return fig


def backtest_chart(bt: pd.DataFrame, title: str) -> Figure:
    """The back-test's error in per cent by age group and year (bars)."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    wide = bt.pivot(index="grupp", columns="ar", values="fel_procent")
    wide = wide.reindex(pd.unique(bt["grupp"]))
    n = len(wide.columns)
    x = np.arange(len(wide))
    w = 0.8 / max(n, 1)
    for i, year in enumerate(wide.columns):
        ax.bar(
            x + (i - (n - 1) / 2) * w,
            wide[year],
            width=w,
            label=str(year),
            color=_BLUE,
            alpha=0.3 + 0.7 * (i + 1) / n,
        )
    ax.set_xticks(x, [g if g == TOTALT else f"{g} år" for g in wide.index])
    ax.axhline(0, color="black", linewidth=0.6)
    _finish(ax, title, "fel, % av utfallet")
    ax.yaxis.set_major_formatter(FuncFormatter(_tick))
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# the back-test over every jump-off year
# --------------------------------------------------------------------------------------
def eftertest_table(et: Eftertest) -> pd.DataFrame:
    """The back-test (:func:`analysis.befolkning.eftertest.eftertest`) for the report.

    One row per jump-off year: ``Startår`` (text), ``År`` (the year compared, startår +
    horisont), ``Utfall``, ``Prognosmetoden``, ``Naiv framskrivning`` (persons),
    ``Fel, metoden (%)``, ``Fel, naiv (%)`` and, when those groups were tested,
    ``Fel 0–5 år (%)`` and ``Fel 80+ år (%)`` (the method's). The mean errors are in
    :func:`analysis.befolkning.text.eftertest_text`.
    """
    tot = et.vid_horisont(TOTALT)
    out = pd.DataFrame(
        {
            "Startår": tot["basar"].astype(int).astype(str),
            "År": tot["ar"].astype(int),
            "Utfall": tot["utfall"].astype(float),
            METODER["metod"]: tot["metod"].astype(float),
            METODER["naiv"]: tot["naiv"].astype(float),
            "Fel, metoden (%)": tot["fel_metod"].astype(float),
            "Fel, naiv (%)": tot["fel_naiv"].astype(float),
        }
    )
    for gid, col in (("0-5", "Fel 0–5 år (%)"), ("80+", "Fel 80+ år (%)")):
        if (et.fel["grupp"] == gid).any():
            out[col] = et.vid_horisont(gid)["fel_metod"].astype(float).to_numpy()
    return out


def eftertest_chart(et: Eftertest, title: str) -> Figure:
    """The error of the total ``horisont`` years on per jump-off year: the method and the
    naive forecast side by side (bars, per cent of the outcome)."""
    tot = et.vid_horisont(TOTALT)
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    x = np.arange(len(tot))
    for offset, col, colour, label in (
        (-0.2, "fel_metod", _BLUE, METODER["metod"]),
        (0.2, "fel_naiv", _GREY, METODER["naiv"]),
    ):
        ax.bar(x + offset, tot[col], width=0.4, color=colour, label=label)
    ax.set_xticks(x, [str(int(b)) for b in tot["basar"]])
    ax.set_xlabel(f"startår (folkmängden jämförd {et.horisont} år senare)")
    ax.axhline(0, color="black", linewidth=0.6)
    _finish(ax, title, "fel, % av utfallet")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p=None: tal(v, 1)))
    fig.tight_layout()
    return fig


def visa_eftertest(et: Eftertest) -> None:
    """The notebook's back-test section: the table, the comparison with the naive
    forecast and how the uncertainty bands fared (:mod:`analysis.befolkning.text`); when
    nothing could be tested, the reason (:attr:`Eftertest.saknas`) instead."""
    if not et.basar:
        display(Markdown(et.saknas or "Efterhandsprövning saknas."))
        return
    table = eftertest_table(et)
    err_cols = [c for c in table.columns if c.startswith("Fel")]
    show_table(
        table,
        befolkningstext.eftertest_title(et),
        name="eftertest",
        decimals=dict.fromkeys(err_cols, 1),
        deviation=err_cols,
        note=(
            "Prognosmetoden: kohortkomponentmetoden med enbart de uppgifter som fanns vid "
            "startårets utgång. Naiv framskrivning: folkmängden i varje grupp växer med "
            "samma årliga takt som i genomsnitt de fem senaste åren"
            + ("" if set(et.naiv_ar.values()) == {5} else " (färre där historiken är kortare)")
            + ". Positivt fel betyder att prognosen var för hög."
        ),
    )
    display(Markdown(befolkningstext.eftertest_text(et)))
    tackning = befolkningstext.tackning_text(et)
    if tackning:
        display(Markdown(tackning))


def figur_eftertest(et: Eftertest) -> Figure | None:
    """:func:`eftertest_chart` with the report's title (None when nothing was tested)."""
    if not et.basar:
        return None
    return eftertest_chart(
        et, f"Felet i folkmängden {et.horisont} år efter startåret, metoden och naiv framskrivning"
    )


#: The group of the back-test's checks.
KONTROLLGRUPP = "Efterhandsprövning"


def kontrollera_eftertest(k: Kontroller, et: Eftertest, data: BefolkningData) -> None:
    """Check the back-test against the population table by independent paths.

    For each jump-off year B tested, at B + ``horisont``: the outcome equals the
    folkmängd on 31 December summed straight from ``data`` (:meth:`BefolkningData.stock_total`);
    the naive forecast equals P(B)·(P(B)/P(B − k))^(h/k) from those sums; the method's age
    groups sum to its total. And the summary's mean absolute error of the total equals the
    mean of |prognos/utfall − 1| recomputed from the rows. Tolerances: 0,5 persons and
    10⁻⁹ percentage points.
    """
    if not et.basar:
        return
    h = et.horisont
    at = et.fel[et.fel["steg"] == h]
    for b in et.basar:
        rows = at[at["basar"] == b]
        tot = rows[rows["grupp"] == TOTALT].set_index("metod")
        utfall = data.stock_total(b + h)
        k.lika(
            KONTROLLGRUPP,
            f"Utfall {b + h} = folkmängden i befolkningstabellen",
            float(tot.loc["metod", "utfall"]),
            float("nan") if utfall is None else utfall,
            tolerans=0.5,
        )
        kk = et.naiv_ar.get(int(b))
        p_b, p_k = data.stock_total(b), None if kk is None else data.stock_total(b - kk)
        naiv = (
            float("nan")
            if p_b is None or p_k is None or not p_k or kk is None
            else p_b * (p_b / p_k) ** (h / kk)
        )
        k.lika(
            KONTROLLGRUPP,
            f"Naiv framskrivning från {b} = folkmängdens tillväxt {b - (kk or 0)}–{b}",
            float(tot.loc["naiv", "prognos"]),
            naiv,
            tolerans=0.5,
        )
        parts = rows[(rows["metod"] == "metod") & (rows["grupp"] != TOTALT)]
        k.summa(
            KONTROLLGRUPP,
            f"Åldersgrupperna summerar till totalen, prognos från {b}",
            parts["prognos"].tolist(),
            float(tot.loc["metod", "prognos"]),
            tolerans=0.5,
        )
    mine = at[(at["grupp"] == TOTALT) & (at["metod"] == "metod")]
    recomputed = float((100 * (mine["prognos"] / mine["utfall"] - 1)).abs().mean())
    k.lika(
        KONTROLLGRUPP,
        "Medelfelet (absolut) = felen räknade om från prognos och utfall",
        et.medel_abs("metod"),
        recomputed,
        tolerans=1e-9,
    )
