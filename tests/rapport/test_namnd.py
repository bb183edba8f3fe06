"""The nämnd report's presentation: the sections of notebooks/namnd.ipynb."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
from analysis.rapport import namnd as rn


@pytest.fixture
def tiny_data(tiny):
    return load_data(tiny).as_of("2023-04")


def test_forbered_gathers_the_figures_of_the_tiny_kommun(tiny_data):
    r = rn.forbered(tiny_data, "bun", "2023-04")
    assert r.namn == "Barn- och utbildningsnämnden"
    assert r.forvaltning == "Barn- och utbildningsförvaltningen"
    assert str(r.period) == "2023-04"
    # utfall jan–apr: 100 000 − 20 000 + 110 000 + 90 000 + 50 000 = 330 000 kr (report
    # sign: a cost is negative); budget 1 200 000 − 60 000 = 1 140 000 kr a year, twelfths
    # (no periodisation rows for bun): 4/12 of it = 380 000 kr; forecast in April
    # 1 170 000 kr, in March 1 160 000 kr.
    nt = r.nyckeltal.set_index("")
    assert nt.iloc[0].tolist() == pytest.approx([-0.33, -0.38, 0.05])
    assert nt.iloc[1].tolist() == pytest.approx([-1.17, -1.14, -0.03])
    assert nt.iloc[2]["Avvikelse"] == pytest.approx(-0.01)
    assert r.drift["Nämnd"].tolist() == ["Barn- och utbildningsnämnden"]
    assert r.drift["Utfall perioden"].iloc[0] == pytest.approx(-0.33)
    acc = r.ackumulerat.set_index("Månad")
    assert acc.loc["apr", "Utfall 2023"] == pytest.approx(-330.0)  # tkr
    assert acc.loc["apr", "Periodiserad budget"] == pytest.approx(-380.0)
    assert np.isnan(acc.loc["maj", "Utfall 2023"])
    # one employee in the förvaltning: every rate suppressed
    assert r.personal is not None and r.personal["2023"].isna().all()
    assert r.matetal.empty  # the tiny kommun has no goals


def test_a_unit_without_forvaltning_has_no_personal_table(tiny_data, capsys):
    r = rn.forbered(tiny_data, "skatt", "2023-04")
    assert r.forvaltning is None and r.personal is None
    rn.visa_personal(r)
    assert capsys.readouterr().out == "Nämnden har ingen egen förvaltning i personaldata.\n"


def test_the_sections_of_the_tiny_kommun(tiny_data, capsys):
    r = rn.forbered(tiny_data, "bun", "2023-04")
    rn.visa_nyckeltal(r)
    rn.visa_drift(r)
    rn.visa_personal(r)
    out = capsys.readouterr().out
    assert "Nyckeltal för Barn- och utbildningsnämnden, mkr" in out
    assert "Driftsredovisning Barn- och utbildningsnämnden, mkr" in out
    assert "Sjukfrånvaro Barn- och utbildningsförvaltningen, procent" in out
    rn.visa_mal(r)
    assert capsys.readouterr().out == "Nämnden har inga mätetal för perioden.\n"
    assert isinstance(rn.figur_ackumulerat(r), Figure)


def test_andelar_names_each_rate_by_row_and_year():
    tabell = pd.DataFrame(
        {"Nyckeltal": ["Total sjukfrånvaro", "Kvinnor"], "2022": [5.0, 6.5], "2023": [4.0, np.nan]}
    )
    assert rn.andelar(tabell) == {
        "Total sjukfrånvaro 2022": 5.0,
        "Total sjukfrånvaro 2023": 4.0,
        "Kvinnor 2022": 6.5,
        "Kvinnor 2023": pytest.approx(np.nan, nan_ok=True),
    }


def test_kontrollera_the_ledger_and_the_rates(tiny_data):
    r = rn.forbered(tiny_data, "bun", "2023-04")
    k = Kontroller()
    rn.kontrollera(k, r)
    # the driftsredovisning against the ledger (utfall, budget for the period, forecast,
    # budget for the year, the units); the suppressed rates are not checked
    assert len(k) == 5 and not k.fel
    assert {c.grupp for c in k.rader} == {"Driftsredovisning = huvudboken"}
    # a rate above 100 % fails, a rate within passes, a suppressed one is skipped
    tabell = pd.DataFrame({"Nyckeltal": ["Total sjukfrånvaro"], "2022": [101.0], "2023": [7.0]})
    k = Kontroller()
    rn.kontrollera(k, dataclasses.replace(r, personal=tabell))
    personal = [c for c in k.rader if c.grupp == "Personal: andelar"]
    assert len(personal) == 2
    assert [f.kontroll for f in k.fel] == ["Total sjukfrånvaro 2022 mellan 0 och 100 %"]
    # without a förvaltning only the ledger is checked
    k = Kontroller()
    rn.kontrollera(k, dataclasses.replace(r, forvaltning=None, personal=None))
    assert len(k) == 5


@pytest.mark.parametrize("namnd", ["bun", "ks-koll"])
def test_the_report_of_the_sample(sample_data, namnd, capsys):
    data = sample_data.as_of("2023-04")
    r = rn.forbered(data, namnd, "2023-04")
    assert (r.forvaltning is None) == (namnd == "ks-koll")
    rn.visa_nyckeltal(r)
    rn.visa_drift(r)
    rn.visa_personal(r)
    rn.visa_mal(r)
    assert isinstance(rn.figur_ackumulerat(r), Figure)
    k = Kontroller()
    rn.kontrollera(k, r)
    assert len(k) and not k.fel
    assert any(c.grupp == "Personal: andelar" for c in k.rader) == (namnd == "bun")
