"""SIE files as an input of the data contract (analysis.io.sie_kalla) on tiny hand-written
files: the mapping rules, signs, #PSALDO against #TRANS, broken years, budget and
periodisering from #PBUDGET, balans, every refusal with its exact message, and that the
frames are exactly those of the CSV kinds' parsers.

Every expected figure is computed by hand in the comments."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.io import sie_kalla
from analysis.io.bokslut import parse_balans
from analysis.io.contract import (
    load_register,
    parse_budget,
    parse_periodisering,
    parse_utfall,
)
from analysis.io.readers import read_table
from analysis.io.sie_kalla import (
    SIE_KINDS,
    load_sie_kind,
    mapping_files,
    parse_kontonamn,
    sie_anmarkningar,
    sie_files,
)

ORGANISATION = (
    "id;namn;typ\n"
    "bun;Barn- och utbildningsnämnden;namnd\n"
    "sn;Socialnämnden;namnd\n"
    "skatt;Skatteintäkter;finans\n"
)

HEAD = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#FNAMN "Testkommunen"
#RAR 0 20230101 20231231
#RAR -1 20220101 20221231
#DIM 1 "Ansvar"
#DIM 6 "Projekt"
#KONTO 1930 "Bank"
#KONTO 2440 "Leverantörsskulder"
#KONTO 3010 "Försäljning"
#KONTO 4010 "Inköp"
#KONTO 5010 "Löner"
"""


def kommun(
    tmp_path: Path, sie: dict[str, str], mapping: str | None = "dimension;objekt;namnd\n*;*;bun\n"
) -> Path:
    raw = tmp_path / "raw"
    (raw / "ekonomi").mkdir(parents=True)
    (raw / "organisation.csv").write_text(ORGANISATION, encoding="utf-8")
    for name, text in sie.items():
        (raw / "ekonomi" / name).write_bytes(text.encode("cp437"))
    if mapping is not None:
        (raw / "ekonomi" / "sie_mappning.csv").write_text(mapping, encoding="utf-8")
    return raw


def load(raw: Path, kind: str) -> pd.DataFrame | None:
    register = load_register(raw / "organisation.csv")
    return load_sie_kind(kind, sie_files(raw), mapping_files(raw), raw, register)


def problems(raw: Path, kind: str = "utfall") -> list:
    with pytest.raises(InputError) as e:
        load(raw, kind)
    return e.value.problems


def rows(frame: pd.DataFrame, *cols: str) -> list[tuple]:
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def csv_frame(tmp_path: Path, name: str, text: str, parser):
    path = tmp_path / "csv" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    register = load_register(tmp_path / "raw" / "organisation.csv")
    return parser(read_table(path, name), register)


# --------------------------------------------------------------------------- mapping


MAPPNING = (
    "dimension;objekt;namnd;verksamhet\n"
    "1;100;bun;Förskola\n"
    "1;100;sn;aldrig\n"  # never reached: the row above matches first (file order)
    "1;*;sn;Omsorg\n"
    "*;*;skatt;\n"
)

LEDGER = (
    HEAD
    + """#VER A 1 20230115 "Januari"
{
#TRANS 5010 {1 "100"} 500.00
#TRANS 5010 {1 "200" 6 "P1"} 300.00
#TRANS 4010 {6 "P1"} 20.00
#TRANS 4010 {} 70.00
#TRANS 3010 {1 100} -1000.00
#TRANS 1930 {} 110.00
}
#VER A 2 20230120 "Februari per transaktionsdatum"
{
#TRANS 5010 {1 "100"} 40.00 20230203
#TRANS 1930 {} -40.00 20230203
}
"""
)


def test_mapping_rules_file_order_star_and_catch_all(tmp_path):
    raw = kommun(tmp_path, {"bok.se": LEDGER}, MAPPNING)
    u = load(raw, "utfall")
    # bun: 5010 {1 100} 500 → −500; 3010 −1000 (kredit) → +1000; February 40 → −40
    # sn: {1 200 6 P1} matches "1;*" before "*;*" → −300
    # skatt: {6 P1} (dimension 6 is not mapped) and {} fall to "*;*" → −(20 + 70) = −90
    assert rows(u, "period", "namnd", "konto", "belopp_kr", "verksamhet") == [
        (202301, "bun", 3010, 1000.0, "Förskola"),
        (202301, "bun", 5010, -500.0, "Förskola"),
        (202301, "sn", 5010, -300.0, "Omsorg"),
        (202301, "skatt", 4010, -90.0, ""),
        (202302, "bun", 5010, -40.0, "Förskola"),
    ]
    assert "ansvar" not in u  # the mapping has no ansvar column


def test_utfall_frame_equals_the_csv_parsers_frame(tmp_path):
    raw = kommun(tmp_path, {"bok.se": LEDGER}, MAPPNING)
    got = load(raw, "utfall")
    csv = csv_frame(
        tmp_path,
        "utfall.csv",
        "period;namnd;konto;belopp;verksamhet\n"
        "2023-01;bun;3010;-1000;Förskola\n"
        "2023-01;bun;5010;500;Förskola\n"
        "2023-01;sn;5010;300;Omsorg\n"
        "2023-01;skatt;4010;90;\n"
        "2023-02;bun;5010;40;Förskola\n",
        parse_utfall,
    )
    assert list(got.columns) == list(csv.columns)
    assert dict(got.dtypes.astype(str)) == dict(csv.dtypes.astype(str))
    assert list(got["namnd"].cat.categories) == list(csv["namnd"].cat.categories)
    pd.testing.assert_frame_equal(
        got.astype({"verksamhet": str}), csv.astype({"verksamhet": str}), check_dtype=True
    )


def test_mapping_without_catch_all_refuses_unmatched_objects(tmp_path):
    text = (
        HEAD
        + """#IB 0 1930 100.00
#VER A 1 20230115 ""
{
#TRANS 5010 {1 "100"} 10.00
#TRANS 5010 {1 "200"} 20.00
#TRANS 5010 {1 "200"} 30.00
#TRANS 1930 {} -60.00
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text}, "dimension;objekt;namnd\n1;100;bun\n")
    (p,) = problems(raw)
    # lines: 13 of head, #IB 14, the #VER 15, "{" 16, the rows 17–20
    assert (p.file, p.line) == ("ekonomi/bok.se", 18)
    assert p.message == (
        "2 transaktioner med dimension 1 objekt 200 matchar ingen rad i "
        "ekonomi/sie_mappning.csv (t.ex. rad 19). Lägg till en rad för dimensionen och "
        "objektet, eller en sista rad *;*;<id> som fångar resten."
    )
    # the balance rows need no nämnd: balans still loads (IB 100, January −60)
    assert rows(load(raw, "balans"), "period", "konto", "belopp") == [
        (202300, 1930, 100.0),
        (202301, 1930, -60.0),
    ]


def test_unmatched_pbudget_refuses_budget_only(tmp_path):
    text = LEDGER + '#PBUDGET 0 202301 5010 {1 "100"} 5.00\n#PBUDGET 0 202302 5010 {1 "300"} 7.00\n'
    raw = kommun(tmp_path, {"bok.se": text}, "dimension;objekt;namnd\n1;100;bun\n1;200;sn\n")
    for kind in ("budget", "periodisering"):
        (p,) = problems(raw, kind)
        # LEDGER has 13 + 14 lines; the #PBUDGET with object 300 is line 29
        assert (p.file, p.line) == ("ekonomi/bok.se", 29)
        assert p.message.startswith(
            "1 #PBUDGET-rad med dimension 1 objekt 300 matchar ingen rad i "
            "ekonomi/sie_mappning.csv. "
        )
    # two result rows of the utfall match nothing either ({} 4010 70 and {6 P1} 4010 20;
    # the balance row 1930 {} needs no nämnd): refused for utfall on their own
    assert [(p.line, p.message[:40]) for p in problems(raw, "utfall")] == [
        (19, "1 transaktion med inga objekt matchar in"),
        (18, "1 transaktion med dimension 6 objekt P1 "),
    ]


def test_mapping_file_errors_name_file_line_and_column(tmp_path):
    raw = kommun(
        tmp_path,
        {"bok.se": LEDGER},
        "dimension;objekt;namnd\n1;100;bun\n1;*;okänd\nx;1;bun\n*;7;sn\n",
    )
    got = {(p.file, p.line, p.column) for p in problems(raw)}
    assert got == {
        ("ekonomi/sie_mappning.csv", 3, "namnd"),
        ("ekonomi/sie_mappning.csv", 4, "dimension"),
        ("ekonomi/sie_mappning.csv", 5, "objekt"),
    }


def test_sie_without_mapping_is_refused_with_an_example(tmp_path):
    raw = kommun(tmp_path, {"bok.se": LEDGER}, mapping=None)
    for kind in SIE_KINDS:
        (p,) = problems(raw, kind)
        assert p.file == "ekonomi/sie_mappning.csv"
        assert "dimension;objekt;namnd\n1;100;bun\n1;*;bun\n*;*;bun\n" in p.message
        assert "ekonomi/bok.se" in p.message


# --------------------------------------------------------------------------- refusals


def test_unbalanced_voucher_is_refused_at_its_ver_line(tmp_path):
    text = (
        HEAD
        + """#VER A 1 20230115 ""
{
#TRANS 5010 {} 10.00
#TRANS 1930 {} -10.00
}
#VER B 1 20230103 "Fel"
{
#TRANS 5010 {} 1000.00
#TRANS 1930 {} -13771.00
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text})
    for kind in SIE_KINDS:
        (p,) = problems(raw, kind)
        # 14 lines of head, voucher A on 14–18, "#VER B" on line 19; 1000 − 13 771 = −12 771
        assert (p.file, p.line) == ("ekonomi/bok.se", 19)
        assert p.message == "verifikation B 1 2023-01-03 balanserar inte: \u221212\u00a0771,00"


def test_account_without_konto_is_refused_with_its_line(tmp_path):
    text = (
        HEAD
        + """#PSALDO 0 202302 6110 {} 5.00
#VER A 1 20230115 ""
{
#TRANS 6110 {} 10.00
#TRANS 1930 {} -10.00
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text})
    (p,) = problems(raw)
    assert (p.file, p.line) == ("ekonomi/bok.se", 17)  # its first #TRANS (line 17)
    assert p.message.startswith("kontot '6110' används men saknar #KONTO i filen")
    # an account used only in a #PSALDO is found at that line
    raw2 = kommun(tmp_path / "b", {"bok.se": HEAD + "#PSALDO 0 202302 6110 {} 5.00\n"})
    (p,) = problems(raw2)
    assert (p.line, p.message[:14]) == (14, "kontot '6110' ")


def test_account_that_is_no_kommun_bas_account_is_refused(tmp_path):
    text = (
        HEAD.replace("#KONTO 5010", '#KONTO 0351 "Noll"\n#KONTO 5010')
        + """#VER A 1 20230115 ""
{
#TRANS 0351 {} 10.00
#TRANS 1930 {} -10.00
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text})
    (p,) = problems(raw)
    assert p.line == 17  # 14 lines of head, "#VER" 15, "{" 16
    assert "kontot '0351' är inget Kommun-Bas-konto" in p.message


def test_trans_outside_every_rar_is_refused_with_date_and_years(tmp_path):
    text = (
        HEAD
        + """#VER A 1 20240201 ""
{
#TRANS 5010 {} 10.00
#TRANS 1930 {} -10.00 20230105
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text})
    (p,) = problems(raw)
    assert (p.file, p.line) == ("ekonomi/bok.se", 16)
    assert p.message == (
        "#TRANS daterad 2024-02-01 ligger utanför räkenskapsåren (räkenskapsåren i #RAR: "
        "årsnr 0 2023-01-01–2023-12-31, årsnr \u22121 2022-01-01–2022-12-31)."
    )
    no_rar = HEAD.replace("#RAR 0 20230101 20231231\n#RAR -1 20220101 20221231\n", "")
    raw2 = kommun(tmp_path / "b", {"bok.se": no_rar + text[len(HEAD) :]})
    assert [p.message for p in problems(raw2)][0].endswith("(filen har inget #RAR).")


def test_year_balances_only_is_refused_for_utfall_never_spread(tmp_path):
    text = HEAD.replace("#SIETYP 4", "#SIETYP 1") + (
        "#IB 0 1930 100.00\n#UB 0 1930 160.00\n#RES 0 3010 -60.00\n"
    )
    raw = kommun(tmp_path, {"typ1.se": text})
    (p,) = problems(raw, "utfall")
    assert p.file == "ekonomi/typ1.se"
    assert p.message.startswith(
        "filen har inga månadsuppgifter (#TRANS eller #PSALDO), bara årssaldon (SIE typ 1)"
    )
    assert "fördelas aldrig på månader" in p.message
    b = load(raw, "balans")  # the ingående balans is still a fact
    assert rows(b, "period", "konto", "belopp", "belopp_kr") == [(202300, 1930, 100.0, 100.0)]


def test_two_files_with_the_same_year_are_refused(tmp_path):
    raw = kommun(tmp_path, {"a.se": LEDGER, "b.se": LEDGER})
    got = problems(raw)
    assert [(p.file, p.message.split(";")[0]) for p in got] == [
        ("ekonomi/b.se", "månaden 2023-01, 2023-02 finns också i ekonomi/a.se")
    ]


def test_previous_year_of_a_later_file_does_not_double_a_month(tmp_path):
    # a.se: year 2022 (årsnr 0) with a #TRANS in December: 3010 −100
    # b.se: year 2023 whose årsnr −1 repeats December 2022 as #PSALDO (−999, say)
    a = (
        HEAD.replace(
            "#RAR 0 20230101 20231231\n#RAR -1 20220101 20221231", "#RAR 0 20220101 20221231"
        )
        + '#VER A 1 20221210 ""\n{\n#TRANS 3010 {} -100.00\n#TRANS 1930 {} 100.00\n}\n'
    )
    b = HEAD + "#PSALDO -1 202212 3010 {} -999.00\n#PSALDO 0 202301 3010 {} -7.00\n"
    raw = kommun(tmp_path, {"a.se": a, "b.se": b})
    u = load(raw, "utfall")
    assert rows(u, "period", "konto", "belopp_kr") == [(202212, 3010, 100.0), (202301, 3010, 7.0)]


# --------------------------------------------------------------------------- PSALDO


def test_psaldo_only_where_no_trans_and_objects_without_double_counting(tmp_path):
    text = (
        HEAD
        + """#PSALDO 0 202301 3010 {} -555.00
#PSALDO 0 202302 3010 {} -100.00
#PSALDO 0 202302 4010 {} 100.00
#PSALDO 0 202302 4010 {1 "100"} 60.00
#PSALDO 0 202302 4010 {6 "P1"} 30.00
#PSALDO 0 202302 5010 {1 "100"} 25.00
#PSALDO 0 202302 5010 {1 "200"} 15.00
#VER A 1 20230115 ""
{
#TRANS 3010 {} -50.00
#TRANS 1930 {} 50.00
}
"""
    )
    mapping = "dimension;objekt;namnd\n1;100;bun\n*;*;sn\n"
    raw = kommun(tmp_path, {"bok.se": text}, mapping)
    u = load(raw, "utfall")
    # January 3010: the #TRANS (−50 → +50) wins over the #PSALDO (−555)
    # February 3010: only #PSALDO {} → sn +100
    # February 4010: total 100; dimension 1 (named by the mapping) splits it: {1 100} 60 →
    #   bun −60, the rest 100 − 60 = 40 → sn −40; {6 P1} 30 is not counted again
    # February 5010: no total: the parts of dimension 1: bun −25, {1 200} → sn −15
    assert rows(u, "period", "namnd", "konto", "belopp_kr") == [
        (202301, "sn", 3010, 50.0),
        (202302, "bun", 4010, -60.0),
        (202302, "bun", 5010, -25.0),
        (202302, "sn", 3010, 100.0),
        (202302, "sn", 4010, -40.0),
        (202302, "sn", 5010, -15.0),
    ]


def test_disjoint_parts_file_maps_every_row(tmp_path):
    # object lists combining two dimensions: Avendo's disjoint parts, every row counts
    text = (
        HEAD
        + """#PSALDO 0 202303 5010 {1 "100" 6 "P1"} 10.00
#PSALDO 0 202303 5010 {6 "P1"} 5.00
#PSALDO 0 202303 5010 {} 3.00
"""
    )
    raw = kommun(tmp_path, {"bok.se": text}, "dimension;objekt;namnd\n1;100;bun\n*;*;sn\n")
    u = load(raw, "utfall")
    assert rows(u, "namnd", "konto", "belopp_kr") == [("bun", 5010, -10.0), ("sn", 5010, -8.0)]


# --------------------------------------------------------------------------- broken year


def test_broken_year_gives_utfall_by_calendar_month_but_no_budget_or_balans(tmp_path):
    text = (
        HEAD.replace(
            "#RAR 0 20230101 20231231\n#RAR -1 20220101 20221231", "#RAR 0 20230701 20240630"
        )
        + """#IB 0 1930 100.00
#PBUDGET 0 202308 5010 {} 120.00
#VER A 1 20230815 ""
{
#TRANS 5010 {} 10.00
#TRANS 1930 {} -10.00
}
#VER A 2 20240210 ""
{
#TRANS 5010 {} 7.00
#TRANS 1930 {} -7.00
}
"""
    )
    raw = kommun(tmp_path, {"brutet.se": text})
    u = load(raw, "utfall")
    assert rows(u, "period", "konto", "belopp_kr") == [(202308, 5010, -10.0), (202402, 5010, -7.0)]
    assert load(raw, "budget") is None
    assert load(raw, "periodisering") is None
    assert load(raw, "balans") is None
    notes = sie_anmarkningar(raw)
    assert any("2023-07-01–2024-06-30) är brutet" in n for n in notes)


# --------------------------------------------------------------------------- budget


BUDGET = (
    HEAD
    + """#PBUDGET 0 202301 5010 {1 "100"} 100.00
#PBUDGET 0 202302 5010 {1 "100"} 300.00
#PBUDGET 0 202301 4010 {1 "200"} 50.00
#PBUDGET 0 202301 3010 {} -100.00
#PBUDGET 0 202302 5010 {} 300.00
#PBUDGET 0 202302 4010 {} 300.00
#PBUDGET -1 202201 5010 {} 999.00
#PBUDGET 0 202303 1930 {} 5.00
"""
)
BUDGET_MAPPNING = "dimension;objekt;namnd\n1;100;bun\n1;200;sn\n*;*;skatt\n"


def test_budget_and_periodisering_from_pbudget(tmp_path):
    raw = kommun(tmp_path, {"bok.se": BUDGET}, BUDGET_MAPPNING)
    b = load(raw, "budget")
    # bun 5010: January {1 100} 100 (no total that month) + February {1 100} 300, which is
    #   all of February's total {} 300 (rest 0) → −400
    # sn 4010: January {1 200} 50 → −50
    # skatt: 3010 {} −100 → +100; 4010 February {} 300 (no parts) → −300
    # årsnr −1 (999) and the balance account 1930 are not budget
    assert rows(b, "ar", "namnd", "konto", "typ", "belopp_kr") == [
        (2023, "bun", 5010, "drift", -400.0),
        (2023, "sn", 4010, "drift", -50.0),
        (2023, "skatt", 3010, "drift", 100.0),
        (2023, "skatt", 4010, "drift", -300.0),
    ]
    p = load(raw, "periodisering")
    # bun: January 100/400 = 0,25, February 0,75; sn: January 1.
    # skatt: net 200 = January −100 + February 300: shares −0,5 and 1,5 → left out, noted
    got = {(r.namnd, r.manad): r.andel for r in p.itertuples()}
    assert set(p["namnd"]) == {"bun", "sn"}
    assert len(p) == 24 and set(p["typ"]) == {"drift"} and set(p["ar"]) == {2023}
    assert got[("bun", 1)] == pytest.approx(0.25)
    assert got[("bun", 2)] == pytest.approx(0.75)
    assert all(got[("bun", m)] == 0 for m in range(3, 13))
    assert got[("sn", 1)] == 1.0
    assert p.groupby("namnd")["andel"].sum().tolist() == [pytest.approx(1.0)] * 2
    notes = sie_anmarkningar(raw)
    assert any(n.startswith("periodiseringen för Skatteintäkter 2023 läses inte") for n in notes)


def test_budget_and_periodisering_frames_equal_the_csv_parsers(tmp_path):
    raw = kommun(tmp_path, {"bok.se": BUDGET}, BUDGET_MAPPNING)
    b = load(raw, "budget")
    csv = csv_frame(
        tmp_path,
        "budget.csv",
        "ar;namnd;konto;belopp\n2023;bun;5010;400\n2023;sn;4010;50\n"
        "2023;skatt;3010;-100\n2023;skatt;4010;300\n",
        parse_budget,
    )
    pd.testing.assert_frame_equal(b, csv)
    p = load(raw, "periodisering")
    shares = {("bun", 1): "0.25", ("bun", 2): "0.75", ("sn", 1): "1"}
    text = "ar;namnd;manad;andel\n" + "".join(
        f"2023;{n};{m};{shares.get((n, m), '0')}\n" for n in ("bun", "sn") for m in range(1, 13)
    )
    csv = csv_frame(tmp_path, "periodisering.csv", text, parse_periodisering)
    pd.testing.assert_frame_equal(p, csv)


# --------------------------------------------------------------------------- balans


def test_balans_ib_as_month_00_and_movements(tmp_path):
    text = (
        HEAD
        + """#IB 0 1930 1000.00
#IB 0 2440 -1000.00
#IB -1 1930 800.00
#IB 0 3010 5.00
#UB 0 1930 500.00
#PSALDO -1 202205 1930 {} 200.00
#VER A 1 20230115 ""
{
#TRANS 5010 {} 500.00
#TRANS 1930 {} -500.00
}
#VER A 2 20230210 ""
{
#TRANS 2440 {} 300.00
#TRANS 1930 {} -300.00
}
"""
    )
    raw = kommun(tmp_path, {"bok.se": text})
    b = load(raw, "balans")
    # 2022: IB 800 (årsnr −1), May +200; 2023: IB 1930 1000 and 2440 −1000 (credit → +1000 in
    # the report sign), January 1930 −500, February 1930 −300, 2440 +300 (→ −300)
    # (#IB on the result account 3010 is not a balance)
    assert rows(b, "period", "konto", "belopp", "belopp_kr") == [
        (202200, 1930, 800.0, 800.0),
        (202205, 1930, 200.0, 200.0),
        (202300, 1930, 1000.0, 1000.0),
        (202300, 2440, -1000.0, 1000.0),
        (202301, 1930, -500.0, -500.0),
        (202302, 1930, -300.0, -300.0),
        (202302, 2440, 300.0, -300.0),
    ]
    csv = csv_frame(
        tmp_path,
        "balans.csv",
        "period;konto;belopp\n2022-00;1930;800\n2022-05;1930;200\n2023-00;1930;1000\n"
        "2023-00;2440;-1000\n2023-01;1930;-500\n2023-02;1930;-300\n2023-02;2440;300\n",
        parse_balans,
    )
    pd.testing.assert_frame_equal(b, csv)


def test_year_without_ib_is_left_out_of_balans_with_a_note(tmp_path):
    text = HEAD + '#VER A 1 20230115 ""\n{\n#TRANS 5010 {} 5.00\n#TRANS 1930 {} -5.00\n}\n'
    raw = kommun(tmp_path, {"bok.se": text})
    assert load(raw, "balans") is None
    assert any("året 2023 har rörelser på balanskonton men ingen ingående balans" in n
               for n in sie_anmarkningar(raw))  # fmt: skip


# --------------------------------------------------------------------------- kontonamn


def test_kontonamn_from_konto_and_the_csv_kind(tmp_path):
    raw = kommun(tmp_path, {"bok.se": LEDGER})
    k = load(raw, "kontonamn")
    assert rows(k, "konto", "namn") == [
        (1930, "Bank"),
        (2440, "Leverantörsskulder"),
        (3010, "Försäljning"),
        (4010, "Inköp"),
        (5010, "Löner"),
    ]
    csv = csv_frame(
        tmp_path,
        "kontonamn.csv",
        "konto;namn\n1930;Bank\n2440;Leverantörsskulder\n3010;Försäljning\n4010;Inköp\n"
        "5010;Löner\n",
        parse_kontonamn,
    )
    pd.testing.assert_frame_equal(k, csv)


def test_parse_kontonamn_refuses_empty_names_and_duplicates(tmp_path):
    kommun(tmp_path, {})
    with pytest.raises(InputError) as e:
        csv_frame(tmp_path, "k.csv", "konto;namn\n3010;\n12ab;X\n", parse_kontonamn)
    assert {(p.line, p.column) for p in e.value.problems} == {(2, "namn"), (3, "konto")}
    with pytest.raises(InputError) as e:
        csv_frame(tmp_path, "k2.csv", "konto;namn\n3010;A\n3010;B\n", parse_kontonamn)
    assert [(p.line, p.column) for p in e.value.problems] == [(3, "konto")]


# --------------------------------------------------------------------------- files, memo


def test_sie_files_any_case_and_symlinks_refused(tmp_path):
    raw = kommun(tmp_path, {"b.SE": LEDGER, "a.si": LEDGER, "c.Sie": LEDGER})
    (raw / "ekonomi" / "utfall.csv").write_text("x", encoding="utf-8")
    assert [p.name for p in sie_files(raw)] == ["a.si", "b.SE", "c.Sie"]
    assert [p.name for p in mapping_files(raw)] == ["sie_mappning.csv"]
    os.symlink(raw / "ekonomi" / "a.si", raw / "ekonomi" / "d.se")
    with pytest.raises(InputError) as e:
        sie_files(raw)
    assert e.value.problems[0].file == "ekonomi/d.se"
    assert "symbolisk länk" in e.value.problems[0].message


def test_each_file_is_read_once_for_all_kinds(tmp_path, monkeypatch):
    calls: list[str] = []
    real = sie_kalla.read_sie

    def counting(path, display=None):
        calls.append(str(display))
        return real(path, display)

    monkeypatch.setattr(sie_kalla, "read_sie", counting)
    raw = kommun(tmp_path, {"bok.se": LEDGER}, MAPPNING)
    for kind in SIE_KINDS:
        load(raw, kind)
    assert calls == ["ekonomi/bok.se"]
    # a changed file is read again; an unchanged mapping change re-maps without re-reading
    path = raw / "ekonomi" / "bok.se"
    path.write_bytes(path.read_bytes().replace(b"500.00", b"600.00").replace(b"110.00", b"10.00"))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    u = load(raw, "utfall")
    assert calls == ["ekonomi/bok.se"] * 2
    assert u.loc[(u["namnd"] == "bun") & (u["konto"] == 5010), "belopp_kr"].tolist() == [
        -600.0,
        -40.0,
    ]
    (raw / "ekonomi" / "sie_mappning.csv").write_text(
        "dimension;objekt;namnd\n*;*;sn\n", encoding="utf-8"
    )
    u = load(raw, "utfall")
    assert calls == ["ekonomi/bok.se"] * 2
    assert set(u["namnd"]) == {"sn"}


def test_no_sie_files_gives_none(tmp_path):
    raw = kommun(tmp_path, {})
    assert all(load(raw, kind) is None for kind in SIE_KINDS)


def test_sign_is_converted_once(tmp_path):
    raw = kommun(tmp_path, {"bok.se": LEDGER})
    u = load(raw, "utfall")
    # accounting sign in the file: Σ result rows = 500+300+20+70−1000+40 = −70 (a surplus)
    assert u["belopp_kr"].sum() == pytest.approx(70.0)
    assert np.sign(u.loc[u["konto"] == 3010, "belopp_kr"]).tolist() == [1.0]


def test_ktyp_against_the_class_is_noted_and_the_class_decides(tmp_path):
    text = HEAD + "#KTYP 3010 T\n#PSALDO 0 202301 3010 {} -5.00\n#IB 0 1930 1.00\n"
    raw = kommun(tmp_path, {"bok.se": text})
    assert rows(load(raw, "utfall"), "konto", "belopp_kr") == [(3010, 5.0)]
    assert rows(load(raw, "balans"), "konto", "belopp") == [(1930, 1.0)]
    (note,) = sie_anmarkningar(raw)
    assert note.startswith(
        "ekonomi/bok.se: #KTYP stämmer inte med kontoklassen för 1 konton (3010)"
    )


def test_absurd_amount_is_refused_with_its_line(tmp_path):
    text = HEAD + '#VER A 1 20230115 ""\n{\n#TRANS 5010 {} 2e13\n#TRANS 1930 {} -2e13\n}\n'
    raw = kommun(tmp_path, {"bok.se": text})
    got = problems(raw)
    assert [p.line for p in got] == [16, 17]
    assert got[1].message.startswith(
        "beloppet \u221220\u00a0000\u00a0000\u00a0000\u00a0000,00 kr är orimligt stort"
    )
