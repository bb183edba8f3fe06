"""The SIE reader on hand-written tiny files: tokeniser, decoding, records, errors and
the consistency checks (each with a mutation that must make it fail)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import InputError
from analysis.io import sie_snabb
from analysis.io.sie import (
    avkoda,
    kontosaldon,
    obalanserade,
    objekt_text,
    parse_sie,
    psaldo_mot_trans,
    read_sie,
    res_mot_psaldo,
    tokenise,
    ub_mot_ib_psaldo,
)
from analysis.io.sie_snabb import dela, falt

# --------------------------------------------------------------------------- tokeniser


def test_tokenise_tabs_quotes_and_objects():
    line = '#TRANS\t3010  {1 "100"\t6 P1}\t-500.00 20110105 "sa \\"ja\\" nu"'
    assert tokenise(line) == [
        "#TRANS",
        "3010",
        ["1", "100", "6", "P1"],
        "-500.00",
        "20110105",
        'sa "ja" nu',
    ]


def test_tokenise_empty_lists_and_empty_strings():
    assert tokenise('#TRANS 1930 {} 0 "" ""') == ["#TRANS", "1930", [], "0", "", ""]
    assert tokenise("#TRANS 1930 { } 12.00") == ["#TRANS", "1930", [], "12.00"]
    assert tokenise('#TRANS 1930 {"1" "Nord"} 1') == ["#TRANS", "1930", ["1", "Nord"], "1"]


def test_tokenise_quoted_space_and_backslash():
    assert tokenise('#FNAMN "A \\\\ B  AB"') == ["#FNAMN", "A \\ B  AB"]
    # an unterminated quote or list ends at the end of the line
    assert tokenise('#FNAMN "öppen') == ["#FNAMN", "öppen"]
    assert tokenise("#TRANS 1 {1 2") == ["#TRANS", "1", ["1", "2"]]
    # only space and tab separate fields (a no-break space is part of a word)
    assert tokenise("#KONTO 1\ta\u00a0b") == ["#KONTO", "1", "a\u00a0b"]
    # a lone backslash stays itself
    assert tokenise('#FNAMN "C:\\sie\\x"') == ["#FNAMN", "C:\\sie\\x"]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")))
def test_tokenise_quoted_roundtrip(text):
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert tokenise(f"#X {quoted} 1") == ["#X", text, "1"]


def test_objekt_text_sorts_by_dimension():
    assert objekt_text(["6", "P1", "1", "100"]) == "1:100;6:P1"
    assert objekt_text(["10", "a", "2", "b"]) == "2:b;10:a"
    assert objekt_text([]) == ""


# --------------------------------------------------------------------------- decoding


def test_pc8_bytes_are_cp437(tmp_path):
    text = '#FLAGGA 0\n#FORMAT PC8\n#FNAMN "Åäö Öland"\n#KONTO 3010 "Försäljning"\n'
    raw = text.encode("cp437")
    assert b'"\x8f\x84\x94 \x99land"' in raw  # Å ä ö Ö in code page 437
    path = tmp_path / "f.se"
    path.write_bytes(raw)
    sie = read_sie(path)
    assert sie.kodning == "cp437"
    assert sie.info["fnamn"] == "Åäö Öland"
    assert sie.konton["namn"].tolist() == ["Försäljning"]


def test_pc8_declared_but_utf8_is_read_as_utf8():
    text, enc = avkoda('#FORMAT PC8\n#FNAMN "Åäö"\n'.encode(), "f.se")
    assert (enc, text) == ("utf-8", '#FORMAT PC8\n#FNAMN "Åäö"\n')


def test_without_format_utf8_then_cp1252():
    assert avkoda('\ufeff#FNAMN "Å"\n'.encode(), "f") == ('#FNAMN "Å"\n', "utf-8")
    raw = '#FNAMN "Åäö €"\n'.encode("cp1252")
    assert avkoda(raw, "f") == ('#FNAMN "Åäö €"\n', "cp1252")


def test_undecodable_bytes_refused_with_file_and_line():
    raw = b'#FLAGGA 0\n#FNAMN "x"\n#KONTO 1 "\x81\xff"\n'
    with pytest.raises(InputError) as err:
        avkoda(raw, "bok.se")
    message = str(err.value)
    assert message.startswith("bok.se, rad 3: byte 0x81 kan inte avkodas")
    assert "PC8" in message


# --------------------------------------------------------------------------- records

TINY = """\
#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Testprogram" 1.0
#FNAMN "Testbolaget \\"TB\\" AB"
#ORGNR 555555-5555
#ADRESS "x" "y" "z" "w"
#RAR 0 20100701 20110630
#RAR -1 20090701 20100630
#KONTO 1930 "Bank"
#KTYP 1930 T
#KONTO 3010 Försäljning
#KTYP 3010 I
#KONTO 5010 "Lokalhyra"
#DIM 1 "Kostnadsställe"
#UNDERDIM 21 "Delprojekt" 6
#OBJEKT 1 "100" "Skolan"
#OBJEKT 1 200 Vården
#IB 0 1930 1000.00
#UB 0 1930 1450.00
#IB -1 1930 0
#UB -1 1930 1000.00
#RES 0 3010 -800.00
#RES 0 5010 350.00
#OIB 0 1930 {1 100} 10
#PSALDO 0 201007 3010 {} -500.00
#PSALDO 0 201007 3010 {1 "100"} -200.00
#PSALDO 0 201008 3010 {} -300.00
#PSALDO 0 201008 5010 {} 350.00
#PBUDGET 0 201007 3010 {} -450
#MYSTISK 1 2 3
#VER A 1 20100705 "Kassa"
{
\t#TRANS 1930 {} 500.00
\t#TRANS 3010 {1 "100"} -200.00 20100706 "Skolan"
\t#TRANS 3010 {} -300.00
}
#VER "A" "2" 20100801 "Hyra" 20100802
{
#TRANS 5010 {} 350.00 "" "Lokal"
#BTRANS 1930 {} -999 20100901 "" "" "Någon"
#RTRANS 1930 {} -350.00 20100901 "" "" "Någon"
#TRANS 1930 {} -350.00
}
#VER B 1 20100810 "Försäljning"
{
#RTRANS 1930 {} 300 20100901 "" "" "Någon"
#TRANS 3010 {} -300
}
"""


@pytest.fixture(scope="module")
def tiny():
    return parse_sie(TINY, "tiny.se")


def test_metadata_and_registers(tiny):
    assert tiny.info["fnamn"] == 'Testbolaget "TB" AB'
    assert tiny.info["program"] == "Testprogram 1.0"
    assert tiny.info["sietyp"] == "4"
    assert tiny.konton["konto"].tolist() == ["1930", "3010", "5010"]
    assert tiny.konton["namn"].tolist() == ["Bank", "Försäljning", "Lokalhyra"]
    assert tiny.konton["ktyp"].fillna("saknas").tolist() == ["T", "I", "saknas"]
    assert tiny.rar["arsnr"].tolist() == [0, -1]
    assert tiny.rar["start"].tolist() == [pd.Timestamp("2010-07-01"), pd.Timestamp("2009-07-01")]
    assert tiny.rar["slut"].tolist() == [pd.Timestamp("2011-06-30"), pd.Timestamp("2010-06-30")]
    assert tiny.dimensioner.fillna("").values.tolist() == [
        ["1", "Kostnadsställe", ""],
        ["21", "Delprojekt", "6"],
    ]
    assert tiny.objekt.values.tolist() == [["1", "100", "Skolan"], ["1", "200", "Vården"]]
    assert dict(tiny.ignorerade) == {"#ADRESS": 1, "#MYSTISK": 1}


def test_balances_and_period_records(tiny):
    assert tiny.balanser.values.tolist() == [
        ["IB", 0, "1930", 1000.0],
        ["UB", 0, "1930", 1450.0],
        ["IB", -1, "1930", 0.0],
        ["UB", -1, "1930", 1000.0],
        ["RES", 0, "3010", -800.0],
        ["RES", 0, "5010", 350.0],
    ]
    assert tiny.objektbalanser.values.tolist() == [["OIB", 0, "1930", "1:100", 10.0]]
    assert tiny.psaldo.values.tolist() == [
        [0, 201007, "3010", "", -500.0],
        [0, 201007, "3010", "1:100", -200.0],
        [0, 201008, "3010", "", -300.0],
        [0, 201008, "5010", "", 350.0],
    ]
    assert tiny.pbudget.values.tolist() == [[0, 201007, "3010", "", -450.0]]


def test_transactions_dates_texts_and_corrections(tiny):
    t = tiny.transaktioner
    assert t[["serie", "vernr", "konto", "objekt", "belopp", "text"]].values.tolist() == [
        ["A", "1", "1930", "", 500.0, "Kassa"],
        ["A", "1", "3010", "1:100", -200.0, "Skolan"],
        ["A", "1", "3010", "", -300.0, "Kassa"],
        ["A", "2", "5010", "", 350.0, "Lokal"],
        # the #RTRANS counts once, by its duplicate #TRANS; the #BTRANS not at all
        ["A", "2", "1930", "", -350.0, "Hyra"],
        # an #RTRANS without its duplicate #TRANS counts on its own
        ["B", "1", "1930", "", 300.0, "Försäljning"],
        ["B", "1", "3010", "", -300.0, "Försäljning"],
    ]
    assert t["rad"].tolist() == [34, 35, 36, 40, 43, 47, 48]
    assert t["transdatum"].isna().tolist() == [True, False, True, True, True, False, True]
    assert t.loc[1, "datum"] == pd.Timestamp("2010-07-06")
    assert t.loc[0, "datum"] == pd.Timestamp("2010-07-05")
    assert t.loc[5, "datum"] == pd.Timestamp("2010-09-01")
    assert (t.loc[[2, 3, 4, 6], "datum"] == t.loc[[2, 3, 4, 6], "verdatum"]).all()
    assert tiny.andringar[["typ", "serie", "vernr", "konto", "belopp"]].values.tolist() == [
        ["BTRANS", "A", "2", "1930", -999.0],
        ["RTRANS", "A", "2", "1930", -350.0],
        ["RTRANS", "B", "1", "1930", 300.0],
    ]


def test_ver_block_opened_on_its_line():
    sie = parse_sie('#RAR 0 20110101 20111231\n#VER A 1 20110101 "x" {\n#TRANS 1 {} 1\n}\n', "f")
    assert sie.transaktioner["konto"].tolist() == ["1"]


def test_ktyp_without_type_leaves_it_missing():
    sie = parse_sie("#KONTO DIFF DIFF\n#KTYP DIFF\n", "f")
    assert sie.konton["ktyp"].isna().tolist() == [True]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("#RAR 0\n", 1, "#RAR har för få fält"),
        ("#FLAGGA 0\n#RAR 0 20110101 20111331\n", 2, "slut '20111331' är inget datum"),
        ("#PSALDO 0 201113 3010 {} 1\n", 1, "period '201113' är ingen månad"),
        ("#IB 0 1930 12,3,4\n", 1, "saldo '12,3,4' är inte ett belopp"),
        ("#IB x 1930 1\n", 1, "årsnr 'x' är inte ett heltal"),
        ("#PSALDO 0 201101 3010 {1} 1\n", 1, "par av dimension och objekt"),
        ("#PSALDO 0 201101 3010 5 1\n", 1, "väntade en objektlista"),
        ("#TRANS 1930 {} 1\n", 1, "#TRANS utanför ett #VER-block"),
        ("{\n", 1, "'{' utan ett föregående #VER"),
        ("#VER A 1 20110101\n{\n#TRANS 1 {} 1\n", 2, "stängs aldrig"),
        ("}\n", 1, "'}' utan ett öppnat block"),
        ("#VER A 1 20110101\n{\n#TRANS 1 {} inf\n}\n", 3, "belopp 'inf' är inte ett belopp"),
        ("#VER A 1 20110101\n{\n#TRANS 1 {}\n}\n", 3, "#TRANS saknar belopp"),
        ("#VER A 1 2011-01-01\n", 1, "verdatum '2011-01-01' är inget datum"),
    ],
)
def test_malformed_records_name_file_and_line(text, line, fragment):
    with pytest.raises(InputError) as err:
        parse_sie(text, "bok.se")
    message = str(err.value)
    assert message.startswith(f"bok.se, rad {line}: "), message
    assert fragment in message


def test_symlink_refused(tmp_path):
    real = tmp_path / "real.se"
    real.write_text("#FLAGGA 0\n")
    link = tmp_path / "link.se"
    link.symlink_to(real)
    with pytest.raises(InputError, match="link.se"):
        read_sie(link)


# --------------------------------------------------------------------------- consistency


def test_obalanserade_message():
    text = (
        "#RAR 0 20110101 20111231\n"
        '#VER B 1 20110103 "x"\n{\n#TRANS 1930 {} -12771.00\n}\n'
        "#VER B 2 20110104\n{\n#TRANS 1930 {} 5\n#TRANS 3010 {} -5\n}\n"
    )
    bad = obalanserade(parse_sie(text, "f"))
    assert bad["meddelande"].tolist() == [
        "verifikation B 1 2011-01-03 balanserar inte: \u221212\u00a0771,00"
    ]
    assert bad[["serie", "vernr"]].values.tolist() == [["B", "1"]]
    assert bad["differens"].tolist() == [-12771.0]


def test_obalanserade_on_tiny_is_empty_and_mutation_found(tiny):
    assert obalanserade(tiny).empty
    mutated = parse_sie(TINY.replace("#TRANS 3010 {} -300.00\n", "#TRANS 3010 {} -300.50\n"), "f")
    bad = obalanserade(mutated)
    assert bad["meddelande"].tolist() == ["verifikation A 1 2010-07-05 balanserar inte: \u22120,50"]
    # the #BTRANS must not count: counting it would unbalance A 2 by −999
    with_btrans = TINY.replace("#BTRANS", "#TRANS")
    assert obalanserade(parse_sie(with_btrans, "f"))["differens"].tolist() == [-999.0]


def test_psaldo_mot_trans_hand_computed(tiny):
    got = psaldo_mot_trans(tiny)
    # 3010 in 201007: PSALDO {} −500; #TRANS −200 (dated 20100706) −300 = −500.
    # 3010 in 201008: PSALDO −300, #TRANS B 1 −300; 5010 201008: 350 both.
    # 1930 has #TRANS but no #PSALDO: not compared.
    assert got.values.tolist() == [
        [0, 201007, "3010", -500.0, -500.0, 0.0],
        [0, 201008, "3010", -300.0, -300.0, 0.0],
        [0, 201008, "5010", 350.0, 350.0, 0.0],
    ]
    mutated = parse_sie(
        TINY.replace("#PSALDO 0 201008 5010 {} 350.00", "#PSALDO 0 201008 5010 {} 351"), "f"
    )
    diff = psaldo_mot_trans(mutated).set_index("konto")["differens"]
    assert diff["5010"] == pytest.approx(1.0)
    assert diff["3010"].abs().max() == 0


def test_trans_outside_every_rar_not_compared():
    text = (
        "#RAR 0 20110101 20111231\n#PSALDO 0 201012 3010 {} -5\n"
        "#VER A 1 20101215\n{\n#TRANS 3010 {} -5\n#TRANS 1930 {} 5\n}\n"
    )
    assert psaldo_mot_trans(parse_sie(text, "f")).empty


def test_res_and_ub_hand_computed_and_mutated(tiny):
    res = res_mot_psaldo(tiny)
    # 3010: RES −800 = PSALDO −500 + −300 (the {1 100} row is a part of the −500)
    assert res.values.tolist() == [[0, "3010", -800.0, -800.0, 0.0], [0, "5010", 350.0, 350.0, 0.0]]
    # 1930 has no #PSALDO in the file: #UB is not compared
    assert ub_mot_ib_psaldo(tiny).empty
    text = TINY + "#PSALDO 0 201007 1930 {} 500\n#PSALDO 0 201008 1930 {} -50\n"
    ub = ub_mot_ib_psaldo(parse_sie(text, "f"))
    assert ub.values.tolist() == [[0, "1930", 1000.0, 450.0, 1450.0, 0.0]]
    broken = text.replace("#UB 0 1930 1450.00", "#UB 0 1930 1449.00")
    assert ub_mot_ib_psaldo(parse_sie(broken, "f"))["differens"].tolist() == [-1.0]
    broken = TINY.replace("#RES 0 3010 -800.00", "#RES 0 3010 -700.00")
    assert res_mot_psaldo(parse_sie(broken, "f"))["differens"].tolist() == [100.0, 0.0]


def test_kontosaldon_disjoint_parts():
    # Avendo's way: rows with combined objects are disjoint parts; {} is the rest
    text = (
        "#PSALDO 0 201101 1460 {7 1} -100\n"
        "#PSALDO 0 201101 1460 {1 Nord 7 1} 30\n"
        "#PSALDO 0 201101 1460 {} 5\n"
        "#PSALDO 0 201102 1460 {7 4} 40\n"
    )
    got = kontosaldon(parse_sie(text, "f"))
    assert got.values.tolist() == [[0, 201101, "1460", -65.0], [0, 201102, "1460", 40.0]]


def test_kontosaldon_sie_totals():
    # SIE's way: {} is the total, single-dimension rows are parts of it
    text = (
        "#PSALDO 0 201101 3010 {} -100\n"
        "#PSALDO 0 201101 3010 {1 A} -60\n"
        "#PSALDO 0 201101 3010 {1 B} -40\n"
        "#PSALDO 0 201102 3010 {1 A} 7\n"
        "#PSALDO 0 201102 3010 {1 B} -7\n"
    )
    got = kontosaldon(parse_sie(text, "f"))
    assert got.values.tolist() == [[0, 201101, "3010", -100.0]]
    assert not any(math.isnan(x) for x in got["belopp"])


# --------------------------------------------------------------------------- the fast path
# parse_sie reads plain vouchers by columns (analysis.io.sie_snabb) and the rest with the
# exact tokeniser. A form feed at the very end adds only an empty line for the exact
# reader but is a line break the fast path does not take: the same text is then read
# exactly, line by line — an independent implementation to compare with.


def _exact(text: str, display: str = "f.se"):
    assert falt(text + "\x0c") is None
    return parse_sie(text + "\x0c", display)


def _outcome(text: str):
    try:
        return parse_sie(text, "f.se")
    except InputError as exc:
        return str(exc)


def _exact_outcome(text: str):
    try:
        return _exact(text)
    except InputError as exc:
        return str(exc)


def _same(a, b) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    assert (a.fil, a.kodning, dict(a.info), dict(a.ignorerade)) == (
        b.fil,
        b.kodning,
        dict(b.info),
        dict(b.ignorerade),
    )
    for name in (
        "konton",
        "rar",
        "dimensioner",
        "objekt",
        "balanser",
        "objektbalanser",
        "psaldo",
        "pbudget",
        "transaktioner",
        "andringar",
    ):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def test_tiny_is_read_the_same_by_both_paths(tiny):
    plan = falt(TINY)
    # only A 1 is plain (A 2 and B 1 hold corrections: read exactly)
    assert plan is not None and plan.ver.forsta.tolist() == [31]
    _same(tiny, _exact(TINY, "tiny.se"))


def test_fast_path_reads_plain_vouchers_hand_checked():
    text = (
        "#RAR 0 20230101 20231231\n"
        '#VER "A" 7 20230105 "Faktura {x}"\r\n'
        "{\r\n"
        '\t#TRANS  4010\t{1 "100"  6 P1}  1250.50 20230106 "Rad, med text" 1 "Anna"\r\n'
        '   #TRANS "1930" {} -1250.5 "" ""\r\n'
        "}\r\n"
        "\r\n"
        "#VER B 8 20230201 {\n"
        "#TRANS 2440 { } 10 20230202 Kort\n"
        "#TRANS 1930 {} -10\n"
        "}\n"
    )
    plan = falt(text)
    assert plan is not None
    assert len(plan.ver.forsta) == 2 and len(plan.rader.rad) == 4  # all four rows fast
    t = parse_sie(text, "f").transaktioner
    assert t[["serie", "vernr", "konto", "objekt", "belopp", "text", "rad"]].values.tolist() == [
        ["A", "7", "4010", "1:100;6:P1", 1250.5, "Rad, med text", 4],
        ["A", "7", "1930", "", -1250.5, "Faktura {x}", 5],
        ["B", "8", "2440", "", 10.0, "Kort", 9],
        ["B", "8", "1930", "", -10.0, "", 10],
    ]
    assert t["transdatum"].tolist()[0] == pd.Timestamp("2023-01-06")
    assert t["transdatum"].isna().tolist() == [False, True, False, True]
    assert t["datum"].tolist() == [
        pd.Timestamp(d) for d in ("2023-01-06", "2023-01-05", "2023-02-02", "2023-02-01")
    ]
    _same(parse_sie(text, "f"), _exact(text, "f"))


def _big(n: int, broken: str | None = None, at: int = -1) -> str:
    lines = ["#FLAGGA 0", "#RAR 0 20230101 20231231"]
    for v in range(n):
        lines += [f'#VER A {v + 1} 20230105 "V {v}"', "{"]
        lines += ["   #TRANS 1930 {} 100.00", '   #TRANS 3010 {1 "100"} -100.00']
        if v == at and broken is not None:
            lines.append(broken)
        lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("   #TRANS 1930 {} 5 20231340", "transdat '20231340' är inget datum"),
        ("   #TRANS 1930 {} 12,3,4", "belopp '12,3,4' är inte ett belopp"),
        ("   #TRANS 1930 {1} 5", "par av dimension och objekt"),
        ("   #TRANS 1930 {} -", "belopp '-' är inte ett belopp"),
    ],
)
def test_errors_inside_a_large_file_name_the_right_line(row, fragment):
    text = _big(60, row, at=40)
    plan = falt(text)
    assert plan is not None and len(plan.ver.forsta) >= 59  # the others are read by columns
    line = text.splitlines().index(row) + 1
    with pytest.raises(InputError) as err:
        parse_sie(text, "stor.se")
    assert str(err.value).startswith(f"stor.se, rad {line}: "), str(err.value)
    assert fragment in str(err.value)


def test_bad_voucher_date_on_the_fast_path_names_its_line():
    text = _big(30).replace('#VER A 20 20230105 "V 19"', '#VER A 20 20230230 "V 19"')
    with pytest.raises(InputError) as err:
        parse_sie(text, "stor.se")
    line = text.splitlines().index('#VER A 20 20230230 "V 19"') + 1
    assert str(err.value).startswith(f"stor.se, rad {line}: verdatum '20230230'")


def test_unclosed_block_before_plain_vouchers_is_read_exactly():
    # the first block is never closed: the following #VER lines are records inside it
    text = "#VER A 1 20230101\n{\n#TRANS 1 {} 1\n" + _big(3)
    _same(_outcome(text), _exact_outcome(text))
    assert "'{' inne i ett block" in _outcome(text)


def test_line_offsets_number_lines_as_splitlines():
    for text in ["", "\n", "a", "a\nb", "a\r\nb\r\n", "\n\n x \r\n", "å\nä\r\nö"]:
        got = dela(text)
        assert got is not None
        data, start = got
        lines = [
            data[a:b].decode().removesuffix("\n").removesuffix("\r")
            for a, b in zip(start[:-1], start[1:], strict=True)
        ]
        assert lines[: len(text.splitlines())] == text.splitlines()
        assert all(line == "" for line in lines[len(text.splitlines()) :])
    for text in ["a\rb", "a\x0bb", "a\u2028b", "a\x85b", "a\x1cb"]:
        assert dela(text) is None


def _old_declares_pc8(data: bytes) -> bool:
    for raw in data.splitlines():
        stripped = raw.strip()
        if stripped.startswith(b"#FORMAT"):
            rest = stripped[len(b"#FORMAT") :].strip().strip(b'"').strip()
            return rest.upper() == b"PC8"
    return False


@given(
    st.lists(
        st.sampled_from(
            [
                b"#FORMAT PC8",
                b"  #FORMAT pc8 ",
                b'#FORMAT "PC8"',
                b"#FORMAT UTF8",
                b"#FORMATX",
                b"x #FORMAT PC8",
                b"#FLAGGA 0",
                b"",
                b"\t#FORMAT\tPC8",
            ]
        ),
        max_size=5,
    ),
    st.sampled_from([b"\n", b"\r\n", b"\r"]),
)
def test_pc8_declaration_as_before(lines, newline):
    # ASCII bytes: cp437 exactly when the first #FORMAT line says PC8
    data = newline.join(lines)
    assert (avkoda(data, "f")[1] == "cp437") == _old_declares_pc8(data)


# ---- the differential test: random vouchers, both paths


_WS = st.sampled_from([" ", "\t", "  ", " \t"])
_BARE = st.text(alphabet="ABCabc0123_-.:/", min_size=1, max_size=6)
_QUOTED_PLAIN = st.text(alphabet="Ab 1{}åÖ,.-", max_size=8).map(lambda s: f'"{s}"')
_QUOTED_ESC = st.text(alphabet='Ab "\\', max_size=6).map(
    lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
)
_FIELD = st.one_of(_BARE, _QUOTED_PLAIN, _QUOTED_ESC, st.just('""'))
_DATE = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(
        lambda d: d.strftime("%Y%m%d")
    ),
    st.sampled_from(["20230230", "2023013", "x", '""']),
)
_AMOUNT = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.decimals(-(10**7), 10**7, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}"),
    st.sampled_from(["1,5", "-0.00", "+5", "1e3", ".5", "5.", "x", "inf", "007"]),
)
_OBJ_ID = st.one_of(_BARE, _QUOTED_PLAIN, _QUOTED_ESC)


@st.composite
def _objects(draw):
    n = draw(st.integers(0, 3))
    items = []
    for _ in range(n):
        items += [draw(st.sampled_from(["1", "6", "10", '"2"'])), draw(_OBJ_ID)]
    if draw(st.integers(0, 15)) == 0:
        items.append("7")  # odd: refused
    sep = draw(_WS)
    inner = sep.join(items)
    pad = draw(st.sampled_from(["", " "]))
    return "{" + pad + inner + pad + "}"


@st.composite
def _row(draw):
    label = draw(st.sampled_from(["#TRANS"] * 12 + ["#trans", "#RTRANS", "#BTRANS"]))
    ws = draw(_WS)
    konto = draw(st.sampled_from(["1930", "3010", '"2440"', "4010"]))
    fields = [label, konto]
    if draw(st.integers(0, 20)):
        fields.append(draw(_objects()))
    fields.append(draw(_AMOUNT))
    extra = draw(st.integers(0, 4))
    if extra >= 1:
        fields.append(draw(_DATE))
    if extra >= 2:
        fields.append(draw(_FIELD))
    if extra >= 3:
        fields.append(draw(st.sampled_from(["1", "2.5", '"Anna"', "{", "}", '"open'])))
    indent = draw(st.sampled_from(["", "   ", "\t"]))
    trail = draw(st.sampled_from(["", " ", "\t", "\u00a0"]))
    return indent + ws.join(fields) + trail


@st.composite
def _voucher(draw):
    serie = draw(st.sampled_from(["A", "B", '"A"', '""', '"S 1"']))
    vernr = str(draw(st.integers(1, 99)))
    date = draw(_DATE)
    head = ["#VER", serie, vernr, date]
    if draw(st.booleans()):
        head.append(draw(_FIELD))
    if draw(st.integers(0, 3)) == 0:
        head.append(draw(st.sampled_from(["20240101", '"Anna"'])))
    ws = draw(_WS)
    same_line = draw(st.integers(0, 4)) == 0
    lines = [ws.join(head) + (" {" if same_line else "")]
    if not same_line:
        lines.append(draw(st.sampled_from(["{", " {", "{ "])))
    lines += draw(st.lists(_row(), min_size=0, max_size=5))
    if draw(st.integers(0, 10)) == 0:
        lines.insert(-1 if len(lines) > 1 else len(lines), "")
    if draw(st.integers(0, 20)):
        lines.append(draw(st.sampled_from(["}", " }", "}\t"])))
    return lines


@given(
    st.lists(
        st.one_of(
            _voucher(),
            st.sampled_from(
                [["#KONTO 1930 Bank"], ["#KSUMMA 1"], [""], ["#RAR 0 20230101 20231231"]]
            ).map(list),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_fast_path_equals_exact_tokeniser(blocks, newline):
    text = newline.join(line for block in blocks for line in block) + newline
    _same(_outcome(text), _exact_outcome(text))


_PLAIN_TEXT = st.one_of(
    st.text(alphabet="AbÅö 1{}-,.#", max_size=10).map(lambda s: f'"{s}"'),
    st.text(alphabet="Ab1.-_:", min_size=1, max_size=6),
    _QUOTED_ESC,  # escaped quotes and backslashes: for the exact tokeniser
)


@st.composite
def _plain_row(draw):
    """A #TRANS row of the forms the fast path takes (and, rarely, one it does not)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(_row())
    ws = draw(_WS)
    plain_id = st.one_of(_BARE, st.text(alphabet="Ab 1åÖ,.-", max_size=6).map(lambda s: f'"{s}"'))
    pairs = draw(st.lists(st.tuples(st.sampled_from(["1", "6", "10"]), plain_id), max_size=3))
    inner = draw(_WS).join(f"{d}{draw(_WS)}{o}" for d, o in pairs)
    fields = ["#TRANS", draw(st.sampled_from(["1930", '"3010"', "2440"])), "{" + inner + "}"]
    cents = draw(st.integers(-(10**11), 10**11))
    fields.append(draw(st.sampled_from([f"{cents / 100:.2f}", str(cents), f"{cents / 10:.1f}"])))
    extra = draw(st.integers(0, 3))
    if extra >= 1:
        day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
        fields.append(draw(st.one_of(day.map(lambda d: d.strftime("%Y%m%d")), st.just('""'))))
    if extra >= 2:
        fields.append(draw(_PLAIN_TEXT))
    if extra >= 3:
        fields.append(draw(st.sampled_from(['1 "Anna"', "-2.5", '"x" "y" {'])))
    return (
        draw(st.sampled_from(["", "   ", "\t"]))
        + ws.join(fields)
        + draw(st.sampled_from(["", " ", "\t"]))
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", '"B"', "C1"]),
            st.one_of(st.just(""), _PLAIN_TEXT),
            st.booleans(),
            st.lists(_plain_row(), max_size=5),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_fast_path_equals_exact_tokeniser_on_plain_vouchers(vouchers, newline):
    # mostly vouchers the fast path takes (its quoted/unquoted objects, tabs, amounts,
    # dates present or absent, texts with spaces and braces), some it leaves
    lines = ["#RAR 0 20230101 20231231"]
    for i, (serie, text, same_line, rows) in enumerate(vouchers):
        head = f"#VER {serie} {i + 1} 20230105 {text}".rstrip()
        lines += [f"{head} {{"] if same_line else [head, "{"]
        lines += [*rows, "}"]
    text = newline.join(lines) + newline
    _same(_outcome(text), _exact_outcome(text))


@given(
    st.lists(st.lists(_plain_row(), min_size=1, max_size=4), min_size=2, max_size=12),
    st.integers(1, 40),
)
def test_fast_path_in_two_parts_equals_exact_tokeniser(bodies, cut):
    # a large file is planned in two halves (on two threads): the same frames
    lines = ["#RAR 0 20230101 20231231"]
    for i, rows in enumerate(bodies):
        lines += [f'#VER A {i + 1} 20230105 "V {i}"', "{", *rows, "}"]
    text = "\n".join(lines) + "\n"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sie_snabb, "DELA_FRAN", cut)
        _same(_outcome(text), _exact_outcome(text))


# ------------------------------------------------------------------ siefart2: speed-ups
@given(st.integers(-1, 99_999_999))
def test_transaction_dates_by_numbers_equal_datetime_date(value):
    # the fast path converts yyyymmdd numbers with numpy; datetime.date decides
    from analysis.io.sie import _ymd_dates

    dates, bad = _ymd_dates(np.array([value], dtype=np.int64))
    if value < 0:
        assert not bad[0] and np.isnat(dates[0])
        return
    try:
        expected = dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        assert bad[0] and np.isnat(dates[0])
    else:
        assert not bad[0]
        assert dates[0] == np.datetime64(expected, "us")


def test_transaction_dates_by_numbers_hand_checked():
    from analysis.io.sie import _ymd_dates

    values = [20240229, 20230229, 19000229, 20000229, 20231231, 20230431, 20231301, 20230100, -1]
    dates, bad = _ymd_dates(np.array(values, dtype=np.int64))
    assert bad.tolist() == [False, True, True, False, False, True, True, True, False]
    assert str(dates[0]) == "2024-02-29T00:00:00.000000"
    assert str(dates[4]) == "2023-12-31T00:00:00.000000"


def test_long_brace_lines_and_labels_inside_texts_read_the_same():
    # a "{" line longer than the fast path looks at, and "#TRANS"/"#VER" inside texts
    pad = " " * (sie_snabb._KORT + 5)
    text = (
        "#RAR 0 20230101 20231231\n"
        '#VER A 1 20230105 "om #TRANS 1930"\n'
        f"{pad}{{\n"
        "   #TRANS 1930 {} 10.00\n"
        "   #TRANS 3010 {} -10.00\n"
        f"}}{pad}\n"
        '#VER A 2 20230106 "Två"\n'
        "{\n"
        '   #TRANS 1930 {} 5.25 20230107 "se #VER A 1"\n'
        "   #TRANS 3010 {} -5.25\n"
        "}\n"
    )
    plan = falt(text)
    assert plan is not None and plan.ver.forsta.tolist() == [6]  # A 1 is read exactly
    _same(parse_sie(text, "f.se"), _exact(text))
    t = parse_sie(text, "f.se").transaktioner
    assert t["text"].tolist() == ["om #TRANS 1930", "om #TRANS 1930", "se #VER A 1", "Två"]
    assert t["belopp"].tolist() == [10.0, -10.0, 5.25, -5.25]


def test_many_parts_give_the_plan_of_one(monkeypatch):
    text = _big(50)
    one = falt(text)
    monkeypatch.setattr(sie_snabb, "DELA_FRAN", 20)  # parts of about ten lines
    many = falt(text)
    assert one is not None and many is not None
    assert many.ver.forsta.tolist() == one.ver.forsta.tolist()
    assert many.rader.rad.tolist() == one.rader.rad.tolist()
    assert many.rader.belopp.tolist() == one.rader.belopp.tolist()
    assert many.rader.ver.tolist() == one.rader.ver.tolist()
    assert many.rader.huvud.to_pylist() == one.rader.huvud.to_pylist()
    _same(parse_sie(text, "f.se"), _exact(text))
