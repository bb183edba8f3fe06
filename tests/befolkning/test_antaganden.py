"""Tests of :mod:`analysis.befolkning.antaganden`: the life table and the estimated
assumptions, on hand-made data with known rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis.befolkning.antaganden as ant
from analysis.befolkning.antaganden import estimate_assumptions, life_table
from analysis.befolkning.historik import BefolkningData
from analysis.core.errors import ArgumentError, ModellError

from .test_historik import tiny_data

NA = pd.NA


# --------------------------------------------------------------------------------------
# life table and assumptions
# --------------------------------------------------------------------------------------
def test_life_table_hand_computed():
    lt = life_table([0.01, 0.02, 0.5], kon="K", radix=1000)
    a0 = 0.14903 - 2.05527 * 0.01  # Andreev–Kingkade, women, m0 < 0.01724
    q0 = 0.01 / (1 + (1 - a0) * 0.01)
    l1 = 1000 * (1 - q0)
    q1 = 0.02 / (1 + 0.5 * 0.02)
    l2 = l1 * (1 - q1)
    assert lt["ax"].iloc[0] == pytest.approx(a0)
    assert lt["lx"].tolist() == pytest.approx([1000, l1, l2])
    assert lt["Lx"].tolist() == pytest.approx(
        [l1 + a0 * (1000 - l1), l2 + 0.5 * (l1 - l2), l2 / 0.5]
    )
    assert lt["ex"].iloc[0] == pytest.approx(lt["Lx"].sum() / 1000)
    assert life_table([0.01, 0.5], kon="M")["ax"].iloc[0] == pytest.approx(0.14929 - 1.99545 * 0.01)
    with pytest.raises(ArgumentError, match="'dodstal'"):
        life_table([0.01, 0.0])
    with pytest.raises(ArgumentError, match="minst två tal"):
        life_table([0.01])


AGES = np.arange(101)
TRUE_ASFR = np.where((AGES >= 15) & (AGES <= 49), 0.004 * (AGES - 14) * (50 - AGES) / 17.5, 0)
TRUE_M = np.vstack(
    [
        np.where(AGES < 30, 0.0004, 1e-4 * np.exp(0.1 * (AGES - 30))),
        np.where(AGES < 30, 0.0006, 1.6e-4 * np.exp(0.1 * (AGES - 30))),
    ]
)
TRUE_M[:, 0] = [0.003, 0.004]
TRUE_M[:, 100] = [0.6, 0.7]
TRUE_OUT = 0.02 + 0.0002 * AGES  # linear: the 1-2-1 smoother keeps it


def synthetic_data() -> BefolkningData:
    """Five years 2016–2020 whose events are exactly rate × mean population."""
    years = range(2015, 2021)
    rows_fm, rows_b, rows_d, rows_f = [], [], [], []
    base = np.vstack([np.full(101, 1000.0), np.full(101, 1100.0)])
    base[:, 100] = 300
    pops = {y: base * (1 + 0.01 * (y - 2015)) for y in years}
    for y in years:
        for s, kon in enumerate("KM"):
            rows_fm += [(y, NA, kon, a, pops[y][s, a]) for a in AGES]
    for y in years[1:]:
        expo = (pops[y - 1] + pops[y]) / 2
        births = TRUE_ASFR * expo[0]
        for a in AGES[(AGES >= 15) & (AGES <= 49)]:
            rows_b += [(y, NA, a, "K", births[a] / 2.06), (y, NA, a, "M", births[a] * 1.06 / 2.06)]
        for s, kon in enumerate("KM"):
            rows_d += [(y, NA, kon, a, TRUE_M[s, a] * expo[s, a]) for a in AGES]
            rows_f += [(y, NA, kon, a, "ut", "annat_lan", TRUE_OUT[a] * expo[s, a]) for a in AGES]
            rows_f += [(y, NA, kon, a, "in", "utlandet", 2.0 + 0.01 * a) for a in AGES]
    return BefolkningData(
        pd.DataFrame(rows_fm, columns=["ar", "manad", "kon", "alder", "antal"]),
        pd.DataFrame(rows_b, columns=["ar", "manad", "moderns_alder", "kon", "antal"]),
        pd.DataFrame(rows_d, columns=["ar", "manad", "kon", "alder", "antal"]),
        pd.DataFrame(
            rows_f, columns=["ar", "manad", "kon", "alder", "riktning", "omrade", "antal"]
        ),
    )


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_data()


def test_assumptions_recover_known_rates(synthetic):
    a = estimate_assumptions(synthetic, 2020, years=5)
    assert a.years == [2016, 2017, 2018, 2019, 2020]
    asfr = a.asfr.set_index("alder")["asfr"]
    assert asfr[(AGES < 15) | (AGES > 49)].eq(0).all()
    assert asfr.loc[20:44].to_numpy() == pytest.approx(TRUE_ASFR[20:45], rel=0.03)
    assert a.tfr == pytest.approx(TRUE_ASFR.sum(), rel=0.02)
    m = a.dodstal.pivot(index="kon", columns="alder", values="dodstal").to_numpy()
    assert m[:, 0] == pytest.approx(TRUE_M[:, 0])  # observed
    assert m[:, 1:28].ravel() == pytest.approx(TRUE_M[:, 1:28].ravel())  # flat: kernel exact
    assert m[:, 50:100].ravel() == pytest.approx(TRUE_M[:, 50:100].ravel(), rel=1e-6)  # Gompertz
    assert m[:, 40:50].ravel() == pytest.approx(TRUE_M[:, 40:50].ravel(), rel=0.02)
    assert m[:, 100] == pytest.approx(TRUE_M[:, 100])
    # nLx is the life table of these rates
    lt = life_table(m[1], "M")
    nlx = a.nLx[a.nLx["kon"] == "M"]["nLx"].to_numpy()
    assert nlx == pytest.approx(lt["Lx"].to_numpy())
    assert a.medellivslangd["M"] == pytest.approx(lt["ex"].iloc[0])
    risk = a.utflyttningsrisk.pivot(index="kon", columns="alder", values="risk").to_numpy()
    assert risk[:, 1:99].ravel() == pytest.approx(np.tile(TRUE_OUT[1:99], 2), rel=1e-9)
    assert a.inflyttade == pytest.approx(2 * (2.0 * 101 + 0.01 * AGES.sum()))
    prof = a.inflyttningsprofil
    assert prof["andel"].sum() == pytest.approx(1.0)
    assert a.srb == pytest.approx(1.06)


def test_assumptions_without_smoothing_are_the_observed_rates(synthetic):
    a = estimate_assumptions(synthetic, 2020, smooth=False)
    m = a.dodstal.pivot(index="kon", columns="alder", values="dodstal").to_numpy()
    assert m.ravel() == pytest.approx(TRUE_M.ravel())
    assert a.asfr["asfr"].to_numpy() == pytest.approx(TRUE_ASFR)


def test_assumptions_need_a_complete_year(synthetic):
    with pytest.raises(ModellError, match="antagandena"):
        estimate_assumptions(synthetic, 2030)


# --------------------------------------------------------------------------------------
# estimation failures are reported, not swallowed
# --------------------------------------------------------------------------------------
def test_failed_gompertz_fit_is_reported_in_the_notes():
    # the tiny kommun has a handful of deaths: no Gompertz fit, no deaths at 100+
    a = estimate_assumptions(tiny_data(), 2022)
    notes = " ".join(a.anmarkningar)
    assert (
        "Dödligheten för kvinnor kunde inte anpassas till en Gompertzkurva (för få dödsfall"
        in notes
    )
    assert "Dödligheten för män kunde inte anpassas" in notes
    assert "Inga dödsfall bland kvinnor 100 år och äldre under 2021–2022" in notes


def test_non_converging_gompertz_fit_is_reported(synthetic, monkeypatch):
    assert estimate_assumptions(synthetic, 2020).anmarkningar == []
    # a Newton step that never shrinks: the fit must not be used as if it had converged
    monkeypatch.setattr(ant.np.linalg, "solve", lambda H, g: np.array([1e-3, -1e-3]))
    a = estimate_assumptions(synthetic, 2020)
    assert len(a.anmarkningar) == 2
    assert all("konvergerade inte" in n for n in a.anmarkningar)
