"""The kommun's driftsredovisning in blocks (analysis.ekonomi.block) on the sample kommun, against
the figures the published delårsrapport (seed001) states."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.format import MINUS, mkr
from analysis.ekonomi import block as kommun
from analysis.ekonomi.block import unit_blocks
from analysis.ekonomi.drift import compute_driftsredovisning
from analysis.ekonomi.resultat import compute_resultatrakning, semesterloneskuld_avvikelse


@pytest.mark.parametrize(
    "tkr,text",
    [
        (-18_400.0, "\u221218 miljoner kronor"),
        (72_000.0, "+72 miljoner kronor"),
        (-4_049.0, "\u22124,0 miljoner kronor"),
        (9_560.0, "+9,6 miljoner kronor"),
        (9_960.0, "+10 miljoner kronor"),
        (1_067_412.0, "+1\u00a0067 miljoner kronor"),
        (-20.0, "0,0 miljoner kronor"),
        (float("nan"), "– miljoner kronor"),
    ],
)
def test_amounts_in_text(tkr, text):
    """The kommun texts' amounts: core.format.mkr, whole millions from 10 mkr."""
    assert mkr(tkr, tecken=True, decimaler=None, enhet="miljoner kronor") == text


def test_blocks_follow_the_accounts(sample_data):
    blocks = unit_blocks(sample_data, 2023)
    assert {u for u, b in blocks.items() if b == "summa_skatt"} == {"skatteintakter", "statsbidrag"}
    assert {u for u, b in blocks.items() if b == "summa_finansiellt"} == {
        "finansiella-intakter",
        "finansiella-kostnader",
    }
    assert blocks["avskrivningar"] == "avskrivningar"
    assert {u for u, b in blocks.items() if b == "summa_finans"} == {
        u for u in sample_data.register.finans if u.startswith("fin-")
    }
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
        parts = [
            "summa_namnder",
            "summa_finans",
            "avskrivningar",
            "summa_skatt",
            "summa_finansiellt",
        ]
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
    assert (
        round(
            (b.loc["summa_namnder", "prognos_foregaende"] - b.loc["summa_namnder", "budget_helar"])
            / 1000
        )
        == -31
    )
    assert round(b.loc["summa_finans", "avvikelse_period"] / 1000) == -98
    sem = semesterloneskuld_avvikelse(sample_data, "2023-04")
    assert round((b.loc["summa_finans", "avvikelse_period"] - sem) / 1000) == -15


def _block(namnd_rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "typ": "rad",
            "block": "summa_namnder",
            "rad": [r[0] for r in namnd_rows],
            "prognos_helar": [r[1] for r in namnd_rows],
            "avvikelse_period": [r[2] for r in namnd_rows],
        }
    )


def test_storsta_names_the_largest_deviations_in_one_direction():
    frame = _block(
        [
            ("Kultur", 1.0, -600.0),
            ("– Pensioner", 1.0, -2_000.0),
            ("Skola", 1.0, -499.0),
            ("Vård", 1.0, 800.0),
        ]
    )
    # below 500 tkr (Skola) and the other direction (Vård) are not named; "– " is removed
    assert kommun.storsta(frame, "avvikelse_period", -1) == [
        ("Pensioner", -2_000.0),
        ("Kultur", -600.0),
    ]
    assert kommun.storsta(frame, "avvikelse_period", 1) == [("Vård", 800.0)]
    assert kommun.storsta(frame, "avvikelse_period", -1, n=1) == [("Pensioner", -2_000.0)]


@pytest.mark.parametrize(
    "items,text",
    [
        ([], ""),
        (["a"], "a"),
        (["a", "b"], "a och b"),
        (["a", "b", "c"], "a, b samt c"),
        (
            ["barn- och utbildningsnämnden", "b", "c", "d"],
            "barn- och utbildningsnämnden, b, c samt d",
        ),
    ],
)
def test_upprakning(items, text):
    assert kommun.upprakning(items) == text


def test_prognos_not_names_the_units_without_a_forecast():
    nan = float("nan")
    frame = _block([("A", 1.0, 0.0), ("– B", nan, 0.0), ("C", nan, 0.0)])
    assert kommun.prognos_not(frame) == (
        "2 av 3 enheter har inte lämnat någon helårsprognos (B, C); de räknas med sin "
        "budget i kolumnen Prognos helår."
    )
    assert kommun.prognos_not(_block([("A", nan, 0.0)])) is None


def test_texts_write_the_minus_sign(sample_data):
    block = kommun.drift_block(sample_data, "2023-04")
    text = kommun.drift_text(sample_data, block, "2023-04")
    assert f"{MINUS}18 miljoner kronor" in text and " -1" not in text
