"""The unseen-kommun style of testing covers the new files too: every kind of
:mod:`analysis.io.arbetsmarknad`, :mod:`analysis.io.bokslut` and :mod:`analysis.io.finans`
(whatever is registered when the tests run) reads the same from the sample's file written
again as Swedish Excel CSV (``;``, decimal comma, Windows-1252, CRLF), as UTF-8 with BOM
and ``,``, as ``.xlsx``, and with upper-case, space-padded column names.

A kind whose sample file does not exist yet is skipped.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis.io import arbetsmarknad, bokslut, finans
from analysis.io.contract import load_kind, load_register
from analysis.io.falt import FileKind
from analysis.io.readers import RawTable, read_table
from tests.conftest import SAMPLE_RAW
from tests.io.test_readers import write_xlsx

KINDS: list[FileKind] = [*arbetsmarknad.KINDS, *bokslut.KINDS, *finans.KINDS]

_INT = re.compile(r"^[+-]?(0|[1-9]\d*)$")
_DEC = re.compile(r"^[+-]?\d+[.,]\d+$")


def _numeric_columns(table: RawTable) -> set[str]:
    """Columns whose every non-empty cell is a plain number (no thousands, no unit): the
    columns a spreadsheet holds as numbers. Text columns are left as they are."""
    out = set()
    for col in table.columns:
        cells = [c for c in table.data[col].astype(str) if c != ""]
        if cells and all(_INT.match(c) or _DEC.match(c) for c in cells):
            out.add(col)
    return out


def _rows(table: RawTable, decimal: str | None) -> list[list[object]]:
    """The cells, with numbers in numeric columns written with ``decimal`` (``None``: as
    Python numbers, for .xlsx)."""
    numeric = _numeric_columns(table)
    rows = []
    for values in table.data[table.columns].astype(str).itertuples(index=False):
        row: list[object] = []
        for col, cell in zip(table.columns, values, strict=True):
            if col in numeric and cell != "":
                if decimal is None:
                    number = float(cell.replace(",", "."))
                    row.append(int(number) if _INT.match(cell) else number)
                else:
                    row.append(cell.replace(",", decimal).replace(".", decimal))
            else:
                row.append(cell)
        rows.append(row)
    return rows


def _csv(header: list[str], rows: list[list[object]], sep: str, newline: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _header(table: RawTable) -> list[str]:
    return [table.original.get(c, c) for c in table.columns]


def excel_sv(table: RawTable, path: Path) -> Path:
    text = _csv(_header(table), _rows(table, ","), ";", "\r\n")
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:
        pytest.skip("the file holds characters Windows-1252 cannot write")
    path.write_bytes(data)
    return path


def utf8_bom_comma(table: RawTable, path: Path) -> Path:
    text = _csv(_header(table), _rows(table, "."), ",", "\n")
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


def xlsx(table: RawTable, path: Path) -> Path:
    target = path.with_name(path.name.split(".")[0] + ".xlsx")
    return write_xlsx(target.parent, target.name, [_header(table), *_rows(table, None)])


def padded_upper_names(table: RawTable, path: Path) -> Path:
    header = [f"  {name.upper()}  " for name in _header(table)]
    path.write_bytes(_csv(header, _rows(table, ","), ";", "\n").encode("utf-8"))
    return path


FORMATS: dict[str, Callable[[RawTable, Path], Path]] = {
    "excel_sv": excel_sv,
    "utf8_bom_komma": utf8_bom_comma,
    "xlsx": xlsx,
    "versaler_och_mellanslag": padded_upper_names,
}


@pytest.fixture(scope="module")
def register():
    return load_register(SAMPLE_RAW / "organisation.csv")


def test_the_new_kinds_are_collected():
    assert "arbetsloshet" in {k.name for k in KINDS}


@pytest.mark.parametrize("form", list(FORMATS))
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_sample_file_reads_the_same_in_every_format(kind, form, register, tmp_path):
    files = kind.files(SAMPLE_RAW)
    if not files:
        pytest.skip(f"the sample has no {kind.folder}/{kind.name}* file yet")
    raw = tmp_path / "raw"
    folder = raw / kind.folder if kind.folder else raw
    # the kind's folder as in the sample (a parser may read a neighbour, e.g. a kontoplan)
    shutil.copytree(SAMPLE_RAW / kind.folder if kind.folder else SAMPLE_RAW, folder)
    shutil.copy(SAMPLE_RAW / "organisation.csv", raw / "organisation.csv")
    for original in files:
        base = load_kind(kind, [original], SAMPLE_RAW, register)
        assert base is not None and len(base), f"{original.name} holds no rows"
        table = read_table(original, original.name, expected_columns=kind.columns + kind.optional)
        target = folder / original.name
        target.unlink()
        written = FORMATS[form](table, target)
        again = load_kind(kind, [written], raw, register)
        pd.testing.assert_frame_equal(again, base, check_like=False)
