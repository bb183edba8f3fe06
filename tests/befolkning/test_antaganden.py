"""Tests of :mod:`analysis.befolkning.antaganden`: the life table and the estimated
assumptions, on hand-made data with known rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis.befolkning.antaganden as ant
from analysis.befolkning.antaganden import estimate_assumptions, life_table
from analysis.befolkning.historik import BefolkningData
from analysis.core.errors import ArgumentError, ModellError

from .test_historik import tiny_data

NA = pd.NA


# --------------------------------------------------------------------------------------
# life table and assumptions
# --------------------------------------------------------------------------------------
def test_life_table_hand_computed():
    lt = life_table([0.01, 0.02, 0.5], kon="K", radix=1000)
    a0 = 0.14903 - 2.05527 * 0.01  # Andreev–Kingkade, women, m0 < 0.01724
    q0 = 0.01 / (1 + (1 - a0) * 0.01)
    l1 = 1000 * (1 - q0)
    q1 = 0.02 / (1 + 0.5 * 0.02)
    l2 = l1 * (1 - q1)
    assert lt["ax"].iloc[0] == pytest.approx(a0)
    assert lt["lx"].tolist() == pytest.approx([1000, l1, l2])
    assert lt["Lx"].tolist() == pytest.approx(
        [l1 + a0 * (1000 - l1), l2 + 0.5 * (l1 - l2), l2 / 0.5]
    )
    assert lt["ex"].iloc[0] == pytest.approx(lt["Lx"].sum() / 1000)
    assert life_table([0.01, 0.5], kon="M")["ax"].iloc[0] == pytest.approx(0.14929 - 1.99545 * 0.01)
    with pytest.raises(ArgumentError, match="'dodstal'"):
        life_table([0.01, 0.0])
    with pytest.raises(ArgumentError, match="minst två tal"):
        life_table([0.01])


AGES = np.arange(101)
TRUE_ASFR = np.where((AGES >= 15) & (AGES <= 49), 0.004 * (AGES - 14) * (50 - AGES) / 17.5, 0)
TRUE_M = np.vstack(
    [
        np.where(AGES < 30, 0.0004, 1e-4 * np.exp(0.1 * (AGES - 30))),
        np.where(AGES < 30, 0.0006, 1.6e-4 * np.exp(0.1 * (AGES - 30))),
    ]
)
TRUE_M[:, 0] = [0.003, 0.004]
TRUE_M[:, 100] = [0.6, 0.7]
TRUE_OUT = 0.02 + 0.0002 * AGES  # linear: the 1-2-1 smoother keeps it


def synthetic_data() -> BefolkningData:
    """Five years 2016–2020 whose events are exactly rate × mean population."""
    years = range(2015, 2021)
    rows_fm, rows_b, rows_d, rows_f = [], [], [], []
    base = np.vstack([np.full(101, 1000.0), np.full(101, 1100.0)])
    base[:, 100] = 300
    pops = {y: base * (1 + 0.01 * (y - 2015)) for y in years}
    for y in years:
        for s, kon in enumerate("KM"):
            rows_fm += [(y, NA, kon, a, pops[y][s, a]) for a in AGES]
    for y in years[1:]:
        expo = (pops[y - 1] + pops[y]) / 2
        births = TRUE_ASFR * expo[0]
        for a in AGES[(AGES >= 15) & (AGES <= 49)]:
            rows_b += [(y, NA, a, "K", births[a] / 2.06), (y, NA, a, "M", births[a] * 1.06 / 2.06)]
        for s, kon in enumerate("KM"):
            rows_d += [(y, NA, kon, a, TRUE_M[s, a] * expo[s, a]) for a in AGES]
            rows_f += [(y, NA, kon, a, "ut", "annat_lan", TRUE_OUT[a] * expo[s, a]) for a in AGES]
            rows_f += [(y, NA, kon, a, "in", "utlandet", 2.0 + 0.01 * a) for a in AGES]
    return BefolkningData(
        pd.DataFrame(rows_fm, columns=["ar", "manad", "kon", "alder", "antal"]),
        pd.DataFrame(rows_b, columns=["ar", "manad", "moderns_alder", "kon", "antal"]),
        pd.DataFrame(rows_d, columns=["ar", "manad", "kon", "alder", "antal"]),
        pd.DataFrame(
            rows_f, columns=["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"]
        ),
    )


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_data()


def test_assumptions_recover_known_rates(synthetic):
    a = estimate_assumptions(synthetic, 2020, years=5, half_life=None)
    assert a.years == [2016, 2017, 2018, 2019, 2020]
    asfr = a.asfr.set_index("alder")["asfr"]
    assert asfr[(AGES < 15) | (AGES > 49)].eq(0).all()
    assert asfr.loc[20:44].to_numpy() == pytest.approx(TRUE_ASFR[20:45], rel=0.03)
    assert a.tfr == pytest.approx(TRUE_ASFR.sum(), rel=0.02)
    m = a.dodstal.pivot(index="kon", columns="alder", values="dodstal").to_numpy()
    assert m[:, 0] == pytest.approx(TRUE_M[:, 0])  # observed
    assert m[:, 1:28].ravel() == pytest.approx(TRUE_M[:, 1:28].ravel())  # flat: kernel exact
    assert m[:, 50:100].ravel() == pytest.approx(TRUE_M[:, 50:100].ravel(), rel=1e-6)  # Gompertz
    assert m[:, 40:50].ravel() == pytest.approx(TRUE_M[:, 40:50].ravel(), rel=0.02)
    assert m[:, 100] == pytest.approx(TRUE_M[:, 100])
    # nLx is the life table of these rates
    lt = life_table(m[1], "M")
    nlx = a.nLx[a.nLx["kon"] == "M"]["nLx"].to_numpy()
    assert nlx == pytest.approx(lt["Lx"].to_numpy())
    assert a.medellivslangd["M"] == pytest.approx(lt["ex"].iloc[0])
    risk = a.utflyttningsrisk.pivot(index="kon", columns="alder", values="risk").to_numpy()
    # the risk is per person exposed at the start of the year: out-migrants (= TRUE_OUT ×
    # the mean population of the year) over the population on the 31 December before
    # (flat over age, so the smaller of ages x and x − 1 is either); level 1 + 0.01·(y − 2015)
    level = np.array([1 + 0.01 * (y - 2015) for y in range(2015, 2021)])
    ratio = ((level[:-1] + level[1:]) / 2).sum() / level[:-1].sum()
    assert a.flyttar == [2016, 2017, 2018, 2019, 2020]  # all there are of the 10 years
    assert risk[:, 1:99].ravel() == pytest.approx(np.tile(TRUE_OUT[1:99] * ratio, 2), rel=1e-9)
    # the numbers of out-migrants: the mean of the years by age, smoothed 1-2-1 with the
    # total kept (the smoothing moves a little across the open group and age 0)
    out = a.utflyttade.pivot(index="kon", columns="alder", values="antal").to_numpy()
    base = np.vstack([np.full(101, 1000.0), np.full(101, 1100.0)])
    base[:, 100] = 300
    want = TRUE_OUT * base * ((level[:-1] + level[1:]) / 2).mean()
    assert out.sum() == pytest.approx(want.sum(), rel=1e-12)
    assert out[:, 2:98].ravel() == pytest.approx(want[:, 2:98].ravel(), rel=0.01)
    assert a.inflyttade == pytest.approx(2 * (2.0 * 101 + 0.01 * AGES.sum()))
    prof = a.inflyttningsprofil
    assert prof["andel"].sum() == pytest.approx(1.0)
    assert a.srb == pytest.approx(1.06)


def test_assumptions_without_smoothing_are_the_observed_rates(synthetic):
    a = estimate_assumptions(synthetic, 2020, smooth=False)
    m = a.dodstal.pivot(index="kon", columns="alder", values="dodstal").to_numpy()
    assert m.ravel() == pytest.approx(TRUE_M.ravel())
    assert a.asfr["asfr"].to_numpy() == pytest.approx(TRUE_ASFR)


def test_assumptions_need_a_complete_year(synthetic):
    with pytest.raises(ModellError, match="antagandena"):
        estimate_assumptions(synthetic, 2030)


# --------------------------------------------------------------------------------------
# estimation failures are reported, not swallowed
# --------------------------------------------------------------------------------------
def test_failed_gompertz_fit_is_reported_in_the_notes():
    # the tiny kommun has a handful of deaths: no Gompertz fit, no deaths at 100+
    a = estimate_assumptions(tiny_data(), 2022)
    notes = " ".join(a.anmarkningar)
    assert (
        "Dödligheten för kvinnor kunde inte anpassas till en Gompertzkurva (för få dödsfall"
        in notes
    )
    assert "Dödligheten för män kunde inte anpassas" in notes
    assert "Inga dödsfall bland kvinnor 100 år och äldre under 2021–2022" in notes


def test_non_converging_gompertz_fit_is_reported(synthetic, monkeypatch):
    assert estimate_assumptions(synthetic, 2020).anmarkningar == []
    # a Newton step that never shrinks: the fit must not be used as if it had converged
    monkeypatch.setattr(ant.np.linalg, "solve", lambda H, g: np.array([1e-3, -1e-3]))
    a = estimate_assumptions(synthetic, 2020)
    assert len(a.anmarkningar) == 2
    assert all("konvergerade inte" in n for n in a.anmarkningar)


# --------------------------------------------------------------------------------------
# mortality improvement and the migration weights
# --------------------------------------------------------------------------------------
def trend_data(decline: float, scale: float, years=range(2000, 2016)) -> BefolkningData:
    """A stationary population (``scale`` × 1000 at each age 0–99) whose death rates at
    all ages fall by ``decline`` a year; deaths are exactly rate × exposure."""
    rows_fm, rows_d, rows_b, rows_f = [], [], [], []
    pop = np.full((2, 101), 1000.0 * scale)
    for y in years:
        rows_fm += [(y, kon, a, pop[s, a]) for s, kon in enumerate("KM") for a in AGES]
    for y in list(years)[1:]:
        m = TRUE_M * np.exp(-decline * (y - 2000))
        rows_d += [(y, kon, a, m[s, a] * pop[s, a]) for s, kon in enumerate("KM") for a in AGES]
        rows_b += [(y, 30, "K", 10.0 * scale)]
        rows_f += [(y, "K", 30, "in", "utlandet", 1.0)]
    return BefolkningData(
        pd.DataFrame(rows_fm, columns=["ar", "kon", "alder", "antal"]),
        pd.DataFrame(rows_b, columns=["ar", "moderns_alder", "kon", "antal"]),
        pd.DataFrame(rows_d, columns=["ar", "kon", "alder", "antal"]),
        pd.DataFrame(rows_f, columns=["ar", "kon", "alder", "riktning", "omrade", "antal"]),
    )


def test_a_large_kommun_keeps_its_own_trend_a_small_one_the_national():
    big = ant.mortality_improvement(trend_data(0.03, 100.0), 2015)
    assert big.kommun == pytest.approx(0.03, abs=1e-6)  # exact data: the true decline
    assert big.vikt > 0.99
    assert big.pooled == pytest.approx(0.03, abs=1e-4)
    takt = big.takt.pivot(index="kon", columns="alder", values="takt").to_numpy()
    nat = ant.NATIONAL_IMPROVEMENT
    assert takt[0, :50] == pytest.approx(nat[:50])  # below 50: the national rate
    assert takt[1, 50:] == pytest.approx(nat[50:] * big.pooled / big.nationell)
    # the same trend in a kommun of a thousandth the size weighs less
    small = ant.mortality_improvement(trend_data(0.03, 0.1), 2015)
    assert small.kommun == pytest.approx(0.03, abs=1e-6)
    assert small.vikt < big.vikt
    assert small.nationell < small.pooled < 0.03
    # the pooled rate lies between the two, weighted by precision
    assert small.pooled == pytest.approx(small.vikt * 0.03 + (1 - small.vikt) * small.nationell)


def test_too_short_a_history_uses_the_national_rate():
    short = ant.mortality_improvement(trend_data(0.03, 100.0, years=range(2013, 2016)), 2015)
    assert short.ar == [2014, 2015] and short.kommun is None and short.vikt == 0.0
    assert short.pooled == pytest.approx(short.nationell)
    # a rising mortality is not projected to go on
    rising = ant.mortality_improvement(trend_data(-0.05, 100.0), 2015)
    assert rising.kommun == pytest.approx(-0.05, abs=1e-6) and rising.pooled == 0.0


def test_improved_life_tables(synthetic):
    a = estimate_assumptions(synthetic, 2020)
    assert a.dodstal_ar == 2018.0
    pd.testing.assert_frame_equal(a.nLx_ar(2018.0), a.nLx)
    e0 = {y: a.nLx_ar(y).groupby("kon")["nLx"].sum() / a.radix for y in (2018, 2023, 2030)}
    assert (e0[2023] > e0[2018]).all() and (e0[2030] > e0[2023]).all()
    # by hand: the rates of 2023 are m × (1 − r)^5
    m = a.dodstal[a.dodstal["kon"] == "K"]["dodstal"].to_numpy()
    r = a.forbattring[a.forbattring["kon"] == "K"]["takt"].to_numpy()
    lt = life_table(m * (1 - r) ** 5, "K")
    got = a.nLx_ar(2023)
    assert got[got["kon"] == "K"]["nLx"].to_numpy() == pytest.approx(lt["Lx"].to_numpy())
    constant = estimate_assumptions(synthetic, 2020, improvement=False)
    assert constant.forbattring is None
    pd.testing.assert_frame_equal(constant.nLx_ar(2030), constant.nLx)


def test_migration_weights():
    w = ant.migration_weights([2018, 2019, 2020, 2021], 2021, 2.0)
    raw = np.array([0.5**1.5, 0.5**1, 0.5**0.5, 1.0])
    assert w == pytest.approx(raw / raw.sum())
    assert ant.migration_weights([2020, 2021], 2021, None) == pytest.approx([0.5, 0.5])


def test_migration_window_falls_back_on_the_years_there_are(synthetic):
    a = estimate_assumptions(synthetic, 2020, migration_years=3)
    assert a.flyttar == [2018, 2019, 2020]
    assert sum(a.flyttvikter) == pytest.approx(1.0)
    assert a.flyttvikter[-1] > a.flyttvikter[0]
    one = estimate_assumptions(synthetic, 2016)
    assert one.flyttar == [2016] and one.flyttvikter == [1.0]


def test_fertility_weighted_by_year(synthetic):
    # the births of 2020 doubled: the rates of the years differ, so the weighting shows
    fodda = synthetic.fodda.copy()
    fodda.loc[fodda["ar"] == 2020, "antal"] *= 2
    data = BefolkningData(synthetic.folkmangd, fodda, synthetic.doda, synthetic.flyttningar)
    # by hand from the frames: the women's mean population of each year, the births by age
    fm = data.folkmangd[data.folkmangd["kon"] == "K"].pivot(
        index="ar", columns="alder", values="antal"
    )
    women = {y: (fm.loc[y - 1].to_numpy() + fm.loc[y].to_numpy()) / 2 for y in range(2016, 2021)}
    births = {
        y: fodda[fodda["ar"] == y]
        .groupby("moderns_alder")["antal"]
        .sum()
        .reindex(AGES, fill_value=0)
        for y in range(2016, 2021)
    }
    for half_life in (None, 1.0):
        w = {y: 1.0 if half_life is None else 0.5 ** ((2020 - y) / half_life) for y in women}
        num = sum(w[y] * births[y].to_numpy() for y in w)
        den = sum(w[y] * women[y] for y in w)
        want = np.where((AGES >= 15) & (AGES <= 49), num / den, 0.0)
        # None: the default, equal weights
        kwargs = {} if half_life is None else {"fertility_half_life": half_life}
        a = estimate_assumptions(data, 2020, smooth=False, **kwargs)
        assert a.asfr["asfr"].to_numpy() == pytest.approx(want, rel=1e-12)
    pooled = estimate_assumptions(data, 2020, smooth=False)
    recent = estimate_assumptions(data, 2020, smooth=False, fertility_half_life=1.0)
    # the weighting moves the level towards 2020's (twice the other years')
    assert TRUE_ASFR.sum() < pooled.tfr < recent.tfr < 2 * TRUE_ASFR.sum()
    # the mortality and migration assumptions do not depend on it
    pd.testing.assert_frame_equal(pooled.dodstal, recent.dodstal)
    pd.testing.assert_frame_equal(pooled.utflyttade, recent.utflyttade)
