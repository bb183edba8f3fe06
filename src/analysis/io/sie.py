"""Read SIE 4 files (SIE types 1–4, 4E and 4I) into tidy frames.

SIE is the Swedish standard for exporting accounting data. A file is a sequence of lines,
each a record ``#LABEL field field …``; fields are separated by spaces or tabs, a field
with spaces is quoted (``"Box 1"``, a quote inside written ``\\"``), an object list is
written in braces (``{1 "100" 6 "P1"}``: pairs of dimension and object, the ids quoted
or not). A voucher ``#VER`` is followed by a block ``{ … }`` of its ``#TRANS`` rows.

This module is our own reader (third-party readers ignore dimensions, balances and
budgets). It only reads; it does not map objects to the register nor refuse an
unbalanced voucher — the consistency checks are separate functions
(:func:`obalanserade`, :func:`psaldo_mot_trans`, :func:`res_mot_psaldo`,
:func:`ub_mot_ib_psaldo`) so that a caller decides what is fatal.

Decoding
--------
``#FORMAT PC8`` (the only value SIE allows) means IBM code page 437. Some programs write
UTF-8 and still declare PC8; a file that declares PC8 but is valid UTF-8 *with* non-ASCII
characters is read as UTF-8 (a multi-byte UTF-8 sequence is practically never meaningful
cp437 text). Without ``#FORMAT PC8`` the file is read as UTF-8 (a BOM is dropped), else
as Windows-1252 (a superset of ISO-8859-15's letters for Swedish text). Bytes that none
of these decode are refused with the file and line.

Corrections (#RTRANS, #BTRANS)
------------------------------
SIE 4 writes a row added to a voucher afterwards as ``#RTRANS`` *followed by an identical
``#TRANS``* (so that a reader that ignores ``#RTRANS`` gets the right voucher), and a row
removed afterwards as ``#BTRANS`` with no ``#TRANS``. Here, therefore, the effective rows
of a voucher are its ``#TRANS`` rows; ``#BTRANS`` rows never count; an ``#RTRANS`` counts
by its following duplicate ``#TRANS`` — only if that duplicate is missing (a file not
following the rule) is the ``#RTRANS`` row itself counted. Both kinds are kept, for
the audit trail, in the frame ``andringar``.

Amounts keep the file's accounting sign (debet +, kredit −) in ``belopp`` (kronor).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core.errors import InputError, Problem
from analysis.core.format import tal
from analysis.io.readers import read_bytes
from analysis.io.sie_snabb import Snabb, falt_ur

__all__ = [
    "Sie",
    "avkoda",
    "kontosaldon",
    "obalanserade",
    "objekt_text",
    "parse_sie",
    "psaldo_mot_trans",
    "read_sie",
    "res_mot_psaldo",
    "tokenise",
    "ub_mot_ib_psaldo",
]

#: Tolerance in kronor below which two amounts are equal (half an öre).
TOLERANS = 0.005

Token = str | list[str]

#: Records read into frames or metadata; every other record is counted in ``ignorerade``.
_META = {"#FLAGGA", "#FORMAT", "#SIETYP", "#PROGRAM", "#FNAMN", "#ORGNR", "#GEN", "#VALUTA"}


# --------------------------------------------------------------------------- decoding
def avkoda(data: bytes, display: str) -> tuple[str, str]:
    """Decode the bytes of a SIE file; return ``(text, encoding)``.

    See the module docstring for the rules. ``encoding`` is ``"cp437"``, ``"utf-8"`` or
    ``"cp1252"``.

    Raises
    ------
    InputError
        Naming ``display`` and the line of the first byte no encoding can decode.
    """
    pc8 = _declares_pc8(data)
    utf8: str | None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if pc8:
        if utf8 is not None and not utf8.isascii():
            return utf8.removeprefix("\ufeff"), "utf-8"
        return data.decode("cp437"), "cp437"
    if utf8 is not None:
        return utf8.removeprefix("\ufeff"), "utf-8"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            Problem(
                file=display,
                line=line,
                message=(
                    f"byte 0x{data[exc.start]:02X} kan inte avkodas: filen är varken UTF-8, "
                    "ISO-8859-15/Windows-1252 eller PC8 (IBM-teckentabell 437, som "
                    "anges med #FORMAT PC8)"
                ),
            )
        ) from None


def _declares_pc8(data: bytes) -> bool:
    """The first line (of ``bytes.splitlines``) that starts with ``#FORMAT`` after white
    space says ``PC8``."""
    at = data.find(b"#FORMAT")
    while at >= 0:
        line_start = max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at)) + 1
        if not data[line_start:at].strip():
            ends = [e for e in (data.find(b"\n", at), data.find(b"\r", at)) if e >= 0]
            line = data[at : min(ends)] if ends else data[at:]
            rest = line[len(b"#FORMAT") :].strip().strip(b'"').strip()
            return rest.upper() == b"PC8"
        at = data.find(b"#FORMAT", at + 1)
    return False


# --------------------------------------------------------------------------- tokenising
def tokenise(line: str) -> list[Token]:
    """Split one SIE line into fields.

    Fields are separated by spaces or tabs (only). A field is a bare word, a quoted
    string (``\\"`` is a quote inside it, ``\\\\`` a backslash, any other backslash
    stays) or an object list in braces, returned as a list of its fields. An
    unterminated quote or brace ends at the end of the line; a ``}`` outside a list is a
    field of its own.

    Examples
    --------
    >>> tokenise('#TRANS 3010 {1 "100"}\\t-500.00 "" "sa \\\\"ja\\\\""')
    ['#TRANS', '3010', ['1', '100'], '-500.00', '', 'sa "ja"']
    """
    tokens: list[Token] = []
    inner: list[str] | None = None
    for quoted, brace, word in _TOKEN.findall(line):
        if brace == "{" and inner is None:
            inner = []
            continue
        if brace == "}" and inner is not None:
            tokens.append(inner)
            inner = None
            continue
        if brace:
            value = brace
        elif word:
            value = word
        else:
            value = _ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted
        if inner is not None:
            inner.append(value)
        else:
            tokens.append(value)
    if inner is not None:
        tokens.append(inner)
    return tokens


#: One field: a quoted string (to its closing quote or the end of the line), a brace, or
#: a bare word. Empty quotes give an empty first group, which is still a field.
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)(?:"|\\?$)|([{}])|([^ \t\r\n"{}]+)')
_ESCAPE = re.compile(r'\\(["\\])')


def objekt_text(items: list[str]) -> str:
    """The canonical text of an object list: ``dim:objekt`` pairs sorted by dimension,
    joined by ``;`` (``""`` for an empty list). ``["6", "P1", "1", "100"]`` →
    ``"1:100;6:P1"``."""
    pairs = [(items[k], items[k + 1]) for k in range(0, len(items) - 1, 2)]
    pairs.sort(key=lambda p: (int(p[0]) if p[0].isdigit() else math.inf, p[0]))
    return ";".join(f"{d}:{o}" for d, o in pairs)


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Sie:
    """The content of one SIE file as tidy frames (amounts in kronor, accounting sign).

    Attributes
    ----------
    fil : str
        The name the file is shown by in messages.
    kodning : str
        The encoding the file was read in (``cp437``, ``utf-8``, ``cp1252``).
    info : Mapping[str, str]
        ``flagga``, ``format``, ``sietyp``, ``program``, ``fnamn``, ``orgnr``, ``gen``,
        ``valuta`` when present.
    konton : DataFrame
        ``konto`` (str), ``namn``, ``ktyp`` (T/S/K/I or missing); from #KONTO and #KTYP.
    rar : DataFrame
        ``arsnr`` (0 this year, −1 the year before …), ``start``, ``slut`` (dates).
    dimensioner : DataFrame
        ``dim``, ``namn``, ``overdim`` (the superior dimension of an #UNDERDIM, else
        missing).
    objekt : DataFrame
        ``dim``, ``objekt``, ``namn``.
    balanser : DataFrame
        ``typ`` (IB/UB/RES), ``arsnr``, ``konto``, ``belopp``.
    objektbalanser : DataFrame
        ``typ`` (OIB/OUB), ``arsnr``, ``konto``, ``objekt``, ``belopp``.
    psaldo, pbudget : DataFrame
        ``arsnr``, ``period`` (yyyymm int), ``konto``, ``objekt`` (see
        :func:`objekt_text`; ``""`` is the account's total), ``belopp``.
    transaktioner : DataFrame
        The effective rows of every voucher: ``serie``, ``vernr``, ``verdatum``,
        ``transdatum`` (missing when not given), ``datum`` (transdatum, else verdatum),
        ``konto``, ``objekt``, ``belopp``, ``text`` (the row's text, else the voucher's),
        ``rad`` (the line in the file).
    andringar : DataFrame
        The #RTRANS and #BTRANS rows (``typ`` plus the columns of ``transaktioner``).
    ignorerade : Mapping[str, int]
        How many times each record not read here occurred (SIE: unknown records are
        ignored).
    """

    fil: str
    kodning: str
    info: Mapping[str, str]
    konton: pd.DataFrame
    rar: pd.DataFrame
    dimensioner: pd.DataFrame
    objekt: pd.DataFrame
    balanser: pd.DataFrame
    objektbalanser: pd.DataFrame
    psaldo: pd.DataFrame
    pbudget: pd.DataFrame
    transaktioner: pd.DataFrame
    andringar: pd.DataFrame
    ignorerade: Mapping[str, int] = field(default_factory=dict)


_TRANS_COLUMNS = [
    "serie",
    "vernr",
    "verdatum",
    "transdatum",
    "datum",
    "konto",
    "objekt",
    "belopp",
    "text",
    "rad",
]


class _Reader:
    """State of one pass over the lines of a file."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.info: dict[str, str] = {}
        self.konton: dict[str, str] = {}
        self.ktyp: dict[str, str] = {}
        self.rar: list[tuple[int, str, str]] = []
        self.dims: list[tuple[str, str, str | None]] = []
        self.objekt: list[tuple[str, str, str]] = []
        self.balanser: list[tuple[str, int, str, float]] = []
        self.objbal: list[tuple[str, int, str, str, float]] = []
        self.psaldo: list[tuple[int, int, str, str, float]] = []
        self.pbudget: list[tuple[int, int, str, str, float]] = []
        self.trans: list[tuple[object, ...]] = []
        self.andringar: list[tuple[object, ...]] = []
        self.ignorerade: Counter[str] = Counter()
        self.ver: tuple[str, str, str, str, int] | None = None
        self.in_block = False
        self.pending_rtrans: list[tuple[object, ...]] = []
        self.dates: set[str] = set()

    # ---- errors and fields
    def fail(self, line: int, message: str) -> InputError:
        return InputError(Problem(file=self.display, line=line, message=message))

    def need(self, tokens: list[Token], count: int, line: int, form: str) -> None:
        if len(tokens) < count + 1:
            raise self.fail(line, f"{tokens[0]} har för få fält; väntat: {tokens[0]} {form}")

    def text(self, token: Token, line: int, what: str) -> str:
        if isinstance(token, list):
            raise self.fail(line, f"{what}: väntade ett fält, fann en objektlista {{…}}")
        return token

    def integer(self, token: Token, line: int, what: str) -> int:
        value = self.text(token, line, what)
        try:
            return int(value)
        except ValueError:
            raise self.fail(line, f"{what} '{value}' är inte ett heltal") from None

    def amount(self, token: Token, line: int, what: str = "belopp") -> float:
        value = self.text(token, line, what)
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise self.fail(line, f"{what} '{value}' är inte ett belopp (t.ex. -1234.50)")
        return number

    def date(self, token: Token, line: int, what: str, *, optional: bool = False) -> str:
        """A validated ``yyyymmdd`` (``""`` when optional and empty); the columns are
        converted to dates once, at the end."""
        value = self.text(token, line, what)
        if value in self.dates or (optional and value == ""):
            return value
        try:
            if len(value) != 8 or not value.isdigit():
                raise ValueError(value)
            dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise self.fail(line, f"{what} '{value}' är inget datum (ÅÅÅÅMMDD)") from None
        self.dates.add(value)
        return value

    def period(self, token: Token, line: int) -> int:
        value = self.text(token, line, "period")
        if len(value) != 6 or not value.isdigit() or not 1 <= int(value[4:]) <= 12:
            raise self.fail(line, f"period '{value}' är ingen månad (ÅÅÅÅMM)")
        return int(value)

    def objects(self, token: Token, line: int) -> str:
        if not isinstance(token, list):
            raise self.fail(line, f"väntade en objektlista {{…}}, fann '{token}'")
        if len(token) % 2:
            raise self.fail(line, "objektlistan ska bestå av par av dimension och objekt")
        return objekt_text(token)

    # ---- records
    def record(self, tokens: list[Token], line: int) -> None:
        label = tokens[0]
        assert isinstance(label, str)
        label = label.upper()
        tokens[0] = label
        if self.in_block:
            self.block_record(tokens, line)
            return
        if label in _META:
            self.info[label[1:].lower()] = " ".join(
                t for t in tokens[1:] if isinstance(t, str)
            ).strip()
        elif label == "#KONTO":
            self.need(tokens, 1, line, "kontonr [namn]")
            konto = self.text(tokens[1], line, "kontonr")
            self.konton[konto] = self.text(tokens[2], line, "namn") if len(tokens) > 2 else ""
        elif label == "#KTYP":
            # a #KTYP without its type (one vendor writes "#KTYP DIFF") leaves it missing
            self.need(tokens, 1, line, "kontonr kontotyp")
            if len(tokens) > 2:
                self.ktyp[self.text(tokens[1], line, "kontonr")] = self.text(
                    tokens[2], line, "kontotyp"
                ).upper()
        elif label == "#RAR":
            self.need(tokens, 3, line, "årsnr start slut")
            self.rar.append(
                (
                    self.integer(tokens[1], line, "årsnr"),
                    self.date(tokens[2], line, "start"),
                    self.date(tokens[3], line, "slut"),
                )
            )
        elif label == "#DIM":
            self.need(tokens, 1, line, "dimensionsnr [namn]")
            namn = self.text(tokens[2], line, "namn") if len(tokens) > 2 else ""
            self.dims.append((self.text(tokens[1], line, "dimensionsnr"), namn, None))
        elif label == "#UNDERDIM":
            self.need(tokens, 3, line, "dimensionsnr namn överordnad")
            self.dims.append(
                (
                    self.text(tokens[1], line, "dimensionsnr"),
                    self.text(tokens[2], line, "namn"),
                    self.text(tokens[3], line, "överordnad dimension"),
                )
            )
        elif label == "#OBJEKT":
            self.need(tokens, 2, line, "dimensionsnr objektkod [namn]")
            namn = self.text(tokens[3], line, "namn") if len(tokens) > 3 else ""
            self.objekt.append(
                (
                    self.text(tokens[1], line, "dimensionsnr"),
                    self.text(tokens[2], line, "objektkod"),
                    namn,
                )
            )
        elif label in ("#IB", "#UB", "#RES"):
            self.need(tokens, 3, line, "årsnr konto saldo")
            self.balanser.append(
                (
                    label[1:],
                    self.integer(tokens[1], line, "årsnr"),
                    self.text(tokens[2], line, "kontonr"),
                    self.amount(tokens[3], line, "saldo"),
                )
            )
        elif label in ("#OIB", "#OUB"):
            self.need(tokens, 4, line, "årsnr konto {objekt} saldo")
            self.objbal.append(
                (
                    label[1:],
                    self.integer(tokens[1], line, "årsnr"),
                    self.text(tokens[2], line, "kontonr"),
                    self.objects(tokens[3], line),
                    self.amount(tokens[4], line, "saldo"),
                )
            )
        elif label in ("#PSALDO", "#PBUDGET"):
            self.need(tokens, 5, line, "årsnr period konto {objekt} saldo")
            row = (
                self.integer(tokens[1], line, "årsnr"),
                self.period(tokens[2], line),
                self.text(tokens[3], line, "kontonr"),
                self.objects(tokens[4], line),
                self.amount(tokens[5], line, "saldo"),
            )
            (self.psaldo if label == "#PSALDO" else self.pbudget).append(row)
        elif label == "#VER":
            self.need(tokens, 3, line, "serie vernr verdatum [vertext]")
            self.ver = (
                self.text(tokens[1], line, "serie"),
                self.text(tokens[2], line, "vernr"),
                self.date(tokens[3], line, "verdatum"),
                self.text(tokens[4], line, "vertext") if len(tokens) > 4 else "",
                line,
            )
        elif label in ("#TRANS", "#RTRANS", "#BTRANS"):
            raise self.fail(line, f"{label} utanför ett #VER-block {{ … }}")
        else:
            self.ignorerade[label] += 1

    def block_record(self, tokens: list[Token], line: int) -> None:
        label = tokens[0]
        if label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            self.ignorerade[str(label)] += 1
            return
        assert self.ver is not None
        serie, vernr, verdatum, vertext, _ = self.ver
        self.need(tokens, 2, line, "kontonr {objekt} belopp [transdat] [transtext]")
        rest = tokens[2:]
        objekt = ""
        if isinstance(rest[0], list):
            objekt = self.objects(rest[0], line)
            rest = rest[1:]
        if not rest:
            raise self.fail(line, f"{label} saknar belopp")
        belopp = self.amount(rest[0], line)
        transdatum = self.date(rest[1], line, "transdat", optional=True) if len(rest) > 1 else ""
        text = self.text(rest[2], line, "transtext") if len(rest) > 2 else ""
        row: tuple[object, ...] = (
            serie,
            vernr,
            verdatum,
            transdatum,
            transdatum or verdatum,
            self.text(tokens[1], line, "kontonr"),
            objekt,
            belopp,
            text or vertext,
            line,
        )
        if label == "#TRANS":
            if self.pending_rtrans and _same_row(self.pending_rtrans[0], row):
                self.pending_rtrans.pop(0)
            else:
                self.flush_rtrans()
            self.trans.append(row)
            return
        self.flush_rtrans()
        self.andringar.append((label[1:], *row))
        if label == "#RTRANS":
            self.pending_rtrans.append(row)

    def flush_rtrans(self) -> None:
        """An #RTRANS not followed by its duplicate #TRANS counts on its own."""
        self.trans.extend(self.pending_rtrans)
        self.pending_rtrans = []

    def open_block(self, line: int) -> None:
        if self.in_block:
            raise self.fail(line, "'{' inne i ett block som inte har stängts med '}'")
        if self.ver is None:
            raise self.fail(line, "'{' utan ett föregående #VER")
        self.in_block = True

    def close_block(self, line: int) -> None:
        if not self.in_block:
            raise self.fail(line, "'}' utan ett öppnat block")
        self.flush_rtrans()
        self.in_block = False
        self.ver = None


def _dates(values: pd.Series) -> pd.Series:
    """``yyyymmdd`` texts (validated) to dates; ``""`` is missing."""
    return pd.to_datetime(values.astype(object).replace("", None), format="%Y%m%d")


def _same_row(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """The #TRANS ``b`` duplicates the #RTRANS ``a``: account, objects and amount."""
    return a[5] == b[5] and a[6] == b[6] and abs(float(a[7]) - float(b[7])) < TOLERANS  # type: ignore[arg-type]


def _line(r: _Reader, number: int, raw: str) -> bool:
    """Read one line exactly; ``True`` when it opens a block with a leading ``{``."""
    stripped = raw.strip()
    if not stripped:
        return False
    opened = False
    if stripped[0] == "{":
        r.open_block(number)
        opened = True
        stripped = stripped[1:].strip()
        if not stripped:
            return True
    if stripped[0] == "}":
        r.close_block(number)
        return opened
    if stripped[0] != "#":
        r.ignorerade["(rad utan #etikett)"] += 1
        return opened
    tokens = tokenise(stripped)
    if tokens and tokens[-1] == [] and stripped.endswith("{") and tokens[0] == "#VER":
        # "#VER … {" with the block opened on the same line
        r.record(tokens[:-1], number)
        r.open_block(number)
        return opened
    r.record(tokens, number)
    return opened


#: The dtype pandas gives a column of texts (the frames of the exact path have it).
_STR = pd.Series([""]).dtype


def _distinct(arr: pa.Array) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each row's index into the distinct values, and the values."""
    enc = pc.dictionary_encode(arr)
    idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return idx, [str(v) for v in enc.dictionary.to_pylist()]


def _date_lut(
    values: list[str], *, optional: bool
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """The dates of ``yyyymmdd`` texts (``""``/``'""'`` missing when optional) and which
    are no date."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="M8[us]")
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if optional and v in ("", '""'):
            continue
        try:
            if len(v) != 8 or not v.isdigit():
                raise ValueError(v)
            out[i] = np.datetime64(dt.date(int(v[:4]), int(v[4:6]), int(v[6:])), "us")
        except ValueError:
            bad[i] = True
    return out, bad


def _ymd_dates(
    values: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """The dates of ``yyyymmdd`` numbers (−1 missing) and which are no date (as
    :class:`datetime.date` refuses them: year 0, month 0 or 13, 30 February …)."""
    year, month, day = values // 10000, values // 100 % 100, values % 100
    month_ok = (year >= 1) & (month >= 1) & (month <= 12)
    first = np.where(month_ok, (year - 1970) * 12 + month - 1, 0).astype("M8[M]")
    start = first.astype("M8[D]")
    length = (first + 1).astype("M8[D]") - start
    ok = month_ok & (day >= 1) & (day <= length.astype(np.int64))
    out = np.where(ok, start + np.where(ok, day - 1, 0), np.datetime64("NaT"))
    return out.astype("M8[us]"), ~ok & (values >= 0)


def _head_of(raw: str) -> tuple[str, str] | None:
    """The account and :func:`objekt_text` of a row's start ``#TRANS konto {…}`` by
    the exact tokeniser (``None`` when it is not that, or the list is odd)."""
    tokens = tokenise(raw.strip())
    if len(tokens) != 3 or not isinstance(tokens[1], str) or not isinstance(tokens[2], list):
        return None
    if len(tokens[2]) % 2:
        return None
    return tokens[1], objekt_text(tokens[2])


def _mixed(r: _Reader, held: list[Snabb]) -> tuple[pd.DataFrame | None, int]:
    """Read the planned file in ``held`` (taken out): the exact lines through ``r`` and
    the plain vouchers by columns. Returns all the transactions in file order (``None``
    when no voucher was read by columns: then ``r.trans`` has them all) and the line of
    the last block opened by ``{``."""
    plan = held.pop()
    ver, rows, exakta = plan.ver, plan.rader, plan.exakta
    nv = len(ver.forsta)
    bad = np.zeros(nv, dtype=bool)
    vd_idx, vd_vals = _distinct(ver.datum)
    vd_lut, vd_bad = _date_lut(vd_vals, optional=False)
    bad |= vd_bad[vd_idx]
    td_dates, td_bad = _ymd_dates(rows.datum)
    h_idx, h_vals = _distinct(rows.huvud)
    heads = [_head_of(v) for v in h_vals]
    h_bad = np.array([h is None for h in heads], dtype=bool)
    k_map = [h[0] if h else "" for h in heads]
    o_map = [h[1] if h else "" for h in heads]
    row_bad = h_bad[h_idx]
    row_bad[rows.datum_rad[td_bad]] = True
    bad[rows.ver[row_bad]] = True

    if bad.any():
        # a voucher with a value that does not convert is read exactly (and refused there)
        extra = [np.arange(a, b + 1) for a, b in zip(ver.forsta[bad], ver.sista[bad], strict=True)]
        exakta = np.union1d(exakta, np.concatenate(extra))
    ok = ~bad
    fast_v = np.flatnonzero(ok)
    run_key = np.searchsorted(exakta, ver.forsta[fast_v])
    change = np.flatnonzero(np.diff(run_key)) + 1
    run_lo = np.concatenate([[0], change]) if len(fast_v) else np.zeros(0, np.int64)
    run_hi = np.concatenate([change, [len(fast_v)]]) if len(fast_v) else np.zeros(0, np.int64)

    # the file's bytes, let go of once the exact lines are read
    held_data, start = [plan.data], plan.start
    del plan
    last_ver_line = 0
    inserts: list[int] = []
    run_of_voucher = np.full(nv, -1, dtype=np.int64)

    def feed(i: int) -> None:
        nonlocal last_ver_line
        if _line(r, i + 1, held_data[0][start[i] : start[i + 1]].decode("utf-8")):
            last_ver_line = i + 1

    ri = 0
    for j in range(len(exakta) + 1):
        if ri < len(run_lo) and run_key[run_lo[ri]] == j:
            vs = fast_v[run_lo[ri] : run_hi[ri]]
            if r.in_block:
                # an unclosed block before: the exact reader decides what these lines are
                for i in range(int(ver.forsta[vs[0]]), int(ver.sista[vs[-1]]) + 1):
                    feed(i)
                ok[vs] = False
            else:
                r.ver = None
                opens = ver.oppna[vs]
                if (opens >= 0).any():
                    last_ver_line = int(opens.max()) + 1
                run_of_voucher[vs] = len(inserts)
                inserts.append(len(r.trans))
            ri += 1
        if j < len(exakta):
            feed(int(exakta[j]))
    held_data.clear()

    sel = np.flatnonzero(ok[rows.ver])
    if not len(sel):
        return None, last_ver_line
    vidx = rows.ver[sel]
    # the exact rows, and where each row goes: fast rows carry odd keys (their run),
    # exact rows even ones (the run they precede); both are in order already
    n_ex = len(r.trans)
    ex = list(zip(*r.trans, strict=True)) if n_ex else [() for _ in _TRANS_COLUMNS]
    exact_key = 2 * np.searchsorted(np.asarray(inserts, np.int64), np.arange(n_ex), side="right")
    fast_key = 2 * run_of_voucher[vidx] + 1
    n_all = len(sel) + n_ex
    at_fast = np.arange(len(sel), dtype=np.int64)
    at_ex = np.arange(n_ex, dtype=np.int64)
    if n_ex:
        at_fast += np.searchsorted(exact_key, fast_key)
        at_ex += np.searchsorted(fast_key, exact_key)

    def strings(
        source: pa.Array, fast_idx: npt.NDArray[np.int64], col: int
    ) -> pd.api.extensions.ExtensionArray:
        if n_ex:
            idx = np.empty(n_all, dtype=np.int64)
            idx[at_fast] = fast_idx
            idx[at_ex] = len(source) + np.arange(n_ex)
            source = pa.concat_arrays([source, pa.array(list(ex[col]), pa.large_string())])
            fast_idx = idx
        return pd.array(source.take(pa.array(fast_idx)), dtype=_STR)

    def values(fast_values: npt.NDArray[Any], exact: npt.ArrayLike) -> npt.NDArray[Any]:
        if not n_ex:
            return fast_values
        out = np.empty(n_all, dtype=fast_values.dtype)
        out[at_fast] = fast_values
        out[at_ex] = np.asarray(exact, dtype=fast_values.dtype)
        return out

    vd = vd_lut[vd_idx][vidx]
    td_all = np.full(len(rows.rad), np.datetime64("NaT"), dtype="M8[us]")
    td_all[rows.datum_rad] = td_dates
    td = td_all[sel]
    # a row's own text, else its voucher's
    own = np.zeros(len(rows.rad), dtype=bool)
    own[rows.text_rad] = pc.binary_length(rows.text).to_numpy(zero_copy_only=False) > 0
    own_at = np.full(len(rows.rad), -1, dtype=np.int64)
    own_at[rows.text_rad] = np.arange(len(rows.text_rad))
    pick = len(rows.text) + vidx
    mine = own[sel]
    pick[mine] = own_at[sel][mine]
    h_sel = h_idx[sel]
    ex_dates: list[npt.NDArray[Any]] = [
        _dates(pd.Series(list(ex[k]), dtype=object)).to_numpy().astype("M8[us]")
        for k in ((2, 3, 4) if n_ex else ())
    ] or [np.zeros(0, "M8[us]")] * 3
    text_cols = {
        "serie": (ver.serie, vidx, 0),
        "vernr": (ver.vernr, vidx, 1),
        "konto": (pa.array(k_map, pa.large_string()), h_sel, 5),
        "objekt": (pa.array(o_map, pa.large_string()), h_sel, 6),
        "text": (pa.concat_arrays([rows.text, ver.text]), pick, 8),
    }
    # the gathers run in pyarrow, without the interpreter lock: two at a time
    with ThreadPoolExecutor(max_workers=2) as pool:
        gathered = dict(
            zip(text_cols, pool.map(lambda a: strings(*a), text_cols.values()), strict=True)
        )
    frame = pd.DataFrame(
        {
            "serie": gathered["serie"],
            "vernr": gathered["vernr"],
            "verdatum": values(vd, ex_dates[0]),
            "transdatum": values(td, ex_dates[1]),
            "datum": values(np.where(np.isnat(td), vd, td), ex_dates[2]),
            "konto": gathered["konto"],
            "objekt": gathered["objekt"],
            "belopp": values(rows.belopp[sel], list(ex[7])),
            "text": gathered["text"],
            "rad": values(rows.rad[sel] + 1, list(ex[9])),
        },
        columns=_TRANS_COLUMNS,
        copy=False,  # the columns are new arrays: no copy into blocks
    )
    for col in ("verdatum", "transdatum", "datum"):
        # as pandas parses the exact path's texts: seconds when all are missing
        if not frame[col].notna().any():
            frame[col] = frame[col].astype("M8[s]")
    return frame, last_ver_line


def read_sie(path: str | os.PathLike[str], display: str | None = None) -> Sie:
    """Read one SIE file.

    Parameters
    ----------
    path : path-like
        The file (a regular file; a symbolic link is refused).
    display : str, optional
        The name used in messages; by default the file's name.

    Returns
    -------
    Sie

    Raises
    ------
    InputError
        When the file cannot be read or decoded, or a record is malformed (a date that
        is no date, an amount that is no number, a #TRANS outside a #VER block, an
        unclosed block); each problem names the file and the line.
    """
    shown = display if display is not None else Path(path).name
    text, kodning = avkoda(read_bytes(path, shown), shown)
    box = [text]
    del text  # _parse lets go of the text once it is planned
    return _parse(box, shown, kodning)


def parse_sie(text: str, display: str, *, kodning: str = "utf-8") -> Sie:
    """Read the decoded text of a SIE file (see :func:`read_sie`).

    The plain vouchers that make up the bulk of a large file are read by whole columns
    (:mod:`analysis.io.sie_snabb`); every other line by the exact tokeniser, in file
    order. Both give the same frames.
    """
    return _parse([text], display, kodning)


def _parse(box: list[str], display: str, kodning: str) -> Sie:
    """:func:`parse_sie` of the text in ``box``, which it takes out: a large text is
    not kept in memory beside its plan (the plan holds it as UTF-8)."""
    r = _Reader(display)
    plan = falt_ur(box)
    fast: pd.DataFrame | None = None
    if plan is None:
        text = box.pop()
        last_ver_line = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            if _line(r, number, raw):
                last_ver_line = number
    else:
        held = [plan]
        del plan  # _mixed lets go of the file's bytes once its exact lines are read
        fast, last_ver_line = _mixed(r, held)
    if r.in_block:
        raise r.fail(last_ver_line, "blocket '{' stängs aldrig med '}'")

    konton = pd.DataFrame(
        {
            "konto": list(r.konton),
            "namn": list(r.konton.values()),
            "ktyp": [r.ktyp.get(k) for k in r.konton],
        },
        columns=["konto", "namn", "ktyp"],
    )
    trans = pd.DataFrame(r.trans, columns=_TRANS_COLUMNS)
    andringar = pd.DataFrame(r.andringar, columns=["typ", *_TRANS_COLUMNS])
    for frame in (trans, andringar):
        for col in ("verdatum", "transdatum", "datum"):
            frame[col] = _dates(frame[col])
        frame["belopp"] = frame["belopp"].astype(float)
    if fast is not None:
        trans = fast
    saldo_cols = ["arsnr", "period", "konto", "objekt", "belopp"]
    rar = pd.DataFrame(r.rar, columns=["arsnr", "start", "slut"])
    rar["start"], rar["slut"] = _dates(rar["start"]), _dates(rar["slut"])
    return Sie(
        fil=display,
        kodning=kodning,
        info=MappingProxyType(dict(r.info)),
        konton=konton,
        rar=rar,
        dimensioner=pd.DataFrame(r.dims, columns=["dim", "namn", "overdim"]),
        objekt=pd.DataFrame(r.objekt, columns=["dim", "objekt", "namn"]),
        balanser=pd.DataFrame(r.balanser, columns=["typ", "arsnr", "konto", "belopp"]),
        objektbalanser=pd.DataFrame(
            r.objbal, columns=["typ", "arsnr", "konto", "objekt", "belopp"]
        ),
        psaldo=pd.DataFrame(r.psaldo, columns=saldo_cols),
        pbudget=pd.DataFrame(r.pbudget, columns=saldo_cols),
        transaktioner=trans,
        andringar=andringar,
        ignorerade=MappingProxyType(dict(r.ignorerade)),
    )


# --------------------------------------------------------------------------- consistency
def obalanserade(sie: Sie) -> pd.DataFrame:
    """Vouchers whose effective rows do not sum to zero.

    Returns
    -------
    DataFrame
        ``serie``, ``vernr``, ``verdatum``, ``differens`` (Σ belopp, kronor) and
        ``meddelande`` ("verifikation B 1 2011-01-03 balanserar inte: −12 771,00"), one
        row per unbalanced voucher, in file order.
    """
    t = sie.transaktioner
    cols = ["serie", "vernr", "verdatum", "differens", "meddelande"]
    if t.empty:
        return pd.DataFrame(columns=cols)
    sums = (
        t.groupby(["serie", "vernr", "verdatum"], sort=False, dropna=False)["belopp"]
        .sum()
        .rename("differens")
        .reset_index()
    )
    bad = sums[sums["differens"].abs() >= TOLERANS].reset_index(drop=True)
    bad["meddelande"] = [
        f"verifikation {s} {v} {d:%Y-%m-%d} balanserar inte: {tal(x, 2)}"
        for s, v, d, x in zip(
            bad["serie"], bad["vernr"], bad["verdatum"], bad["differens"], strict=True
        )
    ]
    return bad[cols]


def _year_of(sie: Sie, dates: pd.Series) -> pd.Series:
    """The årsnr of each date by the file's #RAR (missing outside every year)."""
    out = pd.Series(pd.NA, index=dates.index, dtype="Int64")
    for arsnr, start, slut in sie.rar.itertuples(index=False):
        out[(dates >= start) & (dates <= slut)] = arsnr
    return out


def kontosaldon(sie: Sie) -> pd.DataFrame:
    """Each account's period balance (#PSALDO) per year and month.

    By SIE, the row with an empty object list is the account's total, and a row with
    objects is the balance of those objects (a part of it). Some programs (Avendo)
    instead write *disjoint parts*: one row per combination of objects (``{7 1}`` is
    "object 1 of dimension 7 and none of dimension 1", ``{1 Nord 7 1}`` another part)
    and ``{}`` for the rest, with no ``{}`` row in a month whose movements all have
    objects. The two cannot be told apart row by row; the rule used here: a file whose
    #PSALDO object lists combine two or more dimensions is read as disjoint parts (the
    account's total is the sum of all its rows); otherwise the total is the ``{}`` row
    (an account and month without one has no total balance: it is absent here, which
    is SIE's zero). On SIE-gruppen's test files this rule makes every file of these two
    kinds consistent with its own #RES and #UB, except the XE exports, which are
    inconsistent either way.

    Returns
    -------
    DataFrame
        ``arsnr``, ``period``, ``konto``, ``belopp``.
    """
    keys = ["arsnr", "period", "konto"]
    p = sie.psaldo
    disjoint = bool(p["objekt"].str.contains(";", regex=False).any())
    rows = p if disjoint else p[p["objekt"] == ""]
    return rows.groupby(keys)["belopp"].sum().reset_index()


def psaldo_mot_trans(sie: Sie) -> pd.DataFrame:
    """The account's #PSALDO (see :func:`kontosaldon`) against Σ #TRANS for the same
    account and month (by ``datum``), where the file has both.

    Returns
    -------
    DataFrame
        ``arsnr``, ``period``, ``konto``, ``psaldo``, ``trans``, ``differens``
        (psaldo − trans).
    """
    cols = ["arsnr", "period", "konto", "psaldo", "trans", "differens"]
    t = sie.transaktioner
    p = kontosaldon(sie)
    if t.empty or p.empty:
        return pd.DataFrame(columns=cols)
    t = t.assign(
        arsnr=_year_of(sie, t["datum"]),
        period=t["datum"].dt.year * 100 + t["datum"].dt.month,
    ).dropna(subset=["arsnr"])
    t = t.astype({"arsnr": int})
    s = t.groupby(["arsnr", "period", "konto"])["belopp"].sum().rename("trans").reset_index()
    ps = p.rename(columns={"belopp": "psaldo"})
    m = ps.merge(s, on=["arsnr", "period", "konto"], how="inner")
    m["differens"] = m["psaldo"] - m["trans"]
    return m[cols].reset_index(drop=True)


def _psaldo_sum(sie: Sie) -> pd.DataFrame:
    p = kontosaldon(sie)
    return p.groupby(["arsnr", "konto"])["belopp"].sum().rename("psaldo").reset_index()


def res_mot_psaldo(sie: Sie) -> pd.DataFrame:
    """#RES against Σ #PSALDO (see :func:`kontosaldon`) of the year, for the accounts
    and years that have both.

    Returns
    -------
    DataFrame
        ``arsnr``, ``konto``, ``res``, ``psaldo``, ``differens`` (res − psaldo).
    """
    cols = ["arsnr", "konto", "res", "psaldo", "differens"]
    b = sie.balanser
    res = b[b["typ"] == "RES"].groupby(["arsnr", "konto"])["belopp"].sum().rename("res")
    m = res.reset_index().merge(_psaldo_sum(sie), on=["arsnr", "konto"], how="inner")
    if m.empty:
        return pd.DataFrame(columns=cols)
    m["differens"] = m["res"] - m["psaldo"]
    return m[cols].reset_index(drop=True)


def ub_mot_ib_psaldo(sie: Sie) -> pd.DataFrame:
    """#UB against #IB + Σ #PSALDO (see :func:`kontosaldon`) of the year, for the
    accounts with #PSALDO and an #IB or #UB that year (a missing #IB or #UB is 0).

    Returns
    -------
    DataFrame
        ``arsnr``, ``konto``, ``ib``, ``psaldo``, ``ub``, ``differens`` (ub − ib − psaldo).
    """
    cols = ["arsnr", "konto", "ib", "psaldo", "ub", "differens"]
    b = sie.balanser
    ib = b[b["typ"] == "IB"].groupby(["arsnr", "konto"])["belopp"].sum().rename("ib")
    ub = b[b["typ"] == "UB"].groupby(["arsnr", "konto"])["belopp"].sum().rename("ub")
    m = pd.concat([ib, ub], axis=1).reset_index()
    if m.empty:
        return pd.DataFrame(columns=cols)
    m.columns = ["arsnr", "konto", "ib", "ub"]
    m = m.merge(_psaldo_sum(sie), on=["arsnr", "konto"], how="inner")
    m = m.fillna({"ib": 0.0, "ub": 0.0})
    m["differens"] = m["ub"] - m["ib"] - m["psaldo"]
    return m[cols].reset_index(drop=True)
