"""Issue 12, item 16: empty files and absurd amounts.

A header-only utfall file ended in a traceback ("cannot convert float NaN to integer");
an amount of 1,7e308 was accepted and the export wrote ``-inf``. Now: a clear message
for a required kind without data rows, and every amount that is not finite or beyond
±10 000 miljarder kr (1e13) is refused with file, line and column.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core.errors import InputError
from analysis.io.contract import KINDS, load_kind, load_register
from analysis.io.dataset import load_data


def test_header_only_utfall_gives_a_clear_message(tiny):
    eko = tiny / "raw" / "ekonomi"
    (eko / "utfall_2022.csv").unlink()
    (eko / "utfall_2023.csv").write_text("period;namnd;konto;belopp\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    assert "ekonomi/utfall_2023.csv" in msg and "inga datarader" in msg
    assert not (tiny / "processed").exists() or not list((tiny / "processed").glob("*.parquet"))


def test_one_empty_year_file_beside_a_full_one_is_fine(tiny):
    (tiny / "raw" / "ekonomi" / "utfall_2024.csv").write_text(
        "period;namnd;konto;belopp\n", encoding="utf-8"
    )
    assert str(load_data(tiny).last_period) == "2023-05"


@pytest.mark.parametrize(
    "kind, line",
    [
        ("utfall", "2023-04;bun;5010;{}\n"),
        ("budget", "2023,bun,4010,{},drift\n"),
        ("prognos", "2023;4;sn;{}\n"),
    ],
)
@pytest.mark.parametrize(
    "amount",
    ["1,7e308", "-1,7e308", "1e999", "inf", "-inf", "NaN", "Infinity", "20000000000000", "-1,5e13"],
)
def test_non_finite_and_absurd_amounts_are_refused_with_file_line_column(tiny, kind, line, amount):
    files = {
        "utfall": "ekonomi/utfall_2023.csv",
        "budget": "ekonomi/budget.csv",
        "prognos": "ekonomi/prognos.csv",
    }
    path = tiny / "raw" / files[kind]
    text = path.read_text(encoding="utf-8")
    rows = text.count("\n")
    sep = ";" if kind != "budget" else ","
    value = f'"{amount}"' if sep == "," and "," in amount else amount
    path.write_text(text + line.format(value), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    assert f"{files[kind]}, rad {rows + 1}, kolumn 'belopp'" in msg, msg


def test_large_but_real_amounts_still_load(tiny):
    path = tiny / "raw" / "ekonomi" / "utfall_2023.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "2023-04;skatt;8010;-9 999 999 999 999\n",
        encoding="utf-8",
    )
    data = load_data(tiny)
    assert data.utfall["belopp_kr"].max() == 9_999_999_999_999.0
    assert np.isfinite(data.utfall["belopp_kr"].sum())


def test_investment_amounts_are_bounded_too(tiny):
    raw = tiny / "raw"
    register = load_register(raw / "organisation.csv")
    path = raw / "ekonomi" / "investeringar.csv"
    path.write_text(
        "period;namnd;projekt;belopp\n2023-01;bun;P1;100\n2023-02;bun;P1;1,7e308\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"investeringar.csv, rad 3, kolumn 'belopp'"):
        load_kind(KINDS["investeringar"], [path], raw, register)


def test_absurd_population_counts_are_refused(tiny):
    path = tiny / "raw" / "befolkning" / "folkmangd.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2022,M,5,1e300\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"folkmangd.csv, rad 5, kolumn 'antal'"):
        load_data(tiny)
