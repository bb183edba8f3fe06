"""The one Excel writer: sheet names, text cells that never become formulas, number
formats, whole sheets and atomic saving (used by `analysis export` and the report
workbooks)."""

from __future__ import annotations

import doctest

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.batch import excel
from analysis.batch.excel import (
    FORMAT_TKR,
    excel_text,
    force_text,
    number_format,
    save_workbook,
    sheet_name,
    text_cell,
    write_sheet,
    write_workbook,
)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("drift: [mkr]/år*?", "drift mkrår"),
        ("x" * 40, "x" * 31),
        ("[]:*?/\\", "Tabell"),
        ("Om rapporten", "Om rapporten (2)"),
        ("History", "History (2)"),
    ],
)
def test_sheet_names(name, expected):
    assert sheet_name(name, {"om rapporten"}) == expected


def test_sheet_names_unique_within_31_chars():
    taken: set[str] = set()
    names = [sheet_name("y" * 40, taken) for _ in range(3)]
    assert names == ["y" * 31, "y" * 27 + " (2)", "y" * 27 + " (3)"]


def test_excel_text_removes_control_characters_only():
    assert excel_text("a\x00b\x1fc\td\ne") == "abc\td\ne"
    assert excel_text(-1.5) == -1.5 and excel_text(None) is None


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("=1+1", True),
        ("+46 70", True),
        ("-2", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\uff1d1", True),
        ("Socialnämnden", False),
        ("1 234", False),
    ],
)
def test_force_text_makes_a_text_cell(text, quoted):
    ws = openpyxl.Workbook().active
    cell = ws.cell(row=1, column=1)
    cell.value = text
    assert force_text(cell) is cell
    assert cell.data_type == "s" and cell.value == text
    assert bool(cell.quotePrefix) is quoted


def test_force_text_leaves_numbers_alone():
    ws = openpyxl.Workbook().active
    cell = ws.cell(row=1, column=1, value=-3.5)
    force_text(cell)
    assert cell.value == -3.5 and cell.data_type == "n" and not cell.quotePrefix


def test_text_cell_writes_any_value_as_text():
    ws = openpyxl.Workbook().active
    cell = text_cell(ws, 2, 3, '=HYPERLINK("x")\x00')
    assert cell.coordinate == "C2"
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s" and cell.quotePrefix
    assert text_cell(ws, 1, 1, 2024).value == "2024"


@pytest.mark.parametrize(
    "decimals, percent, expected",
    [
        (0, False, "#,##0"),
        (1, False, "#,##0.0"),
        (3, False, "#,##0.000"),
        (0, True, "0"),
        (2, True, "0.00"),
    ],
)
def test_number_format(decimals, percent, expected):
    assert number_format(decimals, percent) == expected


def test_write_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_sheet(
        ws,
        ["Nämnd", "tkr"],
        [
            ["=1+1", np.float64(-1234.56)],
            ["Totalt", None],
            ["x", np.nan],
            ["y", pd.NA],
            ["z", np.int64(7)],
        ],
        formats={"tkr": FORMAT_TKR},
        numeric=["tkr"],
    )
    out = save_workbook(wb, tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[1]] == ["Nämnd", "tkr"]
    assert ws["A1"].font.b and ws["B1"].alignment.horizontal == "right"
    assert ws["A1"].alignment.horizontal == "left"
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B2"].value == -1234.56 and ws["B2"].number_format == FORMAT_TKR
    assert ws["B3"].value is None and ws["B4"].value is None and ws["B5"].value is None
    assert ws["B6"].value == 7 and ws["B6"].number_format == FORMAT_TKR
    assert ws.freeze_panes == "A2"
    # 1,234.6 is 7 characters, + 2 for the sign and spacing, + 2 margin: 11
    assert ws.column_dimensions["B"].width == 11


def test_write_workbook_sheets_formats_and_numbers(tmp_path):
    frames = {
        "drift": pd.DataFrame({"namnd": ["bun", "Totalt"], "utfall": [-1.25, 3.0]}),
        "x" * 40: pd.DataFrame({"a": [1]}),
    }
    out = write_workbook(frames, tmp_path / "w.xlsx", {"drift": {"utfall": FORMAT_TKR}})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["drift", "x" * 31]
    ws = wb["drift"]
    assert [c.value for c in ws["B"]] == ["utfall", -1.25, 3.0]
    assert ws["B2"].number_format == FORMAT_TKR
    assert wb["x" * 31]["A2"].number_format == "General"  # no format asked for
    assert ws["B1"].alignment.horizontal == "right"  # a number column


def test_save_workbook_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"old")
    wb = openpyxl.Workbook()

    def fail(path):
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(wb, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        save_workbook(wb, out)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_doctests():
    failures, _ = doctest.testmod(excel)
    assert failures == 0
