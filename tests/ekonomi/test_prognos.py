"""Full-year forecasts of one nämnd by method: hand-computed cases on the hand-made kommun
and the sample (the intervals and back-test in detail: test_prognos_intervall.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.core.errors import ArgumentError
from analysis.ekonomi import prognos as B
from analysis.io.dataset import Dataset, load_data

from .test_avvikelse import HAND, _write


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("hand"), HAND))


# --- forecasts ------------------------------------------------------------------------
def test_forecasts_by_hand(hand):
    p = B.helarsprognoser(
        hand, "a", "2023-04", metoder=["manuell", "arstakt", "aterstaende_budget", "sasongsprofil"]
    )
    p = p.set_index("metod")["prognos_tkr"]
    assert p["manuell"] == pytest.approx(-1110.0)
    assert p["arstakt"] == pytest.approx(-160.0 / 4 * 12)
    assert p["aterstaende_budget"] == pytest.approx(-160.0 - 1080.0 * 8 / 12)
    assert math.isnan(p["sasongsprofil"])  # no history for a
    h = B.helarsprognoser(hand, "h", "2023-04", metoder=["sasongsprofil"]).iloc[0]
    share = (4 / 13 + 3 / 11) / 2
    assert h["prognos_tkr"] == pytest.approx(-6.0 / share)
    assert list(B.helarsprognoser(hand, "a", "2023-04").columns) == B.PROGNOS_COLUMNS


def test_model_intervals_are_ordered(sample_data):
    p = B.helarsprognoser(sample_data, "bun", "2023-04", metoder=["modell"]).iloc[0]
    assert np.isfinite(
        p[["prognos_tkr", "nedre_80", "ovre_80", "nedre_95", "ovre_95"]].astype(float)
    ).all()
    assert p.nedre_95 <= p.nedre_80 <= p.prognos_tkr <= p.ovre_80 <= p.ovre_95
    assert p.nedre_95 < p.ovre_95
    # in December nothing remains: the forecast is the outcome, for both models
    dec = B.helarsprognoser(sample_data, "bun", "2022-12", metoder=["modell", "ets", "arstakt"])
    assert dec["prognos_tkr"].to_numpy() == pytest.approx([dec["prognos_tkr"].iloc[2]] * 3)
    assert dec.iloc[0].nedre_95 == pytest.approx(dec.iloc[0].ovre_95)


def test_backtest_on_the_sample(sample_data):
    acc = B.prognossakerhet(sample_data, "bun", "2023-04")
    assert set(acc["metod"]) == set(B.METODER)
    assert set(acc["manad"]) == {4, 8}
    assert np.isfinite(acc["mae_tkr"]).all() and np.isfinite(acc["mae_procent"]).all()
    assert (acc["antal"] >= 1).all()
    detail = B.prognossakerhet_detaljer(sample_data, "bun", "2023-04")
    assert detail["ar"].max() == 2022  # only complete past years


def test_the_interval_columns_are_named_nedre_and_ovre(hand):
    assert B.PROGNOS_COLUMNS == [
        "metod",
        "prognos_tkr",
        "nedre_80",
        "ovre_80",
        "nedre_95",
        "ovre_95",
    ]
    assert B.INTERVALL_COLUMNS == B.PROGNOS_COLUMNS[2:]
    assert B.DETALJ_COLUMNS[4:8] == B.INTERVALL_COLUMNS


def test_an_unknown_method_is_an_argument_error(hand):
    with pytest.raises(ArgumentError) as e:
        B.helarsprognoser(hand, "a", "2023-04", metoder=["gissning"])
    assert e.value.argument == "metoder" and "Okänd prognosmetod 'gissning'" in str(e.value)
