"""The checks of the goal follow-up: the overview against the list of mätetal."""

from __future__ import annotations

import pandas as pd

from analysis.core.labels import TOTALT
from analysis.kontroller.bas import Kontroller
from analysis.mal.status import STATUS_TEXT


def kontrollera_mal(k: Kontroller, mt: pd.DataFrame, oversikt: pd.DataFrame) -> None:
    """The overview (by nämnd) counts every mätetal of the list exactly once, and its
    status columns account for every mätetal."""
    grupp = "Måluppföljning"
    tot = oversikt[oversikt["Nämnd"] == TOTALT].iloc[0]
    k.lika(grupp, "översiktens mätetal = antal mätetal", float(tot["Mätetal"]), float(len(mt)), 0)
    statuses = [c for c in STATUS_TEXT.values() if c in oversikt.columns]
    k.summa(
        grupp,
        "statusar summerar till antal mätetal",
        [tot[c] for c in dict.fromkeys(statuses)],
        float(tot["Mätetal"]),
        0,
    )
