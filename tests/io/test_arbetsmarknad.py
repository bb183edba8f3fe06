"""The ``arbetsloshet`` files (analysis.io.arbetsmarknad): Arbetsförmedlingen's column
names and spellings, masked counts, bad input named by file, line and column, and the
dating of the rows (the April report does not see May)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from analysis.core.errors import InputError
from analysis.io.arbetsmarknad import KINDS, kolumnnyckel, omradestyp_av, vardenyckel
from analysis.io.contract import load_kind, load_register
from analysis.io.dataset import load_data

KIND = KINDS[0]

#: As Arbetsförmedlingen's tables name things: Månad, Region, Andel (%), a masked count.
AF = (
    "Månad;Region;Grupp;Andel (%);Inskrivna arbetslösa;Registerbaserad arbetskraft\r\n"
    "2022-04;Tiny;16-64;5,5;2076;37744\r\n"
    "2023M04;Tiny;16–64 år;4,9;1 861;38 000\r\n"
    "2023-04;Norrbottens län;Totalt 16-64 år;4,4;5 502;125 054\r\n"
    "2023-04;Riket;Ungdomar 18–24 år;7,4;<5;\r\n"
    "2023-04;Tiny;Utrikes födda;12,4;..;\r\n"
)


def _write(raw: Path, text: str, name: str = "arbetsloshet.csv", encoding: str = "cp1252"):
    folder = raw / "arbetsmarknad"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


def _load(raw: Path):
    register = load_register(raw / "organisation.csv")
    return load_kind(KIND, KIND.files(raw), raw, register)


def _problems(raw: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(InputError) as e:
        _load(raw)
    return [(p.file, p.line, p.column, p.message) for p in e.value.problems]


def test_the_kind_is_registered_in_the_contract():
    from analysis.io.contract import KINDS as ALL

    assert ALL["arbetsloshet"] is KIND
    assert (KIND.folder, KIND.required, KIND.split_key) == ("arbetsmarknad", False, "period")


def test_arbetsformedlingens_names_and_spellings_are_read(tiny):
    raw = tiny / "raw"
    _write(raw, AF)
    f = _load(raw)
    assert f["period"].tolist() == [202204, 202304, 202304, 202304, 202304]
    assert f["omrade"].tolist() == ["Tiny", "Tiny", "Norrbottens län", "Riket", "Tiny"]
    # the type read from the name: län, riket, else kommun
    assert f["omradestyp"].tolist() == ["kommun", "kommun", "lan", "riket", "kommun"]
    assert f["grupp"].tolist() == ["16-64", "16-64", "16-64", "18-24", "utrikes_fodda"]
    np.testing.assert_array_equal(f["andel"], [5.5, 4.9, 4.4, 7.4, 12.4])
    # '<5' and '..' are masked by Arbetsförmedlingen: missing, not zero
    np.testing.assert_array_equal(f["antal"], [2076, 1861, 5502, np.nan, np.nan])
    np.testing.assert_array_equal(f["arbetskraft"], [37744, 38000, 125054, np.nan, np.nan])


def test_canonical_names_with_an_explicit_area_type(tiny):
    raw = tiny / "raw"
    _write(
        raw,
        "period,omrade,omradestyp,grupp,andel\n"
        "2023-04,Sverige,Hela landet,16-64,6.2\n"
        "2023-04,Region Norrbotten,Län,18-24,5.8\n"
        "2023-04,Tiny,,utrikes_fodda,12\n",
        encoding="utf-8",
    )
    f = _load(raw)
    assert f["omradestyp"].tolist() == ["riket", "lan", "kommun"]
    # no count column: NaN, never 0
    assert f["antal"].isna().all() and f["arbetskraft"].isna().all()


def test_the_matching_keys():
    assert kolumnnyckel("Andel (%)") == "andel"
    assert kolumnnyckel(" Inskrivna arbetslösa, antal ") == "inskrivna_arbetslosa_antal"
    assert vardenyckel("Ungdomar 18–24 år") == vardenyckel("ungdomar 18-24") == "ungdomar1824"
    assert omradestyp_av("Västerbottens län") == "lan"
    assert omradestyp_av("Hela landet") == "riket"
    assert omradestyp_av("Luleå") == "kommun"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("period;omrade;grupp;andel\n2023-04;Tiny;Kvinnor;4,9\n", 2, "grupp", "'Kvinnor'"),
        (
            "period;omrade;grupp;andel\n2023-04;Tiny;16-64;4,9\n2023-04;Tiny;16-64;104\n",
            3,
            "andel",
            "104",
        ),
        ("period;omrade;grupp;andel\n2023-13;Tiny;16-64;4,9\n", 2, "period", "2023-13"),
        ("period;omrade;grupp;andel;antal\n2023-04;Tiny;16-64;4,9;18,5\n", 2, "antal", "18,5"),
        (
            "period;omrade;omradestyp;grupp;andel\n2023-04;Tiny;stad;16-64;4,9\n",
            2,
            "omradestyp",
            "kommun, län eller riket",
        ),
        ("period;omrade;grupp;andel\n2023-04;;16-64;4,9\n", 2, "omrade", "saknas"),
        (
            "period;omrade;grupp;andel;antal;arbetskraft\n2023-04;Tiny;16-64;4,9;500;400\n",
            2,
            "antal",
            "fler än den registerbaserade arbetskraften",
        ),
    ],
)
def test_bad_cells_are_named_by_file_line_and_column(tiny, text, line, column, words):
    raw = tiny / "raw"
    _write(raw, text, encoding="utf-8")
    problems = _problems(raw)
    assert len(problems) == 1, problems
    file, got_line, got_column, message = problems[0]
    assert (file, got_line, got_column) == ("arbetsmarknad/arbetsloshet.csv", line, column)
    assert words in message


def test_a_month_area_and_group_twice_names_both_lines(tiny):
    raw = tiny / "raw"
    _write(
        raw,
        "Månad;Område;Grupp;Andel\n2023-04;Tiny;16-64;4,9\n2023-04;Riket;16-64;6\n"
        "2023-04;TINY;16–64 år;5,1\n",
        encoding="utf-8",
    )
    [(file, line, column, message)] = _problems(raw)
    assert (line, column) == (4, "Månad")
    assert "rad 2" in message and "'TINY'" in message


def test_a_missing_column_lists_what_was_found(tiny):
    raw = tiny / "raw"
    _write(raw, "period;omrade;andel\n2023-04;Tiny;4,9\n", encoding="utf-8")
    [(file, line, _, message)] = _problems(raw)
    assert (file, line) == ("arbetsmarknad/arbetsloshet.csv", 1)
    assert "'grupp'" in message and "hittade kolumnerna" in message


def test_two_columns_meaning_the_same_are_refused(tiny):
    raw = tiny / "raw"
    _write(
        raw, "period;Månad;omrade;grupp;andel\n2023-04;2023-04;Tiny;16-64;4,9\n", encoding="utf-8"
    )
    [(_, line, _, message)] = _problems(raw)
    assert line == 1 and "'period'" in message and "'Månad'" in message


def test_year_files_must_not_overlap(tiny):
    raw = tiny / "raw"
    row = "period;omrade;grupp;andel\n2023-04;Tiny;16-64;4,9\n"
    _write(raw, row, "arbetsloshet_2022.csv", "utf-8")
    _write(raw, row, "arbetsloshet_2023.csv", "utf-8")
    [(file, _, column, message)] = _problems(raw)
    assert file == "arbetsmarknad/arbetsloshet_2023.csv" and column == "period"
    assert "2023-04" in message and "arbetsloshet_2022.csv" in message


def test_the_april_report_does_not_see_may(tiny):
    raw = tiny / "raw"
    _write(
        raw,
        "period;omrade;grupp;andel\n2023-03;Tiny;16-64;5,2\n2023-04;Tiny;16-64;4,9\n"
        "2023-05;Tiny;16-64;4,6\n",
        encoding="utf-8",
    )
    data = load_data(tiny)
    assert data.arbetsloshet["period"].tolist() == [202303, 202304, 202305]
    april = data.as_of("2023-04").arbetsloshet
    assert april["period"].tolist() == [202303, 202304]
    assert data.as_of("2023-02").arbetsloshet.empty


def test_a_kommun_without_the_folder_has_no_frame(tiny):
    data = load_data(tiny)
    assert data.arbetsloshet is None


def test_a_masked_share_is_missing_not_zero(tiny):
    raw = tiny / "raw"
    _write(raw, "period;omrade;grupp;andel\n2023-04;Tiny;18-24;..\n", encoding="utf-8")
    assert math.isnan(_load(raw)["andel"].iloc[0])
