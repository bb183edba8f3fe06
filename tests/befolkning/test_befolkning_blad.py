"""The sheets of ``analysis befolkning`` (:func:`analysis.befolkning.blad.befolkning_blad`)
on SCB's real figures for Luleå 2006–2018 (``shared/real/scb_lulea``, read as they are),
checked against the input files recomputed in plain pandas."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.befolkning.blad import (
    ALDER_COLUMNS,
    SCENARIO_FAKTORER,
    befolkning_blad,
    default_base_year,
)
from analysis.befolkning.historik import SHEET_COLUMNS, BefolkningData
from analysis.befolkning.prognos import befolkning_sheet
from analysis.befolkning.scenarier import scenarios
from analysis.core.errors import ArgumentError, InputError, ModellError
from analysis.io.dataset import load_domain
from tests.conftest import SCB_LULEA

REAL = SCB_LULEA
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real/scb_lulea is not here")

HORIZON = 8


@pytest.fixture(scope="module")
def lulea_dir(tmp_path_factory) -> Path:
    """A data folder holding only raw/befolkning/ with the four SCB files as they are."""
    data_dir = tmp_path_factory.mktemp("lulea") / "data"
    folder = data_dir / "raw" / "befolkning"
    folder.mkdir(parents=True)
    for name in ("folkmangd", "fodda", "doda", "flyttningar"):
        shutil.copyfile(REAL / f"{name}.csv", folder / f"{name}.csv")
    return data_dir


@pytest.fixture(scope="module")
def lulea(lulea_dir) -> BefolkningData:
    return BefolkningData.from_frames(load_domain(lulea_dir, "befolkning"))


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    """The input files read in plain pandas (the independent path)."""
    return {
        n: pd.read_csv(REAL / f"{n}.csv") for n in ("folkmangd", "fodda", "doda", "flyttningar")
    }


@pytest.fixture(scope="module")
def blad(lulea) -> dict[str, dict[str, pd.DataFrame]]:
    return {s: befolkning_blad(lulea, horizon=HORIZON, scenario=s) for s in SCENARIO_FAKTORER}


def test_columns_years_and_types(blad, raw):
    last = int(raw["folkmangd"]["ar"].max())
    assert last == 2018
    for sheets in blad.values():
        b, a = sheets["befolkning"], sheets["befolkning_alder"]
        assert list(b.columns) == SHEET_COLUMNS
        assert list(a.columns) == ALDER_COLUMNS
        utfall = b.loc[b["typ"] == "utfall", "ar"].tolist()
        prognos = b.loc[b["typ"] == "prognos", "ar"].tolist()
        # flows start in 2007, so 2006 (stock only) is not a complete year
        assert utfall == list(range(2007, last + 1))
        assert prognos == list(range(last + 1, last + HORIZON + 1))
        assert set(a["typ"]) == {"utfall", "prognos"}
        assert sorted(a.loc[a["typ"] == "prognos", "ar"].unique()) == prognos
        assert sorted(a.loc[a["typ"] == "utfall", "ar"].unique()) == utfall
        # 2 sexes × 101 ages per year
        assert (a.groupby("ar").size() == 2 * 101).all()


def test_age_sheet_sums_to_the_yearly_folkmangd(blad):
    for sheets in blad.values():
        b, a = sheets["befolkning"], sheets["befolkning_alder"]
        total = a.groupby("ar")["antal"].sum()
        by_year = b.set_index("ar")["folkmangd"]
        assert list(total.index) == list(by_year.index)
        np.testing.assert_allclose(total.to_numpy(), by_year.to_numpy(), rtol=0, atol=1e-6)


def test_history_equals_the_input_files(blad, raw):
    fm = raw["folkmangd"].assign(alder=raw["folkmangd"]["alder"].clip(upper=100))
    fm = fm.groupby(["ar", "kon", "alder"], as_index=False)["antal"].sum()
    for sheets in blad.values():
        a = sheets["befolkning_alder"]
        hist = a[a["typ"] == "utfall"].merge(fm, on=["ar", "kon", "alder"], how="left")
        assert hist["antal_y"].notna().all()
        np.testing.assert_array_equal(hist["antal_x"].to_numpy(), hist["antal_y"].to_numpy())
        b = sheets["befolkning"].set_index("ar")
        u = b[b["typ"] == "utfall"]
        np.testing.assert_array_equal(
            u["folkmangd"].to_numpy(), fm.groupby("ar")["antal"].sum().loc[u.index].to_numpy()
        )
        for col, table in (("fodda", "fodda"), ("doda", "doda")):
            sums = raw[table].groupby("ar")["antal"].sum().loc[u.index]
            np.testing.assert_array_equal(u[col].to_numpy(), sums.to_numpy())
        fl = raw["flyttningar"]
        inn = fl[fl["riktning"] == "in"].groupby("ar")["antal"].sum().loc[u.index]
        ut = fl[fl["riktning"] == "ut"].groupby("ar")["antal"].sum().loc[u.index]
        np.testing.assert_array_equal(u["inflyttade"].to_numpy(), inn.to_numpy())
        np.testing.assert_array_equal(u["utflyttade"].to_numpy(), ut.to_numpy())


def test_forecast_rows_balance(blad):
    for sheets in blad.values():
        b = sheets["befolkning"]
        p = b[b["typ"] == "prognos"]
        assert p["justering"].abs().max() < 1e-3
        # the balance recomputed here: each year from the previous year's folkmangd
        prev = b["folkmangd"].shift(1)[b["typ"] == "prognos"]
        change = p["fodda"] - p["doda"] + p["inflyttade"] - p["utflyttade"]
        np.testing.assert_allclose((prev + change).to_numpy(), p["folkmangd"], atol=1e-3)
        np.testing.assert_allclose(p["flyttnetto"], p["inflyttade"] - p["utflyttade"])


def test_scenarios_are_ordered_and_match_scenarios(blad, lulea):
    total = {
        s: sheets["befolkning"].query("typ == 'prognos'")["folkmangd"].to_numpy()
        for s, sheets in blad.items()
    }
    assert (total["lag"] < total["bas"]).all()
    assert (total["bas"] < total["hog"]).all()
    ref = scenarios(lulea, base_year=2018, horizon=HORIZON)
    for s in SCENARIO_FAKTORER:
        want = ref.loc[ref["scenario"] == s, "folkmangd"].to_numpy()
        np.testing.assert_allclose(total[s], want, rtol=1e-12)
    inn = {
        s: sheets["befolkning"].query("typ == 'prognos'")["inflyttade"].to_numpy()
        for s, sheets in blad.items()
    }
    np.testing.assert_allclose(inn["lag"] / inn["bas"], 0.9)
    np.testing.assert_allclose(inn["hog"] / inn["bas"], 1.1)


def test_bas_is_the_export_sheet(blad, lulea):
    export = befolkning_sheet(lulea, horizon=HORIZON, base_year=2018)
    pd.testing.assert_frame_equal(blad["bas"]["befolkning"], export)


def test_basar_cuts_history_and_starts_the_forecast(lulea, raw):
    sheets = befolkning_blad(lulea, base_year=2013, horizon=3)
    b, a = sheets["befolkning"], sheets["befolkning_alder"]
    assert b.loc[b["typ"] == "utfall", "ar"].max() == 2013
    assert b.loc[b["typ"] == "prognos", "ar"].tolist() == [2014, 2015, 2016]
    assert a.loc[a["typ"] == "utfall", "ar"].max() == 2013
    # the forecast for 2014 is not the outcome of 2014 (it is a projection)
    real_2014 = raw["folkmangd"].query("ar == 2014")["antal"].sum()
    got_2014 = b.loc[b["ar"] == 2014, "folkmangd"].item()
    assert got_2014 != real_2014
    assert abs(got_2014 / real_2014 - 1) < 0.02


def test_default_base_year_is_the_last_31_december():
    fm = pd.DataFrame(
        {
            "ar": [2020, 2020, 2021, 2021],
            "manad": [12, 12, 6, 6],
            "kon": ["K", "M", "K", "M"],
            "alder": [30, 30, 30, 30],
            "antal": [5.0, 6.0, 5.0, 6.0],
        }
    )
    empty = pd.DataFrame(columns=["ar", "kon", "alder", "antal"])
    data = BefolkningData(
        folkmangd=fm,
        fodda=pd.DataFrame(columns=["ar", "moderns_alder", "kon", "antal"]),
        doda=empty,
        flyttningar=pd.DataFrame(columns=["ar", "kon", "alder", "riktning", "omrade", "antal"]),
    )
    assert default_base_year(data) == 2020
    no_dec = BefolkningData(
        folkmangd=fm[fm["manad"] == 6],
        fodda=data.fodda,
        doda=data.doda,
        flyttningar=data.flyttningar,
    )
    with pytest.raises(InputError, match="31 december"):
        default_base_year(no_dec)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"scenario": "xyz"}, ArgumentError, "okänt scenario 'xyz'"),
        ({"base_year": 1800}, ArgumentError, r"basåret 1800 .*\(2006–2018\)"),
        ({"horizon": 0}, ArgumentError, "heltal ≥ 1"),
        ({"base_year": 2006}, ModellError, "antagandena kan inte skattas"),
    ],
)
def test_bad_arguments(lulea, kwargs, error, match):
    with pytest.raises(error, match=match):
        befolkning_blad(lulea, **kwargs)
