"""Issue 12, item 8: a zip bomb is refused before it eats memory; messages cut values.

The bomb: an .xlsx of a few MB whose shared-strings part unpacks to 1 GB. Today it takes
8 GB of memory and ends in a MemoryError. The read runs in a child process whose address
space is capped at 1,5 GB, so an unguarded reader fails there instead of taking the
machine: with the guard it is refused from the zip directory alone, with a Swedish
message.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.core.errors import InputError
from analysis.io.dataset import load_data
from analysis.io.readers import read_table

LIMIT_AS = 1536 * 1024 * 1024
#: Excel's most characters per cell (analysis.io.readers.MAX_CELL_CHARS).
MAX_CELL_CHARS = 32_767


_SST = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
)
_PARTS = {
    "[Content_Types].xml": (
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    ),
    "xl/_rels/workbook.xml.rels": (
        b"</Relationships>",
        b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    ),
    "xl/worksheets/sheet1.xml": (
        b'<c r="A1" t="inlineStr"><is><t>period</t></is></c>',
        b'<c r="A1" t="s"><v>0</v></c>',
    ),
}


def _xlsx_with_shared_string(path: Path, size: int, level: int = 1) -> Path:
    """A valid workbook (header + one row) whose header cell A1 is shared string 0:
    ``size`` bytes of 'A', streamed into the zip (never held in memory)."""
    wb = openpyxl.Workbook()
    wb.active.append(["period", "namnd", "konto", "belopp"])
    wb.active.append(["2023-01", "bun", 5010, 100])
    plain = io.BytesIO()
    wb.save(plain)
    with (
        zipfile.ZipFile(plain) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in _PARTS:
                old, new = _PARTS[item.filename]
                assert old in data, item.filename
                data = data.replace(old, new)
            dst.writestr(item, data)
        with dst.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(_SST)
            chunk = b"A" * (1 << 16)
            for _ in range(size // len(chunk)):
                f.write(chunk)
            f.write(b"</t></si></sst>")
    return path


def _read_in_capped_child(path: Path) -> dict:
    code = (
        "import json, sys\n"
        "from analysis.core.errors import InputError\n"
        "from analysis.io.readers import read_table\n"
        "try:\n"
        "    t = read_table(sys.argv[1], 'ekonomi/utfall.xlsx')\n"
        "    print(json.dumps({'rows': len(t)}))\n"
        "except InputError as e:\n"
        "    print(json.dumps({'error': str(e)}))\n"
    )

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))

    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )
    assert done.returncode == 0, f"traceback instead of a message:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_1_gb_shared_string_bomb_is_refused_from_the_zip_directory(tmp_path):
    bomb = _xlsx_with_shared_string(tmp_path / "utfall.xlsx", 1 << 30)
    assert bomb.stat().st_size < 8 * 1024 * 1024  # a few MB on disk
    result = _read_in_capped_child(bomb)
    assert "error" in result, result
    assert "ekonomi/utfall.xlsx" in result["error"]
    assert "packas upp" in result["error"]
    assert len(result["error"]) < 400


def test_a_highly_compressed_member_is_refused_by_its_ratio(tmp_path):
    bomb = _xlsx_with_shared_string(tmp_path / "utfall.xlsx", 20 << 20, level=9)  # → ~20 kB
    with pytest.raises(InputError, match="packas upp .* gånger"):
        read_table(bomb, "ekonomi/utfall.xlsx")


def test_an_ordinary_workbook_still_reads(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["period", "namnd", "konto", "belopp"])
    for i in range(2000):
        wb.active.append(["2023-01", "bun", 5010, i])
    wb.save(tmp_path / "ok.xlsx")
    assert len(read_table(tmp_path / "ok.xlsx")) == 2000


def test_a_cell_longer_than_excel_allows_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_text(
        "period;namnd;konto;belopp\n2023-01;bun;5010;1\n"
        f"2023-01;{'B' * (MAX_CELL_CHARS + 1)};5010;1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        read_table(path, "ekonomi/utfall.csv")
    msg = str(e.value)
    assert "ekonomi/utfall.csv, rad 3, kolumn 'namnd'" in msg
    assert "B" * 100 not in msg and len(msg) < 300


def test_messages_cut_long_cell_values(tiny):
    long_amount = "12x" + "9" * 5000
    long_name = "Tekniska nämnden " + "x" * 5000
    path = tiny / "raw" / "ekonomi" / "utfall_2023.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + f"2023-04;bun;5010;{long_amount}\n2023-04;{long_name};5010;1\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as e:
        load_data(tiny)
    msg = str(e.value)
    assert "9" * 61 not in msg and "x" * 61 not in msg
    assert "kolumn 'belopp'" in msg and "kolumn 'namnd'" in msg
    assert "(5003 tecken)" in msg  # the cut says how long the value was
    assert len(msg) < 2000
