"""A nämnd's economy for display: labels, mkr, the forecast chart and the report's sections."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.core.errors import ArgumentError, ConfigurationError, InputError
from analysis.ekonomi import prognos
from analysis.io.dataset import load_data
from analysis.kontroller.bas import Kontroller
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


@pytest.fixture
def tiny_data(tiny):
    return load_data(tiny).as_of("2023-04")


BUN = "Barn- och utbildningsnämnden"


def test_forbered_gathers_the_figures_of_the_tiny_kommun(tiny_data):
    r = R.forbered(tiny_data, "bun", "2023-04")
    assert (r.namn, r.nyckel, r.anmarkningar, str(r.period)) == (BUN, "fil", [], "2023-04")
    # utfall jan–apr (report sign, tkr): revenue 3110 +20, 4010 −50, 5010 −(100 + 110 + 90)
    # = −300; Förskola −100 + 20 = −80, Grundskola −110 − 90 − 50 = −250; total −330.
    # Budget for the year: 5010 −1 200, 3110 +60, total −1 140.
    kg = r.per_kontogrupp.set_index("kontogrupp")
    assert kg["utfall_period"].to_dict() == pytest.approx(
        {
            "Verksamhetens intäkter": 20.0,
            "Material och tjänster": -50.0,
            "Personalkostnader": -300.0,
            "Totalt": -330.0,
        }
    )
    assert kg.loc["Totalt", "budget_helar"] == pytest.approx(-1140.0)
    vh = r.per_verksamhet.set_index("verksamhet")["utfall_period"]
    assert (vh["Förskola"], vh["Grundskola"], vh["Totalt"]) == pytest.approx((-80, -250, -330))
    assert r.budget_helar_tkr == pytest.approx(-1140.0)
    # forecasts: the ekonom's −1 170; årstakt −330 / 4 · 12 = −990; utfall plus the
    # remaining twelfths −330 + 8/12 · (−1 140) = −1 090
    pr = r.prognoser.set_index("metod")["prognos_tkr"]
    assert (pr["manuell"], pr["arstakt"], pr["aterstaende_budget"]) == pytest.approx(
        (-1170.0, -990.0, -1090.0)
    )
    # the key figures in mkr: the period −0,33 against −0,38 (4/12 of the budget)
    assert r.nyckeltal.iloc[0, 1:].tolist() == pytest.approx([-0.33, -0.38, 0.05])
    assert r.ackumulerat.set_index("Månad").loc["apr", "Utfall 2023"] == pytest.approx(-330.0)
    # one investment budget of 500 000 kr without a project, and the total
    assert r.investeringar["projekt"].tolist() == ["Ej angiven", "Totalt"]
    assert r.investeringar["budget_helar"].tolist() == pytest.approx([-500.0, -500.0])
    assert r.kommentar.startswith("#### Automatiskt genererad kommentar")
    assert "−0,3 mkr" in r.kommentar


def test_forbered_takes_the_periodisation_key_of_the_namnd(tiny_data):
    assert R.forbered(tiny_data, "bun", "2023-04", {"sn": "historisk"}).nyckel == "fil"
    assert R.forbered(tiny_data, "bun", "2023-04", {"bun": "tolftedelar"}).nyckel == "tolftedelar"
    with pytest.raises(ArgumentError, match="Okänd periodiseringsnyckel 'kvartal'"):
        R.forbered(tiny_data, "bun", "2023-04", "kvartal")


def test_forbered_refuses_an_unknown_namnd_and_a_period_without_utfall(tiny):
    with pytest.raises(ConfigurationError, match="Nämnden 'okand' finns inte"):
        R.forbered(load_data(tiny).as_of("2023-04"), "okand", "2023-04")
    # the tiny kommun has no utfall after May 2023
    with pytest.raises(InputError, match="Det finns inget utfall för juni 2023"):
        R.forbered(load_data(tiny).as_of("2023-06"), "bun", "2023-06")


def test_the_sections_show_their_tables_with_titles_built_here(tiny_data, shown):
    r = R.forbered(tiny_data, "bun", "2023-04")
    R.visa_anmarkningar(r)
    assert shown == []  # nothing is missing
    R.visa_nyckeltal(r)
    R.visa_per_kontogrupp(r)
    R.visa_per_verksamhet(r)
    R.visa_investeringar(r)
    assert [(c[1], c[3]["name"]) for c in shown] == [
        (f"Nyckeltal för {BUN}, mkr", "nyckeltal"),
        (f"Avvikelser per kontogrupp, {BUN}, mkr", "kontogrupp"),
        (f"Avvikelser per verksamhet, {BUN}, mkr", "verksamhet"),
        (f"Investeringar per projekt, {BUN}, mkr", "investeringar"),
    ]
    kind, _, df, kw = shown[1]
    assert kw["deviation"] == ["Avvikelse perioden", "Avvikelse helår"] and kw["decimals"] == 1
    assert df.set_index("Kontogrupp").loc["Totalt", "Utfall perioden"] == pytest.approx(-0.33)
    shown.clear()
    R.visa_investeringar(dataclasses.replace(r, investeringar=r.investeringar.iloc[-1:]))
    R.visa_anmarkningar(dataclasses.replace(r, anmarkningar=["Ett."]))
    R.visa_kommentar(r)
    assert shown == [
        ("markdown", "Nämnden har inga investeringsprojekt med budget eller utgifter under året."),
        ("markdown", "**Observera:**\n\n- Ett."),
        ("markdown", r.kommentar),
    ]


def test_the_forecast_sections(tiny_data, shown):
    r = R.forbered(tiny_data, "bun", "2023-04")
    R.visa_helarsprognoser(r)
    assert len(shown) == 1  # no model interval, so no sentence about it
    kind, title, df, kw = shown[0]
    assert (kind, title, kw["deviation"]) == (
        "table",
        f"Helårsprognoser {BUN}, mkr",
        ["Avvikelse mot budget"],
    )
    # the ekonom's −1 170 against the budget −1 140: −0,03 mkr
    assert df["Avvikelse mot budget"].iloc[0] == pytest.approx(-0.03)
    p = _prognoser()
    p.loc[0, "prognos_tkr"] = -8000.0  # below the model's 95 % interval
    R.visa_helarsprognoser(dataclasses.replace(r, prognoser=p, budget_helar_tkr=-6000.0))
    assert shown[2][0] == "markdown" and "ligger under" in shown[2][1]
    R.visa_prognossakerhet(r)
    assert shown[3][:2] == ("table", f"Prognossäkerhet {BUN}")
    tom = pd.DataFrame(columns=prognos.SAKERHET_COLUMNS)
    R.visa_prognossakerhet(dataclasses.replace(r, sakerhet=tom))
    assert shown[4][1].startswith("Det finns inte tillräckligt många hela år")


def test_the_charts(tiny_data):
    r = R.forbered(tiny_data, "bun", "2023-04")
    fig = R.figur_helarsprognoser(r)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == f"Helårsprognoser med osäkerhetsintervall, {BUN}"
    assert ax.get_xlabel() == "mkr (nettokostnad)"  # the budget is a net cost
    fig = R.figur_ackumulerat(r)
    assert isinstance(fig, Figure)


def test_kontrollera_the_tables_against_the_ledger(tiny_data):
    r = R.forbered(tiny_data, "bun", "2023-04")
    k = Kontroller()
    R.kontrollera(k, r)
    # the driftsredovisning against the ledger (5); per table the rows' utfall and the
    # total's budget for the year and for the period (2 × 3); the projects against the
    # investeringsredovisning (utfall, budget: 2)
    assert len(k) == 13 and not k.fel
    # with another key than the file's the period budget is not compared
    k = Kontroller()
    R.kontrollera(k, dataclasses.replace(r, nyckel="tolftedelar"))
    assert len(k) == 11 and not k.fel
    tabeller = [c.kontroll for c in k.rader if c.grupp == "Samma tal i två tabeller"]
    assert len(tabeller) == 6 and not any("budget perioden" in t for t in tabeller)


@pytest.mark.parametrize("namnd", ["bun", "ks-koll"])
def test_the_report_of_the_sample(sample_data, namnd, shown):
    r = R.forbered(sample_data.as_of("2023-04"), namnd, "2023-04", "historisk")
    for visa in (
        R.visa_anmarkningar,
        R.visa_nyckeltal,
        R.visa_per_kontogrupp,
        R.visa_per_verksamhet,
        R.visa_helarsprognoser,
        R.visa_prognossakerhet,
        R.visa_investeringar,
        R.visa_kommentar,
    ):
        visa(r)
    assert shown and isinstance(R.figur_helarsprognoser(r), Figure)
    k = Kontroller()
    R.kontrollera(k, r)
    assert len(k) and not k.fel
