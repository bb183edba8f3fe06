"""SIE files as an input of the data contract: the frames of ``utfall``, ``budget``,
``periodisering``, ``balans`` and ``kontonamn`` read from ``*.se``, ``*.si`` and ``*.sie``
in ``data/raw/ekonomi/``.

The frames are exactly those the CSV kinds' parsers give (same columns and dtypes), so
nothing above :mod:`analysis.io` can tell the source. Amounts keep the file's accounting
sign (debet +, kredit −) in ``belopp``; ``belopp_kr`` is converted once, here, to the
report sign (``utfall``, ``budget``: −belopp; ``balans``: class 1 as is, class 2 negated),
like every other input.

What is read
------------
``utfall``
    One row per month, nämnd, account (and ``verksamhet``/``ansvar`` when the mapping
    gives them): Σ of the #TRANS rows of result accounts by the calendar month of each
    row's date (the transaction date, else the voucher's). A #PSALDO is used for an
    (account, month) only when the file that gives the month has no #TRANS for it (see
    *Period balances*). Rows are aggregated; the frame holds no voucher-level rows.
``budget``
    Σ #PBUDGET of årsnr 0 per account and nämnd (``typ`` ``drift``), for a fiscal year
    that is a calendar year.
``periodisering``
    From the same #PBUDGET rows: each nämnd's monthly share of its net budget (months
    without a #PBUDGET are 0). Shares must be ≥ 0 and sum to 1: a nämnd whose months do
    not give such shares (a month of the other sign than the year, or a net budget of 0)
    gets no periodisering (it is then periodised in twelfths) and a note says so.
``balans``
    The year's ingående balans as month 00 from #IB (årsnr 0, and årsnr −1 for the year
    before), and the monthly movements of balance accounts from #TRANS / #PSALDO, in the
    ``balans`` kind's frame. A year without any #IB is left out (a note says so): the
    ``balans`` kind needs every year's ingående balans.
``kontonamn``
    ``konto``, ``namn`` from #KONTO (for drill-down); the last file (by name) wins.

Result and balance accounts
---------------------------
Accounts must be Kommun-Bas accounts: 3–5 digits, the first not 0. Classes 1–2 are
balance accounts (``balans``), classes 3–9 result accounts (``utfall``, ``budget``),
following the data contract (the resultaträkning reads classes 3–9; the ``balans`` kind
holds only classes 1–2). A #KTYP that contradicts the class (``#KTYP 3050 T``) does not
move the account: the class decides, and a note names the accounts.

Fiscal years (#RAR)
-------------------
Only årsnr 0 and −1 are read. A #TRANS dated outside every #RAR of its file is refused
(file, line, the date, the years); one dated inside another #RAR year (årsnr −2 …) and
#PSALDO/#PBUDGET/#IB of other years are ignored with a note, as is a #PSALDO/#PBUDGET
whose period lies outside its own årsnr (real exports write ``#PBUDGET -1 201101`` in a
file whose årsnr −1 is 2010, beside the same rows under årsnr 0: reading them by their
period would count the budget twice). A broken fiscal year (not 1 January – 31
December) gives its ``utfall`` by calendar month as always, but no ``budget``,
``periodisering`` or ``balans``: a broken year's #PBUDGET is no calendar-year budget, nor
its #IB a balance at a calendar year-end; a note says so.

Several files
-------------
All SIE files of the folder are read together. Each month is taken from one file: the
one whose årsnr 0 covers it, else the one whose årsnr −1 covers it (so a 2023 file's
årsnr −1 does not double the 2022 file's months). Two files giving the same month at the
same rank are refused (the months named). The same rule takes a year's #IB and #PBUDGET.

Period balances (#PSALDO, #PBUDGET)
-----------------------------------
For an (account, month) without #TRANS: in a file whose object lists combine two or
more dimensions (Avendo's *disjoint parts*, see :func:`analysis.io.sie.kontosaldon`)
every row is a part and is mapped like a transaction with its objects. Otherwise the row
with ``{}`` is the account's total and rows with objects are per object: the rows of one
dimension are mapped like transactions (the first dimension that the mapping names in
file order, else the lowest), and the remainder total − Σ parts is mapped as a row
without objects. So nothing is counted twice (a file with per-object rows in two
dimensions splits the total once), and the account's monthly sum is the file's total.
Without a ``{}`` row the parts of that dimension are the account's balance. #PBUDGET is
read the same way (without the #TRANS precedence).

Mapping objects to the register (``ekonomi/sie_mappning.csv``)
--------------------------------------------------------------
Columns ``dimension``, ``objekt``, ``namnd``; optional ``verksamhet``, ``ansvar``.
Rows are tried in file order (several files in name order); a row matches a row of the
ledger that has that object in that dimension; ``objekt`` ``*`` matches any object of the
dimension; the row ``*;*;<id>`` matches everything (also rows without objects). A
dimension ``*`` with another objekt than ``*`` is refused. ``namnd`` is checked against
the register (file, line, column). Only rows of result accounts need a nämnd (the
``balans`` kind has none).

Refusals (``InputError``, every problem with file and line)
-----------------------------------------------------------
A file the reader refuses (:func:`analysis.io.sie.read_sie`); an unbalanced voucher
("verifikation B 1 2011-01-03 balanserar inte: −12 771,00", at its #VER line); an account
without #KONTO in #TRANS/#PSALDO/#PBUDGET/#IB/#UB/#RES/#OIB/#OUB (its first line); an
account read into a frame that is no Kommun-Bas account (``0351``); a #TRANS outside
every #RAR; an amount beyond ±1e13 kr; overlapping months of two files; a ledger row of a
result account whose objects match no mapping row (its first line, the dimension and
object, how many rows, a few more lines); SIE files without a mapping file (the message
shows one, with ``*;*;<id>``). For ``utfall`` only: a file with no monthly data (SIE
type 1, only year balances) — a year's #RES is never spread over months.

Each SIE file is read and checked once per process: the results are memoised on
(resolved path, size, mtime) of every SIE and mapping file and the register. The notes
(non-fatal) of the latest load of a folder are :func:`sie_anmarkningar`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from analysis.core.errors import InputError, Problem
from analysis.core.format import tal
from analysis.core.register import Register
from analysis.io.bokslut import balans_frame
from analysis.io.falt import (
    MAX_BELOPP_KR,
    FileKind,
    check,
    display_name,
    keep_extras,
    konto_column,
    problem_rows,
    text_column,
    unit_column,
)
from analysis.io.readers import RawTable, read_bytes, read_table, require_columns
from analysis.io.sie import Sie, avkoda, obalanserade, objekt_text, read_sie, tokenise

__all__ = [
    "MAPPNING",
    "SIE_KINDS",
    "SIE_SUFFIXES",
    "load_sie_kind",
    "mapping_files",
    "parse_kontonamn",
    "sie_anmarkningar",
    "sie_files",
]

SIE_SUFFIXES = (".se", ".si", ".sie")
MAPPNING = "sie_mappning"  # ekonomi/sie_mappning.csv (or .csv.gz/.txt/.xlsx)
SIE_KINDS = ("utfall", "budget", "periodisering", "balans", "kontonamn")

#: Tolerance in kronor (half an öre), as the reader's.
TOLERANS = 0.005
#: How many problems of one sort one file gives before they are summarised.
MAX_PROBLEM = 20
#: How many memoised loads are kept.
_MAX_CACHE = 8

Tokens = list[str | list[str]]
_K = TypeVar("_K")
_V = TypeVar("_V")

_KONTO = re.compile(r"^[1-9]\d{2,4}$")
_SALDO_LABELS = ("#PSALDO", "#PBUDGET")
_BALANS_LABELS = ("#IB", "#UB", "#RES", "#OIB", "#OUB")


def _no_parser(table: RawTable, register: Register) -> pd.DataFrame:  # pragma: no cover
    raise AssertionError("the SIE files are not parsed as a table")


_SIE_KIND = FileKind("", "ekonomi", False, (), (), None, _no_parser, suffixes=SIE_SUFFIXES)
_MAPPNING_KIND = FileKind(
    MAPPNING,
    "ekonomi",
    False,
    ("dimension", "objekt", "namnd"),
    ("verksamhet", "ansvar"),
    None,
    _no_parser,
)


def sie_files(raw_dir: Path) -> list[Path]:
    """The SIE files (``*.se``, ``*.si``, ``*.sie``, any case) of ``raw_dir/ekonomi``, in
    name order.

    Raises
    ------
    InputError
        When such a file is a symbolic link or not a regular file (it is refused, not
        followed), as for every kind of file (:meth:`FileKind.files`).
    """
    return _SIE_KIND.files(Path(raw_dir))


def mapping_files(raw_dir: Path) -> list[Path]:
    """The mapping files ``ekonomi/sie_mappning*`` (CSV, ``.csv.gz``, ``.txt``, ``.xlsx``)."""
    return _MAPPNING_KIND.files(Path(raw_dir))


# --------------------------------------------------------------------------- kontonamn
def parse_kontonamn(table: RawTable, register: Register) -> pd.DataFrame:
    """The CSV kind ``ekonomi/kontonamn*``: ``konto`` (int32), ``namn`` (text); extra
    columns kept as text. An empty name or an account given twice is refused with file,
    line and column."""
    problems: list[Problem] = []
    konto, p = konto_column(table)
    problems += p
    namn = text_column(table, "namn").str.strip()
    problems += problem_rows(
        table, (namn == "").to_numpy(), "namn", "namn saknas; ange kontots benämning."
    )
    check(problems)
    dup = pd.Series(konto).duplicated().to_numpy()
    problems += problem_rows(table, dup, "konto", "kontot förekommer redan i filen.")
    check(problems)
    frame = pd.DataFrame({"konto": konto, "namn": namn.to_numpy(dtype=object)})
    return keep_extras(table, frame, ("konto", "namn"))


# --------------------------------------------------------------------------- one file
@dataclass(frozen=True)
class _Fil:
    """One SIE file, read and checked (independent of the mapping and the register)."""

    namn: str
    sie: Sie | None
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    #: arsnr → (start, slut) for årsnr 0 and −1.
    rar: dict[int, tuple[pd.Timestamp, pd.Timestamp]]
    #: arsnr → the calendar year when that fiscal year is one, else None.
    kalender: dict[int, int | None]
    #: #TRANS of årsnr 0/−1: arsnr, period, konto, objekt, belopp, rad.
    trans: pd.DataFrame
    #: #PSALDO / #PBUDGET of årsnr 0/−1 inside their year: arsnr, period, konto, objekt, belopp.
    psaldo: pd.DataFrame
    pbudget: pd.DataFrame
    #: #IB of årsnr 0/−1: arsnr, konto, belopp.
    ib: pd.DataFrame
    #: Any monthly data (#TRANS or #PSALDO) at all.
    manadsdata: bool
    disjunkt: bool
    path: Path = field(compare=False)


def _lines_of(path: Path, shown: str) -> list[str]:
    text, _ = avkoda(read_bytes(path, shown), shown)
    return text.splitlines()


class _Records:
    """The records of a file's text, tokenised on first use (only to name the line of a
    problem: the reader's frames of saldo records carry no line numbers)."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path, self.shown = path, shown
        self._lines: list[str] | None = None
        self._records: dict[str, list[tuple[int, Tokens]]] | None = None

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _lines_of(self.path, self.shown)
        return self._lines

    def first(self, labels: tuple[str, ...], match: Callable[[Tokens], bool]) -> int | None:
        """The first line (1-based) of a record with one of ``labels`` that ``match``es."""
        if self._records is None:
            self._records = {}
            for number, raw in enumerate(self.lines(), start=1):
                stripped = raw.strip()
                if stripped.startswith("#"):
                    tokens: Tokens = list(tokenise(stripped))
                    label = tokens[0] if isinstance(tokens[0], str) else ""
                    self._records.setdefault(label.upper(), []).append((number, tokens))
        for label in labels:
            for number, tokens in self._records.get(label, []):
                if match(tokens):
                    return number
        return None


def _field(tokens: Tokens, i: int) -> str | None:
    value = tokens[i] if len(tokens) > i else None
    return value if isinstance(value, str) else None


def _konto_at(konto: str) -> Callable[[Tokens], bool]:
    """A record naming ``konto`` (#IB/#UB/#RES: field 2; #PSALDO/#PBUDGET/#OIB: field 3)."""
    return lambda tok: konto in (_field(tok, 2), _field(tok, 3))


def _saldo_at(arsnr: int, period: int, konto: str) -> Callable[[Tokens], bool]:
    key = (str(arsnr), str(period), konto)
    return lambda tok: (_field(tok, 1), _field(tok, 2), _field(tok, 3)) == key


def _saldo_konto_at(konto: str, objekt: str) -> Callable[[Tokens], bool]:
    def match(tok: Tokens) -> bool:
        items = tok[4] if len(tok) > 4 else None
        return _field(tok, 3) == konto and (
            not objekt or (isinstance(items, list) and objekt_text(items) == objekt)
        )

    return match


def _year_text(rar: pd.DataFrame) -> str:
    if rar.empty:
        return "filen har inget #RAR"
    return "räkenskapsåren i #RAR: " + ", ".join(
        f"årsnr {tal(a)} {s:%Y-%m-%d}–{e:%Y-%m-%d}"
        for a, s, e in zip(rar["arsnr"], rar["start"], rar["slut"], strict=True)
    )


def _capped(problems: list[Problem], shown: str, what: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEM:
        return problems
    rest = len(problems) - MAX_PROBLEM
    return [*problems[:MAX_PROBLEM], Problem(shown, f"… samma fel ({what}) på {rest} rader till.")]


def _read_file(path: Path, shown: str) -> _Fil:
    """Read one SIE file and run the checks that do not depend on the mapping."""
    empty = pd.DataFrame()
    try:
        sie = read_sie(path, shown)
    except InputError as e:
        return _Fil(
            shown,
            None,
            tuple(e.problems),
            (),
            {},
            {},
            empty,
            empty,
            empty,
            empty,
            False,
            False,
            path,
        )
    problems: list[Problem] = []
    notes: list[str] = []
    records = _Records(path, shown)

    # fiscal years
    rar_all = sie.rar
    rar: dict[int, tuple[pd.Timestamp, pd.Timestamp]] = {}
    kalender: dict[int, int | None] = {}
    for arsnr, start, slut in zip(rar_all["arsnr"], rar_all["start"], rar_all["slut"], strict=True):
        a = int(arsnr)
        if a in (0, -1) and a not in rar:
            rar[a] = (pd.Timestamp(start), pd.Timestamp(slut))
            calendar = (
                start.month == 1
                and start.day == 1
                and slut.month == 12
                and slut.day == 31
                and start.year == slut.year
            )
            kalender[a] = int(start.year) if calendar else None
    for a, (start, slut) in rar.items():
        if kalender[a] is None:
            notes.append(
                f"{shown}: räkenskapsåret årsnr {tal(a)} ({start:%Y-%m-%d}–{slut:%Y-%m-%d}) är "
                "brutet; utfallet läses per kalendermånad, men budget, periodisering och "
                "balansräkning läses inte ur filen för det året (en budget eller ingående "
                "balans för ett brutet år är ingen för ett kalenderår)."
            )

    # unbalanced vouchers, at their #VER line
    t = sie.transaktioner
    bad = obalanserade(sie)
    if len(bad):
        first = t.groupby(["serie", "vernr", "verdatum"], sort=False)["rad"].min()
        for serie, vernr, verdatum, meddelande in zip(
            bad["serie"], bad["vernr"], bad["verdatum"], bad["meddelande"], strict=True
        ):
            rad = int(first[(serie, vernr, verdatum)])
            ver_line = next(
                (
                    n
                    for n in range(rad - 1, 0, -1)
                    if records.lines()[n - 1].strip().upper().startswith("#VER")
                ),
                rad,
            )
            problems.append(Problem(shown, str(meddelande), ver_line))
        problems = _capped(problems, shown, "obalanserad verifikation")

    # accounts: declared by #KONTO, and Kommun-Bas accounts
    known = set(sie.konton["konto"])
    used_trans = t.groupby("konto")["rad"].min() if len(t) else pd.Series(dtype=np.int64)
    used: dict[str, int | None] = {str(k): int(v) for k, v in used_trans.items()}
    for frame in (sie.psaldo, sie.pbudget, sie.balanser, sie.objektbalanser):
        for k in frame["konto"].unique() if len(frame) else ():
            used.setdefault(str(k), None)
    # the accounts of the records read into frames must be Kommun-Bas accounts
    b = sie.balanser
    read = {
        str(k)
        for frame in (t, sie.psaldo, sie.pbudget, b[b["typ"] == "IB"])
        for k in frame["konto"].unique()
    }
    konto_problems: list[Problem] = []
    for konto, first_line in used.items():
        where = first_line
        wrong = konto in read and not _KONTO.match(konto)
        if (konto not in known or wrong) and where is None:
            where = records.first(
                (*_SALDO_LABELS, *_BALANS_LABELS),
                _konto_at(konto),
            )
        if konto not in known:
            konto_problems.append(
                Problem(
                    shown,
                    f"kontot '{konto}' används men saknar #KONTO i filen; exportera filen med "
                    "kontoplanen (#KONTO för varje konto som används).",
                    where,
                )
            )
        elif wrong:
            konto_problems.append(
                Problem(
                    shown,
                    f"kontot '{konto}' är inget Kommun-Bas-konto; förväntade 3–5 siffror "
                    "där den första inte är 0, t.ex. 4010.",
                    where,
                )
            )
    problems += _capped(konto_problems, shown, "konto")

    ktyp = sie.konton.dropna(subset=["ktyp"])
    odd = [
        k
        for k, typ in zip(ktyp["konto"], ktyp["ktyp"], strict=True)
        if _KONTO.match(k)
        and k in used
        and ((typ in ("T", "S") and k[0] not in "12") or (typ in ("I", "K") and k[0] in "12"))
    ]
    if odd:
        notes.append(
            f"{shown}: #KTYP stämmer inte med kontoklassen för {len(odd)} konton "
            f"({', '.join(odd[:10])}{' …' if len(odd) > 10 else ''}); kontoklassen enligt "
            "Kommun-Bas avgör (klass 1–2 balansräkning, 3–9 resultaträkning)."
        )

    # transactions: their fiscal year
    arsnr = pd.Series(np.full(len(t), -99, dtype=np.int64), index=t.index)
    inside_any = np.zeros(len(t), dtype=bool)
    for a, start, slut in zip(rar_all["arsnr"], rar_all["start"], rar_all["slut"], strict=True):
        inside = ((t["datum"] >= start) & (t["datum"] <= slut)).to_numpy()
        if int(a) in rar:
            arsnr[inside & (arsnr.to_numpy() == -99)] = int(a)
        inside_any |= inside
    outside = np.flatnonzero(~inside_any)
    if len(outside):
        years = _year_text(rar_all)
        problems += [
            Problem(
                shown,
                f"#TRANS daterad {t['datum'].iloc[i]:%Y-%m-%d} ligger utanför räkenskapsåren "
                f"({years}).",
                int(t["rad"].iloc[i]),
            )
            for i in outside[:MAX_PROBLEM]
        ]
        if len(outside) > MAX_PROBLEM:
            problems.append(
                Problem(shown, f"… och {len(outside) - MAX_PROBLEM} #TRANS till utanför #RAR.")
            )
    other = int((inside_any & (arsnr.to_numpy() == -99)).sum())
    if other:
        notes.append(f"{shown}: {other} #TRANS i andra räkenskapsår än årsnr 0 och −1 läses inte.")
    keep = arsnr.to_numpy() != -99
    trans = pd.DataFrame(
        {
            "arsnr": arsnr.to_numpy()[keep],
            "period": (t["datum"].dt.year * 100 + t["datum"].dt.month).to_numpy()[keep],
            "konto": t["konto"].to_numpy(dtype=object)[keep],
            "objekt": t["objekt"].to_numpy(dtype=object)[keep],
            "belopp": t["belopp"].to_numpy(dtype=np.float64)[keep],
            "rad": t["rad"].to_numpy(dtype=np.int64)[keep],
        }
    )
    big = np.flatnonzero(np.abs(trans["belopp"].to_numpy()) > MAX_BELOPP_KR)
    problems += [
        Problem(
            shown,
            f"beloppet {tal(trans['belopp'].iloc[i], 2)} kr är orimligt stort "
            f"(högst ±{tal(MAX_BELOPP_KR)} kr).",
            int(trans["rad"].iloc[i]),
        )
        for i in big[:MAX_PROBLEM]
    ]

    # period balances and budgets: årsnr 0/−1, inside their year
    def saldo(frame: pd.DataFrame, label: str) -> pd.DataFrame:
        cols = ["arsnr", "period", "konto", "objekt", "belopp"]
        if frame.empty:
            return pd.DataFrame(columns=cols)
        a = frame["arsnr"].to_numpy(dtype=np.int64)
        period = frame["period"].to_numpy(dtype=np.int64)
        inside = np.zeros(len(frame), dtype=bool)
        for arsnr, (start, slut) in rar.items():
            lo, hi = start.year * 100 + start.month, slut.year * 100 + slut.month
            inside |= (a == arsnr) & (period >= lo) & (period <= hi)
        mine = np.isin(a, [0, -1])
        if (~mine).any():
            notes.append(
                f"{shown}: {int((~mine).sum())} {label} för andra år än årsnr 0 och −1 läses inte."
            )
        if (mine & ~inside).any():
            notes.append(
                f"{shown}: {int((mine & ~inside).sum())} {label} har en period utanför sitt "
                f"räkenskapsår ({_year_text(rar_all)}) och läses inte."
            )
        big = np.abs(frame["belopp"].to_numpy(dtype=np.float64)) > MAX_BELOPP_KR
        for i in np.flatnonzero(big)[:MAX_PROBLEM]:
            line = records.first(
                (label,), _saldo_at(int(a[i]), int(period[i]), str(frame["konto"].iloc[i]))
            )
            problems.append(
                Problem(
                    shown,
                    f"beloppet {tal(float(frame['belopp'].iloc[i]), 2)} kr är orimligt stort "
                    f"(högst ±{tal(MAX_BELOPP_KR)} kr).",
                    line,
                )
            )
        kept: pd.DataFrame = frame[mine & inside & ~big][cols]
        return kept.reset_index(drop=True)

    psaldo = saldo(sie.psaldo, "#PSALDO")
    pbudget = saldo(sie.pbudget, "#PBUDGET")
    ib = b[(b["typ"] == "IB") & b["arsnr"].isin(list(rar))][["arsnr", "konto", "belopp"]]
    manadsdata = bool(len(sie.transaktioner) or len(sie.psaldo))
    disjunkt = bool(sie.psaldo["objekt"].str.contains(";", regex=False).any())
    return _Fil(
        shown,
        sie,
        tuple(problems),
        tuple(notes),
        rar,
        kalender,
        trans,
        psaldo,
        pbudget,
        ib.reset_index(drop=True),
        manadsdata,
        disjunkt,
        path,
    )


# --------------------------------------------------------------------------- the mapping
@dataclass(frozen=True)
class _Mappning:
    files: tuple[str, ...]
    dim: tuple[str, ...]  # "*" = any
    objekt: tuple[str, ...]  # "*" = any
    namnd: tuple[str, ...]
    verksamhet: tuple[str, ...] | None
    ansvar: tuple[str, ...] | None

    def match(self, objekt: str) -> int:
        """The first row matching a ledger row's object text (``1:100;6:P1``); −1: none."""
        pairs = [p.split(":", 1) for p in objekt.split(";")] if objekt else []
        for i, (d, o) in enumerate(zip(self.dim, self.objekt, strict=True)):
            if d == "*":
                return i
            for pd_, po in pairs:
                if pd_ == d and (o == "*" or po == o):
                    return i
        return -1

    def dims(self) -> list[str]:
        return list(dict.fromkeys(d for d in self.dim if d != "*"))


def _read_mapping(
    files: list[Path], raw_dir: Path, register: Register
) -> tuple[_Mappning | None, list[Problem]]:
    problems: list[Problem] = []
    cols: dict[str, list[str]] = {c: [] for c in ("dimension", "objekt", "namnd")}
    extra: dict[str, list[str]] = {"verksamhet": [], "ansvar": []}
    has = {"verksamhet": False, "ansvar": False}
    names = []
    for path in files:
        name = display_name(path, raw_dir)
        names.append(name)
        try:
            table = read_table(
                path,
                name,
                expected_columns=(*_MAPPNING_KIND.columns, *_MAPPNING_KIND.optional),
                root=raw_dir,
            )
            require_columns(table, list(_MAPPNING_KIND.columns))
        except InputError as e:
            problems += e.problems
            continue
        p: list[Problem] = []
        namnd = unit_column(table, register, "namnd", p)
        dim = text_column(table, "dimension").str.strip()
        obj = text_column(table, "objekt").str.strip()
        p += problem_rows(
            table,
            ~(dim.str.fullmatch(r"\d+") | (dim == "*")).to_numpy(),
            "dimension",
            lambda v: (
                f"'{v}' är ingen dimension; ange dimensionens nummer i SIE-filen (#DIM), "
                "t.ex. 1, eller * för alla."
            ),
        )
        p += problem_rows(
            table,
            (obj == "").to_numpy(),
            "objekt",
            "objekt saknas; ange objektets kod, eller * för alla objekt i dimensionen.",
        )
        p += problem_rows(
            table,
            ((dim == "*") & (obj != "*") & (obj != "")).to_numpy(),
            "objekt",
            "dimensionen * kan bara kombineras med objekt *; raden *;*;<id> fångar resten.",
        )
        problems += p
        if p:
            continue
        cols["dimension"] += dim.tolist()
        cols["objekt"] += obj.tolist()
        cols["namnd"] += [str(v) for v in namnd.tolist()]
        for c in extra:
            if c in table.data:
                has[c] = True
                extra[c] += text_column(table, c).str.strip().tolist()
            else:
                extra[c] += [""] * len(table.data)
    if problems:
        return None, problems
    return (
        _Mappning(
            tuple(names),
            tuple(cols["dimension"]),
            tuple(cols["objekt"]),
            tuple(cols["namnd"]),
            tuple(extra["verksamhet"]) if has["verksamhet"] else None,
            tuple(extra["ansvar"]) if has["ansvar"] else None,
        ),
        [],
    )


def _no_mapping(sie: list[str], register: Register) -> Problem:
    first = register.ids[0]
    return Problem(
        f"ekonomi/{MAPPNING}.csv",
        f"SIE-filerna ({', '.join(sie)}) kan inte läsas utan en mappning av SIE-filens objekt "
        f"till registrets nämnder. Skapa filen ekonomi/{MAPPNING}.csv med kolumnerna "
        "dimension;objekt;namnd (valfritt verksamhet, ansvar), t.ex.:\n"
        f"dimension;objekt;namnd\n1;100;{first}\n1;*;{first}\n*;*;{first}\n"
        "Raderna prövas i filordning; objekt * matchar alla objekt i dimensionen, och raden "
        "*;*;<id> fångar allt annat (även rader utan objekt).",
    )


# --------------------------------------------------------------------------- combining
def _per_value(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``convert(values).to_numpy()``, computed once per distinct value (a file has
    millions of rows but few accounts)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return convert(pd.Series(uniques)).to_numpy()[codes]


def _klass(konto: pd.Series) -> np.ndarray:
    """The account class (first digit) of account texts."""
    return _per_value(konto, lambda k: k.astype(str).str[0].astype(int))


def _as_int(konto: pd.Series) -> np.ndarray:
    """``konto.astype(int).to_numpy()``, once per distinct account."""
    return _per_value(konto, lambda k: k.astype(int))


def _owners(keys: pd.DataFrame, files: list[_Fil], what: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Which file gives each key (``nyckel``): rank 0 (årsnr 0) before rank 1; two files of
    the same best rank are refused. ``keys``: fil, nyckel, rang."""
    if keys.empty:
        return keys.assign(), []
    keys = keys.drop_duplicates()
    best = keys.groupby("nyckel")["rang"].transform("min")
    top = keys[keys["rang"] == best]
    problems: list[Problem] = []
    clash = top.groupby("nyckel")["fil"].agg(list)
    clash = clash[clash.map(len) > 1]
    pairs: dict[tuple[int, ...], list[int]] = {}
    for nyckel, fil in clash.items():
        pairs.setdefault(tuple(sorted(fil)), []).append(int(str(nyckel)))
    for fil_ids, codes in pairs.items():
        shown = ", ".join(_key_text(c) for c in sorted(codes)[:6])
        more = f" (och {len(codes) - 6} till)" if len(codes) > 6 else ""
        others = ", ".join(files[i].namn for i in fil_ids[:-1])
        problems.append(
            Problem(
                files[fil_ids[-1]].namn,
                f"{what} {shown}{more} finns också i {others}; SIE-filerna får inte överlappa. "
                "Ta bort den ena filen eller exportera filerna för skilda år.",
            )
        )
    return top[["fil", "nyckel"]], problems


def _key_text(code: int) -> str:
    if code < 10000:
        return str(code)
    return f"{code // 100}-{code % 100:02d}"


def _resolve_saldo(frame: pd.DataFrame, disjunkt: bool, dims: list[str]) -> pd.DataFrame:
    """Period balances → rows to map (see the module docstring): arsnr, period, konto,
    objekt, belopp, with no amount counted twice."""
    cols = ["arsnr", "period", "konto", "objekt", "belopp"]
    if frame.empty or disjunkt:
        return frame[cols] if not frame.empty else pd.DataFrame(columns=cols)
    out: list[tuple[int, int, str, str, float]] = []
    order = {d: i for i, d in enumerate(dims)}
    for (a, period, konto), g in frame.groupby(["arsnr", "period", "konto"], sort=False):
        objekt = g["objekt"].tolist()
        belopp = g["belopp"].tolist()
        total = [b for o, b in zip(objekt, belopp, strict=True) if o == ""]
        parts = [(o.split(":", 1)[0], o, b) for o, b in zip(objekt, belopp, strict=True) if o]
        key = (int(str(a)), int(str(period)), str(konto))
        if parts:
            present = sorted(
                {d for d, _, _ in parts},
                key=lambda d: (order.get(d, len(order)), int(d) if d.isdigit() else math.inf, d),
            )
            chosen = [(o, b) for d, o, b in parts if d == present[0]]
            out += [(*key, o, float(b)) for o, b in chosen]
            if total:
                rest = math.fsum(total) - math.fsum(b for _, b in chosen)
                if abs(rest) >= TOLERANS:
                    out.append((*key, "", rest))
        else:
            out.append((*key, "", math.fsum(total)))
    return pd.DataFrame(out, columns=cols)


@dataclass
class _Resultat:
    frames: dict[str, pd.DataFrame | None]
    problems: dict[str, list[Problem]]
    notes: list[str]


def _unmatched(
    rows: pd.DataFrame, idx: np.ndarray, files: list[_Fil], mapping: _Mappning, label: str
) -> list[Problem]:
    """Problems for rows whose objects match no mapping row (one per file and object)."""
    problems: list[Problem] = []
    bad = rows[idx < 0]
    where = " eller ".join(mapping.files)
    for (fil, objekt), g in bad.groupby(["fil", "objekt"], sort=True):
        f = files[int(str(fil))]
        lines = sorted(int(x) for x in g["rad"] if int(x) > 0)
        if not lines and f.sie is not None:
            line = _Records(f.path, f.namn).first(
                (label,),
                _saldo_konto_at(str(g["konto"].iloc[0]), str(objekt)),
            )
            lines = [line] if line is not None else []
        text = str(objekt)
        desc = (
            " och ".join(
                f"dimension {d} objekt {o}" for d, o in (p.split(":", 1) for p in text.split(";"))
            )
            if text
            else "inga objekt"
        )
        n = len(g)
        more = f" (t.ex. rad {', '.join(str(x) for x in lines[1:6])})" if len(lines) > 1 else ""
        plural = "er" if n != 1 else ""
        what = f"transaktion{plural}" if label == "#TRANS" else f"{label}-rad{plural}"
        problems.append(
            Problem(
                f.namn,
                f"{n} {what} med {desc} matchar "
                f"ingen rad i {where}{more}. Lägg till en rad för dimensionen och objektet, "
                "eller en sista rad *;*;<id> som fångar resten.",
                lines[0] if lines else None,
            )
        )
    return problems


def _compute(
    files: list[_Fil], mapping: _Mappning | None, register: Register, common: list[Problem]
) -> _Resultat:
    notes = [n for f in files for n in f.notes]
    problems: dict[str, list[Problem]] = {k: list(common) for k in SIE_KINDS}
    frames: dict[str, pd.DataFrame | None] = dict.fromkeys(SIE_KINDS)
    ok_files = [f for f in files if f.sie is not None]
    for f in ok_files:
        if not f.manadsdata:
            typ = f.sie.info.get("sietyp", "?") if f.sie is not None else "?"
            problems["utfall"].append(
                Problem(
                    f.namn,
                    f"filen har inga månadsuppgifter (#TRANS eller #PSALDO), bara årssaldon "
                    f"(SIE typ {typ}); utfallet per månad kan inte läsas ur den, och ett års "
                    "#RES fördelas aldrig på månader. Exportera SIE typ 4 (verifikationer) "
                    "eller typ 2 (periodsaldon).",
                )
            )
    if any(common) or mapping is None or len(ok_files) != len(files):
        return _Resultat(frames, problems, notes)

    # kontonamn: the last file wins
    names: dict[str, str] = {}
    for f in ok_files:
        assert f.sie is not None
        for k, n in zip(f.sie.konton["konto"], f.sie.konton["namn"], strict=True):
            if _KONTO.match(str(k)) and str(n).strip():
                names[str(k)] = str(n).strip()
    if names:
        order = sorted(names, key=int)
        frames["kontonamn"] = pd.DataFrame(
            {
                "konto": np.array([int(k) for k in order], dtype=np.int32),
                "namn": np.array([names[k] for k in order], dtype=object),
            }
        )

    # which file gives each month
    month_keys = pd.concat(
        [
            pd.DataFrame(
                {
                    "fil": i,
                    "nyckel": fr["period"].astype(np.int64),
                    "rang": -fr["arsnr"].astype(np.int64),
                }
            )
            for i, f in enumerate(files)
            for fr in (f.trans, f.psaldo)
            if len(fr)
        ]
        or [pd.DataFrame(columns=["fil", "nyckel", "rang"])],
        ignore_index=True,
    )
    owned, p = _owners(month_keys, files, "månaden")
    problems["utfall"] += p
    problems["balans"] += p
    months_of: dict[int, list[int]] = (
        {int(str(i)): [int(x) for x in g] for i, g in owned.groupby("fil")["nyckel"]}
        if len(owned)
        else {}
    )

    dims = mapping.dims()
    ledger: list[pd.DataFrame] = []  # fil, period, konto, objekt, belopp, rad
    for i, f in enumerate(files):
        mine = months_of.get(i, [])
        t = f.trans
        mine_t = t[t["period"].isin(mine)] if len(t) else t
        if len(mine_t):
            ledger.append(
                mine_t.assign(fil=i)[["fil", "period", "konto", "objekt", "belopp", "rad"]]
            )
        ps = f.psaldo
        if len(ps):
            use = ps["period"].isin(mine).to_numpy().copy()
            if len(mine_t):
                have = pd.MultiIndex.from_arrays(
                    [mine_t["konto"], mine_t["period"].astype(np.int64)]
                )
                use &= ~pd.MultiIndex.from_arrays(
                    [ps["konto"], ps["period"].astype(np.int64)]
                ).isin(have)
            r = _resolve_saldo(ps[use], f.disjunkt, dims)
            if len(r):
                ledger.append(
                    r.assign(fil=i, rad=0)[["fil", "period", "konto", "objekt", "belopp", "rad"]]
                )
    cols = ["fil", "period", "konto", "objekt", "belopp", "rad"]
    rows = pd.concat(ledger, ignore_index=True) if ledger else pd.DataFrame(columns=cols)
    klass = _klass(rows["konto"]) if len(rows) else np.zeros(0, dtype=int)

    # utfall
    result = rows[klass >= 3].reset_index(drop=True)
    if len(result):
        idx = _match(result, mapping)
        label = np.where(result["rad"].to_numpy() > 0, "#TRANS", "#PSALDO")
        for lab in ("#TRANS", "#PSALDO"):
            sel = label == lab
            problems["utfall"] += _unmatched(result[sel], idx[sel], files, mapping, lab)
        if not problems["utfall"]:
            frames["utfall"] = _utfall(result, idx, mapping, register)

    # balans
    if not problems["balans"]:
        frames["balans"], n, p = _balans(rows[klass <= 2], files)
        notes += n
        problems["balans"] += p
        if p:
            frames["balans"] = None

    # budget and periodisering
    b, pr, n, p = _budget(files, mapping, register, dims)
    notes += n
    problems["budget"] += p
    problems["periodisering"] += p
    if not p:
        frames["budget"], frames["periodisering"] = b, pr
    return _Resultat(frames, problems, notes)


def _match(rows: pd.DataFrame, mapping: _Mappning) -> np.ndarray:
    codes, uniques = pd.factorize(rows["objekt"].astype(str), sort=False)
    first = np.array([mapping.match(str(o)) for o in uniques], dtype=np.int64)
    return first[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _mapped(values: tuple[str, ...] | None, idx: np.ndarray) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=object)[idx]


def _utfall(
    rows: pd.DataFrame, idx: np.ndarray, mapping: _Mappning, register: Register
) -> pd.DataFrame:
    data = {
        "period": rows["period"].to_numpy(dtype=np.int64),
        "namnd": np.asarray(mapping.namnd, dtype=object)[idx],
        "konto": _as_int(rows["konto"]),
        "belopp": rows["belopp"].to_numpy(dtype=np.float64),
    }
    extra = {
        c: v
        for c, v in (
            ("verksamhet", _mapped(mapping.verksamhet, idx)),
            ("ansvar", _mapped(mapping.ansvar, idx)),
        )
        if v is not None
    }
    g = pd.DataFrame({**data, **extra})
    keys = ["period", "namnd", "konto", *extra]
    s = g.groupby(keys, sort=False)["belopp"].sum().reset_index()
    ids = register.ids
    pos = {u: k for k, u in enumerate(ids)}
    s = s.assign(_n=s["namnd"].map(pos)).sort_values(
        ["period", "_n", "konto", *extra], kind="stable"
    )
    frame = pd.DataFrame(
        {
            "period": s["period"].to_numpy().astype(np.int32),
            "namnd": pd.Categorical.from_codes(
                s["_n"].to_numpy(dtype=np.int64), categories=pd.Index(ids)
            ),
            "konto": s["konto"].to_numpy().astype(np.int32),
            "belopp_kr": -s["belopp"].to_numpy(dtype=np.float64),
        }
    )
    for c in extra:
        frame[c] = pd.Categorical(
            s[c].astype(str).to_numpy(),
            categories=pd.Index(sorted(set(s[c].astype(str))), dtype="str"),
        )
    return frame


def _balans(
    rows: pd.DataFrame, files: list[_Fil]
) -> tuple[pd.DataFrame | None, list[str], list[Problem]]:
    notes: list[str] = []
    # ingående balans per calendar year: from the file whose årsnr 0 (else −1) is that year
    keys = []
    for i, f in enumerate(files):
        for a, year in f.kalender.items():
            if year is not None and len(f.ib) and (f.ib["arsnr"] == a).any():
                keys.append((i, year, -a))
    ib_keys = pd.DataFrame(keys, columns=["fil", "nyckel", "rang"])
    owned_ib, problems = _owners(ib_keys, files, "den ingående balansen (#IB) för året")
    ib_of = {int(y): int(i) for i, y in zip(owned_ib["fil"], owned_ib["nyckel"], strict=True)}
    parts = []
    for year, i in sorted(ib_of.items()):
        f = files[i]
        a = next(a for a, y in f.kalender.items() if y == year)
        ib = f.ib[(f.ib["arsnr"] == a) & (_klass(f.ib["konto"]) <= 2)]
        parts.append(
            pd.DataFrame(
                {"ar": year, "manad": 0, "konto": ib["konto"].astype(int), "belopp": ib["belopp"]}
            )
        )
    # movements: only for calendar years of the giving file that have an ingående balans
    if len(rows):
        r = rows.assign(
            ar=rows["period"] // 100, manad=rows["period"] % 100, konto=rows["konto"].astype(int)
        )
        ok = np.zeros(len(r), dtype=bool)
        fil = r["fil"].to_numpy()
        for i, f in enumerate(files):
            years = [y for y in f.kalender.values() if y is not None]
            ok |= (fil == i) & r["ar"].isin(years).to_numpy()
        if (~ok).any():
            notes.append(
                f"{int((~ok).sum())} rörelser på balanskonton i brutna räkenskapsår läses "
                "inte till balansräkningen."
            )
        r = r[ok]
        noib = ~r["ar"].isin(list(ib_of))
        for year in sorted(set(r.loc[noib, "ar"].tolist())):
            notes.append(
                f"året {year} har rörelser på balanskonton men ingen ingående balans (#IB) i "
                "SIE-filerna; balansräkningen för året läses inte ur dem."
            )
        r = r[~noib]
        parts.append(r[["ar", "manad", "konto", "belopp"]])
    parts = [p for p in parts if len(p)]
    if not parts:
        return None, notes, problems
    all_ = pd.concat(parts, ignore_index=True)
    s = all_.groupby(["ar", "manad", "konto"], sort=True)["belopp"].sum().reset_index()
    ar = s["ar"].to_numpy().astype(np.int16)
    manad = s["manad"].to_numpy().astype(np.int8)
    konto = s["konto"].to_numpy().astype(np.int32)
    belopp = s["belopp"].to_numpy(dtype=np.float64)
    klass = np.asarray([int(str(k)[0]) for k in konto], dtype=np.int64)
    frame = balans_frame(ar, manad, konto, belopp, klass, np.full(len(s), "", dtype=object))
    return (
        frame.sort_values(["period", "konto"], kind="stable").reset_index(drop=True),
        notes,
        problems,
    )


def _budget(
    files: list[_Fil], mapping: _Mappning, register: Register, dims: list[str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[str], list[Problem]]:
    notes: list[str] = []
    keys = []
    for i, f in enumerate(files):
        year = f.kalender.get(0)
        if year is not None and len(f.pbudget) and (f.pbudget["arsnr"] == 0).any():
            keys.append((i, year, 0))
    owned, problems = _owners(
        pd.DataFrame(keys, columns=["fil", "nyckel", "rang"]), files, "budgetåret"
    )
    if problems:
        return None, None, notes, problems
    rows = []
    for i, year in zip(owned["fil"], owned["nyckel"], strict=True):
        f = files[int(i)]
        pb = f.pbudget[f.pbudget["arsnr"] == 0]
        klass = _klass(pb["konto"])
        if (klass <= 2).any():
            notes.append(
                f"{f.namn}: {int((klass <= 2).sum())} #PBUDGET på balanskonton läses inte."
            )
        r = _resolve_saldo(pb[klass >= 3], f.disjunkt, dims)
        if len(r):
            rows.append(r.assign(fil=int(i), ar=int(year), rad=0))
    if not rows:
        return None, None, notes, []
    r = pd.concat(rows, ignore_index=True)
    idx = _match(r, mapping)
    problems = _unmatched(r, idx, files, mapping, "#PBUDGET")
    if problems:
        return None, None, notes, problems
    g = pd.DataFrame(
        {
            "ar": r["ar"].to_numpy(dtype=np.int64),
            "namnd": np.asarray(mapping.namnd, dtype=object)[idx],
            "konto": _as_int(r["konto"]),
            "manad": (r["period"].astype(np.int64) % 100).to_numpy(),
            "belopp": r["belopp"].to_numpy(dtype=np.float64),
        }
    )
    verksamhet = _mapped(mapping.verksamhet, idx)
    if verksamhet is not None:
        g["verksamhet"] = verksamhet
    pos = {u: k for k, u in enumerate(register.ids)}
    keys_b = ["ar", "namnd", "konto", *(["verksamhet"] if verksamhet is not None else [])]
    s = g.groupby(keys_b, sort=False)["belopp"].sum().reset_index()
    s = s.assign(_n=s["namnd"].map(pos)).sort_values(["ar", "_n", "konto"], kind="stable")
    budget = pd.DataFrame(
        {
            "ar": s["ar"].to_numpy().astype(np.int16),
            "namnd": s["namnd"].to_numpy(dtype=object),
            "konto": s["konto"].to_numpy().astype(np.int32),
            "typ": np.full(len(s), "drift", dtype=object),
            "belopp_kr": -s["belopp"].to_numpy(dtype=np.float64),
        }
    )
    if verksamhet is not None:
        budget["verksamhet"] = s["verksamhet"].astype(str).to_numpy(dtype=object)
    # periodisering: each nämnd's monthly shares of its net budget
    per = []
    m = g.groupby(["ar", "namnd", "manad"])["belopp"].sum().reset_index()
    for (ar_, namnd), months in m.groupby(["ar", "namnd"]):
        by_month = {
            int(k): float(v) for k, v in zip(months["manad"], months["belopp"], strict=True)
        }
        total = math.fsum(by_month.values())
        shares = [
            by_month.get(month, 0.0) / total if abs(total) >= TOLERANS else math.nan
            for month in range(1, 13)
        ]
        if any(not math.isfinite(x) or x < 0 for x in shares):
            notes.append(
                f"periodiseringen för {register.namn(str(namnd))} {ar_} läses inte ur #PBUDGET: "
                f"månadernas budget ger inga andelar ≥ 0 som summerar till 1 (nettobudgeten är "
                f"{tal(total, 2)} kr; en månad med motsatt tecken mot året, eller en nettobudget "
                "på 0, ger inga sådana andelar). Budgeten periodiseras i tolftedelar."
            )
            continue
        per += [(int(str(ar_)), str(namnd), month, x) for month, x in enumerate(shares, start=1)]
    per.sort(key=lambda x: (x[0], pos[x[1]], x[2]))
    periodisering = (
        pd.DataFrame(
            {
                "ar": np.array([x[0] for x in per], dtype=np.int16),
                "namnd": np.array([x[1] for x in per], dtype=object),
                "typ": np.full(len(per), "drift", dtype=object),
                "manad": np.array([x[2] for x in per], dtype=np.int8),
                "andel": np.array([x[3] for x in per], dtype=np.float64),
            }
        )
        if per
        else None
    )
    return (budget if len(budget) else None), periodisering, notes, []


# --------------------------------------------------------------------------- the door
_FILES: dict[tuple[str, int, int], _Fil] = {}
_RESULTS: dict[tuple[object, ...], _Resultat] = {}
_NOTES: dict[str, list[str]] = {}


def _stat(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _remember(cache: dict[_K, _V], key: _K, value: _V, limit: int) -> None:
    cache.pop(key, None)
    cache[key] = value
    while len(cache) > limit:
        cache.pop(next(iter(cache)))


def _register_key(register: Register) -> tuple[object, ...]:
    return tuple((u.id, u.namn, u.typ, u.alias) for u in register.units.values())


def load_sie_kind(
    kind: str, sie: list[Path], mapping: list[Path], raw_dir: Path, register: Register
) -> pd.DataFrame | None:
    """The frame of ``kind`` (one of :data:`SIE_KINDS`) from all SIE files together.

    Parameters
    ----------
    kind : str
        ``utfall``, ``budget``, ``periodisering``, ``balans`` or ``kontonamn``.
    sie, mapping : list of Path
        :func:`sie_files` and :func:`mapping_files` of ``raw_dir``.
    raw_dir : Path
        ``data/raw`` (file names in messages are relative to it).
    register : Register
        The kommun's units (the mapping's ``namnd``).

    Returns
    -------
    DataFrame or None
        The kind's frame, as the CSV kind's parser gives it; ``None`` when the files give
        no rows of it (or there are no SIE files).

    Raises
    ------
    InputError
        With every problem of the files that blocks this kind (see the module docstring).
        Problems common to every kind are the same :class:`Problem` objects each time (a
        caller loading several kinds may drop duplicates).
    """
    if kind not in SIE_KINDS:
        raise ValueError(f"okänt slag {kind!r}; kända: {', '.join(SIE_KINDS)}")
    if not sie:
        return None
    raw_dir = Path(raw_dir)
    result = _load(sie, mapping, raw_dir, register)
    if result.problems[kind]:
        raise InputError(result.problems[kind])
    return result.frames[kind]


def _load(sie: list[Path], mapping: list[Path], raw_dir: Path, register: Register) -> _Resultat:
    sie_stats = [_stat(p) for p in sie]
    key = (
        tuple(sie_stats),
        tuple(_stat(p) for p in mapping),
        _register_key(register),
        tuple(display_name(p, raw_dir) for p in sie),
    )
    cached = _RESULTS.get(key)
    if cached is None:
        files = []
        for path, st in zip(sie, sie_stats, strict=True):
            shown = display_name(path, raw_dir)
            fil = _FILES.get(st)
            if fil is None or fil.namn != shown:
                fil = _read_file(path, shown)
                _remember(_FILES, st, fil, 8 * _MAX_CACHE)
            files.append(fil)
        common = [p for f in files for p in f.problems]
        parsed: _Mappning | None = None
        if not mapping:
            common.append(_no_mapping([f.namn for f in files], register))
        else:
            parsed, p = _read_mapping(mapping, raw_dir, register)
            common += p
        cached = _compute(files, parsed, register, common)
        _remember(_RESULTS, key, cached, _MAX_CACHE)
    _NOTES[str(raw_dir.resolve())] = list(cached.notes)
    return cached


def sie_anmarkningar(raw_dir: Path) -> list[str]:
    """The notes (non-fatal, in Swedish) of the latest load of ``raw_dir``'s SIE files:
    what was read differently or left out, and why. Empty before a load."""
    return list(_NOTES.get(str(Path(raw_dir).resolve()), []))
