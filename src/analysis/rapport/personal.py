"""The sick-leave report's presentation: its tables, its charts and the sections of
``notebooks/personal.ipynb``.

The figures come from the personal room (:mod:`analysis.personal.nyckeltal`,
:mod:`~analysis.personal.serier`, :mod:`~analysis.personal.trender`,
:mod:`~analysis.personal.text`), already suppressed; nothing here computes a figure, it
only labels, shows and draws them. Charts are :class:`matplotlib.figure.Figure` (no
pyplot); suppressed months are gaps and suppressed groups are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.format import tal
from analysis.core.labels import TOTALT
from analysis.core.period import MONTH_ABBREVIATIONS, Period
from analysis.io.dataset import Dataset
from analysis.kontroller.bas import Kontroller, kontrollera_andelar, kontrollera_vagt_medel
from analysis.personal import nyckeltal, serier, text, trender
from analysis.personal.nyckeltal import KON_TEXT, SUPPRESSION_NOTE
from analysis.rapport import jamforelse as jamforelserapport
from analysis.rapport.charts import style_axes
from analysis.rapport.notebook import personal_table
from analysis.rapport.tables import show_table

# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def som_tabell(df: pd.DataFrame) -> pd.DataFrame:
    """Per förvaltning × kön (long, :func:`analysis.personal.nyckeltal.frisknarvaro_per_kon`)
    as a report table: one row per förvaltning, columns ``Förvaltning``, ``Totalt``,
    ``Kvinnor``, ``Män`` (percent, NaN when suppressed)."""
    wide = df.pivot(index="forvaltning", columns="kon", values="procent")
    order = list(dict.fromkeys(df["forvaltning"]))
    wide = wide.reindex(index=order, columns=[TOTALT, *KON_TEXT.values()])
    wide = wide.reset_index().rename(columns={"forvaltning": "Förvaltning"})
    wide.columns.name = None
    return wide


def manadstrend_tabell(trend: pd.DataFrame) -> pd.DataFrame:
    """Tabell 1.1 (:func:`analysis.personal.serier.manadstrend`) as a report table: one
    row per month (``Månad``: jan, feb, …), one column per year (NaN when suppressed)."""
    tabell = trend.pivot(index="manad", columns="ar", values="procent").reset_index()
    tabell.columns = ["Månad", *[str(c) for c in tabell.columns[1:]]]
    tabell["Månad"] = [MONTH_ABBREVIATIONS[m - 1] for m in tabell["Månad"]]
    return tabell


def trend_tabell(trend: dict) -> pd.DataFrame:
    """The trend change (:func:`analysis.personal.trender.trendforandring`) as a one-row
    report table: the estimate, its 95 % interval and the p-value."""
    return pd.DataFrame(
        [
            {
                "": "Förändring, procentenheter",
                "Skattning": trend["forandring"],
                "Lägre gräns (95 %)": trend["ci_lag"],
                "Övre gräns (95 %)": trend["ci_hog"],
                "p-värde": trend["p_varde"],
            }
        ]
    )


def prognos_tabell(prog: pd.DataFrame) -> pd.DataFrame:
    """The forecast (:func:`analysis.personal.trender.prognos`) as a report table:
    ``Månad`` (yyyy-mm), the forecast and the bounds of its 80 % and 95 % intervals."""
    visa = prog.assign(Månad=[f"{a}-{m:02d}" for a, m in zip(prog.ar, prog.manad, strict=True)])
    return visa[["Månad", "prognos", "nedre_80", "ovre_80", "nedre_95", "ovre_95"]].rename(
        columns={
            "prognos": "Prognos",
            "nedre_80": "Lägre (80 %)",
            "ovre_80": "Övre (80 %)",
            "nedre_95": "Lägre (95 %)",
            "ovre_95": "Övre (95 %)",
        }
    )


# --------------------------------------------------------------------------------------
# Charts (matplotlib Figure, no pyplot)
# --------------------------------------------------------------------------------------

_BLUE, _GREY, _ORANGE, _GREEN = "#1f4e79", "#9aa9b8", "#c55a11", "#2e7d32"


def _procent(x: float, _pos: object = None) -> str:
    """Axis tick of a rate: one decimal (``7,1``)."""
    return tal(float(x), 1)


def _style(ax, title: str, ylabel: str = "procent") -> None:
    style_axes(ax, title, ylabel, formatter=_procent, legend_size=8)


def _x(codes: np.ndarray) -> np.ndarray:
    """Months since year 0, for a continuous time axis."""
    return (codes // 100) * 12 + codes % 100 - 1


def _year_ticks(ax, codes: np.ndarray) -> None:
    years = sorted(set((np.asarray(codes) // 100).tolist()))
    ax.set_xticks([y * 12 for y in years], [str(y) for y in years])


def diagram_manadstrend(trend: pd.DataFrame, titel: str) -> Figure:
    """Tabell 1.1 as a chart: one line per year over the months, the latest year bold.
    Suppressed months are gaps."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    years = sorted(trend["ar"].unique())
    for year in years:
        d = trend[trend["ar"] == year].set_index("manad")["procent"].reindex(range(1, 13))
        last = year == years[-1]
        ax.plot(
            range(1, 13),
            d.to_numpy(),
            color=_BLUE if last else _GREY,
            linewidth=2.2 if last else 1.0,
            alpha=1 if last else 0.4 + 0.5 * ((year - years[0]) / max(1, len(years) - 1)),
            marker="o" if last else None,
            markersize=3,
            label=str(year),
        )
    ax.set_xticks(range(1, 13), MONTH_ABBREVIATIONS)
    ax.set_ylim(bottom=0)
    _style(ax, titel)
    fig.tight_layout()
    return fig


def diagram_sasong(dec: pd.DataFrame, titel: str) -> Figure:
    """The observed monthly rate with the STL trend, and the seasonal pattern below."""
    fig = Figure(figsize=(7.5, 5.0))
    ax1, ax2 = fig.subplots(2, 1, height_ratios=[2, 1])
    x = _x(dec["period"].to_numpy())
    ax1.plot(x, dec["observerad"], color=_GREY, linewidth=1, label="Månadsvärde")
    ax1.plot(
        x, dec["sasongsrensad"], color=_BLUE, linewidth=1, linestyle=":", label="Säsongsrensat"
    )
    ax1.plot(x, dec["trend"], color=_ORANGE, linewidth=2, label="Trend (STL)")
    _year_ticks(ax1, dec["period"].to_numpy())
    _style(ax1, titel)
    ax2.bar(x, dec["sasong"], color=_GREY, width=0.8, label="Säsong")
    _year_ticks(ax2, dec["period"].to_numpy())
    _style(ax2, "Säsongsmönster", "procentenheter")
    fig.tight_layout()
    return fig


def diagram_prognos(
    serie: pd.DataFrame, prog: pd.DataFrame, titel: str, manader: int = 36
) -> Figure:
    """The last ``manader`` months and the forecast with 80 % and 95 % intervals."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    hist = serie.tail(manader)
    xh = _x(hist["period"].to_numpy())
    xp = _x(prog["period"].to_numpy())
    ax.plot(xh, hist["procent"], color=_BLUE, marker="o", markersize=2.5, label="Utfall")
    ax.fill_between(
        xp, prog["nedre_95"], prog["ovre_95"], color=_GREEN, alpha=0.15, label="95 % intervall"
    )
    ax.fill_between(
        xp, prog["nedre_80"], prog["ovre_80"], color=_GREEN, alpha=0.3, label="80 % intervall"
    )
    ax.plot(
        np.r_[xh[-1:], xp],
        np.r_[hist["procent"].to_numpy()[-1:], prog["prognos"]],
        "--",
        color=_GREEN,
        label="Prognos",
    )
    _year_ticks(ax, np.r_[hist["period"].to_numpy(), prog["period"].to_numpy()])
    ax.set_ylim(bottom=0)
    _style(ax, titel)
    fig.tight_layout()
    return fig


def diagram_per_kon(df: pd.DataFrame, titel: str) -> Figure:
    """Horizontal bars per förvaltning for kvinnor and män; suppressed groups are left
    out (and say so in the legend note)."""
    wide = som_tabell(df)
    fig = Figure(figsize=(7.5, 0.45 * len(wide) + 1.4))
    ax = fig.subplots()
    y = np.arange(len(wide))
    for off, col, colour in [(-0.2, "Kvinnor", _ORANGE), (0.2, "Män", _BLUE)]:
        vals = wide[col].to_numpy(dtype=float)
        ok = ~np.isnan(vals)
        ax.barh(y[ok] + off, vals[ok], height=0.38, color=colour, label=col)
    ax.set_yticks(y, wide["Förvaltning"])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(_procent))
    ax.set_title(titel, loc="left", fontsize=11)
    ax.set_xlabel("procent")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# The sections of the personal report (notebooks/personal.ipynb)
# --------------------------------------------------------------------------------------


@dataclass
class Personalrapport:
    """What the personal report of one förvaltning (``None``: the kommun) shows, as known
    at the end of ``period``; made by :func:`forbered`.

    ``har_data`` is False for a förvaltning without personnel rows up to the period (its
    report says so, :func:`analysis.personal.text.inga_personaldata_text`); ``analys``,
    ``manadstrend``, ``frisk`` and ``kort`` are then ``None``. ``kort`` is also ``None``
    when the HR data have no korttidsfrånvaro.
    """

    data: Dataset
    period: Period
    forvaltning: str | None
    vem: str
    har_data: bool
    manader: list[int]
    forvaltningar: list[str]
    analys: trender.Analys | None = None
    manadstrend: pd.DataFrame | None = None
    frisk: pd.DataFrame | None = None
    kort: pd.DataFrame | None = None
    jamforelse: jamforelserapport.Jamforelse | None = None


def forbered(data: Dataset, forvaltning: str | None, period: Period | str) -> Personalrapport:
    """Everything the personal report shows for ``forvaltning`` (a name of the data or the
    register, any case; ``None`` or ``""``: the whole kommun) as of ``period``.

    Raises :class:`~analysis.core.errors.ArgumentError` for a förvaltning that is neither
    in the personnel data nor in the register.
    """
    personal = data.sjukfranvaro
    forv = serier.valj_forvaltning(personal, forvaltning, data.register.forvaltningar)
    p = Period.parse(period)
    har_data = serier.har_personaldata(personal, forv, p)
    present = set(personal["period"].unique().tolist())
    manader = [m for m in p.month_codes if m in present]
    forvaltningar = serier.forvaltningar_till(personal, p) if forv is None else [forv]
    r = Personalrapport(
        data=data,
        period=p,
        forvaltning=forv,
        vem="hela kommunen" if forv is None else forv,
        har_data=har_data,
        manader=manader,
        forvaltningar=forvaltningar,
        jamforelse=jamforelserapport.forbered_jamforelse(data, p, "personal"),
    )
    if har_data:
        r.analys = trender.analys(personal, p, forv)
        r.manadstrend = serier.manadstrend(personal, p, forv)
        r.frisk = nyckeltal.frisknarvaro_per_kon(personal, manader, forvaltningar, max_dagar=8)
        r.kort = nyckeltal.korttid_per_kon(personal, manader, forvaltningar)
    return r


def sammanfattning(r: Personalrapport) -> str:
    """The report's opening sentences (:func:`analysis.personal.text.kommentar`), or the
    sentence of a report without personnel data."""
    if not r.har_data:
        return text.inga_personaldata_text(r.vem, r.period)
    assert r.analys is not None
    return text.kommentar(
        r.data.sjukfranvaro,
        r.period,
        r.forvaltning,
        r.forvaltningar if r.forvaltning is None else None,
        r.analys.trend,
        r.analys.jamforelse,
    )


def visa_nyckeltal(r: Personalrapport) -> None:
    """The nyckeltal this year and the four years before (nothing without data)."""
    if r.har_data:
        show_table(
            personal_table(r.data, r.forvaltning, r.period),
            f"Sjukfrånvaro {r.vem}, {r.period.short_label} och tidigare år, procent",
            name="nyckeltal",
            decimals=2,
            note=SUPPRESSION_NOTE,
        )


def visa_manadstrend(r: Personalrapport) -> None:
    """Tabell 1.1: the monthly rate this year against the four years before."""
    if r.har_data and r.manadstrend is not None:
        show_table(
            manadstrend_tabell(r.manadstrend),
            f"Sjukfrånvaro per månad, {r.vem}, procent",
            name="manadstrend",
            decimals=2,
            note=SUPPRESSION_NOTE,
        )


def figur_manadstrend(r: Personalrapport) -> Figure | None:
    """Tabell 1.1 as a chart (:func:`diagram_manadstrend`); ``None`` without data."""
    if not r.har_data or r.manadstrend is None:
        return None
    return diagram_manadstrend(r.manadstrend, f"Sjukfrånvaro per månad, {r.vem}, procent")


def visa_trend(r: Personalrapport) -> None:
    """The trend change with its interval and the sentence on it, or why there is none."""
    if not r.har_data or r.analys is None:
        return
    trend = r.analys.trend
    if trend is None:
        print("Trenden beräknas inte (se Anmärkningar nedan).")
        return
    show_table(
        trend_tabell(trend),
        f"Förändring av sjukfrånvaron de senaste tolv månaderna, rensat för säsong, {r.vem}",
        name="trendforandring",
        decimals={"Skattning": 2, "Lägre gräns (95 %)": 2, "Övre gräns (95 %)": 2, "p-värde": 3},
        note=trend["metod"],
    )
    print(text.trend_text(trend))


def figur_sasong(r: Personalrapport) -> Figure | None:
    """The series with its STL trend and season (:func:`diagram_sasong`), when computed."""
    if not r.har_data or r.analys is None or r.analys.sasong is None:
        return None
    return diagram_sasong(r.analys.sasong, f"Sjukfrånvaro och trend, {r.vem}, procent")


def visa_prognos(r: Personalrapport) -> None:
    """The forecast table, or why there is none."""
    if not r.har_data or r.analys is None:
        return
    if r.analys.prognos is None:
        print("Ingen prognos (se Anmärkningar nedan).")
        return
    show_table(
        prognos_tabell(r.analys.prognos),
        f"Prognos för sjukfrånvaron, {r.vem}, procent",
        name="prognos",
        decimals=1,
    )


def figur_prognos(r: Personalrapport) -> Figure | None:
    """The last 36 months and the forecast (:func:`diagram_prognos`), when computed."""
    if not r.har_data or r.analys is None or r.analys.prognos is None:
        return None
    return diagram_prognos(
        r.analys.serie, r.analys.prognos, f"Sjukfrånvaro och prognos, {r.vem}, procent"
    )


def visa_frisknarvaro(r: Personalrapport) -> None:
    """Frisknärvaro per förvaltning and kön."""
    if r.har_data and r.frisk is not None:
        show_table(
            som_tabell(r.frisk),
            f"Frisknärvaro {r.period.short_label}, procent",
            name="frisknarvaro",
            decimals=1,
            note=SUPPRESSION_NOTE,
        )


def figur_frisknarvaro(r: Personalrapport) -> Figure | None:
    """Frisknärvaro per förvaltning and kön as bars (:func:`diagram_per_kon`)."""
    if not r.har_data or r.frisk is None:
        return None
    return diagram_per_kon(r.frisk, f"Frisknärvaro {r.period.short_label}, procent")


def visa_korttid(r: Personalrapport) -> None:
    """Korttidsfrånvaro per förvaltning and kön, or that the HR data have none."""
    if not r.har_data:
        return
    if r.kort is None:
        print("Korttidsfrånvaro finns inte i personaldata för perioden.")
        return
    show_table(
        som_tabell(r.kort),
        f"Korttidsfrånvaro {r.period.short_label}, procent",
        name="korttid",
        decimals=2,
        note=SUPPRESSION_NOTE,
    )


def figur_korttid(r: Personalrapport) -> Figure | None:
    """Korttidsfrånvaro per förvaltning and kön as bars (:func:`diagram_per_kon`)."""
    if not r.har_data or r.kort is None:
        return None
    return diagram_per_kon(r.kort, f"Korttidsfrånvaro {r.period.short_label}, procent")


def visa_jamforelse(r: Personalrapport) -> None:
    """The kommun's sick leave against the jämförelsegrupp and riket (Kolada; the whole
    kommun also in a förvaltning's report: Kolada has no förvaltningar)."""
    if r.jamforelse is not None:
        jamforelserapport.visa_jamforelse(r.jamforelse)


def visa_anmarkningar(r: Personalrapport) -> None:
    """The models' notes (:func:`analysis.personal.text.anmarkningar_text`) as Markdown."""
    if r.har_data and r.analys is not None:
        display(Markdown(text.anmarkningar_text(r.analys.anmarkningar)))


def kontrollera(k: Kontroller, r: Personalrapport) -> None:
    """The report's checks on the unrounded values: every rate of the nyckeltal and of
    Tabell 1.1 lies within 0–100 %, and (for the kommun) the kommun's rate lies between
    the förvaltningar' unsuppressed rates (:func:`analysis.personal.serier.kontrollvarden`,
    never shown)."""
    if r.jamforelse is not None:
        jamforelserapport.kontrollera_jamforelse(k, r.jamforelse)
    if not r.har_data or r.manadstrend is None:
        return
    nt = personal_table(r.data, r.forvaltning, r.period)
    kontrollera_andelar(
        k,
        "Sjukfrånvaro: andelar",
        {
            f"{row[0]} {c}": v
            for row in nt.itertuples(index=False)
            for c, v in zip(nt.columns[1:], row[1:], strict=True)
        },
    )
    kontrollera_andelar(
        k,
        "Sjukfrånvaro per månad: andelar",
        {f"{int(x.ar)}-{int(x.manad):02d}": x.procent for x in r.manadstrend.itertuples()},
    )
    if r.forvaltning is None:
        personal = r.data.sjukfranvaro
        hela = serier.hittills_i_ar(personal, r.period)
        delar = serier.kontrollvarden(personal, r.period, r.forvaltningar)
        kontrollera_vagt_medel(
            k,
            "Sjukfrånvaro: hela kommunen",
            hela["procent"],
            delar["procent"],
            "Sjukfrånvaron för hela kommunen",
        )
