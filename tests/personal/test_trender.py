"""Sick leave over time: monthly rates, STL, trend change, forecast, per kön, commentary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.personal import trender as tr
from analysis.personal.nyckeltal import MIN_GROUP, compute_nyckeltal, compute_nyckeltal_all
from matplotlib.figure import Figure

COLUMNS = ["period", "anstalld", "forvaltning", "kon", "fodelsear", "ordinarie_tid_h",
           "sjuk_h", "sjuk_h_langtid", "sjukdagar", "sjuk_h_kort"]


def frame(rows, kort: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    if not kort:
        df["sjuk_h_kort"] = np.nan
    return df


def staff(n, period, forv="A", kon="K", born=1980, ordt=100.0, sjuk=0.0, dagar=0, start=0,
          kort=None):
    kort = sjuk if kort is None else kort
    return [(period, f"E{start + i:04d}", forv, kon, born, ordt, sjuk, 0.0, dagar, kort)
            for i in range(n)]


def codes(start_year: int, n: int) -> np.ndarray:
    k = np.arange(n)
    return (start_year + k // 12) * 100 + k % 12 + 1


def series(values, start_year=2019) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=codes(start_year, len(values)))


# --- monthly rates and year to date ----------------------------------------------------

def two_years() -> pd.DataFrame:
    rows = []
    # 2022: jan 12 staff 100 h, 5 h sick each (5 %); feb 12 staff 100 h, 10 h sick (10 %)
    rows += staff(12, 202201, sjuk=5) + staff(12, 202202, sjuk=10)
    # 2023: jan 6 @ 4 h + 6 @ 2 h (3 %); feb 12 @ 6 h (6 %); a row without ordinary time
    rows += staff(6, 202301, sjuk=4) + staff(6, 202301, sjuk=2, start=6)
    rows += staff(12, 202302, sjuk=6)
    rows += [(202302, "E9999", "A", "K", 1980, 0.0, 50.0, 0.0, 5, 50.0)]
    return frame(rows)


def test_hand_computed_monthly_rates():
    s = tr.manadsserie(two_years())
    assert list(s["period"]) == [202201, 202202, 202301, 202302]
    assert s["procent"].tolist() == pytest.approx([5.0, 10.0, 3.0, 6.0])
    assert list(s["antal_anstallda"]) == [12, 12, 12, 12]   # the 0-hour row is left out
    trend = tr.manadstrend(two_years(), "2023-02")
    assert list(trend.columns) == ["ar", "manad", "procent"]
    assert trend[trend.ar == 2023]["procent"].tolist() == pytest.approx([3.0, 6.0])
    # months after the report month are left out
    assert len(tr.manadstrend(two_years(), "2023-01").query("ar == 2023")) == 1


def test_hand_computed_year_to_date_difference():
    h = tr.hittills_i_ar(two_years(), "2023-02")
    # 2023: (24+12+72)/2400 = 4.5 %; 2022: (60+120)/2400 = 7.5 %
    assert h["procent"] == pytest.approx(4.5)
    assert h["procent_foregaende"] == pytest.approx(7.5)
    assert h["skillnad"] == pytest.approx(-3.0)
    assert h["manader"] == [202301, 202302]
    # a report month without data this year only compares the months that have data
    assert tr.hittills_i_ar(two_years(), "2023-06")["manader"] == [202301, 202302]


def test_a_small_month_is_suppressed_in_the_series():
    df = frame(staff(10, 202301, sjuk=5) + staff(11, 202302, sjuk=5))
    s = tr.manadsserie(df)
    assert np.isnan(s["procent"].iloc[0]) and s["undertryckt"].iloc[0]
    assert s["procent"].iloc[1] == pytest.approx(5.0)
    assert not tr.kan_analyseras(s)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(11, 25), st.floats(40, 170), st.floats(0, 0.3),
                          st.floats(0, 0.3)), min_size=2, max_size=4))
def test_kommun_monthly_rate_lies_between_the_forvaltningar(groups):
    rows, start = [], 0
    for i, (n, ordt, r1, r2) in enumerate(groups):
        rows += staff(n, 202301, forv=f"F{i}", ordt=ordt, sjuk=ordt * r1, start=start)
        rows += staff(n, 202302, forv=f"F{i}", ordt=ordt, sjuk=ordt * r2, start=start)
        start += n
    df = frame(rows)
    kommun = tr.manadsserie(df).set_index("period")["procent"]
    per = tr.manadsserie_alla(df).pivot(index="period", columns="forvaltning", values="procent")
    for p in kommun.index:
        assert per.loc[p].min() - 1e-9 <= kommun[p] <= per.loc[p].max() + 1e-9
    assert not per.isna().any().any()


# --- STL, trend change, forecast --------------------------------------------------------

SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)   # winter high, summer low


def test_stl_recovers_known_season_and_trend():
    n = 72
    t = np.arange(n)
    trend = 6.0 + 0.02 * t
    rng = np.random.default_rng(1)
    y = trend + np.tile(SEASON, n // 12) + rng.normal(0, 0.05, n)
    dec = tr.sasongsuppdelning(series(y))
    assert list(dec.columns) == ["period", "observerad", "trend", "sasong", "rest",
                                 "sasongsrensad"]
    mid = slice(12, n - 12)          # away from the ends, where any filter is weaker
    assert np.abs(dec["trend"].to_numpy()[mid] - trend[mid]).max() < 0.1
    assert np.abs(dec["sasong"].to_numpy()[mid] - np.tile(SEASON, n // 12)[mid]).max() < 0.15
    assert np.allclose(dec["trend"] + dec["sasong"] + dec["rest"], y)


def test_trend_change_detects_a_clear_level_shift():
    n = 60
    rng = np.random.default_rng(2)
    y = 7.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.2, n)
    y[-12:] += 1.5
    res = tr.trendforandring(series(y))
    assert res["p_varde"] < 0.01 and res["signifikant"]
    assert res["ci_lag"] < res["forandring"] < res["ci_hog"]
    assert res["ci_lag"] > 0.3        # a clear increase
    assert "Newey–West" in res["metod"] and res["antal_manader"] == 60
    assert res["medel_senaste"] - res["medel_fore"] == pytest.approx(1.5, abs=0.4)


def test_trend_change_finds_nothing_in_a_stationary_seasonal_series():
    n = 60
    rng = np.random.default_rng(3)
    y = 7.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.3, n)
    res = tr.trendforandring(series(y))
    assert res["p_varde"] > 0.05 and not res["signifikant"]
    assert res["ci_lag"] < 0 < res["ci_hog"]


def test_forecast_intervals_are_ordered_and_of_the_right_length():
    n = 48
    rng = np.random.default_rng(4)
    y = 6.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.3, n)
    prog = tr.prognos(series(y, 2019), steg=8)
    assert len(prog) == 8
    assert list(prog["period"]) == [202301, 202302, 202303, 202304, 202305, 202306, 202307,
                                    202308]
    v = prog[["lag95", "lag80", "prognos", "hog80", "hog95"]].to_numpy()
    assert (np.diff(v, axis=1) >= 0).all()
    assert (prog["hog95"] - prog["lag95"] > prog["hog80"] - prog["lag80"]).all()
    # the season carries into the forecast: January above July
    assert prog.loc[0, "prognos"] > prog.loc[6, "prognos"]


def test_a_short_series_gives_a_clear_error():
    with pytest.raises(tr.SerieError):
        tr.sasongsuppdelning(series(np.ones(20)))


# --- frisknärvaro and korttid per kön ----------------------------------------------------

@pytest.mark.parametrize("n, suppressed", [(10, True), (11, False)])
def test_frisknarvaro_per_kon_suppression_at_10_and_11(n, suppressed):
    # n women (half of them with 9 sick days), 20 men all healthy
    women = staff(n // 2, 202301, kon="K", sjuk=20, dagar=9) + \
        staff(n - n // 2, 202301, kon="K", start=n // 2)
    men = staff(20, 202301, kon="M", start=100)
    fr = tr.frisknarvaro_per_kon(frame(women + men), [202301], ["A"]).set_index(
        ["forvaltning", "kon"])
    k = fr.loc[("A", "Kvinnor")]
    assert bool(k["undertryckt"]) is suppressed
    assert bool(np.isnan(k["procent"])) is suppressed
    if not suppressed:
        assert k["procent"] == pytest.approx(100 * (n - n // 2) / n)
        assert fr.loc[("A", "Män"), "procent"] == pytest.approx(100.0)
    else:
        # the other kön is hidden too, else it could be derived from the total
        assert np.isnan(fr.loc[("A", "Män"), "procent"])
    assert fr.loc[("A", "Totalt"), "procent"] == pytest.approx(100 * (n - n // 2 + 20) / (n + 20))
    assert fr.loc[("Hela kommunen", "Totalt"), "antal_anstallda"] == n + 20


def test_frisknarvaro_threshold_parameter():
    df = frame(staff(11, 202301, sjuk=10, dagar=5) + staff(11, 202301, start=50, dagar=7))
    fr8 = tr.frisknarvaro_per_kon(df, [202301], ["A"], max_dagar=8).set_index(["forvaltning", "kon"])
    fr5 = tr.frisknarvaro_per_kon(df, [202301], ["A"], max_dagar=5).set_index(["forvaltning", "kon"])
    assert fr8.loc[("A", "Totalt"), "procent"] == pytest.approx(100.0)
    assert fr5.loc[("A", "Totalt"), "procent"] == pytest.approx(0.0)


def test_korttid_per_forvaltning_and_kon():
    rows = (staff(12, 202301, forv="A", kon="K", sjuk=10, kort=4)
            + staff(12, 202301, forv="A", kon="M", sjuk=10, kort=2, start=20)
            + staff(5, 202301, forv="B", kon="K", sjuk=10, kort=8, start=40))
    kt = tr.korttid_per_kon(frame(rows), [202301], ["A", "B"]).set_index(["forvaltning", "kon"])
    assert kt.loc[[("B", "Totalt"), ("B", "Kvinnor"), ("B", "Män")], "procent"].isna().all()
    # A is hidden too: the kommun minus A would be B's 5 employees (secondary suppression)
    assert kt.loc[[("A", "Totalt"), ("A", "Kvinnor"), ("A", "Män")], "procent"].isna().all()
    # without B, A's own figures are shown
    alone = tr.korttid_per_kon(frame(rows[:24]), [202301], ["A"]).set_index(["forvaltning", "kon"])
    assert alone.loc[("A", "Kvinnor"), "procent"] == pytest.approx(4.0)
    assert alone.loc[("A", "Män"), "procent"] == pytest.approx(2.0)
    assert alone.loc[("A", "Totalt"), "procent"] == pytest.approx(3.0)
    assert kt.loc[("Hela kommunen", "Totalt"), "procent"] == pytest.approx(
        100 * (48 + 24 + 40) / 2900)
    table = tr.som_tabell(kt.reset_index())
    assert list(table.columns) == ["Förvaltning", "Totalt", "Kvinnor", "Män"]


def test_korttid_not_available_when_the_column_is_empty():
    df = frame(staff(12, 202301, sjuk=10), kort=False)
    assert not tr.korttid_tillganglig(df)
    assert tr.korttid_per_kon(df, [202301], ["A"]) is None
    assert tr.korttid_per_kon(df.drop(columns="sjuk_h_kort"), [202301], ["A"]) is None


# --- commentary ---------------------------------------------------------------------

@pytest.mark.parametrize("diff, expected", [
    (-2.14, "7,1 procent, 2,1 procentenheter lägre än samma period 2022."),
    (0.86, "7,1 procent, 0,9 procentenheter högre än samma period 2022."),
    (0.02, "7,1 procent, oförändrat jämfört med samma period 2022."),
])
def test_commentary_wording(diff, expected):
    text = tr.jamforelse_text(7.14, diff, [202301, 202302, 202303], 2022)
    assert text == "Sjukfrånvaron för januari–mars är " + expected
    assert tr.jamforelse_text(5.0, 1.0, [202301], 2022).startswith(
        "Sjukfrånvaron för januari är 5,0 procent")


def test_commentary_names_largest_changes_and_never_a_suppressed_group():
    rows = []
    for year, rates in [(2022, {"Alfa": 5, "Beta": 5, "Gamma": 5, "Liten": 5}),
                        (2023, {"Alfa": 7, "Beta": 4, "Gamma": 5, "Liten": 20})]:
        for i, (forv, r) in enumerate(rates.items()):
            # Gamma, the smallest other, is hidden with Liten (else kommun − shown = Liten)
            n = {"Liten": 5, "Gamma": 11}.get(forv, 12)
            rows += staff(n, year * 100 + 1, forv=forv, sjuk=r, start=100 * i)
    df = frame(rows)
    text = tr.kommentar(df, "2023-01", None, ["Alfa", "Beta", "Gamma", "Liten"])
    assert "Störst ökning har Alfa (+2,0 procentenheter)" in text
    assert "störst minskning Beta (−1,0 procentenheter)" in text
    assert "Liten" not in text and "Gamma" not in text and "E0" not in text
    small = tr.kommentar(df, "2023-01", "Liten")
    assert "redovisas inte" in small and "procent " not in small.replace("procentenheter", "")


def test_trend_text_wording():
    res = {"forandring": -0.53, "ci_lag": -0.9, "ci_hog": -0.16, "p_varde": 0.012,
           "signifikant": True, "manader": 12}
    text = tr.trend_text(res)
    assert "0,5 procentenheter lägre" in text and "statistiskt säkerställd" in text
    assert "−0,9 till −0,2" in text


# --- the sample kommun ----------------------------------------------------------------

def test_sample_kommun_jan_mar_2023(sample_data):
    p = sample_data.sjukfranvaro
    h = tr.hittills_i_ar(p, "2023-03")
    assert round(h["procent"], 2) == 7.14
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    text = tr.kommentar(p, "2023-03", None, forv)
    assert text.startswith("Sjukfrånvaron för januari–mars är 7,1 procent, ")
    assert "samma period 2022" in text
    assert "A0" not in text   # no employee id
    s = tr.manadsserie(p, till="2023-04")
    assert tr.kan_analyseras(s)
    fig = tr.diagram_manadstrend(tr.manadstrend(p, "2023-04"), "Sjukfrånvaro per månad")
    assert isinstance(fig, Figure)
    assert isinstance(tr.diagram_prognos(s, tr.prognos(s), "Prognos"), Figure)
    assert isinstance(tr.diagram_sasong(tr.sasongsuppdelning(s), "STL"), Figure)


def test_outputs_hold_no_row_level_data(sample_data):
    p = sample_data.sjukfranvaro
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    months = [202301, 202302, 202303]
    for out in (tr.manadsserie(p), tr.manadsserie_alla(p),
                tr.frisknarvaro_per_kon(p, months, forv), tr.korttid_per_kon(p, months, forv)):
        assert not {"anstalld", "fodelsear"} & set(out.columns)
        assert len(out) < 1000


# --- vectorised nyckeltal ------------------------------------------------------------

def test_compute_nyckeltal_all_equals_per_forvaltning(sample_data):
    p = sample_data.sjukfranvaro
    forv = [str(f) for f in p["forvaltning"].cat.categories] + ["Finns inte"]
    months = [202212, 202301, 202302]
    allt = compute_nyckeltal_all(p, months, forv)
    for f in [*forv, None]:
        one = compute_nyckeltal(p, months, f)
        got = allt[allt["forvaltning"] == (f or "Totalt")].reset_index(drop=True)
        assert list(got["nyckeltal"]) == list(one["nyckeltal"])
        assert list(got["antal_anstallda"]) == list(one["antal_anstallda"])
        assert list(got["undertryckt"]) == list(one["undertryckt"])
        np.testing.assert_allclose(got["procent"], one["procent"], rtol=1e-10)
        np.testing.assert_allclose(got["sjuk_h"], one["sjuk_h"], rtol=1e-10)


def test_compute_nyckeltal_all_small_groups_and_plain_strings():
    df = frame(staff(11, 202301, forv="A", kon="K", born=1990, sjuk=5)
               + staff(4, 202301, forv="A", kon="M", born=1960, sjuk=1, start=50)
               + staff(11, 202301, forv="B", kon="M", born=1970, sjuk=2, start=80))
    allt = compute_nyckeltal_all(df, [202301], ["A", "B"])
    for f in ["A", "B", None]:
        one = compute_nyckeltal(df, [202301], f)
        got = allt[allt["forvaltning"] == (f or "Totalt")].reset_index(drop=True)
        assert list(got["antal_anstallda"]) == list(one["antal_anstallda"])
        np.testing.assert_allclose(got["procent"], one["procent"], rtol=1e-12)
    assert MIN_GROUP == 10
