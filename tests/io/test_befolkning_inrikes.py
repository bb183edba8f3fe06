"""Domestic moves as SCB gives them (``omrade`` = ``inrikes``), on SCB's real Luleå data.

The files of ``shared/real/scb_lulea/`` (SCB's BE0101 figures for Luleå 2006–2018, made by
SCB, not by this project) are loaded as they are; the yearly balance is recomputed from
the raw CSV in plain pandas, independently of the loaders and of
:mod:`analysis.befolkning.historik`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.befolkning.historik import BefolkningData, yearly_components
from analysis.core.errors import InputError
from analysis.io.contract import KINDS, load_kind, load_register
from tests.conftest import SAMPLE_RAW, SCB_LULEA

REAL = SCB_LULEA
POPULATION = ("folkmangd", "fodda", "doda", "flyttningar")

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real/scb_lulea is not here")


@pytest.fixture(scope="module")
def register():
    return load_register(SAMPLE_RAW / "organisation.csv")


def _raw_dir(tmp: Path, files: dict[str, str] | None = None) -> Path:
    raw = tmp / "raw"
    (raw / "befolkning").mkdir(parents=True)
    if files is None:
        for name in POPULATION:
            shutil.copyfile(REAL / f"{name}.csv", raw / "befolkning" / f"{name}.csv")
    else:
        for name, text in files.items():
            (raw / "befolkning" / name).write_text(text, encoding="utf-8")
    return raw


def _load(raw: Path, register, kind: str) -> pd.DataFrame:
    k = KINDS[kind]
    frame = load_kind(k, k.files(raw), raw, register)
    assert frame is not None
    return frame


def _balance(folk: pd.DataFrame, fodda, doda, fl) -> pd.Series:
    """P(t) − P(t−1) − födda + döda − netto per year, in plain pandas."""
    p = folk.groupby("ar")["antal"].sum()
    b = fodda.groupby("ar")["antal"].sum()
    d = doda.groupby("ar")["antal"].sum()
    sign = np.where(fl["riktning"] == "in", 1, -1)
    net = (fl["antal"] * sign).groupby(fl["ar"]).sum()
    years = [y for y in b.index if y - 1 in p.index and y in p.index]
    return pd.Series({y: p[y] - p[y - 1] - b[y] + d[y] - net[y] for y in years})


@pytest.fixture(scope="module")
def real(tmp_path_factory, register):
    raw = _raw_dir(tmp_path_factory.mktemp("lulea"))
    return {kind: _load(raw, register, kind) for kind in POPULATION}


def test_the_four_real_files_load_as_they_are(real):
    raw = {kind: pd.read_csv(REAL / f"{kind}.csv") for kind in POPULATION}
    for kind in POPULATION:
        assert len(real[kind]) == len(raw[kind]), kind
        assert real[kind]["antal"].sum() == raw[kind]["antal"].sum(), kind
    fl = real["flyttningar"]
    assert set(fl["omrade"]) == {"inrikes", "utlandet"}
    assert sorted(set(real["folkmangd"]["ar"])) == list(range(2006, 2019))
    # one figure checked against the raw file row: women aged 0 in 2006
    f = real["folkmangd"]
    assert f.loc[(f["ar"] == 2006) & (f["kon"] == "K") & (f["alder"] == 0), "antal"].item() == 392


def test_real_yearly_balance_is_scbs_small_corrections(real):
    raw = {kind: pd.read_csv(REAL / f"{kind}.csv") for kind in POPULATION}
    expected = _balance(raw["folkmangd"], raw["fodda"], raw["doda"], raw["flyttningar"])
    assert list(expected.index) == list(range(2007, 2019))
    # SCB's README: the corrections leave −8 … +13 persons a year
    assert expected.min() == -8 and expected.max() == 13
    # the loaded frames, through the package's own yearly components
    data = BefolkningData(**real)
    yc = yearly_components(data).set_index("ar")
    assert yc.index.min() == 2007  # the flows start in 2007
    for year, value in expected.items():
        assert yc.loc[year, "justering"] == value, year
        assert yc.loc[year, "folkmangd"] == raw["folkmangd"].query("ar == @year")["antal"].sum()


def test_balance_detects_a_broken_flow(real):
    """Mutation: one inrikes count off by 100 moves that year's balance out of SCB's range."""
    raw = {kind: pd.read_csv(REAL / f"{kind}.csv") for kind in POPULATION}
    fl = raw["flyttningar"].copy()
    row = fl.index[(fl["ar"] == 2012) & (fl["omrade"] == "inrikes") & (fl["riktning"] == "in")][0]
    fl.loc[row, "antal"] += 100
    broken = _balance(raw["folkmangd"], raw["fodda"], raw["doda"], fl)
    assert not -8 <= broken[2012] <= 13
    data = BefolkningData(**{**real, "flyttningar": fl})
    assert not -8 <= yearly_components(data).set_index("ar").loc[2012, "justering"] <= 13


HEAD = "ar,kon,alder,riktning,omrade,antal\n"


@pytest.mark.parametrize("alias", ["inrikes", "Inrikes flyttningar", "Sverige", "inom Sverige"])
def test_inrikes_aliases(tmp_path, register, alias):
    raw = _raw_dir(tmp_path, {"flyttningar.csv": HEAD + f"2020,K,5,in,{alias},3\n"})
    assert _load(raw, register, "flyttningar")["omrade"].tolist() == ["inrikes"]


def test_split_and_inrikes_in_different_years_are_fine(tmp_path, register):
    text = HEAD + "2019,K,5,in,inom_lanet,3\n2019,K,5,in,annat_lan,1\n2020,K,5,in,inrikes,4\n"
    fl = _load(_raw_dir(tmp_path, {"flyttningar.csv": text}), register, "flyttningar")
    assert fl["omrade"].tolist() == ["inom_lanet", "annat_lan", "inrikes"]


def test_split_and_inrikes_in_the_same_year_is_an_error(tmp_path, register):
    text = (
        HEAD
        + "2019,K,5,in,inrikes,3\n"  # line 2: 2019 only inrikes so far
        + "2020,K,5,in,inom_lanet,3\n"  # line 3
        + "2020,M,5,ut,utlandet,1\n"  # line 4
        + "2020,M,6,in,inrikes,2\n"  # line 5: 2020 both → double counting
        + "2020,M,7,in,inrikes,2\n"
    )
    raw = _raw_dir(tmp_path, {"flyttningar.csv": text})
    with pytest.raises(InputError) as err:
        _load(raw, register, "flyttningar")
    problems = err.value.problems
    assert len(problems) == 1
    p = problems[0]
    assert p.file == "befolkning/flyttningar.csv"
    assert (p.line, p.column) == (5, "omrade")
    assert "år 2020" in p.message and "rad 3" in p.message and "två gånger" in p.message


def test_unknown_area_names_the_choices(tmp_path, register):
    raw = _raw_dir(tmp_path, {"flyttningar.csv": HEAD + "2020,K,5,in,Norden,3\n"})
    with pytest.raises(InputError) as err:
        _load(raw, register, "flyttningar")
    p = err.value.problems[0]
    assert (p.line, p.column) == (2, "omrade")
    assert "inrikes" in p.message
