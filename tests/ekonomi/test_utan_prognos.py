"""A month without any forecast: the budget is never presented as the year's forecast.

A unit without a forecast counts at its budget in the driftsredovisning's total (by the
contract), so in a month where no unit has made a forecast (the sample's January) the
"prognos" columns hold only the budget. The texts must then say that no forecast has been
made, and the key figures must not print the budget as a forecast.
"""

from __future__ import annotations

import math

import pytest

from analysis.ekonomi import block as kommun_block
from analysis.ekonomi import resultat
from analysis.ekonomi.drift import compute_investeringsredovisning
from analysis.ekonomi.investering import invest_text
from analysis.ekonomi.nyckeltal import nyckeltal
from analysis.kontroller.bas import Kontroller
from analysis.kontroller.text import kommun_textkontroller, kontrollera_text
from analysis.rapport.kommun import klartext


@pytest.fixture(scope="module")
def january(sample_data):
    data = sample_data.as_of("2023-01")
    rr = resultat.compute_resultatrakning(data, "2023-01")
    block = kommun_block.drift_block(data, "2023-01")
    return data, rr, block


def test_no_forecast_is_known(january, sample_data):
    data, rr, block = january
    assert rr.attrs["har_prognos"] is False and block.attrs["har_prognos"] is False
    april = sample_data.as_of("2023-04")
    assert resultat.compute_resultatrakning(april, "2023-04").attrs["har_prognos"] is True


def test_texts_say_no_forecast_has_been_made(january):
    data, rr, block = january
    text = kommun_block.rr_text(rr, "2023-01")
    assert "Någon helårsprognos har ännu inte lämnats" in text
    assert "Prognosen för helåret" not in text
    drift = kommun_block.drift_text(data, block, "2023-01")
    assert "Nämnderna har ännu inte lämnat någon helårsprognos." in drift
    assert "Prognosen" not in drift
    inv = invest_text(data, "2023-01", "Kommunen")
    assert "Någon helårsprognos för investeringarna har ännu inte lämnats." in inv
    assert "Helårsprognosen" not in inv
    summary = klartext(
        data,
        "2023-01",
        "Kommunen",
        rr,
        block,
        compute_investeringsredovisning(data, "2023-01"),
        None,
        None,
        None,
    )
    assert "För hela året räknar" not in summary and "enligt prognosen" not in summary


def test_key_figures_print_no_budget_as_forecast(january):
    data, rr, block = january
    kf = nyckeltal(data, "2023-01", rr, block).set_index("id")
    for row in ("resultat_prognos", "namnder_prognos", "investeringar_prognos"):
        assert math.isnan(kf.loc[row, "utfall_prognos"])
        assert math.isnan(kf.loc[row, "avvikelse"])
        assert not math.isnan(kf.loc[row, "budget"])


def test_text_checks_follow(january):
    data, rr, block = january
    text = (
        kommun_block.rr_text(rr, "2023-01") + "\n" + kommun_block.drift_text(data, block, "2023-01")
    )
    k = Kontroller()
    kontrollera_text(k, "g", text, kommun_textkontroller(rr, block, "2023-01"))
    assert len(k) == 5 and k.fel == []


def test_units_without_forecast_are_named_under_the_tables(sample_data):
    data = sample_data.as_of("2023-04")
    block = kommun_block.drift_block(data, "2023-04")
    assert kommun_block.prognos_not(block) is None  # every unit has one in April
    rows = block.index[block["id"].isin(["valn", "krev"])]
    partial = block.copy()
    partial.loc[rows, "prognos_helar"] = float("nan")
    note = kommun_block.prognos_not(partial)
    assert note.startswith("2 av ") and "Valnämnden" in note and "Kommunrevisionen" in note
    assert "räknas med sin budget" in note
    jan = kommun_block.drift_block(sample_data.as_of("2023-01"), "2023-01")
    assert kommun_block.prognos_not(jan) is None  # none at all: the texts say so
