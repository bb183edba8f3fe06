"""The sample kommun reproduces the published personnel-structure figures, through the
functions of analysis.personal.struktur and the export sheet ``personalstruktur``.

* Luleå kommun, delårsrapport januari–april 2023, "Personal" (the table of månadsanställda
  in April 2023): 6 729 månadsanställda, 6 019 tillsvidareanställda, 77 % kvinnor, 302
  chefer, 79 chefer med fler än 25 anställda.
* Kommunstaben's verksamhetsberättelse 2023: månadsanställda on 31 December 2019–2023 by
  anställningsform and kön (tests/data/domain/s000_t01_manadsanstallda_antal.csv) and the
  age distribution in percent (s000_t02_aldersfordelning_procent.csv).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.personal import struktur
from analysis.personal.struktur import TOTALT
from analysis.rapport import personalstruktur

DOMAIN = Path(__file__).parents[1] / "data" / "domain"
KS = "KS/Kommunstab"
T01 = pd.read_csv(DOMAIN / "s000_t01_manadsanstallda_antal.csv")
T02 = pd.read_csv(DOMAIN / "s000_t02_aldersfordelning_procent.csv")
YEARS = [2019, 2020, 2021, 2022, 2023]
FORM = {"Tillsvidareanställda": "tillsvidare", "Visstidsanställda": "visstid"}
KON = {"totalt": "", "kvinnor": "_kvinnor", "män": "_man"}

#: Delårsrapport jan–apr 2023, the personnel table (April 2023).
APRIL_2023 = {
    "manadsanstallda": 6729,
    "tillsvidare": 6019,
    "andel_kvinnor": 77,
    "chefer": 302,
    "chefer_over_25": 79,
}


@pytest.fixture(scope="module")
def april(sample_data):
    p = sample_data.as_of("2023-04").sjukfranvaro
    return {
        "anstallda": struktur.anstallda(p, 202304),
        "chefer": struktur.chefer(p, 202304),
    }


def test_april_2023_through_the_functions(april):
    a, c = april["anstallda"], april["chefer"]
    assert a.at[TOTALT, "manadsanstallda"] == APRIL_2023["manadsanstallda"]
    assert a.at[TOTALT, "tillsvidare"] == APRIL_2023["tillsvidare"]
    assert round(a.at[TOTALT, "andel_kvinnor"]) == APRIL_2023["andel_kvinnor"]
    assert round(100 - a.at[TOTALT, "andel_kvinnor"]) == 23
    assert c.at[TOTALT, "chefer"] == APRIL_2023["chefer"]
    assert c.at[TOTALT, "chefer_over_25"] == APRIL_2023["chefer_over_25"]


def test_april_2023_through_the_export_sheet(sample_data):
    sheet = personalstruktur.exportblad(sample_data, "2023-04")["personalstruktur"]
    total = sheet[sheet["forvaltning"] == TOTALT].iloc[0]
    assert total["manad"] == "2023-04"
    for col, value in APRIL_2023.items():
        got = round(total[col]) if col == "andel_kvinnor" else total[col]
        assert got == value, col


@pytest.mark.parametrize("year", YEARS)
def test_kommunstaben_december_by_form_and_kon(sample_data, year):
    p = sample_data.as_of(f"{year}-12").sjukfranvaro
    a = struktur.anstallda(p, year * 100 + 12)
    for _, row in T01.iterrows():
        col = FORM[row["anställningsform"]] + KON[row["kön"]]
        assert a.at[KS, col] == row[str(year)], (year, col)


@pytest.mark.parametrize("year", YEARS)
def test_kommunstaben_december_age_distribution(sample_data, year):
    p = sample_data.as_of(f"{year}-12").sjukfranvaro
    a = struktur.aldersfordelning(p, year * 100 + 12)
    ks = a[a["forvaltning"] == KS]
    for _, row in T02.iterrows():
        got = ks.loc[
            (ks["anstallningsform"] == FORM[row["anställningsform"]])
            & (ks["aldersgrupp"] == row["åldersgrupp"]),
            "andel",
        ].item()
        # printed to one decimal, rounded half up (1/16 = 6.25 % is printed 6.3)
        assert abs(got - row[str(year)]) <= 0.05 + 1e-9, (year, row["åldersgrupp"], got)


def test_kommunstaben_2023_in_the_export_sheet_with_suppression(sample_data):
    sheet = personalstruktur.exportblad(sample_data, "2023-12")["personalstruktur"]
    ks = sheet[sheet["forvaltning"] == KS].iloc[0]
    assert (ks["tillsvidare"], ks["tillsvidare_kvinnor"], ks["tillsvidare_man"]) == (283, 202, 81)
    assert ks["visstid"] == 16
    # 10 women and 6 men on visstid: groups of 10 or fewer are empty, never the number
    assert pd.isna(ks["visstid_kvinnor"]) and pd.isna(ks["visstid_man"])
    # ... and so are the totals by kön that would give them by subtraction
    assert pd.isna(ks["manadsanstallda_kvinnor"]) and pd.isna(ks["manadsanstallda_man"])
    published = T02[(T02["anställningsform"] == "Tillsvidareanställda")]["2023"].tolist()
    cols = [c for c in sheet.columns if c.startswith("tillsvidare_alder_")]
    assert [round(ks[c], 1) for c in cols] == published
    visstid = [ks[c] for c in sheet.columns if c.startswith("visstid_alder_")]
    assert visstid[0] == 0  # nobody 0–19: shown
    assert all(pd.isna(v) for v in visstid[1:])  # 3, 4, 4, 1, 4 employees: suppressed
