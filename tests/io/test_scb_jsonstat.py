"""SCB's JSON-stat2 (PxWeb API v2) read by the contract's population kinds.

The fixtures in ``tests/data/scb/`` are hand-made in the real shape of SCB's answers with
SCB's own Luleå figures (see ``make_fixtures.py`` there); each has a CSV twin in SCB's
wide CSV layout holding the same figures. The CSV reader is the independent path: both
files must give the same frame through :func:`analysis.io.contract.load_kind`.
"""

from __future__ import annotations

import copy
import json
import shutil
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.io import scb
from analysis.io.contract import KINDS, load_kind, load_register
from tests.conftest import SAMPLE_RAW, SCB_LULEA, TESTS

FIXTURES = TESTS / "data" / "scb"
KINDS_SCB = ("folkmangd", "fodda", "doda", "flyttningar")


@pytest.fixture(scope="module")
def register():
    return load_register(SAMPLE_RAW / "organisation.csv")


def _load(raw: Path, register, kind: str) -> pd.DataFrame:
    k = KINDS[kind]
    frame = load_kind(k, k.files(raw), raw, register)
    assert frame is not None
    return frame


def _folder(tmp: Path, files: dict[str, str | Path]) -> Path:
    raw = tmp / "raw"
    (raw / "befolkning").mkdir(parents=True)
    for name, content in files.items():
        target = raw / "befolkning" / name
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    return raw


def _problems(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(str(p) for p in excinfo.value.problems)


# --------------------------------------------------------------------------------------
# the fixtures: JSON-stat2 and its CSV twin give one frame
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS_SCB)
def test_jsonstat2_and_the_same_figures_as_scb_csv_give_one_frame(tmp_path, register, kind):
    as_json = _load(
        _folder(tmp_path / "j", {f"{kind}_scb.json": FIXTURES / f"{kind}_scb.json"}),
        register,
        kind,
    )
    as_csv = _load(
        _folder(tmp_path / "c", {f"{kind}_scb.csv": FIXTURES / f"{kind}_scb.csv"}),
        register,
        kind,
    )
    pd.testing.assert_frame_equal(as_json, as_csv)
    assert len(as_json) >= 16 and as_json["antal"].sum() > 0


@pytest.mark.skipif(not SCB_LULEA.is_dir(), reason="shared/real/scb_lulea is not here")
@pytest.mark.parametrize("kind", KINDS_SCB)
def test_jsonstat2_fixture_holds_scbs_published_luleå_figures(tmp_path, register, kind):
    """A third path: the same cells of SCB's figures in the contract's long layout."""
    got = _load(
        _folder(tmp_path / "j", {f"{kind}_scb.json": FIXTURES / f"{kind}_scb.json"}),
        register,
        kind,
    )
    long = pd.read_csv(SCB_LULEA / f"{kind}.csv")
    age = "moderns_alder" if kind == "fodda" else "alder"
    keys = [c for c in got.columns if c not in ("antal", "manad")]
    wanted = long.merge(got[keys].drop_duplicates(), on=keys)
    assert len(wanted) == len(got)
    merged = got.merge(wanted, on=keys, suffixes=("", "_scb"))
    assert (merged["antal"] == merged["antal_scb"]).all()
    assert set(got[age]) <= set(long[age])


def test_real_shape_fixture_decoded_by_hand(tmp_path):
    """folkmangd_scb.json, first cells: Region × Alder × Kon × ContentsCode × Tid with Tid
    fastest: value[0..2] are 0 år, män 2016–2018; value[3..5] 0 år, kvinnor."""
    doc = json.loads((FIXTURES / "folkmangd_scb.json").read_text(encoding="utf-8"))
    assert doc["id"] == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    df = scb.read_jsonstat2(FIXTURES / "folkmangd_scb.json")
    first = df.iloc[:6]
    assert first["ar"].tolist() == [2016, 2017, 2018] * 2
    assert first["kön"].tolist() == ["män"] * 3 + ["kvinnor"] * 3
    assert (first["ålder"] == "0 år").all() and (first["region"] == "2580 Luleå").all()
    assert first["antal"].tolist() == [float(v) for v in doc["value"][:6]]


# --------------------------------------------------------------------------------------
# row-major order, computed by hand
# --------------------------------------------------------------------------------------
def _dim(label: str, cats: dict[str, str]) -> dict[str, object]:
    return {
        "label": label,
        "category": {"index": {c: i for i, c in enumerate(cats)}, "label": cats},
    }


REGION = _dim("region", {"2580": "Luleå"})
SEXES = _dim("kön", {"1": "män", "2": "kvinnor"})
CONTENTS = _dim("tabellinnehåll", {"BE0101N1": "Folkmängd"})


def _cube(
    ids: list[str], dims: dict[str, dict[str, object]], values: list[object], **extra: object
) -> dict[str, object]:
    size = [len(dims[d]["category"]["index"]) for d in ids]  # type: ignore[index,arg-type]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "Folkmängden efter region, ålder, kön och år",
        "source": "SCB",
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "id": ids,
        "size": size,
        "dimension": dims,
        "extension": {"px": {"tableid": "TAB638", "language": "sv"}},
        "value": values,
    }
    doc.update(extra)
    return doc


def _cube_2x2x2(order: tuple[str, str, str] = ("Alder", "Kon", "Tid")) -> dict[str, object]:
    dims = {
        "Region": REGION,
        "Alder": _dim("ålder", {"0": "0 år", "1": "1 år"}),
        "Kon": SEXES,
        "ContentsCode": CONTENTS,
        "Tid": _dim("år", {"2019": "2019", "2020": "2020"}),
    }
    return _cube(["Region", *order[:2], "ContentsCode", order[2]], dims, [1, 2, 3, 4, 5, 6, 7, 8])


def _write(tmp: Path, doc: object, name: str = "folkmangd_scb.json") -> Path:
    path = tmp / name
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def _table(kind: str, path: Path):
    table = scb.wide_table(kind, path, path.name, root=path.parent)
    assert table is not None
    return table


def _cells(table) -> list[tuple[str, ...]]:
    cols = [c for c in ("ar", "kon", "alder", "antal") if c in table.data]
    return sorted(tuple(r) for r in table.data[cols].itertuples(index=False))


def test_2x2x2_cube_is_decoded_row_major(tmp_path):
    # ids Alder, Kon, Tid (Tid fastest): value index = 4*alder + 2*kon + tid
    got = _cells(_table("folkmangd", _write(tmp_path, _cube_2x2x2())))
    expected = sorted(
        [
            ("2019", "M", "0", "1"),
            ("2020", "M", "0", "2"),
            ("2019", "K", "0", "3"),
            ("2020", "K", "0", "4"),
            ("2019", "M", "1", "5"),
            ("2020", "M", "1", "6"),
            ("2019", "K", "1", "7"),
            ("2020", "K", "1", "8"),
        ]
    )
    assert got == expected


def test_transposing_two_dimensions_changes_the_frame(tmp_path):
    """The mutation of a wrong stride: the same values under Kon, Alder (instead of
    Alder, Kon) are other cells — value index = 4*kon + 2*alder + tid."""
    straight = _cells(_table("folkmangd", _write(tmp_path, _cube_2x2x2())))
    (tmp_path / "t").mkdir()
    swapped = _cells(
        _table("folkmangd", _write(tmp_path / "t", _cube_2x2x2(("Kon", "Alder", "Tid"))))
    )
    assert swapped != straight
    assert ("2019", "M", "1", "3") in swapped and ("2019", "K", "0", "5") in swapped
    (tmp_path / "u").mkdir()
    time_first = _cells(
        _table("folkmangd", _write(tmp_path / "u", _cube_2x2x2(("Tid", "Alder", "Kon"))))
    )
    # value index = 4*tid + 2*alder + kon: 2020, 0 år, män is value[4] = 5
    assert ("2020", "M", "0", "5") in time_first and time_first != straight


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    seed=st.integers(0, 2**31 - 1),
)
def test_any_cube_matches_numpys_reshape(tmp_path_factory, sizes, seed):
    """An independent decoding: numpy's C-order reshape of ``value`` by ``size``."""
    tmp = tmp_path_factory.mktemp("cube")
    rng = np.random.default_rng(seed)
    n = int(np.prod(sizes))
    values = rng.integers(0, 1000, n).tolist()
    ids = [f"D{k}" for k in range(len(sizes))]
    dims = {
        d: _dim(d.lower(), {f"{d}c{j}": f"{d}l{j}" for j in range(s)})
        for d, s in zip(ids, sizes, strict=True)
    }
    dims["Tid"] = _dim("år", {"2020": "2020"})
    doc = _cube([*ids, "Tid"], dims, values)
    df = scb.read_jsonstat2(_write(tmp, doc, "x.json"))
    cube = np.array(values).reshape(sizes)
    for _, row in df.iterrows():
        pos = tuple(int(str(row[d.lower()]).split("l")[-1]) for d in ids)
        assert row["antal"] == cube[pos]
    assert len(df) == n


def test_value_object_form_and_line_of_each_value(tmp_path):
    doc = _cube_2x2x2()
    doc["value"] = {str(i): v for i, v in enumerate([1, 2, 3, 4, 5, 6, 7, 8])}
    assert _cells(_table("folkmangd", _write(tmp_path, doc))) == _cells(
        _table("folkmangd", _write(tmp_path, _cube_2x2x2(), "folkmangd_b.json"))
    )
    # the array form: _rad is the text line of the value, as an editor counts it
    path = _write(tmp_path, _cube_2x2x2(), "folkmangd_c.json")
    lines = path.read_text(encoding="utf-8").splitlines()
    df = scb.read_jsonstat2(path)
    assert [lines[r - 1].strip().rstrip(",") for r in df["_rad"]] == [str(v) for v in range(1, 9)]


# --------------------------------------------------------------------------------------
# dimensions the contract does not keep, totals, unknown ages
# --------------------------------------------------------------------------------------
def _with_civilstand(cats: dict[str, str], values: list[int]) -> dict[str, object]:
    dims = {
        "Region": REGION,
        "Civilstand": _dim("civilstånd", cats),
        "Alder": _dim("ålder", {"0": "0 år"}),
        "Kon": SEXES,
        "ContentsCode": CONTENTS,
        "Tid": _dim("år", {"2019": "2019"}),
    }
    return _cube(["Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid"], dims, values)


def test_civilstand_parts_are_summed_and_a_total_is_taken_as_it_is(tmp_path):
    parts = _with_civilstand({"OG": "ogifta", "G": "gifta"}, [10, 20, 1, 2])
    assert _cells(_table("folkmangd", _write(tmp_path, parts))) == [
        ("2019", "K", "0", "22"),
        ("2019", "M", "0", "11"),
    ]
    # SCB's CKM tables publish a total ('SC') beside the parts: take it, never add it in
    total = _with_civilstand(
        {"OG": "ogifta", "G": "gifta", "SC": "totalt, samtliga civilstånd"},
        [10, 20, 1, 2, 12, 21],
    )
    assert _cells(_table("folkmangd", _write(tmp_path, total, "folkmangd_t.json"))) == [
        ("2019", "K", "0", "21"),
        ("2019", "M", "0", "12"),
    ]


def _fodda(ages: dict[str, str], values: list[int]) -> dict[str, object]:
    dims = {
        "Region": REGION,
        "AlderModer": _dim("moderns ålder", ages),
        "Kon": _dim("barnets kön", {"1": "pojkar", "2": "flickor"}),
        "ContentsCode": _dim("tabellinnehåll", {"BE0101E2": "Levande födda"}),
        "Tid": _dim("år", {"2019": "2019"}),
    }
    return _cube(["Region", "AlderModer", "Kon", "ContentsCode", "Tid"], dims, values)


def test_births_total_skipped_and_empty_unknown_mothers_age_dropped(tmp_path):
    doc = _fodda(
        {"tot": "totalt ålder", "-14": "-14 år", "30": "30 år", "us": "uppgift saknas"},
        [9, 8, 1, 0, 8, 8, 0, 0],
    )
    table = _table("fodda", _write(tmp_path, doc, "fodda_scb.json"))
    got = sorted(tuple(r) for r in table.data[["moderns_alder", "kon", "antal"]].itertuples())
    assert [g[1:] for g in got] == [
        ("14", "K", "0"),
        ("14", "M", "1"),
        ("30", "K", "8"),
        ("30", "M", "8"),
    ]


def test_births_of_unknown_mothers_age_refused(tmp_path):
    doc = _fodda({"30": "30 år", "us": "uppgift saknas"}, [8, 8, 2, 0])
    with pytest.raises(InputError) as e:
        _table("fodda", _write(tmp_path, doc, "fodda_scb.json"))
    text = _problems(e)
    assert "fodda_scb.json" in text and "okänd ålder" in text and "2 personer" in text
    assert "dimension.AlderModer" in text


# --------------------------------------------------------------------------------------
# bad input: each error names the file, the JSON key or value[i], and what was expected
# --------------------------------------------------------------------------------------
def _error(tmp_path: Path, doc: object, kind: str = "folkmangd", name: str | None = None):
    path = _write(tmp_path, doc, name or f"{kind}_scb.json")
    with pytest.raises(InputError) as e:
        scb.wide_table(kind, path, f"befolkning/{path.name}", root=tmp_path)
    assert all(p.file == f"befolkning/{path.name}" for p in e.value.problems)
    return e.value.problems


def test_not_json_names_line_and_character(tmp_path):
    (p,) = _error(tmp_path, '{\n  "version": "2.0",\n  "class": dataset\n}')
    assert p.line == 3 and p.column == "tecken 12" and "inte giltig JSON" in p.message


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"dataset": {"dimension": {}}}, "JSON-stat version 1"),
        ({"columns": [], "data": []}, "API v1"),
        (
            {"type": "x", "title": "Bad Request", "status": 400, "detail": "Non-existent value"},
            "felsvar från SCB",
        ),
        ({"class": "collection", "version": "2.0"}, "class='collection'"),
        ([1, 2], "JSON-objekt"),
    ],
)
def test_not_jsonstat2_is_said_so(tmp_path, doc, words):
    (p,) = _error(tmp_path, doc)
    assert words in p.message


def test_version_must_be_2(tmp_path):
    doc = _cube_2x2x2()
    doc["version"] = "1.0"
    (p,) = _error(tmp_path, doc)
    assert p.column == "version" and "'2.0'" in p.message


def test_dimension_named_in_id_but_missing(tmp_path):
    doc = _cube_2x2x2()
    del doc["dimension"]["Kon"]  # type: ignore[attr-defined]
    (p,) = _error(tmp_path, doc)
    assert p.column == "dimension.Kon" and "'Kon'" in p.message


def test_table_without_sex_dimension(tmp_path):
    dims = {
        "Region": REGION,
        "Alder": _dim("ålder", {"0": "0 år"}),
        "ContentsCode": CONTENTS,
        "Tid": _dim("år", {"2019": "2019"}),
    }
    (p,) = _error(tmp_path, _cube(["Region", "Alder", "ContentsCode", "Tid"], dims, [5]))
    assert p.column == "id" and "Kon" in p.message and "saknas" in p.message


def test_table_without_time_dimension(tmp_path):
    doc = _cube_2x2x2()
    doc["id"] = ["Region", "Alder", "Kon", "ContentsCode"]
    doc["size"] = [1, 2, 2, 1]
    doc["value"] = [1, 2, 3, 4]
    doc["role"] = {}
    (p,) = _error(tmp_path, doc)
    assert p.column == "id" and "Tid" in p.message


def test_value_array_of_wrong_length(tmp_path):
    doc = _cube_2x2x2()
    doc["value"] = [1, 2, 3, 4, 5, 6, 7]
    (p,) = _error(tmp_path, doc)
    assert p.column == "value" and "7 värden" in p.message and "ger 8" in p.message


def test_size_disagreeing_with_the_categories(tmp_path):
    doc = _cube_2x2x2()
    doc["size"] = [1, 3, 2, 1, 2]
    doc["value"] = list(range(12))
    (p,) = _error(tmp_path, doc)
    assert p.column == "dimension.Alder.category.index" and "'size' säger 3" in p.message


def test_null_value_refused_naming_position_line_and_cell(tmp_path):
    doc = _cube_2x2x2()
    doc["value"][5] = None  # type: ignore[index]
    doc["status"] = {"5": ".."}
    path = _write(tmp_path, doc)
    line = next(
        i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "null" in t
    )
    (p,) = _error(tmp_path, doc)
    assert p.column == "value[5]" and p.line == line
    assert "'..'" in p.message and "Alder=1" in p.message and "Kon=1" in p.message
    assert "Tid=2020" in p.message


def test_null_with_scbs_dash_status_is_zero(tmp_path):
    doc = _cube_2x2x2()
    doc["value"][0] = None  # type: ignore[index]
    doc["status"] = {"0": "-"}
    cells = _cells(_table("folkmangd", _write(tmp_path, doc)))
    assert ("2019", "M", "0", "0") in cells


@pytest.mark.parametrize("bad", [-1, 1.5, "12", True])
def test_value_not_a_whole_number(tmp_path, bad):
    doc = _cube_2x2x2()
    doc["value"][2] = bad  # type: ignore[index]
    (p,) = _error(tmp_path, doc)
    assert p.column == "value[2]" and "heltal ≥ 0" in p.message


def test_time_code_not_a_year(tmp_path):
    doc = _cube_2x2x2()
    doc["dimension"]["Tid"] = _dim("år", {"2019K1": "2019K1", "2020": "2020"})  # type: ignore[index]
    (p,) = _error(tmp_path, doc)
    assert p.column == "dimension.Tid.category.index" and "'2019K1'" in p.message


def test_unknown_contents_code_refused(tmp_path):
    doc = _cube_2x2x2()
    doc["dimension"]["ContentsCode"] = _dim(  # type: ignore[index]
        "tabellinnehåll", {"BE0101N2": "Folkökning"}
    )
    (p,) = _error(tmp_path, doc)
    assert p.column == "dimension.ContentsCode"
    assert "'Folkökning' (BE0101N2)" in p.message and "folkmängd" in p.message


def test_two_contents_codes_refused(tmp_path):
    dims = {
        "Region": REGION,
        "Alder": _dim("ålder", {"0": "0 år"}),
        "Kon": SEXES,
        "ContentsCode": _dim("tabellinnehåll", {"BE0101N1": "Folkmängd", "BE0101N2": "Folkökning"}),
        "Tid": _dim("år", {"2019": "2019"}),
    }
    (p,) = _error(tmp_path, _cube(["Region", "Alder", "Kon", "ContentsCode", "Tid"], dims, [1] * 4))
    assert "'Folkökning'" in p.message


def test_mean_population_is_not_folkmangd(tmp_path):
    doc = _cube_2x2x2()
    doc["dimension"]["ContentsCode"] = _dim(  # type: ignore[index]
        "tabellinnehåll", {"000000M3": "Medelfolkmängd"}
    )
    (p,) = _error(tmp_path, doc)
    assert "'Medelfolkmängd'" in p.message


def test_several_regions_refused(tmp_path):
    doc = _cube_2x2x2()
    doc["dimension"]["Region"] = _dim("region", {"2580": "Luleå", "2581": "Piteå"})  # type: ignore[index]
    doc["size"] = [2, 2, 2, 1, 2]
    doc["value"] = list(range(16))
    (p,) = _error(tmp_path, doc)
    assert p.column == "dimension.Region" and "2580 Luleå" in p.message
    assert "2581 Piteå" in p.message and "en kommun" in p.message


def test_births_table_given_as_folkmangd_refused(tmp_path):
    doc = json.loads((FIXTURES / "fodda_scb.json").read_text(encoding="utf-8"))
    (p,) = _error(tmp_path, doc, "folkmangd", "folkmangd_fodda.json")
    assert "TAB1264" in p.message and "'Levande födda'" in p.message
    assert "födda" in p.message and "'fodda'" in p.message


def test_population_table_given_as_flyttningar_refused(tmp_path):
    doc = json.loads((FIXTURES / "folkmangd_scb.json").read_text(encoding="utf-8"))
    (p,) = _error(tmp_path, doc, "flyttningar", "flyttningar_x.json")
    assert "inte flyttningar" in p.message and "'folkmangd'" in p.message


def test_deaths_table_given_as_fodda_names_the_missing_age_dimension(tmp_path):
    doc = json.loads((FIXTURES / "doda_scb.json").read_text(encoding="utf-8"))
    (p,) = _error(tmp_path, doc, "fodda", "fodda_x.json")
    assert "'Döda'" in p.message and "'doda'" in p.message


def test_net_migration_refused_by_the_flow_reader(tmp_path):
    doc = json.loads((FIXTURES / "flyttningar_scb.json").read_text(encoding="utf-8"))
    doc["dimension"]["ContentsCode"]["category"]["label"]["BE0101A3"] = "Flyttningsnetto"
    problems = _error(tmp_path, doc, "flyttningar")
    assert problems and all(p.column == "dimension.ContentsCode" for p in problems)
    assert "'Flyttningsnetto'" in problems[0].message and problems[0].line is not None


def test_english_table_refused(tmp_path):
    doc = _cube_2x2x2()
    doc["extension"] = {"px": {"tableid": "TAB638", "language": "en"}}
    (p,) = _error(tmp_path, doc)
    assert p.column == "extension.px.language" and "lang=sv" in p.message


def test_unknown_sex_category_names_the_dimension_and_line(tmp_path):
    doc = _cube_2x2x2()
    doc["dimension"]["Kon"] = _dim("kön", {"1": "män", "3": "okänt"})  # type: ignore[index]
    problems = _error(tmp_path, doc)
    assert problems[0].column == "dimension.Kon" and "'okänt'" in problems[0].message
    assert problems[0].line is not None and problems[0].line > 1


def test_bad_file_among_several_lists_every_problem(tmp_path, register):
    bad = copy.deepcopy(_cube_2x2x2())
    bad["value"] = [1]
    raw = _folder(
        tmp_path,
        {"folkmangd_a.json": json.dumps(bad), "folkmangd_b.json": "{]"},
    )
    with pytest.raises(InputError) as e:
        _load(raw, register, "folkmangd")
    files = sorted(p.file for p in e.value.problems)
    assert files == ["befolkning/folkmangd_a.json", "befolkning/folkmangd_b.json"]


def test_every_cell_of_a_product_is_one_row(tmp_path):
    """Nothing dropped or doubled: one row per (ålder, kön, år) of the 2×2×2 cube."""
    table = _table("folkmangd", _write(tmp_path, _cube_2x2x2()))
    keys = set(map(tuple, table.data[["ar", "kon", "alder"]].to_numpy().tolist()))
    assert keys == set(product(["2019", "2020"], ["M", "K"], ["0", "1"]))
