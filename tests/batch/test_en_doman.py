"""A kommun with one domain alone (issue 15): `analysis check`, `export` and `run` on SCB's
real Luleå files with a one-line register and no ekonomi/ or personal/ — the reports and
sheets that need the missing domains are skipped, each with its reason, and what can be
made is made."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, SCB_LULEA

REGISTER = "id;namn;typ;forvaltning;alias\nkommun;Luleå kommun;ovrig;;\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def lulea(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("lulea") / "data"
    shutil.copytree(SCB_LULEA, data / "raw" / "befolkning")
    (data / "raw" / "organisation.csv").write_text(REGISTER, encoding="utf-8")
    return data


def test_check_loads_the_real_files_and_says_what_is_skipped(lulea: Path):
    before = {p: p.read_bytes() for p in (lulea / "raw").rglob("*") if p.is_file()}
    r = cli("check", "--data-dir", str(lulea))
    assert r.returncode == 0, r.stderr
    out = r.stdout.replace("\u00a0", " ")
    assert "är giltiga" in out
    for kind, rows in (("folkmangd", "2 626"), ("fodda", "840"), ("doda", "2 424")):
        line = next(x for x in out.splitlines() if x.strip().startswith(kind))
        assert rows in line
    assert "Utan ekonomi/: mappen ekonomi/ saknas i data/raw" in out
    assert "Hoppas över: Ingen kommunrapport: mappen ekonomi/ saknas" in out
    assert "Hoppas över: Ingen personalrapport: mappen personal/ saknas" in out
    assert "Ingen befolkningsrapport" not in out
    assert "Senaste period med data: 2018-12 (ingen ekonomi)." in out
    # raw files are never written
    assert {p: p.read_bytes() for p in (lulea / "raw").rglob("*") if p.is_file()} == before


def test_export_writes_the_population_sheets_and_names_the_skipped(lulea: Path, tmp_path):
    out = tmp_path / "lulea.xlsx"
    r = cli("export", "--data-dir", str(lulea), "--out", str(out))
    assert r.returncode == 0, r.stderr
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "befolkning" in sheets
    for sheet in ("driftsredovisning", "balansrakning", "sjukfranvaro", "personalstruktur"):
        assert sheet not in sheets
        assert f"Bladet {sheet} är utelämnat" in r.stdout


def test_run_makes_the_population_report_and_lists_the_others_as_skipped(lulea: Path, tmp_path):
    reports = tmp_path / "reports"
    r = cli("run", "--data-dir", str(lulea), "--reports-dir", str(reports), "--format", "html")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((reports / "2018-12" / "manifest.json").read_text(encoding="utf-8"))
    status = {x["stem"]: x["status"] for x in manifest["reports"]}
    assert status.pop("befolkning") == "ok"
    assert status and set(status.values()) == {"hoppad"}
    html = (reports / "2018-12" / "befolkning.html").read_text(encoding="utf-8")
    html = html.replace("\u00a0", " ").replace("&nbsp;", " ")
    assert "Luleå kommun" in html and "77 832" in html  # folkmängd 31 december 2018 (SCB)
    index = (reports / "2018-12" / "index.html").read_text(encoding="utf-8")
    assert "mappen ekonomi/ saknas i data/raw" in index
