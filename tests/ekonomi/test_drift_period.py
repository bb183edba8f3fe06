"""An empty or incomplete period: refused with a clear Swedish message, or warned about."""

from __future__ import annotations

import pytest

from analysis.core.errors import InputError
from analysis.ekonomi.drift import indata_anmarkningar, kontrollera_period
from analysis.io.dataset import load_data
from tests.conftest import TINY, write_tiny


def test_a_period_without_utfall_is_refused_naming_the_last_month(tiny):
    data = load_data(tiny)  # the tiny kommun has utfall up to May 2023
    with pytest.raises(InputError) as e:
        kontrollera_period(data, "2024-04")
    msg = str(e.value)
    assert "Det finns inget utfall för april 2024 i " in msg
    assert "raw/ekonomi (senaste månad med utfall: maj 2023)" in msg
    # the nämnd report's own check refuses it too, instead of showing zeros
    with pytest.raises(InputError, match="inget utfall för april 2024"):
        indata_anmarkningar(data, "bun", "2024-04")
    # a month inside the data but without postings is refused as well
    with pytest.raises(InputError, match="inget utfall för juni 2023"):
        kontrollera_period(data, "2023-06")


def test_a_complete_period_gives_no_warning(tiny):
    assert kontrollera_period(load_data(tiny), "2023-04") == []


def test_utfall_without_budget_or_forecast_is_warned_about(tmp_path):
    files = dict(TINY)
    files["ekonomi/utfall_2024.csv"] = "period;namnd;konto;belopp\n2024-01;bun;5010;1000\n"
    raw = write_tiny(tmp_path / "data" / "raw")
    (raw / "ekonomi" / "utfall_2024.csv").write_text(
        files["ekonomi/utfall_2024.csv"], encoding="utf-8"
    )
    data = load_data(tmp_path / "data")
    msgs = kontrollera_period(data, "2024-01")
    assert len(msgs) == 2
    assert msgs[0].startswith("Det finns ingen driftbudget för 2024 i ")
    assert msgs[1].startswith("Det finns ingen helårsprognos för 2024 gjord senast per januari")


def test_a_namnd_with_utfall_but_no_budget_is_named(tmp_path):
    raw = write_tiny(tmp_path / "data" / "raw")
    text = TINY["ekonomi/budget.csv"].replace("2023,sn,5010,900000,drift\n", "")
    (raw / "ekonomi" / "budget.csv").write_text(text, encoding="utf-8")
    msgs = kontrollera_period(load_data(tmp_path / "data"), "2023-04")
    assert msgs == [
        "Driftbudget för 2023 saknas för Socialnämnden, som har utfall under "
        "perioden; dess budget och avvikelser visas som 0."
    ]
