"""The sentences of the befolkning report, so that the notebook stays thin.

Built on the tidy frames of :mod:`analysis.befolkning.historik` and
:mod:`analysis.befolkning.scenarier`: :func:`period_title`, :func:`sheet_note`,
:func:`scenario_note`, :func:`scenario_text`, :func:`fan_text`, :func:`demand_text`,
:func:`backtest_title`, :func:`backtest_text`, :func:`eftertest_title`,
:func:`eftertest_text`, :func:`tackning_text` and :func:`flyttnetto_delar`. Every number
goes through :mod:`analysis.core.format` (no-break space between thousands, U+2212 for
minus).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from analysis.befolkning.antaganden import Assumptions
from analysis.befolkning.eftertest import Eftertest
from analysis.befolkning.scenarier import DEMAND_LABELS, SCENARIOS
from analysis.core.errors import ArgumentError
from analysis.core.format import tal

__all__ = [
    "backtest_text",
    "backtest_title",
    "demand_text",
    "eftertest_text",
    "eftertest_title",
    "fan_text",
    "flyttnetto_delar",
    "period_title",
    "scenario_note",
    "scenario_text",
    "sheet_note",
    "tackning_text",
]


def flyttnetto_delar(komp: Mapping[str, object]) -> list[tuple[str, float]]:
    """The parts of the period's flyttnetto to name in the text, with their labels.

    Domestic moves are named split by län ('inom länet', 'från andra län') when the data
    give the split, else as one 'inrikes' figure (SCB's BE0101 tables do not split them);
    a split is never invented. Moves abroad follow ('från utlandet'). A part that is
    missing or not a number is left out.

    Parameters
    ----------
    komp : mapping
        Component id → value, e.g. ``period_components(...).set_index("komponent")
        ["antal"]`` of :mod:`analysis.befolkning.historik`.

    Returns
    -------
    list of (str, float)

    Examples
    --------
    >>> flyttnetto_delar({"flyttnetto_inom_lanet": float("nan"),
    ...     "flyttnetto_annat_lan": float("nan"), "flyttnetto_inrikes": -12.0,
    ...     "flyttnetto_utlandet": 30.0})
    [('inrikes', -12.0), ('från utlandet', 30.0)]
    """

    def value(key: str) -> float | None:
        v = komp.get(key)
        if v is None:
            return None
        try:
            f = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return f if math.isfinite(f) else None

    inom, annat = value("flyttnetto_inom_lanet"), value("flyttnetto_annat_lan")
    out: list[tuple[str, float]] = []
    if inom is not None and annat is not None:
        out += [("inom länet", inom), ("från andra län", annat)]
    elif (inrikes := value("flyttnetto_inrikes")) is not None:
        out.append(("inrikes", inrikes))
    if (utlandet := value("flyttnetto_utlandet")) is not None:
        out.append(("från utlandet", utlandet))
    return out


def sheet_note(base_year: int, assumptions: Assumptions) -> str:
    """The note under the table of folkmängd and components per year: where the forecast
    starts, how its deaths and ``justering`` are computed, and the notes of the
    assumptions (:attr:`Assumptions.anmarkningar`)."""
    return " ".join(
        [
            f"Prognosen utgår från folkmängden 31 december {int(base_year)}. För prognosåren är "
            "döda beräknade med dödlighetsantagandet och justeringen är det som komponenterna "
            "inte förklarar (ska vara 0).",
            *assumptions.anmarkningar,
        ]
    )


def scenario_note(assumptions: Assumptions) -> str:
    """The note under the scenario table: the years of the base assumptions and what the
    low and high scenarios change."""
    years = f"{assumptions.years[0]}–{assumptions.years[-1]}"
    flyttar = assumptions.flyttar or assumptions.years
    mig = f"{flyttar[0]}–{flyttar[-1]}" if len(flyttar) > 1 else str(flyttar[0])
    text = f"Huvudalternativet bygger på genomsnitten {years}"
    if mig != years or assumptions.forbattring is not None:
        text = (
            f"Huvudalternativet bygger på fruktsamheten och dödligheten {years}"
            + (
                ", med dödstal som fortsätter att minska varje år"
                if assumptions.forbattring is not None
                else ""
            )
            + f", och på flyttningarna {mig}, där de senaste åren väger tyngst"
        )
    return (
        text + ". Låg och hög inflyttning: antalet inflyttade 10 % lägre respektive högre än "
        "i huvudalternativet, med samma antaganden om utflyttningen."
    )


def backtest_title(bt: pd.DataFrame) -> str:
    """The title of the back-test table: the jump-off year and the last year compared
    (:func:`analysis.befolkning.scenarier.backtest`)."""
    return (
        f"Prognos gjord med data till och med {bt.attrs['base_year']} jämförd med utfallet "
        f"{int(bt['ar'].max())}"
    )


def _value(scen: pd.DataFrame, sid: str, year: int, column: str = "folkmangd") -> float:
    rows = scen[(scen["scenario"] == sid) & (scen["ar"] == year)]
    if rows.empty:
        raise ArgumentError("scen", f"scenariot {SCENARIOS.get(sid, sid)!r} saknar år {year}.")
    return float(rows[column].iloc[0])


def period_title(komp: pd.DataFrame, label: str) -> str:
    """The title of the period table: ``label`` (e.g. 'januari–april 2023') when the table
    covers the period, else the year shown (``attrs['grund'] == 'ar'`` of
    :func:`analysis.befolkning.historik.period_components`)."""
    if komp.attrs.get("grund") == "ar":
        return f"Befolkningsförändring helåret {komp.attrs['ar']}"
    return f"Befolkningsförändring {label}"


def scenario_text(scen: pd.DataFrame, end_year: int, goal: tuple[int, float] | None = None) -> str:
    """The scenario paragraph: the base forecast from the jump-off year to ``end_year``,
    the low and high scenarios and, with a goal, what reaching it takes.

    Parameters
    ----------
    scen : pandas.DataFrame
        :func:`analysis.befolkning.scenarier.scenarios` (its ``attrs['base_year']`` and
        ``attrs['folkmangd_start']`` are used).
    end_year : int
    goal : (year, folkmängd), optional
        The goal; ``scen`` must then hold the goal scenario ``mal``.

    Returns
    -------
    str
    """
    base_year = int(scen.attrs["base_year"])
    start = float(scen.attrs["folkmangd_start"])
    bas, lag, hog = (_value(scen, sid, end_year) for sid in ("bas", "lag", "hog"))
    riktning = "öka" if bas > start else "minska" if bas < start else "vara oförändrad"
    text = (
        f"Enligt huvudalternativet väntas folkmängden {riktning} från {tal(start)} "
        f"invånare vid utgången av {base_year} till {tal(bas)} år {end_year} "
        f"({tal(bas - start, tecken=True)} personer). Med 10 % lägre inflyttning blir "
        f"folkmängden {tal(lag)} och med 10 % högre {tal(hog)} år {end_year}."
    )
    if goal is None:
        return text
    mal_ar, mal_folkmangd = int(goal[0]), float(goal[1])
    mal = scen[scen["scenario"] == "mal"]
    if mal.empty:
        raise ArgumentError(
            "scen", ("målscenariot saknas; beräkna scenarierna med målets folkmängd och år.")
        )
    extra = float(mal["extra_flyttnetto"].iloc[0])
    bas_mal = _value(scen, "bas", mal_ar)
    netto_mal = float(mal.loc[mal["ar"] <= mal_ar, "flyttnetto"].mean())
    bas_rows = scen[(scen["scenario"] == "bas") & (scen["ar"] <= mal_ar)]
    netto_bas = float(bas_rows["flyttnetto"].mean())
    if extra > 0:
        # the clause on out-migrants only when the model's out-migrants did rise
        fler_ut = netto_mal - netto_bas < extra - 0.5
        text += (
            f" Målet {tal(mal_folkmangd)} invånare år {mal_ar} nås inte i "
            f"huvudalternativet ({tal(bas_mal)}). Det kräver att {tal(extra)} fler "
            "personer än i huvudalternativet flyttar in varje år. "
            + (
                "Eftersom en större befolkning också ger fler utflyttade blir flyttnettot då "
                if fler_ut
                else "Flyttnettot blir då "
            )
            + f"i genomsnitt {tal(netto_mal)} personer per år till och med {mal_ar}, mot "
            f"{tal(netto_bas)} i huvudalternativet."
        )
    else:
        text += (
            f" Målet {tal(mal_folkmangd)} invånare år {mal_ar} nås redan i "
            f"huvudalternativet ({tal(bas_mal)}); marginalen motsvarar "
            f"{tal(-extra)} färre inflyttade per år."
        )
    return text


def fan_text(fan: pd.DataFrame, year: int, eftertest: Eftertest | None = None) -> str:
    """What the uncertainty fan says about ``year`` — and what it leaves out.

    The bands of :func:`analysis.befolkning.scenarier.uncertainty_fan` hold only the
    random year-to-year variation of net migration and births seen in the history, around
    the base forecast. The sentence says so, and that the uncertainty of the assumptions is
    not included, so the bands are not probabilities for the future folkmängd.

    Parameters
    ----------
    fan : pandas.DataFrame
        :func:`analysis.befolkning.scenarier.uncertainty_fan`.
    year : int
        A year of ``fan``.
    eftertest : Eftertest, optional
        The back-test over the jump-off years (:func:`analysis.befolkning.eftertest.eftertest`);
        when given, :func:`tackning_text` (how often the outcome fell within the bands made
        in hindsight) is added.

    Returns
    -------
    str
    """
    rows = fan[fan["ar"] == int(year)]
    if rows.empty:
        raise ArgumentError("year", f"osäkerhetsintervallen saknar år {year}.")
    r = rows.iloc[0]
    n = fan.attrs.get("ar_historik")
    years = f"de senaste {n} åren" if n else "de senaste åren"
    return (
        f"Intervallen visar bara den slumpmässiga variation i flyttnetto och födda som "
        f"kommunen haft {years}: med den variationen, och med antagandena i övrigt "
        f"oförändrade, hamnar folkmängden år {int(year)} mellan {tal(r['nedre_80'])} "
        f"och {tal(r['ovre_80'])} invånare (80 %-intervall) och mellan "
        f"{tal(r['nedre_95'])} och {tal(r['ovre_95'])} (95 %-intervall). Osäkerheten "
        "i själva antagandena – att inflyttningen, fruktsamheten eller dödligheten "
        "varaktigt blir en annan – ingår inte, så den verkliga osäkerheten är större och "
        "intervallen är inga sannolikheter för den framtida folkmängden; scenarierna "
        "visar hur mycket antagandena betyder."
    ) + (f" {tackning}" if eftertest is not None and (tackning := tackning_text(eftertest)) else "")


def demand_text(ind: pd.DataFrame, base_year: int, year: int) -> str:
    """The change of each demand indicator from ``base_year`` to ``year`` (base forecast).

    Parameters
    ----------
    ind : pandas.DataFrame
        :func:`analysis.befolkning.scenarier.demand_indicators` with both years.
    base_year, year : int

    Returns
    -------
    str
    """

    def row(y: int) -> pd.Series:
        rows = ind[ind["ar"] == int(y)]
        if rows.empty:
            raise ArgumentError("year", f"behovsindikatorerna saknar år {y}.")
        return rows.iloc[0]

    nu, sen = row(base_year), row(year)
    delar = []
    for gid, label in DEMAND_LABELS.items():
        if gid not in ind.columns:
            continue
        diff = float(sen[gid] - nu[gid])
        pct = 100 * diff / float(nu[gid]) if nu[gid] else float("nan")
        delar.append(
            f"{label}: {tal(diff, tecken=True)} ({tal(pct, 1, tecken=True, procent=True)})"
        )
    return (
        f"Förändring {int(base_year)}–{int(year)} enligt huvudalternativet: "
        + "; ".join(delar)
        + "."
    )


def _group_label(gid: str) -> str:
    return gid.replace("-", "–") + " år"


def backtest_text(bt: pd.DataFrame) -> str:
    """The back-test paragraph: the range of the total error over the years and the
    largest error of an age group.

    Parameters
    ----------
    bt : pandas.DataFrame
        :func:`analysis.befolkning.scenarier.backtest`.

    Returns
    -------
    str
    """
    tot = bt[bt["grupp"] == "Totalt"]
    parts = bt[bt["grupp"] != "Totalt"].dropna(subset=["fel_procent"])
    if tot.empty or parts.empty:
        raise ArgumentError("bt", "efterhandsprognosen saknar totalen eller åldersgrupperna.")
    storst = parts.loc[parts["fel_procent"].abs().idxmax()]
    abs_fel = tot["fel_procent"].abs()
    first, last = int(tot["ar"].min()), int(tot["ar"].max())
    years = f"år {first}" if first == last else f"under åren {first}–{last}"
    range_text = (
        f"ett fel på {tal(abs_fel.iloc[0], 1, procent=True)}"
        if first == last
        else f"ett fel på mellan {tal(abs_fel.min(), 1, procent=True)} och "
        f"{tal(abs_fel.max(), 1, procent=True)}"
    )
    return (
        f"En prognos gjord med samma metod och enbart de uppgifter som fanns vid "
        f"utgången av {bt.attrs['base_year']} träffade den totala folkmängden med "
        f"{range_text} {years}. Störst var felet för åldersgruppen "
        f"{_group_label(str(storst['grupp']))} "
        f"({tal(storst['fel_procent'], 1, tecken=True, procent=True)} år "
        f"{int(storst['ar'])}). Positivt fel betyder att prognosen var för hög."
    )


# --------------------------------------------------------------------------------------
# the back-test over every jump-off year
# --------------------------------------------------------------------------------------
def _years_text(years: list[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return f"{years[0]}–{years[-1]}"


def _ar_text(n: int) -> str:
    return f"{n} år" if n != 1 else "ett år"


def eftertest_title(et: Eftertest) -> str:
    """The title of the back-test table (:func:`analysis.befolkning.eftertest.eftertest`)."""
    return (
        f"Prognosmetoden och en naiv framskrivning prövade i efterhand: fel i folkmängden "
        f"{et.horisont} år efter startåret, startår {_years_text(et.basar)}"
    )


def eftertest_text(et: Eftertest) -> str:
    """How the method compares with the naive forecast over the jump-off years tested.

    Parameters
    ----------
    et : Eftertest
        :func:`analysis.befolkning.eftertest.eftertest`.

    Returns
    -------
    str
        A paragraph with the mean absolute error of the total at ``horisont`` years of the
        method and of the naive forecast, how often the method was the better, the mean
        signed error, and the errors of the ages 0–5 and 80+ when they were tested.
    """
    s = et.sammanfattning
    tot = s[s["grupp"] == "Totalt"].set_index("metod")
    if tot.empty or "metod" not in tot.index or "naiv" not in tot.index:
        raise ArgumentError("et", "efterhandsprövningen saknar totalen.")
    n = int(tot.loc["metod", "antal_ar"])
    h = et.horisont
    metod, naiv = (
        float(tot.loc["metod", "medel_abs_fel_procent"]),
        float(tot.loc["naiv", "medel_abs_fel_procent"]),
    )
    battre = int(round(float(tot.loc["metod", "andel_battre"]) * n))
    signed = float(tot.loc["metod", "medel_fel_procent"])
    jamfort = "bättre än" if metod < naiv else "sämre än" if metod > naiv else "lika bra som"
    riktning = "för låg" if signed < 0 else "för hög"
    ks = set(et.naiv_ar.values())
    naiv_years = (
        "de fem senaste årens tillväxt"
        if ks == {5}
        else "de senaste årens tillväxt (fem år, färre där historiken är kortare)"
    )
    years = f"startåret {et.basar[0]}" if n == 1 else f"de {n} startåren {_years_text(et.basar)}"
    text = (
        f"Prognosmetoden har prövats i efterhand för {years}: varje gång med enbart de "
        f"uppgifter som fanns vid startårets utgång, jämfört med den verkliga folkmängden "
        f"{h} år senare. Metoden har i efterhand träffat folkmängden {h} år framåt med i "
        f"genomsnitt {tal(metod, 1)} procents fel, mot {tal(naiv, 1)} procent för en "
        f"framskrivning av {naiv_years}, och var {jamfort} den naiva "
        f"framskrivningen {battre} av {_ar_text(n)}. I genomsnitt var prognosen {riktning} "
        f"({tal(signed, 1, tecken=True, procent=True)})."
    )
    parts = []
    for gid, label in (("0-5", "barn 0–5 år"), ("80+", "80 år och äldre")):
        row = s[(s["grupp"] == gid) & (s["metod"] == "metod")]
        if not row.empty:
            r = row.iloc[0]
            parts.append(
                f"för {label} i genomsnitt {tal(r['medel_abs_fel_procent'], 1)} procent "
                f"(som mest {tal(r['max_abs_fel_procent'], 1)})"
            )
    if parts:
        text += " Felet var " + " och ".join(parts) + "."
    return text


def tackning_text(et: Eftertest) -> str:
    """How often the outcome fell within the uncertainty bands made at the jump-off year.

    The bands of :func:`analysis.befolkning.scenarier.uncertainty_fan` hold only the
    random variation; this sentence says how they fared in hindsight
    (:attr:`analysis.befolkning.eftertest.Eftertest.tackning`). Empty when no jump-off
    year had the three years of history the bands need.
    """
    t = et.tackning
    if t.empty:
        return ""
    n = len(t)
    i80, i95 = int(t["inom_80"].sum()), int(t["inom_95"].sum())
    return (
        f"I efterhand låg folkmängden {et.horisont} år efter startåret inom 80 %-intervallet "
        f"i {i80} av {_ar_text(n)} och inom 95 %-intervallet i {i95} av {_ar_text(n)} "
        f"({_years_text([int(b) for b in t['basar']])}). Så få prövade år visar bara "
        "ungefär hur väl intervallen fångar osäkerheten."
    )
