"""The kommun report's presentation (analysis.rapport.kommun): the display tables in mkr,
the population paragraph against the published one (seed001), the personnel checks and
the chart of the short version."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.befolkning import historik as befolkning
from analysis.ekonomi import investering
from analysis.ekonomi.block import drift_block
from analysis.ekonomi.nyckeltal import nyckeltal
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.kontroller.bas import Kontroller
from analysis.rapport import kommun

M = "\u2212"


def test_population_sentence_reproduces_the_published_one(sample_data):
    """seed001 §6 (n01): −2 since New Year (−61 a year earlier), födda 225, döda 288,
    flyttnetto +23 = +40 −45 +28, and the 38 persons the components leave unexplained."""
    bd = befolkning.BefolkningData(
        sample_data.folkmangd, sample_data.fodda, sample_data.doda, sample_data.flyttningar
    )
    text = kommun.befolkning_text(befolkning.period_components(bd, 2023, 4), "2023-04", "Luleå")
    for phrase in (
        "Luleås befolkning har totalt minskat med 2 personer sedan årsskiftet",
        "en förbättring",
        f"förändringen var {M}61 invånare",
        f"Födelsenettot är {M}63 (225 födda och 288 döda)",
        "flyttnettot +23",
        f"inom länet +40, från andra län {M}45, från utlandet +28",
        "+38 personer",
    ):
        assert phrase in text, phrase


def test_block_table_in_mkr(sample_data):
    block = drift_block(sample_data, "2023-04")
    t = kommun.block_tabell(block)
    assert list(t.columns) == [
        "",
        "Utfall perioden",
        "Budget perioden",
        "Avvikelse perioden",
        "Prognos helår",
        "Budget helår",
        "Avvikelse helår",
        "Förändring mot föregående prognos",
    ]
    assert list(t[""]) == list(block["rad"])
    row = block.set_index("id").loc["summa_namnder"]
    shown = t.set_index("").loc["Summa nämnder"]
    assert shown["Avvikelse perioden"] == pytest.approx(row["avvikelse_period"] / 1000)
    assert shown["Förändring mot föregående prognos"] == pytest.approx(
        row["prognos_forandring"] / 1000
    )


def test_rr_table_in_mkr(sample_data):
    rr = compute_resultatrakning(sample_data, "2023-04")
    t = kommun.rr_tabell(rr)
    assert list(t.columns) == [
        "",
        "Utfall perioden",
        "Budget perioden",
        "Avvikelse perioden",
        "Prognos helår",
        "Budget helår",
        "Avvikelse helår",
    ]
    r = rr.set_index("id").loc["arets_resultat"]
    assert t.set_index("").loc["Årets resultat", "Prognos helår"] == pytest.approx(
        r["prognos_helar"] / 1000
    )


def test_investment_table_in_mkr(sample_data):
    tidy = investering.investeringar(sample_data, "2023-08")
    t = kommun.invest_tabell(sample_data, "2023-08")
    assert t[""].iloc[-1] == "Summa"
    assert t[""].iloc[0] == sample_data.register.namn(tidy["namnd"].iloc[0])
    assert t["Förändring mot föregående prognos"].tolist() == pytest.approx(
        (tidy["prognos_forandring"] / 1000).tolist(), nan_ok=True
    )
    assert t["Genomförandegrad utfall, %"].tolist() == pytest.approx(
        tidy["genomforandegrad_utfall"].tolist(), nan_ok=True
    )
    assert list(t.columns)[-2:] == ["Genomförandegrad utfall, %", "Genomförandegrad prognos, %"]


def test_key_figures_table_by_hand():
    nt = pd.DataFrame(
        {
            "id": ["resultat", "namnder_prognos"],
            "rad": ["Resultat för perioden", "Nämndernas nettokostnad, prognos"],
            "utfall_prognos": [72_400.0, math.nan],
            "budget": [10_000.0, -2_000.0],
            "avvikelse": [62_400.0, math.nan],
        }
    )
    t = kommun.nyckeltal_tabell(nt)
    assert list(t.columns) == ["", "Utfall/prognos", "Budget", "Avvikelse"]
    assert t.iloc[0].tolist() == ["Resultat för perioden", 72.4, 10.0, 62.4]
    assert math.isnan(t.iloc[1]["Utfall/prognos"]) and t.iloc[1]["Budget"] == -2.0


def test_key_figures_table_passes_its_check(sample_data):
    from analysis.ekonomi.drift import compute_investeringsredovisning
    from analysis.kontroller.ekonomi import kontrollera_nyckeltal

    rr = compute_resultatrakning(sample_data, "2023-04")
    block = drift_block(sample_data, "2023-04")
    inv = compute_investeringsredovisning(sample_data, "2023-04")
    k = Kontroller()
    kontrollera_nyckeltal(
        k, kommun.nyckeltal_tabell(nyckeltal(sample_data, "2023-04", rr, block)), rr, block, inv
    )
    assert len(k) and not k.fel


def test_personnel_checks_name_the_whole_kommun(sample_data):
    personal = sample_data.sjukfranvaro
    table = kommun.personal_per_forvaltning(personal, "2023-04")
    assert table["Förvaltning"].iloc[0] == "Hela kommunen"
    k = Kontroller()
    kommun.kontrollera_personal(k, table, personal, "2023-04", sample_data.register.forvaltningar)
    assert len(k) and not k.fel
    # a whole-kommun rate above every förvaltning's fails the weighted-mean check
    wrong = table.copy()
    wrong.loc[0, "Sjukfrånvaro 2023"] = 99.0
    k = Kontroller()
    kommun.kontrollera_personal(k, wrong, personal, "2023-04", sample_data.register.forvaltningar)
    assert [f.kontroll for f in k.fel] == [
        "Sjukfrånvaron för hela kommunen ligger mellan förvaltningarnas lägsta och högsta värde"
    ]


def test_hundred_kronor_chart_writes_the_amounts():
    df = pd.DataFrame({"verksamhet": ["Skola", "Övriga"], "kronor": [99.4, 0.6]})
    fig = kommun.diagram_100kr(df, "Så används 100 kronor")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1 kr", "99 kr"]  # bottom up: the largest on top


def test_population_basis(sample_data, tmp_path):
    from analysis.io.dataset import load_data
    from tests.conftest import write_tiny

    bd, komp, fel = kommun.befolkning_underlag(sample_data, "2023-04")
    assert bd is not None and fel is None
    assert komp.attrs["grund"] == "manad"
    write_tiny(tmp_path / "data" / "raw")  # the tiny kommun has no population files
    assert kommun.befolkning_underlag(load_data(tmp_path / "data"), "2023-04")[:2] == (None, None)
