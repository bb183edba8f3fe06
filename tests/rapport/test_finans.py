"""The section on god ekonomisk hushållning (analysis.rapport.finans): what it shows on
the sample, the export sheets, and visible "uppgift saknas" texts without the files."""

from __future__ import annotations

import math

import pytest

from analysis.io.dataset import load_data
from analysis.rapport import finans as R


@pytest.fixture
def shown(monkeypatch):
    out: dict[str, list] = {"text": [], "tables": []}
    monkeypatch.setattr(R, "display", lambda obj: out["text"].append(obj.data))
    monkeypatch.setattr(
        R, "show_table", lambda df, title, **kw: out["tables"].append((title, df, kw))
    )
    return out


@pytest.fixture(scope="module")
def april(sample_data):
    return R.forbered(sample_data, "2023-04")


def test_april_section_on_the_sample(april, shown):
    R.visa_finansiella_mal(april)
    R.visa_pension(april)
    R.visa_bolag(april)
    titles = [t for t, _, _ in shown["tables"]]
    assert titles == [
        "Finansiella mål jan–apr 2023",
        "Finansiella nyckeltal jan–apr 2023",
        "Pensionsförpliktelser, mkr",
        "Bolagen jan–apr 2023, mkr",
    ]
    mal = shown["tables"][0][1]
    assert len(mal) == 4  # the sample's four goals for 2023
    assert set(mal["Bedömning helår"]) <= {
        "Bedöms uppfyllas",
        "Bedöms inte uppfyllas",
        "Ingen prognos",
    }
    soliditet = mal[mal["Nyckeltal"] == "Soliditet inklusive pensionsförpliktelser"].iloc[0]
    assert soliditet["Prognos helår"] == "ingen prognos"  # never a made-up forecast
    pension = shown["tables"][2][1]
    assert list(pension.columns) == ["", "Skuldberäkning 2023-04", "Skuldberäkning 2022-12"]
    bolag = shown["tables"][3][1]
    assert len(bolag) == 7 and bolag["Avser t.o.m."].iloc[0] == "2023-04"
    text = "\n".join(shown["text"])
    assert "per 2023-04" in text
    assert "minst 2,0\u00a0%" in text


def test_april_ignores_augusts_calculation_and_company_figures(april):
    assert april.pension.attrs["berakning"] == 202304
    assert set(april.bolag["period"]) == {202304, 0}  # 0: the sum row


def test_the_goals_table_matches_its_sentences(april):
    for r in april.mal.itertuples(index=False):
        if r.status != "uppgift saknas":
            assert R.fmal.visat(r.utfall, r.enhet) in r.mening


def test_export_sheets(sample_data):
    sheets = R.exportblad(sample_data, "2023-08")
    assert list(sheets) == ["finansiella_mal", "pension", "bolag"]
    assert sheets["pension"]["berakning"].unique().tolist() == [202308]
    assert "resultat_tkr" in sheets["bolag"]
    m = sheets["finansiella_mal"]
    assert m["utfall"].map(lambda v: isinstance(v, float)).all()  # unrounded numbers


def test_without_the_files_every_section_says_uppgift_saknas(tiny, shown):
    data = load_data(tiny)
    r = R.forbered(data, "2023-04")
    assert r.mal is None and r.pension is None and r.bolag is None
    t = r.nyckeltal.set_index("nyckeltal")
    assert math.isnan(t.loc["soliditet", "utfall"])  # no balance sheet: no figure, no 0
    assert t.loc["soliditet", "saknas"].startswith("balansräkning saknas")
    R.visa_finansiella_mal(r)
    R.visa_pension(r)
    R.visa_bolag(r)
    text = "\n".join(shown["text"])
    assert text.count("Uppgift saknas") == 3
    nyckeltal = shown["tables"][0][1]
    assert nyckeltal.iloc[3, 1].startswith("uppgift saknas (balansräkning saknas")
    sheets = R.exportblad(data, "2023-04")
    assert all(list(s.columns) == ["uppgift"] for s in sheets.values())
    assert sheets["bolag"]["uppgift"].iloc[0].startswith("Uppgift saknas")
