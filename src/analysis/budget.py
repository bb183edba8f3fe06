"""Budgetuppföljning för en nämnd: avvikelsetabeller, periodiseringsnycklar, prognoser.

All amounts are in the report sign (revenues +, costs −, net cost negative) and in tkr
unless a name says otherwise; every ``avvikelse`` is positive when better than budget.

Choices (documented here and in the notebook):

* **Kontogrupp** comes from the kontoplan when the kommun has one (an account outside
  every range is ``Ej i kontoplanen``), else from the Kommun-Bas default
  :data:`KOMMUN_BAS` (3 intäkter, 4 material och tjänster, 5 personalkostnader, 6–7
  övriga kostnader, 78 avskrivningar, 80 skatteintäkter, 82 generella statsbidrag och
  utjämning, 84 finansiella intäkter, 85 finansiella kostnader; other accounts
  ``Övriga konton``).
* **Periodised budget per row** = the row's annual budget × the nämnd's cumulative
  periodisation weight (the weights are per nämnd, so the rows sum to the nämnd's
  ``budget_period`` of :func:`analysis.economy.compute_driftsredovisning`).
* **Forecast per row.** The ekonom's forecast is one net total per nämnd. Its deviation
  from the annual budget is distributed over the rows *in proportion to the absolute
  size of each row's period deviation* (rows without a period deviation get nothing;
  if no row deviates, in proportion to |annual budget|, and if that is zero too, all of
  it goes to the first row). So ``prognos_helar`` of a row = its annual budget + its
  share of the forecast deviation, and the rows sum exactly to the nämnd's forecast.
  The allocation is an *estimate*, not the ekonom's own breakdown.
* **Full-year forecasts** (:func:`helarsprognoser`): ``manuell`` (the ekonom's latest
  forecast at or before the month), ``arstakt`` (utfall / months × 12),
  ``aterstaende_budget`` (utfall + the remaining periodised budget), ``sasongsprofil``
  (utfall / the average share of the annual outcome reached by this month in the prior
  ``n_ar`` years) and ``ets`` (an ETS model with additive errors and additive
  12-month seasonality, :class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`,
  fitted on the monthly history up to the month; the remaining months are simulated
  2 000 times from the fitted model and the 80 % and 95 % intervals are the quantiles of
  utfall to date + the simulated sum of the remaining months).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .dataset import Dataset
from .economy import annual_budget_kr, periodisation_weights, prognoses_kr
from .loaders import konto_key
from .period import MONTH_NAMES, Period

#: The default Kommun-Bas mapping: (account prefix, kontogrupp); the longest prefix wins.
KOMMUN_BAS: tuple[tuple[str, str], ...] = (
    ("3", "Verksamhetens intäkter"),
    ("4", "Material och tjänster"),
    ("5", "Personalkostnader"),
    ("6", "Övriga kostnader"),
    ("7", "Övriga kostnader"),
    ("78", "Avskrivningar"),
    ("80", "Skatteintäkter"),
    ("82", "Generella statsbidrag och utjämning"),
    ("84", "Finansiella intäkter"),
    ("85", "Finansiella kostnader"),
)
OVRIGA_KONTON = "Övriga konton"
EJ_I_KONTOPLAN = "Ej i kontoplanen"
EJ_ANGIVEN = "Ej angiven"
EJ_FORDELAT = "Ej fördelat"
TOTALT = "Totalt"

AVVIKELSE_COLUMNS = ["utfall_period", "budget_period", "avvikelse_period",
                     "prognos_helar", "budget_helar", "avvikelse_helar"]
#: Swedish column labels for display.
LABELS = {
    "kontogrupp": "Kontogrupp", "verksamhet": "Verksamhet", "projekt": "Projekt",
    "utfall_period": "Utfall perioden", "budget_period": "Budget perioden",
    "avvikelse_period": "Avvikelse perioden", "prognos_helar": "Prognos helår",
    "budget_helar": "Budget helår", "avvikelse_helar": "Avvikelse helår",
}
NYCKLAR = ("fil", "tolftedelar", "historisk")
METODER = {
    "manuell": "Ekonomens prognos",
    "arstakt": "Årstakt (utfall/månader × 12)",
    "aterstaende_budget": "Utfall + återstående budget",
    "sasongsprofil": "Säsongsprofil föregående år",
    "ets": "Statistisk modell (ETS)",
}
PROGNOS_COLUMNS = ["metod", "prognos_tkr", "lo80", "hi80", "lo95", "hi95"]


# --- kontogrupper ---------------------------------------------------------------------
def kontogrupp(data: Dataset, konto: Sequence[int] | np.ndarray | pd.Series) -> np.ndarray:
    """The kontogrupp (report line) of each account.

    Parameters
    ----------
    data : Dataset
        Its ``kontoplan`` is used when present.
    konto : array-like of int
        Kommun-Bas accounts with 3–5 digits.

    Returns
    -------
    numpy.ndarray of str
    """
    konto = np.asarray(konto, dtype=np.int64)
    plan = data.frames.get("kontoplan")
    if plan is not None and len(plan):
        order = plan.sort_values("_lo")
        lo, hi = order["_lo"].to_numpy(), order["_hi"].to_numpy()
        grupp = order["grupp"].astype(str).to_numpy()
        key = konto_key(konto)
        i = np.searchsorted(lo, key, side="right") - 1
        ok = (i >= 0) & (key <= hi[np.clip(i, 0, None)])
        return np.where(ok, grupp[np.clip(i, 0, None)], EJ_I_KONTOPLAN).astype(object)
    out = np.full(len(konto), OVRIGA_KONTON, dtype=object)
    text = konto.astype(str)
    for prefix, name in sorted(KOMMUN_BAS, key=lambda p: len(p[0])):
        out[np.char.startswith(text.astype(str), prefix)] = name
    return out


# --- periodisation keys ---------------------------------------------------------------
def _monthly_net(data: Dataset, namnd: str, upto: int | None = None) -> pd.Series:
    """Monthly net utfall of a unit (tkr) indexed by period code, every calendar month
    from the first posting to ``upto`` (months without postings are 0)."""
    u = data.utfall
    rows = u.loc[u["namnd"] == namnd, ["period", "belopp_kr"]]
    if upto is not None:
        rows = rows[rows["period"] <= upto]
    if rows.empty:
        return pd.Series(dtype=float)
    s = rows.groupby("period")["belopp_kr"].sum() / 1000
    first, last = int(s.index.min()), int(upto if upto is not None else s.index.max())
    codes = [y * 100 + m for y in range(first // 100, last // 100 + 1) for m in range(1, 13)
             if first <= y * 100 + m <= last]
    return s.reindex(codes, fill_value=0.0).astype(float)


def _year_matrix(series: pd.Series, years: Sequence[int]) -> dict[int, np.ndarray]:
    """Twelve monthly values per year, for years whose 12 months lie in ``series``."""
    out = {}
    for y in years:
        codes = [y * 100 + m for m in range(1, 13)]
        if len(series) and codes[0] >= series.index.min() and codes[-1] <= series.index.max():
            out[y] = series.reindex(codes).to_numpy(dtype=float)
    return out


def _usable(values: np.ndarray) -> bool:
    """A year's monthly profile is usable when its net is not (almost) zero: at least
    0,1 % of the gross Σ|month| (else the shares are meaningless and explode)."""
    total = float(values.sum())
    return abs(total) > 1e-3 * float(np.abs(values).sum()) and abs(total) > 1e-9


def historiska_vikter(data: Dataset, namnd: str, year: int, n_ar: int = 3) -> np.ndarray:
    """Each month's share of the annual net, averaged over the ``n_ar`` years before.

    Years without twelve months of history, or whose annual net is (almost) zero (below
    0,1 % of Σ|month|), are skipped; without any usable year the key is twelfths. The weights sum to 1.

    Parameters
    ----------
    data : Dataset
    namnd : str
        Register id.
    year : int
        The budget year; only earlier years are used.
    n_ar : int
        How many previous years to average (default 3).

    Returns
    -------
    numpy.ndarray
        Twelve weights (months 1–12).
    """
    series = _monthly_net(data, namnd, upto=(year - 1) * 100 + 12)
    shares = []
    for values in _year_matrix(series, range(year - n_ar, year)).values():
        total = values.sum()
        if _usable(values):
            shares.append(values / total)
    if not shares:
        return np.full(12, 1 / 12)
    w = np.mean(shares, axis=0)
    return w / w.sum()


def periodiseringsvikter(data: Dataset, year: int, nycklar: Mapping[str, str] | None = None,
                         units: Sequence[str] | None = None, typ: str = "drift",
                         n_ar: int = 3) -> pd.DataFrame:
    """Monthly budget weights per unit with a key chosen per nämnd.

    Parameters
    ----------
    data : Dataset
    year : int
    nycklar : dict, optional
        ``{namnd: 'fil' | 'tolftedelar' | 'historisk'}``. ``fil`` (the default for a unit
        not in the dict) is the contract's periodisering file, or twelfths for a unit
        without rows there; ``historisk`` is :func:`historiska_vikter`.
    units : list of str, optional
        Defaults to the keys of ``nycklar`` followed by every nämnd and finans unit.
    typ : str
        ``drift`` or ``investering`` (``historisk`` is only meaningful for drift).
    n_ar : int
        Years of history for ``historisk``.

    Returns
    -------
    DataFrame
        Units × months 1–12, each row summing to 1.
    """
    nycklar = dict(nycklar or {})
    bad = {u: k for u, k in nycklar.items() if k not in NYCKLAR}
    if bad:
        raise ValueError(f"Okänd periodiseringsnyckel {bad}; välj bland {list(NYCKLAR)}.")
    if units is None:
        units = list(dict.fromkeys([*nycklar, *data.register.namnder, *data.register.finans]))
    weights = periodisation_weights(data, year, list(units), typ)
    for unit in units:
        key = nycklar.get(unit, "fil")
        if key == "tolftedelar":
            weights.loc[unit] = 1 / 12
        elif key == "historisk":
            weights.loc[unit] = historiska_vikter(data, unit, year, n_ar)
    return weights


def _cum_share(data: Dataset, namnd: str, period: Period, typ: str, nyckel: str,
               n_ar: int = 3) -> float:
    w = periodiseringsvikter(data, period.year, {namnd: nyckel}, [namnd], typ, n_ar)
    return float(w.loc[namnd, 1:period.month].sum())


# --- deviation tables -----------------------------------------------------------------
def _allocate(period_dev: np.ndarray, annual: np.ndarray, total: float) -> np.ndarray:
    """Split ``total`` over rows pro rata to |period deviation| (see module docstring)."""
    for basis in (np.abs(period_dev), np.abs(annual)):
        s = basis.sum()
        if s > 1e-9:
            return total * basis / s
    out = np.zeros(len(period_dev))
    if len(out):
        out[0] = total
    return out


def _label(values: pd.Series | np.ndarray, missing: str = EJ_ANGIVEN) -> np.ndarray:
    s = pd.Series(np.asarray(values, dtype=object))
    s = s.where(s.notna(), missing).astype(str).str.strip()
    return s.where(s != "", missing).to_numpy(dtype=object)


def _table(utfall: pd.Series, budget: pd.Series, share: float, prognos_total: float,
           dim: str, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows per label plus ``Totalt`` from utfall and annual budget per label (kronor)."""
    labels = list(dict.fromkeys([*(order or []), *sorted(set(utfall.index) | set(budget.index),
                                                           key=str)]))
    labels = [lab for lab in labels if lab in set(utfall.index) | set(budget.index)]
    if not labels and prognos_total is not None and math.isfinite(prognos_total):
        labels = [EJ_FORDELAT]          # a forecast but no rows: keep parts = total
    u = utfall.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    b = budget.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    frame = pd.DataFrame({dim: labels, "utfall_period": u, "budget_period": b * share,
                          "budget_helar": b})
    frame["avvikelse_period"] = frame["utfall_period"] - frame["budget_period"]
    if prognos_total is None or not math.isfinite(prognos_total):
        frame["prognos_helar"] = np.nan
    else:
        dev = prognos_total / 1000 - b.sum()
        frame["prognos_helar"] = b + _allocate(frame["avvikelse_period"].to_numpy(), b, dev)
    frame["avvikelse_helar"] = frame["prognos_helar"] - frame["budget_helar"]
    total = {dim: TOTALT, **{c: frame[c].sum() for c in
                            ("utfall_period", "budget_period", "budget_helar")}}
    total["avvikelse_period"] = total["utfall_period"] - total["budget_period"]
    total["prognos_helar"] = (np.nan if prognos_total is None or not math.isfinite(prognos_total)
                              else prognos_total / 1000)
    total["avvikelse_helar"] = total["prognos_helar"] - total["budget_helar"]
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame[[dim, *AVVIKELSE_COLUMNS]]


def _latest_prognos(data: Dataset, namnd: str, period: Period, typ: str) -> float:
    prog = prognoses_kr(data, period.year, period.month, typ)
    return float(prog["senaste"].get(namnd, np.nan)) if len(prog) else np.nan


def avvikelsetabell(data: Dataset, namnd: str, period: Period | str, dimension: str = "kontogrupp",
                    nyckel: str = "fil", n_ar: int = 3) -> pd.DataFrame:
    """Utfall, periodised budget, forecast and deviations of one nämnd, per row (tkr).

    Parameters
    ----------
    data : Dataset
    namnd : str
        Register id.
    period : Period or str
        The report month (the period is January up to and including it).
    dimension : {'kontogrupp', 'verksamhet'}
        The rows.
    nyckel : {'fil', 'tolftedelar', 'historisk'}
        Periodisation key (``fil`` gives the figures of the driftsredovisning).
    n_ar : int
        Years of history for the ``historisk`` key.

    Returns
    -------
    DataFrame
        ``dimension`` and :data:`AVVIKELSE_COLUMNS`; the last row ``Totalt`` is the sum of
        the rows and (with ``nyckel='fil'``) equals the nämnd's row of
        :func:`~analysis.economy.compute_driftsredovisning`. The forecast is the nämnd's
        total distributed over the rows pro rata to |period deviation| (module docstring).
    """
    if dimension not in ("kontogrupp", "verksamhet"):
        raise ValueError(f"Okänd dimension '{dimension}'; välj 'kontogrupp' eller 'verksamhet'.")
    period = Period.parse(period)
    u = data.utfall
    u = u[(u["namnd"] == namnd) & u["period"].isin(period.month_codes)]
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "drift") & (b["namnd"] == namnd)]
    if dimension == "kontogrupp":
        ukey, bkey = kontogrupp(data, u["konto"]), kontogrupp(data, b["konto"])
        # report order: the kontoplan's order, or by the smallest account of the group
        keys = pd.Series(np.concatenate([ukey, bkey]),
                         index=np.concatenate([konto_key(u["konto"]), konto_key(b["konto"])]))
        order = list(dict.fromkeys(keys.sort_index().to_numpy()))
    else:
        ukey = _label(u["verksamhet"] if "verksamhet" in u else np.full(len(u), None))
        bkey = _label(b["verksamhet"] if "verksamhet" in b else np.full(len(b), None))
        order = None
    utfall = pd.Series(u["belopp_kr"].to_numpy(), index=ukey).groupby(level=0).sum()
    budget = pd.Series(b["belopp_kr"].to_numpy(), index=bkey).groupby(level=0).sum()
    share = _cum_share(data, namnd, period, "drift", nyckel, n_ar)
    frame = _table(utfall, budget, share, _latest_prognos(data, namnd, period, "drift"),
                   dimension, order)
    if dimension == "verksamhet":      # "Ej angiven" last, before Totalt
        body, tot = frame.iloc[:-1], frame.iloc[-1:]
        body = pd.concat([body[body["verksamhet"] != EJ_ANGIVEN],
                          body[body["verksamhet"] == EJ_ANGIVEN]])
        frame = pd.concat([body, tot], ignore_index=True)
    return frame


def investeringstabell(data: Dataset, namnd: str, period: Period | str) -> pd.DataFrame:
    """The nämnd's investment projects: spending against the periodised budget (tkr).

    Spending is negative (report sign); a positive avvikelse means less was spent than
    budgeted. The periodisation is the investment key of the periodisering file or
    twelfths; the investment forecast (a total) is distributed like the drift forecast.
    Budget rows without a projekt are ``Ej angiven``.

    Returns
    -------
    DataFrame
        ``projekt`` and :data:`AVVIKELSE_COLUMNS`, ``Totalt`` last.
    """
    period = Period.parse(period)
    inv = data.frames.get("investeringar")
    if inv is not None and len(inv):
        rows = inv[(inv["namnd"] == namnd) & inv["period"].isin(period.month_codes)]
        spent = pd.Series(rows["belopp_kr"].to_numpy(), index=_label(rows["projekt"])
                          ).groupby(level=0).sum()
    else:
        spent = pd.Series(dtype=float)
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "investering") & (b["namnd"] == namnd)]
    proj = b["projekt"] if "projekt" in b else np.full(len(b), None)
    budget = pd.Series(b["belopp_kr"].to_numpy(), index=_label(proj)).groupby(level=0).sum()
    share = float(periodisation_weights(data, period.year, [namnd], "investering")
                  .loc[namnd, 1:period.month].sum())
    return _table(spent, budget, share, _latest_prognos(data, namnd, period, "investering"),
                  "projekt")


def visningstabell(frame: pd.DataFrame, unit: str = "mkr") -> pd.DataFrame:
    """A deviation table with Swedish column labels, in mkr (or tkr as given)."""
    out = frame.rename(columns=LABELS)
    if unit == "mkr":
        num = out.columns[1:]
        out[num] = out[num] / 1000
    return out


# --- full-year forecasts --------------------------------------------------------------
def _ets_forecast(series: np.ndarray, horizon: int, reps: int = 2000, seed: int = 20230
                  ) -> np.ndarray | None:
    """Simulated sums of the next ``horizon`` months (None when the model cannot fit)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if horizon <= 0:
        return np.zeros(1)
    if len(series) < 24 + 1 or not np.isfinite(series).all():
        return None
    scale = max(np.abs(series).mean(), 1e-9)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ETSModel(series / scale, error="add", trend=None, seasonal="add",
                             seasonal_periods=12)
            fit = model.fit(disp=False, maxiter=200)
            sims = fit.simulate(nsimulations=horizon, repetitions=reps, anchor="end",
                                rng=np.random.default_rng(seed))
    except Exception:  # too little or degenerate history: the method is left out
        return None
    sims = np.asarray(sims, dtype=float).reshape(horizon, -1)
    sums = sims.sum(axis=0) * scale
    return sums if np.isfinite(sums).all() else None


def helarsprognoser(data: Dataset, namnd: str, period: Period | str, n_ar: int = 3,
                    metoder: Sequence[str] | None = None) -> pd.DataFrame:
    """Full-year forecasts of a nämnd's net from the year to date (tkr, report sign).

    Only data up to ``period`` is used (utfall up to the month, forecasts made at or
    before it), so the function can be back-tested. The methods are described in the
    module docstring; a method that cannot be computed (e.g. too little history) has
    NaN values.

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
        ``metod``, ``prognos_tkr``, ``lo80``, ``hi80``, ``lo95``, ``hi95`` (the
        intervals only for ``ets``).
    """
    period = Period.parse(period)
    metoder = list(metoder or METODER)
    m = period.month
    series = _monthly_net(data, namnd, upto=period.code)
    this_year = series[series.index // 100 == period.year] if len(series) else series
    ytd = float(this_year.sum())
    annual = float(annual_budget_kr(data, period.year).get(namnd, 0.0)) / 1000
    share = _cum_share(data, namnd, period, "drift", "fil")
    rows = []
    for metod in metoder:
        row = {"metod": metod, "prognos_tkr": np.nan, "lo80": np.nan, "hi80": np.nan,
               "lo95": np.nan, "hi95": np.nan}
        if metod == "manuell":
            row["prognos_tkr"] = _latest_prognos(data, namnd, period, "drift") / 1000
        elif metod == "arstakt":
            row["prognos_tkr"] = ytd / m * 12
        elif metod == "aterstaende_budget":
            row["prognos_tkr"] = ytd + annual * (1 - share)
        elif metod == "sasongsprofil":
            shares = []
            for values in _year_matrix(series, range(period.year - n_ar, period.year)).values():
                if _usable(values):
                    shares.append(values[:m].sum() / values.sum())
            s = float(np.mean(shares)) if shares else np.nan
            if shares and abs(s) > 1e-6:
                row["prognos_tkr"] = ytd / s
        elif metod == "ets":
            sums = _ets_forecast(series.to_numpy(dtype=float), 12 - m) if len(series) else None
            if sums is not None:
                total = ytd + sums
                row["prognos_tkr"] = float(np.mean(total))
                (row["lo95"], row["lo80"], row["hi80"], row["hi95"]) = np.quantile(
                    total, [0.025, 0.10, 0.90, 0.975])
        else:
            raise ValueError(f"Okänd prognosmetod '{metod}'; välj bland {list(METODER)}.")
        rows.append(row)
    return pd.DataFrame(rows, columns=PROGNOS_COLUMNS)


def prognostabell(prognoser: pd.DataFrame, budget_tkr: float | None = None,
                  unit: str = "mkr") -> pd.DataFrame:
    """:func:`helarsprognoser` for display: Swedish labels, mkr, avvikelse mot budget."""
    f = 1000 if unit == "mkr" else 1
    out = pd.DataFrame({"Metod": prognoser["metod"].map(lambda k: METODER.get(k, k)),
                        "Prognos helår": prognoser["prognos_tkr"] / f})
    if budget_tkr is not None:
        out["Avvikelse mot budget"] = (prognoser["prognos_tkr"] - budget_tkr) / f
    for c, lab in (("lo80", "80 % lägre"), ("hi80", "80 % övre"), ("lo95", "95 % lägre"),
                   ("hi95", "95 % övre")):
        out[lab] = prognoser[c] / f
    return out


# --- back-test ------------------------------------------------------------------------
def prognossakerhet_detaljer(data: Dataset, namnd: str, period: Period | str | None = None,
                             manader: Sequence[int] = (4, 8), n_ar: int = 3) -> pd.DataFrame:
    """Each method's forecast at each delår month of each complete past year (tkr).

    Years before ``period``'s year (default: the last month with utfall) whose December
    has passed are used; the outcome is the year's net utfall.

    Returns
    -------
    DataFrame
        ``ar``, ``manad``, ``metod``, ``prognos_tkr``, ``utfall_tkr``, ``fel_tkr``
        (forecast − outcome).
    """
    period = Period.parse(period) if period is not None else data.last_period
    series = _monthly_net(data, namnd, upto=period.code)
    rows = []
    if len(series):
        first = int(series.index.min()) // 100
        for year in range(first, period.year):
            if year * 100 + 12 > period.code:
                continue
            outcome = float(series[series.index // 100 == year].sum())
            for month in manader:
                prog = helarsprognoser(data, namnd, Period(year, month), n_ar=n_ar)
                for r in prog.itertuples(index=False):
                    rows.append({"ar": year, "manad": month, "metod": r.metod,
                                 "prognos_tkr": r.prognos_tkr, "utfall_tkr": outcome})
    out = pd.DataFrame(rows, columns=["ar", "manad", "metod", "prognos_tkr", "utfall_tkr"])
    out["fel_tkr"] = out["prognos_tkr"] - out["utfall_tkr"]
    return out


def prognossakerhet(data: Dataset, namnd: str, period: Period | str | None = None,
                    manader: Sequence[int] = (4, 8), n_ar: int = 3) -> pd.DataFrame:
    """Mean absolute error per method and delår month over the past years.

    Returns
    -------
    DataFrame
        ``metod``, ``manad``, ``antal`` (forecasts compared), ``mae_tkr`` and
        ``mae_procent`` (mean of |error| / |outcome| × 100). Methods with no forecast in
        any year are left out.
    """
    d = prognossakerhet_detaljer(data, namnd, period, manader, n_ar)
    d = d[np.isfinite(d["fel_tkr"])]
    if d.empty:
        return pd.DataFrame(columns=["metod", "manad", "antal", "mae_tkr", "mae_procent"])
    d = d.assign(abs_fel=d["fel_tkr"].abs(),
                 pct=d["fel_tkr"].abs() / d["utfall_tkr"].abs().where(d["utfall_tkr"] != 0) * 100)
    out = (d.groupby(["metod", "manad"], sort=False)
           .agg(antal=("abs_fel", "size"), mae_tkr=("abs_fel", "mean"),
                mae_procent=("pct", "mean")).reset_index())
    order = {k: i for i, k in enumerate(METODER)}
    return out.sort_values(["manad", "metod"], key=lambda s: s.map(order) if s.name == "metod"
                           else s).reset_index(drop=True)


def prognossakerhet_tabell(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`prognossakerhet` for display (Swedish labels)."""
    return pd.DataFrame({
        "Metod": frame["metod"].map(lambda k: METODER.get(k, k)),
        "Prognos gjord per": frame["manad"].map(lambda m: MONTH_NAMES[int(m) - 1]),
        "Antal år": frame["antal"],
        "Medelfel, tkr": frame["mae_tkr"],
        "Medelfel, %": frame["mae_procent"],
    })


# --- checks ---------------------------------------------------------------------------
def kontrollera(data: Dataset, namnd: str, period: Period | str) -> list[str]:
    """Problems with a nämnd's inputs for the period, as Swedish messages (empty if none)."""
    period = Period.parse(period)
    msgs = []
    if namnd not in data.register.ids:
        return [f"Nämnden '{namnd}' finns inte i registret (organisation.csv)."]
    b = data.budget
    if not ((b["ar"] == period.year) & (b["typ"] == "drift") & (b["namnd"] == namnd)).any():
        msgs.append(f"Det finns ingen driftbudget för {period.year} för nämnden i budgetfilerna; "
                    "budget och avvikelser visas som 0.")
    u = data.utfall
    if not ((u["namnd"] == namnd) & u["period"].isin(period.month_codes)).any():
        msgs.append(f"Det finns inget utfall för nämnden för perioden {period.short_label}.")
    if not math.isfinite(_latest_prognos(data, namnd, period, "drift")):
        msgs.append(f"Ekonomen har inte lämnat någon helårsprognos för {period.year} "
                    f"(senast per {MONTH_NAMES[period.month - 1]}); prognoskolumnerna är tomma.")
    return msgs


# --- chart ----------------------------------------------------------------------------
def prognosdiagram(prognoser: pd.DataFrame, title: str, budget_tkr: float | None = None
                   ) -> Figure:
    """The full-year forecasts by method with 80 % and 95 % intervals (mkr).

    Net costs are shown as positive amounts when the budget is a net cost, like
    :func:`analysis.charts.cumulative`. Made without pyplot.
    """
    from .charts import COLOURS, _swedish

    p = prognoser[np.isfinite(prognoser["prognos_tkr"].astype(float))].reset_index(drop=True)
    sign = -1 if (budget_tkr is not None and budget_tkr < 0) or (
        budget_tkr is None and len(p) and p["prognos_tkr"].mean() < 0) else 1
    fig = Figure(figsize=(7.5, 0.6 * max(len(p), 1) + 1.4))
    ax = fig.subplots()
    y = np.arange(len(p))[::-1]
    for level, width, alpha in (("95", 2, 0.35), ("80", 6, 0.8)):
        lo = sign * p[f"lo{level}"].to_numpy(dtype=float) / 1000
        hi = sign * p[f"hi{level}"].to_numpy(dtype=float) / 1000
        ok = np.isfinite(lo) & np.isfinite(hi)
        if ok.any():
            ax.hlines(y[ok], np.minimum(lo, hi)[ok], np.maximum(lo, hi)[ok], color=COLOURS["prognos"],
                      linewidth=width, alpha=alpha, label=f"{level} % intervall")
    ax.plot(sign * p["prognos_tkr"].to_numpy(dtype=float) / 1000, y, "o", color=COLOURS["utfall"],
            label="Prognos")
    if budget_tkr is not None:
        ax.axvline(sign * budget_tkr / 1000, color=COLOURS["budget"], linestyle=":",
                   label="Budget")
    ax.set_yticks(y, [METODER.get(k, k) for k in p["metod"]])
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel("mkr (nettokostnad)" if sign < 0 else "mkr")
    ax.xaxis.set_major_formatter(FuncFormatter(_swedish))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="best")
    fig.tight_layout()
    return fig
