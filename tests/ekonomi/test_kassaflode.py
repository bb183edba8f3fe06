"""The kassaflödesanalys: the tiny kommun by hand, and the sample reconciles."""

from __future__ import annotations

import math

import pytest

from analysis.ekonomi import balans, kassaflode
from analysis.io.dataset import load_data
from tests.ekonomi.test_balans import values, write_bokslut


@pytest.fixture
def tiny_bokslut(tiny):
    return write_bokslut(tiny)


def test_tiny_cash_flow_by_hand(tiny_bokslut):
    kf = kassaflode.kassaflodesanalys(tiny_bokslut, "2023-04")
    v = values(kf)
    assert v["Årets resultat"] == pytest.approx(510.0)
    assert v["Justering för av- och nedskrivningar"] == pytest.approx(0.0)
    assert v["Medel från verksamheten före förändring av rörelsekapital"] == pytest.approx(510.0)
    assert v["Ökning (−)/minskning (+) av fordringar"] == pytest.approx(-20.0)
    assert v["Ökning (+)/minskning (−) av kortfristiga skulder"] == pytest.approx(80.0)
    assert v["Kassaflöde från den löpande verksamheten"] == pytest.approx(570.0)
    assert v[kassaflode.INVESTERINGAR] == pytest.approx(-100.0)  # the investment ledger
    assert v["Kassaflöde från investeringsverksamheten"] == pytest.approx(-100.0)
    assert v["Kassaflöde från finansieringsverksamheten"] == pytest.approx(0.0)
    assert v["Periodens kassaflöde"] == pytest.approx(470.0)
    assert v["Likvida medel vid årets början"] == pytest.approx(200.0)
    assert v["Likvida medel vid periodens slut"] == pytest.approx(670.0)
    assert kf.loc[kf["niva"] != "rubrik", "fg_ar"].isna().all()  # no 2022 balance rows


def test_without_investment_ledger_the_flow_is_unknown(tiny):
    data = write_bokslut(tiny)
    (tiny / "raw" / "ekonomi" / "investeringar.csv").unlink()
    data = load_data(tiny)
    v = values(kassaflode.kassaflodesanalys(data, "2023-04"))
    assert math.isnan(v[kassaflode.INVESTERINGAR])
    assert math.isnan(v["Periodens kassaflöde"])
    assert v["Kassaflöde från den löpande verksamheten"] == pytest.approx(570.0)


def test_sales_and_depreciation_by_hand(tiny):
    """A month with avskrivning 30, a sale of land (book value 40, gain 10) and a
    utrangering (book value 5 = the loss): the flow still reconciles."""
    raw = tiny / "raw" / "ekonomi"
    (raw / "utfall_2023.csv").write_text(
        "period;namnd;konto;belopp\n"
        "2023-01;skatt;7810;30000\n"
        "2023-01;skatt;3610;-10000\n"
        "2023-01;skatt;7910;5000\n",
        encoding="utf-8",
    )
    (raw / "utfall_2022.csv").unlink()
    data = write_bokslut(tiny)
    (raw / "balans_2023.csv").write_text(
        "period;konto;belopp;handelse\n"
        "2023-00;1110;1000000;\n"
        "2023-00;1930;0;\n"
        "2023-00;2010;-1000000;\n"
        "2023-01;1119;-30000;\n"
        "2023-01;1130;-40000;avyttring\n"
        "2023-01;1110;-5000;avyttring\n"
        "2023-01;1930;50000;\n",
        encoding="utf-8",
    )
    (raw / "investeringar.csv").write_text("period;namnd;projekt;belopp\n", encoding="utf-8")
    data = load_data(tiny)
    v = values(kassaflode.kassaflodesanalys(data, "2023-01"))
    assert v["Årets resultat"] == pytest.approx(-25.0)  # −30 + 10 − 5
    assert v["Justering för av- och nedskrivningar"] == pytest.approx(30.0)
    assert v["Justering för realisationsvinster och -förluster"] == pytest.approx(-5.0)
    assert v[kassaflode.FORSALJNING] == pytest.approx(50.0)  # 40 + 5 + 10 − 5
    assert v["Periodens kassaflöde"] == pytest.approx(50.0)
    assert v["Likvida medel vid periodens slut"] == pytest.approx(50.0)


@pytest.mark.parametrize("period", ["2023-04", "2023-08", "2023-12"])
def test_the_sample_reconciles(sample_data, period):
    data = sample_data.as_of(period)
    kf = values(kassaflode.kassaflodesanalys(data, period))
    fg = values(kassaflode.kassaflodesanalys(data, period), "fg_ar")
    br = balans.balansrakning(data, period)
    for col, flow in (("period", kf), ("fg_ar", fg)):
        ub = values(br, col)
        ib_likvida = flow["Likvida medel vid årets början"]
        likvida = ub["Kassa och bank"] + ub["Kortfristiga placeringar"]
        assert flow["Periodens kassaflöde"] == pytest.approx(likvida - ib_likvida, abs=0.0005)
    assert kf[kassaflode.FORSALJNING] > 0  # 2023 has realisationsvinster
