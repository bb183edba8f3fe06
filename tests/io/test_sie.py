"""The SIE reader on hand-written tiny files: tokeniser, decoding, records, errors and
the consistency checks (each with a mutation that must make it fail)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core.errors import InputError
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
