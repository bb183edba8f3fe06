"""Tests of :mod:`analysis.befolkning.scenarier`: scenarios, goal seeking, the fan, the
back-test and the demand indicators, on the shipped sample kommun."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.befolkning.antaganden import estimate_assumptions
from analysis.befolkning.historik import BefolkningData
from analysis.befolkning.prognos import forecast
from analysis.befolkning.scenarier import (
    BACKTEST_GROUPS,
    DEMAND_GROUPS,
    _ar1_sum_sd,
    age_groups,
    backtest,
    demand_indicators,
    goal_seek_net_migration,
    history_by_age,
    rapportunderlag,
    report_years,
    scenario_forecast,
    scenarios,
    truncate,
    uncertainty_fan,
)
from analysis.core.errors import ArgumentError, ModellError


@pytest.fixture(scope="module")
def bd(sample_data) -> BefolkningData:
    return BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )


@pytest.fixture(scope="module")
def base_year(bd) -> int:
    return int(bd.folkmangd["ar"].max())


@pytest.fixture(scope="module")
def assumptions(bd, base_year):
    return estimate_assumptions(bd, base_year)


@pytest.fixture(scope="module")
def scen(bd, base_year, assumptions) -> pd.DataFrame:
    return scenarios(
        bd, base_year, horizon=20, assumptions=assumptions, mal_folkmangd=100_000, mal_ar=2040
    )


# --------------------------------------------------------------------------------------
# goal seeking
# --------------------------------------------------------------------------------------
def test_goal_seek_reaches_target(bd, base_year, assumptions):
    extra = goal_seek_net_migration(bd, 100_000, 2040, base_year, assumptions)
    fc = forecast(
        bd, base_year, horizon=2040 - base_year, assumptions=assumptions, extra_net_migration=extra
    )
    reached = fc.components.set_index("ar").loc[2040, "folkmangd"]
    assert abs(reached - 100_000) < 1.0
    assert extra > 0


def test_goal_seek_base_target_gives_zero(bd, base_year, assumptions):
    fc = forecast(bd, base_year, horizon=7, assumptions=assumptions)
    target = float(fc.components["folkmangd"].iloc[-1])
    extra = goal_seek_net_migration(bd, target, base_year + 7, base_year, assumptions)
    assert abs(extra) < 0.01


def test_goal_seek_below_base_gives_negative(bd, base_year, assumptions):
    extra = goal_seek_net_migration(bd, 70_000, base_year + 10, base_year, assumptions)
    fc = forecast(bd, base_year, horizon=10, assumptions=assumptions, extra_net_migration=extra)
    assert extra < 0
    assert abs(fc.components["folkmangd"].iloc[-1] - 70_000) < 1.0


def test_goal_seek_rejects_bad_goal(bd, base_year, assumptions):
    with pytest.raises(ArgumentError, match="'mal_ar': målåret"):
        goal_seek_net_migration(bd, 100_000, base_year, base_year, assumptions)
    with pytest.raises(ArgumentError, match="'mal_folkmangd': .*positivt"):
        goal_seek_net_migration(bd, -5, base_year + 5, base_year, assumptions)


# --------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------
def test_scenarios_tidy_and_goal(scen, base_year):
    assert list(scen.columns[:4]) == ["scenario", "text", "ar", "folkmangd"]
    assert set(scen["scenario"]) == {"bas", "lag", "hog", "mal"}
    for _, part in scen.groupby("scenario"):
        assert part["ar"].tolist() == list(range(base_year + 1, base_year + 21))
    mal = scen[(scen["scenario"] == "mal") & (scen["ar"] == 2040)]
    assert abs(float(mal["folkmangd"].iloc[0]) - 100_000) < 1.0
    assert (scen.loc[scen["scenario"] != "mal", "extra_flyttnetto"] == 0).all()


def test_scenarios_ordered(scen):
    wide = scen.pivot(index="ar", columns="scenario", values="folkmangd")
    assert (wide["lag"] <= wide["bas"]).all()
    assert (wide["bas"] <= wide["hog"]).all()
    assert (wide["lag"] < wide["hog"]).all()


def test_scenarios_balance_exactly(scen, bd, base_year):
    start = bd.stock_total(base_year)
    for _, part in scen.groupby("scenario"):
        prev = np.r_[start, part["folkmangd"].to_numpy()[:-1]]
        implied = prev + part["fodda"] - part["doda"] + part["flyttnetto"]
        np.testing.assert_allclose(part["folkmangd"], implied, rtol=0, atol=1e-6)
        np.testing.assert_allclose(
            part["flyttnetto"], part["inflyttade"] - part["utflyttade"], rtol=0, atol=1e-9
        )


def test_scenario_forecast_factor_scales_inflow(bd, base_year, assumptions):
    fc = scenario_forecast(bd, base_year, 3, assumptions, inflyttning_faktor=0.9)
    assert fc.components["inflyttade"].iloc[0] == pytest.approx(0.9 * assumptions.inflyttade)
    with pytest.raises(ArgumentError, match="'inflyttning_faktor'"):
        scenario_forecast(bd, base_year, 3, assumptions, inflyttning_faktor=-1)


def test_scenarios_need_both_goal_parts(bd, base_year, assumptions):
    with pytest.raises(ArgumentError, match="både"):
        scenarios(bd, base_year, 5, assumptions, mal_folkmangd=100_000)


# --------------------------------------------------------------------------------------
# uncertainty
# --------------------------------------------------------------------------------------
def test_fan_ordered_and_widening(bd, base_year, assumptions):
    fan = uncertainty_fan(bd, base_year, horizon=20, assumptions=assumptions)
    assert len(fan) == 20
    cols = ["nedre_95", "nedre_80", "folkmangd", "ovre_80", "ovre_95"]
    values = fan[cols].to_numpy()
    assert (np.diff(values, axis=1) > 0).all()
    for lo, hi in (("nedre_80", "ovre_80"), ("nedre_95", "ovre_95")):
        assert (np.diff(fan[hi] - fan[lo]) > 0).all()
    assert "flyttnettot" in fan.attrs["metod"]


@settings(max_examples=50, deadline=None)
@given(sd=st.floats(0.1, 1000), phi=st.floats(0, 0.8), horizon=st.integers(1, 30))
def test_ar1_sum_sd_increases(sd, phi, horizon):
    out = _ar1_sum_sd(sd, phi, horizon)
    assert out[0] == pytest.approx(sd)
    assert (np.diff(out) > 0).all()
    if phi == 0:
        np.testing.assert_allclose(out, sd * np.sqrt(np.arange(1, horizon + 1)))


# --------------------------------------------------------------------------------------
# back-test
# --------------------------------------------------------------------------------------
def test_backtest_layout(bd, base_year):
    bt = backtest(bd, years_back=5)
    assert bt.attrs["base_year"] == base_year - 5
    assert sorted(set(bt["ar"])) == list(range(base_year - 4, base_year + 1))
    assert list(pd.unique(bt["grupp"])) == [*BACKTEST_GROUPS, "Totalt"]
    for _, part in bt.groupby("ar"):
        groups = part[part["grupp"] != "Totalt"]
        total = part[part["grupp"] == "Totalt"].iloc[0]
        assert groups["prognos"].sum() == pytest.approx(total["prognos"])
        assert groups["utfall"].sum() == pytest.approx(total["utfall"])
        assert total["utfall"] == pytest.approx(bd.stock_total(int(total["ar"])))
    np.testing.assert_allclose(bt["fel"], bt["prognos"] - bt["utfall"])
    np.testing.assert_allclose(bt["fel_procent"], 100 * bt["fel"] / bt["utfall"])


def test_backtest_ignores_data_after_base_year(bd, base_year):
    bt = backtest(bd, years_back=5)
    cut = base_year - 5

    def corrupt(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        later = df["ar"] > cut
        df.loc[later, "antal"] = df.loc[later, "antal"] * 3 + 7
        return df

    bad = BefolkningData(
        corrupt(bd.folkmangd), corrupt(bd.fodda), corrupt(bd.doda), corrupt(bd.flyttningar)
    )
    bt2 = backtest(bad, years_back=5)
    np.testing.assert_array_equal(bt["prognos"].to_numpy(), bt2["prognos"].to_numpy())
    assert not np.allclose(bt["utfall"], bt2["utfall"])


def test_truncate_drops_later_years(bd, base_year):
    past = truncate(bd, base_year - 3)
    for name in ("folkmangd", "fodda", "doda", "flyttningar"):
        assert getattr(past, name)["ar"].max() == base_year - 3


# --------------------------------------------------------------------------------------
# demand indicators
# --------------------------------------------------------------------------------------
def test_demand_indicators_sum_single_ages(bd, base_year, assumptions):
    fc = forecast(bd, base_year, horizon=5, assumptions=assumptions)
    ind = demand_indicators(bd, fc)
    assert list(ind.columns) == ["ar", "typ", *DEMAND_GROUPS]
    assert ind["ar"].is_unique
    assert set(ind.loc[ind["typ"] == "prognos", "ar"]) == set(range(base_year + 1, base_year + 6))
    hist = history_by_age(bd)
    for year, frame in ((base_year, hist), (base_year + 3, fc.population)):
        rows = frame[frame["ar"] == year]
        row = ind[ind["ar"] == year].iloc[0]
        for gid, (lo, hi) in DEMAND_GROUPS.items():
            expected = rows.loc[(rows["alder"] >= lo) & (rows["alder"] <= hi), "antal"].sum()
            assert row[gid] == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2000, 2003),
            st.sampled_from(["K", "M"]),
            st.integers(0, 100),
            st.floats(0, 1e4),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_age_groups_property(rows):
    pop = pd.DataFrame(rows, columns=["ar", "kon", "alder", "antal"])
    groups = {"a": (0, 17), "b": (18, 100), "c": (1, 5)}
    out = age_groups(pop, groups).set_index("ar")
    total = pop.groupby("ar")["antal"].sum()
    np.testing.assert_allclose(out["a"] + out["b"], total.reindex(out.index), rtol=1e-9, atol=1e-6)
    for year, part in pop.groupby("ar"):
        sel = part[(part["alder"] >= 1) & (part["alder"] <= 5)]["antal"].sum()
        assert out.loc[year, "c"] == pytest.approx(sel, abs=1e-6)


def test_errors_when_the_data_do_not_support_the_analysis(bd, base_year):
    with pytest.raises(ModellError, match="minst tre fullständiga år"):
        uncertainty_fan(truncate(bd, 2001), 2001, horizon=3)
    with pytest.raises(ModellError, match="ingen folkmängd efter"):
        backtest(bd, base_year=base_year)
    with pytest.raises(ArgumentError, match="'horizon'"):
        scenarios(bd, base_year, horizon=0)


def test_report_years():
    assert report_years(2022, 20) == [2023, 2027, 2032, 2037, 2042]
    assert report_years(2022, 7, 2025) == [2023, 2025, 2027]


# --------------------------------------------------------------------------------------
# everything the report shows
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def underlag(bd):
    return rapportunderlag(bd, 2023, 4)


def test_rapportunderlag_april_2023(bd, underlag):
    u = underlag
    # the sample has monthly data for January–April 2023; the last 31 December before
    # the end of April is 2022
    assert u.basar == 2022 and u.slutar == 2042 and u.horisont == 20
    assert u.mal is None
    assert u.visa_ar == [2023, 2027, 2032, 2037, 2042]
    assert u.behov_ar == 2032
    assert u.komp.attrs["grund"] == "manad" and u.komp.attrs["ar"] == 2023
    assert u.historik["ar"].tolist() == list(range(2007, 2023))
    assert u.antaganden.years == [2018, 2019, 2020, 2021, 2022]
    assert u.sheet["ar"].max() == 2032
    assert set(u.scenarier["scenario"]) == {"lag", "bas", "hog"}
    assert u.bas.components["ar"].tolist() == list(range(2023, 2043))
    assert u.fan["ar"].tolist() == list(range(2023, 2043))
    assert set(u.pyramid_start["ar"]) == {2022} and set(u.pyramid_slut["ar"]) == {2042}
    assert u.pyramid_start["antal"].sum() == bd.stock_total(2022)
    assert u.behov["ar"].min() == 2017 and u.behov["ar"].max() == 2042
    assert u.efterhand.attrs["base_year"] == 2017
    # the same figures as the functions called one by one
    base = forecast(bd, 2022, horizon=20, assumptions=u.antaganden)
    pd.testing.assert_frame_equal(u.bas.components, base.components)


def test_rapportunderlag_with_a_goal(bd):
    u = rapportunderlag(bd, 2023, 4, horizon=5, mal_folkmangd=90_000.0, mal_ar=2030)
    assert u.mal == (2030, 90_000.0)
    assert u.slutar == 2027 and u.horisont == 8  # extended to the goal year
    assert u.visa_ar == [2023, 2027, 2030]
    assert u.behov_ar == 2027
    mal = u.scenarier[(u.scenarier["scenario"] == "mal") & (u.scenarier["ar"] == 2030)]
    assert abs(float(mal["folkmangd"].iloc[0]) - 90_000) < 1.0
    # one part of the goal alone is no goal (an empty notebook parameter)
    assert rapportunderlag(bd, 2023, 4, horizon=5, mal_ar=2030).mal is None
