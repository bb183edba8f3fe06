"""Budgetuppföljning för en nämnd: avvikelsetabeller per rad och periodiseringsnycklar.

All amounts are in the report sign (revenues +, costs −, net cost negative) and in tkr
unless a name says otherwise; every ``avvikelse`` is positive when better than budget.

Choices (documented here and in the notebook):

* **Kontogrupp** comes from the kontoplan when the kommun has one (an account outside
  every range is ``Ej i kontoplanen``), else from Kommun-Bas
  (:func:`analysis.core.kommunbas.kontogrupp`: 3 intäkter, 4 material och tjänster, 5
  personalkostnader, 6–7 övriga kostnader, 78 avskrivningar, 80–81 skatteintäkter, 82–83
  generella statsbidrag och utjämning, 84 finansiella intäkter, 85 finansiella kostnader;
  other accounts ``Övriga konton``), the same classes as the resultaträkning.
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

The full-year forecasts by method are in :mod:`analysis.ekonomi.prognos`; the tables for
display (Swedish labels, mkr) in :mod:`analysis.rapport.ekonomi`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core import kommunbas
from analysis.core.errors import ArgumentError, InputError, Problem
from analysis.core.labels import TOTALT
from analysis.core.period import Period
from analysis.ekonomi.drift import periodisation_weights, prognoses_kr, senaste_prognos_kr
from analysis.io.contract import EJ_I_KONTOPLAN, kontogrupper
from analysis.io.dataset import Dataset

EJ_ANGIVEN = "Ej angiven"
EJ_FORDELAT = "Ej fördelat"

AVVIKELSE_COLUMNS = [
    "utfall_period",
    "budget_period",
    "avvikelse_period",
    "prognos_helar",
    "budget_helar",
    "avvikelse_helar",
]
#: The periodisation keys (:func:`periodiseringsvikter`).
NYCKLAR = ("fil", "tolftedelar", "historisk")
#: The rows a deviation table can be broken down by (:func:`avvikelsetabell`).
DIMENSIONER = ("kontogrupp", "verksamhet", "ansvar")


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
        key = kommunbas.konto_key(konto)
        i = np.searchsorted(lo, key, side="right") - 1
        ok = (i >= 0) & (key <= hi[np.clip(i, 0, None)])
        return np.where(ok, grupp[np.clip(i, 0, None)], EJ_I_KONTOPLAN).astype(object)
    return kommunbas.kontogrupp(konto)


# --- periodisation keys ---------------------------------------------------------------
def manadsnetto(data: Dataset, namnd: str, upto: int | None = None) -> pd.Series:
    """Monthly net utfall of a unit (tkr) indexed by period code (yyyymm), every calendar
    month from the first posting to ``upto`` (months without postings are 0); empty when
    the unit has no postings up to ``upto``."""
    u = data.utfall
    rows = u.loc[u["namnd"] == namnd, ["period", "belopp_kr"]]
    if upto is not None:
        rows = rows[rows["period"] <= upto]
    if rows.empty:
        return pd.Series(dtype=float)
    s = rows.groupby("period")["belopp_kr"].sum() / 1000
    first, last = int(s.index.min()), int(upto if upto is not None else s.index.max())
    codes = [
        y * 100 + m
        for y in range(first // 100, last // 100 + 1)
        for m in range(1, 13)
        if first <= y * 100 + m <= last
    ]
    return s.reindex(codes, fill_value=0.0).astype(float)


def hela_ar(series: pd.Series, years: Sequence[int]) -> dict[int, np.ndarray]:
    """Twelve monthly values per year of a :func:`manadsnetto` series, for the ``years``
    whose 12 months all lie in ``series`` (in the order of ``years``)."""
    out = {}
    for y in years:
        codes = [y * 100 + m for m in range(1, 13)]
        if len(series) and codes[0] >= series.index.min() and codes[-1] <= series.index.max():
            out[y] = series.reindex(codes).to_numpy(dtype=float)
    return out


def anvandbart_ar(values: np.ndarray) -> bool:
    """A year's monthly profile is usable when its net is not (almost) zero: at least
    0,1 % of the gross Σ|month| (else the shares are meaningless and explode)."""
    total = float(values.sum())
    return abs(total) > 1e-3 * float(np.abs(values).sum()) and abs(total) > 1e-9


def historiska_vikter(data: Dataset, namnd: str, year: int, n_ar: int = 3) -> np.ndarray:
    """Each month's share of the annual net, averaged over the ``n_ar`` years before.

    Years without twelve months of history, or whose annual net is (almost) zero (below
    0,1 % of Σ|month|), are skipped; without any usable year the key is twelfths. The
    weights sum to 1.

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
    series = manadsnetto(data, namnd, upto=(year - 1) * 100 + 12)
    shares = []
    for values in hela_ar(series, range(year - n_ar, year)).values():
        total = values.sum()
        if anvandbart_ar(values):
            shares.append(values / total)
    if not shares:
        return np.full(12, 1 / 12)
    w = np.mean(shares, axis=0)
    return w / w.sum()


def periodiseringsvikter(
    data: Dataset,
    year: int,
    nycklar: Mapping[str, str] | None = None,
    units: Sequence[str] | None = None,
    typ: str = "drift",
    n_ar: int = 3,
) -> pd.DataFrame:
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
        raise ArgumentError(
            "nycklar", f"Okänd periodiseringsnyckel {bad}; välj bland {list(NYCKLAR)}."
        )
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


def periodiseringsnyckel(periodisering: str | Mapping[str, str], namnd: str) -> str:
    """The periodisation key of ``namnd`` from a report's parameter: one key for every
    nämnd (``"historisk"``), or ``{namnd-id: key}`` where a nämnd not named gets ``fil``.

    >>> periodiseringsnyckel({"bun": "historisk"}, "sn")
    'fil'

    Raises
    ------
    ArgumentError
        A key that is not one of :data:`NYCKLAR`.
    """
    if isinstance(periodisering, Mapping):
        nyckel = periodisering.get(namnd, "fil")
    else:
        nyckel = periodisering
    if nyckel not in NYCKLAR:
        raise ArgumentError(
            "periodisering", f"Okänd periodiseringsnyckel '{nyckel}'; välj bland {list(NYCKLAR)}."
        )
    return nyckel


def kumulativ_andel(
    data: Dataset,
    namnd: str,
    period: Period | str,
    typ: str = "drift",
    nyckel: str = "fil",
    n_ar: int = 3,
) -> float:
    """The share of the unit's annual budget periodised to January–``period``'s month
    with the key ``nyckel`` (:func:`periodiseringsvikter`)."""
    period = Period.parse(period)
    w = periodiseringsvikter(data, period.year, {namnd: nyckel}, [namnd], typ, n_ar)
    return float(w.loc[namnd, 1 : period.month].sum())


# --- deviation tables -----------------------------------------------------------------
#: The note of a row table whose rows have no forecast of their own.
EJ_RADPROGNOS = (
    "Helårsprognosen är lämnad för nämnden som helhet, inte per {rad}; raderna "
    "visar utfall och budget, prognosen finns på raden Totalt."
)


def _label(values: pd.Series | np.ndarray, missing: str = EJ_ANGIVEN) -> np.ndarray:
    s = pd.Series(np.asarray(values, dtype=object))
    s = s.where(s.notna(), missing).astype(str).str.strip()
    return s.where(s != "", missing).to_numpy(dtype=object)


def _table(
    utfall: pd.Series,
    budget: pd.Series,
    share: float,
    prognos_total: float,
    dim: str,
    order: Sequence[str] | None = None,
    rad_prognos: pd.Series | None = None,
) -> pd.DataFrame:
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
        labels = [EJ_FORDELAT]  # a forecast but no rows: keep parts = total
        if rad_prognos is None:
            rad_prognos = pd.Series({EJ_FORDELAT: prognos_total})
    u = utfall.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    b = budget.reindex(labels, fill_value=0.0).to_numpy(dtype=float) / 1000
    frame = pd.DataFrame(
        {dim: labels, "utfall_period": u, "budget_period": b * share, "budget_helar": b}
    )
    frame["avvikelse_period"] = frame["utfall_period"] - frame["budget_period"]
    if has_total and rad_prognos is not None:
        frame["prognos_helar"] = rad_prognos.reindex(labels).to_numpy(dtype=float) / 1000
    else:
        frame["prognos_helar"] = np.nan
    frame["avvikelse_helar"] = frame["prognos_helar"] - frame["budget_helar"]
    total = {
        dim: TOTALT,
        **{c: frame[c].sum() for c in ("utfall_period", "budget_period", "budget_helar")},
    }
    total["avvikelse_period"] = total["utfall_period"] - total["budget_period"]
    total["prognos_helar"] = prognos_total / 1000 if has_total else np.nan
    total["avvikelse_helar"] = total["prognos_helar"] - total["budget_helar"]
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame[[dim, *AVVIKELSE_COLUMNS]]


#: How messages name the forecast files.
PROGNOS_FILER = "ekonomi/prognos*.csv"


def radprognoser(
    data: Dataset,
    namnd: str,
    period: Period | str,
    dimension: str,
    typ: str = "drift",
    labels: Sequence[str] = (),
) -> pd.Series | None:
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
    rows = p[
        (p["ar"] == period.year)
        & (p["typ"] == typ)
        & (p["prognosmanad"] == month)
        & (p["namnd"] == namnd)
    ]
    values = rows[dimension].astype(object).where(rows[dimension].notna(), "")
    values = values.astype(str).str.strip()
    if not (values != "").any():
        return None
    if dimension == "kontogrupp":
        known = kontogrupper(data.frames.get("kontoplan"))
        canon = {_key(g): g for g in known}
        unknown = sorted({v for v in values if v and _key(v) not in canon})
        if unknown:
            raise InputError(
                Problem(
                    PROGNOS_FILER,
                    f"okänd kontogrupp {', '.join(repr(v) for v in unknown)} i "
                    f"prognosen för {data.register.namn(namnd)} {period.year} (prognosmånad "
                    f"{month}). Kända kontogrupper: {'; '.join(known)}.",
                    column="kontogrupp",
                )
            )
        values = values.map(lambda v: canon.get(_key(v), v) if v else v)
    spelled = {_key(lab): lab for lab in labels}
    values = values.map(lambda v: spelled.get(_key(v), v) if v else EJ_FORDELAT)
    return (
        pd.Series(rows["belopp_kr"].to_numpy(dtype=float), index=values.to_numpy())
        .groupby(level=0, sort=False)
        .sum()
    )


def _key(text: object) -> str:
    return "".join(str(text).split()).casefold()


def _note(frame: pd.DataFrame, rad: str, rad_prognos: pd.Series | None) -> pd.DataFrame:
    notes = []
    if rad_prognos is None and np.isfinite(float(frame["prognos_helar"].iloc[-1])):
        notes.append(EJ_RADPROGNOS.format(rad=rad))
    frame.attrs["anmarkningar"] = notes
    return frame


def avvikelsetabell(
    data: Dataset,
    namnd: str,
    period: Period | str,
    dimension: str = "kontogrupp",
    nyckel: str = "fil",
    n_ar: int = 3,
) -> pd.DataFrame:
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
    if dimension not in DIMENSIONER:
        raise ArgumentError(
            "dimension",
            f"Okänd dimension '{dimension}'; välj 'kontogrupp', 'verksamhet' eller 'ansvar'.",
        )
    period = Period.parse(period)
    u = data.utfall
    u = u[(u["namnd"] == namnd) & u["period"].isin(period.month_codes)]
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "drift") & (b["namnd"] == namnd)]
    if dimension == "kontogrupp":
        ukey, bkey = kontogrupp(data, u["konto"]), kontogrupp(data, b["konto"])
        # report order: the kontoplan's order, or by the smallest account of the group
        keys = pd.Series(
            np.concatenate([ukey, bkey]),
            index=np.concatenate(
                [kommunbas.konto_key(u["konto"]), kommunbas.konto_key(b["konto"])]
            ),
        )
        order = list(dict.fromkeys(keys.sort_index().to_numpy()))
    else:
        ukey = _label(u[dimension] if dimension in u else np.full(len(u), None))
        bkey = _label(b[dimension] if dimension in b else np.full(len(b), None))
        order = None
    utfall = pd.Series(u["belopp_kr"].to_numpy(), index=ukey).groupby(level=0).sum()
    budget = pd.Series(b["belopp_kr"].to_numpy(), index=bkey).groupby(level=0).sum()
    share = kumulativ_andel(data, namnd, period, "drift", nyckel, n_ar)
    rad_prognos = radprognoser(
        data, namnd, period, dimension, "drift", [*utfall.index, *budget.index]
    )
    if order is not None and rad_prognos is not None:
        order = [*order, *(lab for lab in rad_prognos.index if lab != EJ_FORDELAT)]
    frame = _table(
        utfall,
        budget,
        share,
        senaste_prognos_kr(data, namnd, period, "drift"),
        dimension,
        order,
        rad_prognos,
    )
    body, tot = frame.iloc[:-1], frame.iloc[-1:]  # "Ej angiven", "Ej fördelat" last
    last = body[dimension].isin([EJ_ANGIVEN, EJ_FORDELAT])
    frame = pd.concat([body[~last], body[last], tot], ignore_index=True)
    return _note(frame, dimension, rad_prognos)


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
        spent = (
            pd.Series(rows["belopp_kr"].to_numpy(), index=_label(rows["projekt"]))
            .groupby(level=0)
            .sum()
        )
    else:
        spent = pd.Series(dtype=float)
    b = data.budget
    b = b[(b["ar"] == period.year) & (b["typ"] == "investering") & (b["namnd"] == namnd)]
    proj = b["projekt"] if "projekt" in b else np.full(len(b), None)
    budget = pd.Series(b["belopp_kr"].to_numpy(), index=_label(proj)).groupby(level=0).sum()
    share = float(
        periodisation_weights(data, period.year, [namnd], "investering")
        .loc[namnd, 1 : period.month]
        .sum()
    )
    rad_prognos = radprognoser(
        data, namnd, period, "projekt", "investering", [*spent.index, *budget.index]
    )
    frame = _table(
        spent,
        budget,
        share,
        senaste_prognos_kr(data, namnd, period, "investering"),
        "projekt",
        rad_prognos=rad_prognos,
    )
    return _note(frame, "projekt", rad_prognos)
