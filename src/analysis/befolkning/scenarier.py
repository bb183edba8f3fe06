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
  compared with the outcome, in total and by broad age group (over every jump-off year
  the data allow, against a naive forecast: :mod:`analysis.befolkning.eftertest`);
* :func:`demand_indicators` — the age groups the ekonomer plan for (1–5, 6–15, 16–18,
  65–79, 80+) per year of history and forecast;
* :func:`report_years` — the years the report's tables show;
* :func:`rapportunderlag` — everything the befolkning report shows, in one call, so that
  the notebook stays thin.

The sentences of the report are in :mod:`analysis.befolkning.text`, its tables and charts
in :mod:`analysis.rapport.befolkning`.

The uncertainty fan holds only the *random* variation of net migration and births around
the base forecast; the uncertainty of the assumptions themselves is not in it. Its texts
say so and never present the bands as probabilities for the future.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import norm

from analysis.befolkning import historik
from analysis.befolkning.antaganden import Assumptions, estimate_assumptions
from analysis.befolkning.historik import (
    MAX_AGE,
    BefolkningData,
    last_complete_year,
    yearly_components,
)
from analysis.befolkning.prognos import Forecast, befolkning_sheet, check_horizon, forecast
from analysis.core.errors import ArgumentError, ModellError
from analysis.core.format import tal

__all__ = [
    "BACKTEST_GROUPS",
    "DEMAND_GROUPS",
    "DEMAND_LABELS",
    "SCENARIOS",
    "Rapportunderlag",
    "age_groups",
    "backtest",
    "demand_indicators",
    "goal_seek_net_migration",
    "history_by_age",
    "rapportunderlag",
    "report_years",
    "scenario_forecast",
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
    "0-5": (0, 5),
    "6-15": (6, 15),
    "16-18": (16, 18),
    "19-64": (19, 64),
    "65-79": (65, 79),
    "80+": (80, MAX_AGE),
}

#: The demand indicators: age groups for förskola, grundskola, gymnasium and äldreomsorg.
DEMAND_GROUPS: dict[str, tuple[int, int]] = {
    "1-5": (1, 5),
    "6-15": (6, 15),
    "16-18": (16, 18),
    "65-79": (65, 79),
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
    return last_complete_year(data) if base_year is None else int(base_year)


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
        The rows of the already checked tables (not checked again), indexed 0, 1, ….
    """
    out = copy.copy(data)  # no new check: a subset of checked rows is checked
    for name in ("folkmangd", "fodda", "doda", "flyttningar"):
        df = getattr(data, name)
        setattr(out, name, df[df["ar"] <= base_year].reset_index(drop=True))
    return out


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


def age_groups(
    population: pd.DataFrame, groups: Mapping[str, tuple[int, int]] = DEMAND_GROUPS
) -> pd.DataFrame:
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
def scenario_forecast(
    data: BefolkningData,
    base_year: int | None = None,
    horizon: int = 10,
    assumptions: Assumptions | None = None,
    inflyttning_faktor: float = 1.0,
    extra_net_migration: float = 0.0,
) -> Forecast:
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
        raise ArgumentError(
            "inflyttning_faktor",
            (f"faktorn för inflyttningen måste vara ett tal ≥ 0, fick {inflyttning_faktor!r}."),
        )
    changed = dataclasses.replace(
        assumptions, inflyttade=assumptions.inflyttade * inflyttning_faktor
    )
    return forecast(
        data,
        base_year=base_year,
        horizon=horizon,
        assumptions=changed,
        extra_net_migration=extra_net_migration,
    )


def goal_seek_net_migration(
    data: BefolkningData,
    mal_folkmangd: float,
    mal_ar: int,
    base_year: int | None = None,
    assumptions: Assumptions | None = None,
    xtol: float = 1e-6,
) -> float:
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
        extra *in*-migrants (or out-migrants if negative). Where the out-migrants of an
        age follow its risk (the number assumed is the larger,
        :func:`analysis.befolkning.prognos.forecast`) the larger population also has more
        out-migrants, and the resulting flyttnetto rises by less than this amount.

    Raises
    ------
    analysis.core.errors.ArgumentError
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
        raise ArgumentError(
            "mal_folkmangd",
            (f"målet för folkmängden måste vara ett positivt tal, fick {mal_folkmangd!r}."),
        )
    if int(mal_ar) != mal_ar or mal_ar <= base_year:
        raise ArgumentError(
            "mal_ar",
            (f"målåret måste vara ett år efter prognosens startår {base_year}, fick {mal_ar!r}."),
        )
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)
    horizon = int(mal_ar) - base_year

    def gap(extra: float) -> float:
        fc = forecast(
            data,
            base_year=base_year,
            horizon=horizon,
            assumptions=assumptions,
            extra_net_migration=extra,
        )
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
            raise ArgumentError(
                "mal_folkmangd",
                (
                    f"målet {tal(mal_folkmangd)} invånare år {mal_ar} kan inte nås med en "
                    "rimlig extra nettoinflyttning."
                ),
            )
        ghi = gap(hi)
    a, b = sorted((lo, hi))
    return float(brentq(gap, a, b, xtol=xtol, rtol=1e-12))


def scenarios(
    data: BefolkningData,
    base_year: int | None = None,
    horizon: int = 20,
    assumptions: Assumptions | None = None,
    lag_faktor: float = 0.9,
    hog_faktor: float = 1.1,
    mal_folkmangd: float | None = None,
    mal_ar: int | None = None,
) -> pd.DataFrame:
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
    horizon = check_horizon(horizon)
    if (mal_folkmangd is None) != (mal_ar is None):
        raise ArgumentError("mal_ar", "ange både målets folkmängd och målår, eller inget av dem.")
    if mal_ar is not None:
        horizon = max(horizon, int(mal_ar) - base_year)
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)
    runs: list[tuple[str, float, float]] = [
        ("lag", lag_faktor, 0.0),
        ("bas", 1.0, 0.0),
        ("hog", hog_faktor, 0.0),
    ]
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
    corr = phi**lag
    var = np.array([corr[:k, :k].sum() for k in h]) * sd**2
    return np.sqrt(var)


def uncertainty_fan(
    data: BefolkningData,
    base_year: int | None = None,
    horizon: int = 20,
    assumptions: Assumptions | None = None,
    history_years: int = 10,
    base: Forecast | None = None,
) -> pd.DataFrame:
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
        and births, not the uncertainty of the assumptions (see
        :func:`analysis.befolkning.text.fan_text`).

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
    horizon = check_horizon(horizon)
    hist = yearly_components(truncate(data, base_year))
    hist = hist[hist["ar"] <= base_year].tail(int(history_years))
    if len(hist) < 3:
        raise ModellError(
            f"minst tre fullständiga år behövs för att skatta osäkerheten; fann {len(hist)}."
        )
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
    sd_b = float(np.sqrt((resid**2).sum() / max(len(resid) - 2, 1)))

    if base is None:
        base = forecast(data, base_year=base_year, horizon=horizon, assumptions=assumptions)
    comp = base.components.iloc[:horizon]
    sd = np.sqrt(_ar1_sum_sd(sd_m, phi, horizon) ** 2 + np.arange(1, horizon + 1) * sd_b**2)
    z80, z95 = norm.ppf(0.90), norm.ppf(0.975)
    level = comp["folkmangd"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "ar": comp["ar"].to_numpy(dtype=np.int64),
            "folkmangd": level,
            "sd": sd,
            "nedre_95": level - z95 * sd,
            "nedre_80": level - z80 * sd,
            "ovre_80": level + z80 * sd,
            "ovre_95": level + z95 * sd,
        }
    )
    out.attrs["metod"] = FAN_METHOD.format(
        n=len(hist), sd_m=tal(sd_m), phi=tal(phi, 2), sd_b=tal(sd_b)
    )
    out.attrs["ar_historik"] = len(hist)
    out.attrs["sd_flyttnetto"] = sd_m
    out.attrs["autokorrelation"] = phi
    out.attrs["sd_fodda"] = sd_b
    return out


# --------------------------------------------------------------------------------------
# back-test
# --------------------------------------------------------------------------------------
def backtest(
    data: BefolkningData,
    years_back: int = 5,
    base_year: int | None = None,
    groups: Mapping[str, tuple[int, int]] = BACKTEST_GROUPS,
) -> pd.DataFrame:
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
        raise ModellError(f"ingen folkmängd efter {base_year} att jämföra efterhandsprognosen med.")
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
        out["fel_procent"] = np.where(out["utfall"] > 0, 100 * out["fel"] / out["utfall"], np.nan)
    order = {g: i for i, g in enumerate(total)}
    out = out.sort_values(
        ["ar", "grupp"], key=lambda s: s.map(order) if s.name == "grupp" else s
    ).reset_index(drop=True)
    out.attrs["base_year"] = int(base_year)
    return out


# --------------------------------------------------------------------------------------
# demand indicators
# --------------------------------------------------------------------------------------
def demand_indicators(
    data: BefolkningData,
    fc: Forecast | None = None,
    groups: Mapping[str, tuple[int, int]] = DEMAND_GROUPS,
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
# the years of the report's tables
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# everything the befolkning report shows
# --------------------------------------------------------------------------------------
@dataclasses.dataclass
class Rapportunderlag:
    """The figures of the befolkning report for one period (:func:`rapportunderlag`).

    Attributes
    ----------
    basar : int
        The forecast's jump-off year (:func:`analysis.befolkning.historik.base_year`).
    slutar : int
        The last year of the report's forecast horizon: ``basar`` + the horizon asked for.
    horisont : int
        Years projected: the horizon, or up to the goal year if that is later.
    mal : (year, folkmängd) or None
        The goal, when both its parts are given.
    visa_ar : list of int
        The years of the scenario and uncertainty tables (:func:`report_years`).
    behov_ar : int
        The year the demand text compares with ``basar``: ten years on, at most ``slutar``.
    komp : pandas.DataFrame
        :func:`analysis.befolkning.historik.period_components` of the period.
    sheet : pandas.DataFrame
        :func:`analysis.befolkning.prognos.befolkning_sheet`, ten years of forecast.
    historik : pandas.DataFrame
        :func:`analysis.befolkning.historik.yearly_components` of the 15 years up to and
        including ``basar``.
    antaganden : Assumptions
        The base assumptions, estimated at ``basar``.
    scenarier : pandas.DataFrame
        :func:`scenarios` over ``horisont`` years.
    bas : Forecast
        The base forecast over ``horisont`` years.
    fan : pandas.DataFrame
        :func:`uncertainty_fan` around ``bas``.
    pyramid_start, pyramid_slut : pandas.DataFrame
        ``kon``, ``alder``, ``antal``: the folkmängd on 31 December ``basar`` and the base
        forecast's for ``slutar``.
    behov : pandas.DataFrame
        :func:`demand_indicators` of ``basar`` − 5 … ``slutar``.
    efterhand : pandas.DataFrame
        :func:`backtest` from ``basar`` − 5.
    """

    basar: int
    slutar: int
    horisont: int
    mal: tuple[int, float] | None
    visa_ar: list[int]
    behov_ar: int
    komp: pd.DataFrame
    sheet: pd.DataFrame
    historik: pd.DataFrame
    antaganden: Assumptions
    scenarier: pd.DataFrame
    bas: Forecast
    fan: pd.DataFrame
    pyramid_start: pd.DataFrame
    pyramid_slut: pd.DataFrame
    behov: pd.DataFrame
    efterhand: pd.DataFrame


def rapportunderlag(
    data: BefolkningData,
    year: int,
    month: int,
    *,
    horizon: int = 20,
    mal_folkmangd: float | None = None,
    mal_ar: int | None = None,
) -> Rapportunderlag:
    """Everything the befolkning report shows for January–``month`` of ``year``.

    Parameters
    ----------
    data : BefolkningData
    year, month : int
        The report's period.
    horizon : int
        Years of the scenarios after the jump-off year (the report shows 20).
    mal_folkmangd, mal_ar : optional
        A goal; it is used only when both are given (a notebook parameter left empty
        means no goal).

    Returns
    -------
    Rapportunderlag
    """
    horizon = check_horizon(horizon)
    basar = historik.base_year(data, year, month)
    komp = historik.period_components(data, year, month)
    hist = yearly_components(data)
    hist = hist[(hist["ar"] <= basar) & (hist["ar"] >= basar - 15)]
    antaganden = estimate_assumptions(data, basar)
    mal = (
        (int(mal_ar), float(mal_folkmangd))
        if mal_folkmangd is not None and mal_ar is not None
        else None
    )
    scen = scenarios(
        data,
        basar,
        horizon=horizon,
        assumptions=antaganden,
        mal_folkmangd=mal[1] if mal else None,
        mal_ar=mal[0] if mal else None,
    )
    horisont = int(scen["ar"].max()) - basar
    bas = forecast(data, basar, horizon=horisont, assumptions=antaganden)
    slutar = basar + horizon
    alla = history_by_age(data)
    behov = demand_indicators(data, bas)
    return Rapportunderlag(
        basar=basar,
        slutar=slutar,
        horisont=horisont,
        mal=mal,
        visa_ar=report_years(basar, horisont, mal[0] if mal else None),
        behov_ar=min(basar + 10, slutar),
        komp=komp,
        sheet=befolkning_sheet(data, horizon=10, base_year=basar),
        historik=hist.reset_index(drop=True),
        antaganden=antaganden,
        scenarier=scen,
        bas=bas,
        fan=uncertainty_fan(data, basar, horizon=horisont, assumptions=antaganden, base=bas),
        pyramid_start=alla[alla["ar"] == basar],
        pyramid_slut=bas.population[bas.population["ar"] == slutar],
        behov=behov[(behov["ar"] >= basar - 5) & (behov["ar"] <= slutar)],
        efterhand=backtest(data, base_year=basar - 5),
    )
