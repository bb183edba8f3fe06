"""SIE files as an input of the data contract on SIE-gruppen's real test files
(shared/real/sie, used as they are): every file loads through load_sie_kind with a
catch-all mapping, or is refused with the right message; after loading, the figures agree
with a plain recomputation from the file's text (regular expressions here, not the reader)
and across exports of the same company in different SIE types; a mutated real file is
refused at the changed voucher."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import InputError, Problem
from analysis.io.contract import load_register
from analysis.io.sie_kalla import (
    SIE_KINDS,
    SIE_SUFFIXES,
    load_sie_kind,
    mapping_files,
    sie_files,
)
from tests.conftest import REAL

SIE_DIR = REAL / "sie"
FILES = sorted(p.name for p in SIE_DIR.glob("*") if p.suffix.lower() in SIE_SUFFIXES)

pytestmark = pytest.mark.skipif(not FILES, reason="shared/real/sie is not present")

TOL = 0.005
KONTO = "används men saknar #KONTO i filen"
NO_RAR = "ligger utanför räkenskapsåren (filen har inget #RAR)."

#: Files refused for every kind: the message (a part of it) of the first problem, and its line.
REFUSED: dict[str, tuple[str, int | None]] = {
    "BL0001_typ4I.SI": ("#RAR har för få fält", 7),  # "#RAR 0" without the year's dates
    "XE_SIE_4_20151125095119.SE": ("verifikation 1 1 2015-09-12 balanserar inte: 2,00", None),
    "Exempelbolaget_SIE_110322_B_33.si": ("kontot '2286' " + KONTO, 78),
    "LON%20L%C3%B6nek%C3%B6rning.SI": ("kontot '1940' " + KONTO, 15),
    "SIE4%20Visma%20Anl%C3%A4ggningsregister.si": ("kontot '1039' " + KONTO, 12),
    "Sie%201+2.se": ("kontot '9010' " + KONTO, None),
    "Sie%203%20+%204.se": ("kontot '9010' " + KONTO, None),
    "Sie3.se": ("kontot 'FEL' " + KONTO, None),
    "Sie4.se": ("kontot 'FEL' " + KONTO, None),
    "FAKT.SI": (NO_RAR, 16),
    "L%C3%B6n.si": (NO_RAR, 19),
    "si.SI": (NO_RAR, 59),
    **{
        f"magenta_bokf%C3%B6ring_SIE{t}.se": ("kontot '0351' är inget Kommun-Bas-konto", None)
        for t in ("2", "3", "4E", "4I")
    },
}

OVNBOLAG_TRANS = ["urval_ovnbolag.si"]
OVNBOLAG_PSALDO = ["periodsaldo_ovnbolag.se", "objektsaldo_ovnbolag.se"]

#: The same company exported as different SIE types: the same utfall per month and account.
SAME_COMPANY = [
    ("periodsaldo_ovnbolag.se", "objektsaldo_ovnbolag.se"),
    ("typ2.se", "typ3.se"),
    ("MAMUT_SIE2_EXPORT.SE", "MAMUT_SIE3_EXPORT.SE"),
    ("MAMUT_SIE2_EXPORT.SE", "MAMUT_SIE4_EXPORT.SE"),
    ("sie%203.SE", "sie%204.SE"),
    ("BL0001_typ2.SE", "BL0001_typ3.SE"),
    ("BL0001_typ2.SE", "BL0001_typ4.SE"),
]


# --------------------------------------------------------------------------- helpers


def kommun(root: Path, path: Path) -> Path:
    raw = root / "raw"
    (raw / "ekonomi").mkdir(parents=True)
    (raw / "organisation.csv").write_text("id;namn;typ\nab;Bolaget;namnd\n", encoding="utf-8")
    (raw / "ekonomi" / "sie_mappning.csv").write_text(
        "dimension;objekt;namnd\n*;*;ab\n", encoding="utf-8"
    )
    shutil.copy(path, raw / "ekonomi" / path.name)
    return raw


def load_all(raw: Path) -> dict[str, pd.DataFrame | None | InputError]:
    register = load_register(raw / "organisation.csv")
    out: dict[str, pd.DataFrame | None | InputError] = {}
    for kind in SIE_KINDS:
        try:
            out[kind] = load_sie_kind(kind, sie_files(raw), mapping_files(raw), raw, register)
        except InputError as e:
            out[kind] = e
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    @cache
    def get(name: str) -> dict[str, pd.DataFrame | None | InputError]:
        return load_all(kommun(tmp_path_factory.mktemp("sie"), SIE_DIR / name))

    return get


@cache
def lines(name: str) -> tuple[str, ...]:
    # only the ASCII parts (labels, numbers, account ids) are used here
    return tuple(x.strip() for x in (SIE_DIR / name).read_bytes().decode("cp437").splitlines())


def sietyp(name: str) -> str:
    return next((x.split()[1] for x in lines(name) if x.startswith("#SIETYP")), "?")


def result_account(konto: str) -> bool:
    return konto[0] in "3456789"


def trans_sums(name: str) -> dict[tuple[int, int], float]:
    """Σ #TRANS of result accounts per (month, account), by the row's date, else the
    voucher's (the rows of #RTRANS/#BTRANS are not #TRANS lines)."""
    sums: dict[tuple[int, int], float] = defaultdict(float)
    verdatum = ""
    for line in lines(name):
        if m := re.match(r"#VER\s+\S+\s+\S+\s+(\d{8})", line):
            verdatum = m[1]
        elif m := re.match(r'#TRANS\s+"?(\d+)"?\s+\{[^}]*\}\s+(-?[\d.]+)(?:\s+"?(\d{8})?)?', line):
            if result_account(m[1]):
                date = m[3] or verdatum
                sums[(int(date[:6]), int(m[1]))] += float(m[2])
    return sums


def psaldo_sums(name: str, label: str = "#PSALDO", arsnr: str = "0") -> dict[tuple, float]:
    """Σ of the period balances of result accounts per (month, account): the ``{}`` rows,
    or every row in a file whose object lists combine dimensions (disjoint parts)."""
    rows = []
    for line in lines(name):
        if m := re.match(label + r"\s+(-?\d+)\s+(\d{6})\s+(\d+)\s+\{([^}]*)\}\s+(\S+)", line):
            rows.append((m[1], int(m[2]), m[3], m[4].split(), float(m[5])))
    disjoint = any(len(o) > 2 for _, _, _, o, _ in rows)
    sums: dict[tuple, float] = defaultdict(float)
    for a, period, konto, objekt, belopp in rows:
        if a == arsnr and result_account(konto) and (disjoint or not objekt):
            sums[(period, int(konto))] += belopp
    return sums


def compare(got: pd.Series, expected: dict, sign: float) -> int:
    """Σ per key of ``got`` (report sign) against ``expected`` (file sign); the number of
    non-zero keys compared."""
    exp = {k: v for k, v in expected.items() if abs(v) >= TOL}
    have = {k: v for k, v in got.items() if abs(v) >= TOL}
    assert set(have) == set(exp)
    for key, value in exp.items():
        assert have[key] == pytest.approx(sign * value, abs=TOL), key
    return len(exp)


# --------------------------------------------------------------------------- every file


@pytest.mark.parametrize("name", FILES)
def test_every_file_loads_or_is_refused_with_the_right_message(name, loaded):
    got = loaded(name)
    if name in REFUSED:
        fragment, line = REFUSED[name]
        for kind in SIE_KINDS:
            err = got[kind]
            assert isinstance(err, InputError), kind
            first: Problem = err.problems[0]
            assert first.file == f"ekonomi/{name}"
            assert fragment in first.message
            if line is not None:
                assert first.line == line
        return
    for kind in ("budget", "periodisering", "balans", "kontonamn"):
        assert not isinstance(got[kind], InputError), (kind, got[kind])
    if sietyp(name) == "1":
        err = got["utfall"]
        assert isinstance(err, InputError)
        assert [p.message[:47] for p in err.problems] == [
            "filen har inga månadsuppgifter (#TRANS eller #P"
        ]
        return
    utfall = got["utfall"]
    assert isinstance(utfall, pd.DataFrame) and len(utfall)
    assert set(utfall["namnd"]) == {"ab"}
    assert (utfall["konto"] // 10 ** (utfall["konto"].astype(str).str.len() - 1) >= 3).all()
    balans = got["balans"]
    if isinstance(balans, pd.DataFrame):
        first_digit = balans["konto"].astype(str).str[0]
        assert set(first_digit) <= {"1", "2"}
        assert set(balans.loc[balans["manad"] == 0, "ar"]) == set(balans["ar"])


def test_xe_unbalanced_voucher_is_refused_at_its_ver_line(loaded):
    name = "XE_SIE_4_20151125095119.SE"
    ver = [
        i for i, x in enumerate(lines(name), start=1) if re.match(r"#VER\s+\"?1\"?\s+\"?1\"?\s", x)
    ]
    err = loaded(name)["utfall"]
    assert isinstance(err, InputError)
    assert [(p.line, p.message) for p in err.problems] == [
        (ver[0], "verifikation 1 1 2015-09-12 balanserar inte: 2,00")
    ]


# --------------------------------------------------------------------------- consistency


TRANS_FILES = [
    n
    for n in FILES
    if n not in REFUSED
    and sietyp(n) != "1"
    and any(x.startswith("#TRANS") for x in lines(n))
    and not any(x.startswith("#PSALDO") for x in lines(n))
]


@pytest.mark.parametrize("name", TRANS_FILES)
def test_utfall_is_the_sum_of_the_files_trans_lines(name, loaded):
    utfall = loaded(name)["utfall"]
    got = utfall.groupby(["period", "konto"])["belopp_kr"].sum()
    assert compare(got, trans_sums(name), -1.0) > 0


def test_ovnbolag_trans_file_utfall_per_month_and_account(loaded):
    assert "urval_ovnbolag.si" in TRANS_FILES
    (name,) = OVNBOLAG_TRANS
    got = loaded(name)["utfall"].groupby(["period", "konto"])["belopp_kr"].sum()
    assert compare(got, trans_sums(name), -1.0) >= 10


@pytest.mark.parametrize("name", OVNBOLAG_PSALDO)
def test_ovnbolag_psaldo_files_utfall_budget_and_balans(name, loaded):
    got = loaded(name)
    utfall = got["utfall"].groupby(["period", "konto"])["belopp_kr"].sum()
    # årsnr 0 (2011) and −1 (2010): all the months of both years
    expected = {**psaldo_sums(name, arsnr="0"), **psaldo_sums(name, arsnr="-1")}
    assert compare(utfall, expected, -1.0) > 100
    # budget: Σ #PBUDGET of årsnr 0 per account (the file's årsnr −1 rows carry 2011's
    # periods, outside their year, and are not read)
    budget = got["budget"].groupby("konto")["belopp_kr"].sum()
    per_konto: dict[int, float] = defaultdict(float)
    for (_, konto), v in psaldo_sums(name, "#PBUDGET", "0").items():
        per_konto[konto] += v
    assert compare(budget, per_konto, -1.0) > 10
    # balans: #IB 0 + Σ months = #UB 0, per balance account (accounting sign)
    balans = got["balans"]
    year = balans[balans["ar"] == 2011].groupby("konto")["belopp"].sum()
    ub = {}
    for line in lines(name):
        if m := re.match(r"#UB\s+0\s+(\d+)\s+(\S+)", line):
            ub[int(m[1])] = float(m[2])
    compared = 0
    for konto, value in year.items():
        assert value == pytest.approx(ub.get(int(konto), 0.0), abs=TOL), konto
        compared += 1
    assert compared > 20


@pytest.mark.parametrize(("a", "b"), SAME_COMPANY)
def test_same_company_in_different_sie_types_gives_the_same_utfall(a, b, loaded):
    """#PSALDO (totals, per object, disjoint parts) against #TRANS: independent paths to
    the same monthly figures."""
    ua, ub = loaded(a)["utfall"], loaded(b)["utfall"]
    sa = ua.groupby(["period", "konto"])["belopp_kr"].sum()
    sb = ub.groupby(["period", "konto"])["belopp_kr"].sum()
    assert compare(sa, sb.to_dict(), 1.0) > 10


# --------------------------------------------------------------------------- mutation


def test_mutated_real_file_is_refused_at_the_changed_voucher(tmp_path):
    """Mutation: one #TRANS amount of a real file changed by 1 kr → the file is refused,
    naming exactly that voucher (series, number, date, difference) at its #VER line."""
    name = "urval_ovnbolag.si"
    raw_bytes = (SIE_DIR / name).read_bytes()
    text_lines = raw_bytes.decode("cp437").splitlines()
    index = next(i for i, x in enumerate(text_lines) if "#TRANS" in x and " 5020 " in x)
    ver_index = max(i for i in range(index) if text_lines[i].strip().startswith("#VER"))
    serie, vernr, date = text_lines[ver_index].split()[1:4]
    amount = text_lines[index].split()[3]
    changed = text_lines[index].replace(amount, f"{float(amount) + 1:.2f}")
    text_lines[index] = changed
    path = tmp_path / "src" / name
    path.parent.mkdir()
    path.write_bytes(("\r\n".join(text_lines) + "\r\n").encode("cp437"))
    raw = kommun(tmp_path, path)
    for kind, err in load_all(raw).items():
        assert isinstance(err, InputError), kind
        assert [(p.line, p.message) for p in err.problems] == [
            (
                ver_index + 1,
                f"verifikation {serie} {vernr} {date[:4]}-{date[4:6]}-{date[6:]} "
                "balanserar inte: 1,00",
            )
        ]
