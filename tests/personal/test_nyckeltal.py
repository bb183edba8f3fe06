"""The statutory nyckeltal and frisknärvaro, hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.personal.nyckeltal import (
    MIN_GROUP,
    compute_frisknarvaro,
    compute_nyckeltal,
    compute_sjukfranvaro_sheet,
)


def frame(rows):
    df = pd.DataFrame(
        rows,
        columns=[
            "period",
            "anstalld",
            "forvaltning",
            "kon",
            "fodelsear",
            "ordinarie_tid_h",
            "sjuk_h",
            "sjuk_h_langtid",
            "sjukdagar",
        ],
    )
    df["sjuk_h_kort"] = np.nan
    return df


def staff(
    n, forv="A", kon="K", born=1980, period=202301, ordt=100.0, sjuk=0.0, lang=0.0, dagar=0, start=0
):
    return [
        (period, f"E{start + i:04d}", forv, kon, born, ordt, sjuk, lang, dagar) for i in range(n)
    ]


def test_hand_computed_nyckeltal():
    rows = (
        staff(6, kon="K", born=1995, sjuk=10, dagar=2)  # age 28
        + staff(6, kon="M", born=1970, sjuk=0, start=100)  # age 53
        + staff(6, kon="K", born=1985, sjuk=20, lang=20, dagar=5, start=200)
    )  # age 38
    nt = compute_nyckeltal(frame(rows), [202301]).set_index("nyckeltal")
    # total: (6·10 + 6·20) / (18·100) = 180/1800
    assert nt.loc["total", "procent"] == pytest.approx(10.0)
    assert nt.loc["total", "antal_anstallda"] == 18
    assert nt.loc["langtid_andel", "procent"] == pytest.approx(100 * 120 / 180)
    # 6 men: suppressed (10 or fewer); the 12 women too, since total − women = the men
    # (secondary suppression); the hours-weighted women's rate would be 100·180/1200
    assert np.isnan(nt.loc["man", "procent"]) and nt.loc["man", "undertryckt"]
    assert np.isnan(nt.loc["kvinnor", "procent"]) and nt.loc["kvinnor", "undertryckt"]
    assert nt.loc["man", "antal_anstallda"] == 6
    # age groups of 6 employees each: all suppressed
    assert nt.loc[["alder_upp_till_29", "alder_30_49", "alder_50_och_over"], "procent"].isna().all()


@pytest.mark.parametrize("n, suppressed", [(10, True), (11, False)])
def test_suppression_at_exactly_10_and_11_employees(n, suppressed):
    nt = compute_nyckeltal(frame(staff(n, sjuk=5, dagar=1)), [202301]).set_index("nyckeltal")
    assert bool(np.isnan(nt.loc["total", "procent"])) is suppressed
    assert nt.loc["total", "antal_anstallda"] == n
    fr = compute_frisknarvaro(frame(staff(n, sjuk=5, dagar=1)), [202301])
    assert bool(np.isnan(fr["procent"])) is suppressed


def test_a_month_without_ordinary_time_is_left_out():
    rows = staff(12, sjuk=10, dagar=2) + [(202302, "E0000", "A", "K", 1980, 0.0, 0.0, 0.0, 0)]
    nt = compute_nyckeltal(frame(rows), [202301, 202302]).set_index("nyckeltal")
    assert nt.loc["total", "procent"] == pytest.approx(10.0)
    assert nt.loc["total", "antal_anstallda"] == 12


def test_long_spell_across_the_year_boundary_counts_in_both_years():
    # an employee sick since November, the spell reaching 60+ days in January:
    # the långtid hours of each month count in that month's year
    base = staff(11, period=202212) + staff(11, period=202301)
    sick = [
        (202212, "L1", "A", "K", 1970, 160, 80, 80, 20),
        (202301, "L1", "A", "K", 1970, 160, 160, 160, 31),
    ]
    df = frame(base + sick)
    dec = compute_nyckeltal(df, [202212]).set_index("nyckeltal")
    jan = compute_nyckeltal(df, [202301]).set_index("nyckeltal")
    assert dec.loc["langtid_andel", "procent"] == pytest.approx(100.0)
    assert jan.loc["langtid_andel", "procent"] == pytest.approx(100.0)
    assert jan.loc["total", "procent"] == pytest.approx(100 * 160 / (11 * 100 + 160))
    fr = compute_frisknarvaro(df, [202301 + m for m in range(12)])
    assert fr["antal_anstallda"] == 12 and fr["antal_friska"] == 11


def test_employee_moving_between_forvaltningar_counts_in_both():
    a = staff(11, forv="A", sjuk=0) + staff(11, forv="B", start=50, period=202302)
    mover = [
        (202301, "M1", "A", "K", 1980, 100, 5, 0, 6),
        (202302, "M1", "B", "K", 1980, 100, 5, 0, 6),
    ]
    df = frame(a + mover)
    year = [202301, 202302]
    fa = compute_frisknarvaro(df, year, "A")
    fb = compute_frisknarvaro(df, year, "B")
    total = compute_frisknarvaro(df, year)
    # 6 days in each förvaltning: frisk in both; 12 days in the kommun: not frisk
    assert (fa["antal_anstallda"], fa["antal_friska"]) == (12, 12)
    assert (fb["antal_anstallda"], fb["antal_friska"]) == (12, 12)
    assert (total["antal_anstallda"], total["antal_friska"]) == (23, 22)
    na = compute_nyckeltal(df, year, "A").set_index("nyckeltal")
    assert na.loc["total", "antal_anstallda"] == 12
    assert na.loc["total", "procent"] == pytest.approx(100 * 5 / 1200)


def test_sheet_has_every_forvaltning_and_totalt_with_months_covered():
    df = frame(staff(11, forv="A", sjuk=10, dagar=1) + staff(12, forv="B", start=50, period=202302))
    sheet = compute_sjukfranvaro_sheet(df, ["A", "B"], [202301, 202302, 202303, 202304])
    assert list(sheet["forvaltning"].unique()) == ["A", "B", "Totalt"]
    assert len(sheet) == 3 * 7
    assert set(sheet["manad_fran"]) == {"2023-01"} and set(sheet["manad_till"]) == {"2023-02"}
    tot = sheet[(sheet.forvaltning == "Totalt") & (sheet.nyckeltal == "total")].iloc[0]
    assert tot["procent"] == pytest.approx(100 * 110 / 2300)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(11, 40), st.floats(50, 170), st.floats(0, 0.3)),
        min_size=2,
        max_size=5,
    )
)
def test_kommun_total_is_the_hours_weighted_combination_within_the_range(groups):
    rows, start = [], 0
    for i, (n, ordt, rate) in enumerate(groups):
        rows += staff(n, forv=f"F{i}", ordt=ordt, sjuk=ordt * rate, dagar=1, start=start)
        start += n
    df = frame(rows)
    per = [
        compute_nyckeltal(df, [202301], f"F{i}").set_index("nyckeltal").loc["total"]
        for i in range(len(groups))
    ]
    total = compute_nyckeltal(df, [202301]).set_index("nyckeltal").loc["total", "procent"]
    rates = [p["procent"] for p in per]
    assert min(rates) - 1e-9 <= total <= max(rates) + 1e-9
    weighted = sum(p["sjuk_h"] for p in per) / sum(p["ordinarie_tid_h"] for p in per) * 100
    assert total == pytest.approx(weighted)
    assert MIN_GROUP == 10
