"""The two sheets of ``analysis befolkning``: the forecast by year and by age.

* :func:`befolkning_blad` — sheet ``befolkning`` (the columns of the export's sheet, see
  :func:`analysis.befolkning.prognos.befolkning_sheet`) and sheet ``befolkning_alder``
  (``ar``, ``kon``, ``alder``, ``antal``, ``typ``) for one scenario;
* :func:`default_base_year` — the last year with a folkmängd on 31 December.

The forecast is :func:`analysis.befolkning.scenarier.scenario_forecast` with the
in-migration factor of the chosen scenario (:data:`SCENARIO_FAKTORER`, the factors of
:func:`analysis.befolkning.scenarier.scenarios`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.befolkning.historik import SHEET_COLUMNS, BefolkningData, yearly_components
from analysis.befolkning.prognos import check_horizon
from analysis.befolkning.scenarier import SCENARIOS, history_by_age, scenario_forecast
from analysis.core.errors import ArgumentError, InputError, Problem

__all__ = [
    "ALDER_COLUMNS",
    "SCENARIO_FAKTORER",
    "befolkning_blad",
    "default_base_year",
    "stock_years",
]

#: The in-migration factor of each scenario of the command (relative to the base
#: assumptions; the defaults of :func:`analysis.befolkning.scenarier.scenarios`).
SCENARIO_FAKTORER: dict[str, float] = {"bas": 1.0, "lag": 0.9, "hog": 1.1}

#: Columns of the ``befolkning_alder`` sheet, in order.
ALDER_COLUMNS = ["ar", "kon", "alder", "antal", "typ"]


def stock_years(data: BefolkningData) -> list[int]:
    """The years, in order, that have a folkmängd on 31 December."""
    fm = data.folkmangd
    return sorted(int(y) for y in pd.unique(fm.loc[fm["manad"] == 12, "ar"]))


def default_base_year(data: BefolkningData) -> int:
    """The last year with a folkmängd on 31 December: the default jump-off year.

    Raises
    ------
    analysis.core.errors.InputError
        If no year has one.
    """
    years = stock_years(data)
    if not years:
        raise InputError(
            Problem(
                file="befolkning/folkmangd",
                message="folkmängd per 31 december saknas för alla år; prognosen har inget "
                "startår.",
            )
        )
    return years[-1]


def befolkning_blad(
    data: BefolkningData,
    base_year: int | None = None,
    horizon: int = 10,
    scenario: str = "bas",
) -> dict[str, pd.DataFrame]:
    """The sheets ``befolkning`` and ``befolkning_alder`` of ``analysis befolkning``.

    Parameters
    ----------
    data : BefolkningData
    base_year : int, optional
        The jump-off year; by default :func:`default_base_year`. The history stops and
        the forecast starts there.
    horizon : int
        Years to project (whole number ≥ 1).
    scenario : str
        ``bas``, ``lag`` or ``hog`` (:data:`SCENARIO_FAKTORER`).

    Returns
    -------
    dict
        ``befolkning``: the columns of :data:`analysis.befolkning.historik.SHEET_COLUMNS`,
        the complete years up to ``base_year`` (``typ`` 'utfall', from
        :func:`analysis.befolkning.historik.yearly_components`) and then the projected
        years (``typ`` 'prognos'; ``justering`` the residual of the forecast, ≈ 0).
        ``befolkning_alder``: ``ar``, ``kon``, ``alder``, ``antal``, ``typ``; the folkmängd
        on 31 December by sex and age of the same years (the input folkmängd for the
        history, the projection after ``base_year``). Unrounded. For ``bas`` the sheet
        ``befolkning`` equals the export's
        (:func:`analysis.befolkning.prognos.befolkning_sheet`).

    Raises
    ------
    analysis.core.errors.ArgumentError
        For an unknown scenario, a bad horizon, or a ``base_year`` without a folkmängd on
        31 December (the message names the years that have one).
    analysis.core.errors.ModellError
        If the assumptions cannot be estimated (no complete year up to ``base_year``).
    """
    if scenario not in SCENARIO_FAKTORER:
        raise ArgumentError(
            "scenario",
            f"okänt scenario {scenario!r}; välj bland "
            + ", ".join(f"{s} ({SCENARIOS[s].lower()})" for s in SCENARIO_FAKTORER)
            + ".",
        )
    horizon = check_horizon(horizon)
    years = stock_years(data)
    if base_year is None:
        base_year = default_base_year(data)
    elif int(base_year) not in years:
        span = f"{years[0]}–{years[-1]}" if years else "inga år"
        raise ArgumentError(
            "basar",
            f"basåret {base_year} saknar folkmängd per 31 december i befolkning/folkmangd; "
            f"välj ett år med folkmängd ({span}).",
        )
    base_year = int(base_year)

    fc = scenario_forecast(
        data,
        base_year=base_year,
        horizon=horizon,
        inflyttning_faktor=SCENARIO_FAKTORER[scenario],
    )
    history = yearly_components(data)
    history = history[history["ar"] <= base_year]
    sheet = pd.concat([history, fc.components], ignore_index=True)[SHEET_COLUMNS]
    sheet["ar"] = sheet["ar"].astype(np.int64)

    by_age = history_by_age(data)
    by_age = by_age[by_age["ar"].isin(history["ar"])].assign(typ="utfall")
    alder = pd.concat([by_age, fc.population.assign(typ="prognos")], ignore_index=True)
    alder = alder[ALDER_COLUMNS].sort_values(["ar", "kon", "alder"], kind="stable")
    alder = alder.reset_index(drop=True)
    alder["ar"] = alder["ar"].astype(np.int64)
    alder["alder"] = alder["alder"].astype(np.int64)
    alder["antal"] = alder["antal"].astype(float)
    return {"befolkning": sheet, "befolkning_alder": alder}
