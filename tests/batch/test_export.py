"""`analysis export` on the sample: the sheets exactly as the data contract says."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from analysis.cli import main

#: The export's sheets, in order, for a kommun with every kind of file.
SHEETS = [
    "driftsredovisning",
    "sjukfranvaro",
    "befolkning",
    "befolkning_eftertest",
    "balansrakning",
    "kassaflode",
    "balanskrav",
    "finansiella_mal",
    "pension",
    "bolag",
    "arbetsmarknad",
    "personalstruktur",
    "kolada",
]
DRIFT_COLUMNS = [
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


@pytest.fixture(scope="module")
def workbook(sample_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "nyckeltal.xlsx"
    assert (
        main(
            [
                "export",
                "--period",
                "2023-03",
                "--out",
                str(out),
                "--data-dir",
                str(sample_data.data_dir),
            ]
        )
        == 0
    )
    return out


def sheet(path, name):
    return pd.read_excel(path, sheet_name=name)


def test_sheets_and_columns(workbook):
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["driftsredovisning"][1]] == DRIFT_COLUMNS
    assert [c.value for c in wb["sjukfranvaro"][1]] == [
        "forvaltning",
        "nyckeltal",
        "procent",
        "antal_anstallda",
        "manad_fran",
        "manad_till",
    ]
    assert [c.value for c in wb["befolkning"][1]] == [
        "ar",
        "folkmangd",
        "fodda",
        "doda",
        "inflyttade",
        "utflyttade",
        "flyttnetto",
        "justering",
        "typ",
    ]
    # numbers are stored as numbers, unrounded
    cell = wb["driftsredovisning"]["B2"]
    assert isinstance(cell.value, float | int)


def test_driftsredovisning_rows_and_total(workbook, sample_data):
    d = sheet(workbook, "driftsredovisning")
    reg = sample_data.register
    assert list(d["namnd"]) == reg.namnder + reg.finans + ["Totalt"]
    body = d[d["namnd"] != "Totalt"]
    tot = d[d["namnd"] == "Totalt"].iloc[0]
    for col in ("utfall_period", "budget_period", "budget_helar"):
        assert tot[col] == pytest.approx(body[col].sum())
    assert tot["prognos_helar"] == pytest.approx(
        body["prognos_helar"].fillna(body["budget_helar"]).sum()
    )
    assert math.isnan(tot["prognos_foregaende"]) and math.isnan(tot["prognos_forandring"])
    deviation = body["avvikelse_period"] - (body["utfall_period"] - body["budget_period"])
    assert deviation.abs().max() < 1e-6


def test_sjukfranvaro_sheet_reproduces_n02_for_january_march(workbook):
    s = sheet(workbook, "sjukfranvaro")
    tot = s[(s["forvaltning"] == "Totalt") & (s["nyckeltal"] == "total")].iloc[0]
    assert round(tot["procent"], 2) == 7.14
    assert (tot["manad_fran"], tot["manad_till"]) == ("2023-01", "2023-03")
    assert len(s) == 7 * (1 + s["forvaltning"].nunique() - 1)
    # no employee ids in the sheet
    assert not s.astype(str).apply(lambda c: c.str.match(r"^A\d{6}$")).any().any()


def test_befolkning_sheet_balances(workbook):
    b = sheet(workbook, "befolkning")
    assert set(b["typ"]) == {"utfall", "prognos"}
    b = b.sort_values("ar").reset_index(drop=True)
    assert (b["flyttnetto"] - (b["inflyttade"] - b["utflyttade"])).abs().max() < 1e-6
    for i in range(1, len(b)):
        change = b.loc[i, "folkmangd"] - b.loc[i - 1, "folkmangd"]
        comp = b.loc[i, "fodda"] - b.loc[i, "doda"] + b.loc[i, "flyttnetto"]
        assert change - comp == pytest.approx(b.loc[i, "justering"], abs=1e-6)
    # projected years: the deaths come from the mortality assumption, so the rest is ~0
    assert (b.loc[b["typ"] == "prognos", "justering"].abs() <= 0.5).all()
    # as of the period's end: history ends with the last 31 December before the period
    assert int(b.loc[b["typ"] == "utfall", "ar"].max()) == 2022
    assert int(b.loc[b["typ"] == "prognos", "ar"].min()) == 2023


def test_export_of_a_bad_period_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export", "--period", "2023-13", "--out", str(tmp_path / "x.xlsx")])
    assert "2023-13" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_the_balance_sheet_balances_in_the_export(workbook):
    """The two sums come from different account classes (1 against 2 and the ledger's
    result), so they are equal only because the sample's balance file and ledger agree."""
    br = sheet(workbook, "balansrakning").set_index("rad")
    assert list(br.columns) == ["niva", "period", "ib", "fg_ar"]
    tillgangar = br.loc["Summa tillgångar"]
    finansiering = br.loc["Summa eget kapital, avsättningar och skulder"]
    for col in ("period", "ib", "fg_ar"):
        assert tillgangar[col] > 1_000_000  # tkr: a kommun's balance sheet, not zero
        assert tillgangar[col] == pytest.approx(finansiering[col], abs=0.0005)
    kf = sheet(workbook, "kassaflode").set_index("rad")
    assert {"period", "fg_ar"} <= set(kf.columns)
    assert "Årets balanskravsresultat" in set(sheet(workbook, "balanskrav")["rad"])
