"""The forecast tested in hindsight over every jump-off year the data allow.

* :func:`eftertest` — for every testable jump-off year, the forecast made with only the
  data then known (:func:`analysis.befolkning.scenarier.truncate`) and the naive forecast
  (:func:`naiv_prognos`), compared with the outcome 1 … ``horisont`` years on, in total
  and by age group, and a summary;
* :func:`naiv_prognos` — the naive forecast: the last five years' mean growth rate kept;
* :func:`provbara_ar` — the jump-off years that can be tested;
* :func:`rapport_eftertest` — :func:`eftertest` of the data known at a report's period;
* :func:`exportblad` — its export sheet ``befolkning_eftertest``.

The sentences are in :mod:`analysis.befolkning.text`, the table and chart in
:mod:`analysis.rapport.befolkning`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.befolkning import historik
from analysis.befolkning.historik import MAX_AGE, BefolkningData, complete_years
from analysis.befolkning.prognos import check_horizon, forecast
from analysis.befolkning.scenarier import (
    BACKTEST_GROUPS,
    age_groups,
    truncate,
    uncertainty_fan,
)
from analysis.core.errors import ModellError
from analysis.core.labels import TOTALT
from analysis.core.period import Period

__all__ = [
    "BLAD",
    "EFTERTEST_GROUPS",
    "FEL_COLUMNS",
    "FORMAT",
    "METODER",
    "NAIV_AR",
    "TACKNING_COLUMNS",
    "Eftertest",
    "eftertest",
    "exportblad",
    "naiv_prognos",
    "provbara_ar",
    "rapport_eftertest",
]

#: The age groups of the back-test (id → first and last age; the total is added): the
#: single back-test's groups (:data:`analysis.befolkning.scenarier.BACKTEST_GROUPS`).
EFTERTEST_GROUPS: dict[str, tuple[int, int]] = dict(BACKTEST_GROUPS)

#: The forecasts compared: id → Swedish label.
METODER: dict[str, str] = {"metod": "Prognosmetoden", "naiv": "Naiv framskrivning"}

#: Years of growth the naive forecast keeps.
NAIV_AR = 5


@dataclass
class Eftertest:
    """The back-test over every testable jump-off year (:func:`eftertest`).

    Attributes
    ----------
    horisont : int
        Years after the jump-off year compared.
    basar : list of int
        The jump-off years tested.
    fel : pandas.DataFrame
        One row per jump-off year, year after it (``steg`` 1 … ``horisont``), group
        (``grupp``: an age group of :data:`EFTERTEST_GROUPS` or ``Totalt``) and forecast
        (``metod``: ``metod`` or ``naiv``): ``basar``, ``ar``, ``steg``, ``grupp``,
        ``metod``, ``prognos``, ``utfall``, ``fel`` (= prognos − utfall, persons),
        ``fel_procent`` (= 100 × fel / utfall) and ``abs_fel_procent``.
    sammanfattning : pandas.DataFrame
        One row per forecast and group at ``steg`` = ``horisont``: ``metod``, ``grupp``,
        ``antal_ar``, ``medel_fel_procent`` (mean signed error), ``medel_abs_fel_procent``
        (mean absolute error), ``max_abs_fel_procent``; and for the method
        ``andel_battre``: the share of jump-off years where its absolute error is smaller
        than the naive forecast's (NaN for the naive rows).
    tackning : pandas.DataFrame
        For each jump-off year with at least three years of history: ``basar``, ``ar``
        (= basar + horisont), ``utfall``, ``nedre_80``, ``ovre_80``, ``nedre_95``,
        ``ovre_95`` (the uncertainty fan made then,
        :func:`analysis.befolkning.scenarier.uncertainty_fan`), ``inom_80``, ``inom_95``
        (bool: the outcome within the band).
    naiv_ar : dict of int to int
        For each jump-off year, the years of growth k the naive forecast kept
        (:data:`NAIV_AR`, fewer when the history is shorter).
    saknas : str or None
        Why nothing could be tested (Swedish, for the report), when ``basar`` is empty
        (:func:`rapport_eftertest`); None otherwise.
    """

    horisont: int
    basar: list[int]
    fel: pd.DataFrame
    sammanfattning: pd.DataFrame
    tackning: pd.DataFrame
    naiv_ar: dict[int, int]
    saknas: str | None = None

    def vid_horisont(self, grupp: str = TOTALT) -> pd.DataFrame:
        """The errors at ``horisont`` years for one group, one row per jump-off year:
        ``basar``, ``ar``, ``utfall``, ``metod`` and ``naiv`` (the forecasts),
        ``fel_metod``, ``fel_naiv`` (per cent)."""
        part = self.fel[(self.fel["steg"] == self.horisont) & (self.fel["grupp"] == grupp)]
        wide = part.pivot(index=["basar", "ar", "utfall"], columns="metod", values="prognos")
        err = part.pivot(index="basar", columns="metod", values="fel_procent")
        out = wide.reset_index()
        out["fel_metod"] = err.loc[out["basar"], "metod"].to_numpy()
        out["fel_naiv"] = err.loc[out["basar"], "naiv"].to_numpy()
        out.columns.name = None
        return out

    def medel_abs(self, metod: str = "metod", grupp: str = TOTALT) -> float:
        """The mean absolute error in per cent at ``horisont`` of one forecast and group."""
        s = self.sammanfattning
        row = s[(s["metod"] == metod) & (s["grupp"] == grupp)]
        return float(row["medel_abs_fel_procent"].iloc[0])


def _stock_years(data: BefolkningData) -> list[int]:
    fm = data.folkmangd
    return sorted(int(y) for y in pd.unique(fm.loc[fm["manad"] == 12, "ar"]))


def provbara_ar(data: BefolkningData, horisont: int = 5, min_historik: int = 3) -> list[int]:
    """The jump-off years that can be tested.

    A year can be tested when it is a complete year, the data have at least
    ``min_historik`` complete years up to and including it that have a folkmängd on the
    31 December before (the history the assumptions are estimated from; the estimation
    windows use the years there are, see
    :func:`analysis.befolkning.antaganden.estimate_assumptions`), and the folkmängd on
    31 December ``horisont`` years later exists.

    Parameters
    ----------
    data : BefolkningData
    horisont : int
    min_historik : int
        At least 1.

    Returns
    -------
    list of int
    """
    horisont = check_horizon(horisont)
    stock = set(_stock_years(data))
    complete = complete_years(data)
    usable = [y for y in complete if (y - 1) in stock]
    out = []
    for y in complete:
        history = [u for u in usable if u <= y]
        if len(history) >= max(int(min_historik), 1) and y in usable and (y + horisont) in stock:
            out.append(int(y))
    return out


def _group_totals(folkmangd: pd.DataFrame, groups: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    """The folkmängd on 31 December by year (index) and group (columns), with the total,
    summed in plain pandas from the folkmängd table."""
    fm = folkmangd[folkmangd["manad"] == 12]
    by_age = fm.groupby(["ar", "alder"])["antal"].sum().unstack(fill_value=0.0)
    out = pd.DataFrame(index=by_age.index)
    for gid, (lo, hi) in groups.items():
        out[gid] = by_age.loc[:, (by_age.columns >= lo) & (by_age.columns <= hi)].sum(axis=1)
    out[TOTALT] = by_age.sum(axis=1)
    return out


def naiv_prognos(
    data: BefolkningData,
    base_year: int,
    horisont: int = 5,
    groups: Mapping[str, tuple[int, int]] = EFTERTEST_GROUPS,
    ar: int = NAIV_AR,
) -> pd.DataFrame:
    """The naive forecast: each group's mean growth rate of the last ``ar`` years kept.

    Parameters
    ----------
    data : BefolkningData
        Only the folkmängd on 31 December of ``base_year`` and earlier is used.
    base_year : int
    horisont : int
    groups : mapping
        Age groups; the total (``Totalt``) is always included.
    ar : int
        The years of growth: k = ``ar``, or fewer when the folkmängd ``ar`` years before
        ``base_year`` is missing (the earliest year with a folkmängd is used; k ≥ 1).

    Returns
    -------
    pandas.DataFrame
        ``ar``, ``grupp``, ``prognos``: for h = 1 … ``horisont``,
        P(base_year) × (P(base_year)/P(base_year − k))^(h/k), per group. ``attrs['k']``
        holds k.

    Raises
    ------
    analysis.core.errors.ModellError
        If the folkmängd of ``base_year`` or of every earlier year is missing.

    Examples
    --------
    A total of 1000 five years ago and 1100 now grows by 1.1^(1/5) a year:

    >>> fm = pd.DataFrame({"ar": [2015, 2020], "kon": "K", "alder": 30,
    ...                    "antal": [1000.0, 1100.0]})
    >>> empty = pd.DataFrame(columns=["ar", "kon", "alder", "antal"])
    >>> d = BefolkningData(fm, empty.rename(columns={"alder": "moderns_alder"}), empty,
    ...                    empty.assign(riktning=[], omrade=[]))
    >>> naiv_prognos(d, 2020, 5, groups={}).query("ar == 2025")["prognos"].round(6).tolist()
    [1210.0]
    """
    horisont = check_horizon(horisont)
    totals = _group_totals(data.folkmangd[data.folkmangd["ar"] <= base_year], groups)
    if base_year not in totals.index:
        raise ModellError(f"folkmängd saknas för 31 december {base_year}; ingen naiv prognos.")
    earlier = [int(y) for y in totals.index if base_year - int(ar) <= y < base_year]
    if not earlier:
        raise ModellError(
            f"folkmängd saknas för åren före {base_year}; den naiva prognosen behöver minst "
            "två årsskiften."
        )
    start = min(earlier)
    k = base_year - start
    now, then = totals.loc[base_year], totals.loc[start]
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = np.where(then > 0, (now / then) ** (1.0 / k), 1.0)
    rows = []
    for h in range(1, horisont + 1):
        for gid, g, level in zip(totals.columns, growth, now, strict=True):
            rows.append({"ar": base_year + h, "grupp": gid, "prognos": float(level * g**h)})
    out = pd.DataFrame(rows)
    out.attrs["k"] = k
    return out


def eftertest(
    data: BefolkningData,
    horisont: int = 5,
    min_historik: int = 3,
    groups: Mapping[str, tuple[int, int]] = EFTERTEST_GROUPS,
    basar: list[int] | None = None,
) -> Eftertest:
    """The forecast and the naive forecast tested over every testable jump-off year.

    Parameters
    ----------
    data : BefolkningData
    horisont : int
        Years after each jump-off year compared (1 … ``horisont``).
    min_historik : int
        The least number of years of history a jump-off year needs (:func:`provbara_ar`).
    groups : mapping
        Age groups; the total is added.
    basar : list of int, optional
        The jump-off years to test instead of :func:`provbara_ar`.

    Returns
    -------
    Eftertest

    Raises
    ------
    analysis.core.errors.ModellError
        If no jump-off year can be tested.

    Notes
    -----
    Strictly as of each jump-off year B: the forecast is
    :func:`analysis.befolkning.prognos.forecast` of ``truncate(data, B)``, the naive
    forecast :func:`naiv_prognos` of the same truncated data, so no figure after B can
    reach either. The outcome is the folkmängd on 31 December summed by group in plain
    pandas from the folkmängd table (a path independent of the forecast). The
    coverage (:attr:`Eftertest.tackning`) is the uncertainty fan made at B, also from the
    truncated data, against the outcome at B + ``horisont``.
    """
    horisont = check_horizon(horisont)
    years = provbara_ar(data, horisont, min_historik) if basar is None else list(basar)
    if not years:
        raise ModellError(
            f"inget startår kan prövas: det behövs minst {min_historik} års historik och "
            f"folkmängd {horisont} år efter startåret."
        )
    actual = _group_totals(data.folkmangd, groups)
    frames, fan_rows = [], []
    naiv_ar: dict[int, int] = {}
    for b in years:
        past = truncate(data, b)
        fc = forecast(past, base_year=b, horizon=horisont)
        pred = age_groups(fc.population, {**groups, TOTALT: (0, MAX_AGE)})
        metod = pred.melt(id_vars="ar", var_name="grupp", value_name="prognos")
        metod["metod"] = "metod"
        naiv = naiv_prognos(past, b, horisont, groups)
        naiv_ar[int(b)] = int(naiv.attrs["k"])
        naiv["metod"] = "naiv"
        both = pd.concat([metod, naiv], ignore_index=True)
        both["basar"] = b
        frames.append(both)
        try:
            fan = uncertainty_fan(past, b, horizon=horisont, base=fc)
        except ModellError:  # fewer than three years of history: no bands to test
            fan = None
        if fan is not None:
            last = fan.iloc[-1]
            if b + horisont in actual.index:
                u = float(actual.loc[b + horisont, TOTALT])
                fan_rows.append(
                    {
                        "basar": b,
                        "ar": b + horisont,
                        "utfall": u,
                        **{
                            c: float(last[c])
                            for c in ("nedre_95", "nedre_80", "ovre_80", "ovre_95")
                        },
                        "inom_80": bool(last["nedre_80"] <= u <= last["ovre_80"]),
                        "inom_95": bool(last["nedre_95"] <= u <= last["ovre_95"]),
                    }
                )
    fel = pd.concat(frames, ignore_index=True)
    long_actual = actual.reset_index().melt(id_vars="ar", var_name="grupp", value_name="utfall")
    fel = fel.merge(long_actual, on=["ar", "grupp"], how="inner")
    fel["steg"] = fel["ar"] - fel["basar"]
    fel["fel"] = fel["prognos"] - fel["utfall"]
    with np.errstate(invalid="ignore", divide="ignore"):
        fel["fel_procent"] = np.where(fel["utfall"] > 0, 100 * fel["fel"] / fel["utfall"], np.nan)
    fel["abs_fel_procent"] = fel["fel_procent"].abs()
    order = {g: i for i, g in enumerate([*groups, TOTALT])}
    fel = fel.sort_values(
        ["basar", "steg", "grupp", "metod"],
        key=lambda s: s.map(order) if s.name == "grupp" else s,
    ).reset_index(drop=True)
    fel = fel[FEL_COLUMNS]
    return Eftertest(
        horisont=horisont,
        basar=[int(b) for b in years],
        fel=fel,
        sammanfattning=_summary(fel, horisont, [*groups, TOTALT]),
        tackning=pd.DataFrame(fan_rows, columns=TACKNING_COLUMNS),
        naiv_ar=naiv_ar,
    )


def _summary(fel: pd.DataFrame, horisont: int, groups: list[str]) -> pd.DataFrame:
    at = fel[fel["steg"] == horisont]
    rows = []
    for grupp in groups:
        part = at[at["grupp"] == grupp]
        wide = part.pivot(index="basar", columns="metod", values="abs_fel_procent")
        for metod in METODER:
            s = part.loc[part["metod"] == metod, "fel_procent"]
            better = (
                float((wide["metod"] < wide["naiv"]).mean())
                if metod == "metod" and len(wide)
                else np.nan
            )
            rows.append(
                {
                    "metod": metod,
                    "grupp": grupp,
                    "antal_ar": int(s.notna().sum()),
                    "medel_fel_procent": float(s.mean()),
                    "medel_abs_fel_procent": float(s.abs().mean()),
                    "max_abs_fel_procent": float(s.abs().max()),
                    "andel_battre": better,
                }
            )
    return pd.DataFrame(rows)


FEL_COLUMNS = [
    "basar",
    "ar",
    "steg",
    "grupp",
    "metod",
    "prognos",
    "utfall",
    "fel",
    "fel_procent",
    "abs_fel_procent",
]
TACKNING_COLUMNS = [
    "basar",
    "ar",
    "utfall",
    "nedre_95",
    "nedre_80",
    "ovre_80",
    "ovre_95",
    "inom_80",
    "inom_95",
]


def _empty(horisont: int, why: str) -> Eftertest:
    return Eftertest(
        horisont=horisont,
        basar=[],
        fel=pd.DataFrame(columns=FEL_COLUMNS),
        sammanfattning=pd.DataFrame(),
        tackning=pd.DataFrame(columns=TACKNING_COLUMNS),
        naiv_ar={},
        saknas=why,
    )


def rapport_eftertest(data: BefolkningData, year: int, month: int, horisont: int = 5) -> Eftertest:
    """:func:`eftertest` of what was known at the end of January–``month`` of ``year``:
    the data up to the report's jump-off year
    (:func:`analysis.befolkning.historik.base_year`).

    When no jump-off year can be tested (a short history) the result has no years and
    :attr:`Eftertest.saknas` says why, for the report to show instead of figures.
    """
    horisont = check_horizon(horisont)
    try:
        basar = historik.base_year(data, year, month)
        return eftertest(truncate(data, basar), horisont=horisont)
    except ModellError as e:
        return _empty(
            horisont,
            "Efterhandsprövning saknas: uppgifterna räcker inte till en prognos som kan "
            f"jämföras med utfallet {horisont} år senare ({e}).",
        )


#: The export sheet of the back-test and the format of its number columns.
BLAD = "befolkning_eftertest"
FORMAT: dict[str, str] = {
    "prognos": "antal",
    "utfall": "antal",
    "fel": "antal",
    "fel_procent": "procent",
    "abs_fel_procent": "procent",
}


def exportblad(data: object, period: object, horisont: int = 5) -> dict[str, pd.DataFrame]:
    """The export sheet ``befolkning_eftertest``: :attr:`Eftertest.fel` of
    :func:`rapport_eftertest` for the period (unrounded; no rows when nothing can be
    tested).

    Parameters
    ----------
    data : Dataset or BefolkningData
        Anything with the four population tables as attributes (``folkmangd``, ``fodda``,
        ``doda``, ``flyttningar``), e.g. ``Dataset.as_of(period)``.
    period : Period or str
    horisont : int
    """
    p = Period.parse(period)  # type: ignore[arg-type]
    bd = (
        data
        if isinstance(data, BefolkningData)
        else BefolkningData(
            *(getattr(data, n) for n in ("folkmangd", "fodda", "doda", "flyttningar"))
        )
    )
    et = rapport_eftertest(bd, p.year, p.month, horisont)
    return {BLAD: et.fel[FEL_COLUMNS].reset_index(drop=True)}
