"""Tests of :mod:`analysis.io.scb`: SCB's wide CSV exports into the contract's long format."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.befolkning.prognos import BefolkningData
from analysis.core.errors import ArgumentError, InputError
from analysis.io.scb import (
    read_scb_doda,
    read_scb_flyttningar,
    read_scb_fodda,
    read_scb_folkmangd,
    read_scb_table,
)

FOLKMANGD = (
    '"Folkmängden efter region, ålder, kön och år"\n'
    '"Källa: SCB"\n'
    "\n"
    '"region","ålder","kön","2019","2020"\n'
    '"2580 Luleå","0 år","män",409,400\n'
    '"2580 Luleå","0 år","kvinnor",380,390\n'
    '"2580 Luleå","1 år","män",401,411\n'
    '"2580 Luleå","100+ år","kvinnor",12,14\n'
    '"2580 Luleå","totalt ålder","män",1000,1000\n'
    "\n"
    '"Fotnot: folkmängden den 31 december."\n'
)

EXPECTED = pd.DataFrame(
    {
        "ar": [2019] * 4 + [2020] * 4,
        "kon": ["K", "K", "M", "M"] * 2,
        "alder": [0, 100, 0, 1] * 2,
        "antal": [380.0, 12, 409, 401, 390, 14, 400, 411],
    }
)


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_folkmangd_encodings_and_titles(tmp_path, encoding):
    path = write(tmp_path / "folkmangd.csv", FOLKMANGD, encoding)
    out = read_scb_folkmangd(path)
    pd.testing.assert_frame_equal(out, EXPECTED, check_dtype=False)
    # the result is accepted by the population module
    BefolkningData(
        out,
        pd.DataFrame(columns=["ar", "moderns_alder", "kon", "antal"]),
        pd.DataFrame(columns=["ar", "kon", "alder", "antal"]),
        pd.DataFrame(columns=["ar", "kon", "alder", "riktning", "omrade", "antal"]),
    )


def test_semicolon_unquoted_and_thousands(tmp_path):
    text = (
        "Folkmängd\nregion;ålder;kön;2019;2020\n"
        "2580 Luleå;0 år;män;1 409;1\u00a0400\n2580 Luleå;0 år;kvinnor;-;2\n"
    )
    out = read_scb_folkmangd(write(tmp_path / "f.csv", text, "cp1252"))
    assert out["antal"].tolist() == [0.0, 1409.0, 2.0, 1400.0]


def test_monthly_columns(tmp_path):
    text = '"region","ålder","kön","2023M01","2023M02"\n"2580 Luleå","5 år","kvinnor",10,11\n'
    out = read_scb_folkmangd(write(tmp_path / "m.csv", text, "utf-8"))
    assert list(out.columns) == ["ar", "manad", "kon", "alder", "antal"]
    assert out["manad"].tolist() == [1, 2]


def test_region_choice(tmp_path):
    text = (
        '"region","ålder","kön","2019"\n"2580 Luleå","0 år","män",409\n'
        '"2581 Piteå","0 år","män",200\n'
    )
    path = write(tmp_path / "r.csv", text, "utf-8")
    with pytest.raises(ArgumentError, match="'region'.*r.csv har flera regioner") as err:
        read_scb_folkmangd(path)
    assert err.value.argument == "region"
    assert read_scb_folkmangd(path, region="Piteå")["antal"].tolist() == [200.0]
    assert read_scb_folkmangd(path, region="2580")["antal"].tolist() == [409.0]
    with pytest.raises(ArgumentError, match="'Kiruna' finns inte i r.csv; kända värden"):
        read_scb_folkmangd(path, region="Kiruna")


def test_errors_name_file_line_column(tmp_path):
    text = (
        'titel\n"region","ålder","kön","2019","2020"\n"2580 Luleå","0 år","män",409,400\n'
        '"2580 Luleå","1 år","män",..,400\n'
    )
    path = write(tmp_path / "bad.csv", text, "utf-8")
    with pytest.raises(InputError) as err:
        read_scb_folkmangd(path)
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("bad.csv", 4, "2019")
    assert "'..'" in str(err.value)

    text = '"region","ålder","kön","2019"\n"2580 Luleå","0 år","okänt",1\n'
    with pytest.raises(InputError) as err:
        read_scb_folkmangd(write(tmp_path / "sex.csv", text, "utf-8"))
    assert err.value.problems[0].line == 2 and err.value.problems[0].column == "kön"
    assert "'kvinnor'" in str(err.value)

    with pytest.raises(InputError, match="rubrikrad"):
        read_scb_folkmangd(write(tmp_path / "none.csv", "a,b\n1,2\n", "utf-8"))

    text = '"region","ålder","kön","2019"\n"2580 Luleå","0 år","män",1,2\n'
    with pytest.raises(InputError) as err:
        read_scb_folkmangd(write(tmp_path / "fields.csv", text, "utf-8"))
    assert err.value.problems[0].line == 2


def test_doda_and_fodda(tmp_path):
    doda = (
        '"Döda efter region, ålder (uppnådd ålder under året) och kön"\n'
        '"region","ålder (uppnådd ålder under året)","kön","2022"\n'
        '"2580 Luleå","85 år","kvinnor",7\n"2580 Luleå","100+ år","män",1\n'
    )
    out = read_scb_doda(write(tmp_path / "d.csv", doda, "cp1252"))
    assert out.to_dict("list") == {
        "ar": [2022, 2022],
        "kon": ["K", "M"],
        "alder": [85, 100],
        "antal": [7.0, 1.0],
    }
    fodda = (
        '"region","moderns ålder","barnets kön","2022"\n'
        '"2580 Luleå","-14 år","pojkar",1\n"2580 Luleå","30 år","flickor",20\n'
        '"2580 Luleå","49+ år","flickor",1\n"2580 Luleå","totalt","flickor",21\n'
    )
    out = read_scb_fodda(write(tmp_path / "b.csv", fodda, "utf-8"))
    assert out.to_dict("list") == {
        "ar": [2022] * 3,
        "moderns_alder": [14, 30, 49],
        "kon": ["M", "K", "K"],
        "antal": [1.0, 20.0, 1.0],
    }


def test_flyttningar(tmp_path):
    text = (
        '"region","ålder","kön","tabelluppgift","2022"\n'
        '"2580 Luleå","20 år","kvinnor","inflyttningar inom länet",5\n'
        '"2580 Luleå","20 år","kvinnor","inflyttningar från annat län",6\n'
        '"2580 Luleå","20 år","kvinnor","invandringar",2\n'
        '"2580 Luleå","20 år","kvinnor","utflyttningar till annat län",3\n'
        '"2580 Luleå","20 år","kvinnor","utvandringar",1\n'
    )
    out = read_scb_flyttningar(write(tmp_path / "fl.csv", text, "cp1252"))
    got = {(r.riktning, r.omrade): r.antal for r in out.itertuples()}
    assert got == {
        ("in", "inom_lanet"): 5,
        ("in", "annat_lan"): 6,
        ("in", "utlandet"): 2,
        ("ut", "annat_lan"): 3,
        ("ut", "utlandet"): 1,
    }
    bad = text + '"2580 Luleå","20 år","kvinnor","flyttnetto",9\n'
    with pytest.raises(InputError, match="okänt slag") as err:
        read_scb_flyttningar(write(tmp_path / "fl2.csv", bad, "utf-8"))
    assert err.value.problems[0].line == 7


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.tuples(
            st.integers(0, 105),
            st.sampled_from(["män", "kvinnor"]),
            st.integers(0, 99_999),
            st.integers(0, 99_999),
        ),
        min_size=1,
        max_size=30,
    ),
    encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_roundtrip_property(tmp_path, values, encoding, delimiter):
    d = delimiter
    lines = ['"Folkmängd"', d.join(['"region"', '"ålder"', '"kön"', '"2019"', '"2020"'])]
    for age, sex, a, b in values:
        label = "100+ år" if age >= 100 else f"{age} år"
        lines.append(d.join(['"2580 Luleå"', f'"{label}"', f'"{sex}"', str(a), str(b)]))
    path = write(tmp_path / "p.csv", "\n".join(lines) + "\n", encoding)
    out = read_scb_folkmangd(path)
    long = pd.DataFrame(values, columns=["alder", "kon", "2019", "2020"])
    long["alder"] = long["alder"].clip(upper=100)
    long["kon"] = long["kon"].map({"män": "M", "kvinnor": "K"})
    expected = long.melt(id_vars=["alder", "kon"], var_name="ar", value_name="antal")
    expected["ar"] = expected["ar"].astype(int)
    expected = expected.groupby(["ar", "kon", "alder"], as_index=False)["antal"].sum()
    pd.testing.assert_frame_equal(out, expected[["ar", "kon", "alder", "antal"]], check_dtype=False)
    assert out["antal"].sum() == sum(a + b for _, _, a, b in values)


def test_read_scb_table_keeps_dimensions(tmp_path):
    path = write(tmp_path / "t.csv", FOLKMANGD, "utf-8")
    raw = read_scb_table(path)
    assert {"region", "ålder", "kön", "ar", "antal"} <= set(raw.columns)
    assert len(raw) == 10


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(tmp_path, newline):
    path = write(tmp_path / "folkmangd.csv", FOLKMANGD.replace("\n", newline), "cp1252")
    pd.testing.assert_frame_equal(read_scb_folkmangd(path), EXPECTED, check_dtype=False)


def test_an_export_is_read_as_every_input_file(tmp_path):
    # the same reader as the contract's files: a link is refused, not followed ...
    real = write(tmp_path / "folkmangd.csv", FOLKMANGD, "utf-8")
    link = tmp_path / "lank.csv"
    link.symlink_to(real)
    with pytest.raises(InputError, match=r"^lank.csv: filen är en symbolisk länk"):
        read_scb_table(link)
    # ... a file mixing UTF-8 and Windows-1252 is refused with its line ...
    mixed = FOLKMANGD.encode("utf-8").replace(b"kvinnor", "kvinnör".encode("cp1252"))
    (tmp_path / "blandad.csv").write_bytes(mixed)
    with pytest.raises(InputError, match=r"^blandad.csv, rad 1: filen blandar teckenkodningar"):
        read_scb_table(tmp_path / "blandad.csv")
    # ... and a missing file is named
    with pytest.raises(InputError, match=r"^saknas.csv: filen finns inte"):
        read_scb_table(tmp_path / "saknas.csv")
