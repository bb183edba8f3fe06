"""`python -m analysis befolkning` end to end in a subprocess: on a data folder holding
only SCB's real Luleå files (no organisation.csv, no ekonomi/), on the sample, and with bad
arguments (a Swedish message, exit code 2, no file written)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.befolkning.blad import befolkning_blad
from analysis.befolkning.historik import SHEET_COLUMNS, BefolkningData
from analysis.io.dataset import load_domain
from tests.conftest import ROOT, SAMPLE_RAW, SCB_LULEA

REAL = SCB_LULEA
NAMES = ("folkmangd", "fodda", "doda", "flyttningar")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "analysis", "befolkning", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def only_befolkning(target: Path, source: Path) -> Path:
    folder = target / "raw" / "befolkning"
    folder.mkdir(parents=True)
    for name in NAMES:
        shutil.copyfile(source / f"{name}.csv", folder / f"{name}.csv")
    return target


@pytest.fixture(scope="module")
def lulea_dir(tmp_path_factory) -> Path:
    if not REAL.is_dir():
        pytest.skip("shared/real/scb_lulea is not here")
    return only_befolkning(tmp_path_factory.mktemp("lulea") / "data", REAL)


def test_lulea_with_only_befolkning(lulea_dir, tmp_path):
    out = tmp_path / "prognos.xlsx"
    res = run(
        "--data-dir", str(lulea_dir), "--out", str(out), "--horisont", "5", "--scenario", "lag"
    )
    assert res.returncode == 0, res.stderr
    assert "2019–2023" in res.stdout and "31 december 2018" in res.stdout
    assert "låg inflyttning" in res.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["befolkning", "befolkning_alder"]
    b, a = sheets["befolkning"], sheets["befolkning_alder"]
    assert list(b.columns) == SHEET_COLUMNS
    assert list(a.columns) == ["ar", "kon", "alder", "antal", "typ"]
    assert b.loc[b["typ"] == "prognos", "ar"].tolist() == [2019, 2020, 2021, 2022, 2023]
    # the workbook holds the same figures as the function, and the input's history
    want = befolkning_blad(
        BefolkningData.from_frames(load_domain(lulea_dir, "befolkning")),
        horizon=5,
        scenario="lag",
    )
    np.testing.assert_allclose(b["folkmangd"], want["befolkning"]["folkmangd"], rtol=1e-12)
    np.testing.assert_allclose(a["antal"], want["befolkning_alder"]["antal"], rtol=1e-12)
    fm = pd.read_csv(REAL / "folkmangd.csv")
    hist = b[b["typ"] == "utfall"].set_index("ar")["folkmangd"]
    np.testing.assert_array_equal(hist, fm.groupby("ar")["antal"].sum().loc[hist.index])
    # nothing else was written into the data folder (no cache, no processed/)
    assert sorted(p.name for p in lulea_dir.iterdir()) == ["raw"]


def test_sample(tmp_path):
    data_dir = only_befolkning(tmp_path / "data", SAMPLE_RAW / "befolkning")
    out = tmp_path / "s.xlsx"
    res = run("--data-dir", str(data_dir), "--out", str(out), "--basar", "2022")
    assert res.returncode == 0, res.stderr
    b = pd.read_excel(out, sheet_name="befolkning")
    assert b.loc[b["typ"] == "utfall", "ar"].max() == 2022
    assert b.loc[b["typ"] == "prognos", "ar"].tolist() == list(range(2023, 2033))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "xyz"], "okänt scenario 'xyz'"),
        (["--basar", "1800"], "basåret 1800 saknar folkmängd per 31 december"),
        (["--basar", "2006"], "antagandena kan inte skattas"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(lulea_dir, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    res = run("--data-dir", str(lulea_dir), "--out", str(out), *args)
    assert res.returncode == 2
    assert message in res.stderr
    assert res.stderr.startswith("analysis befolkning: ")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_missing_table_and_missing_folder(tmp_path):
    if not REAL.is_dir():
        pytest.skip("shared/real/scb_lulea is not here")
    data_dir = only_befolkning(tmp_path / "data", REAL)
    (data_dir / "raw" / "befolkning" / "doda.csv").unlink()
    out = tmp_path / "x.xlsx"
    res = run("--data-dir", str(data_dir), "--out", str(out))
    assert res.returncode == 2
    assert "inget har skrivits" in res.stderr
    assert "befolkning/doda*.csv" in res.stderr and "inga filer hittades" in res.stderr
    assert not out.exists()
    empty = tmp_path / "tom"
    (empty / "raw").mkdir(parents=True)
    res = run("--data-dir", str(empty), "--out", str(out))
    assert res.returncode == 2
    assert "mappen befolkning/ saknas" in res.stderr
    assert not out.exists()


def test_bad_file_names_line_and_column(tmp_path):
    if not REAL.is_dir():
        pytest.skip("shared/real/scb_lulea is not here")
    data_dir = only_befolkning(tmp_path / "data", REAL)
    path = data_dir / "raw" / "befolkning" / "folkmangd.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",K,", ",X,")  # spreadsheet line 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "x.xlsx"
    res = run("--data-dir", str(data_dir), "--out", str(out))
    assert res.returncode == 2
    assert "befolkning/folkmangd.csv" in res.stderr and "kon" in res.stderr
    assert "rad 3, kolumn 'kon'" in res.stderr
    assert not out.exists()
