"""Sick leave over time: STL, trend change, forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ModellError
from analysis.personal import serier, trender


def codes(start_year: int, n: int) -> np.ndarray:
    k = np.arange(n)
    return (start_year + k // 12) * 100 + k % 12 + 1


def series(values, start_year=2019) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=codes(start_year, len(values)))


# --- STL, trend change, forecast --------------------------------------------------------

SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)  # winter high, summer low


def test_stl_recovers_known_season_and_trend():
    n = 72
    t = np.arange(n)
    trend = 6.0 + 0.02 * t
    rng = np.random.default_rng(1)
    y = trend + np.tile(SEASON, n // 12) + rng.normal(0, 0.05, n)
    dec = trender.sasongsuppdelning(series(y))
    assert list(dec.columns) == ["period", "observerad", "trend", "sasong", "rest", "sasongsrensad"]
    mid = slice(12, n - 12)  # away from the ends, where any filter is weaker
    assert np.abs(dec["trend"].to_numpy()[mid] - trend[mid]).max() < 0.1
    assert np.abs(dec["sasong"].to_numpy()[mid] - np.tile(SEASON, n // 12)[mid]).max() < 0.15
    assert np.allclose(dec["trend"] + dec["sasong"] + dec["rest"], y)


def test_trend_change_detects_a_clear_level_shift():
    n = 60
    rng = np.random.default_rng(2)
    y = 7.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.2, n)
    y[-12:] += 1.5
    res = trender.trendforandring(series(y))
    assert res["p_varde"] < 0.01 and res["signifikant"]
    assert res["ci_lag"] < res["forandring"] < res["ci_hog"]
    assert res["ci_lag"] > 0.3  # a clear increase
    assert "Newey–West" in res["metod"] and res["antal_manader"] == 60
    assert res["medel_senaste"] - res["medel_fore"] == pytest.approx(1.5, abs=0.4)


def test_trend_change_finds_nothing_in_a_stationary_seasonal_series():
    n = 60
    rng = np.random.default_rng(3)
    y = 7.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.3, n)
    res = trender.trendforandring(series(y))
    assert res["p_varde"] > 0.05 and not res["signifikant"]
    assert res["ci_lag"] < 0 < res["ci_hog"]


def test_forecast_intervals_are_ordered_and_of_the_right_length():
    n = 48
    rng = np.random.default_rng(4)
    y = 6.0 + np.tile(SEASON, n // 12) + rng.normal(0, 0.3, n)
    prog = trender.prognos(series(y, 2019), steg=8)
    assert len(prog) == 8
    assert list(prog["period"]) == [202301, 202302, 202303, 202304, 202305, 202306, 202307, 202308]
    v = prog[["nedre_95", "nedre_80", "prognos", "ovre_80", "ovre_95"]].to_numpy()
    assert (np.diff(v, axis=1) >= 0).all()
    assert (prog["ovre_95"] - prog["nedre_95"] > prog["ovre_80"] - prog["nedre_80"]).all()
    # the season carries into the forecast: January above July
    assert prog.loc[0, "prognos"] > prog.loc[6, "prognos"]


def test_a_short_series_gives_a_clear_error():
    with pytest.raises(ModellError, match="20 månader; minst 36"):
        trender.sasongsuppdelning(series(np.ones(20)))
    gap = series(np.ones(40)).drop(202006)
    with pytest.raises(ModellError, match="saknar månader"):
        trender.prognos(gap)
    assert not trender.kan_analyseras(gap)


# --- the sample kommun ----------------------------------------------------------------


def test_sample_kommun_series_can_be_analysed(sample_data):
    s = serier.manadsserie(sample_data.sjukfranvaro, till="2023-04")
    assert trender.kan_analyseras(s)
    prog = trender.prognos(s)
    assert list(prog.columns) == [
        "period",
        "ar",
        "manad",
        "prognos",
        "nedre_80",
        "ovre_80",
        "nedre_95",
        "ovre_95",
    ]
