"""The base population forecast and the ``befolkning`` sheet of the export workbook.

* :func:`forecast` — the base projection, one year at a time with the cohort-component
  engine :func:`analysis.befolkning.motor.project_cohort_component`; its deaths come from the
  mortality assumption (:mod:`analysis.befolkning.antaganden`) and ``justering`` is the
  residual (≈ 0), not a balancing item;
* :func:`befolkning_sheet` — the history (:func:`analysis.befolkning.historik.yearly_components`)
  followed by the base forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.befolkning.antaganden import Assumptions, estimate_assumptions, out_exposure
from analysis.befolkning.historik import (
    AGES,
    MAX_AGE,
    SEXES,
    SHEET_COLUMNS,
    BefolkningData,
    last_complete_year,
    table_file,
    yearly_components,
)
from analysis.befolkning.motor import project_cohort_component
from analysis.core.errors import ArgumentError, InputError, Problem

__all__ = ["Forecast", "befolkning_sheet", "check_horizon", "forecast"]


# --------------------------------------------------------------------------------------
# forecast
# --------------------------------------------------------------------------------------
@dataclass
class Forecast:
    """The base forecast.

    Attributes
    ----------
    population : pandas.DataFrame
        ``ar``, ``kon``, ``alder``, ``antal``: the folkmängd on 31 December of every
        projected year.
    components : pandas.DataFrame
        The columns of the ``befolkning`` sheet, one row per projected year, ``typ`` =
        'prognos'. ``doda`` are the deaths the mortality assumption gives (see
        :func:`forecast`) and ``justering`` the residual folkmangd − the previous
        folkmangd − fodda + doda − flyttnetto, which is 0 (± rounding) when the
        projection is consistent with its own assumptions.
    assumptions : Assumptions
    """

    population: pd.DataFrame
    components: pd.DataFrame
    assumptions: Assumptions = field(repr=False)


def check_horizon(horizon: object) -> int:
    """``horizon`` (years to project) as an int.

    Raises
    ------
    analysis.core.errors.ArgumentError
        If it is not a whole number ≥ 1.
    """
    try:
        ok = int(horizon) == horizon and horizon >= 1  # type: ignore[call-overload,operator]
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ArgumentError(
            "horizon", (f"prognosperioden måste vara ett heltal ≥ 1 år, fick {horizon!r}.")
        )
    return int(horizon)  # type: ignore[call-overload]


def _array(df: pd.DataFrame, column: str) -> np.ndarray:
    out = np.zeros((2, MAX_AGE + 1))
    out[(df["kon"] == "M").to_numpy().astype(int), df["alder"].to_numpy()] = df[column].to_numpy()
    return out


def forecast(
    data: BefolkningData,
    base_year: int | None = None,
    horizon: int = 10,
    assumptions: Assumptions | None = None,
    extra_net_migration: float = 0.0,
) -> Forecast:
    """Project the folkmängd year by year with the cohort-component engine.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        The jump-off year (its folkmängd on 31 December is the start); by default the
        last complete year.
    horizon : int
        Number of years to project.
    assumptions : Assumptions, optional
        By default ``estimate_assumptions(data, base_year)``.
    extra_net_migration : float
        Extra net migrants per year on top of the assumptions (a scenario), distributed
        by the in-migrants' age-sex profile; positive values are counted as extra
        in-migrants, negative ones as extra out-migrants.

    Returns
    -------
    Forecast

    Raises
    ------
    analysis.core.errors.ArgumentError
        If ``horizon`` is not a whole number ≥ 1.
    analysis.core.errors.ModellError
        If ``base_year`` is not given and no year is complete.
    analysis.core.errors.InputError
        If the folkmängd on 31 December of ``base_year`` is missing.

    Notes
    -----
    Each year: in-migrants = inflyttade × inflyttningsprofil; out-migrants at each sex
    and age x = the smaller of the assumed number (``assumptions.utflyttade``) and
    utflyttningsrisk(x) × min(P(x), P(x − 1)), P the folkmängd at the start of the year
    (only the latter when the assumptions have no number). The minimum of the two
    cohorts is the engine's timing: half of the net migrants of age x leave at the start
    from those aged x, half at the end from the cohort aged x − 1 at the start; with it
    no age group loses more people than it has. A number alone would let more people move out of an
    age group than live there when it shrinks; a risk alone lets a large cohort passing
    through the ages of studies and first jobs move out in proportion, which the
    kommuner's history does not show (their out-migration follows the places of study
    and work more than the size of the cohort). The difference is the net migration by
    sex and age passed to :func:`analysis.befolkning.motor.project_cohort_component`
    (``width=1``, ``steps=1``), which gives the folkmängd at the end of the year and the
    births. The life table of each year is ``assumptions.nLx_ar(year)``: the death rates
    with the mortality improvement of the years since ``assumptions.dodstal_ar``.

    The deaths are *not* a balancing item. They are computed here, independently of the
    engine's projection, from the mortality assumption and the population at risk:
    with the survival ratios S(x) = L(x+1)/L(x) of ``assumptions.nLx`` (the open group
    T(100)/(L(99) + T(100))) and the start population plus the first half of the year's
    net migrants (the engine's "even" timing),
    ``doda = Σ (P(x) + I(x)/2)·(1 − S(x)) + Σ_kön fodda·andel·(1 − L(0)/l0)``.
    ``justering`` is then the residual ``P(t) − P(t−1) − fodda + doda − flyttnetto``
    (rounded to 10⁻⁶ persons, which removes floating-point noise only):
    0 (well within ± 0,5) when the engine projects what the assumptions say; a
    projection that loses or invents people shows up there (the report's checks flag
    it).
    """
    horizon = check_horizon(horizon)
    if base_year is None:
        base_year = last_complete_year(data)
    start = data.stock_by_age(base_year)
    if start is None:
        raise InputError(
            Problem(
                file=table_file("folkmangd"),
                message=(f"folkmängd saknas för 31 december {base_year}, prognosens startår."),
            )
        )
    if assumptions is None:
        assumptions = estimate_assumptions(data, base_year)

    risk = _array(assumptions.utflyttningsrisk, "risk")
    out_count = None if assumptions.utflyttade is None else _array(assumptions.utflyttade, "antal")
    profile = _array(assumptions.inflyttningsprofil, "andel")
    extra_in = max(extra_net_migration, 0.0)
    extra_out = max(-extra_net_migration, 0.0)
    in_migrants = (assumptions.inflyttade + extra_in) * profile
    kon = np.repeat(np.array(SEXES, dtype=object), MAX_AGE + 1)
    alder = np.tile(AGES, 2)

    population = start
    pop_rows, comp_rows = [], []
    for year in range(base_year + 1, base_year + int(horizon) + 1):
        nlx = assumptions.nLx_ar(year)
        # the year's mortality as survival ratios, for the deaths (independent of the engine)
        L = _array(nlx, "nLx")
        surv = L[:, 1:-1] / L[:, :-2]
        surv_open = L[:, -1] / (L[:, -2] + L[:, -1])
        infant_death = (
            np.array([1.0, assumptions.srb])
            / (1.0 + assumptions.srb)
            * (1.0 - L[:, 0] / assumptions.radix)
        ).sum()
        # the risk on the smaller of the two cohorts the migrants of an age leave from
        # (the engine takes half at the start from age x, half at the end from the cohort
        # that was x − 1): out-migrants never exceed the people there are
        by_risk = risk * out_exposure(population)
        out_migrants = (
            by_risk if out_count is None else np.minimum(out_count, by_risk)
        ) + extra_out * profile
        net = in_migrants - out_migrants
        result = project_cohort_component(
            pd.DataFrame({"kon": kon, "alder": alder, "antal": population.reshape(-1)}),
            nlx,
            assumptions.asfr,
            pd.DataFrame({"kon": kon, "alder": alder, "antal": net.reshape(-1)}),
            width=1,
            steps=1,
            srb=assumptions.srb,
            radix=assumptions.radix,
        )
        fodda = float(result.attrs.pop("fodda")["antal"].sum())
        new = _array(result, "antal")
        inflyttade, utflyttade = float(in_migrants.sum()), float(out_migrants.sum())
        flyttnetto = inflyttade - utflyttade
        at_risk = population + net / 2.0
        doda = (
            (at_risk[:, :-2] * (1.0 - surv)).sum()
            + ((at_risk[:, -2] + at_risk[:, -1]) * (1.0 - surv_open)).sum()
            + fodda * infant_death
        )
        folkmangd = float(new.sum())
        # the residual, to a millionth of a person (floating-point noise of ~1e-11 is
        # not shown; a projection that loses or invents people is still seen in full)
        justering = round(folkmangd - float(population.sum()) - fodda + doda - flyttnetto, 6)
        comp_rows.append(
            {
                "ar": year,
                "folkmangd": folkmangd,
                "fodda": fodda,
                "doda": float(doda),
                "inflyttade": inflyttade,
                "utflyttade": utflyttade,
                "flyttnetto": flyttnetto,
                "justering": float(justering),
                "typ": "prognos",
            }
        )
        pop_rows.append(
            pd.DataFrame({"ar": year, "kon": kon, "alder": alder, "antal": new.reshape(-1)})
        )
        population = new

    components = pd.DataFrame(comp_rows, columns=SHEET_COLUMNS)
    pop = pd.concat(pop_rows, ignore_index=True)
    pop["kon"] = pop["kon"].astype(str)
    return Forecast(population=pop, components=components, assumptions=assumptions)


def befolkning_sheet(
    data: BefolkningData, horizon: int = 10, base_year: int | None = None
) -> pd.DataFrame:
    """The ``befolkning`` sheet of the export workbook.

    Parameters
    ----------
    data : BefolkningData
    horizon : int
        Years of the base projection after the jump-off year.
    base_year : int, optional
        The jump-off year (e.g. :func:`base_year` of the report's period): the history
        stops and the forecast starts there. By default the last complete year.

    Returns
    -------
    pandas.DataFrame
        Columns ``ar``, ``folkmangd``, ``fodda``, ``doda``, ``inflyttade``, ``utflyttade``,
        ``flyttnetto``, ``justering``, ``typ``: the history (:func:`yearly_components`,
        ``typ`` = 'utfall', up to the jump-off year) followed by the base forecast
        (``typ`` = 'prognos'; its ``justering`` is the residual of :func:`forecast`,
        ≈ 0). Unrounded.
    """
    history = yearly_components(data)
    if base_year is not None:
        history = history[history["ar"] <= int(base_year)]
    projection = forecast(data, base_year=base_year, horizon=horizon).components
    sheet = pd.concat([history, projection], ignore_index=True)[SHEET_COLUMNS]
    sheet["ar"] = sheet["ar"].astype(np.int64)
    return sheet
