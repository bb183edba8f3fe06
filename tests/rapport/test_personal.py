"""The sick-leave report's presentation: its display tables, its charts and the sections
of notebooks/personal.ipynb."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.core.labels import HELA_KOMMUNEN, TOTALT
from analysis.core.period import Period
from analysis.kontroller.bas import Kontroller
from analysis.personal import nyckeltal, serier, trender
from analysis.rapport import personal as rp

SEASON = 1.5 * np.cos(2 * np.pi * np.arange(12) / 12)


def codes(start_year: int, n: int) -> np.ndarray:
    k = np.arange(n)
    return (start_year + k // 12) * 100 + k % 12 + 1


def test_som_tabell_one_row_per_forvaltning():
    long = pd.DataFrame(
        {
            "forvaltning": [HELA_KOMMUNEN] * 3 + ["A"] * 3,
            "kon": [TOTALT, "Kvinnor", "Män"] * 2,
            "procent": [5.0, 6.0, 4.0, np.nan, np.nan, np.nan],
        }
    )
    table = rp.som_tabell(long)
    assert list(table.columns) == ["Förvaltning", "Totalt", "Kvinnor", "Män"]
    assert list(table["Förvaltning"]) == [HELA_KOMMUNEN, "A"]
    assert table.iloc[0, 1:].tolist() == [5.0, 6.0, 4.0]
    assert table.iloc[1, 1:].isna().all()


def test_manadstrend_tabell_months_by_year():
    trend = pd.DataFrame({"ar": [2022, 2022, 2023], "manad": [1, 2, 1], "procent": [5.0, 6.0, 7.0]})
    table = rp.manadstrend_tabell(trend)
    assert list(table.columns) == ["Månad", "2022", "2023"]
    assert list(table["Månad"]) == ["jan", "feb"]
    assert table["2023"].tolist()[0] == 7.0 and np.isnan(table["2023"].tolist()[1])


def test_trend_and_prognos_tabell():
    t = rp.trend_tabell({"forandring": -0.5, "ci_lag": -0.9, "ci_hog": -0.1, "p_varde": 0.01})
    assert t.iloc[0].tolist() == ["Förändring, procentenheter", -0.5, -0.9, -0.1, 0.01]
    prog = pd.DataFrame(
        {
            "period": [202305],
            "ar": [2023],
            "manad": [5],
            "prognos": [6.0],
            "nedre_80": [5.0],
            "ovre_80": [7.0],
            "nedre_95": [4.5],
            "ovre_95": [7.5],
        }
    )
    p = rp.prognos_tabell(prog)
    assert list(p.columns) == [
        "Månad",
        "Prognos",
        "Lägre (80 %)",
        "Övre (80 %)",
        "Lägre (95 %)",
        "Övre (95 %)",
    ]
    assert p.iloc[0].tolist() == ["2023-05", 6.0, 5.0, 7.0, 4.5, 7.5]


def test_charts_of_the_sample(sample_data):
    p = sample_data.sjukfranvaro
    s = serier.manadsserie(p, till="2023-04")
    fig = rp.diagram_manadstrend(serier.manadstrend(p, "2023-04"), "Sjukfrånvaro per månad")
    assert isinstance(fig, Figure)
    assert isinstance(rp.diagram_prognos(s, trender.prognos(s), "Prognos"), Figure)
    assert isinstance(rp.diagram_sasong(trender.sasongsuppdelning(s), "STL"), Figure)
    forv = [str(f) for f in p["forvaltning"].cat.categories]
    fr = nyckeltal.frisknarvaro_per_kon(p, [202301, 202302, 202303], forv)
    fig = rp.diagram_per_kon(fr, "Frisknärvaro")
    assert isinstance(fig, Figure)
    # the tick formatter writes the rate the Swedish way, with the minus sign U+2212
    assert rp._procent(7.14) == "7,1" and rp._procent(-1.25) == "\u22121,2"


def test_the_report_sections_of_the_sample(sample_data, capsys):
    r = rp.forbered(sample_data, None, "2023-04")
    assert r.har_data and r.vem == "hela kommunen" and r.analys is not None
    assert r.manader == [202301, 202302, 202303, 202304]
    assert rp.sammanfattning(r).startswith("Sjukfrånvaron för januari–april är ")
    for section in (
        rp.visa_nyckeltal,
        rp.visa_manadstrend,
        rp.visa_trend,
        rp.visa_prognos,
        rp.visa_frisknarvaro,
        rp.visa_korttid,
        rp.visa_anmarkningar,
    ):
        section(r)
    for chart in (
        rp.figur_manadstrend,
        rp.figur_sasong,
        rp.figur_prognos,
        rp.figur_frisknarvaro,
        rp.figur_korttid,
    ):
        assert isinstance(chart(r), Figure)
    k = Kontroller()
    rp.kontrollera(k, r)
    assert len(k) and not k.fel
    assert any("hela kommunen" in c.grupp.casefold() for c in k.rader)


def test_a_forvaltning_without_personnel_data(sample_data, capsys):
    r = rp.Personalrapport(
        data=sample_data,
        period=Period.parse("2023-04"),
        forvaltning="Tom",
        vem="Tom",
        har_data=False,
        manader=[],
        forvaltningar=["Tom"],
    )
    assert rp.sammanfattning(r) == (
        "Det finns inga personaldata för Tom till och med april "
        "2023, så rapporten redovisar ingen sjukfrånvaro."
    )
    for chart in (
        rp.figur_manadstrend,
        rp.figur_sasong,
        rp.figur_prognos,
        rp.figur_frisknarvaro,
        rp.figur_korttid,
    ):
        assert chart(r) is None
    for section in (
        rp.visa_nyckeltal,
        rp.visa_manadstrend,
        rp.visa_trend,
        rp.visa_prognos,
        rp.visa_frisknarvaro,
        rp.visa_korttid,
        rp.visa_anmarkningar,
    ):
        section(r)
    k = Kontroller()
    rp.kontrollera(k, r)
    assert capsys.readouterr().out == "" and not len(k)
