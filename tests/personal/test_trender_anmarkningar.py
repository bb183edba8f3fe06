"""Model failures in the sick-leave analysis are reported, never swallowed (issue 11,
section 4: "Model convergence failures are reported in the report's notes")."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.statespace.sarimax import SARIMAX

from analysis.core import errors
from analysis.personal import serier, trender
from analysis.personal import text as ptext

SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)
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


def codes(n: int, start_year: int = 2019) -> np.ndarray:
    k = np.arange(n)
    return (start_year + k // 12) * 100 + k % 12 + 1


def serie(n: int = 52, seed: int = 3) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(7.0 + np.tile(SEASON, 5)[:n] + rng.normal(0, 0.3, n), index=codes(n))


def personal(s: pd.Series) -> pd.DataFrame:
    rows = []
    for code, r in s.items():
        rows += [
            (int(code), f"E{i:03d}", "A", "K", 1980, 100.0, float(r), 0.0, 0, float(r))
            for i in range(12)
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def not_converging(monkeypatch):
    """Every SARIMAX fit warns that it did not converge (as statsmodels does)."""
    real = SARIMAX.fit

    def fit(self, *args, **kwargs):
        res = real(self, *args, **kwargs)
        warnings.warn(
            "Maximum Likelihood optimization failed to converge. Check mle_retvals",
            ConvergenceWarning,
            stacklevel=2,
        )
        return res

    monkeypatch.setattr(SARIMAX, "fit", fit)


@pytest.fixture
def not_converged_silently(monkeypatch):
    """The optimiser reports ``converged = False`` without any warning."""
    real = SARIMAX.fit

    def fit(self, *args, **kwargs):
        res = real(self, *args, **kwargs)
        res.mle_retvals = {**(res.mle_retvals or {}), "converged": False}
        return res

    monkeypatch.setattr(SARIMAX, "fit", fit)


@pytest.fixture
def failing(monkeypatch):
    def fit(self, *args, **kwargs):
        raise np.linalg.LinAlgError("Schur decomposition solver error.")

    monkeypatch.setattr(SARIMAX, "fit", fit)


@pytest.mark.parametrize("fixture", ["not_converging", "not_converged_silently"])
def test_a_fit_that_does_not_converge_is_reported_and_draws_no_conclusion(request, fixture):
    request.getfixturevalue(fixture)
    s = serie()
    y = s.to_numpy().copy()
    y[-12:] += 2.0  # a clear shift: significant if the fit were trusted
    s = pd.Series(y, index=s.index)
    res = trender.trendforandring(s)
    assert res["konvergerade"] is False and res["signifikant"] is False
    assert any("Trendtestet" in a and "konvergerade inte" in a for a in res["anmarkningar"])
    assert "ingen slutsats" in ptext.trend_text(res)
    prog = trender.prognos(s)
    assert any(
        a.startswith("Prognosmodellen") and "konvergerade inte" in a
        for a in prog.attrs["anmarkningar"]
    )
    test = trender.jamforelse_test(personal(s), "2023-04")
    assert test["tydlig"] is None and test["anmarkningar"]
    text = ptext.kommentar(personal(s), "2023-04")
    assert "tydlig" not in text and "normala" not in text


def test_the_analysis_gathers_every_note(not_converging):
    a = trender.analys(personal(serie()), "2023-04")
    assert a.trend is not None and a.prognos is not None
    models = {n.split(":")[0] for n in a.anmarkningar}
    assert models == {
        "Jämförelsen med samma period föregående år (AR(1)-modell)",
        "Trendtestet (regression med AR(1)-fel)",
        "Prognosmodellen (säsongs-ARIMA)",
    }
    assert len(a.anmarkningar) == len(set(a.anmarkningar))
    assert ptext.anmarkningar_text(a.anmarkningar).count("\n- ") == 2


def test_a_model_that_cannot_be_fitted_raises_our_error_and_the_report_goes_on(failing):
    with pytest.raises(errors.ModellError, match="Prognosmodellen.*kunde inte skattas.*Schur"):
        trender.prognos(serie())
    a = trender.analys(personal(serie()), "2023-04")
    assert a.trend is None and a.prognos is None and a.sasong is not None
    assert any("Prognosmodellen" in n and "kunde inte skattas" in n for n in a.anmarkningar)
    assert a.jamforelse["tydlig"] is None
    assert ptext.kommentar(personal(serie()), "2023-04").endswith("samma period 2022.")


def test_a_clean_fit_has_no_notes_and_starting_value_remarks_are_not_notes(sample_data):
    s = serier.manadsserie(sample_data.sjukfranvaro, till="2023-04")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SARIMAX(
            trender._logit(s["procent"].to_numpy()), order=(1, 0, 0), seasonal_order=(0, 1, 1, 12)
        ).fit(disp=False)
    assert any("starting" in str(w.message) for w in caught)  # statsmodels does remark
    a = trender.analys(sample_data.sjukfranvaro, "2023-04")
    assert a.anmarkningar == []
    assert ptext.anmarkningar_text(a.anmarkningar).startswith("Inga anmärkningar")


def test_a_short_series_is_explained_in_the_notes():
    a = trender.analys(personal(serie(n=30)), "2021-06")
    assert not a.analyserbar and a.prognos is None
    assert a.anmarkningar == [
        "Säsong, trend och prognos beräknas inte: Serien har 30 månader; minst 36 behövs."
    ]


def test_no_warning_is_silenced_in_the_sick_leave_modules():
    src = Path(trender.__file__).read_text(encoding="utf-8")
    assert 'simplefilter("ignore")' not in src and 'filterwarnings("ignore' not in src
    assert not re.search(r"except\s*:", src) and "except Exception" not in src
