"""Tests of :mod:`analysis.befolkning.prognos`: the base forecast and the ``befolkning``
sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis.befolkning.prognos as bef
from analysis.befolkning.antaganden import life_table
from analysis.befolkning.historik import BefolkningData
from analysis.befolkning.motor import project_cohort_component
from analysis.befolkning.prognos import befolkning_sheet, check_horizon, forecast
from analysis.core.errors import ArgumentError, InputError, ModellError
from analysis.sample.befolkning import generate_befolkning

from .test_antaganden import synthetic_data


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_data()


@pytest.fixture(scope="module")
def sample():
    return BefolkningData.from_frames(generate_befolkning())


# --------------------------------------------------------------------------------------
# forecast
# --------------------------------------------------------------------------------------
def assert_balances(components: pd.DataFrame, start: float) -> None:
    previous = start
    for row in components.itertuples():
        assert row.folkmangd == pytest.approx(
            previous + row.fodda - row.doda + row.flyttnetto, rel=0, abs=1e-8
        )
        assert row.flyttnetto == pytest.approx(row.inflyttade - row.utflyttade, abs=1e-9)
        assert abs(row.justering) < 1e-6  # a residual now: ~0 when the engine is right
        previous = row.folkmangd


def test_forecast_balances_and_uses_the_engine(synthetic, monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return project_cohort_component(*args, **kwargs)

    monkeypatch.setattr(bef, "project_cohort_component", spy)
    fc = forecast(synthetic, horizon=4, extra_net_migration=-25.0)
    assert len(calls) == 4
    assert all(c["width"] == 1 and c["steps"] == 1 for c in calls)
    comp = fc.components
    assert comp["ar"].tolist() == [2021, 2022, 2023, 2024]
    assert set(comp["typ"]) == {"prognos"}
    assert_balances(comp, synthetic.stock_total(2020))
    totals = fc.population.groupby("ar")["antal"].sum()
    assert totals.to_numpy() == pytest.approx(comp["folkmangd"].to_numpy())
    assert (comp["doda"] > 0).all() and (comp["fodda"] > 0).all()

    # the first year by hand: the engine with the assumptions' inputs
    a = fc.assumptions
    start = synthetic.folkmangd[synthetic.folkmangd["ar"] == 2020][["kon", "alder", "antal"]]
    start = start.sort_values(["kon", "alder"]).reset_index(drop=True)
    risk = a.utflyttningsrisk.sort_values(["kon", "alder"])["risk"].to_numpy()
    count = a.utflyttade.sort_values(["kon", "alder"])["antal"].to_numpy()
    prof = a.inflyttningsprofil.sort_values(["kon", "alder"])["andel"].to_numpy()
    # out-migrants: the smaller of the assumed number and risk × the smaller of the start
    # population aged x and aged x − 1 (per sex; rows are K 0..100, M 0..100)
    p0 = start["antal"].to_numpy().reshape(2, 101)
    exposed = p0.copy()
    exposed[:, 1:] = np.minimum(p0[:, 1:], p0[:, :-1])
    out = np.minimum(count, risk * exposed.reshape(-1))
    net = a.inflyttade * prof - (out + 25.0 * prof)
    # the life table of 2021: the death rates improved from the window's middle year
    assert a.dodstal_ar == pytest.approx(2018.0)
    m = a.dodstal.sort_values(["kon", "alder"])["dodstal"].to_numpy()
    r = a.forbattring.sort_values(["kon", "alder"])["takt"].to_numpy()
    improved = m * (1 - r) ** 3
    nlx = pd.concat(
        [
            pd.DataFrame(
                {
                    "kon": k,
                    "alder": range(101),
                    "nLx": life_table(improved[i * 101 : (i + 1) * 101], k)["Lx"],
                }
            )
            for i, k in enumerate("KM")
        ]
    )
    direct = project_cohort_component(start, nlx, a.asfr, start.assign(antal=net), srb=a.srb)
    first = fc.population[fc.population["ar"] == 2021].sort_values(["kon", "alder"])
    assert first["antal"].to_numpy() == pytest.approx(direct["antal"].to_numpy(), rel=1e-12)
    assert comp["fodda"].iloc[0] == pytest.approx(direct.attrs["fodda"]["antal"].sum())
    assert comp["utflyttade"].iloc[0] == pytest.approx(out.sum() + 25.0)
    # the rule bites both ways in the synthetic kommun (a growing population)
    assert (count < risk * exposed.reshape(-1)).any()
    assert (count > risk * exposed.reshape(-1)).any()


def test_extra_net_migration_adds_people(synthetic):
    base = forecast(synthetic, horizon=3)
    more = forecast(synthetic, horizon=3, extra_net_migration=100.0, assumptions=base.assumptions)
    diff = more.components["inflyttade"] - base.components["inflyttade"]
    assert diff.to_numpy() == pytest.approx([100.0, 100.0, 100.0])
    assert (more.components["folkmangd"] > base.components["folkmangd"]).all()


def test_befolkning_sheet_for_the_sample(sample):
    sheet = befolkning_sheet(sample, horizon=5)
    assert list(sheet.columns) == [
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
    assert sheet["typ"].tolist() == ["utfall"] * 24 + ["prognos"] * 5
    assert sheet["ar"].tolist() == list(range(2000, 2029))
    history, projection = sheet[sheet["typ"] == "utfall"], sheet[sheet["typ"] == "prognos"]
    assert_balances(projection, history["folkmangd"].iloc[-1])
    assert (projection["justering"].abs() < 1e-6).all()
    # a plausible continuation
    assert 79_000 < projection["folkmangd"].iloc[-1] < 84_000
    assert projection["fodda"].between(650, 1000).all()
    assert projection["doda"].between(600, 950).all()


def test_check_horizon():
    assert check_horizon(10) == 10
    assert check_horizon(3.0) == 3
    for bad in (0, -1, 2.5, "tio", None):
        with pytest.raises(ArgumentError, match="'horizon': prognosperioden"):
            check_horizon(bad)


def test_forecast_errors(synthetic):
    with pytest.raises(ArgumentError, match="'horizon'"):
        forecast(synthetic, horizon=0)
    with pytest.raises(InputError) as e:
        forecast(synthetic, base_year=2030, horizon=1)
    assert e.value.problems[0].file == "befolkning/folkmangd"
    empty = BefolkningData(
        *(getattr(synthetic, t).iloc[:0] for t in ("folkmangd", "fodda", "doda", "flyttningar"))
    )
    with pytest.raises(ModellError, match="inget fullständigt år"):
        forecast(empty)
