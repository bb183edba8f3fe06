"""SIE exports through load_data and `analysis check` (issue 15): a data folder with only
organisation.csv, one of SIE-gruppen's real files and a catch-all mapping loads; the
frames agree with the file's own figures recomputed here from its text; an unbalanced
voucher is refused with its place; a CSV and a SIE file for the same month are refused;
an edited SIE file rebuilds the cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core.errors import InputError
from analysis.io.dataset import load_data
from tests.conftest import REAL

SIE = REAL / "sie"
REGISTER = "id;namn;typ;forvaltning;alias\nks;Kommunstyrelsen;namnd;;\n"
MAPPNING = "dimension;objekt;namnd\n*;*;ks\n"


def folder(tmp_path: Path, *files: Path) -> Path:
    data = tmp_path / "data"
    (data / "raw" / "ekonomi").mkdir(parents=True)
    (data / "raw" / "organisation.csv").write_text(REGISTER, encoding="utf-8")
    (data / "raw" / "ekonomi" / "sie_mappning.csv").write_text(MAPPNING, encoding="utf-8")
    for f in files:
        shutil.copy(f, data / "raw" / "ekonomi" / f.name)
    return data


def trans_per_month(path: Path) -> dict[tuple[int, int], float]:
    """Σ #TRANS by (yyyymm, account) straight from the text, the voucher's date where the
    row has none (an independent path: not the package's reader)."""
    text = path.read_bytes().decode("cp437")
    out: dict[tuple[int, int], float] = {}
    date = None
    for line in text.splitlines():
        v = re.match(r'\s*#VER\s+(?:"[^"]*"|\S+)\s+(?:"[^"]*"|\S+)\s+(\d{8})', line)
        if v:
            date = v.group(1)
            continue
        t = re.match(r"\s*#TRANS\s+(\d+)\s+\{[^}]*\}\s+(-?[\d.]+)(?:\s+(\d{8}))?", line)
        if t and date:
            d = t.group(3) or date
            key = (int(d[:6]), int(t.group(1)))
            out[key] = out.get(key, 0.0) + float(t.group(2))
    return out


def test_a_real_sie_export_loads_and_its_utfall_is_the_files_own(tmp_path: Path):
    path = SIE / "urval_ovnbolag.si"
    data = load_data(folder(tmp_path, path))
    u = data.utfall
    assert u is not None and len(u) and set(u["namnd"].astype(str)) == {"ks"}
    got = (-u.groupby(["period", "konto"])["belopp_kr"].sum()).to_dict()  # back to file sign
    want = {k: v for k, v in trans_per_month(path).items() if k[1] >= 3000}
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=0.005), key
    assert data.prognos is not None and len(data.prognos) == 0  # no forecast in SIE
    assert data.kontonamn is not None and len(data.kontonamn)


def test_check_on_a_real_export_reports_the_kinds(tmp_path: Path, capsys):
    data = folder(tmp_path, SIE / "periodsaldo_ovnbolag.se")
    assert main(["check", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    for kind in ("utfall", "budget", "periodisering", "balans", "kontonamn"):
        assert re.search(rf"^\s+{kind}\s+\S+ rader\s+2 fil\(er\)", out, re.M), kind
    assert "prognos" in out and "ingen fil" in out
    assert "SIE: ekonomi/periodsaldo_ovnbolag.se" in out  # the load's notes


def test_the_unbalanced_real_voucher_is_refused_with_its_place(tmp_path: Path, capsys):
    name = "XE_SIE_4_20151125095119.SE"
    data = folder(tmp_path, SIE / name)
    with pytest.raises(InputError) as e:
        load_data(data)
    hits = [p for p in e.value.problems if "balanserar inte" in p.message]
    assert len(hits) == 1  # one problem, although the file serves five kinds
    p = hits[0]
    assert p.file == f"ekonomi/{name}" and p.line is not None
    assert p.message.endswith("balanserar inte: 2,00") or "balanserar inte: 2,00" in p.message
    text = (SIE / name).read_bytes().decode("cp437").splitlines()
    assert text[p.line - 1].lstrip().startswith("#VER")
    assert main(["check", "--data-dir", str(data)]) == 2
    assert "balanserar inte" in capsys.readouterr().err
    assert not (data / "processed").exists() or not any((data / "processed").glob("*.parquet"))


def test_a_sie_export_and_a_csv_for_the_same_month_are_refused(tmp_path: Path):
    path = SIE / "urval_ovnbolag.si"
    data = folder(tmp_path, path)
    month = min(k[0] for k in trans_per_month(path))
    (data / "raw" / "ekonomi" / "utfall.csv").write_text(
        f"period;namnd;konto;belopp\n{month // 100}-{month % 100:02d};ks;3010;-100\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        load_data(data)
    assert any("urval_ovnbolag.si" in p.message or "urval" in p.file for p in e.value.problems)
    assert "överlappa" in str(e.value)


def test_an_edited_sie_export_rebuilds_the_cache(tmp_path: Path):
    data = folder(tmp_path, SIE / "urval_ovnbolag.si")
    first = load_data(data)
    assert "utfall" in first.rebuilt
    assert load_data(data).rebuilt == []  # unchanged: from the cache
    target = data / "raw" / "ekonomi" / "urval_ovnbolag.si"
    text = target.read_bytes()
    target.write_bytes(text + b"\n")  # one more (empty) line
    again = load_data(data)
    assert {"utfall", "kontonamn"} <= set(again.rebuilt)
    # the mapping is a source too
    (data / "raw" / "ekonomi" / "sie_mappning.csv").write_text(
        MAPPNING + "*;*;ks\n", encoding="utf-8"
    )
    assert "utfall" in load_data(data).rebuilt


REAL_FILES = sorted(
    p for p in SIE.iterdir() if p.suffix.lower() in (".se", ".si", ".sie") and p.is_file()
)


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_every_real_file_loads_or_is_refused_with_a_place(tmp_path: Path, path: Path):
    """Each of SIE-gruppen's files through load_data: it loads (with utfall), or every
    problem names the file (and, for a problem in the text, its line) — never another
    exception, and nothing is cached after a refusal."""
    data = folder(tmp_path, path)
    try:
        loaded = load_data(data)
    except InputError as e:
        assert e.problems
        for p in e.problems:
            assert p.file.startswith("ekonomi/") and p.message
        assert not list((data / "processed").glob("*.parquet"))
        return
    assert loaded.utfall is not None and len(loaded.utfall)
    assert set(loaded.utfall["namnd"].astype(str)) == {"ks"}
