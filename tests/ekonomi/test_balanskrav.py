"""The balanskravsutredning: by hand on the tiny kommun, with and without the file."""

from __future__ import annotations

import pytest

from analysis.ekonomi import balanskrav
from analysis.ekonomi.resultat import compute_resultatrakning
from analysis.io.dataset import load_data
from tests.ekonomi.test_balans import values, write_bokslut

KRAV = (
    "ar,post,belopp\n"
    "2023,disposition_rur,50000\n"
    "2023,realisationsvinst_undantag,7000\n"
    "2023,ej_aterstallt_underskott,90000\n"
    "2022,reservering_rur,1000\n"
)


def test_by_hand_with_the_file(tiny):
    data = write_bokslut(tiny, KRAV)
    bk = balanskrav.balanskravsutredning(data, "2023-04")
    v = values(bk)
    assert v[balanskrav.RESULTAT] == pytest.approx(510.0)
    assert v[balanskrav.REALISATIONSVINSTER_RAD] == pytest.approx(0.0)
    assert v["Realisationsvinster enligt undantagsmöjlighet"] == pytest.approx(7.0)
    assert v[balanskrav.EFTER_JUSTERINGAR] == pytest.approx(517.0)
    assert v["Disposition från resultatutjämningsreserv"] == pytest.approx(50.0)
    assert v[balanskrav.BALANSKRAVSRESULTAT] == pytest.approx(567.0)
    assert v[balanskrav.UNDERSKOTT] == pytest.approx(90.0)
    rr = compute_resultatrakning(data, "2023-04").set_index("id")
    p = values(bk, "prognos")
    assert p[balanskrav.RESULTAT] == pytest.approx(rr.loc["arets_resultat", "prognos_helar"])
    assert p[balanskrav.BALANSKRAVSRESULTAT] == pytest.approx(p[balanskrav.RESULTAT] + 57.0)
    # 2022: its result (a cost of 1 000 kr) less its reservation
    fg = values(bk, "fg_ar")
    assert fg[balanskrav.RESULTAT] == pytest.approx(-1.0)
    assert fg["Reservering till resultatutjämningsreserv"] == pytest.approx(-1.0)
    assert fg[balanskrav.BALANSKRAVSRESULTAT] == pytest.approx(-2.0)
    assert bk.attrs["justeringar_angivna"] is True
    assert bk.attrs["prognos_realisationsvinster"] == "utfall"
    assert bk.attrs["uppfyllt"] == (p[balanskrav.BALANSKRAVSRESULTAT] >= 0)


def test_without_the_file_the_adjustments_are_zero_and_said(tiny):
    data = load_data(tiny)
    bk = balanskrav.balanskravsutredning(data, "2023-04")
    v = values(bk)
    assert v[balanskrav.BALANSKRAVSRESULTAT] == pytest.approx(v[balanskrav.RESULTAT])
    assert bk.attrs["justeringar_angivna"] is False


def test_realisationsvinster_are_deducted(tiny):
    raw = tiny / "raw" / "ekonomi"
    with (raw / "utfall_2023.csv").open("a", encoding="utf-8") as f:
        f.write("2023-02;skatt;3610;-40000,00;\n")
    data = load_data(tiny)
    v = values(balanskrav.balanskravsutredning(data, "2023-04"))
    assert v[balanskrav.RESULTAT] == pytest.approx(550.0)
    assert v[balanskrav.REALISATIONSVINSTER_RAD] == pytest.approx(-40.0)
    assert v[balanskrav.BALANSKRAVSRESULTAT] == pytest.approx(510.0)


def test_the_forecasts_own_realisationsvinster_when_stated(tiny):
    raw = tiny / "raw" / "ekonomi"
    (raw / "prognos.csv").write_text(
        "ar;prognosmanad;namnd;belopp;kontogrupp\n"
        "2023;4;bun;1170000;\n"
        "2023;4;skatt;-25000;Realisationsvinster\n",
        encoding="utf-8",
    )
    (raw / "kontoplan.csv").write_text(
        "konto_fran;konto_till;grupp\n3000;3599;Verksamhetens intäkter\n"
        "3600;3699;Realisationsvinster\n3700;8999;Övrigt\n",
        encoding="utf-8",
    )
    data = load_data(tiny)
    bk = balanskrav.balanskravsutredning(data, "2023-04")
    assert bk.attrs["prognos_realisationsvinster"] == "prognos"
    assert values(bk, "prognos")[balanskrav.REALISATIONSVINSTER_RAD] == pytest.approx(-25.0)
