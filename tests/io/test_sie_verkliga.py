"""The SIE reader on SIE-gruppen's real test files (shared/real/sie, used as they are).

Expected values are computed here in plain Python from the file's lines (regular
expressions over the decoded text), independently of the reader and of its check
functions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.io.sie import (
    Sie,
    obalanserade,
    psaldo_mot_trans,
    read_sie,
    res_mot_psaldo,
    ub_mot_ib_psaldo,
)
from tests.conftest import REAL

SIE_DIR = REAL / "sie"
FILES = sorted(p.name for p in SIE_DIR.glob("*") if p.suffix.lower() in {".se", ".si", ".sie"})

pytestmark = pytest.mark.skipif(not FILES, reason="shared/real/sie is not present")

#: Files that are truly broken, with the line the refusal must name.
REFUSED = {"BL0001_typ4I.SI": 7}  # "#RAR 0" without the year's dates

OVNBOLAG = [
    "periodsaldo_ovnbolag.se",
    "objektsaldo_ovnbolag.se",
    "arsaldo_ovnbolag.se",
    "urval_ovnbolag.si",
]
#: Files that have both #PSALDO and #TRANS (SIE 4E); they must agree.
PSALDO_AND_TRANS = ["Sie%203%20+%204.se", "magenta_bokf%C3%B6ring_SIE4E.se", "sie%204.SE"]

TOL = 0.005


@cache
def load(name: str) -> Sie:
    return read_sie(SIE_DIR / name)


@cache
def lines(name: str) -> tuple[str, ...]:
    # only the ASCII parts (labels, numbers, account ids) are used here
    text = (SIE_DIR / name).read_bytes().decode("cp437")
    return tuple(line.strip() for line in text.splitlines())


def money(text: str) -> float:
    return float(text)


def plain(name: str) -> dict[str, object]:
    """The file's balances, period balances and transactions, parsed with regexes."""
    rar: dict[int, tuple[str, str]] = {}
    bal: dict[tuple[str, int, str], float] = {}
    psaldo: dict[tuple[int, int, str], float] = defaultdict(float)
    psaldo_tom: dict[tuple[int, int, str], float] = defaultdict(float)
    multi = False
    trans: list[tuple[str, str, str, str, float]] = []  # serie, vernr, date, konto, belopp
    ver: tuple[str, str, str] | None = None
    for line in lines(name):
        if m := re.match(r"#RAR\s+(-?\d+)\s+(\d{8})\s+(\d{8})", line):
            rar[int(m[1])] = (m[2], m[3])
        elif m := re.match(r"#(IB|UB|RES)\s+(-?\d+)\s+\"?(\w+)\"?\s+(\S+)", line):
            bal[(m[1], int(m[2]), m[3])] = bal.get((m[1], int(m[2]), m[3]), 0.0) + money(m[4])
        elif m := re.match(r"#PSALDO\s+(-?\d+)\s+(\d{6})\s+(\S+)\s+\{([^}]*)\}\s+(\S+)", line):
            key = (int(m[1]), int(m[2]), m[3])
            psaldo[key] += money(m[5])
            if not m[4].strip():
                psaldo_tom[key] += money(m[5])
            multi = multi or len(m[4].split()) > 2
        elif m := re.match(r"#VER\s+(\S+)\s+(\S+)\s+(\d{8})", line):
            ver = (m[1].strip('"'), m[2].strip('"'), m[3])
        elif m := re.match(r"#TRANS\s+(\S+)\s+\{[^}]*\}\s+(\S+)(?:\s+(\d{8}))?", line):
            assert ver is not None
            trans.append((ver[0], ver[1], m[3] or ver[2], m[1], money(m[2])))
    return {
        "rar": rar,
        "bal": bal,
        # Avendo's files (object lists combining dimensions) hold disjoint parts
        "psaldo": dict(psaldo if multi else psaldo_tom),
        "trans": trans,
    }


# --------------------------------------------------------------------------- every file


@pytest.mark.parametrize("name", FILES)
def test_every_file_reads_or_is_refused_clearly(name):
    if name in REFUSED:
        with pytest.raises(InputError) as err:
            load(name)
        assert str(err.value).startswith(f"{name}, rad {REFUSED[name]}: ")
        return
    sie = load(name)
    expected = plain(name)
    trans = expected["trans"]
    assert len(sie.transaktioner) == len(trans)
    assert sie.transaktioner["belopp"].sum() == pytest.approx(sum(t[4] for t in trans), abs=TOL)
    assert sorted(sie.transaktioner["konto"]) == sorted(t[3] for t in trans)
    got_bal = sie.balanser.groupby(["typ", "arsnr", "konto"])["belopp"].sum()
    assert len(got_bal) == len(expected["bal"])
    for key, value in expected["bal"].items():
        assert got_bal[key] == pytest.approx(value, abs=TOL), key
    assert len(sie.rar) == len(expected["rar"])
    assert sie.info.get("format", "").strip('"').upper() == "PC8"


def test_pc8_file_decodes_swedish_letters():
    sie = load("periodsaldo_ovnbolag.se")
    assert sie.kodning == "cp437"
    assert sie.info["fnamn"] == "Övningsbolaget AB (Ekonomi 60)"
    names = dict(zip(sie.konton["konto"], sie.konton["namn"], strict=True))
    assert names["1050"] == "Varumärken"


def test_underdim_file_is_utf8_with_replacement_characters():
    sie = load("SIE4_Exempelfil_med_underdim.SE")
    assert sie.kodning == "utf-8"
    assert "\ufffd" in sie.info["fnamn"]
    under = sie.dimensioner.dropna(subset=["overdim"])
    assert under[["dim", "overdim"]].values.tolist() == [["61", "6"], ["62", "6"]]


def test_broken_fiscal_year_and_corrections():
    sie = load("BL0001_typ4.SE")
    assert sie.rar["start"].dt.strftime("%Y%m%d").tolist() == ["20090701", "20080701"]
    assert sie.rar["slut"].dt.strftime("%Y%m%d").tolist() == ["20100630", "20090630"]
    assert set(sie.andringar["typ"]) == {"RTRANS", "BTRANS"}
    assert obalanserade(sie).empty
    # voucher A 8: three rows removed (#BTRANS), two zero rows added (#RTRANS + #TRANS)
    a8 = sie.transaktioner.query("serie == 'A' and vernr == '8'")
    assert a8[["konto", "belopp"]].values.tolist() == [["1930", 0.0], ["2640", 0.0]]


# --------------------------------------------------------------------------- XE


def test_xe_has_exactly_one_unbalanced_voucher():
    name = "XE_SIE_4_20151125095119.SE"
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for serie, vernr, _, _, belopp in plain(name)["trans"]:
        sums[(serie, vernr)] += belopp
    off = {k: round(v, 2) for k, v in sums.items() if abs(v) >= TOL}
    assert off == {("1", "1"): 2.0}
    bad = obalanserade(load(name))
    assert bad[["serie", "vernr"]].values.tolist() == [["1", "1"]]
    assert bad["differens"].tolist() == [pytest.approx(2.0)]
    assert bad["meddelande"].tolist() == ["verifikation 1 1 2015-09-12 balanserar inte: 2,00"]


# --------------------------------------------------------------------------- consistency


def year_of(rar: dict[int, tuple[str, str]], date: str) -> int | None:
    for arsnr, (start, slut) in rar.items():
        if start <= date <= slut:
            return arsnr
    return None


@pytest.mark.parametrize("name", OVNBOLAG + PSALDO_AND_TRANS)
def test_internal_consistency(name):
    expected = plain(name)
    bal, psaldo, rar = expected["bal"], expected["psaldo"], expected["rar"]
    sie = load(name)
    compared = 0

    # vouchers balance
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for serie, vernr, _, _, belopp in expected["trans"]:
        sums[(serie, vernr)] += belopp
    assert all(abs(v) < TOL for v in sums.values())
    assert obalanserade(sie).empty

    # #PSALDO = Σ #TRANS per account and month where both exist
    per_month: dict[tuple[int, int, str], float] = defaultdict(float)
    for _, _, date, konto, belopp in expected["trans"]:
        arsnr = year_of(rar, date)
        if arsnr is not None:
            per_month[(arsnr, int(date[:6]), konto)] += belopp
    both = set(per_month) & set(psaldo)
    for key in both:
        assert psaldo[key] == pytest.approx(per_month[key], abs=TOL), key
    got = psaldo_mot_trans(sie)
    assert len(got) == len(both)
    assert (got["differens"].abs() < TOL).all()
    compared += len(both)

    # #RES = Σ #PSALDO; #UB = #IB + Σ #PSALDO, for the accounts with #PSALDO that year
    year_sum: dict[tuple[int, str], float] = defaultdict(float)
    for (arsnr, _, konto), belopp in psaldo.items():
        year_sum[(arsnr, konto)] += belopp
    n_res = n_ub = 0
    for (arsnr, konto), total in year_sum.items():
        if ("RES", arsnr, konto) in bal:
            assert bal[("RES", arsnr, konto)] == pytest.approx(total, abs=TOL)
            n_res += 1
        if ("IB", arsnr, konto) in bal or ("UB", arsnr, konto) in bal:
            ib = bal.get(("IB", arsnr, konto), 0.0)
            ub = bal.get(("UB", arsnr, konto), 0.0)
            assert ub == pytest.approx(ib + total, abs=TOL), (arsnr, konto)
            n_ub += 1
    res, ub = res_mot_psaldo(sie), ub_mot_ib_psaldo(sie)
    assert (len(res), len(ub)) == (n_res, n_ub)
    assert (res["differens"].abs() < TOL).all()
    assert (ub["differens"].abs() < TOL).all()
    compared += n_res + n_ub
    if name != "arsaldo_ovnbolag.se" and name != "urval_ovnbolag.si":
        assert compared > 0, "the file has the records: something must be compared"


def test_ovnbolag_files_agree_with_each_other():
    """Same company, same year: the #IB/#UB/#RES of the three balance files are equal,
    and the checks compare as many accounts in the object file as in the period file."""
    a = plain("arsaldo_ovnbolag.se")["bal"]
    p = plain("periodsaldo_ovnbolag.se")["bal"]
    assert a == p
    o = plain("objektsaldo_ovnbolag.se")
    assert o["bal"] == p
    # the checks see the same number of accounts in both files
    assert len(res_mot_psaldo(load("objektsaldo_ovnbolag.se"))) == len(
        res_mot_psaldo(load("periodsaldo_ovnbolag.se"))
    )


def test_mutated_real_file_fails_the_checks(tmp_path):
    """Mutation: one #PSALDO changed by 1 kr in a real file → both balance checks fail
    for exactly that account."""
    raw = (SIE_DIR / "periodsaldo_ovnbolag.se").read_bytes()
    line = next(x for x in raw.splitlines() if x.startswith(b"#PSALDO 0 ") and b" 3041 " in x)
    head, amount = line.rsplit(b" ", 1)
    changed = head + b" " + f"{float(amount) + 1:.2f}".encode()
    path = tmp_path / "mutated.se"
    path.write_bytes(raw.replace(line, changed, 1))
    sie = read_sie(path)
    res = res_mot_psaldo(sie)
    bad = res[res["differens"].abs() >= TOL]
    assert bad[["arsnr", "konto"]].values.tolist() == [[0, "3041"]]
    assert bad["differens"].tolist() == [pytest.approx(-1.0)]


@pytest.mark.parametrize("name", [n for n in FILES if n not in REFUSED])
def test_fast_path_gives_the_exact_readers_frames(name):
    # a form feed at the end makes the reader take every line exactly (see test_sie)
    from analysis.io.sie import avkoda, parse_sie
    from analysis.io.sie_snabb import falt

    text, kodning = avkoda((SIE_DIR / name).read_bytes(), name)
    fast = parse_sie(text, name, kodning=kodning)
    assert falt(text + "\x0c") is None
    exact = parse_sie(text + "\x0c", name, kodning=kodning)
    assert dict(fast.info) == dict(exact.info)
    assert dict(fast.ignorerade) == dict(exact.ignorerade)
    for frame in ("konton", "rar", "balanser", "psaldo", "transaktioner", "andringar"):
        pd.testing.assert_frame_equal(getattr(fast, frame), getattr(exact, frame), check_exact=True)


def test_fast_path_takes_most_rows_of_the_4e_files():
    from analysis.io.sie import avkoda
    from analysis.io.sie_snabb import falt

    name = "SIE4_Exempelfil_med_underdim.SE"
    text, _ = avkoda((SIE_DIR / name).read_bytes(), name)
    plan = falt(text)
    assert plan is not None
    assert len(plan.rader.rad) > 0.9 * len(load(name).transaktioner)
