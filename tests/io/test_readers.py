"""Tests for analysis.io.readers: tolerant reading of CSV/xlsx and parsing of numbers/periods."""

from __future__ import annotations

import datetime as dt
import gzip

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.io.readers import (
    RawTable,
    decode,
    normalise_column,
    parse_numbers,
    parse_periods,
    read_bytes,
    read_table,
    require_columns,
    split_line,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"


# --- helpers -----------------------------------------------------------------------------
def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, name: str, rows: list[list], start_row: int = 1):
    path = tmp_path / name
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def table_of(values: list[str], column: str = "x") -> RawTable:
    """A one-column RawTable built in memory (for the parser tests)."""
    return RawTable(
        file="t.csv",
        columns=[column],
        original={column: column.upper()},
        data=pd.DataFrame({column: pd.Series(values, dtype=object)}),
        lines=np.arange(2, len(values) + 2, dtype=np.int64),
        encoding="utf-8",
        delimiter=";",
    )


def cells(table: RawTable) -> list[list[str]]:
    return [list(map(str, row)) for row in table.data.itertuples(index=False)]


def problems_of(excinfo) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.column, p.message) for p in excinfo.value.problems]


# --- column names --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("År", "ar"),
        (" Månad ", "manad"),
        ("Ordinarie tid h", "ordinarie_tid_h"),
        ("\ufeffPeriod", "period"),
        (f"{NBSP}Nämnd{NBSP}", "namnd"),
        ("sjuk-h  långtid", "sjuk_h_langtid"),
        ("Födelseår", "fodelsear"),
        ("Målvärde", "malvarde"),
        ("Kön", "kon"),
        ("Moderns  ålder", "moderns_alder"),
        ("Café", "cafe"),
    ],
)
def test_normalise_column(raw, expected):
    assert normalise_column(raw) == expected


# --- delimiters and encodings --------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_each_delimiter(tmp_path, delimiter):
    rows = [
        ["Period", "Nämnd", "Konto", "Belopp"],
        ["2023-01", "bun", "4010", "1500"],
        ["2023-02", "sn", "5010", "-250"],
    ]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    table = read_table(write(tmp_path, "utfall.csv", text), "ekonomi/utfall.csv")
    assert table.delimiter == delimiter
    assert table.encoding == "utf-8"
    assert table.file == "ekonomi/utfall.csv"
    assert table.columns == ["period", "namnd", "konto", "belopp"]
    assert table.original["namnd"] == "Nämnd"
    assert cells(table) == [r for r in rows[1:]]
    assert table.lines.dtype == np.int64
    assert table.lines.tolist() == [2, 3]
    assert parse_numbers(table, "belopp").tolist() == [1500.0, -250.0]


def test_tab_file_with_decimal_comma_and_spaces_in_text(tmp_path):
    text = (
        "namnd\tverksamhet\tbelopp\n"
        "bun\tFörskola, avdelning 1\t1 234,50\n"
        "sn\tÄldreomsorg; hemtjänst\t-0,75\n"
    )
    table = read_table(write(tmp_path, "x.txt", text))
    assert table.delimiter == "\t"
    assert table.data["verksamhet"].tolist() == ["Förskola, avdelning 1", "Äldreomsorg; hemtjänst"]
    assert parse_numbers(table, "belopp").tolist() == [1234.5, -0.75]


def test_bom_is_detected_and_removed(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfPeriod;Belopp\r\n2023-01;5\r\n")
    table = read_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.columns == ["period", "belopp"]
    assert table.original["period"] == "Period"
    assert cells(table) == [["2023-01", "5"]]


def test_cp1252_with_swedish_letters_and_decimal_comma(tmp_path):
    text = "Nämnd;Verksamhet;Belopp\nBarn- och utbildningsnämnden;Förskola åk ö;12,5\n"
    path = write(tmp_path, "a.csv", text, encoding="cp1252")
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.columns == ["namnd", "verksamhet", "belopp"]
    assert table.original["namnd"] == "Nämnd"
    assert table.data["verksamhet"].tolist() == ["Förskola åk ö"]
    assert parse_numbers(table, "belopp").tolist() == [12.5]


def test_cp1252_undefined_bytes_do_not_crash(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("namn;x\nÅsa\x81;1\n".encode("latin-1"))
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.data["namn"].tolist() == ["Åsa\x81"]


def test_utf16_unicode_text_from_excel(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Nämnd\tBelopp\r\nbun\t1 234,5\r\n".encode("utf-16"))
    table = read_table(path)
    assert table.delimiter == "\t"
    assert table.data["namnd"].tolist() == ["bun"]
    assert parse_numbers(table, "belopp").tolist() == [1234.5]


def test_cells_are_stripped_python_strings(tmp_path):
    text = f"a;b;c\n  x  ;{NBSP}1 234,5{NBSP};\n"
    table = read_table(write(tmp_path, "a.csv", text))
    row = table.data.iloc[0].tolist()
    assert row == ["x", "1 234,5", ""]
    assert all(type(v) is str for v in row)


# --- the same data in three formats --------------------------------------------------------
AMOUNTS = [1234.5, -1234.5, 0.0, 1234567.89, -0.01, 100.0, 999999999.99]


def _swedish(x: float) -> str:
    text = f"{abs(x):,.2f}".replace(",", NBSP).replace(".", ",")
    return ("-" if x < 0 else "") + text


def test_swedish_excel_csv_utf8_csv_and_xlsx_give_identical_results(tmp_path):
    names = ["Barn- och utbildningsnämnden", "Socialnämnden", "Kultur & fritid, ÅÄÖ"]
    periods = ["2023-01", "2023-02", "2023-12", "2023-04", "2023-05", "2023-06", "2023-07"]
    konton = [4010, 5010, 3110, 8010, 7010, 4910, 5020]
    rows = list(zip(periods, (names * 3)[:7], konton, AMOUNTS, strict=False))

    sv = "Period;Nämnd;Konto;Belopp\r\n" + "".join(
        f"{p};{n};{k};{_swedish(b)}\r\n" for p, n, k, b in rows
    )
    en = "period,namnd,konto,belopp\n" + "".join(f'{p},"{n}",{k},{b:.2f}\n' for p, n, k, b in rows)
    sv_path = write(tmp_path, "sv.csv", sv, encoding="cp1252")
    en_path = write(tmp_path, "en.csv", en, encoding="utf-8")
    xlsx_path = write_xlsx(
        tmp_path,
        "x.xlsx",
        [["Period", "Nämnd", "Konto", "Belopp"]]
        + [
            [dt.date(int(p[:4]), int(p[5:]), 1) if i % 2 else p, n, k, b]
            for i, (p, n, k, b) in enumerate(rows)
        ],
    )

    expected = ["period", "namnd", "konto", "belopp"]
    tables = [read_table(p, expected_columns=expected) for p in (sv_path, en_path, xlsx_path)]
    assert [t.encoding for t in tables] == ["cp1252", "utf-8", None]
    assert [t.delimiter for t in tables] == [";", ",", None]
    for t in tables:
        assert t.columns == expected
        assert t.data["namnd"].tolist() == [n for _, n, _, _ in rows]
        assert t.data["konto"].tolist() == [str(k) for k in konton]
        assert t.lines.tolist() == list(range(2, 9))
        np.testing.assert_array_equal(
            parse_numbers(t, "belopp"), np.array([float(f"{b:.2f}") for b in AMOUNTS])
        )
        np.testing.assert_array_equal(parse_numbers(t, "konto", integer=True), konton)
        assert parse_periods(t, "period").tolist() == [int(p.replace("-", "")) for p in periods]


# --- quoting, compression, shape --------------------------------------------------------------
def test_quoted_fields_with_delimiters_and_quotes_inside(tmp_path):
    text = 'namnd,kommentar,belopp\nbun,"Lön, vikarier ""extra""","1,5"\nsn,"a;b",2\n'
    table = read_table(write(tmp_path, "a.csv", text))
    assert table.delimiter == ","
    assert table.data["kommentar"].tolist() == ['Lön, vikarier "extra"', "a;b"]
    assert table.data["belopp"].tolist() == ["1,5", "2"]
    assert table.lines.tolist() == [2, 3]


def test_quoted_field_spanning_lines_counts_as_one_spreadsheet_row(tmp_path):
    text = 'namnd;kommentar;belopp\nbun;"rad ett\nrad två";1\nsn;x;12x\n'
    table = read_table(write(tmp_path, "a.csv", text))
    assert table.data["kommentar"].tolist() == ["rad ett\nrad två", "x"]
    assert table.lines.tolist() == [2, 3]  # as Excel numbers the rows
    with pytest.raises(InputError) as exc:
        parse_numbers(table, "belopp")
    assert [p.line for p in exc.value.problems] == [3]


def test_gzip_compressed_csv(tmp_path):
    path = tmp_path / "utfall_2023.csv.gz"
    path.write_bytes(gzip.compress("period;belopp\n2023-01;1 000,5\n".encode("cp1252")))
    table = read_table(path)
    assert table.file == "utfall_2023.csv.gz"
    assert table.encoding == "cp1252" or table.encoding == "utf-8"
    assert parse_numbers(table, "belopp").tolist() == [1000.5]


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(b"a;b\n1;2\n" * 100)[:30])
    with pytest.raises(InputError, match="gzip"):
        read_table(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n  \r\n", b"\xef\xbb\xbf", b";;;\n;;\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "tom.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="filen är tom") as exc:
        read_table(path, "ekonomi/tom.csv")
    assert "ekonomi/tom.csv" in str(exc.value)


@pytest.mark.parametrize(
    "text", ["period;namnd;belopp", "period;namnd;belopp\n", "period;namnd;belopp\r\n\r\n"]
)
def test_header_only_gives_empty_table(tmp_path, text):
    table = read_table(write(tmp_path, "a.csv", text))
    assert table.columns == ["period", "namnd", "belopp"]
    assert len(table.data) == 0
    assert list(table.data.columns) == table.columns
    assert table.lines.tolist() == []
    assert parse_numbers(table, "belopp").tolist() == []
    assert parse_periods(table, "period").tolist() == []


def test_row_with_too_many_fields_reports_its_line(tmp_path):
    text = "period,namnd,belopp\n2023-01,bun,100\n2023-02,bun,1234,50\n2023-03,sn,7\n"
    with pytest.raises(InputError) as exc:
        read_table(write(tmp_path, "a.csv", text), "ekonomi/a.csv")
    (problem,) = exc.value.problems
    assert problem.line == 3
    assert problem.file == "ekonomi/a.csv"
    assert "raden har 4 fält men rubrikraden har 3" in problem.message
    assert "kontrollera avgränsaren" in problem.message


def test_row_with_fewer_fields_gets_empty_cells(tmp_path):
    text = "a;b;c\n1;2;3\n4\n5;6\n"
    table = read_table(write(tmp_path, "a.csv", text))
    assert cells(table) == [["1", "2", "3"], ["4", "", ""], ["5", "6", ""]]
    assert table.lines.tolist() == [2, 3, 4]


def test_many_short_rows_are_padded_in_place(tmp_path):
    rows = [[str(i), f"n{i}", f"{i},5"] if i % 7 else [str(i)] for i in range(5000)]
    text = "a;b;c\n" + "".join(
        ";".join(r) + "\n" + ("\n" if i % 1000 == 999 else "") for i, r in enumerate(rows)
    )
    table = read_table(write(tmp_path, "a.csv", text))
    assert cells(table) == [(r + ["", ""])[:3] for r in rows]
    expected_lines, line = [], 2
    for i in range(5000):
        expected_lines.append(line)
        line += 2 if i % 1000 == 999 else 1
    assert table.lines.tolist() == expected_lines


def test_short_rows_blank_lines_and_multiline_quotes_together(tmp_path):
    text = 'a;b;c\n1;"x\ny";3\n\n4\n5;6;7;\n\n8;9;10;11\n'
    with pytest.raises(InputError) as exc:
        read_table(write(tmp_path, "a.csv", text))
    assert [p.line for p in exc.value.problems] == [7]
    table = read_table(write(tmp_path, "b.csv", text.replace(";11", "")))
    assert cells(table) == [["1", "x\ny", "3"], ["4", "", ""], ["5", "6", "7"], ["8", "9", "10"]]
    assert table.lines.tolist() == [2, 4, 5, 7]


def test_trailing_empty_fields_and_unnamed_empty_columns_are_ignored(tmp_path):
    text = "a;b;\n1;2;\n3;4;;\n"
    table = read_table(write(tmp_path, "a.csv", text))
    assert table.columns == ["a", "b"]
    assert cells(table) == [["1", "2"], ["3", "4"]]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_are_skipped_but_counted(tmp_path, newline):
    lines = [
        "period;belopp",
        "2023-01;1",
        "",
        "2023-02;2",
        "",
        "",
        "2023-03;x",
        ";",
        "2023-04;4",
        "",
    ]
    path = write(tmp_path, "a.csv", newline.join(lines))
    table = read_table(path)
    assert table.data["period"].tolist() == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert table.lines.tolist() == [2, 4, 7, 9]
    with pytest.raises(InputError) as exc:
        parse_numbers(table, "belopp")
    assert [(p.line, p.column) for p in exc.value.problems] == [(7, "belopp")]


def test_old_mac_and_mixed_line_endings(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a;b\r1;2\r\r3;4\r")
    table = read_table(path)
    assert cells(table) == [["1", "2"], ["3", "4"]]
    assert table.lines.tolist() == [2, 4]
    path.write_bytes(b"a;b\r\n1;2\r3;4\r\n5;6\n")
    assert read_table(path).lines.tolist() == [2, 3, 4]


def test_header_with_quoted_line_break(tmp_path):
    text = 'Period;"Nämnd\n(id)";Belopp\n2023-01;bun;1\n2023-02;sn;x\n'
    table = read_table(write(tmp_path, "a.csv", text))
    assert table.columns == ["period", "namnd_(id)", "belopp"]
    assert table.lines.tolist() == [2, 3]


def test_leading_blank_lines_before_header(tmp_path):
    table = read_table(write(tmp_path, "a.csv", "\n\nperiod;belopp\n2023-01;1\n\n2023-02;2\n"))
    assert table.header_line == 3
    assert table.lines.tolist() == [4, 6]


def test_duplicate_columns_after_normalisation(tmp_path):
    with pytest.raises(InputError) as exc:
        read_table(write(tmp_path, "a.csv", "År;Belopp;ar\n2023;1;2023\n"))
    (problem,) = exc.value.problems
    assert "'År'" in problem.message and "'ar'" in problem.message
    assert problem.line == 1


def test_unsupported_format(tmp_path):
    path = tmp_path / "utfall.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError) as exc:
        read_table(path)
    message = str(exc.value)
    assert "utfall.xls" in message and ".xlsx" in message and ".csv" in message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="finns inte"):
        read_table(tmp_path / "saknas.csv")


def test_expected_columns_choose_the_delimiter(tmp_path):
    path = write(tmp_path, "a.csv", "konto,namn;grupp\n4010,Lön;5\n")
    assert read_table(path).delimiter == ";"  # tie: ';' preferred
    table = read_table(path, expected_columns=["konto", "namn"])
    assert table.delimiter == ","
    assert table.columns == ["konto", "namn;grupp"]


# --- require_columns ---------------------------------------------------------------------------
def test_require_columns_lists_all_missing_and_found(tmp_path):
    table = read_table(write(tmp_path, "a.csv", "Period;Nämnd\n2023-01;bun\n"), "ekonomi/a.csv")
    require_columns(table, ["period", "Nämnd"])
    with pytest.raises(InputError) as exc:
        require_columns(table, ["period", "konto", "belopp"])
    (problem,) = exc.value.problems
    assert problem.file == "ekonomi/a.csv"
    assert "'konto'" in problem.message and "'belopp'" in problem.message
    assert "'Period'" in problem.message and "'Nämnd'" in problem.message
    assert "avgränsa" not in problem.message


def test_require_columns_hints_at_wrong_delimiter(tmp_path):
    # A header read with ',' whose single column really is ';'-separated.
    table = RawTable(
        file="a.csv",
        columns=["period;namnd;belopp"],
        original={"period;namnd;belopp": "Period;Nämnd;Belopp"},
        data=pd.DataFrame({"period;namnd;belopp": ["2023-01;bun;1"]}),
        lines=np.array([2]),
        encoding="utf-8",
        delimiter=",",
    )
    with pytest.raises(InputError) as exc:
        require_columns(table, ["period", "namnd", "belopp"])
    message = str(exc.value)
    assert "'Period;Nämnd;Belopp'" in message
    assert "avgränsad med ';'" in message and "lästes med ','" in message


def test_require_columns_hint_for_semicolon_file_read_with_comma(tmp_path):
    # Rows with more ';'-fields than the header: the ';' reading is rejected, the file is
    # read as one ','-column, and the missing-column message explains why.
    text = "Period;Nämnd;Belopp\n2023-01;bun;1;x;y\n2023-02;sn;2;x;y\n"
    table = read_table(write(tmp_path, "a.csv", text), "ekonomi/a.csv")
    assert table.delimiter == ","
    assert table.columns == ["period;namnd;belopp"]
    with pytest.raises(InputError) as exc:
        require_columns(table, ["period", "namnd", "belopp"])
    (problem,) = exc.value.problems
    assert problem.line == 1
    assert "saknar kolumnerna 'period', 'namnd', 'belopp'" in problem.message
    assert "hittade kolumnerna 'Period;Nämnd;Belopp'" in problem.message
    assert "Rubrikraden verkar vara avgränsad med ';'" in problem.message
    assert "lästes med ','" in problem.message


def test_unquoted_decimal_commas_in_comma_file_are_reported_per_line(tmp_path):
    text = "period,namnd,belopp\n2023-01,bun,1,5\n2023-02,sn,2\n2023-03,sn,2,25\n"
    with pytest.raises(InputError) as exc:
        read_table(write(tmp_path, "a.csv", text), expected_columns=["period", "namnd", "belopp"])
    assert [p.line for p in exc.value.problems] == [2, 4]
    assert "citattecken" in exc.value.problems[0].message


def test_require_columns_hints_at_unsupported_delimiter(tmp_path):
    table = read_table(write(tmp_path, "a.csv", "period|namnd|belopp\n2023-01|bun|1\n"))
    assert len(table.columns) == 1
    with pytest.raises(InputError, match="avgränsad med '\\|'"):
        require_columns(table, ["period", "belopp"])


def test_require_columns_hint_for_xlsx_header_in_one_cell(tmp_path):
    path = write_xlsx(tmp_path, "a.xlsx", [["period;namnd;belopp"], ["2023-01;bun;1"]])
    table = read_table(path)
    with pytest.raises(InputError, match="Text till kolumner"):
        require_columns(table, ["period"])


# --- xlsx --------------------------------------------------------------------------------------
def test_xlsx_cells_row_numbers_and_types(tmp_path):
    path = write_xlsx(
        tmp_path,
        "a.xlsx",
        [
            [None, None, None, None],
            ["Period", "Konto", "Belopp", "Text"],
            [dt.datetime(2023, 4, 30, 13, 5), 4010, 1234.5, "  Förskola "],
            [None, None, None, None],
            ["2023-05", 4010.0, 1 / 3, 7],
            [dt.date(2023, 6, 1), 5010, -1e-05, None],
        ],
        start_row=2,
    )
    table = read_table(path, "ekonomi/a.xlsx")
    assert table.encoding is None and table.delimiter is None
    assert table.header_line == 3
    assert table.lines.tolist() == [4, 6, 7]
    assert cells(table) == [
        ["2023-04-30", "4010", "1234.5", "Förskola"],
        ["2023-05", "4010", "0.3333333333333333", "7"],
        ["2023-06-01", "5010", "-1e-05", ""],
    ]
    assert parse_periods(table, "period").tolist() == [202304, 202305, 202306]
    assert parse_numbers(table, "belopp").tolist() == [1234.5, 1 / 3, -1e-05]


def test_xlsx_trailing_empty_rows_are_ignored(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    ws.append([1, 2])
    for r in range(3, 30):  # formatted but empty cells
        ws.cell(row=r, column=1).number_format = "0.00"
        ws.cell(row=r, column=3, value="")
    wb.save(path)
    table = read_table(path)
    assert table.columns == ["a", "b"]
    assert cells(table) == [["1", "2"]]


def test_truncated_xlsx(tmp_path):
    path = write_xlsx(tmp_path, "a.xlsx", [["a", "b"]] + [[i, i * 2.5] for i in range(200)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as exc:
        read_table(path, "ekonomi/a.xlsx")
    assert str(exc.value) == (
        "ekonomi/a.xlsx: filen är inte en giltig .xlsx-fil (trasig eller avkortad?)"
    )


def test_csv_that_is_really_an_xlsx(tmp_path):
    xlsx = write_xlsx(tmp_path, "a.xlsx", [["a"], [1]])
    path = tmp_path / "a.csv"
    path.write_bytes(xlsx.read_bytes())
    with pytest.raises(InputError, match="Excel"):
        read_table(path)


# --- numbers -----------------------------------------------------------------------------------
def test_text_in_an_amount_reports_line_and_column(tmp_path):
    text = "period;namnd;Belopp\n" + "2023-01;bun;100\n" * 15 + "2023-01;bun;12x\n"
    table = read_table(write(tmp_path, "utfall_2023.csv", text), "ekonomi/utfall_2023.csv")
    with pytest.raises(InputError) as exc:
        parse_numbers(table, "belopp")
    assert str(exc.value) == (
        "ekonomi/utfall_2023.csv, rad 17, kolumn 'Belopp': '12x' är inte "
        "ett tal; förväntade ett tal som 1234,50 eller -1 234,50"
    )


def test_all_bad_cells_are_collected():
    table = table_of(["1", "abc", "", "2", "1 2", "nan", "inf", "--1", "1,2,3,4", "3"])
    with pytest.raises(InputError) as exc:
        parse_numbers(table, "x")
    got = problems_of(exc)
    assert [line for line, _, _ in got] == [3, 4, 6, 7, 8, 9, 10]
    assert all(column == "X" for _, column, _ in got)
    assert "värde saknas" in got[1][2]


@pytest.mark.parametrize(
    "values, expected",
    [
        (
            ["1234,50", "-1 234,50", f"1{NBSP}234{NBSP}567,89", f"{MINUS}5"],
            [1234.5, -1234.5, 1234567.89, -5],
        ),
        (["1234.50", "-1,234.50", "1,234,567.89", "+5"], [1234.5, -1234.5, 1234567.89, 5]),
        (["1.234,56", "1,234.56"], [1234.56, 1234.56]),  # both marks: the last is decimal
        (["1,234"], [1.234]),  # single commas, no '.': Swedish
        (["1.234"], [1.234]),  # single point: decimal
        (["1.5", "1,234"], [1.5, 1234]),  # a decimal point makes ',' grouping
        (["1.234", "1,234"], [1.234, 1234]),
        (["1,5", "1.234"], [1.5, 1234]),  # decimal comma makes '.' grouping
        (["1.234.567"], [1234567]),  # several points: grouping
        (["1,234,567"], [1234567]),
        (["0,125", "1,5"], [0.125, 1.5]),
        (["1'234.50", f"1{NNBSP}000"], [1234.5, 1000]),
        (["1e-05", "1.5E+06", ",5", "-0,5"], [1e-05, 1.5e6, 0.5, -0.5]),
    ],
)
def test_decimal_mark_rules(values, expected):
    assert parse_numbers(table_of(values), "x").tolist() == expected


def test_allow_empty_integer_minimum_maximum():
    assert np.isnan(parse_numbers(table_of(["1", "", "2,5"]), "x", allow_empty=True)).tolist() == [
        False,
        True,
        False,
    ]
    with pytest.raises(InputError) as exc:
        parse_numbers(
            table_of(["3", "2,5", "-1", "13", "", "12"]), "x", integer=True, minimum=1, maximum=12
        )
    got = problems_of(exc)
    assert [line for line, _, _ in got] == [3, 4, 5, 6]
    assert "heltal" in got[0][2]
    assert "minsta tillåtna värdet 1" in got[1][2]
    assert "högsta tillåtna värdet 12" in got[2][2]
    assert "värde saknas" in got[3][2]


def test_parse_numbers_of_a_missing_column():
    with pytest.raises(InputError, match="saknar kolumnen 'belopp'"):
        parse_numbers(table_of(["1"]), "belopp")


@st.composite
def formatted_amounts(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    xs = draw(
        st.lists(
            st.floats(min_value=-999_999_999.99, max_value=999_999_999.99, allow_nan=False),
            min_size=n,
            max_size=n,
        )
    )
    xs = [round(x, 2) for x in xs]
    separator = draw(st.sampled_from([" ", NBSP, NNBSP]))
    minus = draw(st.sampled_from(["-", MINUS]))
    swedish = []
    for x in xs:
        text = f"{abs(x):,.2f}".replace(",", separator).replace(".", ",")
        swedish.append((minus if text.strip("0, " + NBSP + NNBSP) and x < 0 else "") + text)
    english = [f"{x:.2f}" for x in xs]
    return xs, swedish, english


@settings(max_examples=150, deadline=None)
@given(formatted_amounts())
def test_swedish_and_english_formats_give_identical_floats(case):
    xs, swedish, english = case
    expected = [float(f"{x:.2f}") for x in xs]
    assert parse_numbers(table_of(swedish), "x").tolist() == expected
    assert parse_numbers(table_of(english), "x").tolist() == expected
    for one_sv, one_en, want in zip(
        swedish, english, expected, strict=True
    ):  # also one cell at a time
        assert parse_numbers(table_of([one_sv]), "x")[0] == want
        assert parse_numbers(table_of([one_en]), "x")[0] == want


# --- periods -----------------------------------------------------------------------------------
def test_period_formats():
    values = ["2023-04", "2023-4", "202304", "2023-04-30", "2023-12-01 00:00:00", " 2024-01 "]
    table = table_of([v.strip() for v in values])
    periods = parse_periods(table, "x")
    assert periods.dtype == np.int64
    assert periods.tolist() == [202304, 202304, 202304, 202304, 202312, 202401]


def test_month_13_is_rejected_with_its_line(tmp_path):
    text = "period;belopp\n2023-12;1\n2023-13;2\n2023-00;3\n"
    table = read_table(write(tmp_path, "utfall.csv", text), "ekonomi/utfall.csv")
    with pytest.raises(InputError) as exc:
        parse_periods(table, "period")
    got = problems_of(exc)
    assert [line for line, _, _ in got] == [3, 4]
    assert got[0][1] == "period"
    assert "'2023-13'" in got[0][2] and "01–12" in got[0][2]


def test_bad_periods_are_all_collected():
    table = table_of(["2023-01", "april", "", "23-04", "20234", "2023/04", "2023-01"])
    with pytest.raises(InputError) as exc:
        parse_periods(table, "x")
    got = problems_of(exc)
    assert [line for line, _, _ in got] == [3, 4, 5, 6, 7]
    assert "förväntade en period som ÅÅÅÅ-MM, till exempel 2023-04" in got[0][2]
    assert "värde saknas" in got[1][2]


# --- a larger file --------------------------------------------------------------------------------
def test_large_generated_csv(tmp_path):
    n = 200_000
    rng = np.random.default_rng(7)
    cents = rng.integers(-(10**9), 10**9, n)
    months = rng.integers(1, 13, n)
    konto = rng.integers(3000, 9000, n)

    def sv(c: int) -> str:
        text = f"{abs(c) / 100:,.2f}".replace(",", NBSP).replace(".", ",")
        return ("-" if c < 0 else "") + text

    body = "".join(
        f"2023-{m:02d};bun;{k};{sv(c)}\n"
        for m, k, c in zip(months.tolist(), konto.tolist(), cents.tolist(), strict=True)
    )
    path = write(tmp_path, "utfall.csv", "Period;Nämnd;Konto;Belopp\n" + body, encoding="cp1252")
    table = read_table(path, expected_columns=["period", "namnd", "konto", "belopp"])
    assert len(table.data) == n
    assert table.lines[0] == 2 and table.lines[-1] == n + 1
    np.testing.assert_array_equal(parse_numbers(table, "belopp"), cents / 100)
    np.testing.assert_array_equal(parse_numbers(table, "konto", integer=True), konto)
    np.testing.assert_array_equal(parse_periods(table, "period"), 202300 + months)


# --- the shared pieces: read_bytes, decode, split_line ------------------------------------
def test_read_bytes_reads_a_regular_file_and_refuses_a_link(tmp_path):
    path = write(tmp_path, "a.csv", "x;y\n1;2\n")
    assert read_bytes(path, "a.csv") == b"x;y\n1;2\n"
    link = tmp_path / "b.csv"
    link.symlink_to(path)
    with pytest.raises(InputError, match=r"^b.csv: filen är en symbolisk länk"):
        read_bytes(link, "b.csv")
    with pytest.raises(InputError, match=r"^c.csv: filen finns inte"):
        read_bytes(tmp_path / "c.csv", "c.csv")
    outside = write(tmp_path / "annan", "d.csv", "x\n")
    with pytest.raises(InputError, match="utanför data/raw"):
        read_bytes(outside, "d.csv", root=tmp_path / "raw")


@pytest.mark.parametrize(
    "raw, text, encoding",
    [
        (b"a;b\n", "a;b\n", "utf-8"),
        ("Förskola;Åre\n".encode(), "Förskola;Åre\n", "utf-8"),
        (b"\xef\xbb\xbfN\xc3\xa4mnd\n", "Nämnd\n", "utf-8-sig"),
        ("Förskola\n".encode("cp1252"), "Förskola\n", "cp1252"),
        (b"\x81\n", "\x81\n", "cp1252"),  # undefined in Windows-1252: the C1 control
        ("Nämnd\tÅr\n".encode("utf-16"), "Nämnd\tÅr\n", "utf-16"),
    ],
)
def test_decode_gives_utf8_and_the_encoding(raw, text, encoding):
    body, found = decode(raw, "f.csv")
    assert body == text.encode("utf-8")
    assert found == encoding


@pytest.mark.parametrize(
    "raw, message",
    [
        ("a\nFörskola\n".encode() + "Åre\n".encode("cp1252"), r"f.csv, rad 2: filen blandar"),
        ("a\nFÃ¶rskola\n".encode(), r"f.csv, rad 2: raden innehåller förvanskad text"),
        (b"PK\x03\x04rest", "Excel-arbetsbok"),
        (b"a\x00b", "inte vara en textfil"),
        (b"\xef\xbb\xbf\xff\xfe", "märkt som UTF-8"),
    ],
)
def test_decode_refuses_mixed_garbled_and_binary_files(raw, message):
    with pytest.raises(InputError, match=message):
        decode(raw, "f.csv")


@pytest.mark.parametrize(
    "line, delimiter, fields",
    [
        ("a;b;c", ";", ["a", "b", "c"]),
        ('"2580 Luleå","0 år",409', ",", ["2580 Luleå", "0 år", "409"]),
        ('"1 234,50";"sa ""hej""";', ";", ["1 234,50", 'sa "hej"', ""]),
        ("x\ty", "\t", ["x", "y"]),
        ("", ";", []),
    ],
)
def test_split_line(line, delimiter, fields):
    assert split_line(line, delimiter) == fields
