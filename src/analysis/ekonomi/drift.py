"""Driftsredovisning: utfall against periodised budget and the full-year forecast.

All amounts inside the package are in the report sign (revenues +, costs −, net cost
negative) and every ``avvikelse`` is positive when better than budget. Functions return
kronor-exact floats in tkr; rounding is for display only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import InputError, Problem
from analysis.core.labels import TOTALT
from analysis.core.period import MONTH_NAMES, Period
from analysis.io.dataset import Dataset

DRIFTSREDOVISNING_COLUMNS = [
    "namnd",
    "utfall_period",
    "budget_period",
    "avvikelse_period",
    "prognos_helar",
    "budget_helar",
    "avvikelse_helar",
    "prognos_foregaende",
    "prognos_forandring",
]


def prognos_eller_budget(frame: pd.DataFrame) -> pd.Series:
    """The year-end figure of each row: its forecast, or its annual budget where the unit
    has given no forecast (the rule of every table and check that sums forecasts).

    >>> f = pd.DataFrame({"prognos_helar": [-90.0, np.nan], "budget_helar": [-100.0, -50.0]})
    >>> prognos_eller_budget(f).tolist()
    [-90.0, -50.0]
    """
    return frame["prognos_helar"].where(frame["prognos_helar"].notna(), frame["budget_helar"])


def periodisation_weights(
    data: Dataset, year: int, units: list[str], typ: str = "drift"
) -> pd.DataFrame:
    """Monthly budget weights (units × months 1–12); twelfths where the file has no rows."""
    values = np.full((len(units), 12), 1.0 / 12)
    per = data.frames.get("periodisering")
    if per is not None and len(per):
        rows = per[(per["ar"] == year) & (per["typ"] == typ)]
        if len(rows):
            position = {u: i for i, u in enumerate(units)}
            given = rows.groupby(["namnd", "manad"], observed=True)["andel"].sum()
            seen: set[int] = set()
            for (unit, month), share in given.items():
                i = position.get(unit)
                if i is None:
                    continue
                if i not in seen:  # a unit with rows: only its rows count
                    values[i] = 0.0
                    seen.add(i)
                values[i, int(month) - 1] = share
    return pd.DataFrame(
        values, index=pd.Index(units, name="namnd"), columns=pd.RangeIndex(1, 13, name="manad")
    )


def annual_budget_kr(data: Dataset, year: int, typ: str = "drift") -> pd.Series:
    """Annual budget per unit in kronor, report sign."""
    b = data.frames["budget"]
    rows = b[(b["ar"] == year) & (b["typ"] == typ)]
    return rows.groupby("namnd", sort=False, observed=True)["belopp_kr"].sum()


def budget_helar_tkr(data: Dataset, namnd: str, period: Period | str, typ: str = "drift") -> float:
    """A unit's annual budget for ``period``'s year in tkr (report sign); 0 when it has
    none. The unit's ``budget_helar`` in :func:`compute_driftsredovisning`."""
    period = Period.parse(period)
    return float(annual_budget_kr(data, period.year, typ).get(namnd, 0.0)) / 1000


def utfall_kr(data: Dataset, months: list[int]) -> pd.Series:
    """Σ utfall per unit over the given period codes (yyyymm), kronor, report sign."""
    frames = data.frames
    if hasattr(frames, "sum_by_period"):
        return frames.sum_by_period("utfall", "namnd", "belopp_kr", list(months))
    u = frames["utfall"]
    return (
        u.loc[u["period"].isin(months)]
        .groupby("namnd", sort=False, observed=True)["belopp_kr"]
        .sum()
    )


def prognoses_kr(data: Dataset, year: int, month: int, typ: str = "drift") -> pd.DataFrame:
    """The latest and the previous forecast at or before ``month`` per unit (kronor).

    Returns a frame indexed by unit with columns ``senaste``, ``senaste_manad``,
    ``foregaende`` and ``foregaende_manad`` (NaN when absent). Several rows for the
    same unit and month (e.g. per verksamhet) are summed.
    """
    p = data.frames["prognos"]
    rows = p[(p["ar"] == year) & (p["typ"] == typ) & (p["prognosmanad"] <= month)]
    per_month = (
        rows.groupby(["namnd", "prognosmanad"], sort=True, observed=True)["belopp_kr"]
        .sum()
        .reset_index()
    )
    columns = ["senaste", "senaste_manad", "foregaende", "foregaende_manad"]
    if per_month.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    rank = per_month.groupby("namnd", observed=True).cumcount(ascending=False)
    latest = per_month[rank == 0].set_index("namnd")
    previous = per_month[rank == 1].set_index("namnd")
    out = pd.DataFrame(
        {
            "senaste": latest["belopp_kr"],
            "senaste_manad": latest["prognosmanad"],
            "foregaende": previous["belopp_kr"].reindex(latest.index),
            "foregaende_manad": previous["prognosmanad"].reindex(latest.index),
        }
    )
    out.index = out.index.astype(object)
    return out[columns]


def senaste_prognos_kr(
    data: Dataset, namnd: str, period: Period | str, typ: str = "drift"
) -> float:
    """The unit's latest forecast made at or before ``period``'s month (kronor, report
    sign; several rows of one month summed), NaN when it has made none."""
    period = Period.parse(period)
    prog = prognoses_kr(data, period.year, period.month, typ)
    return float(prog["senaste"].get(namnd, np.nan)) if len(prog) else np.nan


def _deviation_table(
    data: Dataset, period: Period, units: list[str], utfall: pd.Series, typ: str
) -> pd.DataFrame:
    """The six deviation columns plus the previous forecast for ``units`` (tkr)."""
    u = utfall.reindex(units, fill_value=0.0)
    annual = annual_budget_kr(data, period.year, typ).reindex(units, fill_value=0.0)
    weights = periodisation_weights(data, period.year, units, typ)
    share = weights.loc[:, 1 : period.month].sum(axis=1)
    prog = prognoses_kr(data, period.year, period.month, typ).reindex(units)
    frame = pd.DataFrame(
        {
            "namnd": units,
            "utfall_period": u.to_numpy() / 1000,
            "budget_period": (annual * share).to_numpy() / 1000,
            "prognos_helar": prog["senaste"].to_numpy() / 1000,
            "budget_helar": annual.to_numpy() / 1000,
            "prognos_foregaende": prog["foregaende"].to_numpy() / 1000,
        }
    )
    frame["avvikelse_period"] = frame["utfall_period"] - frame["budget_period"]
    frame["avvikelse_helar"] = frame["prognos_helar"] - frame["budget_helar"]
    frame["prognos_forandring"] = frame["prognos_helar"] - frame["prognos_foregaende"]
    return frame


def _with_total(frame: pd.DataFrame) -> pd.DataFrame:
    total = {
        "namnd": TOTALT,
        "utfall_period": frame["utfall_period"].sum(),
        "budget_period": frame["budget_period"].sum(),
        # a unit without a forecast counts at its budget
        "prognos_helar": float(prognos_eller_budget(frame).astype(float).sum()),
        "budget_helar": frame["budget_helar"].sum(),
        "prognos_foregaende": np.nan,
        "prognos_forandring": np.nan,
    }
    total["avvikelse_period"] = total["utfall_period"] - total["budget_period"]
    total["avvikelse_helar"] = total["prognos_helar"] - total["budget_helar"]
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame[DRIFTSREDOVISNING_COLUMNS]


def compute_driftsredovisning(data: Dataset, period: Period | str) -> pd.DataFrame:
    """The driftsredovisning of every nämnd and finans unit, plus ``Totalt`` (tkr).

    Exactly the export sheet ``driftsredovisning`` of the data contract: one row per
    unit of ``typ`` ``namnd`` (register order), then the ``finans`` units, then
    ``Totalt``, whose ``prognos_helar`` counts a unit without a forecast at its budget.
    """
    period = Period.parse(period)
    units = data.register.namnder + data.register.finans
    frame = _deviation_table(data, period, units, utfall_kr(data, period.month_codes), "drift")
    return _with_total(frame)


def compute_investeringsredovisning(data: Dataset, period: Period | str) -> pd.DataFrame:
    """Net investments per nämnd against the investment budget and forecast (tkr).

    Spending is negative (report sign), so a positive avvikelse means less was spent
    than budgeted. Rows: every nämnd with an investment budget, spending or forecast in
    the year, then ``Totalt``. Investments never enter the driftsredovisning.
    """
    period = Period.parse(period)
    inv = data.frames.get("investeringar")
    if inv is not None and len(inv):
        spent = (
            inv[inv["period"].isin(period.month_codes)]
            .groupby("namnd", sort=False, observed=True)["belopp_kr"]
            .sum()
        )
    else:
        spent = pd.Series(dtype=float)
    b = data.budget
    p = data.prognos
    active = set(spent.index)
    active |= set(b.loc[(b["ar"] == period.year) & (b["typ"] == "investering"), "namnd"])
    active |= set(p.loc[(p["ar"] == period.year) & (p["typ"] == "investering"), "namnd"])
    units = [u for u in data.register.ids if u in active]
    frame = _deviation_table(data, period, units, spent, "investering")
    return _with_total(frame)


def kontrollera_period(data: Dataset, period: Period | str) -> list[str]:
    """Can the economy of ``period`` be reported? Swedish warnings, or an error.

    Parameters
    ----------
    data : Dataset
    period : Period or str
        The report month.

    Returns
    -------
    list of str
        Warnings for a period that has utfall but no drift budget for the year, no
        forecast made at or before the month, or nämnder (``typ`` ``namnd``) with utfall
        in the period but no drift budget; empty when none.

    Raises
    ------
    InputError
        When the report month has no utfall at all (naming the last month that has).
    """
    period = Period.parse(period)
    where = f"{data.data_dir.name}/raw/ekonomi"
    u = data.utfall
    codes = u["period"].to_numpy(dtype=np.int64) if u is not None else np.zeros(0, np.int64)
    if not (codes == period.code).any():
        text = f"Det finns inget utfall för {period.month_name} {period.year} i {where}"
        earlier = codes[codes <= period.code] if len(codes) else codes
        latest = earlier if len(earlier) else codes
        if len(latest):
            last = Period.from_code(int(latest.max()))
            text += f" (senaste månad med utfall: {last.month_name} {last.year})"
        raise InputError(
            Problem(
                "ekonomi/utfall*.csv",
                text + ". Välj en period som har utfall, eller lägg in utfallet för perioden.",
            )
        )
    msgs = []
    b = data.budget
    if b is None:
        msgs.append(
            f"Det finns ingen budgetfil (ekonomi/budget*.csv) i {where}; rapporterna som "
            "jämför utfall med budget görs inte."
        )
        drift = None
    else:
        drift = b[(b["ar"] == period.year) & (b["typ"] == "drift")]
    if drift is None:
        pass
    elif drift.empty:
        msgs.append(
            f"Det finns ingen driftbudget för {period.year} i {where}; budget och "
            "avvikelser visas som 0 för alla enheter."
        )
    else:
        in_period = u[u["period"].isin(period.month_codes)]
        active = set(in_period["namnd"].astype(str))
        missing = [
            n
            for n in data.register.namnder
            if n in active and n not in set(drift["namnd"].astype(str))
        ]
        if missing:
            names = ", ".join(data.register.namn(n) for n in missing)
            dess = "dess" if len(missing) == 1 else "deras"
            msgs.append(
                f"Driftbudget för {period.year} saknas för {names}, som har utfall "
                f"under perioden; {dess} budget och avvikelser visas som 0."
            )
    p = data.prognos
    if p is None:
        msgs.append(
            f"Det finns ingen prognosfil (ekonomi/prognos*.csv) i {where}; rapporterna med "
            "helårsprognos görs inte."
        )
        return msgs
    made = p[(p["ar"] == period.year) & (p["typ"] == "drift") & (p["prognosmanad"] <= period.month)]
    if made.empty:
        msgs.append(
            f"Det finns ingen helårsprognos för {period.year} gjord senast per "
            f"{period.month_name} i {where}; prognoskolumnerna är tomma."
        )
    return msgs


def indata_anmarkningar(data: Dataset, namnd: str, period: Period | str) -> list[str]:
    """What is missing in a nämnd's inputs for the period, as Swedish messages for the top
    of its report (empty if nothing): no drift budget for the year, no utfall in the
    period, no full-year forecast made at or before the month, or an id that is not in
    the register.

    Raises
    ------
    InputError
        When the report month has no utfall at all (:func:`kontrollera_period`).
    """
    period = Period.parse(period)
    msgs = []
    if namnd not in data.register.ids:
        return [f"Nämnden '{namnd}' finns inte i registret (organisation.csv)."]
    kontrollera_period(data, period)  # refuses a period without utfall
    b = data.budget
    if not ((b["ar"] == period.year) & (b["typ"] == "drift") & (b["namnd"] == namnd)).any():
        msgs.append(
            f"Det finns ingen driftbudget för {period.year} för nämnden i budgetfilerna; "
            "budget och avvikelser visas som 0."
        )
    u = data.utfall
    if not ((u["namnd"] == namnd) & u["period"].isin(period.month_codes)).any():
        msgs.append(f"Det finns inget utfall för nämnden för perioden {period.short_label}.")
    if not np.isfinite(senaste_prognos_kr(data, namnd, period, "drift")):
        msgs.append(
            f"Ekonomen har inte lämnat någon helårsprognos för {period.year} "
            f"(senast per {MONTH_NAMES[period.month - 1]}); prognoskolumnerna är tomma."
        )
    return msgs
