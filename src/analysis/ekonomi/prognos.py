"""Full-year forecasts of a nämnd's net and how far they can be trusted.

All amounts are in the report sign (revenues +, costs −, net cost negative) and in tkr
unless a name says otherwise.

* **Full-year forecasts** (:func:`helarsprognoser`): ``manuell`` (the ekonom's latest
  forecast at or before the month), ``arstakt`` (utfall / months × 12),
  ``aterstaende_budget`` (utfall + the remaining periodised budget), ``sasongsprofil``
  (utfall / the average share of the annual outcome reached by this month in the prior
  ``n_ar`` years), ``modell`` (:func:`sasongsmodell`: utfall + this year's level × the
  past years' average remaining months) and ``ets`` (the point forecast of an ETS model
  with additive errors and 12-month seasonality,
  :class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`; its convergence problems
  and failed fits are reported in ``attrs['anmarkningar']``, never swallowed).
* **Intervals** (only ``modell``, :func:`modellintervall`): calibrated on the unit's own
  history — every complete past year is forecast at the same month from the other past
  years, the errors are scaled by the size of the year (the larger of the estimated
  gross flow and |budget|), and the interval is forecast ± t(n − 1) × their root mean
  square × this year's size; its bounds are the columns ``nedre_80``, ``ovre_80``,
  ``nedre_95`` and ``ovre_95``. The back-test (:func:`prognossakerhet`) reports how often
  the 80 % and 95 % intervals held the real year-end outcome. (ETS's own simulated
  intervals were dropped: in the sample's back-test, 2021–2022, every month and unit,
  they held the outcome in 53 % and 73 % of 462 cases; the model's hold it in 83 % and
  95 % of 440.)

The deviation tables and periodisation keys are in :mod:`analysis.ekonomi.avvikelse`; the
tables and the chart for display in :mod:`analysis.rapport.ekonomi`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError
from analysis.core.format import mkr
from analysis.core.period import Period
from analysis.ekonomi.avvikelse import anvandbart_ar, hela_ar, kumulativ_andel, manadsnetto
from analysis.ekonomi.drift import budget_helar_tkr, senaste_prognos_kr
from analysis.io.dataset import Dataset

#: The forecast methods and their names in the reports.
METODER = {
    "manuell": "Ekonomens prognos",
    "arstakt": "Årstakt (utfall/månader × 12)",
    "aterstaende_budget": "Utfall + återstående budget",
    "sasongsprofil": "Säsongsprofil föregående år",
    "modell": "Statistisk modell (säsong, intervall från tidigare år)",
    "ets": "Exponentiell utjämning (ETS)",
}
#: The bounds of the 80 % and 95 % intervals.
INTERVALL_COLUMNS = ["nedre_80", "ovre_80", "nedre_95", "ovre_95"]
PROGNOS_COLUMNS = ["metod", "prognos_tkr", *INTERVALL_COLUMNS]


# --- full-year forecasts --------------------------------------------------------------
#: The method whose 80 % and 95 % intervals are calibrated (the others have none).
INTERVALL_METOD = "modell"
#: Complete past years the interval needs (its error spread has ``n − 1`` degrees of freedom).
MIN_AR_INTERVALL = 2


def sasongsmodell(
    historik: np.ndarray, hittills: np.ndarray, budget: float = 0.0
) -> tuple[float, float]:
    """The seasonal model's full-year forecast and the scale of its error.

    The monthly profile ``p`` is the mean of the past years' months; this year's level
    ``g`` is the least-squares factor of the months so far on the profile's months
    (``Σ x·p / Σ p²``, which is robust when the profile sums to about zero); the forecast
    is the year to date + ``g`` × the profile's remaining months. The scale is the size of
    the year: the larger of its estimated gross flow (Σ|months so far| + |g| × Σ|profile's
    remaining months|) and |annual budget|, so a unit with tiny flows and budget gets a
    tiny scale (and interval).

    Parameters
    ----------
    historik : array, shape (years, 12)
        The monthly net of complete past years.
    hittills : array, shape (m,)
        This year's months so far (1 ≤ m ≤ 12).
    budget : float
        The year's annual budget (same unit; 0 when there is none).

    Returns
    -------
    (float, float)
        The forecast and the scale, in the unit of the input; NaN without history.

    Examples
    --------
    >>> hist = np.array([[1.0] * 12, [2.0] * 12])
    >>> sasongsmodell(hist, np.array([3.0, 3.0]))
    (36.0, 36.0)
    """
    h = np.asarray(historik, dtype=float).reshape(-1, 12)
    x = np.asarray(hittills, dtype=float)
    m = len(x)
    if not len(h):
        return math.nan, math.nan
    p = h.mean(axis=0)
    pm = p[:m]
    den = float(pm @ pm)
    g = float(x @ pm) / den if den > 0 else 0.0
    point = float(x.sum()) + g * float(p[m:].sum())
    scale = max(float(np.abs(x).sum()) + abs(g) * float(np.abs(p[m:]).sum()), abs(budget))
    return point, scale


def modellintervall(
    historik: np.ndarray,
    hittills: np.ndarray,
    budgetar: Sequence[float] | None = None,
    budget: float = 0.0,
    nivaer: Sequence[float] = (0.80, 0.95),
) -> dict[str, float]:
    """The seasonal model's forecast with intervals calibrated on the unit's own history.

    Each complete past year is forecast at the same month from the other past years
    (leave-one-year-out); its error is divided by that forecast's scale
    (:func:`sasongsmodell`). With ``n`` such errors ``z`` the interval is
    forecast ± t(n − 1) quantile × √(mean z²) × this year's scale. The errors share
    data (each uses the other years' profile), so they carry about ``n − 1`` independent
    pieces of information; with ``n − 1`` degrees of freedom the intervals held the
    outcome close to the nominal share in simulations (see tests/test_prognos_*).

    ``budgetar`` are the past years' annual budgets (one per row of ``historik``, 0 when
    absent) and ``budget`` this year's; they enter the scale only.

    Returns
    -------
    dict
        ``prognos``, ``skala``, ``n`` (errors used) and ``nedre_80``, ``ovre_80``,
        ``nedre_95``, ``ovre_95`` (NaN with fewer than :data:`MIN_AR_INTERVALL` past years).
    """
    from scipy.stats import t as student_t

    h = np.asarray(historik, dtype=float).reshape(-1, 12)
    x = np.asarray(hittills, dtype=float)
    m = len(x)
    past = np.zeros(len(h)) if budgetar is None else np.asarray(budgetar, dtype=float)
    point, scale = sasongsmodell(h, x, budget)
    out = {"prognos": point, "skala": scale, "n": 0}
    for niva in nivaer:
        out[f"nedre_{round(niva * 100)}"] = out[f"ovre_{round(niva * 100)}"] = math.nan
    if m >= 12 and math.isfinite(point):  # nothing remains: the outcome is known
        for niva in nivaer:
            out[f"nedre_{round(niva * 100)}"] = out[f"ovre_{round(niva * 100)}"] = point
        return out
    z = []
    for i in range(len(h)):
        p_i, s_i = sasongsmodell(np.delete(h, i, axis=0), h[i, :m], float(past[i]))
        if math.isfinite(p_i) and s_i > 0:
            z.append((p_i - h[i].sum()) / s_i)
    out["n"] = len(z)
    if len(z) < MIN_AR_INTERVALL or not math.isfinite(point):
        return out
    spread = math.sqrt(float(np.mean(np.square(z)))) * scale
    for niva in nivaer:
        half = float(student_t.ppf(0.5 + niva / 2, len(z) - 1)) * spread
        out[f"nedre_{round(niva * 100)}"] = point - half
        out[f"ovre_{round(niva * 100)}"] = point + half
    return out


def _ets_forecast(series: np.ndarray, horizon: int, notes: list[str]) -> float | None:
    """The ETS point forecast of the sum of the next ``horizon`` months, or None.

    Convergence problems and failed fits are not hidden: statsmodels' warnings and the
    fitting errors are added to ``notes`` (Swedish) and the method is left out.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if horizon <= 0:
        return 0.0
    if len(series) < 24 + 1 or not np.isfinite(series).all():
        notes.append("ETS-modellen kräver minst 25 månaders historik och har inte beräknats.")
        return None
    scale = max(np.abs(series).mean(), 1e-9)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = ETSModel(
                series / scale, error="add", trend=None, seasonal="add", seasonal_periods=12
            )
            fit = model.fit(disp=False, maxiter=200)
            total = float(np.sum(fit.forecast(horizon))) * scale
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as e:
            notes.append(
                f"ETS-modellen kunde inte skattas ({type(e).__name__}: {e}); "
                "metoden redovisas inte."
            )
            return None
    retvals = getattr(fit, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    problems = {
        str(w.message).split("\n")[0]
        for w in caught
        if issubclass(w.category, (ConvergenceWarning, RuntimeWarning, UserWarning))
    }
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append(
            "ETS-modellens skattning konvergerade inte; dess prognos är osäker"
            + (f" ({'; '.join(sorted(problems))})." if problems else ".")
        )
    elif problems:
        notes.append(f"ETS-modellen gav varningar: {'; '.join(sorted(problems))}.")
    return total if math.isfinite(total) else None


def _historik(series: pd.Series, year: int) -> tuple[np.ndarray, list[int]]:
    """The complete past years (before ``year``) of a monthly series, years × 12."""
    if not len(series):
        return np.zeros((0, 12)), []
    first = int(series.index.min()) // 100
    years = hela_ar(series, range(first, year))
    return np.array(list(years.values())).reshape(-1, 12), list(years)


def _budgets_tkr(data: Dataset, namnd: str, years: Sequence[int]) -> list[float]:
    """The unit's annual drift budget (tkr, report sign) of each year; 0 when absent."""
    b = data.budget
    rows = b[(b["namnd"] == namnd) & (b["typ"] == "drift") & b["ar"].isin(list(years))]
    by_year = rows.groupby("ar")["belopp_kr"].sum() / 1000
    return [float(by_year.get(y, 0.0)) for y in years]


def helarsprognoser(
    data: Dataset,
    namnd: str,
    period: Period | str,
    n_ar: int = 3,
    metoder: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Full-year forecasts of a nämnd's net from the year to date (tkr, report sign).

    Only data up to ``period`` is used (utfall up to the month, forecasts made at or
    before it), so the function can be back-tested. The methods are described in the
    module docstring; a method that cannot be computed (e.g. too little history) has
    NaN values. Only :data:`INTERVALL_METOD` has intervals.

    Parameters
    ----------
    data : Dataset
    namnd : str
    period : Period or str
    n_ar : int
        Prior years for ``sasongsprofil``.
    metoder : list of str, optional
        A subset of :data:`METODER` (default all).

    Returns
    -------
    DataFrame
        :data:`PROGNOS_COLUMNS`: ``metod``, ``prognos_tkr``, ``nedre_80``, ``ovre_80``,
        ``nedre_95``, ``ovre_95``;
        ``attrs['anmarkningar']``: Swedish notes for under the table (a model that did
        not converge or could not be computed, an interval left out for lack of history).
    """
    period = Period.parse(period)
    metoder = list(metoder or METODER)
    unknown = [k for k in metoder if k not in METODER]
    if unknown:
        raise ArgumentError(
            "metoder", f"Okänd prognosmetod '{unknown[0]}'; välj bland {list(METODER)}."
        )
    m = period.month
    series = manadsnetto(data, namnd, upto=period.code)
    this_year = series[series.index // 100 == period.year] if len(series) else series
    months = this_year.reindex(
        [period.year * 100 + k for k in range(1, m + 1)], fill_value=0.0
    ).to_numpy(dtype=float)
    ytd = float(months.sum())
    notes: list[str] = []
    rows = []
    for metod in metoder:
        row = {"metod": metod, "prognos_tkr": np.nan, **dict.fromkeys(INTERVALL_COLUMNS, np.nan)}
        if metod == "manuell":
            row["prognos_tkr"] = senaste_prognos_kr(data, namnd, period, "drift") / 1000
        elif metod == "arstakt":
            row["prognos_tkr"] = ytd / m * 12
        elif metod == "aterstaende_budget":
            annual = budget_helar_tkr(data, namnd, period)
            share = kumulativ_andel(data, namnd, period, "drift", "fil")
            row["prognos_tkr"] = ytd + annual * (1 - share)
        elif metod == "sasongsprofil":
            shares = []
            for values in hela_ar(series, range(period.year - n_ar, period.year)).values():
                if anvandbart_ar(values):
                    shares.append(values[:m].sum() / values.sum())
            s = float(np.mean(shares)) if shares else np.nan
            if shares and abs(s) > 1e-6:
                row["prognos_tkr"] = ytd / s
        elif metod == "modell":
            hist, years = _historik(series, period.year)
            budgets = _budgets_tkr(data, namnd, [*years, period.year])
            res = modellintervall(hist, months, budgets[:-1], budgets[-1])
            row["prognos_tkr"] = res["prognos"]
            for c in INTERVALL_COLUMNS:
                row[c] = res[c]
            if not len(hist):
                notes.append(
                    "Den statistiska modellen behöver minst ett helt tidigare år "
                    "med utfall och har inte beräknats."
                )
            elif m < 12 and not math.isfinite(res["nedre_95"]):
                notes.append(
                    f"Den statistiska modellens osäkerhetsintervall kräver minst "
                    f"{MIN_AR_INTERVALL} hela tidigare år med utfall (finns "
                    f"{len(hist)}); intervallet redovisas inte."
                )
        elif metod == "ets":
            total = (
                _ets_forecast(series.to_numpy(dtype=float), 12 - m, notes) if len(series) else None
            )
            if total is not None:
                row["prognos_tkr"] = ytd + total
        rows.append(row)
    out = pd.DataFrame(rows, columns=PROGNOS_COLUMNS)
    out.attrs["anmarkningar"] = notes
    return out


def prognos_utanfor_intervall(prognoser: pd.DataFrame, niva: int = 95) -> str | None:
    """One sentence when the ekonom's forecast lies outside the model's interval, else None.

    Parameters
    ----------
    prognoser : DataFrame
        From :func:`helarsprognoser` (needs the rows ``manuell`` and
        :data:`INTERVALL_METOD`).
    niva : {80, 95}

    Returns
    -------
    str or None
        Swedish, amounts in mkr; None when the forecast is inside the interval or either
        is missing.
    """
    p = prognoser.set_index("metod")
    if "manuell" not in p.index or INTERVALL_METOD not in p.index:
        return None
    egen = float(p.loc["manuell", "prognos_tkr"])
    lo, hi = (float(p.loc[INTERVALL_METOD, f"{k}_{niva}"]) for k in ("nedre", "ovre"))
    if not all(math.isfinite(v) for v in (egen, lo, hi)) or lo <= egen <= hi:
        return None
    sida = "över" if egen > hi else "under"
    return (
        f"Ekonomens prognos ({mkr(egen, tecken=True)}) ligger {sida} den statistiska "
        f"modellens {niva}-procentiga intervall ({mkr(lo, tecken=True)} till "
        f"{mkr(hi, tecken=True)}), som bygger på nämndens egna tidigare år."
    )


# --- back-test ------------------------------------------------------------------------
DETALJ_COLUMNS = [
    "ar",
    "manad",
    "metod",
    "prognos_tkr",
    *INTERVALL_COLUMNS,
    "utfall_tkr",
    "fel_tkr",
    "inom80",
    "inom95",
]


def prognossakerhet_detaljer(
    data: Dataset,
    namnd: str,
    period: Period | str | None = None,
    manader: Sequence[int] = (4, 8),
    n_ar: int = 3,
    metoder: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each method's forecast at each delår month of each complete past year (tkr).

    Years before ``period``'s year (default: the last month with utfall) whose December
    has passed are used; the outcome is the year's net utfall. Each forecast uses only
    the data up to its own month (:func:`helarsprognoser`).

    Returns
    -------
    DataFrame
        :data:`DETALJ_COLUMNS`: ``fel_tkr`` = forecast − outcome; ``inom80``/``inom95``
        whether the interval held the outcome (NaN for a method or case without interval);
        ``attrs['anmarkningar']``: the notes of the forecasts, each once.
    """
    period = Period.parse(period) if period is not None else data.last_period
    series = manadsnetto(data, namnd, upto=period.code)
    rows = []
    notes: list[str] = []
    if len(series):
        first = int(series.index.min()) // 100
        for year in range(first, period.year):
            if year * 100 + 12 > period.code:
                continue
            outcome = float(series[series.index // 100 == year].sum())
            for month in manader:
                prog = helarsprognoser(data, namnd, Period(year, month), n_ar=n_ar, metoder=metoder)
                notes += [
                    f"{year}-{month:02d}: {n}"
                    for n in prog.attrs.get("anmarkningar", [])
                    if not n.startswith(
                        (
                            "Den statistiska modellens osäkerhetsintervall",
                            "Den statistiska modellen behöver",
                            "ETS-modellen kräver",
                        )
                    )
                ]
                for r in prog.itertuples(index=False):
                    rows.append(
                        {
                            "ar": year,
                            "manad": month,
                            "metod": r.metod,
                            "prognos_tkr": r.prognos_tkr,
                            "nedre_80": r.nedre_80,
                            "ovre_80": r.ovre_80,
                            "nedre_95": r.nedre_95,
                            "ovre_95": r.ovre_95,
                            "utfall_tkr": outcome,
                        }
                    )
    out = pd.DataFrame(rows, columns=DETALJ_COLUMNS[:8] + ["utfall_tkr"])
    out["fel_tkr"] = out["prognos_tkr"] - out["utfall_tkr"]
    tol = 1e-6  # tkr: an interval of width 0 holds an exact outcome
    for niva in (80, 95):
        lo, hi = out[f"nedre_{niva}"], out[f"ovre_{niva}"]
        inside = (lo - tol <= out["utfall_tkr"]) & (out["utfall_tkr"] <= hi + tol)
        out[f"inom{niva}"] = inside.astype(float).where(lo.notna() & hi.notna())
    out = out[DETALJ_COLUMNS]
    out.attrs["anmarkningar"] = list(dict.fromkeys(notes))
    return out


SAKERHET_COLUMNS = [
    "metod",
    "manad",
    "antal",
    "mae_tkr",
    "mae_procent",
    "antal_intervall",
    "traff80",
    "traff95",
]


def prognossakerhet(
    data: Dataset,
    namnd: str,
    period: Period | str | None = None,
    manader: Sequence[int] = (4, 8),
    n_ar: int = 3,
    metoder: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mean absolute error and interval coverage per method and delår month.

    Returns
    -------
    DataFrame
        :data:`SAKERHET_COLUMNS`: ``antal`` (forecasts compared), ``mae_tkr`` and
        ``mae_procent`` (mean of |error| / |outcome| × 100), ``antal_intervall`` (cases
        with an interval) and ``traff80``/``traff95``: the share (0–1) of those cases in
        which the 80 % and 95 % interval held the real year-end outcome (NaN without
        intervals). Methods with no forecast in any year are left out.
        ``attrs['anmarkningar']`` as :func:`prognossakerhet_detaljer`.
    """
    d = prognossakerhet_detaljer(data, namnd, period, manader, n_ar, metoder)
    notes = d.attrs.get("anmarkningar", [])
    d = d[np.isfinite(d["fel_tkr"])]
    if d.empty:
        out = pd.DataFrame(columns=SAKERHET_COLUMNS)
        out.attrs["anmarkningar"] = notes
        return out
    d = d.assign(
        abs_fel=d["fel_tkr"].abs(),
        pct=d["fel_tkr"].abs() / d["utfall_tkr"].abs().where(d["utfall_tkr"] != 0) * 100,
    )
    out = (
        d.groupby(["metod", "manad"], sort=False)
        .agg(
            antal=("abs_fel", "size"),
            mae_tkr=("abs_fel", "mean"),
            mae_procent=("pct", "mean"),
            antal_intervall=("inom95", "count"),
            traff80=("inom80", "mean"),
            traff95=("inom95", "mean"),
        )
        .reset_index()
    )
    order = {k: i for i, k in enumerate(METODER)}
    out = out.sort_values(
        ["manad", "metod"], key=lambda s: s.map(order) if s.name == "metod" else s
    ).reset_index(drop=True)[SAKERHET_COLUMNS]
    out.attrs["anmarkningar"] = notes
    return out


#: Fewer back-test cases than this give no träffsäkerhet (one or two cases say nothing
#: about how often an interval holds).
MIN_FALL_TRAFF = 5
