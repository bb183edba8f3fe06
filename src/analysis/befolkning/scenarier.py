"""Scenarios, goal seeking, uncertainty, back-test and demand indicators for the
kommun's population forecast.

Built on :mod:`analysis.befolkning.prognos` (the base forecast with the cohort-component engine):

* :func:`scenario_forecast` — the base forecast with in-migration scaled and/or a
  constant extra net migration per year;
* :func:`goal_seek_net_migration` — the constant extra net migration per year needed to
  reach a target folkmängd in a target year (root finding with
  :func:`scipy.optimize.brentq`);
* :func:`scenarios` — a tidy frame ``scenario``, ``ar``, ``folkmangd`` and the components
  for the base, low and high migration scenarios and optionally the goal scenario;
* :func:`uncertainty_fan` — 80 % and 95 % bands around the base forecast from the
  historical variability of net migration and births;
* :func:`backtest` — the forecast made *n* years ago with only the data then available,
  compared with the outcome, in total and by broad age group;
* :func:`demand_indicators` — the age groups the ekonomer plan for (1–5, 6–15, 16–18,
  65–79, 80+) per year of history and forecast;
* :func:`pyramid_chart`, :func:`scenario_chart`, :func:`backtest_chart` — figures made
  without pyplot;
* :func:`report_years`, :func:`scenario_table`, :func:`fan_table` and the sentences of
  the befolkning report (:func:`period_title`, :func:`scenario_text`, :func:`fan_text`,
  :func:`demand_text`, :func:`backtest_text`), so that the notebook stays thin.

The uncertainty fan holds only the *random* variation of net migration and births around
the base forecast; the uncertainty of the assumptions themselves is not in it. Its texts
say so and never present the bands as probabilities for the future.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy.optimize import brentq
from scipy.stats import norm

from analysis.rapport.charts import style_axes, swedish_number
from analysis.rapport.tables import format_number as _fmt
from analysis.befolkning.prognos import (
    AGES,
    MAX_AGE,
    SEXES,
    Assumptions,
    BefolkningData,
    Forecast,
    _complete_years,
    estimate_assumptions,
    forecast,
    yearly_components,
)
from analysis.core.errors import InputError, Problem

__all__ = [
    "BACKTEST_GROUPS",
    "DEMAND_GROUPS",
    "SCENARIOS",
    "age_groups",
    "backtest",
    "backtest_chart",
    "backtest_text",
    "demand_indicators",
    "demand_text",
    "fan_table",
    "fan_text",
    "goal_seek_net_migration",
    "history_by_age",
    "period_title",
    "pyramid_chart",
    "report_years",
    "scenario_chart",
    "scenario_forecast",
    "scenario_table",
    "scenario_text",
    "scenarios",
    "truncate",
    "uncertainty_fan",
]

#: Scenario ids and their Swedish labels.
SCENARIOS: dict[str, str] = {
    "bas": "Huvudalternativ",
    "lag": "Låg inflyttning",
    "hog": "Hög inflyttning",
    "mal": "Målscenario",
}

#: Age groups of the back-test: id → (first age, last age), Swedish label.
BACKTEST_GROUPS: dict[str, tuple[int, int]] = {
    "0-5": (0, 5), "6-15": (6, 15), "16-18": (16, 18), "19-64": (19, 64),
    "65-79": (65, 79), "80+": (80, MAX_AGE),
}

#: The demand indicators: age groups for förskola, grundskola, gymnasium and äldreomsorg.
DEMAND_GROUPS: dict[str, tuple[int, int]] = {
    "1-5": (1, 5), "6-15": (6, 15), "16-18": (16, 18), "65-79": (65, 79),
    "80+": (80, MAX_AGE),
}

#: Swedish labels of the demand indicators.
DEMAND_LABELS: dict[str, str] = {
    "1-5": "1–5 år (förskola)",
    "6-15": "6–15 år (förskoleklass och grundskola)",
    "16-18": "16–18 år (gymnasieskola)",
    "65-79": "65–79 år",
    "80+": "80 år och äldre (äldreomsorg)",
}

COMPONENT_COLUMNS = ["folkmangd", "fodda", "doda", "inflyttade", "utflyttade", "flyttnetto"]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _base_year(data: BefolkningData, base_year: int | None) -> int:
    if base_year is not None:
        return int(base_year)
    complete = _complete_years(data)
    if not complete:
        raise InputError(Problem(file="befolkning", message=(
            "det finns inget fullständigt år med befolkningsdata att utgå från.")))
    return complete[-1]


def _check_horizon(horizon: int) -> int:
    if int(horizon) != horizon or horizon < 1:
        raise InputError(Problem(file="horizon", message=(
            f"prognosperioden måste vara ett heltal ≥ 1 år, fick {horizon!r}.")))
    return int(horizon)


def truncate(data: BefolkningData, base_year: int) -> BefolkningData:
    """The data as they were at the end of ``base_year``: every row with ``ar`` after
    ``base_year`` removed (from all four tables).

    Parameters
    ----------
    data : BefolkningData
    base_year : int

    Returns
    -------
    BefolkningData
    """
    return BefolkningData(
        folkmangd=data.folkmangd[data.folkmangd["ar"] <= base_year],
        fodda=data.fodda[data.fodda["ar"] <= base_year],
        doda=data.doda[data.doda["ar"] <= base_year],
        flyttningar=data.flyttningar[data.flyttningar["ar"] <= base_year],
    )


def history_by_age(data: BefolkningData) -> pd.DataFrame:
    """The folkmängd on 31 December by year, sex and age.

    Returns
    -------
    pandas.DataFrame
        ``ar``, ``kon``, ``alder``, ``antal`` (summed over duplicate rows).
    """
    fm = data.folkmangd[data.folkmangd["manad"] == 12]
    out = fm.groupby(["ar", "kon", "alder"], as_index=False)["antal"].sum()
    out["ar"] = out["ar"].astype(np.int64)
    return out


def age_groups(population: pd.DataFrame,
               groups: Mapping[str, tuple[int, int]] = DEMAND_GROUPS) -> pd.DataFrame:
    """Sum a population by year and age group.

    Parameters
    ----------
    population : pandas.DataFrame
        ``ar``, ``alder``, ``antal`` (other columns, e.g. ``kon``, are summed over).
    groups : mapping
        Group id → (first age, last age), both inclusive; groups may overlap or leave
        ages out.

    Returns
    -------
    pandas.DataFrame
        ``ar`` and one column per group, in the order of ``groups``.

    Examples
    --------
    >>> pop = pd.DataFrame({"ar": 2023, "alder": [0, 1, 5, 6], "antal": [1.0, 2, 3, 4]})
    >>> age_groups(pop, {"1-5": (1, 5)})["1-5"].tolist()
    [5.0]
    """
    years = np.sort(pd.unique(population["ar"]))
    out = pd.DataFrame({"ar": years.astype(np.int64)})
    by = population.groupby(["ar", "alder"])["antal"].sum().unstack(fill_value=0.0)
    by = by.reindex(years).fillna(0.0)
    for gid, (lo, hi) in groups.items():
        cols = [a for a in by.columns if lo <= a <= hi]
        out[gid] = by[cols].sum(axis=1).to_numpy(dtype=float) if cols else 0.0
    return out


# --------------------------------------------------------------------------------------
# scenarios and goal seeking
# --------------------------------------------------------------------------------------
def scenario_forecast(data: BefolkningData, base_year: int | None = None, horizon: int = 10,
                      assumptions: Assumptions | None = None,
                      inflyttning_faktor: float = 1.0,
                      extra_net_migration: float = 0.0) -> Forecast:
    """The base forecast with changed migration assumptions.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        Jump-off year; by default the last complete year.
    horizon : int
        Years to project.
    assumptions : Assumptions, optional
        By default ``estimate_assumptions(data, base_year)``.
    inflyttning_faktor : float
        The assumed number of in-migrants per year is multiplied by this (e.g. 0.9 for
        the low and 1.1 for the high scenario); the age-sex profile is unchanged.
    extra_net_migration : float
        Extra net migrants per year (see :func:`analysis.befolkning.prognos.forecast`).

    Returns
    -------
    Forecast
    """
    base_year = _base_year(data, base_year)
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)
    if not (np.isfinite(inflyttning_faktor) and inflyttning_faktor >= 0):
        raise InputError(Problem(file="inflyttning_faktor", message=(
            f"faktorn för inflyttningen måste vara ett tal ≥ 0, fick {inflyttning_faktor!r}.")))
    changed = dataclasses.replace(assumptions,
                                  inflyttade=assumptions.inflyttade * inflyttning_faktor)
    return forecast(data, base_year=base_year, horizon=horizon, assumptions=changed,
                    extra_net_migration=extra_net_migration)


def goal_seek_net_migration(data: BefolkningData, mal_folkmangd: float, mal_ar: int,
                            base_year: int | None = None,
                            assumptions: Assumptions | None = None,
                            xtol: float = 1e-6) -> float:
    """The constant extra net migration per year that gives ``mal_folkmangd`` in ``mal_ar``.

    Parameters
    ----------
    data : BefolkningData
    mal_folkmangd : float
        The target folkmängd on 31 December of ``mal_ar``.
    mal_ar : int
        The target year, after the jump-off year.
    base_year : int, optional
        Jump-off year; by default the last complete year.
    assumptions : Assumptions, optional
        By default ``estimate_assumptions(data, base_year)``.
    xtol : float
        Tolerance of the root in persons per year.

    Returns
    -------
    float
        Extra net migrants per year (negative if the base forecast already exceeds the
        target), on top of the base assumptions, distributed by the in-migrants' profile:
        the ``extra_net_migration`` of :func:`analysis.befolkning.prognos.forecast`. They are
        extra *in*-migrants (or out-migrants if negative); since the larger population
        also has more out-migrants (the out-migration risks are unchanged), the resulting
        flyttnetto rises by less than this amount.

    Raises
    ------
    analysis.core.errors.InputError
        If the target is not a positive number, the target year is not after the
        jump-off year, or no extra migration in ±(10 × the base population) reaches it.

    Notes
    -----
    The folkmängd in ``mal_ar`` is a continuous, increasing function of the extra net
    migration (in this model it is affine in it), so :func:`scipy.optimize.brentq` on
    ``folkmangd(x) − mal_folkmangd`` over a bracket widened until it changes sign finds
    the root in a few forecasts.
    """
    base_year = _base_year(data, base_year)
    if not (np.isfinite(mal_folkmangd) and mal_folkmangd > 0):
        raise InputError(Problem(file="mal_folkmangd", message=(
            f"målet för folkmängden måste vara ett positivt tal, fick {mal_folkmangd!r}.")))
    if int(mal_ar) != mal_ar or mal_ar <= base_year:
        raise InputError(Problem(file="mal_ar", message=(
            f"målåret måste vara ett år efter prognosens startår {base_year}, fick {mal_ar!r}.")))
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)
    horizon = int(mal_ar) - base_year

    def gap(extra: float) -> float:
        fc = forecast(data, base_year=base_year, horizon=horizon, assumptions=assumptions,
                      extra_net_migration=extra)
        return float(fc.components["folkmangd"].iloc[-1]) - float(mal_folkmangd)

    g0 = gap(0.0)
    if g0 == 0.0:
        return 0.0
    start = float(data.stock_total(base_year) or 1.0)
    step = max(abs(g0) / horizon, 1.0)
    direction = -1.0 if g0 > 0 else 1.0
    lo, glo = 0.0, g0
    hi = direction * step
    ghi = gap(hi)
    while np.sign(ghi) == np.sign(glo):
        lo, glo = hi, ghi
        hi *= 2.0
        if abs(hi) > 10 * start:
            raise InputError(Problem(file="mal_folkmangd", message=(
                f"målet {mal_folkmangd:,.0f} invånare år {mal_ar} kan inte nås med en "
                "rimlig extra nettoinflyttning.")))
        ghi = gap(hi)
    a, b = sorted((lo, hi))
    return float(brentq(gap, a, b, xtol=xtol, rtol=1e-12))


def scenarios(data: BefolkningData, base_year: int | None = None, horizon: int = 20,
              assumptions: Assumptions | None = None, lag_faktor: float = 0.9,
              hog_faktor: float = 1.1, mal_folkmangd: float | None = None,
              mal_ar: int | None = None) -> pd.DataFrame:
    """The forecast scenarios as one tidy frame.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        Jump-off year; by default the last complete year.
    horizon : int
        Years to project (extended to ``mal_ar`` if that is later).
    assumptions : Assumptions, optional
        By default ``estimate_assumptions(data, base_year)`` (the averages of the last
        five years).
    lag_faktor, hog_faktor : float
        The in-migration of the low and high scenarios relative to the base (default
        −10 % and +10 %; out-migration rates unchanged).
    mal_folkmangd, mal_ar : optional
        A goal; when both are given the goal scenario ``mal`` (base assumptions plus the
        extra net migration of :func:`goal_seek_net_migration`) is added.

    Returns
    -------
    pandas.DataFrame
        ``scenario`` (id, see :data:`SCENARIOS`), ``text`` (Swedish label), ``ar``,
        ``folkmangd``, ``fodda``, ``doda``, ``inflyttade``, ``utflyttade``, ``flyttnetto``,
        ``extra_flyttnetto`` (the goal scenario's extra net migration per year, else 0);
        one row per scenario and projected year. In every row folkmangd = the previous
        year's folkmangd + fodda − doda + flyttnetto.
    """
    base_year = _base_year(data, base_year)
    horizon = _check_horizon(horizon)
    if (mal_folkmangd is None) != (mal_ar is None):
        raise InputError(Problem(file="mal", message=(
            "ange både målets folkmängd och målår, eller inget av dem.")))
    if mal_ar is not None:
        horizon = max(horizon, int(mal_ar) - base_year)
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)
    runs: list[tuple[str, float, float]] = [("lag", lag_faktor, 0.0), ("bas", 1.0, 0.0),
                                            ("hog", hog_faktor, 0.0)]
    if mal_folkmangd is not None:
        extra = goal_seek_net_migration(data, mal_folkmangd, mal_ar, base_year, assumptions)
        runs.append(("mal", 1.0, extra))
    frames = []
    for sid, factor, extra in runs:
        fc = scenario_forecast(data, base_year, horizon, assumptions, factor, extra)
        comp = fc.components[["ar", *COMPONENT_COLUMNS]].copy()
        comp.insert(0, "text", SCENARIOS[sid])
        comp.insert(0, "scenario", sid)
        comp["extra_flyttnetto"] = float(extra)
        frames.append(comp)
    out = pd.concat(frames, ignore_index=True)
    out["ar"] = out["ar"].astype(np.int64)
    out.attrs["base_year"] = base_year
    out.attrs["folkmangd_start"] = float(data.stock_total(base_year))
    return out


# --------------------------------------------------------------------------------------
# uncertainty
# --------------------------------------------------------------------------------------
FAN_METHOD = (
    "Osäkerhetsintervallen bygger på hur mycket flyttnettot och antalet födda har varierat "
    "de senaste {n} åren: flyttnettots avvikelse från sitt medelvärde (standardavvikelse "
    "{sd_m} personer, autokorrelation {phi}) och de föddas avvikelse från sin "
    "linjära trend (standardavvikelse {sd_b}) antas bestå i befolkningen och summeras "
    "år för år. Intervallen visar den slumpmässiga variationen kring huvudalternativet, inte "
    "osäkerheten i själva antagandena, och ska inte läsas som sannolikheter för den "
    "framtida folkmängden."
)


def _ar1_sum_sd(sd: float, phi: float, horizon: int) -> np.ndarray:
    """Standard deviation of the cumulative sum of a stationary AR(1) series with marginal
    sd ``sd`` and lag-one correlation ``phi``, for 1..horizon terms."""
    h = np.arange(1, horizon + 1)
    lag = np.abs(np.subtract.outer(np.arange(horizon), np.arange(horizon)))
    corr = phi ** lag
    var = np.array([corr[:k, :k].sum() for k in h]) * sd ** 2
    return np.sqrt(var)


def uncertainty_fan(data: BefolkningData, base_year: int | None = None, horizon: int = 20,
                    assumptions: Assumptions | None = None, history_years: int = 10,
                    base: Forecast | None = None) -> pd.DataFrame:
    """80 % and 95 % bands around the base forecast from the historical variability.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        Jump-off year; by default the last complete year.
    horizon : int
        Years to project.
    assumptions : Assumptions, optional
        Of the base forecast.
    history_years : int
        Complete years up to ``base_year`` whose variability is used (at least 3 needed).
    base : Forecast, optional
        The base forecast, if already computed (must match ``base_year`` and ``horizon``).

    Returns
    -------
    pandas.DataFrame
        ``ar``, ``folkmangd`` (the base forecast), ``sd``, ``nedre_95``, ``nedre_80``,
        ``ovre_80``, ``ovre_95``. ``attrs['metod']`` is a Swedish description of the
        method for the report, ``attrs['ar_historik']`` the number of years whose
        variability is used. The bands hold only the random variation of net migration
        and births, not the uncertainty of the assumptions (see :func:`fan_text`).

    Notes
    -----
    Let m_t be the net migration of year t minus its mean over the window and b_t the
    births minus their least-squares linear trend. The deviations of net migration are
    modelled as a stationary AR(1) process with the window's standard deviation σ_m and
    lag-one autocorrelation φ (clipped to [0, 0.8]), the births' as independent with sd
    σ_b. A deviation is assumed to stay in the population (survival ≈ 1 and the
    migrants' own births ignored over the horizon), so the folkmängd after h years deviates
    by S_h = Σ_{t≤h}(m_t + b_t) with Var S_h = σ_m² Σ_{s,t≤h} φ^|s−t| + h σ_b². The bands
    are the base forecast ± z·sd(S_h) with the normal quantiles z(0.90) and z(0.975);
    their width grows strictly with the horizon.
    """
    base_year = _base_year(data, base_year)
    horizon = _check_horizon(horizon)
    hist = yearly_components(truncate(data, base_year))
    hist = hist[hist["ar"] <= base_year].tail(int(history_years))
    if len(hist) < 3:
        raise InputError(Problem(file="befolkning", message=(
            "minst tre fullständiga år behövs för att skatta osäkerheten; "
            f"fann {len(hist)}.")))
    netto = hist["flyttnetto"].to_numpy(dtype=float)
    dev_m = netto - netto.mean()
    sd_m = float(dev_m.std(ddof=1))
    phi = 0.0
    if sd_m > 0 and len(dev_m) > 3:
        phi = float(np.clip(np.corrcoef(dev_m[:-1], dev_m[1:])[0, 1], 0.0, 0.8))
        if not np.isfinite(phi):
            phi = 0.0
    years = hist["ar"].to_numpy(dtype=float)
    births = hist["fodda"].to_numpy(dtype=float)
    coef = np.polyfit(years - years.mean(), births, 1)
    resid = births - np.polyval(coef, years - years.mean())
    sd_b = float(np.sqrt((resid ** 2).sum() / max(len(resid) - 2, 1)))

    if base is None:
        base = forecast(data, base_year=base_year, horizon=horizon, assumptions=assumptions)
    comp = base.components.iloc[:horizon]
    sd = np.sqrt(_ar1_sum_sd(sd_m, phi, horizon) ** 2
                 + np.arange(1, horizon + 1) * sd_b ** 2)
    z80, z95 = norm.ppf(0.90), norm.ppf(0.975)
    level = comp["folkmangd"].to_numpy(dtype=float)
    out = pd.DataFrame({
        "ar": comp["ar"].to_numpy(dtype=np.int64), "folkmangd": level, "sd": sd,
        "nedre_95": level - z95 * sd, "nedre_80": level - z80 * sd,
        "ovre_80": level + z80 * sd, "ovre_95": level + z95 * sd})
    out.attrs["metod"] = FAN_METHOD.format(n=len(hist), sd_m=_swedish(sd_m),
                                           phi=f"{phi:.2f}".replace(".", ","),
                                           sd_b=_swedish(sd_b))
    out.attrs["ar_historik"] = len(hist)
    out.attrs["sd_flyttnetto"] = sd_m
    out.attrs["autokorrelation"] = phi
    out.attrs["sd_fodda"] = sd_b
    return out


# --------------------------------------------------------------------------------------
# back-test
# --------------------------------------------------------------------------------------
def backtest(data: BefolkningData, years_back: int = 5, base_year: int | None = None,
             groups: Mapping[str, tuple[int, int]] = BACKTEST_GROUPS) -> pd.DataFrame:
    """The forecast made ``years_back`` years ago compared with the outcome.

    Parameters
    ----------
    data : BefolkningData
    years_back : int
        How many years before the last complete year the back-test starts.
    base_year : int, optional
        The back-test's jump-off year; by default the last complete year − ``years_back``.
    groups : mapping
        Age groups (id → first and last age); default 0–5, 6–15, 16–18, 19–64, 65–79, 80+.

    Returns
    -------
    pandas.DataFrame
        ``ar``, ``grupp`` (a group id or ``Totalt``), ``prognos``, ``utfall``, ``fel``
        (= prognos − utfall, persons) and ``fel_procent`` (= 100 × fel / utfall), one row
        per year after the jump-off year up to the last year with a folkmängd on
        31 December, and per group. ``attrs['base_year']`` is the jump-off year.

    Notes
    -----
    The assumptions and the forecast use only :func:`truncate` of the data at the
    jump-off year — rows of later years cannot influence the forecast, exactly as if it
    had been made then.
    """
    last = _base_year(data, None)
    if base_year is None:
        base_year = last - int(years_back)
    stock_years = sorted(set(data.folkmangd.loc[data.folkmangd["manad"] == 12, "ar"]))
    actual_years = [y for y in stock_years if y > base_year]
    if not actual_years:
        raise InputError(Problem(file="folkmangd", message=(
            f"ingen folkmängd efter {base_year} att jämföra efterhandsprognosen med.")))
    past = truncate(data, base_year)
    fc = forecast(past, base_year=base_year, horizon=max(actual_years) - base_year)
    pred = fc.population[fc.population["ar"].isin(actual_years)]
    act = history_by_age(data)
    act = act[act["ar"].isin(actual_years)]
    total = dict(groups)
    total["Totalt"] = (0, MAX_AGE)
    p = age_groups(pred, total).melt(id_vars="ar", var_name="grupp", value_name="prognos")
    a = age_groups(act, total).melt(id_vars="ar", var_name="grupp", value_name="utfall")
    out = p.merge(a, on=["ar", "grupp"], how="inner")
    out["fel"] = out["prognos"] - out["utfall"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fel_procent"] = np.where(out["utfall"] > 0, 100 * out["fel"] / out["utfall"],
                                      np.nan)
    order = {g: i for i, g in enumerate(total)}
    out = out.sort_values(["ar", "grupp"], key=lambda s: s.map(order) if s.name == "grupp"
                          else s).reset_index(drop=True)
    out.attrs["base_year"] = int(base_year)
    return out


# --------------------------------------------------------------------------------------
# demand indicators
# --------------------------------------------------------------------------------------
def demand_indicators(data: BefolkningData, fc: Forecast | None = None,
                      groups: Mapping[str, tuple[int, int]] = DEMAND_GROUPS
                      ) -> pd.DataFrame:
    """The number of inhabitants in the age groups the verksamheter plan for.

    Parameters
    ----------
    data : BefolkningData
    fc : Forecast, optional
        A forecast whose years are appended (``typ`` 'prognos').
    groups : mapping
        Group id → (first age, last age); default :data:`DEMAND_GROUPS` (1–5, 6–15, 16–18,
        65–79, 80+).

    Returns
    -------
    pandas.DataFrame
        ``ar``, ``typ`` ('utfall'/'prognos') and one column per group: the folkmängd on
        31 December summed over the single ages of the group.
    """
    hist = age_groups(history_by_age(data), groups)
    hist.insert(1, "typ", "utfall")
    frames = [hist]
    if fc is not None:
        prog = age_groups(fc.population, groups)
        prog = prog[~prog["ar"].isin(hist["ar"])]
        prog.insert(1, "typ", "prognos")
        frames.append(prog)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------
_BLUE, _LIGHT, _ORANGE, _GREEN, _GREY = "#1f4e79", "#8fa9c4", "#c55a11", "#2e7d32", "#7f7f7f"
_SCENARIO_STYLE = {"bas": (_GREEN, "--"), "lag": (_GREY, ":"), "hog": (_GREY, "-."),
                   "mal": (_ORANGE, "--")}


_swedish = swedish_number


def _finish(ax, title: str, ylabel: str) -> None:
    style_axes(ax, title, ylabel, legend_size=8)


def pyramid_chart(now: pd.DataFrame, later: pd.DataFrame | None, title: str,
                  labels: Sequence[str] = ("Nu", "Prognos")) -> Figure:
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
    ax.barh(AGES, arr(now, "K"), height=1.0, color=_BLUE, alpha=0.7,
            label=f"Kvinnor {labels[0]}")
    if later is not None:
        ax.step(-arr(later, "M"), AGES, where="mid", color=_ORANGE, linewidth=1.0,
                label=labels[1])
        ax.step(arr(later, "K"), AGES, where="mid", color=_ORANGE, linewidth=1.0)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel("ålder")
    ax.set_xlabel("invånare (män till vänster, kvinnor till höger)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p=None: _swedish(abs(x))))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def scenario_chart(history: pd.DataFrame, scen: pd.DataFrame, title: str,
                   fan: pd.DataFrame | None = None,
                   goal: tuple[int, float] | None = None) -> Figure:
    """The folkmängd: history, the scenarios, an optional fan and goal.

    Parameters
    ----------
    history : pandas.DataFrame
        ``ar``, ``folkmangd`` (e.g. :func:`analysis.befolkning.prognos.yearly_components`).
    scen : pandas.DataFrame
        :func:`scenarios`.
    title : str
    fan : pandas.DataFrame, optional
        :func:`uncertainty_fan`.
    goal : (year, folkmängd), optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    ax.plot(history["ar"], history["folkmangd"], color=_BLUE, marker="o", markersize=3,
            label="Utfall")
    last = history.iloc[-1]
    if fan is not None:
        x = np.r_[last["ar"], fan["ar"]]
        for lo, hi, alpha, text in (
                ("nedre_95", "ovre_95", 0.15, "95 % intervall, slumpmässig variation"),
                ("nedre_80", "ovre_80", 0.3, "80 % intervall, slumpmässig variation")):
            ax.fill_between(x, np.r_[last["folkmangd"], fan[lo]],
                            np.r_[last["folkmangd"], fan[hi]], color=_GREEN, alpha=alpha,
                            linewidth=0, label=text)
    for sid, part in scen.groupby("scenario", sort=False):
        colour, style = _SCENARIO_STYLE.get(sid, (_GREY, "--"))
        ax.plot(np.r_[last["ar"], part["ar"]], np.r_[last["folkmangd"], part["folkmangd"]],
                style, color=colour, label=SCENARIOS.get(sid, sid))
    if goal is not None:
        ax.axhline(goal[1], color=_ORANGE, linestyle=":", linewidth=1.0)
        ax.plot([goal[0]], [goal[1]], marker="*", color=_ORANGE, markersize=10,
                linestyle="none", label=f"Mål {goal[0]}: {_swedish(goal[1])}")
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
        ax.bar(x + (i - (n - 1) / 2) * w, wide[year], width=w, label=str(year),
               color=_BLUE, alpha=0.3 + 0.7 * (i + 1) / n)
    ax.set_xticks(x, [g if g == "Totalt" else f"{g} år" for g in wide.index])
    ax.axhline(0, color="black", linewidth=0.6)
    _finish(ax, title, "fel, % av utfallet")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p=None: f"{v:.0f}".replace("-", "\u2212")))
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# tables and sentences of the befolkning report
# --------------------------------------------------------------------------------------
def _value(scen: pd.DataFrame, sid: str, year: int, column: str = "folkmangd") -> float:
    rows = scen[(scen["scenario"] == sid) & (scen["ar"] == year)]
    if rows.empty:
        raise InputError(Problem(file="scenarier", message=(
            f"scenariot {SCENARIOS.get(sid, sid)!r} saknar år {year}.")))
    return float(rows[column].iloc[0])


def report_years(base_year: int, horizon: int, goal_year: int | None = None) -> list[int]:
    """The years shown in the scenario and uncertainty tables: 1, 5, 10, 15 and 20 years
    after the jump-off year (those within ``horizon``) and the goal year.

    >>> report_years(2022, 20, 2035)
    [2023, 2027, 2032, 2035, 2037, 2042]
    """
    years = {int(base_year) + k for k in (1, 5, 10, 15, 20) if k <= int(horizon)}
    if goal_year is not None:
        years.add(int(goal_year))
    return sorted(years)


def scenario_table(scen: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """The folkmängd per scenario (columns, Swedish labels) for ``years`` (rows, ``År``)."""
    present = set(scen["text"])
    return (scen[scen["ar"].isin(list(years))]
            .pivot(index="ar", columns="text", values="folkmangd")
            .reindex(columns=[t for t in SCENARIOS.values() if t in present])
            .reset_index().rename(columns={"ar": "År"}))


def fan_table(fan: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """The uncertainty bands of :func:`uncertainty_fan` for ``years``, Swedish headings."""
    cols = {"ar": "År", "folkmangd": "Huvudalternativ", "nedre_95": "Nedre 95 %",
            "nedre_80": "Nedre 80 %", "ovre_80": "Övre 80 %", "ovre_95": "Övre 95 %"}
    out = fan[fan["ar"].isin(list(years))][list(cols)]
    return out.rename(columns=cols).reset_index(drop=True)


def period_title(komp: pd.DataFrame, label: str) -> str:
    """The title of the period table: ``label`` (e.g. 'januari–april 2023') when the table
    covers the period, else the year shown (``attrs['grund'] == 'ar'`` of
    :func:`analysis.befolkning.prognos.period_components`)."""
    if komp.attrs.get("grund") == "ar":
        return f"Befolkningsförändring helåret {komp.attrs['ar']}"
    return f"Befolkningsförändring {label}"


def scenario_text(scen: pd.DataFrame, end_year: int,
                  goal: tuple[int, float] | None = None) -> str:
    """The scenario paragraph: the base forecast from the jump-off year to ``end_year``,
    the low and high scenarios and, with a goal, what reaching it takes.

    Parameters
    ----------
    scen : pandas.DataFrame
        :func:`scenarios` (its ``attrs['base_year']`` and ``attrs['folkmangd_start']``
        are used).
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
    text = (f"Enligt huvudalternativet väntas folkmängden {riktning} från {_fmt(start)} "
            f"invånare vid utgången av {base_year} till {_fmt(bas)} år {end_year} "
            f"({_fmt(bas - start, sign=True)} personer). Med 10 % lägre inflyttning blir "
            f"folkmängden {_fmt(lag)} och med 10 % högre {_fmt(hog)} år {end_year}.")
    if goal is None:
        return text
    mal_ar, mal_folkmangd = int(goal[0]), float(goal[1])
    mal = scen[scen["scenario"] == "mal"]
    if mal.empty:
        raise InputError(Problem(file="scenarier", message=(
            "målscenariot saknas; beräkna scenarierna med målets folkmängd och år.")))
    extra = float(mal["extra_flyttnetto"].iloc[0])
    bas_mal = _value(scen, "bas", mal_ar)
    netto_mal = float(mal.loc[mal["ar"] <= mal_ar, "flyttnetto"].mean())
    bas_rows = scen[(scen["scenario"] == "bas") & (scen["ar"] <= mal_ar)]
    netto_bas = float(bas_rows["flyttnetto"].mean())
    if extra > 0:
        text += (f" Målet {_fmt(mal_folkmangd)} invånare år {mal_ar} nås inte i "
                 f"huvudalternativet ({_fmt(bas_mal)}). Det kräver att {_fmt(extra)} fler "
                 "personer än i huvudalternativet flyttar in varje år. Eftersom en större "
                 "befolkning också ger fler utflyttade blir flyttnettot då i genomsnitt "
                 f"{_fmt(netto_mal)} personer per år till och med {mal_ar}, mot "
                 f"{_fmt(netto_bas)} i huvudalternativet.")
    else:
        text += (f" Målet {_fmt(mal_folkmangd)} invånare år {mal_ar} nås redan i "
                 f"huvudalternativet ({_fmt(bas_mal)}); marginalen motsvarar "
                 f"{_fmt(-extra)} färre inflyttade per år.")
    return text


def fan_text(fan: pd.DataFrame, year: int) -> str:
    """What the uncertainty fan says about ``year`` — and what it leaves out.

    The bands of :func:`uncertainty_fan` hold only the random year-to-year variation of
    net migration and births seen in the history, around the base forecast. The
    sentence says so, and that the uncertainty of the assumptions is not included, so
    the bands are not probabilities for the future folkmängd.

    Parameters
    ----------
    fan : pandas.DataFrame
        :func:`uncertainty_fan`.
    year : int
        A year of ``fan``.

    Returns
    -------
    str
    """
    rows = fan[fan["ar"] == int(year)]
    if rows.empty:
        raise InputError(Problem(file="osakerhet", message=(
            f"osäkerhetsintervallen saknar år {year}.")))
    r = rows.iloc[0]
    n = fan.attrs.get("ar_historik")
    years = f"de senaste {n} åren" if n else "de senaste åren"
    return (f"Intervallen visar bara den slumpmässiga variation i flyttnetto och födda som "
            f"kommunen haft {years}: med den variationen, och med antagandena i övrigt "
            f"oförändrade, hamnar folkmängden år {int(year)} mellan {_fmt(r['nedre_80'])} "
            f"och {_fmt(r['ovre_80'])} invånare (80 %-intervall) och mellan "
            f"{_fmt(r['nedre_95'])} och {_fmt(r['ovre_95'])} (95 %-intervall). Osäkerheten "
            "i själva antagandena – att inflyttningen, fruktsamheten eller dödligheten "
            "varaktigt blir en annan – ingår inte, så den verkliga osäkerheten är större och "
            "intervallen är inga sannolikheter för den framtida folkmängden; scenarierna "
            "visar hur mycket antagandena betyder.")


def demand_text(ind: pd.DataFrame, base_year: int, year: int) -> str:
    """The change of each demand indicator from ``base_year`` to ``year`` (base forecast).

    Parameters
    ----------
    ind : pandas.DataFrame
        :func:`demand_indicators` with both years.
    base_year, year : int

    Returns
    -------
    str
    """
    def row(y: int) -> pd.Series:
        rows = ind[ind["ar"] == int(y)]
        if rows.empty:
            raise InputError(Problem(file="behovsindikatorer", message=(
                f"behovsindikatorerna saknar år {y}.")))
        return rows.iloc[0]

    nu, sen = row(base_year), row(year)
    delar = []
    for gid, label in DEMAND_LABELS.items():
        if gid not in ind.columns:
            continue
        diff = float(sen[gid] - nu[gid])
        pct = 100 * diff / float(nu[gid]) if nu[gid] else float("nan")
        delar.append(f"{label}: {_fmt(diff, sign=True)} "
                     f"({_fmt(pct, 1, sign=True, percent=True)})")
    return (f"Förändring {int(base_year)}–{int(year)} enligt huvudalternativet: "
            + "; ".join(delar) + ".")


def _group_label(gid: str) -> str:
    return gid.replace("-", "–") + " år"


def backtest_text(bt: pd.DataFrame) -> str:
    """The back-test paragraph: the range of the total error over the years and the
    largest error of an age group.

    Parameters
    ----------
    bt : pandas.DataFrame
        :func:`backtest`.

    Returns
    -------
    str
    """
    tot = bt[bt["grupp"] == "Totalt"]
    parts = bt[bt["grupp"] != "Totalt"].dropna(subset=["fel_procent"])
    if tot.empty or parts.empty:
        raise InputError(Problem(file="efterhandsprognos", message=(
            "efterhandsprognosen saknar totalen eller åldersgrupperna.")))
    storst = parts.loc[parts["fel_procent"].abs().idxmax()]
    abs_fel = tot["fel_procent"].abs()
    first, last = int(tot["ar"].min()), int(tot["ar"].max())
    years = f"år {first}" if first == last else f"under åren {first}–{last}"
    range_text = (f"ett fel på {_fmt(abs_fel.iloc[0], 1, percent=True)}" if first == last
                  else f"ett fel på mellan {_fmt(abs_fel.min(), 1, percent=True)} och "
                       f"{_fmt(abs_fel.max(), 1, percent=True)}")
    return (f"En prognos gjord med samma metod och enbart de uppgifter som fanns vid "
            f"utgången av {bt.attrs['base_year']} träffade den totala folkmängden med "
            f"{range_text} {years}. Störst var felet för åldersgruppen "
            f"{_group_label(str(storst['grupp']))} "
            f"({_fmt(storst['fel_procent'], 1, sign=True, percent=True)} år "
            f"{int(storst['ar'])}). Positivt fel betyder att prognosen var för hög.")
