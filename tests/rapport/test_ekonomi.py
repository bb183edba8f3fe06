"""A nämnd's economy for display: labels, mkr, the forecast chart and the report's sections."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ConfigurationError
from analysis.ekonomi import prognos
from analysis.rapport import ekonomi as R


def _avvikelser() -> pd.DataFrame:
    t = pd.DataFrame(
        {
            "kontogrupp": ["Personalkostnader", "Totalt"],
            "utfall_period": [-1500.0, -1500.0],
            "budget_period": [-2000.0, -2000.0],
            "avvikelse_period": [500.0, 500.0],
            "prognos_helar": [np.nan, -5800.0],
            "budget_helar": [-6000.0, -6000.0],
            "avvikelse_helar": [np.nan, 200.0],
        }
    )
    t.attrs["anmarkningar"] = ["En anmärkning."]
    return t


def _prognoser() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metod": ["manuell", "modell"],
            "prognos_tkr": [-5800.0, -6100.0],
            "nedre_80": [np.nan, -6500.0],
            "ovre_80": [np.nan, -5700.0],
            "nedre_95": [np.nan, -6900.0],
            "ovre_95": [np.nan, -5300.0],
        }
    )


def test_visningstabell_labels_and_mkr():
    shown = R.visningstabell(_avvikelser())
    assert list(shown.columns) == [
        "Kontogrupp",
        "Utfall perioden",
        "Budget perioden",
        "Avvikelse perioden",
        "Prognos helår",
        "Budget helår",
        "Avvikelse helår",
    ]
    assert shown["Utfall perioden"].tolist() == pytest.approx([-1.5, -1.5])
    assert math.isnan(shown["Prognos helår"].iloc[0])  # an empty forecast stays empty
    assert shown.attrs["anmarkningar"] == ["En anmärkning."]
    tkr = R.visningstabell(_avvikelser(), unit="tkr")
    assert tkr["Budget helår"].iloc[-1] == -6000.0
    proj = R.visningstabell(_avvikelser().rename(columns={"kontogrupp": "projekt"}))
    assert proj.columns[0] == "Projekt"


def test_prognostabell_by_hand():
    t = R.prognostabell(_prognoser(), budget_tkr=-6000.0)
    assert list(t.columns) == [
        "Metod",
        "Prognos helår",
        "Avvikelse mot budget",
        "80 % lägre",
        "80 % övre",
        "95 % lägre",
        "95 % övre",
    ]
    assert list(t["Metod"]) == [
        "Ekonomens prognos",
        "Statistisk modell (säsong, intervall från tidigare år)",
    ]
    assert t["Avvikelse mot budget"].tolist() == pytest.approx([0.2, -0.1])
    assert t.loc[1, "95 % lägre"] == pytest.approx(-6.9) and math.isnan(t.loc[0, "80 % övre"])
    assert "Avvikelse mot budget" not in R.prognostabell(_prognoser()).columns


def test_prognossakerhet_tabell_by_hand():
    frame = pd.DataFrame(
        {
            "metod": ["modell", "arstakt"],
            "manad": [4, 8],
            "antal": [6, 6],
            "mae_tkr": [120.0, 300.0],
            "mae_procent": [1.5, 4.0],
            "antal_intervall": [prognos.MIN_FALL_TRAFF, 0],
            "traff80": [0.8, np.nan],
            "traff95": [1.0, np.nan],
        }
    )
    t = R.prognossakerhet_tabell(frame)
    assert list(t["Prognos gjord per"]) == ["april", "augusti"]
    assert t.loc[0, "Träffsäkerhet 80 %"] == pytest.approx(80.0)
    assert t.loc[0, "Fall med intervall"] == prognos.MIN_FALL_TRAFF
    assert math.isnan(t.loc[1, "Fall med intervall"]) and math.isnan(t.loc[1, "Träffsäkerhet 95 %"])
    few = frame.assign(antal_intervall=prognos.MIN_FALL_TRAFF - 1)
    assert R.prognossakerhet_tabell(few)["Träffsäkerhet 80 %"].isna().all()


def test_forecast_chart_is_a_figure_with_swedish_ticks(sample_data):
    from matplotlib.figure import Figure

    p = prognos.helarsprognoser(sample_data, "sbn", "2023-04")
    fig = R.prognosdiagram(p, "Prognoser", budget_tkr=-249000.0)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "mkr (nettokostnad)"
    assert ax.xaxis.get_major_formatter()(-1234.0, 0) == "\u22121\u00a0234"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Ekonomens prognos"


def test_namnd_namn(sample_data):
    assert R.namnd_namn(sample_data, "bun") == sample_data.register.namn("bun")
    with pytest.raises(ConfigurationError, match="Nämnden 'okand' finns inte i registret"):
        R.namnd_namn(sample_data, "okand")


def test_anmarkningar_text():
    assert R.anmarkningar_text([]) is None
    assert R.anmarkningar_text(["Ett.", "Två."]) == "**Observera:**\n\n- Ett.\n- Två."


@pytest.fixture
def shown(monkeypatch):
    calls = []
    monkeypatch.setattr(
        R, "show_table", lambda df, title, **kw: calls.append(("table", title, df, kw))
    )
    monkeypatch.setattr(R, "_markdown", lambda text: calls.append(("markdown", text)))
    return calls


def test_the_sections_show_a_table_with_its_notes(shown):
    R.visa_avvikelser(_avvikelser(), "Avvikelser", "kontogrupp")
    kind, title, df, kw = shown[0]
    assert (kind, title, kw["name"], kw["decimals"]) == ("table", "Avvikelser", "kontogrupp", 1)
    assert kw["deviation"] == ["Avvikelse perioden", "Avvikelse helår"]
    assert kw["note"] == "En anmärkning." and "Budget helår" in df.columns
    R.visa_investeringar(_avvikelser().iloc[-1:], "Investeringar")
    assert shown[1] == (
        "markdown",
        "Nämnden har inga investeringsprojekt med budget eller utgifter under året.",
    )
    R.visa_anmarkningar([])
    assert len(shown) == 2
    R.visa_anmarkningar(["Ett."])
    assert shown[2] == ("markdown", "**Observera:**\n\n- Ett.")


def test_the_forecast_sections(shown):
    p = _prognoser()
    p.loc[0, "prognos_tkr"] = -8000.0  # below the model's 95 % interval
    R.visa_helarsprognoser(p, "Helårsprognoser", budget_tkr=-6000.0)
    assert shown[0][0] == "table" and shown[0][3]["deviation"] == ["Avvikelse mot budget"]
    assert shown[0][3]["note"] is None
    assert shown[1][0] == "markdown" and "ligger under" in shown[1][1]
    R.visa_prognossakerhet(pd.DataFrame(columns=prognos.SAKERHET_COLUMNS), "Säkerhet")
    assert shown[2][1].startswith("Det finns inte tillräckligt många hela år")
