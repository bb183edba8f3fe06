"""Building blocks of the report notebooks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from analysis.core.labels import DRIFT
from analysis.rapport.notebook import KOMMUN_STANDARD, drift_table, kommun_namn


def _data(units: dict) -> SimpleNamespace:
    return SimpleNamespace(
        register=SimpleNamespace(
            units={uid: SimpleNamespace(namn=namn) for uid, namn in units.items()}
        )
    )


def test_kommun_namn_from_the_register(monkeypatch):
    monkeypatch.setenv("ANALYSIS_KOMMUN", "Annan kommun")
    assert (
        kommun_namn(_data({"bun": "Barn- och utbildningsnämnden", "kommun": "Luleå kommun"}))
        == "Luleå kommun"
    )
    assert kommun_namn(_data({"kf": "Kommunfullmäktige"})) == "Kommunfullmäktige"


def test_kommun_namn_without_a_kommun_row(monkeypatch):
    monkeypatch.delenv("ANALYSIS_KOMMUN", raising=False)
    assert kommun_namn(_data({"bun": "Barn- och utbildningsnämnden"})) == KOMMUN_STANDARD
    assert KOMMUN_STANDARD == "Exempelkommunen"
    monkeypatch.setenv("ANALYSIS_KOMMUN", "Annan kommun")
    assert kommun_namn(_data({})) == "Annan kommun"


def test_kommun_namn_of_the_sample(sample_data):
    assert kommun_namn(sample_data) == "Exempelkommunen"


def test_drift_table_has_the_core_labels_in_mkr(sample_data):
    from analysis.ekonomi.drift import compute_driftsredovisning

    table = drift_table(sample_data, "2023-04")
    drift = compute_driftsredovisning(sample_data, "2023-04")
    assert list(table.columns) == ["Nämnd", *(DRIFT[c] for c in drift.columns if c != "namnd")]
    assert table["Nämnd"].iloc[0] == sample_data.register.namn(drift["namnd"].iloc[0])
    assert table["Utfall perioden"].iloc[0] == pytest.approx(drift["utfall_period"].iloc[0] / 1000)
