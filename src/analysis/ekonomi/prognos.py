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
  ``budget_period`` of :func:`analysis.ekonomi.drift.compute_driftsredovisning`).
* **Forecast per row: only where the input gives one.** The ekonom's forecast is a net
  total per nämnd, unless the ``prognos`` file breaks it down (optional columns
  ``verksamhet``, ``kontogrupp``, ``ansvar``, and ``projekt`` for investments). A row of
  a deviation table gets a forecast only when the nämnd's latest forecast has rows for
  that value (:func:`radprognoser`); the part of the forecast without a value is the row
  ``Ej fördelat``. Without a breakdown the rows show the period and leave the year's
  forecast and avvikelse empty; the ``Totalt`` row keeps the nämnd's forecast. No
  forecast is ever estimated for a row.
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
  square × this year's size. The back-test (:func:`prognossakerhet`) reports how often
  the 80 % and 95 % intervals held the real year-end outcome. (ETS's own simulated
  intervals were dropped: in the sample's back-test, 2021–2022, every month and unit,
  they held the outcome in 53 % and 73 % of 462 cases; the model's hold it in 83 % and
  95 % of 440.)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.io.dataset import Dataset
from analysis.ekonomi.drift import annual_budget_kr, kontrollera_period, periodisation_weights, prognoses_kr
from analysis.core.errors import InputError, Problem
from analysis.io.contract import EJ_I_KONTOPLAN, KOMMUN_BAS, OVRIGA_KONTON, konto_key, kontogrupper
from analysis.core.period import MONTH_NAMES, Period

EJ_ANGIVEN = "Ej angiven"
EJ_FORDELAT = "Ej fördelat"
TOTALT = "Totalt"

AVVIKELSE_COLUMNS = ["utfall_period", "budget_period", "avvikelse_period",
                     "prognos_helar", "budget_helar", "avvikelse_helar"]
#: Swedish column labels for display.
LABELS = {
    "kontogrupp": "Kontogrupp", "verksamhet": "Verksamhet", "ansvar": "Ansvar",
    "projekt": "Projekt",
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
    "modell": "Statistisk modell (säsong, intervall från tidigare år)",
    "ets": "Exponentiell utjämning (ETS)",
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
#: The note of a row table whose rows have no forecast of their own.
EJ_RADPROGNOS = ("Helårsprognosen är lämnad för nämnden som helhet, inte per {rad}; raderna "
                 "visar utfall och budget, prognosen finns på raden Totalt.")


def _label(values: pd.Series | np.ndarray, missing: str = EJ_ANGIVEN) -> np.ndarray:
    s = pd.Series(np.asarray(values, dtype=object))
    s = s.where(s.notna(), missing).astype(str).str.strip()
    return s.where(s != "", missing).to_numpy(dtype=object)


def _table(utfall: pd.Series, budget: pd.Series, share: float, prognos_total: float,
           dim: str, order: Sequence[str] | None = None,
           rad_prognos: pd.Series | None = None) -> pd.DataFrame:
    """Rows per label plus ``Totalt`` from utfall and annual budget per label (kronor).

    ``rad_prognos`` (kronor per label) is the forecast the input gives per row; rows
    without one, and every row when it is None, have an empty forecast. ``Totalt`` has
    ``prognos_total``.
    """
    given = set(utfall.index) | set(budget.index)
    if rad_prognos is not None:
        given |= set(rad_prognos.index)
    labels = list(dict.fromkeys([*(order or []), *sorted(given, key=str)]))
    labels = [lab for lab in labels if lab in given]
    has_total = prognos_total is not None and math.isfinite(prognos_total)
    if not labels and has_total:
        labels = [EJ_FORDELAT]          # a forecast but no rows: keep parts = total
        if rad_prognos is None:
            rad_prognos = pd.Series({EJ_FORDELAT: prognos_total})
    u = utfall.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    b = budget.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    frame = pd.DataFrame({dim: labels, "utfall_period": u, "budget_period": b * share,
                          "budget_helar": b})
    frame["avvikelse_period"] = frame["utfall_period"] - frame["budget_period"]
    if has_total and rad_prognos is not None:
        frame["prognos_helar"] = rad_prognos.reindex(labels).to_numpy(dtype=float) / 1000
    else:
        frame["prognos_helar"] = np.nan
    frame["avvikelse_helar"] = frame["prognos_helar"] - frame["budget_helar"]
    total = {dim: TOTALT, **{c: frame[c].sum() for c in
                            ("utfall_period", "budget_period", "budget_helar")}}
    total["avvikelse_period"] = total["utfall_period"] - total["budget_period"]
    total["prognos_helar"] = prognos_total / 1000 if has_total else np.nan
    total["avvikelse_helar"] = total["prognos_helar"] - total["budget_helar"]
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame[[dim, *AVVIKELSE_COLUMNS]]


def _latest_prognos(data: Dataset, namnd: str, period: Period, typ: str) -> float:
    prog = prognoses_kr(data, period.year, period.month, typ)
    return float(prog["senaste"].get(namnd, np.nan)) if len(prog) else np.nan


#: How messages name the forecast files.
PROGNOS_FILER = "ekonomi/prognos*.csv"


def radprognoser(data: Dataset, namnd: str, period: Period | str, dimension: str,
                 typ: str = "drift", labels: Sequence[str] = ()) -> pd.Series | None:
    """The ekonom's latest forecast per row of ``dimension`` (kronor, report sign), or None.

    The latest forecast is the one of :func:`~analysis.ekonomi.drift.prognoses_kr` (the last
    ``prognosmanad`` at or before the period's month). Its rows are summed per value of
    the ``prognos`` column ``dimension``; rows where it is empty form ``Ej fördelat``.
    None when the file has no such column or none of the forecast's rows fills it (the
    forecast is for the nämnd as a whole). The values sum to the nämnd's forecast.

    Parameters
    ----------
    labels : list of str
        Row labels of the table (from utfall and budget); a forecast value that matches
        one case- and space-insensitively takes its spelling.

    Raises
    ------
    InputError
        A ``kontogrupp`` that is not one of the kommun's kontogrupper.
    """
    period = Period.parse(period)
    p = data.prognos
    if p is None or dimension not in p.columns:
        return None
    latest = prognoses_kr(data, period.year, period.month, typ)
    if namnd not in latest.index or pd.isna(latest.loc[namnd, "senaste_manad"]):
        return None
    month = int(latest.loc[namnd, "senaste_manad"])
    rows = p[(p["ar"] == period.year) & (p["typ"] == typ) & (p["prognosmanad"] == month)
             & (p["namnd"] == namnd)]
    values = rows[dimension].astype(object).where(rows[dimension].notna(), "")
    values = values.astype(str).str.strip()
    if not (values != "").any():
        return None
    if dimension == "kontogrupp":
        known = kontogrupper(data.frames.get("kontoplan"))
        canon = {_key(g): g for g in known}
        unknown = sorted({v for v in values if v and _key(v) not in canon})
        if unknown:
            raise InputError(Problem(
                PROGNOS_FILER, f"okänd kontogrupp {', '.join(repr(v) for v in unknown)} i "
                f"prognosen för {data.register.namn(namnd)} {period.year} (prognosmånad "
                f"{month}). Kända kontogrupper: {'; '.join(known)}.", column="kontogrupp"))
        values = values.map(lambda v: canon.get(_key(v), v) if v else v)
    spelled = {_key(lab): lab for lab in labels}
    values = values.map(lambda v: spelled.get(_key(v), v) if v else EJ_FORDELAT)
    return pd.Series(rows["belopp_kr"].to_numpy(dtype=float), index=values.to_numpy()
                     ).groupby(level=0, sort=False).sum()


def _key(text: object) -> str:
    return "".join(str(text).split()).casefold()


def _note(frame: pd.DataFrame, rad: str, rad_prognos: pd.Series | None) -> pd.DataFrame:
    notes = []
    if rad_prognos is None and np.isfinite(float(frame["prognos_helar"].iloc[-1])):
        notes.append(EJ_RADPROGNOS.format(rad=rad))
    frame.attrs["anmarkningar"] = notes
    return frame


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
    dimension : {'kontogrupp', 'verksamhet', 'ansvar'}
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
        :func:`~analysis.ekonomi.drift.compute_driftsredovisning`. A row has a forecast only
        where the ekonom's forecast gives one for it (:func:`radprognoser`): then the
        rows with a forecast sum to the total's. Otherwise the rows' ``prognos_helar``
        and ``avvikelse_helar`` are empty (NaN), ``Totalt`` keeps the nämnd's forecast and
        ``attrs['anmarkningar']`` holds a note saying so, for under the table.
    """
    if dimension not in ("kontogrupp", "verksamhet", "ansvar"):
        raise ValueError(f"Okänd dimension '{dimension}'; välj 'kontogrupp', 'verksamhet' "
                         "eller 'ansvar'.")
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
        ukey = _label(u[dimension] if dimension in u else np.full(len(u), None))
        bkey = _label(b[dimension] if dimension in b else np.full(len(b), None))
        order = None
    utfall = pd.Series(u["belopp_kr"].to_numpy(), index=ukey).groupby(level=0).sum()
    budget = pd.Series(b["belopp_kr"].to_numpy(), index=bkey).groupby(level=0).sum()
    share = _cum_share(data, namnd, period, "drift", nyckel, n_ar)
    rad_prognos = radprognoser(data, namnd, period, dimension, "drift",
                               [*utfall.index, *budget.index])
    if order is not None and rad_prognos is not None:
        order = [*order, *(lab for lab in rad_prognos.index if lab != EJ_FORDELAT)]
    frame = _table(utfall, budget, share, _latest_prognos(data, namnd, period, "drift"),
                   dimension, order, rad_prognos)
    body, tot = frame.iloc[:-1], frame.iloc[-1:]      # "Ej angiven", "Ej fördelat" last
    last = body[dimension].isin([EJ_ANGIVEN, EJ_FORDELAT])
    frame = pd.concat([body[~last], body[last], tot], ignore_index=True)
    return _note(frame, {"kontogrupp": "kontogrupp", "verksamhet": "verksamhet",
                         "ansvar": "ansvar"}[dimension], rad_prognos)


def investeringstabell(data: Dataset, namnd: str, period: Period | str) -> pd.DataFrame:
    """The nämnd's investment projects: spending against the periodised budget (tkr).

    Spending is negative (report sign); a positive avvikelse means less was spent than
    budgeted. The periodisation is the investment key of the periodisering file or
    twelfths. A project has a forecast only when the investment forecast is given per
    ``projekt`` (:func:`radprognoser`); otherwise only ``Totalt`` has one (the note is in
    ``attrs['anmarkningar']``). Budget rows without a projekt are ``Ej angiven``.

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
    rad_prognos = radprognoser(data, namnd, period, "projekt", "investering",
                               [*spent.index, *budget.index])
    frame = _table(spent, budget, share, _latest_prognos(data, namnd, period, "investering"),
                   "projekt", rad_prognos=rad_prognos)
    return _note(frame, "projekt", rad_prognos)


def visningstabell(frame: pd.DataFrame, unit: str = "mkr") -> pd.DataFrame:
    """A deviation table with Swedish column labels, in mkr (or tkr as given).

    Empty forecasts stay empty (NaN, shown as ``–``); ``attrs`` (the notes) are kept.
    """
    out = frame.rename(columns=LABELS)
    if unit == "mkr":
        num = out.columns[1:]
        out[num] = out[num] / 1000
    out.attrs = dict(frame.attrs)
    return out


# --- full-year forecasts --------------------------------------------------------------
#: The method whose 80 % and 95 % intervals are calibrated (the others have none).
INTERVALL_METOD = "modell"
#: Complete past years the interval needs (its error spread has ``n − 1`` degrees of freedom).
MIN_AR_INTERVALL = 2


def sasongsmodell(historik: np.ndarray, hittills: np.ndarray, budget: float = 0.0
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


def modellintervall(historik: np.ndarray, hittills: np.ndarray,
                    budgetar: Sequence[float] | None = None, budget: float = 0.0,
                    nivaer: Sequence[float] = (0.80, 0.95)) -> dict[str, float]:
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
        ``prognos``, ``skala``, ``n`` (errors used) and ``lo80``, ``hi80``, ``lo95``,
        ``hi95`` (NaN with fewer than :data:`MIN_AR_INTERVALL` past years).
    """
    from scipy.stats import t as student_t

    h = np.asarray(historik, dtype=float).reshape(-1, 12)
    x = np.asarray(hittills, dtype=float)
    m = len(x)
    past = np.zeros(len(h)) if budgetar is None else np.asarray(budgetar, dtype=float)
    point, scale = sasongsmodell(h, x, budget)
    out = {"prognos": point, "skala": scale, "n": 0}
    for niva in nivaer:
        out[f"lo{round(niva * 100)}"] = out[f"hi{round(niva * 100)}"] = math.nan
    if m >= 12 and math.isfinite(point):           # nothing remains: the outcome is known
        for niva in nivaer:
            out[f"lo{round(niva * 100)}"] = out[f"hi{round(niva * 100)}"] = point
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
        out[f"lo{round(niva * 100)}"], out[f"hi{round(niva * 100)}"] = point - half, point + half
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
            model = ETSModel(series / scale, error="add", trend=None, seasonal="add",
                             seasonal_periods=12)
            fit = model.fit(disp=False, maxiter=200)
            total = float(np.sum(fit.forecast(horizon))) * scale
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as e:
            notes.append(f"ETS-modellen kunde inte skattas ({type(e).__name__}: {e}); "
                         "metoden redovisas inte.")
            return None
    retvals = getattr(fit, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    problems = {str(w.message).split("\n")[0] for w in caught
                if issubclass(w.category, (ConvergenceWarning, RuntimeWarning, UserWarning))}
    if not converged or any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append("ETS-modellens skattning konvergerade inte; dess prognos är osäker"
                     + (f" ({'; '.join(sorted(problems))})." if problems else "."))
    elif problems:
        notes.append(f"ETS-modellen gav varningar: {'; '.join(sorted(problems))}.")
    return total if math.isfinite(total) else None


def _historik(series: pd.Series, year: int) -> tuple[np.ndarray, list[int]]:
    """The complete past years (before ``year``) of a monthly series, years × 12."""
    if not len(series):
        return np.zeros((0, 12)), []
    first = int(series.index.min()) // 100
    years = _year_matrix(series, range(first, year))
    return np.array(list(years.values())).reshape(-1, 12), list(years)


def _budgets_tkr(data: Dataset, namnd: str, years: Sequence[int]) -> list[float]:
    """The unit's annual drift budget (tkr, report sign) of each year; 0 when absent."""
    b = data.budget
    rows = b[(b["namnd"] == namnd) & (b["typ"] == "drift") & b["ar"].isin(list(years))]
    by_year = rows.groupby("ar")["belopp_kr"].sum() / 1000
    return [float(by_year.get(y, 0.0)) for y in years]


def helarsprognoser(data: Dataset, namnd: str, period: Period | str, n_ar: int = 3,
                    metoder: Sequence[str] | None = None) -> pd.DataFrame:
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
        ``metod``, ``prognos_tkr``, ``lo80``, ``hi80``, ``lo95``, ``hi95``;
        ``attrs['anmarkningar']``: Swedish notes for under the table (a model that did
        not converge or could not be computed, an interval left out for lack of history).
    """
    period = Period.parse(period)
    metoder = list(metoder or METODER)
    unknown = [k for k in metoder if k not in METODER]
    if unknown:
        raise ValueError(f"Okänd prognosmetod '{unknown[0]}'; välj bland {list(METODER)}.")
    m = period.month
    series = _monthly_net(data, namnd, upto=period.code)
    this_year = series[series.index // 100 == period.year] if len(series) else series
    months = this_year.reindex([period.year * 100 + k for k in range(1, m + 1)],
                               fill_value=0.0).to_numpy(dtype=float)
    ytd = float(months.sum())
    notes: list[str] = []
    rows = []
    for metod in metoder:
        row = {"metod": metod, "prognos_tkr": np.nan, "lo80": np.nan, "hi80": np.nan,
               "lo95": np.nan, "hi95": np.nan}
        if metod == "manuell":
            row["prognos_tkr"] = _latest_prognos(data, namnd, period, "drift") / 1000
        elif metod == "arstakt":
            row["prognos_tkr"] = ytd / m * 12
        elif metod == "aterstaende_budget":
            annual = float(annual_budget_kr(data, period.year).get(namnd, 0.0)) / 1000
            share = _cum_share(data, namnd, period, "drift", "fil")
            row["prognos_tkr"] = ytd + annual * (1 - share)
        elif metod == "sasongsprofil":
            shares = []
            for values in _year_matrix(series, range(period.year - n_ar, period.year)).values():
                if _usable(values):
                    shares.append(values[:m].sum() / values.sum())
            s = float(np.mean(shares)) if shares else np.nan
            if shares and abs(s) > 1e-6:
                row["prognos_tkr"] = ytd / s
        elif metod == "modell":
            hist, years = _historik(series, period.year)
            budgets = _budgets_tkr(data, namnd, [*years, period.year])
            res = modellintervall(hist, months, budgets[:-1], budgets[-1])
            row["prognos_tkr"] = res["prognos"]
            for c in ("lo80", "hi80", "lo95", "hi95"):
                row[c] = res[c]
            if not len(hist):
                notes.append("Den statistiska modellen behöver minst ett helt tidigare år "
                             "med utfall och har inte beräknats.")
            elif m < 12 and not math.isfinite(res["lo95"]):
                notes.append(f"Den statistiska modellens osäkerhetsintervall kräver minst "
                             f"{MIN_AR_INTERVALL} hela tidigare år med utfall (finns "
                             f"{len(hist)}); intervallet redovisas inte.")
        elif metod == "ets":
            total = _ets_forecast(series.to_numpy(dtype=float), 12 - m, notes) \
                if len(series) else None
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
    from analysis.ekonomi.text import format_mkr

    p = prognoser.set_index("metod")
    if "manuell" not in p.index or INTERVALL_METOD not in p.index:
        return None
    egen = float(p.loc["manuell", "prognos_tkr"])
    lo, hi = (float(p.loc[INTERVALL_METOD, f"{k}{niva}"]) for k in ("lo", "hi"))
    if not all(math.isfinite(v) for v in (egen, lo, hi)) or lo <= egen <= hi:
        return None
    sida = "över" if egen > hi else "under"
    return (f"Ekonomens prognos ({format_mkr(egen, True)}) ligger {sida} den statistiska "
            f"modellens {niva}-procentiga intervall ({format_mkr(lo, True)} till "
            f"{format_mkr(hi, True)}), som bygger på nämndens egna tidigare år.")


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
DETALJ_COLUMNS = ["ar", "manad", "metod", "prognos_tkr", "lo80", "hi80", "lo95", "hi95",
                  "utfall_tkr", "fel_tkr", "inom80", "inom95"]


def prognossakerhet_detaljer(data: Dataset, namnd: str, period: Period | str | None = None,
                             manader: Sequence[int] = (4, 8), n_ar: int = 3,
                             metoder: Sequence[str] | None = None) -> pd.DataFrame:
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
    series = _monthly_net(data, namnd, upto=period.code)
    rows = []
    notes: list[str] = []
    if len(series):
        first = int(series.index.min()) // 100
        for year in range(first, period.year):
            if year * 100 + 12 > period.code:
                continue
            outcome = float(series[series.index // 100 == year].sum())
            for month in manader:
                prog = helarsprognoser(data, namnd, Period(year, month), n_ar=n_ar,
                                       metoder=metoder)
                notes += [f"{year}-{month:02d}: {n}" for n in prog.attrs.get("anmarkningar", [])
                          if not n.startswith(("Den statistiska modellens osäkerhetsintervall",
                                               "Den statistiska modellen behöver",
                                               "ETS-modellen kräver"))]
                for r in prog.itertuples(index=False):
                    rows.append({"ar": year, "manad": month, "metod": r.metod,
                                 "prognos_tkr": r.prognos_tkr, "lo80": r.lo80, "hi80": r.hi80,
                                 "lo95": r.lo95, "hi95": r.hi95, "utfall_tkr": outcome})
    out = pd.DataFrame(rows, columns=DETALJ_COLUMNS[:8] + ["utfall_tkr"])
    out["fel_tkr"] = out["prognos_tkr"] - out["utfall_tkr"]
    tol = 1e-6                           # tkr: an interval of width 0 holds an exact outcome
    for niva in (80, 95):
        lo, hi = out[f"lo{niva}"], out[f"hi{niva}"]
        inside = (lo - tol <= out["utfall_tkr"]) & (out["utfall_tkr"] <= hi + tol)
        out[f"inom{niva}"] = inside.astype(float).where(lo.notna() & hi.notna())
    out = out[DETALJ_COLUMNS]
    out.attrs["anmarkningar"] = list(dict.fromkeys(notes))
    return out


SAKERHET_COLUMNS = ["metod", "manad", "antal", "mae_tkr", "mae_procent", "antal_intervall",
                    "traff80", "traff95"]


def prognossakerhet(data: Dataset, namnd: str, period: Period | str | None = None,
                    manader: Sequence[int] = (4, 8), n_ar: int = 3,
                    metoder: Sequence[str] | None = None) -> pd.DataFrame:
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
    d = d.assign(abs_fel=d["fel_tkr"].abs(),
                 pct=d["fel_tkr"].abs() / d["utfall_tkr"].abs().where(d["utfall_tkr"] != 0) * 100)
    out = (d.groupby(["metod", "manad"], sort=False)
           .agg(antal=("abs_fel", "size"), mae_tkr=("abs_fel", "mean"),
                mae_procent=("pct", "mean"), antal_intervall=("inom95", "count"),
                traff80=("inom80", "mean"), traff95=("inom95", "mean")).reset_index())
    order = {k: i for i, k in enumerate(METODER)}
    out = out.sort_values(["manad", "metod"], key=lambda s: s.map(order) if s.name == "metod"
                          else s).reset_index(drop=True)[SAKERHET_COLUMNS]
    out.attrs["anmarkningar"] = notes
    return out


#: Fewer back-test cases than this give no träffsäkerhet (one or two cases say nothing
#: about how often an interval holds).
MIN_FALL_TRAFF = 5


def prognossakerhet_tabell(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`prognossakerhet` for display (Swedish labels; coverage in percent, with the
    number of cases it rests on; empty below :data:`MIN_FALL_TRAFF` cases)."""
    n = frame["antal_intervall"].fillna(0).astype(int)
    enough = n >= MIN_FALL_TRAFF
    return pd.DataFrame({
        "Metod": frame["metod"].map(lambda k: METODER.get(k, k)),
        "Prognos gjord per": frame["manad"].map(lambda m: MONTH_NAMES[int(m) - 1]),
        "Antal år": frame["antal"],
        "Medelfel, tkr": frame["mae_tkr"],
        "Medelfel, %": frame["mae_procent"],
        "Fall med intervall": n.where(n > 0),
        "Träffsäkerhet 80 %": (frame["traff80"].astype(float) * 100).where(enough),
        "Träffsäkerhet 95 %": (frame["traff95"].astype(float) * 100).where(enough),
    })


# --- checks ---------------------------------------------------------------------------
def kontrollera(data: Dataset, namnd: str, period: Period | str) -> list[str]:
    """Problems with a nämnd's inputs for the period, as Swedish messages (empty if none).

    Raises
    ------
    InputError
        When the report month has no utfall at all
        (:func:`~analysis.ekonomi.drift.kontrollera_period`).
    """
    period = Period.parse(period)
    msgs = []
    if namnd not in data.register.ids:
        return [f"Nämnden '{namnd}' finns inte i registret (organisation.csv)."]
    kontrollera_period(data, period)                # refuses a period without utfall
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
    :func:`analysis.rapport.charts.cumulative`. Made without pyplot.
    """
    from analysis.rapport.charts import COLOURS, _swedish

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
