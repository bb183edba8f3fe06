"""Sick leave as known at the end of the report month: months after the period change
nothing (issue 11, section 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.personal import serier, trender
from analysis.personal import text as ptext
from tests.personal.personaldata import COLUMNS

SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)
PERIOD = "2023-04"


def month_codes(start: int, n: int) -> np.ndarray:
    y, m = divmod(start, 100)
    k = (m - 1) + np.arange(n)
    return (y + k // 12) * 100 + k % 12 + 1


def rows(codes, rates, forv: str, staff: int = 12) -> list[tuple]:
    out = []
    for code, r in zip(codes, rates, strict=False):
        out += [
            (
                int(code),
                f"{forv}{i:03d}",
                forv,
                "K" if i % 2 else "M",
                1970 + i,
                100.0,
                float(r),
                0.0,
                int(r > 5),
                float(r),
            )
            for i in range(staff)
        ]
    return out


def everything(personal: pd.DataFrame, forvaltningar=None) -> dict:
    """Every sick-leave output a report for PERIOD shows."""
    a = trender.analys(personal, PERIOD)
    forv = serier.forvaltningar_till(personal, PERIOD) if forvaltningar is None else forvaltningar
    return {
        "forvaltningar": forv,
        "kommentar": ptext.kommentar(personal, PERIOD, None, forv, a.trend, a.jamforelse),
        "kommentar_kort": ptext.kommentar(personal, PERIOD),
        "manadstrend": serier.manadstrend(personal, PERIOD),
        "serie": a.serie,
        "jamforelse": a.jamforelse,
        "trend": a.trend,
        "sasong": a.sasong,
        "prognos": a.prognos,
        "anmarkningar": a.anmarkningar,
        "hittills": serier.hittills_i_ar(personal, PERIOD),
    }


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True))
        else:
            assert x == y or (x != x and y != y), key


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    codes = month_codes(201905, 48)  # May 2019 – April 2023
    rng = np.random.default_rng(8)
    base = 6.0 + SEASON[codes % 100 - 1]
    return pd.DataFrame(
        rows(codes, base + rng.normal(0, 0.3, 48), "Alfa")
        + rows(codes, base - 1 + rng.normal(0, 0.3, 48), "Beta"),
        columns=COLUMNS,
    )


@settings(max_examples=6, deadline=None)
@given(extra=st.lists(st.floats(0.0, 60.0), min_size=1, max_size=9), new_unit=st.booleans())
def test_months_after_the_period_change_nothing(history, extra, new_unit):
    before = everything(history)
    later = month_codes(202305, len(extra))
    added = rows(later, extra, "Alfa") + rows(later, extra[::-1], "Beta")
    if new_unit:  # a förvaltning that starts after April
        added += rows(later, [50.0] * len(extra), "Gamma", staff=20)
    after = everything(
        pd.concat([history, pd.DataFrame(added, columns=COLUMNS)], ignore_index=True)
    )
    assert_same(before, after)
    assert before["prognos"]["period"].iloc[0] == 202305


def test_sample_april_2023_is_unchanged_by_the_rest_of_2023(sample_data):
    full = sample_data.sjukfranvaro
    cut = full[full["period"] <= 202304]
    assert full["period"].max() == 202312
    forv = [str(f) for f in full["forvaltning"].cat.categories]
    assert_same(everything(full, forv), everything(cut, forv))


def test_model_functions_cut_a_longer_series_at_till(sample_data):
    full = serier.manadsserie(sample_data.sjukfranvaro)  # to December 2023
    cut = serier.manadsserie(sample_data.sjukfranvaro, till=PERIOD)
    pd.testing.assert_frame_equal(trender.prognos(full, till=PERIOD), trender.prognos(cut))
    assert trender.trendforandring(full, till=PERIOD) == trender.trendforandring(cut)
    pd.testing.assert_frame_equal(
        trender.sasongsuppdelning(full, till=PERIOD), trender.sasongsuppdelning(cut)
    )
    assert trender.kan_analyseras(full, till="2021-06") is False  # 30 months
