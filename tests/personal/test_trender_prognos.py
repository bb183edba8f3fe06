"""The sick-leave forecast is a forecast of a rate: within 0–100 %, plausible bounds, and
intervals that hold the outcome about as often as they say (issue 11, section 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.personal import serier, trender

BANDS = ["nedre_95", "nedre_80", "prognos", "ovre_80", "ovre_95"]


def month_index(n: int, start_year: int = 2019) -> np.ndarray:
    k = np.arange(n)
    return (start_year + k // 12) * 100 + k % 12 + 1


def logit(p):
    return np.log(p / (100 - p))


def inv_logit(z):
    return 100 / (1 + np.exp(-z))


def generated(
    rng, n: int, level: float, amplitude: float, sd: float, phi: float = 0.5
) -> np.ndarray:
    """A monthly rate (procent) whose logit is level + season + AR(1) noise."""
    e = rng.normal(0, sd, n + 100)
    u = np.zeros(n + 100)
    for t in range(1, n + 100):
        u[t] = phi * u[t - 1] + e[t]
    month = np.arange(n) % 12
    return inv_logit(logit(level) + amplitude * np.cos(2 * np.pi * month / 12) + u[100:])


# --- bounds ----------------------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(level=st.floats(0.3, 99.5), sd=st.floats(0.05, 0.6), seed=st.integers(0, 2**16))
@example(level=0.3, sd=0.6, seed=1)  # a small, very variable group: bound was cut at 0
@example(level=99.5, sd=0.5, seed=2)  # nearly everyone sick: bound was above 100 %
def test_forecast_bounds_stay_within_0_and_100_percent(level, sd, seed):
    y = generated(np.random.default_rng(seed), 48, level, 0.3, sd)
    prog = trender.prognos(pd.Series(y, index=month_index(48)), steg=6)
    v = prog[BANDS].to_numpy()
    assert (v > 0).all() and (v < 100).all()
    assert (np.diff(v, axis=1) >= 0).all()


def test_sample_lower_bound_is_plausible_against_the_lowest_month(sample_data):
    """The published problem: for August 2023 the lower 95 % bound was 1,1 % while no month
    since 2019 was below 4,1 %. Rule: no lower 95 % bound lies below half the lowest
    monthly rate observed — a month at half the lowest of 4–5 years is far outside
    anything seen, and a bound there is not a plausible 2,5 % quantile."""
    p = sample_data.sjukfranvaro
    cases = [(None, "2023-04"), (None, "2023-08")]
    cases += [(str(f), "2023-04") for f in p["forvaltning"].cat.categories]
    for forv, period in cases:
        serie = serier.manadsserie(p, forv, till=period)
        prog = trender.prognos(serie, steg=6)
        lowest = serie["procent"].min()
        assert prog["nedre_95"].min() >= 0.5 * lowest, (forv, period)
        assert (prog["ovre_95"] < 100).all()


# --- coverage ---------------------------------------------------------------------------

SERIES, MONTHS, AHEAD = 150, 54, 6


@pytest.fixture(scope="module")
def simulated():
    """150 seeded series of 54 months (a low rate, 1,5 %, with season and AR(1) noise on
    the logit scale, as a small förvaltning's), each forecast 6 months ahead."""
    rng = np.random.default_rng(11)
    out = []
    for _ in range(SERIES):
        y = generated(rng, MONTHS + AHEAD, 1.5, 0.3, 0.25)
        prog = trender.prognos(pd.Series(y[:MONTHS], index=month_index(MONTHS)), steg=AHEAD)
        out.append(prog.assign(utfall=y[MONTHS:]))
    return out


def coverage_ok(forecasts) -> bool:
    """The coverage rule. Tolerance: ±2 binomial standard errors with the number of
    series (150) as the number of independent outcomes — the 6 months of one series are
    correlated, so counting 900 would be too strict (two seeds of 100 series gave 74 %
    and 84 % for the same model): 80 % band 73,5–86,5 %, 95 % band 91,4–98,6 %, and
    each tail of the 95 % band at most 2,5 % + 2 SE = 5,0 %."""
    f = pd.concat(forecasts)
    y = f["utfall"]
    in80 = ((f["nedre_80"] <= y) & (y <= f["ovre_80"])).mean()
    below, above = (y < f["nedre_95"]).mean(), (y > f["ovre_95"]).mean()
    return (
        0.735 <= in80 <= 0.865
        and 0.914 <= 1 - below - above <= 0.986
        and below <= 0.05
        and above <= 0.05
    )


def test_interval_coverage_on_generated_series_is_close_to_nominal(simulated):
    # measured: 80 % band 78,8 %, 95 % band 93,3 % (3,2 % below, 3,4 % above). The
    # Gaussian model on the rate itself (today's code) gives 82,3 % and 94,2 % here,
    # but with 1,9 % below and 3,9 % above: its fault is the bounds (tested above),
    # so this test guards the calibration against the mutations below.
    assert coverage_ok(simulated)


def test_the_coverage_rule_catches_intervals_that_are_too_narrow(simulated):
    """Mutation: a 95 % band that is really the 80 % band, or an 80 % band halved."""
    as80 = [f.assign(nedre_95=f["nedre_80"], ovre_95=f["ovre_80"]) for f in simulated]
    assert not coverage_ok(as80)
    mid = [
        f.assign(
            nedre_80=(f["nedre_80"] + f["prognos"]) / 2, ovre_80=(f["ovre_80"] + f["prognos"]) / 2
        )
        for f in simulated
    ]
    assert not coverage_ok(mid)


def test_back_test_on_the_sample(sample_data):
    """Forecasts made at each month-end from December 2021 (36 months of history) to
    November 2023, against the months that followed (129 forecast months, up to 6
    ahead). The sample's 2020 (the pandemic) widens the model's variation, so the
    intervals held more often than nominal: 80 %: 93 %, 95 %: 100 %."""
    serie = serier.manadsserie(sample_data.sjukfranvaro, till="2023-12")
    bt = trender.prognos_traffsakerhet(serie, steg=6)
    assert list(bt.columns) == ["gjord", "period", "steg", "utfall", "prognos", "inom80", "inom95"]
    assert len(bt) == 129 and bt["gjord"].min() == 202112 and bt["period"].max() == 202312
    assert (bt["period"] > bt["gjord"]).all() and bt["steg"].between(1, 6).all()
    assert bt["inom95"].mean() >= 0.95 and bt["inom80"].mean() >= 0.8
    # the 95 % band is never narrower than the 80 % band: what the 80 % band held, the
    # 95 % band held too
    assert (bt["inom95"] | ~bt["inom80"]).all()
