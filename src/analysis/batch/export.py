"""``analysis export``: the key tables as an Excel workbook, without notebooks.

The sheets the data contract defines: ``driftsredovisning``, ``sjukfranvaro`` and
``befolkning``; the statutory statements ``balansrakning``, ``kassaflode`` and
``balanskrav`` (:mod:`analysis.rapport.bokslut`); ``finansiella_mal``, ``pension`` and
``bolag`` (:mod:`analysis.rapport.finans`); ``arbetsmarknad``
(:mod:`analysis.rapport.arbetsmarknad`) and ``personalstruktur``
(:mod:`analysis.rapport.personalstruktur`). Values are unrounded numbers; the Swedish number
formats are display only. The workbook is written by :mod:`analysis.batch.excel`
(atomically, every text a text cell).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.batch.excel import FORMAT_ANTAL, FORMAT_PROCENT, FORMAT_TKR, write_workbook
from analysis.befolkning import eftertest as befolkningseftertest
from analysis.core.period import Period
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.io.dataset import Dataset
from analysis.personal.nyckeltal import compute_sjukfranvaro_sheet
from analysis.rapport import arbetsmarknad, bokslut, finans, jamforelse, personalstruktur

#: The kinds of file each export sheet is computed from, for the sheets of an optional
#: domain: without one of them the sheet is left out (:func:`skipped_sheets`).
SHEET_KINDS: dict[str, tuple[str, ...]] = {
    "driftsredovisning": ("utfall", "budget"),
    **{sheet: ("utfall",) for sheet in ("balansrakning", "kassaflode", "balanskrav")},
    **{sheet: ("utfall",) for sheet in ("finansiella_mal", "pension", "bolag")},
    "sjukfranvaro": ("sjukfranvaro",),
    "befolkning": ("folkmangd", "fodda", "doda", "flyttningar"),
    "befolkning_eftertest": ("folkmangd", "fodda", "doda", "flyttningar"),
    "personalstruktur": ("sjukfranvaro",),
}


def skipped_sheets(data: Dataset) -> dict[str, str]:
    """The export sheets left out because their data is missing: sheet → why (Swedish,
    e.g. ``mappen personal/ saknas i data/raw``), in :data:`SHEET_KINDS` order."""
    out: dict[str, str] = {}
    for sheet, kinds in SHEET_KINDS.items():
        why = next((w for k in kinds if (w := data.missing(k)) is not None), None)
        if why is not None:
            out[sheet] = why
    return out


def export_tables(
    data: Dataset, period: Period | str, *, horizon: int = 10
) -> dict[str, pd.DataFrame]:
    """The export sheets as frames (sheet name → frame), computed from the data as known
    at the end of ``period`` (:meth:`Dataset.as_of`). The balance sheet and the cash flow
    are left out when the kommun has no balance file; the personnel and population sheets
    when the kommun has no such files (:func:`skipped_sheets`)."""
    from analysis.befolkning.prognos import BefolkningData, befolkning_sheet

    period = Period.parse(period)
    skipped = skipped_sheets(data)
    data = data.as_of(period)
    sheets: dict[str, pd.DataFrame] = {}
    if "driftsredovisning" not in skipped:
        sheets["driftsredovisning"] = compute_driftsredovisning(data, period)
    if "sjukfranvaro" not in skipped:
        sheets["sjukfranvaro"] = compute_sjukfranvaro_sheet(
            data.frames["sjukfranvaro"], data.register.forvaltningar, period.month_codes
        )
    if "befolkning" not in skipped:
        bd = BefolkningData(data.folkmangd, data.fodda, data.doda, data.flyttningar)
        sheets["befolkning"] = befolkning_sheet(bd, horizon=horizon)
        sheets.update(befolkningseftertest.exportblad(bd, period))
    if "balanskrav" not in skipped:
        sheets.update(bokslut.exportblad(data, period))
    if "finansiella_mal" not in skipped:
        sheets.update(finans.exportblad(data, period))
    sheets.update(arbetsmarknad.exportblad(data, period))
    if "personalstruktur" not in skipped:
        sheets.update(personalstruktur.exportblad(data, period))
    kolada = kolada_blad(data, period)
    if kolada is not None:
        sheets["kolada"] = kolada
    return sheets


#: The Kolada sheet's columns.
KOLADA_COLUMNS = [
    "rapport",
    "nyckeltal",
    "ar",
    "kommun",
    "jamforelsegrupp_medel",
    "kommuner_med_varde",
    "riket",
    "kalla",
]


def kolada_blad(data: Dataset, period: Period) -> pd.DataFrame | None:
    """The comparison tables of every report (kommun, personal, each nämnd) in one tidy
    sheet, one row per report, KPI and year, with the source; ``None`` without a Kolada
    cache (the comparison sections then say how to fetch one). Values are Kolada's own
    units (%, kr/inv), unrounded."""
    frames = []
    for rapport in ("kommun", "personal", *data.register.namnder):
        j = jamforelse.forbered_jamforelse(data, period, rapport)
        if j.tabell is None:
            continue
        t = j.tabell
        frames.append(
            pd.DataFrame(
                {
                    "rapport": j.rapport,
                    "nyckeltal": t[jamforelse.NYCKELTAL],
                    "ar": t[jamforelse.AR],
                    "kommun": t[j.kommun_kolumn],
                    "jamforelsegrupp_medel": t.get(jamforelse.GRUPP, pd.NA),
                    "kommuner_med_varde": t.get(jamforelse.GRUPP_ANTAL, pd.NA),
                    "riket": t[jamforelse.RIKET_KOLUMN],
                    "kalla": (j.kalla or "").replace("**", ""),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[KOLADA_COLUMNS] if frames else None


#: The personnel structure's columns: counts whole, årsarbetare and staff per chef with one
#: decimal, shares in percent.
PERSONALSTRUKTUR_FORMAT = {
    c: (
        FORMAT_PROCENT
        if kind == "procent"
        else FORMAT_TKR
        if c in ("arsarbetare", "tillsvidare_per_chef")
        else FORMAT_ANTAL
    )
    for c, kind in personalstruktur.FORMAT.items()
}

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
    "balansrakning": {c: FORMAT_TKR for c in ("period", "ib", "fg_ar")},
    "kassaflode": {c: FORMAT_TKR for c in ("period", "fg_ar")},
    "balanskrav": {c: FORMAT_TKR for c in ("period", "prognos", "fg_ar")},
    # the goals' values are in their row's unit (procent or kr): one decimal for both
    "finansiella_mal": {c: FORMAT_TKR for c in ("malvarde", "utfall", "prognos")},
    "kolada": {"kommuner_med_varde": FORMAT_ANTAL},
    befolkningseftertest.BLAD: {
        c: FORMAT_PROCENT if kind == "procent" else FORMAT_ANTAL
        for c, kind in befolkningseftertest.FORMAT.items()
    },
    "pension": {c: FORMAT_TKR for c in ("tkr", "fg_ar")},
    "bolag": {
        "agarandel": FORMAT_PROCENT,
        **{
            c: FORMAT_TKR
            for c in (
                "resultat_tkr",
                "prognos_helar_tkr",
                "budget_helar_tkr",
                "avvikelse_helar_tkr",
            )
        },
    },
    "arbetsmarknad": {
        "andel": FORMAT_PROCENT,
        "antal": FORMAT_ANTAL,
        "arbetskraft": FORMAT_ANTAL,
    },
    "personalstruktur": PERSONALSTRUKTUR_FORMAT,
}


def export_workbook(
    data: Dataset, period: Period | str, out: str | Path, *, horizon: int = 10
) -> Path:
    """Compute the export tables and write them to ``out``."""
    return write_workbook(export_tables(data, period, horizon=horizon), out, EXPORT_FORMATS)
