"""The sentences of the befolkning report (:mod:`analysis.befolkning.text`, moved out of
befolkning.ipynb), on hand-made frames with hand-written expected text. Numbers in
Swedish format: no-break space between thousands, U+2212 for minus."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.befolkning import scenarier as scen
from analysis.befolkning import text as btext
from analysis.befolkning.antaganden import Assumptions
from analysis.core.errors import ArgumentError

NB = "\u00a0"
MINUS = "\u2212"


def scenario_frame(goal: bool = False) -> pd.DataFrame:
    """Scenarios from 1 000 inhabitants on 31 December 2022; the base has a net migration
    of 8 a year, the goal scenario 150 extra in-migrants and a net migration of 90, 100."""
    rows = []
    for sid, levels in (("lag", [1005, 1010]), ("bas", [1010, 1020]), ("hog", [1015, 1030])):
        for ar, f in zip([2023, 2024], levels, strict=False):
            rows.append((sid, scen.SCENARIOS[sid], ar, float(f), 8.0, 0.0))
    if goal:
        for ar, f, netto in ((2023, 1100.0, 90.0), (2024, 1200.0, 100.0)):
            rows.append(("mal", scen.SCENARIOS["mal"], ar, f, netto, 150.0))
    df = pd.DataFrame(
        rows, columns=["scenario", "text", "ar", "folkmangd", "flyttnetto", "extra_flyttnetto"]
    )
    df.attrs.update(base_year=2022, folkmangd_start=1000.0)
    return df


def test_scenario_text_without_goal():
    text = btext.scenario_text(scenario_frame(), 2024)
    assert text == (
        f"Enligt huvudalternativet väntas folkmängden öka från 1{NB}000 invånare vid utgången "
        f"av 2022 till 1{NB}020 år 2024 (+20 personer). Med 10 % lägre inflyttning blir "
        f"folkmängden 1{NB}010 och med 10 % högre 1{NB}030 år 2024."
    )


def test_scenario_text_with_a_goal_not_reached():
    text = btext.scenario_text(scenario_frame(goal=True), 2024, goal=(2024, 1200.0))
    assert text.endswith(
        f" Målet 1{NB}200 invånare år 2024 nås inte i huvudalternativet (1{NB}020). Det kräver "
        "att 150 fler personer än i huvudalternativet flyttar in varje år. Eftersom en större "
        "befolkning också ger fler utflyttade blir flyttnettot då i genomsnitt 95 personer "
        "per år till och med 2024, mot 8 i huvudalternativet."
    )


def test_scenario_text_goal_already_reached_and_missing_goal_scenario():
    df = scenario_frame(goal=True)
    df.loc[df["scenario"] == "mal", "extra_flyttnetto"] = -4.0
    text = btext.scenario_text(df, 2024, goal=(2023, 1008.0))
    assert text.endswith(
        f" Målet 1{NB}008 invånare år 2023 nås redan i huvudalternativet "
        f"(1{NB}010); marginalen motsvarar 4 färre inflyttade per år."
    )
    with pytest.raises(ArgumentError, match="målscenariot saknas"):
        btext.scenario_text(scenario_frame(), 2024, goal=(2024, 1200.0))
    with pytest.raises(ArgumentError, match="saknar år 2030"):
        btext.scenario_text(scenario_frame(), 2030)


def fan_frame() -> pd.DataFrame:
    df = pd.DataFrame(
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
    df.attrs["ar_historik"] = 10
    return df


def test_fan_text_says_what_the_bands_hold_and_what_not():
    text = btext.fan_text(fan_frame(), 2042)
    assert text == (
        "Intervallen visar bara den slumpmässiga variation i flyttnetto och födda som "
        "kommunen haft de senaste 10 åren: med den variationen, och med antagandena i övrigt "
        f"oförändrade, hamnar folkmängden år 2042 mellan 1{NB}036 och 1{NB}164 invånare "
        f"(80 %-intervall) och mellan 1{NB}002 och 1{NB}198 (95 %-intervall). Osäkerheten i "
        "själva antagandena – att inflyttningen, fruktsamheten eller dödligheten varaktigt "
        "blir en annan – ingår inte, så den verkliga osäkerheten är större och intervallen "
        "är inga sannolikheter för den framtida folkmängden; scenarierna visar hur mycket "
        "antagandena betyder."
    )
    # never "med 95 % sannolikhet" about the future
    assert "% sannolikhet" not in text
    with pytest.raises(ArgumentError, match="saknar år 2030"):
        btext.fan_text(fan_frame(), 2030)


def test_demand_text():
    ind = pd.DataFrame(
        {
            "ar": [2022, 2032],
            "typ": ["utfall", "prognos"],
            "1-5": [200.0, 190.0],
            "6-15": [400.0, 440.0],
            "16-18": [100.0, 100.0],
            "65-79": [0.0, 5.0],
            "80+": [50.0, 75.0],
        }
    )
    assert btext.demand_text(ind, 2022, 2032) == (
        f"Förändring 2022–2032 enligt huvudalternativet: 1–5 år (förskola): {MINUS}10 "
        f"({MINUS}5,0{NB}%); 6–15 år (förskoleklass och grundskola): +40 (+10,0{NB}%); "
        f"16–18 år (gymnasieskola): 0 (0,0{NB}%); 65–79 år: +5 (–); "
        f"80 år och äldre (äldreomsorg): +25 (+50,0{NB}%)."
    )
    with pytest.raises(ArgumentError, match="saknar år 2040"):
        btext.demand_text(ind, 2022, 2040)


def test_backtest_text():
    bt = pd.DataFrame(
        {
            "ar": [2018, 2018, 2018, 2019, 2019, 2019],
            "grupp": ["0-5", "80+", "Totalt"] * 2,
            "prognos": [0.0] * 6,
            "utfall": [0.0] * 6,
            "fel": [0.0] * 6,
            "fel_procent": [1.0, -2.5, 0.3, 0.5, 2.0, -0.6],
        }
    )
    bt.attrs["base_year"] = 2017
    assert btext.backtest_text(bt) == (
        "En prognos gjord med samma metod och enbart de uppgifter som fanns vid utgången av "
        f"2017 träffade den totala folkmängden med ett fel på mellan 0,3{NB}% och 0,6{NB}% "
        f"under åren 2018–2019. Störst var felet för åldersgruppen 80+ år ({MINUS}2,5{NB}% "
        "år 2018). Positivt fel betyder att prognosen var för hög."
    )
    one = bt[bt["ar"] == 2019].copy()
    one.attrs["base_year"] = 2018
    assert btext.backtest_text(one).startswith(
        "En prognos gjord med samma metod och enbart de uppgifter som fanns vid utgången av "
        f"2018 träffade den totala folkmängden med ett fel på 0,6{NB}% år 2019. Störst var "
        "felet för åldersgruppen 80+ år (+2,0"
    )
    assert "0–5 år" in btext.backtest_text(bt.assign(fel_procent=[9.0, 1, 1, 1, 1, 1]))


def test_period_title():
    pc = pd.DataFrame({"komponent": ["folkmangd"], "text": ["x"], "antal": [1.0]})
    pc.attrs.update(grund="manad", ar=2023)
    assert btext.period_title(pc, "jan–apr 2023") == "Befolkningsförändring jan–apr 2023"
    pc.attrs.update(grund="ar", ar=2022)
    assert btext.period_title(pc, "jan–apr 2023") == "Befolkningsförändring helåret 2022"


def _assumptions(years: list[int], notes: list[str]) -> Assumptions:
    empty = pd.DataFrame()
    return Assumptions(
        base_year=years[-1],
        years=years,
        asfr=empty,
        dodstal=empty,
        nLx=empty,
        utflyttningsrisk=empty,
        inflyttade=0.0,
        inflyttningsprofil=empty,
        anmarkningar=notes,
    )


def test_sheet_note():
    a = _assumptions([2018, 2022], ["Inga dödsfall bland män 100 år och äldre."])
    assert btext.sheet_note(2022, a) == (
        "Prognosen utgår från folkmängden 31 december 2022. För prognosåren är döda "
        "beräknade med dödlighetsantagandet och justeringen är det som komponenterna inte "
        "förklarar (ska vara 0). Inga dödsfall bland män 100 år och äldre."
    )
    assert btext.sheet_note(2022, _assumptions([2022], [])).endswith("(ska vara 0).")


def test_scenario_note():
    assert btext.scenario_note(_assumptions([2018, 2019, 2020, 2021, 2022], [])) == (
        "Huvudalternativet bygger på genomsnitten 2018–2022. Låg och hög inflyttning: "
        "antalet inflyttade 10 % lägre respektive högre än i huvudalternativet, med samma "
        "antaganden om utflyttningen."
    )
    # a longer migration window and a mortality improvement are named
    a = _assumptions([2018, 2019, 2020, 2021, 2022], [])
    a.flyttar = list(range(2013, 2023))
    a.forbattring = pd.DataFrame({"kon": ["K"], "alder": [0], "takt": [0.02]})
    assert btext.scenario_note(a) == (
        "Huvudalternativet bygger på fruktsamheten och dödligheten 2018–2022, med dödstal "
        "som fortsätter att minska varje år, och på flyttningarna 2013–2022, där de senaste "
        "åren väger tyngst. Låg och hög inflyttning: antalet inflyttade 10 % lägre "
        "respektive högre än i huvudalternativet, med samma antaganden om utflyttningen."
    )


def test_backtest_title():
    bt = pd.DataFrame({"ar": [2018, 2019, 2019], "grupp": ["Totalt"] * 3, "fel_procent": [0.0] * 3})
    bt.attrs["base_year"] = 2017
    assert btext.backtest_title(bt) == (
        "Prognos gjord med data till och med 2017 jämförd med utfallet 2019"
    )


# --------------------------------------------------------------------------------------
# the back-test over every jump-off year
# --------------------------------------------------------------------------------------
def hand_eftertest(naiv_ar: dict[int, int] | None = None):
    """Three jump-off years; at +5 the method's total errors −0,4, +0,2, −0,3 % against the
    naive forecast's −1,2, −0,1, −0,9 %; 0–5 and 80+ of the method."""
    from analysis.befolkning.eftertest import Eftertest

    rows = []
    errors = {
        ("metod", "Totalt"): [-0.4, 0.2, -0.3],
        ("naiv", "Totalt"): [-1.2, -0.1, -0.9],
        ("metod", "0-5"): [1.5, -2.5, 0.5],
        ("naiv", "0-5"): [3.0, 3.0, 3.0],
        ("metod", "80+"): [0.2, 0.4, -0.6],
        ("naiv", "80+"): [1.0, 1.0, 1.0],
    }
    for (metod, grupp), errs in errors.items():
        for b, e in zip([2011, 2012, 2013], errs, strict=True):
            rows.append((b, b + 5, 5, grupp, metod, 1000 + 10 * e, 1000.0, 10 * e, e, abs(e)))
    fel = pd.DataFrame(
        rows,
        columns=[
            "basar", "ar", "steg", "grupp", "metod", "prognos", "utfall", "fel",
            "fel_procent", "abs_fel_procent",
        ],
    )  # fmt: skip
    summary = []
    for (metod, grupp), errs in errors.items():
        s = pd.Series(errs)
        better = {
            "Totalt": 2 / 3,  # 0,2 is not smaller than 0,1
            "0-5": 1.0,
            "80+": 2 / 3,
        }[grupp]
        summary.append(
            {
                "metod": metod,
                "grupp": grupp,
                "antal_ar": 3,
                "medel_fel_procent": s.mean(),
                "medel_abs_fel_procent": s.abs().mean(),
                "max_abs_fel_procent": s.abs().max(),
                "andel_battre": better if metod == "metod" else float("nan"),
            }
        )
    tack = pd.DataFrame(
        {
            "basar": [2011, 2012, 2013],
            "ar": [2016, 2017, 2018],
            "utfall": [1000.0] * 3,
            "nedre_95": [900.0] * 3,
            "nedre_80": [990.0, 1001.0, 950.0],
            "ovre_80": [1010.0, 1100.0, 1050.0],
            "ovre_95": [1200.0] * 3,
            "inom_80": [True, False, True],
            "inom_95": [True, True, True],
        }
    )
    return Eftertest(
        horisont=5,
        basar=[2011, 2012, 2013],
        fel=fel,
        sammanfattning=pd.DataFrame(summary),
        tackning=tack,
        naiv_ar=naiv_ar or {2011: 5, 2012: 5, 2013: 5},
    )


def test_eftertest_text():
    et = hand_eftertest()
    assert btext.eftertest_text(et) == (
        "Prognosmetoden har prövats i efterhand för de 3 startåren 2011–2013: varje gång med "
        "enbart de uppgifter som fanns vid startårets utgång, jämfört med den verkliga "
        "folkmängden 5 år senare. Metoden har i efterhand träffat folkmängden 5 år framåt med "
        "i genomsnitt 0,3 procents fel, mot 0,7 procent för en framskrivning av de fem "
        "senaste årens tillväxt, och var bättre än den naiva framskrivningen 2 av 3 år. I "
        f"genomsnitt var prognosen för låg ({MINUS}0,2{NB}%). Felet var för barn 0–5 år i "
        "genomsnitt 1,5 procent (som mest 2,5) och för 80 år och äldre i genomsnitt 0,4 "
        "procent (som mest 0,6)."
    )
    short = btext.eftertest_text(hand_eftertest({2011: 3, 2012: 4, 2013: 5}))
    assert "de senaste årens tillväxt (fem år, färre där historiken är kortare)" in short
    assert btext.eftertest_title(et) == (
        "Prognosmetoden och en naiv framskrivning prövade i efterhand: fel i folkmängden 5 år "
        "efter startåret, startår 2011–2013"
    )


def test_eftertest_text_when_the_method_is_worse():
    et = hand_eftertest()
    s = et.sammanfattning
    s.loc[(s["metod"] == "naiv") & (s["grupp"] == "Totalt"), "medel_abs_fel_procent"] = 0.1
    s.loc[(s["metod"] == "metod") & (s["grupp"] == "Totalt"), "medel_fel_procent"] = 0.2
    text = btext.eftertest_text(et)
    assert "mot 0,1 procent" in text and "var sämre än den naiva" in text
    assert "I genomsnitt var prognosen för hög (+0,2" in text
    with pytest.raises(ArgumentError, match="totalen"):
        btext.eftertest_text(dataclasses.replace(et, sammanfattning=s[s["grupp"] != "Totalt"]))


def test_tackning_text():
    et = hand_eftertest()
    assert btext.tackning_text(et) == (
        "I efterhand låg folkmängden 5 år efter startåret inom 80 %-intervallet i 2 av 3 år "
        "och inom 95 %-intervallet i 3 av 3 år (2011–2013). Så få prövade år visar bara "
        "ungefär hur väl intervallen fångar osäkerheten."
    )
    assert btext.tackning_text(dataclasses.replace(et, tackning=et.tackning.iloc[:0])) == ""


def test_fan_text_with_the_coverage_in_hindsight():
    fan = pd.DataFrame(
        {
            "ar": [2030],
            "nedre_95": [900.0],
            "nedre_80": [950.0],
            "ovre_80": [1050.0],
            "ovre_95": [1100.0],
        }
    )
    fan.attrs["ar_historik"] = 10
    plain = btext.fan_text(fan, 2030)
    with_et = btext.fan_text(fan, 2030, hand_eftertest())
    assert with_et == plain + " " + btext.tackning_text(hand_eftertest())
    assert "inom 80 %-intervallet i 2 av 3 år" in with_et
