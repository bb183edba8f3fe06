"""The input kinds ``balans`` and ``balanskrav``: parsing, errors with file, line and
column, and dating."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core.errors import InputError
from analysis.io import bokslut
from analysis.io.contract import KINDS
from analysis.io.dataset import load_data
from tests.ekonomi.test_balans import BALANS


def _write(tiny, name: str, text: str) -> None:
    (tiny / "raw" / "ekonomi" / name).write_text(text, encoding="utf-8")


def _problems(tiny) -> list:
    with pytest.raises(InputError) as e:
        load_data(tiny)
    return e.value.problems


def test_balans_parses_periods_signs_and_extras(tiny):
    _write(tiny, "balans_2023.csv", BALANS)
    b = load_data(tiny).balans
    ib = b[b["manad"] == 0]
    assert set(ib["ar"]) == {2023} and set(ib["period"]) == {202300}
    row = b[(b["konto"] == 2350)]
    assert row["belopp"].tolist() == [-400000.0]  # accounting sign kept
    assert row["belopp_kr"].tolist() == [400000.0]  # a credit balance shown positive
    assert b.loc[b["konto"] == 1110, "belopp_kr"].tolist() == [1000000.0, 100000.0]
    assert "benamning" in b and (b["handelse"] == "").all()
    assert b["period"].is_monotonic_increasing


def test_balanskrav_file_is_not_read_as_balans(tiny):
    _write(tiny, "balans_2023.csv", BALANS)
    _write(tiny, "balanskrav.csv", "ar;post;belopp\n2023;disposition_rur;1000\n")
    data = load_data(tiny)
    assert set(data.balans["konto"]) == {1110, 1930, 2010, 2350, 2440, 1510}
    assert data.balanskrav.to_dict("records") == [
        {"ar": 2023, "post": "disposition_rur", "belopp_kr": 1000.0}
    ]
    files = [p.name for p in KINDS["balans"].files(tiny / "raw")]
    assert files == ["balans_2023.csv"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2023-01;3010;100", "konto", "inget balanskonto"),
        ("2023-13;1930;100", "period", "månaden måste vara 00"),
        ("2023-xx;1930;100", "period", "ingen period"),
        ("2023-01;1930;hundra", "belopp", "hundra"),
        ("2023-01;1930;100;såld", "handelse", "avyttring"),
        ("2023-01;1930;100;avyttring", "handelse", "10–12"),
    ],
)
def test_bad_balans_rows_name_file_line_and_column(tiny, row, column, words):
    text = "period;konto;belopp;handelse\n2023-00;1930;0;\n" + row + "\n"
    _write(tiny, "balans_2023.csv", text)
    problems = _problems(tiny)
    hit = [p for p in problems if p.file == "ekonomi/balans_2023.csv"]
    assert hit, problems
    assert hit[0].line == 3 and hit[0].column == column
    assert words in hit[0].message


def test_a_year_without_ingaende_balans_is_an_error(tiny):
    _write(tiny, "balans_2023.csv", "period;konto;belopp\n2023-01;1930;100\n")
    (p,) = _problems(tiny)
    assert p.file == "ekonomi/balans_2023.csv" and p.line == 2 and p.column == "period"
    assert "2023-00" in p.message


def test_overlapping_balans_files_are_refused(tiny):
    _write(tiny, "balans_2023.csv", BALANS)
    _write(tiny, "balans_2023b.csv", "period;konto;belopp\n2023-00;1930;1\n")
    problems = _problems(tiny)
    assert any("finns också i" in p.message for p in problems)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2023;vinst;100", "post", "disposition_rur"),
        ("2023;disposition_rur;-100", "belopp", "negativt"),
        ("20x3;disposition_rur;100", "ar", ""),
    ],
)
def test_bad_balanskrav_rows(tiny, row, column, words):
    _write(tiny, "balanskrav.csv", "ar;post;belopp\n" + row + "\n")
    (p, *_) = _problems(tiny)
    assert (p.file, p.line, p.column) == ("ekonomi/balanskrav.csv", 2, column)
    assert words in p.message


def test_duplicate_balanskrav_post(tiny):
    _write(
        tiny, "balanskrav.csv", "ar;post;belopp\n2023;reservering_rur;1\n2023;reservering_rur;2\n"
    )
    (p,) = _problems(tiny)
    assert p.line == 3 and "redan" in p.message


def test_dating(tiny):
    _write(tiny, "balans_2023.csv", BALANS)
    _write(
        tiny, "balanskrav.csv", "ar;post;belopp\n2023;disposition_rur;1\n2024;disposition_rur;2\n"
    )
    data = load_data(tiny)
    april = data.as_of("2023-04")
    assert april.balans["period"].max() == 202304
    assert (april.balans["manad"] == 0).sum() == 5  # the ingående balans is known
    assert data.as_of("2022-12").balans is None or len(data.as_of("2022-12").balans) == 0
    assert april.balanskrav["ar"].tolist() == [2023]
    mask = bokslut.dated_by_period(data.balans, 202301)
    assert mask.sum() == 7 and isinstance(mask, np.ndarray)
