"""The goal follow-up's presentation (analysis.rapport.mal): the mätetal table of a goal
(who judged, the målvärde's year, units never mixed), the status chart (never colour
alone) and the appendix of every nämnd's goals."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.io.dataset import load_data
from analysis.mal import matetal as mal
from analysis.rapport import mal as rapport_mal
from analysis.rapport.mal import diagram_oversikt, matetal_tabell
from tests.mal.test_matetal import MATETAL_CSV
from tests.mal.test_matetal import kommun_with_goals as matetal_kommun
from tests.mal.test_status import MATETAL_CSV as MALAR_CSV

STATUS_COLUMNS = ["Grön", "Gul", "Röd", "Ej bedömd"]


def kommun_with_goals(root, text: str):
    """The hand-built kommuns of tests/mal, loaded."""
    return load_data(matetal_kommun(root, text))


@pytest.fixture(scope="module")
def goals(tmp_path_factory):
    return kommun_with_goals(tmp_path_factory.mktemp("goals"), MATETAL_CSV)


@pytest.fixture(scope="module")
def april(tmp_path_factory):
    data = kommun_with_goals(tmp_path_factory.mktemp("malar"), MALAR_CSV)
    mt = mal.matetal(data, "2023-04")
    return mt, {r.matetal: r for r in mt.itertuples(index=False)}


def test_matetal_tabell_is_the_report_table(goals):
    mt = mal.matetal(goals, "2023-04")
    table = matetal_tabell(mt, "2023-04")
    assert list(table.columns) == [
        "Mätetal",
        "Utfall 2022",
        "Utfall jan–apr 2023",
        "Mål 2023",
        "Enhet",
        "Bättre",
        "Status",
        "Bedömning",
    ]
    assert list(table["Utfall 2022"]) == ["60", "12", "–", "40", "–"]
    assert list(table["Utfall jan–apr 2023"]) == ["72", "Nytt mätetal", "1 080 kg", "55", "10"]
    assert list(table["Mål 2023"]) == ["80", "högst 10", "1 000 kg", "50", "10"]
    assert list(table["Bättre"]) == ["Högre", "Lägre", "Lägre", "Högre", "Högre"]
    assert list(table["Status"]) == ["Gul", "Ej bedömd", "Gul", "Grön", "Grön"]
    # who set the status: every status here is computed (the nämnd set none in April);
    # a mätetal without a status was judged by nobody
    assert list(table["Bedömning"]) == ["Beräknad", "–", "Beräknad", "Beräknad", "Beräknad"]


def test_the_table_shows_the_target_year_and_who_judged(april):
    mt, _ = april
    table = matetal_tabell(mt, "2023-04").set_index("Mätetal")
    assert list(table.columns) == [
        "Utfall 2022",
        "Utfall jan–apr 2023",
        "Målvärde",
        "Målår",
        "Enhet",
        "Bättre",
        "Status",
        "Utveckling",
        "Bedömning",
    ]
    assert table.loc["Andel kvinnor", "Status"] == "Ej bedömd (mål 2030)"
    assert table.loc["Andel kvinnor", "Målår"] == "2030"  # a year, not 2 030
    assert table.loc["Andel kvinnor", "Bedömning"] == "–"
    assert table.loc["Andel kvinnor", "Utveckling"] == "Bättre"
    assert table.loc["Deltagare som gått till arbete", "Bedömning"] == "Nämnden"
    assert table.loc["Andel trygga", "Bedömning"] == "Beräknad"
    assert table.loc["Lokalkostnad", "Status"] == "Gul"


def test_a_previous_value_in_another_unit_is_shown_with_its_unit(april):
    _, rows = april
    r = rows["NKI brukare"]  # 74 (index) against 75 (index); last year's 73 % in %
    table = matetal_tabell(pd.DataFrame([r._asdict()]), "2023-04")
    assert table["Utfall 2022"].tolist() == ["73% (%)"]


def test_diagram_oversikt(sample_data):
    from matplotlib.figure import Figure

    ov = mal.oversikt(mal.matetal(sample_data, "2023-04"), sample_data)
    fig = diagram_oversikt(ov, "Måluppfyllelse")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    body = ov[ov["Nämnd"] != "Totalt"]
    # one bar per nämnd and status; the Totalt row is not drawn
    assert len(ax.patches) == 4 * len(body)
    assert {t.get_text() for t in ax.get_yticklabels()} == set(body["Nämnd"])
    # the words are in the legend and every count is written in its bar (never colour alone)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == STATUS_COLUMNS
    numbers = [int(t.get_text()) for t in ax.texts if re.fullmatch(r"\d+", t.get_text())]
    assert sum(numbers) == ov.iloc[-1]["Mätetal"]
    assert len(numbers) == int((body[STATUS_COLUMNS] > 0).to_numpy().sum())
    assert len({p.get_hatch() for p in ax.patches}) == 4


def test_visa_bilaga_shows_a_heading_per_namnd_and_a_table_per_goal(goals, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda obj, raw=False: shown.append(("display", obj))
    )
    monkeypatch.setattr(
        rapport_mal,
        "show_table",
        lambda df, title, **kw: shown.append(("table", title, kw["name"])),
    )
    mt = mal.matetal(goals, "2023-12")
    rapport_mal.visa_bilaga(mt, goals, "2023-12")
    kinds = [(s[0], s[1].data if s[0] == "display" else s[1]) for s in shown]
    assert kinds == [
        ("display", "### Barn- och utbildningsnämnden"),
        ("table", "Mål: Mål A"),
        ("display", "*Mätetal 1:* Nämndens bedömning"),
        ("display", "### Socialnämnden"),
        ("table", "Mål: Ny formulering av målet"),
        ("table", "Mål: Mål C"),
        ("table", "Mål: Mål D3"),
    ]
    assert [s[2] for s in shown if s[0] == "table"] == ["mal-bun", "mal-sn", "mal-sn", "mal-sn"]
    shown.clear()
    rapport_mal.visa_bilaga(mt.iloc[:0], goals, "2023-12", rubrikniva=None)
    assert [s[1].data for s in shown] == ["Det finns inga mål och mätetal för perioden."]
