"""``analysis export``: the key tables as an Excel workbook, without notebooks.

Three sheets, exactly as the data contract defines them: ``driftsredovisning``,
``sjukfranvaro`` and ``befolkning``. Values are unrounded numbers; the Swedish number
formats are display only. The workbook is written by :mod:`analysis.batch.excel`
(atomically, every text a text cell).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.batch.excel import FORMAT_ANTAL, FORMAT_PROCENT, FORMAT_TKR, write_workbook
from analysis.core.period import Period
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.io.dataset import Dataset
from analysis.personal.nyckeltal import compute_sjukfranvaro_sheet


def export_tables(
    data: Dataset, period: Period | str, *, horizon: int = 10
) -> dict[str, pd.DataFrame]:
    """The three export sheets as frames (sheet name → frame), computed from the data
    as known at the end of ``period`` (:meth:`Dataset.as_of`)."""
    from analysis.befolkning.prognos import BefolkningData, befolkning_sheet

    period = Period.parse(period)
    data = data.as_of(period)
    drift = compute_driftsredovisning(data, period)
    sjuk = compute_sjukfranvaro_sheet(
        data.frames["sjukfranvaro"], data.register.forvaltningar, period.month_codes
    )
    bef = befolkning_sheet(
        BefolkningData(data.folkmangd, data.fodda, data.doda, data.flyttningar), horizon=horizon
    )
    return {"driftsredovisning": drift, "sjukfranvaro": sjuk, "befolkning": bef}


#: The display formats of the export's number columns (sheet → column → Excel format).
EXPORT_FORMATS = {
    "driftsredovisning": {
        c: FORMAT_TKR
        for c in (
            "utfall_period",
            "budget_period",
            "avvikelse_period",
            "prognos_helar",
            "budget_helar",
            "avvikelse_helar",
            "prognos_foregaende",
            "prognos_forandring",
        )
    },
    "sjukfranvaro": {"procent": FORMAT_PROCENT, "antal_anstallda": FORMAT_ANTAL},
    "befolkning": {
        c: FORMAT_ANTAL
        for c in (
            "folkmangd",
            "fodda",
            "doda",
            "inflyttade",
            "utflyttade",
            "flyttnetto",
            "justering",
        )
    },
}


def export_workbook(
    data: Dataset, period: Period | str, out: str | Path, *, horizon: int = 10
) -> Path:
    """Compute the export tables and write them to ``out``."""
    return write_workbook(export_tables(data, period, horizon=horizon), out, EXPORT_FORMATS)
