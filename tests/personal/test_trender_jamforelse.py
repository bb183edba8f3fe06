"""The sick-leave headline says whether this year's change is more than the normal
variation between years (issue 11, section 4 "Honest sentences").

Every series here is generated so that the answer is known: a clear shift with small
monthly noise is "tydlig"; a difference of the size the years have always differed by
is "inom den normala variationen"; a series too short for the test gets no claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.personal import serier, trender
from analysis.personal import text as ptext

COLUMNS = [
    "period",
    "anstalld",
    "forvaltning",
    "kon",
    "fodelsear",
    "ordinarie_tid_h",
    "sjuk_h",
    "sjuk_h_langtid",
    "sjukdagar",
    "sjuk_h_kort",
]

#: Winter high, summer low (procentenheter).
SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)


def month_codes(start: int, n: int) -> np.ndarray:
    y, m = divmod(start, 100)
    k = (m - 1) + np.arange(n)
    return (y + k // 12) * 100 + k % 12 + 1


def personal_from_rates(
    rates, start: int = 201905, staff: int = 12, forv: str = "A"
) -> pd.DataFrame:
    """``staff`` employees with 100 ordinary hours each month and ``rate`` sick hours
    each, so the month's rate is exactly ``rate`` procent."""
    rows = []
    for code, r in zip(month_codes(start, len(rates)), rates, strict=False):
        rows += [
            (int(code), f"{forv}{i:04d}", forv, "K", 1980, 100.0, float(r), 0.0, 0, float(r))
            for i in range(staff)
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def seasonal(
    n: int = 48, start: int = 201905, level: float = 7.0, noise: float = 0.15, seed: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    codes = month_codes(start, n)
    rng = np.random.default_rng(seed)
    return codes, level + SEASON[codes % 100 - 1] + rng.normal(0, noise, n)


# --- the rule, on series where the answer is known ---------------------------------------


@pytest.mark.parametrize("shift, word", [(-2.0, "en tydlig minskning"), (+2.0, "en tydlig ökning")])
def test_a_clear_shift_is_called_clear(shift, word):
    codes, y = seasonal()
    y[codes >= 202301] += shift  # this year's January–April, nothing before
    personal = personal_from_rates(y)
    test = trender.jamforelse_test(personal, "2023-04")
    assert test["skillnad"] == pytest.approx(serier.hittills_i_ar(personal, "2023-04")["skillnad"])
    assert test["tydlig"] is True and test["p_varde"] < 0.001
    # the monthly noise is 0.15: the difference of two 4-month means has sd ≈ 0.11
    assert 0.05 < test["standardfel"] < 0.2
    text = ptext.kommentar(personal, "2023-04")
    riktning = "lägre" if shift < 0 else "högre"
    assert f"2,0 procentenheter {riktning} än samma period 2022, {word}." in text
    assert "normala variationen" not in text


def test_a_difference_like_every_year_is_within_normal_variation():
    # the level jumps between years as in the sample kommun (+3, −2, +2, −2 procentenheter)
    codes, y = seasonal(noise=0.15)
    level = {2018: 8.5, 2019: 6.0, 2020: 9.0, 2021: 7.0, 2022: 9.0, 2023: 7.0}
    y += np.array([level[c // 100] for c in codes]) - 7.0
    personal = personal_from_rates(y)
    h = serier.hittills_i_ar(personal, "2023-04")
    assert h["skillnad"] < -1.5  # as large as the headline that misled
    test = trender.jamforelse_test(personal, "2023-04")
    assert test["tydlig"] is False and test["p_varde"] > 0.1
    text = ptext.kommentar(personal, "2023-04")
    assert text.endswith(
        "lägre än samma period 2022, en skillnad inom den normala variationen mellan åren."
    )
    assert "tydlig" not in text


def test_a_short_series_gets_no_claim_about_significance():
    codes, y = seasonal(n=28, start=202101)  # 28 months: too short for the test
    y[codes >= 202301] -= 2.0
    personal = personal_from_rates(y, start=202101)
    test = trender.jamforelse_test(personal, "2023-04")
    assert test["tydlig"] is None and np.isnan(test["p_varde"])
    assert "36" in test["orsak"]
    text = ptext.kommentar(personal, "2023-04")
    assert text.endswith("procentenheter lägre än samma period 2022.")
    assert "tydlig" not in text and "normala" not in text and "slump" not in text


def test_a_suppressed_month_means_no_test():
    codes, y = seasonal()
    personal = personal_from_rates(y)
    # March 2021 has only 8 employees: that month is not shown, so no model is fitted
    personal = personal[
        ~((personal["period"] == 202103) & (personal["anstalld"].str[1:].astype(int) >= 8))
    ]
    test = trender.jamforelse_test(personal, "2023-04")
    assert test["tydlig"] is None and "inte redovisas" in test["orsak"]


def test_hour_weights_make_the_tested_difference_the_headline_difference():
    # January has twice the staff in 2023: the period's rate weights the months by hours
    codes, y = seasonal()
    personal = personal_from_rates(y)
    extra = personal_from_rates([y[codes == 202301][0] + 3.0], start=202301, forv="B")
    personal = pd.concat([personal, extra], ignore_index=True)
    h = serier.hittills_i_ar(personal, "2023-04")
    test = trender.jamforelse_test(personal, "2023-04")
    assert test["skillnad"] == pytest.approx(h["skillnad"], abs=1e-12)


def test_false_alarms_are_rare_without_a_change():
    """40 seeded series without any change (season + AR(1), φ = 0.5): at the 5 % level
    at most 6 may be called "tydlig" (P(X ≥ 7) is 0,3 % for X ~ Bin(40; 0,05) and 1,6 %
    at the 6,7 % measured for φ = 0,5). A first version (no own level for the tested
    months, no n/(n − k) correction of σ², the normal quantile) called 7–10 % of such
    series tydlig in simulations of 300 series."""
    codes = month_codes(201805, 60)
    cur = codes >= 202301
    prev = (codes >= 202201) & (codes <= 202204)
    c = np.where(cur, 1 / cur.sum(), 0.0) - np.where(prev, 1 / prev.sum(), 0.0)
    rng = np.random.default_rng(20)
    alarms = 0
    for _ in range(40):
        e = rng.normal(0, 0.3, 160)
        u = np.zeros(160)
        for t in range(1, 160):
            u[t] = 0.5 * u[t - 1] + e[t]
        y = 7.0 + SEASON[codes % 100 - 1] + u[100:]
        alarms += trender._kontrasttest(y, codes, c, 0.05)["p_varde"] < 0.05
    assert alarms <= 6


# --- the sentences ---------------------------------------------------------------------


def test_sample_headline_april_2023_is_within_normal_variation(sample_data):
    p = sample_data.sjukfranvaro
    text = ptext.kommentar(p, "2023-04")
    assert text == (
        "Sjukfrånvaron för januari–april är 7,0 procent, 2,1 procentenheter "
        "lägre än samma period 2022, en skillnad inom den normala variationen "
        "mellan åren."
    )
    test = trender.jamforelse_test(p, "2023-04")
    assert test["p_varde"] > 0.05 and test["antal_manader"] == 52


def test_trend_text_claims_no_change_when_not_significant():
    res = {
        "forandring": -0.54,
        "ci_lag": -6.97,
        "ci_hog": 5.9,
        "p_varde": 0.87,
        "signifikant": False,
        "manader": 12,
        "antal_manader": 52,
    }
    text = ptext.trend_text(res)
    assert "lägre än" not in text and "högre än" not in text
    assert "inte mer från de 40 månaderna före än den normala variationen" in text
    assert "−0,5 procentenheter" in text and "−7,0 till 5,9" in text
    assert "inte statistiskt säkerställd" in text


def test_trend_text_draws_no_conclusion_from_an_unconverged_fit():
    res = {
        "forandring": -2.0,
        "ci_lag": -2.5,
        "ci_hog": -1.5,
        "p_varde": 0.0001,
        "signifikant": False,
        "manader": 12,
        "antal_manader": 60,
        "konvergerade": False,
    }
    text = ptext.trend_text(res)
    assert "konvergerade inte" in text and "ingen slutsats" in text
    assert "säkerställd" not in text and "2,0" not in text


@pytest.mark.parametrize(
    "test, diff, clause",
    [
        ({"tydlig": True}, -1.0, "en tydlig minskning"),
        ({"tydlig": True}, 1.0, "en tydlig ökning"),
        ({"tydlig": False}, 1.0, "en skillnad inom den normala variationen mellan åren"),
        ({"tydlig": None}, 1.0, ""),
        (None, 1.0, ""),
        ({"tydlig": True}, 0.01, ""),  # "oförändrat" needs no verdict
    ],
)
def test_variation_clause(test, diff, clause):
    assert ptext.variation_text(test, diff) == clause
