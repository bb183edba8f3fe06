"""SCB's statistikdatabas CSV (wide by year) read by the contract's loader.

Each test writes, from a few rows of SCB's real Luleå figures (``shared/real/scb_lulea``),
the same numbers twice: in SCB's wide layout (title line, Swedish headers, quoted, ``;``,
one column per year, footnote) and in the contract's long layout. Both go through
:func:`analysis.io.contract.load_kind`; the frames must be identical.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.io import scb
from analysis.io.contract import KINDS, load_kind, load_register
from tests.conftest import SAMPLE_RAW, SCB_LULEA

REAL = SCB_LULEA
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real/scb_lulea is not here")

SEX = {"K": "kvinnor", "M": "män"}
FLOW = {
    ("in", "inrikes"): "inrikes inflyttningar",
    ("ut", "inrikes"): "inrikes utflyttningar",
    ("in", "utlandet"): "invandringar",
    ("ut", "utlandet"): "utvandringar",
}


@pytest.fixture(scope="module")
def register():
    return load_register(SAMPLE_RAW / "organisation.csv")


def _rows(kind: str, years: list[int], ages: list[int]) -> pd.DataFrame:
    df = pd.read_csv(REAL / f"{kind}.csv")
    age = "moderns_alder" if kind == "fodda" else "alder"
    return df[df["ar"].isin(years) & df[age].isin(ages)].reset_index(drop=True)


def _age_label(kind: str, age: int) -> str:
    if kind == "fodda" and age == 49:
        return "49+ år"
    if age == 100:
        return "100+ år"
    return f"{age} år"


def _wide(kind: str, long: pd.DataFrame, delimiter: str = ";") -> str:
    """``long`` in SCB's layout: region, ålder, kön (, tabelluppgift), one column a year."""
    age = "moderns_alder" if kind == "fodda" else "alder"
    d = long.copy()
    d["region"] = "2580 Luleå"
    d["ålder"] = [_age_label(kind, a) for a in d[age]]
    d["kön"] = d["kon"].map(SEX)
    dims = ["region", "ålder", "kön"]
    if kind == "flyttningar":
        d["tabelluppgift"] = [FLOW[(r, o)] for r, o in zip(d["riktning"], d["omrade"], strict=True)]
        dims.append("tabelluppgift")
    wide = d.pivot_table(index=dims, columns="ar", values="antal", aggfunc="sum", sort=False)
    header = [*(["moderns ålder"] if kind == "fodda" else ["ålder"]), "kön"]
    names = ["region", *header, *(["tabelluppgift"] if kind == "flyttningar" else [])]
    q = '"{}"'.format
    lines = [
        q(f"{kind.capitalize()} efter region, ålder, kön och år"),
        "",
        delimiter.join(q(c) for c in [*names, *map(str, wide.columns)]),
    ]
    for keys, values in wide.iterrows():
        cells = [q(k) for k in keys] + [str(int(v)) for v in values]
        lines.append(delimiter.join(cells))
    lines += ["", q("Källa: SCB, BE0101 (testfil byggd av SCB:s siffror).")]
    return "\n".join(lines) + "\n"


def _load(tmp: Path, register, kind: str, files: dict[str, str]) -> pd.DataFrame:
    raw = tmp / "raw"
    (raw / "befolkning").mkdir(parents=True)
    for name, text in files.items():
        (raw / "befolkning" / name).write_text(text, encoding="utf-8")
    k = KINDS[kind]
    frame = load_kind(k, k.files(raw), raw, register)
    assert frame is not None
    return frame


CASES = {
    "folkmangd": ([2016, 2017, 2018], [0, 1, 45, 99, 100]),
    "doda": ([2017, 2018], [0, 80, 90, 100]),
    "fodda": ([2016, 2017, 2018], [15, 16, 30, 49]),
    "flyttningar": ([2017, 2018], [0, 20, 21, 100]),
}


@pytest.mark.parametrize("kind", list(CASES))
@pytest.mark.parametrize("delimiter", [";", ","])
def test_scb_wide_file_gives_the_long_files_frame(tmp_path, register, kind, delimiter):
    long = _rows(kind, *CASES[kind])
    assert len(long) >= 8 and long["antal"].sum() > 0
    from_long = _load(tmp_path / "l", register, kind, {f"{kind}.csv": long.to_csv(index=False)})
    from_scb = _load(tmp_path / "w", register, kind, {f"{kind}.csv": _wide(kind, long, delimiter)})
    pd.testing.assert_frame_equal(from_scb, from_long)
    # and the figures are SCB's: the totals of the raw rows
    assert from_scb["antal"].sum() == long["antal"].sum()


def test_wide_and_long_files_of_one_kind_together(tmp_path, register):
    """A folder may hold SCB's export for some years and a long file for others."""
    early, late = _rows("folkmangd", [2016, 2017], [0, 1]), _rows("folkmangd", [2018], [0, 1])
    both = _load(
        tmp_path,
        register,
        "folkmangd",
        {
            "folkmangd_scb.csv": _wide("folkmangd", early),
            "folkmangd_2018.csv": late.to_csv(index=False),
        },
    )
    assert sorted(set(both["ar"])) == [2016, 2017, 2018]
    assert both["antal"].sum() == early["antal"].sum() + late["antal"].sum()


def test_layout_is_told_from_the_header_not_the_rows(tmp_path, register):
    """A long file whose rows look like SCB's header (text, then four-digit numbers) is
    still the long file: its header decides."""
    text = "kon,alder,ar,antal\nK,5,2019,1500\nM,5,2019,1498\n"
    lines = text.splitlines()
    assert scb.is_wide(lines, ("ar", "kon", "alder", "antal")) is False
    assert scb.is_wide(lines[1:], ("ar", "kon", "alder", "antal")) is True  # without header
    f = _load(tmp_path, register, "folkmangd", {"folkmangd.csv": text})
    assert f["antal"].tolist() == [1500, 1498] and f["ar"].tolist() == [2019, 2019]


def test_not_available_value_names_file_line_and_year_column(tmp_path, register):
    text = _wide("doda", _rows("doda", [2017, 2018], [0, 80]))
    lines = text.splitlines()
    lines[4] = lines[4].rsplit(";", 1)[0] + ';".."'  # line 5: the 2018 value of a row
    with pytest.raises(InputError) as err:
        _load(tmp_path, register, "doda", {"doda.csv": "\n".join(lines) + "\n"})
    p = err.value.problems[0]
    assert (p.file, p.line, p.column) == ("befolkning/doda.csv", 5, "2018")
    assert "'..'" in p.message and "SCB saknar uppgiften" in p.message


def test_aggregated_flow_is_refused_with_line_and_column(tmp_path, register):
    long = _rows("flyttningar", [2018], [20])
    text = _wide("flyttningar", long).replace('"invandringar"', '"inflyttningar"', 1)
    with pytest.raises(InputError) as err:
        _load(tmp_path, register, "flyttningar", {"flyttningar.csv": text})
    p = err.value.problems[0]
    assert p.file == "befolkning/flyttningar.csv" and p.column == "tabelluppgift"
    assert p.line is not None and p.line >= 4 and "okänt slag" in p.message


def test_scb_split_and_inrikes_in_one_year_is_refused(tmp_path, register):
    long = _rows("flyttningar", [2018], [20])
    text = _wide("flyttningar", long).replace('"invandringar"', '"inflyttningar inom länet"', 1)
    with pytest.raises(InputError) as err:
        _load(tmp_path, register, "flyttningar", {"flyttningar.csv": text})
    p = err.value.problems[0]
    assert p.file == "befolkning/flyttningar.csv" and p.column == "tabelluppgift"
    assert "två gånger" in p.message and p.line is not None and p.line >= 4


def test_several_regions_in_one_file_are_an_input_error(tmp_path, register):
    text = _wide("folkmangd", _rows("folkmangd", [2018], [0]))
    text = text.rstrip("\n").rsplit("\n", 2)[0] + "\n"  # drop the footnote and blank
    extra = text.splitlines()[-1].replace("2580 Luleå", "2581 Piteå")
    with pytest.raises(InputError) as err:
        _load(tmp_path, register, "folkmangd", {"folkmangd.csv": text + extra + "\n"})
    p = err.value.problems[0]
    assert p.file == "befolkning/folkmangd.csv" and p.column == "region"
    assert "en kommun" in p.message and "Piteå" in p.message


def test_bad_year_in_a_wide_file_names_the_year_columns(tmp_path, register):
    text = '"region";"ålder";"kön";"1700"\n"2580 Luleå";"0 år";"män";5\n'
    with pytest.raises(InputError) as err:
        _load(tmp_path, register, "folkmangd", {"folkmangd.csv": text})
    p = err.value.problems[0]
    assert p.file == "befolkning/folkmangd.csv" and p.line == 2
    assert p.column is not None and "1700" in p.column
