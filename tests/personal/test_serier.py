"""Sick leave month by month and year to date: monthly rates, Tabell 1.1, the year-to-date
difference, the unsuppressed check values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import ArgumentError
from analysis.personal import nyckeltal, serier, trender
from tests.personal.personaldata import frame, staff


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
    s = serier.manadsserie(two_years())
    assert list(s["period"]) == [202201, 202202, 202301, 202302]
    assert s["procent"].tolist() == pytest.approx([5.0, 10.0, 3.0, 6.0])
    assert list(s["antal_anstallda"]) == [12, 12, 12, 12]  # the 0-hour row is left out
    trend = serier.manadstrend(two_years(), "2023-02")
    assert list(trend.columns) == ["ar", "manad", "procent"]
    assert trend[trend.ar == 2023]["procent"].tolist() == pytest.approx([3.0, 6.0])
    # months after the report month are left out
    assert len(serier.manadstrend(two_years(), "2023-01").query("ar == 2023")) == 1


def test_hand_computed_year_to_date_difference():
    h = serier.hittills_i_ar(two_years(), "2023-02")
    # 2023: (24+12+72)/2400 = 4.5 %; 2022: (60+120)/2400 = 7.5 %
    assert h["procent"] == pytest.approx(4.5)
    assert h["procent_foregaende"] == pytest.approx(7.5)
    assert h["skillnad"] == pytest.approx(-3.0)
    assert h["manader"] == [202301, 202302]
    # a report month without data this year only compares the months that have data
    assert serier.hittills_i_ar(two_years(), "2023-06")["manader"] == [202301, 202302]


def test_a_small_month_is_suppressed_in_the_series():
    df = frame(staff(10, 202301, sjuk=5) + staff(11, 202302, sjuk=5))
    s = serier.manadsserie(df)
    assert np.isnan(s["procent"].iloc[0]) and s["undertryckt"].iloc[0]
    assert s["procent"].iloc[1] == pytest.approx(5.0)
    assert not trender.kan_analyseras(s)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(11, 25), st.floats(40, 170), st.floats(0, 0.3), st.floats(0, 0.3)),
        min_size=2,
        max_size=4,
    )
)
def test_kommun_monthly_rate_lies_between_the_forvaltningar(groups):
    rows, start = [], 0
    for i, (n, ordt, r1, r2) in enumerate(groups):
        rows += staff(n, 202301, forv=f"F{i}", ordt=ordt, sjuk=ordt * r1, start=start)
        rows += staff(n, 202302, forv=f"F{i}", ordt=ordt, sjuk=ordt * r2, start=start)
        start += n
    df = frame(rows)
    kommun = serier.manadsserie(df).set_index("period")["procent"]
    per = pd.DataFrame(
        {
            f"F{i}": serier.manadsserie(df, f"F{i}").set_index("period")["procent"]
            for i in range(len(groups))
        }
    )
    for p in kommun.index:
        assert per.loc[p].min() - 1e-9 <= kommun[p] <= per.loc[p].max() + 1e-9
    assert not per.isna().any().any()


def test_manadsdata_has_the_hour_sums_of_the_series():
    d = serier.manadsdata(two_years(), None, "2023-02")
    # 2023-01: 6 × 4 h + 6 × 2 h sick of 12 × 100 h; the 0-hour row is left out
    assert d["sjuk_h"].tolist() == pytest.approx([60.0, 120.0, 36.0, 72.0])
    assert d["ordinarie_tid_h"].tolist() == pytest.approx([1200.0] * 4)
    pd.testing.assert_frame_equal(
        d[["period", "ar", "manad", "procent", "antal_anstallda", "undertryckt"]],
        serier.manadsserie(two_years(), till="2023-02"),
    )
    assert list(serier.manadsdata(two_years(), None, "2022-12")["period"]) == [202201, 202202]


def test_valj_forvaltning_names_the_argument():
    df = frame(staff(12, 202301, forv="Alfa"))
    assert serier.valj_forvaltning(df, " alfa ") == "Alfa"
    assert serier.valj_forvaltning(df, "Tom", register=["TOM"]) == "TOM"
    assert serier.valj_forvaltning(df, "") is None
    with pytest.raises(ArgumentError, match="'namn'.*Beta.*Kända förvaltningar: Alfa"):
        serier.valj_forvaltning(df, "Beta")


def test_kontrollvarden_are_unsuppressed():
    # A: 5 employees (suppressed everywhere else), 2 of them with 9 sick days
    df = frame(
        staff(3, 202301, forv="A", sjuk=10)
        + staff(2, 202301, forv="A", sjuk=10, dagar=9, start=3)
        + staff(12, 202301, forv="B", start=50)
    )
    kv = serier.kontrollvarden(df, "2023-01", ["A", "B"]).set_index("forvaltning")
    assert kv.loc["A", "procent"] == pytest.approx(10.0)
    assert kv.loc["A", "frisknarvaro"] == pytest.approx(60.0)
    assert kv.loc["B", "frisknarvaro"] == pytest.approx(100.0)


# --- the sample kommun ----------------------------------------------------------------


def test_outputs_hold_no_row_level_data(sample_data):
    p = sample_data.sjukfranvaro
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    months = [202301, 202302, 202303]
    for out in (
        serier.manadsserie(p),
        *[serier.manadsserie(p, f) for f in forv],
        serier.manadstrend(p, "2023-03"),
        serier.forandring_per_forvaltning(p, "2023-03", forv),
        nyckeltal.frisknarvaro_per_kon(p, months, forv),
        nyckeltal.korttid_per_kon(p, months, forv),
    ):
        assert not {"anstalld", "fodelsear"} & set(out.columns)
        assert len(out) < 1000
