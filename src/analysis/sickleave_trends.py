"""Sick leave over time: monthly trend, season, trend change, forecast, and commentary.

Every function returns aggregates only (never an employee id, a birth year or a row),
and every group of :data:`analysis.sickleave.MIN_GROUP` or fewer employees is suppressed
(its percentage is NaN, it is left out of charts and never named in the text).

The monthly rate is 100 × Σ sjuk_h / Σ ordinarie_tid_h over the rows with
ordinarie_tid_h > 0, the definition of ``total`` in the data contract.

Methods
-------
* Season and trend: STL (Cleveland et al. 1990, ``statsmodels.tsa.seasonal.STL``,
  period 12, robust) on the monthly series; the seasonally adjusted series is the
  observed series minus the seasonal component.
* Trend change: a regression of the monthly rate on month dummies (the season) and a
  level shift for the last 12 months, with AR(1) errors because monthly values are
  autocorrelated; Newey–West (HAC) standard errors from OLS are reported alongside.
  See :func:`trendforandring` for why HAC is not the main test (it gave far too many
  false alarms with 24–60 months in simulations). Intervals and p-values are
  approximate.
* Forecast: a seasonal ARIMA (SARIMAX (1,0,0)(0,1,1)₁₂, the "airline"-like model for a
  series whose season repeats) fitted to the monthly series; 80 % and 95 % prediction
  intervals from the model's Gaussian forecast errors, cut at 0.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .charts import style_axes, swedish_decimal
from .period import MONTH_ABBREVIATIONS, MONTH_NAMES, Period
from .register import name_key
from .sickleave import MIN_GROUP, compute_frisknarvaro, compute_nyckeltal
from .tables import format_number

#: Fewest months needed for STL, the trend-change test and the forecast.
MIN_MANADER = 36

#: Differences smaller than this (in procentenheter) are called "oförändrad".
OFORANDRAD = 0.05

KON_TEXT = {"K": "Kvinnor", "M": "Män"}


class SerieError(ValueError):
    """The monthly series cannot be analysed (too short, or months are suppressed)."""


# --------------------------------------------------------------------------------------
# Monthly series
# --------------------------------------------------------------------------------------

def valj_forvaltning(personal: pd.DataFrame, namn: str | None) -> str | None:
    """The förvaltning in the data called ``namn`` (case- and whitespace-insensitive).

    ``None`` (or an empty string) means the whole kommun. Raises ``ValueError`` naming
    the known förvaltningar when there is no such förvaltning.
    """
    if namn is None or not str(namn).strip():
        return None
    known = [str(v) for v in pd.unique(personal["forvaltning"].dropna())]
    for k in known:
        if name_key(k) == name_key(namn):
            return k
    raise ValueError(f"Förvaltningen '{namn}' finns inte i personaldata. "
                     f"Kända förvaltningar: {', '.join(sorted(known))}.")


def _monthly(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = rows[rows["ordinarie_tid_h"] > 0]
    g = rows.groupby(keys, observed=True, sort=True)
    out = g.agg(sjuk_h=("sjuk_h", "sum"), ordinarie_tid_h=("ordinarie_tid_h", "sum"),
                antal_anstallda=("anstalld", "nunique")).reset_index()
    out["undertryckt"] = out["antal_anstallda"] <= MIN_GROUP
    pct = 100.0 * out["sjuk_h"] / out["ordinarie_tid_h"]
    out["procent"] = pct.where(~out["undertryckt"])
    out["ar"] = out["period"] // 100
    out["manad"] = out["period"] % 100
    return out


def manadsserie(personal: pd.DataFrame, forvaltning: str | None = None,
                till: Period | str | None = None) -> pd.DataFrame:
    """The monthly sick-leave rate for a förvaltning or the whole kommun.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows.
    forvaltning : str, optional
        ``None`` means the whole kommun.
    till : Period or str, optional
        Leave out months after this one (the report month).

    Returns
    -------
    DataFrame
        ``period`` (yyyymm), ``ar``, ``manad``, ``procent`` (NaN when the month has
        :data:`MIN_GROUP` or fewer employees), ``antal_anstallda``, ``undertryckt``;
        one row per month with data, in time order.
    """
    rows = personal
    if forvaltning is not None:
        rows = rows[rows["forvaltning"] == forvaltning]
    if till is not None:
        rows = rows[rows["period"] <= Period.parse(till).code]
    out = _monthly(rows[["period", "anstalld", "sjuk_h", "ordinarie_tid_h"]], ["period"])
    return out[["period", "ar", "manad", "procent", "antal_anstallda", "undertryckt"]]


def manadsserie_alla(personal: pd.DataFrame, forvaltningar: Iterable[str] | None = None
                     ) -> pd.DataFrame:
    """The monthly rate of every förvaltning in one pass (columns as :func:`manadsserie`
    plus ``forvaltning``)."""
    rows = personal[["period", "forvaltning", "anstalld", "sjuk_h", "ordinarie_tid_h"]]
    if forvaltningar is not None:
        rows = rows[rows["forvaltning"].isin(list(forvaltningar))]
    out = _monthly(rows, ["forvaltning", "period"])
    out["forvaltning"] = out["forvaltning"].astype(str)
    return out[["forvaltning", "period", "ar", "manad", "procent", "antal_anstallda",
                "undertryckt"]]


def manadstrend(personal: pd.DataFrame, period: Period | str,
                forvaltning: str | None = None, ar: int = 5) -> pd.DataFrame:
    """The published "Tabell 1.1": the monthly rate this year against the years before.

    Returns a tidy frame ``ar``, ``manad``, ``procent`` for the report year (up to the
    report month) and the ``ar − 1`` years before it (all their months with data).
    Suppressed months have ``procent`` NaN.
    """
    period = Period.parse(period)
    s = manadsserie(personal, forvaltning, till=period)
    s = s[s["ar"] > period.year - ar]
    return s[["ar", "manad", "procent"]].reset_index(drop=True)


def hittills_i_ar(personal: pd.DataFrame, period: Period | str,
                  forvaltning: str | None = None) -> dict:
    """Year to date against the same months last year.

    Only months of the period that have data this year are compared, with the same
    months of the year before.

    Returns
    -------
    dict
        ``procent``, ``procent_foregaende`` (NaN when suppressed or missing),
        ``skillnad`` (procentenheter, this year − last year), ``manader`` (yyyymm codes
        this year), ``ar``, ``undertryckt`` (either year suppressed).
    """
    period = Period.parse(period)
    present = set(np.unique(personal["period"]).tolist())
    months = [m for m in period.month_codes if m in present]
    prev = [m - 100 for m in months if (m - 100) in present]
    nt = compute_nyckeltal(personal, months, forvaltning).set_index("nyckeltal")
    pct = float(nt.loc["total", "procent"]) if months else math.nan
    if prev:
        nt_p = compute_nyckeltal(personal, prev, forvaltning).set_index("nyckeltal")
        pct_p = float(nt_p.loc["total", "procent"])
    else:
        pct_p = math.nan
    return {"procent": pct, "procent_foregaende": pct_p, "skillnad": pct - pct_p,
            "manader": months, "ar": period.year,
            "undertryckt": bool(np.isnan(pct) or np.isnan(pct_p))}


def forandring_per_forvaltning(personal: pd.DataFrame, period: Period | str,
                               forvaltningar: Sequence[str]) -> pd.DataFrame:
    """Year to date per förvaltning: ``forvaltning``, ``procent``, ``procent_foregaende``,
    ``skillnad`` (procentenheter). Suppressed förvaltningar have NaN."""
    rows = []
    for forv in forvaltningar:
        h = hittills_i_ar(personal, period, forv)
        rows.append({"forvaltning": forv, "procent": h["procent"],
                     "procent_foregaende": h["procent_foregaende"], "skillnad": h["skillnad"]})
    return pd.DataFrame(rows, columns=["forvaltning", "procent", "procent_foregaende",
                                       "skillnad"])


# --------------------------------------------------------------------------------------
# Season, trend change and forecast
# --------------------------------------------------------------------------------------

def _values(serie: pd.DataFrame | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values and yyyymm codes of a monthly series; checks it is complete and long enough."""
    if isinstance(serie, pd.DataFrame):
        codes = serie["period"].to_numpy()
        y = serie["procent"].to_numpy(dtype=float)
    else:
        codes = np.asarray(serie.index)
        y = serie.to_numpy(dtype=float)
    if len(y) < MIN_MANADER:
        raise SerieError(f"Serien har {len(y)} månader; minst {MIN_MANADER} behövs.")
    if np.isnan(y).any():
        raise SerieError("Serien har månader som inte redovisas (för få anställda).")
    idx = (codes // 100) * 12 + codes % 100
    if np.any(np.diff(idx) != 1):
        raise SerieError("Serien saknar månader.")
    return y, codes


def kan_analyseras(serie: pd.DataFrame | pd.Series) -> bool:
    """Whether STL, the trend-change test and the forecast can be run on ``serie``."""
    try:
        _values(serie)
    except SerieError:
        return False
    return True


def sasongsuppdelning(serie: pd.DataFrame | pd.Series, robust: bool = True) -> pd.DataFrame:
    """Split the monthly series into trend, season and remainder with STL (period 12).

    Parameters
    ----------
    serie : DataFrame or Series
        :func:`manadsserie` output, or a Series of percentages indexed by yyyymm.
    robust : bool, default True
        Robust STL (a single odd month does not bend the trend).

    Returns
    -------
    DataFrame
        ``period``, ``observerad``, ``trend``, ``sasong``, ``rest``, ``sasongsrensad``
        (observed − season).
    """
    from statsmodels.tsa.seasonal import STL

    y, codes = _values(serie)
    res = STL(y, period=12, robust=robust).fit()
    return pd.DataFrame({"period": codes, "observerad": y, "trend": res.trend,
                         "sasong": res.seasonal, "rest": res.resid,
                         "sasongsrensad": y - res.seasonal})


def trendforandring(serie: pd.DataFrame | pd.Series, manader: int = 12,
                    alpha: float = 0.05, fonster: int = 60) -> dict:
    """Has the level of sick leave really changed? The last ``manader`` months against
    the months before, allowing for the season and for autocorrelation.

    Model, on the last ``fonster`` months (at least :data:`MIN_MANADER`)::

        procent_t = Σ_m s_m · [månad_t = m] + b · D_t + u_t,   u_t = φ u_(t−1) + e_t

    with ``D_t`` = 1 in the last ``manader`` months: the month dummies take out the
    season and ``b`` is the level shift in procentenheter. The AR(1) errors carry the
    autocorrelation of monthly values; the model is fitted by maximum likelihood
    (``SARIMAX`` with exogenous regressors) and the interval and p-value use its
    standard errors.

    As a cross-check the same regression is fitted by OLS with Newey–West (HAC)
    standard errors (``cov_type="HAC"``, Bartlett kernel, ``maxlags`` =
    ⌊4 (T/100)^(2/9)⌋, small-sample correction, t distribution): ``p_varde_hac``,
    ``ci_lag_hac``, ``ci_hog_hac``. Why not HAC as the main test: in simulations with 60
    months of seasonal data without any change, HAC rejected at the 5 % level in
    13 % (independent noise) to 23 % (AR(1), φ = 0.5) of the series — too many false
    alarms with this few months — against 9–10 % for the AR(1) model (and 17–27 % for
    HAC on the STL-adjusted last 24 months). Neither is exact: read a p-value near
    0.05 as "unclear".

    ``medel_fore`` and ``medel_senaste`` are descriptive: the mean of the STL
    seasonally adjusted series in the ``manader`` months before and the last ``manader``.

    Returns
    -------
    dict
        ``forandring`` (procentenheter), ``ci_lag``, ``ci_hog`` (the ``1 − alpha``
        interval), ``p_varde``, ``signifikant`` (p < alpha), ``p_varde_hac``,
        ``ci_lag_hac``, ``ci_hog_hac``, ``medel_fore``, ``medel_senaste``, ``manader``,
        ``antal_manader`` (months used), ``metod`` (a sentence in Swedish).
    """
    import statsmodels.api as sm
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y_all, codes_all = _values(serie)
    dec = sasongsuppdelning(serie)
    sa = dec["sasongsrensad"].to_numpy()
    y, codes = y_all[-fonster:], codes_all[-fonster:]
    t = len(y)
    month = codes % 100 - 1
    x = np.column_stack([np.eye(12)[month], np.r_[np.zeros(t - manader), np.ones(manader)]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(y, exog=x, order=(1, 0, 0)).fit(disp=False)
    b = float(fit.params[12])
    lo, hi = np.asarray(fit.conf_int(alpha))[12]
    p = float(fit.pvalues[12])
    maxlags = max(1, int(math.floor(4 * (t / 100) ** (2 / 9))))
    hac = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags,
                                                     "use_correction": True}, use_t=True)
    lo_h, hi_h = hac.conf_int(alpha)[12]
    return {"forandring": b, "ci_lag": float(lo), "ci_hog": float(hi), "p_varde": p,
            "signifikant": p < alpha, "p_varde_hac": float(hac.pvalues[12]),
            "ci_lag_hac": float(lo_h), "ci_hog_hac": float(hi_h),
            "medel_fore": float(sa[-2 * manader:-manader].mean()),
            "medel_senaste": float(sa[-manader:].mean()), "manader": manader,
            "antal_manader": t,
            "metod": (f"Regression på de senaste {t} månaderna med en nivå per kalendermånad "
                      f"(säsong) och ett nivåskifte för de senaste {manader} månaderna. "
                      "Osäkerheten tar hänsyn till att närliggande månader samvarierar "
                      "(AR(1)-fel; jämförelse med Newey–West-standardfel: p = "
                      f"{_tal(float(hac.pvalues[12]), 3)}).")}


def prognos(serie: pd.DataFrame | pd.Series, steg: int = 6) -> pd.DataFrame:
    """Forecast the coming ``steg`` months with 80 % and 95 % prediction intervals.

    SARIMAX (1,0,0)(0,1,1)₁₂ fitted by maximum likelihood on the whole monthly series.
    The intervals are cut at 0 (a rate cannot be negative), which keeps them ordered:
    ``lag95 ≤ lag80 ≤ prognos ≤ hog80 ≤ hog95``.

    Returns
    -------
    DataFrame
        ``period`` (yyyymm), ``ar``, ``manad``, ``prognos``, ``lag80``, ``hog80``,
        ``lag95``, ``hog95``.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y, codes = _values(serie)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SARIMAX(y, order=(1, 0, 0), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
        fc = fit.get_forecast(steg)
    mean = np.asarray(fc.predicted_mean, dtype=float)
    ci80 = np.asarray(fc.conf_int(alpha=0.20), dtype=float)
    ci95 = np.asarray(fc.conf_int(alpha=0.05), dtype=float)
    last = int(codes[-1])
    n = (last // 100) * 12 + last % 100 - 1 + np.arange(1, steg + 1)
    future = (n // 12) * 100 + n % 12 + 1
    out = pd.DataFrame({"period": future, "ar": future // 100, "manad": future % 100,
                        "prognos": mean, "lag80": ci80[:, 0], "hog80": ci80[:, 1],
                        "lag95": ci95[:, 0], "hog95": ci95[:, 1]})
    num = ["prognos", "lag80", "hog80", "lag95", "hog95"]
    out[num] = out[num].clip(lower=0.0)
    return out


# --------------------------------------------------------------------------------------
# Frisknärvaro and korttidsfrånvaro per förvaltning and kön
# --------------------------------------------------------------------------------------

def _secondary_suppression(df: pd.DataFrame) -> pd.DataFrame:
    """When exactly one kön of a förvaltning is suppressed, suppress the other too:
    otherwise the hidden one could be worked out from the total and the shown one."""
    df = df.copy()
    for forv, grp in df.groupby("forvaltning", sort=False):
        kon = grp[grp["kon"].isin(list(KON_TEXT.values()))]
        if kon["undertryckt"].sum() == 1:
            idx = kon.index
            df.loc[idx, "undertryckt"] = True
            df.loc[idx, "procent"] = np.nan
    return df


def _forvaltning_kon_groups(rows: pd.DataFrame, forvaltningar: Iterable[str]):
    """(förvaltning label, kön label, rows) for the kommun and each förvaltning, each
    as a whole and per kön."""
    for forv in [None, *forvaltningar]:
        sel = rows if forv is None else rows[rows["forvaltning"] == forv]
        label = "Hela kommunen" if forv is None else forv
        for kon, text in [(None, "Totalt"), *KON_TEXT.items()]:
            yield label, text, (sel if kon is None else sel[sel["kon"] == kon])


def frisknarvaro_per_kon(personal: pd.DataFrame, months: Iterable[int],
                         forvaltningar: Sequence[str], max_dagar: int = 8) -> pd.DataFrame:
    """Frisknärvaro (% of employees with fewer than ``max_dagar`` sick days over
    ``months``) per förvaltning and kön, and for the whole kommun.

    Uses :func:`analysis.sickleave.compute_frisknarvaro` for each group. Groups of
    :data:`MIN_GROUP` or fewer employees are suppressed; when one kön of a förvaltning
    is suppressed the other is too (so that it cannot be derived from the total).

    Returns
    -------
    DataFrame
        ``forvaltning`` (``Hela kommunen`` for the kommun), ``kon`` (``Totalt``,
        ``Kvinnor``, ``Män``), ``procent``, ``antal_anstallda``, ``undertryckt``.
    """
    months = list(months)
    rows = personal[personal["period"].isin(months)]
    out = []
    for label, text, part in _forvaltning_kon_groups(rows, forvaltningar):
        fr = compute_frisknarvaro(part, months, None, max_dagar)
        out.append({"forvaltning": label, "kon": text, "procent": fr["procent"],
                    "antal_anstallda": fr["antal_anstallda"],
                    "undertryckt": fr["antal_anstallda"] <= MIN_GROUP})
    return _secondary_suppression(pd.DataFrame(out))


def korttid_tillganglig(personal: pd.DataFrame, months: Iterable[int] | None = None) -> bool:
    """Whether ``sjuk_h_kort`` is present (not NaN) in every row of ``months``."""
    if "sjuk_h_kort" not in personal.columns:
        return False
    rows = personal if months is None else personal[personal["period"].isin(list(months))]
    rows = rows[rows["ordinarie_tid_h"] > 0]
    return bool(len(rows)) and not rows["sjuk_h_kort"].isna().any()


def korttid_per_kon(personal: pd.DataFrame, months: Iterable[int],
                    forvaltningar: Sequence[str]) -> pd.DataFrame | None:
    """Korttidsfrånvaro (spells of at most 14 days): 100 × Σ sjuk_h_kort / Σ
    ordinarie_tid_h over rows with ordinarie_tid_h > 0, per förvaltning and kön.

    Returns ``None`` when the column is missing or empty for the months (the kommun's
    HR system does not deliver it). Otherwise the columns of
    :func:`frisknarvaro_per_kon`, with the same suppression.
    """
    months = list(months)
    if not korttid_tillganglig(personal, months):
        return None
    rows = personal[personal["period"].isin(months) & (personal["ordinarie_tid_h"] > 0)]
    out = []
    for label, text, part in _forvaltning_kon_groups(rows, forvaltningar):
        n = int(part["anstalld"].nunique())
        den = float(part["ordinarie_tid_h"].sum())
        supp = n <= MIN_GROUP
        pct = np.nan if supp or den <= 0 else 100.0 * float(part["sjuk_h_kort"].sum()) / den
        out.append({"forvaltning": label, "kon": text, "procent": pct,
                    "antal_anstallda": n, "undertryckt": supp})
    return _secondary_suppression(pd.DataFrame(out))


def som_tabell(df: pd.DataFrame) -> pd.DataFrame:
    """Per förvaltning × kön (long) as a report table: one row per förvaltning,
    columns ``Totalt``, ``Kvinnor``, ``Män`` (percent, NaN when suppressed)."""
    wide = df.pivot(index="forvaltning", columns="kon", values="procent")
    order = list(dict.fromkeys(df["forvaltning"]))
    wide = wide.reindex(index=order, columns=["Totalt", "Kvinnor", "Män"])
    wide = wide.reset_index().rename(columns={"forvaltning": "Förvaltning"})
    wide.columns.name = None
    return wide


# --------------------------------------------------------------------------------------
# Commentary
# --------------------------------------------------------------------------------------

def _tal(x: float, decimals: int = 1) -> str:
    return format_number(x, decimals)


def _manadstext(months: Sequence[int]) -> str:
    first, last = MONTH_NAMES[months[0] % 100 - 1], MONTH_NAMES[months[-1] % 100 - 1]
    return first if first == last else f"{first}–{last}"


def jamforelse_text(procent: float, skillnad: float, manader: Sequence[int],
                    ar_foregaende: int, vem: str = "Sjukfrånvaron") -> str:
    """One sentence: the rate of the period and the change from the same period last year.

    >>> jamforelse_text(7.14, -2.1, [202301, 202302, 202303], 2022)
    'Sjukfrånvaron för januari–mars är 7,1 procent, 2,1 procentenheter lägre än samma period 2022.'
    """
    head = f"{vem} för {_manadstext(manader)} är {_tal(procent)} procent"
    if np.isnan(skillnad):
        return head + f"; jämförelse med samma period {ar_foregaende} saknas."
    if abs(skillnad) < OFORANDRAD:
        return head + f", oförändrat jämfört med samma period {ar_foregaende}."
    riktning = "högre" if skillnad > 0 else "lägre"
    return head + (f", {_tal(abs(skillnad))} procentenheter {riktning} "
                   f"än samma period {ar_foregaende}.")


def forvaltning_text(forandring: pd.DataFrame) -> str:
    """Name the förvaltningar with the largest increase and decrease (suppressed
    förvaltningar, NaN, are never named)."""
    ok = forandring.dropna(subset=["skillnad"])
    up = ok[ok["skillnad"] >= OFORANDRAD].sort_values("skillnad", ascending=False)
    down = ok[ok["skillnad"] <= -OFORANDRAD].sort_values("skillnad")
    parts = []
    if len(up):
        r = up.iloc[0]
        parts.append(f"Störst ökning har {r['forvaltning']} "
                     f"(+{_tal(r['skillnad'])} procentenheter)")
    if len(down):
        r = down.iloc[0]
        parts.append(f"störst minskning {r['forvaltning']} "
                     f"(−{_tal(abs(r['skillnad']))} procentenheter)" if parts else
                     f"Störst minskning har {r['forvaltning']} "
                     f"(−{_tal(abs(r['skillnad']))} procentenheter)")
    if not parts:
        return "" if ok.empty else "Sjukfrånvaron är i stort sett oförändrad i alla förvaltningar."
    text = ", ".join(parts) + "."
    if len(ok) and not len(down):
        text += " Ingen förvaltning har minskat sin sjukfrånvaro."
    elif len(ok) and not len(up):
        text = text + " Ingen förvaltning har ökat sin sjukfrånvaro."
    return text


def trend_text(res: dict) -> str:
    """The trend-change result in words, with its 95 % interval."""
    b = res["forandring"]
    if abs(b) < OFORANDRAD:
        niva = "i stort sett oförändrad"
    else:
        niva = (f"{_tal(abs(b))} procentenheter {'högre' if b > 0 else 'lägre'}")
    ci = f"{_tal(res['ci_lag'])} till {_tal(res['ci_hog'])}"
    slut = ("Förändringen är statistiskt säkerställd." if res["signifikant"] else
            "Förändringen kan vara slumpmässig (inte statistiskt säkerställd).")
    fore = res.get("antal_manader", 2 * res["manader"]) - res["manader"]
    return (f"Rensat för säsong är sjukfrånvaron de senaste {res['manader']} månaderna "
            f"{niva} än under de {fore} månaderna före "
            f"(95 % konfidensintervall {ci} procentenheter, p = {_tal(res['p_varde'], 2)}). "
            + slut)


def kommentar(personal: pd.DataFrame, period: Period | str, forvaltning: str | None = None,
              forvaltningar: Sequence[str] | None = None, trend: dict | None = None) -> str:
    """Swedish commentary generated from the numbers.

    Parameters
    ----------
    personal : DataFrame
        Processed ``sjukfranvaro`` rows.
    period : Period or str
        The report month.
    forvaltning : str, optional
        ``None`` = the whole kommun.
    forvaltningar : list of str, optional
        For the kommun: the förvaltningar to compare (largest increase and decrease).
    trend : dict, optional
        :func:`trendforandring` output, described in a last sentence.

    Returns
    -------
    str
        A few sentences; suppressed groups are never mentioned with a number.
    """
    period = Period.parse(period)
    h = hittills_i_ar(personal, period, forvaltning)
    vem = "Sjukfrånvaron" if forvaltning is None else f"Sjukfrånvaron i {forvaltning}"
    if not h["manader"]:
        return f"Det finns ingen personaldata för {period.range_text} {period.year}."
    if np.isnan(h["procent"]):
        return (f"{vem} redovisas inte för perioden eftersom gruppen har "
                f"{MIN_GROUP} eller färre anställda.")
    parts = [jamforelse_text(h["procent"], h["skillnad"], h["manader"], period.year - 1, vem)]
    if forvaltning is None and forvaltningar:
        text = forvaltning_text(forandring_per_forvaltning(personal, period, forvaltningar))
        if text:
            parts.append(text)
    if trend is not None:
        parts.append(trend_text(trend))
    return " ".join(parts)


# --------------------------------------------------------------------------------------
# Charts (matplotlib Figure, no pyplot)
# --------------------------------------------------------------------------------------

_BLUE, _GREY, _ORANGE, _GREEN = "#1f4e79", "#9aa9b8", "#c55a11", "#2e7d32"


_procent = swedish_decimal


def _style(ax, title: str, ylabel: str = "procent") -> None:
    style_axes(ax, title, ylabel, formatter=swedish_decimal, legend_size=8)


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
        ax.plot(range(1, 13), d.to_numpy(), color=_BLUE if last else _GREY,
                linewidth=2.2 if last else 1.0, alpha=1 if last else 0.4 + 0.5 * (
                    (year - years[0]) / max(1, len(years) - 1)),
                marker="o" if last else None, markersize=3, label=str(year))
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
    ax1.plot(x, dec["sasongsrensad"], color=_BLUE, linewidth=1, linestyle=":",
             label="Säsongsrensat")
    ax1.plot(x, dec["trend"], color=_ORANGE, linewidth=2, label="Trend (STL)")
    _year_ticks(ax1, dec["period"].to_numpy())
    _style(ax1, titel)
    ax2.bar(x, dec["sasong"], color=_GREY, width=0.8, label="Säsong")
    _year_ticks(ax2, dec["period"].to_numpy())
    _style(ax2, "Säsongsmönster", "procentenheter")
    fig.tight_layout()
    return fig


def diagram_prognos(serie: pd.DataFrame, prog: pd.DataFrame, titel: str,
                    manader: int = 36) -> Figure:
    """The last ``manader`` months and the forecast with 80 % and 95 % intervals."""
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    hist = serie.tail(manader)
    xh = _x(hist["period"].to_numpy())
    xp = _x(prog["period"].to_numpy())
    ax.plot(xh, hist["procent"], color=_BLUE, marker="o", markersize=2.5, label="Utfall")
    ax.fill_between(xp, prog["lag95"], prog["hog95"], color=_GREEN, alpha=0.15,
                    label="95 % intervall")
    ax.fill_between(xp, prog["lag80"], prog["hog80"], color=_GREEN, alpha=0.3,
                    label="80 % intervall")
    ax.plot(np.r_[xh[-1:], xp], np.r_[hist["procent"].to_numpy()[-1:], prog["prognos"]],
            "--", color=_GREEN, label="Prognos")
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
