"""The companies' table (analysis.ekonomi.bolag), by hand."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd

from analysis.core.period import Period
from analysis.ekonomi import bolag


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "bolag",
            "resultat_kr",
            "prognos_helar_kr",
            "budget_helar_kr",
            "agarandel",
            "kommentar",
        ],
    )


FRAME = frame(
    [
        (202212, "Gamla AB", 7e6, 7e6, 6e6, 100.0, "Förra året."),
        (202304, "Energi AB", 1e6, 3e6, 2.5e6, 100.0, "April."),
        (202308, "Energi AB", 2e6, 3.5e6, 2.5e6, 100.0, "Augusti."),
        (202303, "Hamn AB", -0.5e6, np.nan, np.nan, 60.0, ""),
    ]
)


def test_april_uses_each_companys_latest_month_and_ignores_august():
    t = bolag.bolagen(FRAME, "2023-04").set_index("bolag")
    assert t.loc["Energi AB", "period"] == 202304
    assert t.loc["Energi AB", "resultat"] == 1000.0  # tkr, not August's 2 000
    assert t.loc["Energi AB", "avvikelse_helar"] == 500.0  # 3 000 − 2 500
    assert t.loc["Hamn AB", "period"] == 202303  # its latest report
    assert t.loc["Hamn AB", "resultat"] == -500.0  # a loss stays negative
    assert math.isnan(t.loc["Hamn AB", "prognos_helar"])
    # a company with only last year's figures: listed, no figures, never 0
    assert t.loc["Gamla AB", "period"] == 0
    assert math.isnan(t.loc["Gamla AB", "resultat"])
    assert "Uppgift saknas för 2023 (senaste uppgift: 2022-12)" in t.loc["Gamla AB", "kommentar"]
    s = t.loc[bolag.SUMMA]
    assert s["resultat"] == 500.0  # 1 000 − 500, Gamla AB not counted
    assert s["prognos_helar"] == 3000.0 and s["budget_helar"] == 2500.0


def test_august_and_the_text():
    t = bolag.bolagen(FRAME, "2023-08")
    assert t.set_index("bolag").loc["Energi AB", "resultat"] == 2000.0
    text = bolag.bolag_text(t, Period.parse("2023-08"))
    assert "till och med 2023-03 och 2023-08 (bolagen har rapporterat olika månader)" in text
    assert "Uppgift saknas för Gamla AB; de ingår inte i summan." in text
    assert "**Energi AB.** Augusti." in text
    assert "April." not in text


def test_names_differing_in_case_and_spaces_are_one_company():
    f = pd.concat([FRAME, frame([(202305, "energi  AB", 4e6, 4e6, 2.5e6, 100.0, "")])])
    t = bolag.bolagen(f, "2023-05")
    assert (t["bolag"].str.casefold().str.replace(" ", "") == "energiab").sum() == 1
    assert t.set_index("bolag").loc["energi  AB", "resultat"] == 4000.0


def test_nothing_known_is_none_and_says_uppgift_saknas():
    assert bolag.bolagen(FRAME, "2022-11") is None
    assert bolag.bolagen(None, "2023-04") is None
    assert bolag.bolag_text(None, Period.parse("2023-04")).startswith("Uppgift saknas")


def test_doctests():
    failures, tried = doctest.testmod(bolag)
    assert tried > 0 and failures == 0
