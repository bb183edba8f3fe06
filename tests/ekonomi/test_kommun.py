"""The kommun-wide report's tables and text (analysis.ekonomi.kommun) on the sample kommun, against
the figures the published delårsrapport (seed001) states."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.befolkning import prognos as befolkning
from analysis.ekonomi import kommun
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning, unit_blocks


@pytest.mark.parametrize("tkr,text", [
    (-18_400.0, "-18 miljoner kronor"), (72_000.0, "+72 miljoner kronor"),
    (-4_049.0, "-4,0 miljoner kronor"), (9_560.0, "+9,6 miljoner kronor"),
    (9_960.0, "+10 miljoner kronor"), (1_067_412.0, "+1\u00a0067 miljoner kronor"),
    (-20.0, "0,0 miljoner kronor"), (float("nan"), "– miljoner kronor"),
])
def test_amounts_in_text(tkr, text):
    assert kommun.mkr(tkr) == text


def test_blocks_follow_the_accounts(sample_data):
    blocks = unit_blocks(sample_data, 2023)
    assert {u for u, b in blocks.items() if b == "summa_skatt"} == {"skatteintakter", "statsbidrag"}
    assert {u for u, b in blocks.items() if b == "summa_finansiellt"} == {
        "finansiella-intakter", "finansiella-kostnader"}
    assert blocks["avskrivningar"] == "avskrivningar"
    assert {u for u, b in blocks.items() if b == "summa_finans"} == {
        u for u in sample_data.register.finans if u.startswith("fin-")}
    assert all(blocks[u] == "summa_namnder" for u in sample_data.register.namnder)


@pytest.mark.parametrize("period", ["2023-04", "2023-08", "2023-12"])
def test_block_table_adds_up_to_the_driftsredovisning(sample_data, period):
    block = kommun.drift_block(sample_data, period)
    drift = compute_driftsredovisning(sample_data, period).set_index("namnd")
    b = block.set_index("id")
    rows = block[block["typ"] == "rad"]
    # every unit of the driftsredovisning appears exactly once
    assert sorted(rows["id"]) == sorted(u for u in drift.index if u != "Totalt")
    for col in ("utfall_period", "budget_period", "budget_helar"):
        assert b.loc["resultat", col] == pytest.approx(drift.loc["Totalt", col], abs=1e-6)
        parts = ["summa_namnder", "summa_finans", "avskrivningar", "summa_skatt",
                 "summa_finansiellt"]
        total = b.loc[[p for p in parts if p in b.index and b.loc[p, "typ"] == "summa"], col].sum()
        total += rows.loc[rows["block"] == "avskrivningar", col].sum()
        assert total == pytest.approx(b.loc["resultat", col], abs=1e-6)
    rr = compute_resultatrakning(sample_data, period).set_index("id")
    assert b.loc["vnk", "utfall_period"] == pytest.approx(rr.loc["vnk", "utfall_period"], abs=1e-6)


def test_published_figures_of_the_driftsredovisning(sample_data):
    """seed001 §3.2: nämnder −18 (period), −44 (year; March −31, change −13),
    finansförvaltning −98, −15 without the semesterlöneskuld."""
    b = kommun.drift_block(sample_data, "2023-04").set_index("id")
    assert round(b.loc["summa_namnder", "avvikelse_period"] / 1000) == -18
    assert round(b.loc["summa_namnder", "avvikelse_helar"] / 1000) == -44
    assert round(b.loc["summa_namnder", "prognos_forandring"] / 1000) == -13
    assert round((b.loc["summa_namnder", "prognos_foregaende"]
                  - b.loc["summa_namnder", "budget_helar"]) / 1000) == -31
    assert round(b.loc["summa_finans", "avvikelse_period"] / 1000) == -98
    sem = kommun.semesterloneskuld_avvikelse(sample_data, "2023-04")
    assert round((b.loc["summa_finans", "avvikelse_period"] - sem) / 1000) == -15


def test_population_sentence_reproduces_the_published_one(sample_data):
    """seed001 §6 (n01): −2 since New Year (−61 a year earlier), födda 225, döda 288,
    flyttnetto +23 = +40 −45 +28, and the 38 persons the components leave unexplained."""
    bd = befolkning.BefolkningData(sample_data.folkmangd, sample_data.fodda, sample_data.doda,
                                   sample_data.flyttningar)
    text = kommun.befolkning_text(befolkning.period_components(bd, 2023, 4), "2023-04", "Luleå")
    for phrase in ("Luleås befolkning har totalt minskat med -2 personer sedan årsskiftet",
                   "en förbättring", "förändringen var -61 invånare",
                   "Födelsenettot är -63 (225 födda och 288 döda)", "flyttnettot +23",
                   "inom länet +40, från andra län -45, från utlandet +28", "+38 personer"):
        assert phrase in text, phrase


def test_key_figures_are_the_tables_numbers(sample_data):
    rr = compute_resultatrakning(sample_data, "2023-04")
    block = kommun.drift_block(sample_data, "2023-04")
    nt = kommun.nyckeltal(sample_data, "2023-04", rr, block).set_index("")
    r = rr.set_index("id")
    assert nt.loc["Resultat för perioden", "Utfall/prognos"] * 1000 == pytest.approx(
        r.loc["arets_resultat", "utfall_period"])
    assert round(nt.loc["Resultat exklusive semesterlöneskuldens förändring",
                        "Utfall/prognos"]) == 72
    assert round(nt.loc["Nettoinvesteringar, prognos", "Utfall/prognos"]) == -1067
    assert round(nt.loc["Nettoinvesteringar, prognos", "Avvikelse"]) == -23


@given(st.lists(st.floats(min_value=0, max_value=5e6, allow_nan=False), min_size=1,
                max_size=15))
def test_hundred_kronor_always_sum_to_100(costs):
    block = pd.DataFrame({"typ": "rad", "block": "summa_namnder",
                          "rad": [f"Nämnd {i}" for i in range(len(costs))],
                          "utfall_period": [-c for c in costs]})
    out = kommun.nettokostnad_per_100kr(block, None)
    if sum(costs) <= 0:
        assert out.empty
    else:
        assert math.isclose(out["Kronor"].sum(), 100.0, abs_tol=1e-9)
        assert (out["Kronor"] >= 0).all()
        named = out[out["Verksamhet"] != "Övriga"]["Kronor"]
        assert (named >= 1).all() and list(named) == sorted(named, reverse=True)
