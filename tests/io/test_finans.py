"""The files of the financial goals, pension calculations and companies
(analysis.io.finans): parsing, aliases, dating, and errors naming file, line and column."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from analysis.core.errors import InputError
from analysis.io.dataset import load_data

MAL = (
    "ar;mal;nyckeltal;jamforelse;malvarde;enhet\n"
    "2023;Resultat minst 2 %;resultatandel;minst;2,0;%\n"
    "2023;Låneskuld;Låneskuld per invånare;HÖGST;40 000;kr\n"
    "2024;Soliditet;soliditet_inkl_pension;>=;10 %;procent\n"
)
PENSION = (
    "period;post;belopp\n"
    "2023-04;avsattning;100000\n"
    "2023-04;ansvarsforbindelse;300000\n"
    "2023-04;Förvaltade medel;50000\n"
    "2023-08;avsattning;110000\n"
    "2023-08;ansvarsforbindelse;290000\n"
)
BOLAG = (
    "period;bolag;resultat;prognos_helar;budget_helar;agarandel;kommentar\n"
    "2023-04;Energi AB;1 000 000;3 000 000;2 500 000;100;Bra år.\n"
    "2023-08;Energi AB;2 000 000;3 500 000;2 500 000;100;Ännu bättre.\n"
    "2023-04;Hamn AB;-500 000;;;60;\n"
)


def write(data_dir: Path, rel: str, text: str) -> None:
    path = data_dir / "raw" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def finans(tiny):
    write(tiny, "ekonomi/finansiella_mal.csv", MAL)
    write(tiny, "ekonomi/pension.csv", PENSION)
    write(tiny, "bolag/bolag_2023.csv", BOLAG)
    return tiny


def test_the_three_files_parse_with_aliases_and_natural_signs(finans):
    d = load_data(finans)
    m = d.finansiella_mal
    assert m["nyckeltal"].tolist() == [
        "resultatandel",
        "laneskuld_per_invanare",
        "soliditet_inkl_pension",
    ]
    assert m["jamforelse"].tolist() == [">=", "<=", ">="]
    assert m["malvarde"].tolist() == [2.0, 40000.0, 10.0]
    assert m["enhet"].tolist() == ["procent", "kr", "procent"]
    assert (m["kommentar"] == "").all()  # optional column absent: empty text
    p = d.pension
    assert p.loc[p["post"] == "forvaltade_medel", "belopp_kr"].tolist() == [50000.0]
    assert p["belopp_kr"].min() > 0  # obligations are positive, not the accounting sign
    b = d.bolag
    by_name = b.set_index(["period", "bolag"])["resultat_kr"]
    assert by_name[(202304, "Hamn AB")] == -5e5  # a loss stays negative
    assert by_name[(202308, "Energi AB")] == 2e6
    hamn = b[b["bolag"] == "Hamn AB"].iloc[0]
    assert math.isnan(hamn["prognos_helar_kr"]) and math.isnan(hamn["budget_helar_kr"])
    assert hamn["agarandel"] == 60.0


def test_as_of_april_ignores_augusts_calculation_and_figures_and_next_years_goals(finans):
    d = load_data(finans).as_of("2023-04")
    assert set(d.pension["period"]) == {202304}
    assert set(d.bolag["period"]) == {202304}
    assert set(d.finansiella_mal["ar"]) == {2023}  # 2024's goal is not yet adopted
    march = load_data(finans).as_of("2023-03")
    assert len(march.pension) == 0 and len(march.bolag) == 0


def test_missing_files_are_none(tiny):
    d = load_data(tiny)
    assert d.finansiella_mal is None and d.pension is None and d.bolag is None


@pytest.mark.parametrize(
    ("rel", "text", "line", "column", "words"),
    [
        (
            "ekonomi/finansiella_mal.csv",
            MAL.replace("resultatandel;minst", "vinst;minst"),
            2,
            "nyckeltal",
            "'vinst' är inte ett giltigt värde",
        ),
        (
            "ekonomi/finansiella_mal.csv",
            MAL.replace("2,0;%", "två;%"),
            2,
            "malvarde",
            "'två' är inget målvärde",
        ),
        (
            "ekonomi/finansiella_mal.csv",
            MAL.replace("40 000;kr", "40 000;%"),
            3,
            "enhet",
            "passar inte nyckeltalet",
        ),
        (
            "ekonomi/finansiella_mal.csv",
            MAL.replace(";minst;", ";ungefär;"),
            2,
            "jamforelse",
            "förväntade >= (minst) eller <= (högst)",
        ),
        (
            "ekonomi/pension.csv",
            PENSION.replace("2023-08;ansvarsforbindelse;290000\n", ""),
            5,
            "post",
            "saknar posten ansvarsforbindelse",
        ),
        (
            "ekonomi/pension.csv",
            PENSION.replace("110000", "-110000"),
            5,
            "belopp",
            "",
        ),
        (
            "ekonomi/pension.csv",
            PENSION + "2023-08;avsattning;1\n",
            7,
            "post",
            "förekommer redan för samma beräkning",
        ),
        (
            "bolag/bolag_2023.csv",
            BOLAG + "2023-04;hamn ab;1;;;;\n",
            5,
            "bolag",
            "förekommer redan för samma period",
        ),
        (
            "bolag/bolag_2023.csv",
            BOLAG.replace(";60;", ";160;"),
            4,
            "agarandel",
            "",
        ),
        (
            "bolag/bolag_2023.csv",
            BOLAG.replace("2023-04;Hamn", "april;Hamn"),
            4,
            "period",
            "",
        ),
    ],
)
def test_bad_input_names_file_line_and_column(finans, rel, text, line, column, words):
    write(finans, rel, text)
    with pytest.raises(InputError) as e:
        load_data(finans)
    hits = [p for p in e.value.problems if p.file == rel]
    assert hits, str(e.value)
    assert (hits[0].line, hits[0].column) == (line, column), str(e.value)
    assert words in hits[0].message


def test_a_required_column_missing_is_named(finans):
    write(finans, "bolag/bolag_2023.csv", "period;bolag;resultat\n2023-04;A;1\n")
    with pytest.raises(InputError, match="prognos_helar"):
        load_data(finans)
