"""The kommun's key figures and what 100 kronor go to (analysis.ekonomi.nyckeltal)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.ekonomi.block import drift_block
from analysis.ekonomi.nyckeltal import nettokostnad_per_100kr, nyckeltal
from analysis.ekonomi.resultat import compute_resultatrakning


def test_key_figures_are_the_tables_numbers(sample_data):
    rr = compute_resultatrakning(sample_data, "2023-04")
    block = drift_block(sample_data, "2023-04")
    nt = nyckeltal(sample_data, "2023-04", rr, block).set_index("rad")
    r = rr.set_index("id")
    assert nt.loc["Resultat för perioden", "utfall_prognos"] == pytest.approx(
        r.loc["arets_resultat", "utfall_period"]
    )
    assert (
        round(nt.loc["Resultat exklusive semesterlöneskuldens förändring", "utfall_prognos"] / 1000)
        == 72
    )
    assert round(nt.loc["Nettoinvesteringar, prognos", "utfall_prognos"] / 1000) == -1067
    assert round(nt.loc["Nettoinvesteringar, prognos", "avvikelse"] / 1000) == -23


def test_key_figures_ids(sample_data):
    april = nyckeltal(sample_data, "2023-04")
    assert list(april["id"]) == [
        "resultat",
        "resultat_exkl_semesterloneskuld",
        "resultat_prognos",
        "namnder_prognos",
        "investeringar_prognos",
    ]
    assert list(april.columns) == ["id", "rad", "utfall_prognos", "budget", "avvikelse"]
    # the semesterlöneskuld row has only an outcome
    exkl = april.set_index("id").loc["resultat_exkl_semesterloneskuld"]
    assert math.isnan(exkl["budget"]) and math.isnan(exkl["avvikelse"])


def test_hundred_kronor_by_hand():
    block = pd.DataFrame(
        {
            "typ": ["rad", "rad", "rad", "summa", "rad"],
            "block": ["summa_namnder"] * 4 + ["summa_finans"],
            "rad": ["A", "B", "C", "Summa nämnder", "– Pensioner"],
            "utfall_period": [-300.0, -695.0, -5.0, -1000.0, -9999.0],
        }
    )
    out = nettokostnad_per_100kr(block)
    # 695/1000, 300/1000; C's 0,5 kronor is under 1 krona: Övriga. Sums and finans are not nämnder.
    assert out["verksamhet"].tolist() == ["B", "A", "Övriga"]
    assert out["kronor"].tolist() == pytest.approx([69.5, 30.0, 0.5])


@given(st.lists(st.floats(min_value=0, max_value=5e6, allow_nan=False), min_size=1, max_size=15))
def test_hundred_kronor_always_sum_to_100(costs):
    block = pd.DataFrame(
        {
            "typ": "rad",
            "block": "summa_namnder",
            "rad": [f"Nämnd {i}" for i in range(len(costs))],
            "utfall_period": [-c for c in costs],
        }
    )
    out = nettokostnad_per_100kr(block)
    if sum(costs) <= 0:
        assert out.empty
    else:
        assert math.isclose(out["kronor"].sum(), 100.0, abs_tol=1e-9)
        assert (out["kronor"] >= 0).all()
        named = out[out["verksamhet"] != "Övriga"]["kronor"]
        assert (named >= 1).all() and list(named) == sorted(named, reverse=True)
