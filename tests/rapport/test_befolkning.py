"""Tests of :mod:`analysis.rapport.befolkning`: the display tables and the charts of the
befolkning report (moved from :mod:`analysis.befolkning.scenarier`)."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.befolkning.antaganden import estimate_assumptions
from analysis.befolkning.historik import BefolkningData, yearly_components
from analysis.befolkning.prognos import forecast
from analysis.befolkning.scenarier import (
    SCENARIOS,
    backtest,
    history_by_age,
    scenarios,
    uncertainty_fan,
)
from analysis.rapport import befolkning as rb

NB = "\u00a0"
MINUS = "\u2212"


@pytest.fixture(scope="module")
def bd(sample_data) -> BefolkningData:
    return BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )


def scenario_frame() -> pd.DataFrame:
    """Four scenarios for 2023–2024 (as in tests/befolkning/test_text.py)."""
    rows = []
    for sid, levels in (
        ("lag", [1005, 1010]),
        ("bas", [1010, 1020]),
        ("hog", [1015, 1030]),
        ("mal", [1100, 1200]),
    ):
        for ar, f in zip([2023, 2024], levels, strict=True):
            rows.append((sid, SCENARIOS[sid], ar, float(f)))
    return pd.DataFrame(rows, columns=["scenario", "text", "ar", "folkmangd"])


def fan_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ar": [2023, 2042],
            "folkmangd": [1000.0, 1100.0],
            "sd": [5.0, 50.0],
            "nedre_95": [990.0, 1002.0],
            "nedre_80": [993.6, 1035.9],
            "ovre_80": [1006.4, 1164.1],
            "ovre_95": [1010.0, 1198.0],
        }
    )


# --------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------
def test_scenario_and_fan_tables():
    tab = rb.scenario_table(scenario_frame(), [2024])
    assert tab.columns.tolist() == [
        "År",
        "Huvudalternativ",
        "Låg inflyttning",
        "Hög inflyttning",
        "Målscenario",
    ]
    assert tab.iloc[0].tolist() == [2024, 1020.0, 1010.0, 1030.0, 1200.0]
    ft = rb.fan_table(fan_frame(), [2042])
    assert ft.columns.tolist() == [
        "År",
        "Huvudalternativ",
        "Nedre 95 %",
        "Nedre 80 %",
        "Övre 80 %",
        "Övre 95 %",
    ]
    assert ft.iloc[0].tolist() == [2042, 1100.0, 1002.0, 1035.9, 1164.1, 1198.0]


def test_period_and_sheet_tables():
    komp = pd.DataFrame(
        {
            "komponent": ["folkmangd", "fodda"],
            "text": ["Folkmängd vid periodens slut", "Antal födda"],
            "antal": [1030.0, 3.0],
        }
    )
    pt = rb.period_table(komp)
    assert pt.columns.tolist() == ["Komponent", "Antal"]
    assert pt["Komponent"].tolist() == ["Folkmängd vid periodens slut", "Antal födda"]
    assert pt["Antal"].tolist() == [1030.0, 3.0]
    sheet = pd.DataFrame({"ar": [2022], "folkmangd": [1.0], "justering": [0.0], "typ": ["utfall"]})
    assert rb.sheet_table(sheet).columns.tolist() == ["Ar", "Folkmangd", "Justering", "Typ"]


def test_demand_table():
    ind = pd.DataFrame(
        {
            "ar": [2022, 2023],
            "typ": ["utfall", "prognos"],
            "1-5": [200.0, 190.0],
            "80+": [50.0, 52.0],
        }
    )
    dt = rb.demand_table(ind)
    assert dt.columns.tolist() == [
        "År",
        "Typ",
        "1–5 år (förskola)",
        "80 år och äldre (äldreomsorg)",
    ]
    assert dt["Typ"].tolist() == ["Utfall", "Prognos"]
    assert dt["1–5 år (förskola)"].tolist() == [200.0, 190.0]
    assert ind["typ"].tolist() == ["utfall", "prognos"]  # the input is not changed


def test_backtest_table_shows_the_last_year():
    bt = pd.DataFrame(
        {
            "ar": [2018, 2018, 2019, 2019],
            "grupp": ["0-5", "Totalt"] * 2,
            "prognos": [10.0, 100.0, 11.0, 110.0],
            "utfall": [9.0, 98.0, 10.0, 100.0],
            "fel": [1.0, 2.0, 1.0, 10.0],
            "fel_procent": [11.1, 2.0, 10.0, 10.0],
        }
    )
    t = rb.backtest_table(bt)
    assert t.columns.tolist() == ["Åldersgrupp", "Prognos", "Utfall", "Fel (personer)", "Fel (%)"]
    assert t["Åldersgrupp"].tolist() == ["0-5 år", "Totalt"]
    assert t["Prognos"].tolist() == [11.0, 110.0]
    assert t["Fel (personer)"].tolist() == [1.0, 10.0]


# --------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------
def test_charts_are_figures(bd):
    base_year = int(bd.folkmangd["ar"].max())
    assumptions = estimate_assumptions(bd, base_year)
    scen = scenarios(
        bd, base_year, horizon=20, assumptions=assumptions, mal_folkmangd=100_000, mal_ar=2040
    )
    hist = history_by_age(bd)
    fc = forecast(bd, base_year, horizon=5, assumptions=assumptions)
    fig = rb.pyramid_chart(
        hist[hist["ar"] == base_year],
        fc.population[fc.population["ar"] == base_year + 5],
        "Pyramid",
    )
    assert isinstance(fig, Figure)
    fan = uncertainty_fan(bd, base_year, horizon=20, assumptions=assumptions)
    fig = rb.scenario_chart(yearly_components(bd), scen, "Scenarier", fan=fan, goal=(2040, 100_000))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"Mål 2040: 100{NB}000" in labels
    assert isinstance(rb.backtest_chart(backtest(bd), "Efterhandsprognos"), Figure)


def test_fan_method_note_and_chart_legend_say_random_variation_only(bd):
    fan = uncertainty_fan(bd, 2020, horizon=3)
    note = fan.attrs["metod"]
    assert "inte osäkerheten i själva antagandena" in note
    assert "inte läsas som sannolikheter" in note
    assert "% sannolikhet" not in note
    assert fan.attrs["ar_historik"] == 10
    sc = scenarios(bd, 2020, horizon=3)
    hist = pd.DataFrame({"ar": [2019, 2020], "folkmangd": [1.0, 2.0]})
    fig = rb.scenario_chart(hist, sc, "t", fan=fan)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "95 % intervall, slumpmässig variation" in labels
    assert "80 % intervall, slumpmässig variation" in labels
    # the ticks go through analysis.core.format.tal
    assert fig.axes[0].yaxis.get_major_formatter()(-1234.4, 0) == f"{MINUS}1{NB}234"


# --------------------------------------------------------------------------------------
# the back-test over every jump-off year
# --------------------------------------------------------------------------------------
def test_eftertest_table_and_chart():
    from tests.befolkning.test_text import hand_eftertest

    et = hand_eftertest()
    t = rb.eftertest_table(et)
    assert t.columns.tolist() == [
        "Startår",
        "År",
        "Utfall",
        "Prognosmetoden",
        "Naiv framskrivning",
        "Fel, metoden (%)",
        "Fel, naiv (%)",
        "Fel 0–5 år (%)",
        "Fel 80+ år (%)",
    ]
    assert t["Startår"].tolist() == ["2011", "2012", "2013"]
    assert t["År"].tolist() == [2016, 2017, 2018]
    assert t["Fel, metoden (%)"].tolist() == pytest.approx([-0.4, 0.2, -0.3])
    assert t["Fel, naiv (%)"].tolist() == pytest.approx([-1.2, -0.1, -0.9])
    assert t["Fel 0–5 år (%)"].tolist() == pytest.approx([1.5, -2.5, 0.5])
    assert t["Naiv framskrivning"].tolist() == pytest.approx([988.0, 999.0, 991.0])
    assert isinstance(rb.figur_eftertest(et), Figure)


def test_visa_eftertest_shows_the_table_and_the_text(monkeypatch):
    from tests.befolkning.test_text import hand_eftertest

    shown: list[object] = []
    monkeypatch.setattr(rb, "display", shown.append)
    tables: list[tuple] = []
    monkeypatch.setattr(rb, "show_table", lambda df, title, **kw: tables.append((df, title, kw)))
    rb.visa_eftertest(hand_eftertest())
    assert len(tables) == 1 and tables[0][2]["name"] == "eftertest"
    assert [m.data for m in shown][0].startswith("Prognosmetoden har prövats i efterhand")
    assert [m.data for m in shown][1].startswith("I efterhand låg folkmängden")
    # nothing testable: the reason, no table and no chart
    from analysis.befolkning.eftertest import rapport_eftertest

    shown.clear()
    tables.clear()
    empty = rapport_eftertest(_short_history(), 2021, 12)
    assert empty.basar == [] and empty.saknas.startswith("Efterhandsprövning saknas")
    rb.visa_eftertest(empty)
    assert tables == [] and shown[0].data == empty.saknas
    assert rb.figur_eftertest(empty) is None


def _short_history():
    from analysis.befolkning.historik import BefolkningData

    fm = pd.DataFrame({"ar": [2020, 2021], "kon": "K", "alder": 30, "antal": [10.0, 11.0]})
    return BefolkningData(
        fm,
        pd.DataFrame({"ar": [2021], "moderns_alder": [30], "kon": ["K"], "antal": [1.0]}),
        pd.DataFrame({"ar": [2021], "kon": ["K"], "alder": [30], "antal": [0.0]}),
        pd.DataFrame(
            {
                "ar": [2021],
                "kon": ["K"],
                "alder": [30],
                "riktning": ["in"],
                "omrade": ["utlandet"],
                "antal": [0.0],
            }
        ),
    )


# --------------------------------------------------------------------------------------
# the back-test's checks, and a mutation of each path
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_et(bd):
    from analysis.befolkning.eftertest import eftertest

    return eftertest(bd, basar=[2012, 2016])


def _checks(et, bd):
    from analysis.kontroller.bas import Kontroller

    k = Kontroller()
    rb.kontrollera_eftertest(k, et, bd)
    return k


def test_eftertest_checks_hold(sample_et, bd):
    k = _checks(sample_et, bd)
    assert len(k) == 2 * 3 + 1 and k.fel == []


@pytest.mark.parametrize(
    ("what", "grupp", "metod", "column", "check"),
    [
        ("the outcome", "Totalt", "metod", "utfall", "Utfall 2021"),
        ("the naive forecast", "Totalt", "naiv", "prognos", "Naiv framskrivning från 2016"),
        ("an age group", "80+", "metod", "prognos", "Åldersgrupperna summerar"),
    ],
)
def test_eftertest_checks_fail_when_a_path_breaks(sample_et, bd, what, grupp, metod, column, check):
    import dataclasses

    fel = sample_et.fel.copy()
    row = (fel["basar"] == 2016) & (fel["steg"] == 5) & (fel["grupp"] == grupp)
    fel.loc[row & (fel["metod"] == metod), column] += 3.0
    k = _checks(dataclasses.replace(sample_et, fel=fel), bd)
    assert [r.kontroll for r in k.fel if r.kontroll.startswith(check)], what


def test_eftertest_summary_check_fails_when_the_summary_breaks(sample_et, bd):
    import dataclasses

    s = sample_et.sammanfattning.copy()
    s.loc[(s["metod"] == "metod") & (s["grupp"] == "Totalt"), "medel_abs_fel_procent"] += 0.01
    k = _checks(dataclasses.replace(sample_et, sammanfattning=s), bd)
    assert [r.kontroll for r in k.fel] == [
        "Medelfelet (absolut) = felen räknade om från prognos och utfall"
    ]
