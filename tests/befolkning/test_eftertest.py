"""The back-test over every jump-off year (:mod:`analysis.befolkning.eftertest`): the goal on
SCB's real figures for Luleå 2006–2018 (``shared/real/scb_lulea``, read as they are), the
naive forecast by hand, strict as-of and the invariants."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.befolkning import eftertest as ef
from analysis.befolkning.antaganden import estimate_assumptions
from analysis.befolkning.eftertest import (
    EFTERTEST_GROUPS,
    eftertest,
    naiv_prognos,
    rapport_eftertest,
)
from analysis.befolkning.historik import BefolkningData, annual_rows
from analysis.befolkning.motor import project_cohort_component
from analysis.befolkning.prognos import forecast
from analysis.befolkning.scenarier import truncate
from analysis.core.errors import ModellError
from analysis.io.dataset import load_domain
from tests.conftest import SCB_LULEA

NAMES = ("folkmangd", "fodda", "doda", "flyttningar")
real = pytest.mark.skipif(not SCB_LULEA.is_dir(), reason="shared/real/scb_lulea is not here")


@pytest.fixture(scope="module")
def lulea(tmp_path_factory) -> BefolkningData:
    if not SCB_LULEA.is_dir():
        pytest.skip("shared/real/scb_lulea is not here")
    data_dir = tmp_path_factory.mktemp("lulea_eftertest") / "data"
    folder = data_dir / "raw" / "befolkning"
    folder.mkdir(parents=True)
    for name in NAMES:
        shutil.copyfile(SCB_LULEA / f"{name}.csv", folder / f"{name}.csv")
    return BefolkningData.from_frames(load_domain(Path(data_dir), "befolkning"))


@pytest.fixture(scope="module")
def et(lulea):
    return eftertest(lulea)


@pytest.fixture(scope="module")
def raw_folkmangd() -> pd.DataFrame:
    """The folkmängd read in plain pandas: the independent path to the outcome."""
    fm = pd.read_csv(SCB_LULEA / "folkmangd.csv")
    return fm.assign(alder=fm["alder"].clip(upper=100))


# --------------------------------------------------------------------------------------
# the goal on Luleå's real figures
# --------------------------------------------------------------------------------------
@real
def test_every_testable_jump_off_year_is_tested(lulea, et):
    # flows from 2007, folkmängd 2006–2018: three years of history from 2009, +5 up to 2013
    assert et.basar == [2009, 2010, 2011, 2012, 2013]
    assert ef.provbara_ar(lulea, 5, min_historik=1) == list(range(2007, 2014))
    assert ef.provbara_ar(lulea, 5, min_historik=5) == [2011, 2012, 2013]
    assert et.naiv_ar == {2009: 3, 2010: 4, 2011: 5, 2012: 5, 2013: 5}


@real
def test_the_method_beats_the_naive_forecast_on_lulea(et):
    tot = et.vid_horisont()
    # better than the naive forecast in every jump-off year, and on average
    assert (tot["fel_metod"].abs() < tot["fel_naiv"].abs()).all()
    assert et.medel_abs("metod") < et.medel_abs("naiv")
    s = et.sammanfattning.set_index(["metod", "grupp"])
    assert s.loc[("metod", "Totalt"), "andel_battre"] == 1.0
    # the issue's years 2011–2013: the naive forecast's errors as the issue gives them
    issue = tot[tot["basar"].between(2011, 2013)]
    assert issue["fel_naiv"].round(1).tolist() == [-1.6, -1.0, -0.5]
    # the method before this change had −2,9, −2,3, −1,8 (mean 2,4)
    assert tot["fel_metod"].abs().max() <= 1.0


@real
def test_age_groups_on_lulea_within_bounds(et):
    for grupp in ("0-5", "80+"):
        errors = et.vid_horisont(grupp)["fel_metod"].abs()
        assert errors.mean() <= 2.0
        assert errors.max() <= 3.5


@real
def test_the_issues_goal_for_the_total_on_lulea(et):
    # mean |5-year error| ≤ 0,5 % over every testable jump-off year, and over the issue's
    tot = et.vid_horisont()
    assert et.medel_abs("metod") <= 0.5
    assert tot.loc[tot["basar"].between(2011, 2013), "fel_metod"].abs().mean() <= 0.5


@real
@pytest.mark.xfail(
    strict=True,
    reason=(
        "not reached: 0–5 and 80+ within 2 % at +5 in every jump-off year. 0–5 is −2,9 % "
        "from 2009 (children's net migration: +10 a year assumed from 2007–2009, +38 "
        "observed) and +3,0 % from 2013 (births +6 %: Luleå's fertility fell with the "
        "national after 2013); 80+ is +3,3 % from 2010 (with the observed flows still +2,3 %, "
        "−0,6 % without any improvement: Luleå's mortality at 80+ fell much less in "
        "2011–2015 than the national improvement assumed). No general lever tried fixes these "
        "without worsening the sample kommun or the total (the lever table is in the "
        "docstring of test_with_the_observed_flows_the_ages_0_5_are_right)"
    ),
)
def test_the_issues_goal_for_0_5_and_80_on_lulea(et):
    for grupp in ("0-5", "80+"):
        assert et.vid_horisont(grupp)["fel_metod"].abs().max() <= 2.0


def _observed_flows_forecast(data: BefolkningData, b: int) -> pd.DataFrame:
    """The folkmängd at B + 5 projected with the life tables and the fertility schedule
    of the assumptions made at B, but with each year's observed net migration by sex and
    age and the fertility scaled so that the year's births are the observed ones;
    computed with the engine directly, the flows in plain pandas from the input frames."""
    a = estimate_assumptions(truncate(data, b), b)
    kon = np.repeat(np.array(["K", "M"], dtype=object), 101)
    alder = np.tile(np.arange(101), 2)
    cells = pd.MultiIndex.from_arrays([kon, alder])
    fl = annual_rows(data.flyttningar)
    fb = annual_rows(data.fodda)
    pop = data.stock_by_age(b)
    for y in range(b + 1, b + 6):
        part = fl[fl["ar"] == y]
        netto = part["antal"] * np.where(part["riktning"] == "in", 1.0, -1.0)
        net = part.assign(netto=netto).groupby(["kon", "alder"])["netto"].sum()
        mig = pd.DataFrame(
            {"kon": kon, "alder": alder, "antal": net.reindex(cells, fill_value=0.0).to_numpy()}
        )
        start = pd.DataFrame({"kon": kon, "alder": alder, "antal": pop.reshape(-1)})
        asfr = a.asfr.copy()
        res = project_cohort_component(start, a.nLx_ar(y), asfr, mig, srb=a.srb, radix=a.radix)
        # births are linear in the fertility rates: one rescaling gives the observed births
        asfr["asfr"] *= fb.loc[fb["ar"] == y, "antal"].sum() / res.attrs["fodda"]["antal"].sum()
        res = project_cohort_component(start, a.nLx_ar(y), asfr, mig, srb=a.srb, radix=a.radix)
        pop = np.vstack([res.loc[res["kon"] == k, "antal"].to_numpy() for k in ("K", "M")])
    return pd.DataFrame({"kon": kon, "alder": alder, "antal": pop.reshape(-1)})


@real
def test_with_the_observed_flows_the_ages_0_5_are_right(lulea, et, raw_folkmangd):
    """Where the error of 0–5 lies: given the observed migration and births, the
    projection of ages 0–5 from each jump-off year is within 1 % at +5 (and the total
    within 0,5 %), so the 0–5 errors of the back-test are those of the fertility and
    migration assumptions, not of the engine or the mortality.

    Levers tried for 0–5 and 80+ (error at +5 in %, mean / max |error| over the jump-off
    years; Luleå 2009–2013, the sample kommun 2003–2018):

    ========================================  ===========  ===========  ===========  ===========
    variant                                   Luleå total  Luleå 0–5    Luleå 80+    sample 0–5
    ========================================  ===========  ===========  ===========  ===========
    the method (no change)                    0,49 / 0,85  1,82 / 3,01  1,48 / 3,26  2,27 / 4,71
    fertility years half-life 3               0,47 / 0,83  1,60 / 2,68  1,48 / 3,26  2,40 / 4,85
    fertility shrunk to national TFR (sd 0,1) 0,47 / 0,83  2,05 / 3,49  1,48 / 3,26  1,92 / 5,15
    Gompertz calibrated to deaths by band     0,49 / 0,84  1,82 / 3,01  1,42 / 2,89  2,27 / 4,71
    improvement pooled by band 50–79, 80+     0,51 / 0,87  1,82 / 3,01  1,49 / 2,86  2,27 / 4,71
    improvement from the jump-off year        0,54 / 0,96  1,81 / 3,00  1,26 / 2,35  2,27 / 4,71
    ========================================  ===========  ===========  ===========  ===========

    The sample's 80+ (1,32 / 2,98 with the method) moves to 1,43 / 3,16 (calibrated),
    1,38 / 3,65 (by band) and 0,88 / 2,37 (from the jump-off year); the last breaks
    Luleå's goal for the total (≤ 0,5 %).
    """
    for b in et.basar:
        got = _observed_flows_forecast(lulea, b)
        want = raw_folkmangd[raw_folkmangd["ar"] == b + 5]
        young = got.loc[got["alder"] <= 5, "antal"].sum()
        assert abs(young / want.loc[want["alder"] <= 5, "antal"].sum() - 1) <= 0.01
        assert abs(got["antal"].sum() / want["antal"].sum() - 1) <= 0.005


@real
def test_the_outcome_is_the_input_file(et, raw_folkmangd):
    fm = raw_folkmangd
    fel = et.fel
    for grupp, (lo, hi) in {**EFTERTEST_GROUPS, "Totalt": (0, 100)}.items():
        want = fm[(fm["alder"] >= lo) & (fm["alder"] <= hi)].groupby("ar")["antal"].sum()
        rows = fel[fel["grupp"] == grupp]
        np.testing.assert_array_equal(rows["utfall"].to_numpy(), want.loc[rows["ar"]].to_numpy())
    np.testing.assert_allclose(fel["fel"], fel["prognos"] - fel["utfall"])
    np.testing.assert_allclose(fel["fel_procent"], 100 * fel["fel"] / fel["utfall"])
    # every jump-off year, step 1..5, both forecasts, 6 groups and the total
    assert len(fel) == len(et.basar) * 5 * 2 * 7
    assert set(fel["steg"]) == {1, 2, 3, 4, 5}


@real
def test_the_summary_recomputed_from_the_rows(et):
    at5 = et.fel[et.fel["steg"] == 5]
    for (metod, grupp), part in at5.groupby(["metod", "grupp"]):
        row = et.sammanfattning[
            (et.sammanfattning["metod"] == metod) & (et.sammanfattning["grupp"] == grupp)
        ].iloc[0]
        errors = part["prognos"] / part["utfall"] * 100 - 100
        assert row["medel_abs_fel_procent"] == pytest.approx(errors.abs().mean())
        assert row["medel_fel_procent"] == pytest.approx(errors.mean())
        assert row["max_abs_fel_procent"] == pytest.approx(errors.abs().max())
        assert row["antal_ar"] == len(part)


@real
def test_coverage_of_the_bands(et):
    t = et.tackning
    assert t["basar"].tolist() == et.basar
    assert (t["nedre_95"] < t["nedre_80"]).all() and (t["ovre_80"] < t["ovre_95"]).all()
    inside = (t["utfall"] >= t["nedre_80"]) & (t["utfall"] <= t["ovre_80"])
    assert t["inom_80"].tolist() == inside.tolist()
    inside95 = (t["utfall"] >= t["nedre_95"]) & (t["utfall"] <= t["ovre_95"])
    assert t["inom_95"].tolist() == inside95.tolist()
    assert t["inom_95"].all()


@real
def test_the_whole_back_test_is_fast(lulea):
    start = time.perf_counter()
    eftertest(lulea)
    assert time.perf_counter() - start < 2.0


@real
def test_rapport_eftertest_uses_only_what_was_known(lulea):
    # a report for April 2016: the jump-off year is 2015, so the last testable year is 2010
    r = rapport_eftertest(lulea, 2016, 4)
    assert r.basar == [2009, 2010]
    assert r.fel["ar"].max() == 2015


# --------------------------------------------------------------------------------------
# strict as-of: a figure after the jump-off year cannot reach its forecast (a mutation)
# --------------------------------------------------------------------------------------
@real
def test_changing_any_later_figure_leaves_the_forecast_unchanged(lulea):
    cut = 2011
    before = eftertest(lulea, basar=[cut])

    def corrupt(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        later = df["ar"] > cut
        df.loc[later, "antal"] = df.loc[later, "antal"] * 3 + 7
        return df

    bad = BefolkningData(*(corrupt(getattr(lulea, n)) for n in NAMES))
    after = eftertest(bad, basar=[cut])
    np.testing.assert_array_equal(before.fel["prognos"], after.fel["prognos"])
    assert not np.allclose(before.fel["utfall"], after.fel["utfall"])  # the outcome did change
    # and a figure of the jump-off year itself does change it (the test can fail)
    touched = lulea.flyttningar.copy()
    touched.loc[touched["ar"] == cut, "antal"] *= 2
    moved = eftertest(
        BefolkningData(lulea.folkmangd, lulea.fodda, lulea.doda, touched), basar=[cut]
    )
    assert not np.allclose(before.fel["prognos"], moved.fel["prognos"])


# --------------------------------------------------------------------------------------
# the naive forecast by hand
# --------------------------------------------------------------------------------------
def tiny_stock(totals: dict[int, tuple[float, float]]) -> BefolkningData:
    """Two single ages (3 and 85) per year; no flows."""
    rows = []
    for year, (young, old) in totals.items():
        rows += [(year, "K", 3, young), (year, "M", 85, old)]
    fm = pd.DataFrame(rows, columns=["ar", "kon", "alder", "antal"])
    empty = pd.DataFrame(columns=["ar", "kon", "alder", "antal"])
    return BefolkningData(
        fm,
        pd.DataFrame(columns=["ar", "moderns_alder", "kon", "antal"]),
        empty,
        pd.DataFrame(columns=["ar", "kon", "alder", "riktning", "omrade", "antal"]),
    )


def test_naive_forecast_by_hand():
    # total 1 000 in 2015, 1 100 in 2020 (and a later year it must not see)
    d = tiny_stock(
        {2015: (400.0, 600.0), 2018: (999.0, 1.0), 2020: (500.0, 600.0), 2021: (9e6, 9e6)}
    )
    out = naiv_prognos(d, 2020, 3, groups={"0-5": (0, 5), "80+": (80, 100)})
    assert out.attrs["k"] == 5
    got = out.set_index(["ar", "grupp"])["prognos"]
    g_tot, g_young = (1100 / 1000) ** (1 / 5), (500 / 400) ** (1 / 5)
    for h in (1, 2, 3):
        assert got[(2020 + h, "Totalt")] == pytest.approx(1100 * g_tot**h, rel=1e-12)
        assert got[(2020 + h, "0-5")] == pytest.approx(500 * g_young**h, rel=1e-12)
        assert got[(2020 + h, "80+")] == pytest.approx(600.0, rel=1e-12)  # no growth
    assert got[(2025 - 2, "Totalt")] == pytest.approx(1100 * 1.1 ** (3 / 5))


def test_naive_forecast_with_a_short_history():
    # only 2018 before 2020: k = 2 years of growth
    d = tiny_stock({2018: (100.0, 100.0), 2020: (121.0, 121.0)})
    out = naiv_prognos(d, 2020, 1, groups={})
    assert out.attrs["k"] == 2
    assert out["prognos"].tolist() == pytest.approx([242 * 1.1])
    with pytest.raises(ModellError, match="minst två årsskiften"):
        naiv_prognos(tiny_stock({2020: (1.0, 1.0)}), 2020, 1)
    with pytest.raises(ModellError, match="31 december 2019"):
        naiv_prognos(d, 2019, 1)


def test_no_testable_year_is_an_error():
    d = tiny_stock({2018: (100.0, 100.0), 2020: (121.0, 121.0)})
    with pytest.raises(ModellError, match="inget startår kan prövas"):
        eftertest(d)


# --------------------------------------------------------------------------------------
# invariants of the forecast under the new assumptions
# --------------------------------------------------------------------------------------
@real
def test_groups_sum_to_the_total(et):
    for (_basar, _steg, metod), part in et.fel.groupby(["basar", "steg", "metod"]):
        groups = part[part["grupp"] != "Totalt"]
        total = part[part["grupp"] == "Totalt"].iloc[0]
        assert groups["utfall"].sum() == pytest.approx(total["utfall"])
        if metod == "metod":  # the naive groups grow each at its own rate: no identity
            assert groups["prognos"].sum() == pytest.approx(total["prognos"], rel=1e-12)


@real
@settings(max_examples=15, deadline=None)
@given(
    factor=st.floats(0.0, 1.0),
    first=st.integers(0, 95),
    width=st.integers(1, 30),
)
def test_a_shrinking_population_never_goes_negative(lulea, factor, first, width):
    # the assumptions from the history, the start population cut at some ages: fixed
    # numbers of out-migrants alone would take more people than there are
    past = truncate(lulea, 2013)
    fm = past.folkmangd.copy()
    sel = (fm["ar"] == 2013) & fm["alder"].between(first, first + width)
    fm.loc[sel, "antal"] = np.floor(fm.loc[sel, "antal"] * factor)
    cut = BefolkningData(fm, past.fodda, past.doda, past.flyttningar)
    fc = forecast(cut, base_year=2013, horizon=10)
    assert (fc.population["antal"] >= 0).all()
    comp = fc.components
    assert (comp["utflyttade"] >= 0).all()
    assert comp["justering"].abs().max() < 1e-6


@real
def test_export_sheet(lulea):
    sheets = ef.exportblad(lulea, "2019-04")
    assert list(sheets) == [ef.BLAD]
    sheet = sheets[ef.BLAD]
    assert list(sheet.columns) == ef.FEL_COLUMNS
    assert set(ef.FORMAT) <= set(sheet.columns)
    # a report for April 2019 knows 2018: every testable year 2009–2013
    assert sorted(sheet["basar"].unique()) == [2009, 2010, 2011, 2012, 2013]
    empty = ef.exportblad(truncate(lulea, 2009), "2009-12")[ef.BLAD]
    assert empty.empty and list(empty.columns) == ef.FEL_COLUMNS
