"""Calibrated forecast intervals, their coverage in the back-test, the sentence when the
ekonom's forecast lies outside, and model failures reported instead of swallowed.

The coverage tolerances: a simulation of R independent kommuner gives the share of
intervals that held the outcome with binomial standard error √(p(1−p)/R) — 0,010 at
80 % and 0,006 at 95 % for R = 1 500. The leave-one-year-out errors behind the interval
are slightly larger than the forecast's own (they use one past year fewer), so the
intervals are somewhat conservative with few years (measured +1…+4 points with 2 years).
The bounds below allow that plus about 3 standard errors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.ekonomi import prognos as B
from analysis.io.dataset import Dataset, load_data
from analysis.rapport.ekonomi import prognossakerhet_tabell

from .test_avvikelse import HAND, _write

SEASON = np.array([1.05, 1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.95, 1.05, 1.1, 1.1, 1.25])
R = 1500
BOUNDS = {80: (0.76, 0.87), 95: (0.925, 0.985)}


def _ledger(rng: np.random.Generator, years: int, process: str) -> np.ndarray:
    """Monthly net costs (negative) of ``years`` years from a known process."""
    level = -100_000 * 1.03 ** np.arange(years) * (1 + 0.02 * rng.standard_normal(years))
    if process == "mult":  # the year's level × season × 4 % noise per month
        noise = 0.04 * rng.standard_normal((years, 12))
    else:  # "drift": the level also wanders within the year
        noise = np.cumsum(
            0.01 * rng.standard_normal((years, 12)), axis=1
        ) + 0.03 * rng.standard_normal((years, 12))
    return level[:, None] * SEASON / 12 * (1 + noise)


def _coverage(n_past: int, month: int, process: str, seed: int) -> dict[int, float]:
    rng = np.random.default_rng(seed)
    hits = {80: 0, 95: 0}
    for _ in range(R):
        y = _ledger(rng, n_past + 1, process)
        res = B.modellintervall(y[:n_past], y[n_past, :month])
        outcome = y[n_past].sum()
        for niva in hits:
            hits[niva] += res[f"nedre_{niva}"] <= outcome <= res[f"ovre_{niva}"]
    return {niva: h / R for niva, h in hits.items()}


@pytest.mark.parametrize(
    "n_past,month,process", [(2, 4, "mult"), (4, 4, "mult"), (4, 8, "drift"), (6, 8, "mult")]
)
def test_simulated_coverage_is_close_to_nominal(n_past, month, process):
    cov = _coverage(n_past, month, process, seed=1000 + 10 * n_past + month)
    for niva, (lo, hi) in BOUNDS.items():
        assert lo <= cov[niva] <= hi, (niva, cov)


def test_mutation_too_few_degrees_of_freedom_is_caught(monkeypatch):
    """Guard of the simulation: t quantiles with n instead of n − 1 degrees of freedom
    (errors treated as independent) undercover with two past years, and the check fails."""
    import scipy.stats

    real = scipy.stats.t

    class Wrong:
        @staticmethod
        def ppf(q, df):
            return real.ppf(q, df + 1)

    monkeypatch.setattr(scipy.stats, "t", Wrong)
    cov = _coverage(2, 4, "mult", seed=1024)
    assert not all(lo <= cov[niva] <= hi for niva, (lo, hi) in BOUNDS.items()), cov


def test_model_interval_by_hand():
    # past years: flat 1 a month (12), and 1 for six months then 3 (24); this year 1, 1
    hist = np.array([[1.0] * 12, [1.0] * 6 + [3.0] * 6])
    res = B.modellintervall(hist, np.array([1.0, 1.0]))
    # profile 1 ×6, 2 ×6; level 1 → 2 + 4 + 12 = 18; scale 2 + 16 = 18
    assert res["prognos"] == pytest.approx(18.0) and res["skala"] == pytest.approx(18.0)
    # leave one out: year 1 forecast from year 2: 24 (error +12, scale 24, z = 0,5);
    # year 2 from year 1: 12 (error −12, scale 12, z = −1); spread √((0,25 + 1)/2)
    spread = math.sqrt(0.625) * 18
    assert res["n"] == 2
    # t quantiles with 1 degree of freedom (tables): 3,0777 (0,90), 12,7062 (0,975)
    assert res["ovre_80"] - 18 == pytest.approx(3.0777 * spread, rel=1e-4)
    assert 18 - res["nedre_95"] == pytest.approx(12.7062 * spread, rel=1e-4)
    # the budget widens the scale when it is larger than the flows
    assert B.sasongsmodell(hist, np.array([1.0, 1.0]), budget=-36.0)[1] == pytest.approx(36.0)
    # one past year: a forecast but no interval
    one = B.modellintervall(hist[:1], np.array([1.0, 1.0]))
    assert one["prognos"] == pytest.approx(12.0) and math.isnan(one["nedre_95"])


def test_a_unit_with_zero_budget_and_no_flows_gets_a_tiny_interval(sample_data):
    # Valnämnden: budget 0 and no utfall in 2023 (an election in 2022)
    p = B.helarsprognoser(sample_data, "valn", "2023-04").set_index("metod")
    row = p.loc[B.INTERVALL_METOD]
    assert abs(row.ovre_95 - row.nedre_95) < 1.0  # tkr
    assert abs(row.prognos_tkr) < 1.0


def test_tiny_flows_give_a_tiny_interval(base):
    rng = np.random.default_rng(5)
    flows = {
        202000 + 100 * y + m: float(rng.normal(0, 100))
        for y in range(4)
        for m in range(1, 13)
        if y < 3 or m <= 4
    }
    data = _kommun(base, {"a": flows})
    row = B.helarsprognoser(data, "a", "2023-04").set_index("metod").loc[B.INTERVALL_METOD]
    assert 0 < row.ovre_95 - row.nedre_95 < 5.0  # tkr, from flows of ±0,1 tkr


# --- the back-test reports coverage ---------------------------------------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Dataset:
    return load_data(_write(tmp_path_factory.mktemp("base"), HAND))


def _kommun(base: Dataset, flows: dict[str, dict[int, float]]) -> Dataset:
    utfall = pd.DataFrame(
        [
            {"period": code, "namnd": u, "konto": 5010, "belopp_kr": v}
            for u, f in flows.items()
            for code, v in f.items()
        ],
        columns=["period", "namnd", "konto", "belopp_kr"],
    )
    empty_b = pd.DataFrame(columns=["ar", "namnd", "konto", "typ", "belopp_kr"])
    empty_p = pd.DataFrame(columns=["ar", "prognosmanad", "namnd", "typ", "belopp_kr"])
    frames = dict(base.frames.items())
    frames.update(
        utfall=utfall,
        budget=empty_b,
        prognos=empty_p,
        periodisering=None,
        kontoplan=None,
        investeringar=None,
    )
    return Dataset(data_dir=base.data_dir, register=base.register, frames=frames)


def test_backtest_reports_interval_coverage_on_generated_kommuner(base):
    """Other kommuner: ledgers generated from a known process, back-tested through the
    public functions. Pooled over 4 units × 4 years × 11 months (strongly correlated within
    a unit-year, so only about 16 independent years: wide bounds)."""
    rng = np.random.default_rng(11)
    units = ["a", "r", "h", "tom"]
    flows = {}
    for u in units:
        y = _ledger(rng, 7, "mult")  # 2017–2023
        flows[u] = {
            (2017 + i) * 100 + m + 1: y[i, m] * 1000
            for i in range(7)
            for m in range(12)
            if i < 6 or m < 4
        }
    data = _kommun(base, flows)
    frames = [
        B.prognossakerhet(data, u, "2023-04", manader=range(1, 12), metoder=["modell"])
        for u in units
    ]
    acc = pd.concat(frames)
    assert {"antal_intervall", "traff80", "traff95"} <= set(acc.columns)
    weights = acc["antal_intervall"]
    assert weights.sum() == len(units) * 4 * 11  # 2019–2022 have ≥ 2 past years
    cov80 = (acc["traff80"] * weights).sum() / weights.sum()
    cov95 = (acc["traff95"] * weights).sum() / weights.sum()
    assert 0.65 <= cov80 <= 0.95 and 0.85 <= cov95 <= 1.0, (cov80, cov95)
    shown = prognossakerhet_tabell(frames[0])
    assert {"Träffsäkerhet 80 %", "Träffsäkerhet 95 %"} <= set(shown.columns)
    # four past years per forecast month: too few cases to say how often an interval
    # holds, so the share is not printed; the number of cases is
    assert (shown["Fall med intervall"] == 4).all()
    assert shown["Träffsäkerhet 95 %"].isna().all()
    many = frames[0].assign(antal_intervall=B.MIN_FALL_TRAFF)
    assert prognossakerhet_tabell(many)["Träffsäkerhet 95 %"].between(0, 100).all()


def test_backtest_coverage_on_the_sample(sample_data):
    """The sample's complete past years 2021–2022 (those with ≥ 2 earlier years), every
    month, every nämnd and finans unit: coverage close to nominal (measured 83 % and
    95 % over 440 cases; ~40 independent unit-years, so ±0,1 bounds)."""
    units = sample_data.register.namnder + sample_data.register.finans
    d = pd.concat(
        [
            B.prognossakerhet_detaljer(
                sample_data, u, "2023-04", manader=range(1, 12), metoder=["modell"]
            )
            for u in units
        ]
    )
    d = d[d["inom95"].notna()]
    assert len(d) >= 400
    assert 0.72 <= d["inom80"].mean() <= 0.92
    assert 0.90 <= d["inom95"].mean() <= 1.0
    # and every case is a real comparison: the interval against the year's outcome
    inside = (d["nedre_95"] <= d["utfall_tkr"] + 1e-6) & (d["utfall_tkr"] - 1e-6 <= d["ovre_95"])
    assert (inside.astype(float) == d["inom95"]).all()


# --- the sentence when the ekonom's forecast lies outside -----------------------------
def _prognoser(egen: float, lo: float, hi: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metod": ["manuell", B.INTERVALL_METOD],
            "prognos_tkr": [egen, (lo + hi) / 2],
            "nedre_80": [np.nan, lo + 1],
            "ovre_80": [np.nan, hi - 1],
            "nedre_95": [np.nan, lo],
            "ovre_95": [np.nan, hi],
        }
    )


def test_sentence_when_the_ekonoms_forecast_lies_outside_the_95_interval():
    text = B.prognos_utanfor_intervall(_prognoser(-2_053_880.0, -2_044_052.0, -1_981_838.0))
    assert text == (
        "Ekonomens prognos (\u22122\u00a0053,9 mkr) ligger under den statistiska "
        "modellens 95-procentiga intervall (\u22122\u00a0044,1 mkr till "
        "\u22121\u00a0981,8 mkr), som bygger på nämndens egna tidigare år."
    )
    above = B.prognos_utanfor_intervall(_prognoser(-1_900_000.0, -2_044_052.0, -1_981_838.0))
    assert "ligger över" in above
    assert B.prognos_utanfor_intervall(_prognoser(-2_000_000.0, -2_044_052.0, -1_981_838.0)) is None
    assert B.prognos_utanfor_intervall(_prognoser(np.nan, -2.0, 2.0)) is None
    assert B.prognos_utanfor_intervall(_prognoser(5.0, np.nan, np.nan)) is None


# --- model failures are reported, not swallowed ----------------------------------------
def test_a_convergence_warning_is_reported_in_the_notes(sample_data, monkeypatch):
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing import ets

    real_fit = ets.ETSModel.fit

    def fit(self, *a, **kw):
        warnings.warn(
            "Maximum Likelihood optimization failed to converge.", ConvergenceWarning, stacklevel=2
        )
        return real_fit(self, *a, **kw)

    monkeypatch.setattr(ets.ETSModel, "fit", fit)
    p = B.helarsprognoser(sample_data, "bun", "2023-04", metoder=["ets"])
    notes = p.attrs["anmarkningar"]
    assert len(notes) == 1 and "konvergerade inte" in notes[0]
    assert "failed to converge" in notes[0]


def test_a_failed_fit_is_reported_and_the_method_left_out(sample_data, monkeypatch):
    from statsmodels.tsa.exponential_smoothing import ets

    def fit(self, *a, **kw):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(ets.ETSModel, "fit", fit)
    p = B.helarsprognoser(sample_data, "bun", "2023-04", metoder=["ets", "arstakt"])
    assert math.isnan(p.set_index("metod").loc["ets", "prognos_tkr"])
    assert np.isfinite(p.set_index("metod").loc["arstakt", "prognos_tkr"])
    assert any(
        "kunde inte skattas" in n and "Singular matrix" in n for n in p.attrs["anmarkningar"]
    )


def test_too_short_history_for_an_interval_is_said(base):
    flows = {"a": {202200 + m: -1000.0 for m in range(1, 13)}}
    flows["a"].update({202300 + m: -1000.0 for m in range(1, 5)})
    p = B.helarsprognoser(_kommun(base, flows), "a", "2023-04", metoder=["modell"])
    assert math.isnan(p["nedre_95"].iloc[0]) and np.isfinite(p["prognos_tkr"].iloc[0])
    assert any("kräver minst 2 hela tidigare år" in n for n in p.attrs["anmarkningar"])
