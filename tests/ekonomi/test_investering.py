"""The kommun's investeringsredovisning (analysis.ekonomi.investering; issue 11 §5): the
change against the previous
forecast is the change (also in *Summa*), and the genomförandegrad (utfall and prognos as a
share of the budget) is shown — on a hand-made kommun and on the sample from its raw files."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.ekonomi import investering
from analysis.io.dataset import load_data
from tests.conftest import SAMPLE_RAW, TINY, write_tiny

# The tiny kommun plus investments (accounting sign, kr): budgets bun 500 000 (in the tiny
# budget file) and sn 200 000; spending to April bun 100 000 + 50 000, sn 20 000; forecasts
# bun 520 000 in March and 450 000 in April, sn 180 000 in April only.
EXTRA = {
    "ekonomi/budget.csv": TINY["ekonomi/budget.csv"] + "2023,sn,1210,200000,investering\n",
    "ekonomi/investeringar.csv": (
        "period;namnd;projekt;belopp\n2023-01;bun;Skola;100000\n"
        "2023-03;bun;Skola;50000\n2023-02;sn;Larm;20000\n"
        "2023-06;sn;Larm;99999\n"
    ),
    "ekonomi/prognos.csv": (
        "ar;prognosmanad;namnd;belopp;typ\n"
        + "".join(line + ";drift\n" for line in TINY["ekonomi/prognos.csv"].splitlines()[1:])
        + "2023;3;bun;520000;investering\n2023;4;bun;450000;investering\n"
        "2023;4;sn;180000;investering\n"
    ),
}


@pytest.fixture(scope="module")
def tiny_inv(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_inv")
    raw = write_tiny(root / "data" / "raw")
    for rel, text in EXTRA.items():
        (raw / rel).write_text(text, encoding="utf-8")
    return load_data(root / "data")


def test_hand_made_investment_table(tiny_inv):
    t = investering.investeringar(tiny_inv, "2023-04").set_index("namnd")
    assert list(t.index) == ["bun", "sn", "Totalt"]
    bun, sn, summa = (t.loc[i] for i in t.index)
    # report sign, tkr. bun: −150 against −500 × 4/12; prognos −450, previous −520
    assert bun["prognos_forandring"] == pytest.approx(70.0)
    assert bun["avvikelse_helar"] == pytest.approx(50.0)  # not the change again
    assert bun["prognos_foregaende"] == pytest.approx(-520.0)
    # sn has no previous forecast: no change
    assert math.isnan(sn["prognos_forandring"])
    # Totalt: −630 against a previous −520 − 180 (sn at its latest): +70, only bun moved
    assert summa["prognos_helar"] == pytest.approx(-630.0)
    assert summa["prognos_foregaende"] == pytest.approx(-700.0)
    assert summa["prognos_forandring"] == pytest.approx(70.0)
    assert summa["avvikelse_helar"] == pytest.approx(70.0)  # −630 − (−700)
    # genomförandegrad: 150/500, 20/200, 170/700; prognos 450/500, 180/200, 630/700
    assert t["genomforandegrad_utfall"].tolist() == pytest.approx([30.0, 10.0, 100 * 170 / 700])
    assert t["genomforandegrad_prognos"].tolist() == pytest.approx([90.0, 90.0, 90.0])


def test_hand_made_table_without_any_previous_forecast(tiny_inv):
    t = investering.investeringar(tiny_inv, "2023-03").set_index("namnd")
    # in March bun's forecast is the first one: nothing to compare with anywhere
    assert t["prognos_forandring"].isna().all()
    assert t.loc["bun", "genomforandegrad_prognos"] == pytest.approx(104.0)
    # sn has no forecast yet: no genomförandegrad of a forecast
    assert math.isnan(t.loc["sn", "genomforandegrad_prognos"])


# --- the sample, from its raw files ---------------------------------------------------------
@pytest.fixture(scope="module")
def raw_inv():
    prog = pd.read_csv(
        SAMPLE_RAW / "ekonomi" / "prognos.csv", sep=";", decimal=",", encoding="utf-8-sig"
    )
    prog = prog[(prog["typ"] == "investering") & (prog["ar"] == 2023)]
    b = pd.read_csv(SAMPLE_RAW / "ekonomi" / "budget_2023.csv")
    inv = pd.read_csv(
        SAMPLE_RAW / "ekonomi" / "investeringar.csv", sep=";", decimal=",", encoding="cp1252"
    )
    return {
        "prognos": prog.groupby(["namnd", "prognosmanad"])["belopp"].sum().unstack() / -1e6,
        "budget": b[b["typ"] == "investering"].groupby("namnd")["belopp"].sum() / -1e6,
        "utfall": inv[inv["period"].str.startswith("2023")].groupby("namnd")["belopp"].sum() / -1e6,
    }


def test_sample_summa_change_is_the_sum_of_the_changes(sample_data, raw_inv):
    t = investering.investeringar(sample_data, "2023-08").set_index("namnd") / 1000
    change = (raw_inv["prognos"][8] - raw_inv["prognos"][7]).sum()  # August − July
    assert t.loc["Totalt", "prognos_forandring"] == pytest.approx(change, abs=1e-6)
    assert t.loc["Totalt", "prognos_foregaende"] == pytest.approx(
        raw_inv["prognos"][7].sum(), abs=1e-6
    )


def test_sample_genomforandegrad_at_year_end(sample_data, raw_inv):
    t = investering.investeringar(sample_data, "2023-12").set_index("namnd")
    sbn = "sbn"
    share = 100 * raw_inv["utfall"]["sbn"] / raw_inv["budget"]["sbn"]  # 114,3 %
    assert t.loc[sbn, "genomforandegrad_utfall"] == pytest.approx(share, abs=1e-9)
    total = 100 * raw_inv["utfall"].sum() / raw_inv["budget"].sum()  # 104,1 %
    assert t.loc["Totalt", "genomforandegrad_utfall"] == pytest.approx(total, abs=1e-9)
    assert round(share, 1) == 114.3 and round(total, 1) == 104.1
    # Miljö- och byggnadsnämnden has an investment budget of 0: no share
    assert raw_inv["budget"]["mbn"] == 0
    assert math.isnan(t.loc["mbn", "genomforandegrad_utfall"])
    prognos = 100 * raw_inv["prognos"][11]["sbn"] / raw_inv["budget"]["sbn"]  # November's
    assert t.loc[sbn, "genomforandegrad_prognos"] == pytest.approx(prognos, abs=1e-9)


def test_sample_april_has_no_previous_investment_forecast(sample_data, raw_inv):
    """As published (t03), the sample's first investment forecast of 2023 is April's: the
    change against a previous forecast is empty, never the avvikelse again."""
    assert min(raw_inv["prognos"].columns) == 4
    t = investering.investeringar(sample_data, "2023-04")
    assert t["prognos_forandring"].isna().all()
    assert t["prognos_foregaende"].isna().all()


def test_sample_projects_are_not_copies(sample_data):
    """Cykelvägar and Energieffektivisering once had the same share and split, so their
    rows were identical; each project now has its own share and monthly pattern."""
    from analysis.ekonomi import avvikelse as budget

    t = budget.investeringstabell(sample_data.as_of("2023-08"), "sbn", "2023-08")
    t = t.set_index(t.columns[0])
    assert not t.loc["Cykelvägar"].equals(t.loc["Energieffektivisering"])
    body = t.drop(index="Totalt")
    assert not body["utfall_period"].duplicated().any()
