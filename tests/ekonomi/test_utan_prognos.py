"""A month without any forecast: the budget is never presented as the year's forecast.

A unit without a forecast counts at its budget in the driftsredovisning's total (by the
contract), so in a month where no unit has made a forecast (the sample's January) the
"prognos" columns hold only the budget. The texts must then say that no forecast has been
made, and the key figures must not print the budget as a forecast.
"""

from __future__ import annotations

import math

import pytest

from analysis.ekonomi import kommun
from analysis.kontroller import bas as kontroller
from analysis.ekonomi import resultat
from analysis.ekonomi.drift import compute_investeringsredovisning
from analysis.kontroller.bas import Kontroller


@pytest.fixture(scope="module")
def january(sample_data):
    data = sample_data.as_of("2023-01")
    rr = resultat.compute_resultatrakning(data, "2023-01")
    block = kommun.drift_block(data, "2023-01")
    return data, rr, block


def test_no_forecast_is_known(january, sample_data):
    data, rr, block = january
    assert rr.attrs["har_prognos"] is False and block.attrs["har_prognos"] is False
    april = sample_data.as_of("2023-04")
    assert resultat.compute_resultatrakning(april, "2023-04").attrs["har_prognos"] is True


def test_texts_say_no_forecast_has_been_made(january):
    data, rr, block = january
    text = kommun.rr_text(rr, "2023-01")
    assert "Någon helårsprognos har ännu inte lämnats" in text
    assert "Prognosen för helåret" not in text
    drift = kommun.drift_text(data, block, "2023-01")
    assert "Nämnderna har ännu inte lämnat någon helårsprognos." in drift
    assert "Prognosen" not in drift
    inv = kommun.invest_text(data, "2023-01", "Kommunen")
    assert "Någon helårsprognos för investeringarna har ännu inte lämnats." in inv
    assert "Helårsprognosen" not in inv
    summary = kommun.klartext(data, "2023-01", "Kommunen", rr, block,
                              compute_investeringsredovisning(data, "2023-01"), None, None, None)
    assert "För hela året räknar" not in summary and "enligt prognosen" not in summary


def test_key_figures_print_no_budget_as_forecast(january):
    data, rr, block = january
    kf = kommun.nyckeltal(data, "2023-01", rr, block).set_index("")
    for label in ("Årets resultat, prognos", "Nämndernas nettokostnad, prognos",
                  "Nettoinvesteringar, prognos"):
        assert math.isnan(kf.loc[label, "Utfall/prognos"])
        assert math.isnan(kf.loc[label, "Avvikelse"])
        assert not math.isnan(kf.loc[label, "Budget"])


def test_text_checks_follow(january):
    data, rr, block = january
    text = kommun.rr_text(rr, "2023-01") + "\n" + kommun.drift_text(data, block, "2023-01")
    k = Kontroller()
    kontroller.kontrollera_text(k, "g", text, kontroller.kommun_textkontroller(rr, block,
                                                                                "2023-01"))
    assert len(k) == 5 and k.fel == []


def test_units_without_forecast_are_named_under_the_tables(sample_data):
    data = sample_data.as_of("2023-04")
    block = kommun.drift_block(data, "2023-04")
    assert kommun.prognos_not(block) is None               # every unit has one in April
    rows = block.index[block["id"].isin(["valn", "krev"])]
    partial = block.copy()
    partial.loc[rows, "prognos_helar"] = float("nan")
    note = kommun.prognos_not(partial)
    assert note.startswith("2 av ") and "Valnämnden" in note and "Kommunrevisionen" in note
    assert "räknas med sin budget" in note
    jan = kommun.drift_block(sample_data.as_of("2023-01"), "2023-01")
    assert kommun.prognos_not(jan) is None                  # none at all: the texts say so
