"""``analysis export``: the key tables as an Excel workbook, without notebooks.

Three sheets, exactly as the data contract defines them: ``driftsredovisning``,
``sjukfranvaro`` and ``befolkning``. Values are unrounded numbers; the Swedish number
formats are display only. The file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io.dataset import Dataset, atomic_path
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.core.period import Period
from analysis.personal.nyckeltal import compute_sjukfranvaro_sheet

#: Excel number formats (Excel shows them with the reader's own separators).
FORMAT_TKR = "#,##0.0;-#,##0.0"
FORMAT_PROCENT = "0.00"
FORMAT_ANTAL = "#,##0"


def export_tables(data: Dataset, period: Period | str, *, horizon: int = 10
                  ) -> dict[str, pd.DataFrame]:
    """The three export sheets as frames (sheet name → frame), computed from the data
    as known at the end of ``period`` (:meth:`Dataset.as_of`)."""
    from analysis.befolkning.prognos import BefolkningData, befolkning_sheet

    period = Period.parse(period)
    data = data.as_of(period)
    drift = compute_driftsredovisning(data, period)
    sjuk = compute_sjukfranvaro_sheet(data.frames["sjukfranvaro"], data.register.forvaltningar,
                                      period.month_codes)
    bef = befolkning_sheet(BefolkningData(data.folkmangd, data.fodda, data.doda,
                                          data.flyttningar), horizon=horizon)
    return {"driftsredovisning": drift, "sjukfranvaro": sjuk, "befolkning": bef}


def write_workbook(sheets: dict[str, pd.DataFrame], out: str | Path,
                   formats: dict[str, dict[str, str]] | None = None) -> Path:
    """Write sheets to ``out`` atomically, numbers as numbers with display formats.

    Every string is written as a text cell (:func:`analysis.batch.publish.force_text`): a
    förvaltning named ``=HYPERLINK(…)`` or ``+1`` stays text, never a live formula.
    """
    from openpyxl.utils import get_column_letter

    from analysis.batch.publish import excel_text, force_text

    out = Path(out)
    formats = formats or {}
    with atomic_path(out) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                clean = frame.replace({np.nan: None})
                for col in clean.columns:       # control characters Excel refuses
                    if not pd.api.types.is_numeric_dtype(clean[col].dtype):
                        clean[col] = clean[col].map(excel_text)
                clean.to_excel(writer, sheet_name=name[:31], index=False)
                ws = writer.sheets[name[:31]]
                for row in ws.iter_rows():
                    for cell in row:
                        force_text(cell)
                ws.freeze_panes = "A2"
                for j, col in enumerate(frame.columns, start=1):
                    letter = get_column_letter(j)
                    width = max(len(str(col)), *(len(str(v)) for v in frame[col].head(200))) \
                        if len(frame) else len(str(col))
                    ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
                    fmt = formats.get(name, {}).get(col)
                    if fmt:
                        for cell in ws[letter][1:]:
                            cell.number_format = fmt
    return out


EXPORT_FORMATS = {
    "driftsredovisning": {c: FORMAT_TKR for c in (
        "utfall_period", "budget_period", "avvikelse_period", "prognos_helar", "budget_helar",
        "avvikelse_helar", "prognos_foregaende", "prognos_forandring")},
    "sjukfranvaro": {"procent": FORMAT_PROCENT, "antal_anstallda": FORMAT_ANTAL},
    "befolkning": {c: FORMAT_ANTAL for c in (
        "folkmangd", "fodda", "doda", "inflyttade", "utflyttade", "flyttnetto", "justering")},
}


def export_workbook(data: Dataset, period: Period | str, out: str | Path, *,
                    horizon: int = 10) -> Path:
    """Compute the export tables and write them to ``out``."""
    return write_workbook(export_tables(data, period, horizon=horizon), out, EXPORT_FORMATS)
