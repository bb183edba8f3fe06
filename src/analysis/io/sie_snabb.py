"""The vectorised fast path of the SIE reader (:mod:`analysis.io.sie`).

A large SIE 4E file is almost all vouchers of one plain form::

    #VER A 12 20230105 "Text"
    {
       #TRANS 4010 {1 "100"} 1250.00 20230105 "Rad"
       #TRANS 1930 {} -1250.00
    }

This module finds those vouchers with whole-column operations (numpy on the line
offsets, pyarrow's compute kernels on the lines; a regular expression only *validates*
a line, it never captures) and cuts their fields out by byte position. A line is taken
only when a strict grammar proves that the exact tokeniser of :mod:`analysis.io.sie`
reads it the same way: fields separated by spaces or tabs, bare words of printable
ASCII, quoted strings without backslashes, the amount ``-?digits[.digits]``, the date
``yyyymmdd`` or ``""``, the label in capitals. Every other line — and every voucher
holding one (an #RTRANS, a #BTRANS, an escaped quote, a lower-case label, a stray
record in the block …) — is left to the exact reader, line by line. Files with line
breaks other than ``\\n`` and ``\\r\\n`` are left to it whole.

The fields are returned raw (a quoted account still quoted, an object list as its
text between the braces, a date as written); :mod:`analysis.io.sie` converts them per
distinct value with its exact functions and refuses (hands back to the exact reader)
any voucher whose values do not convert.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DELA_FRAN",
    "TRANS_RE",
    "VER_RE",
    "Snabb",
    "Snabbrader",
    "Snabbver",
    "dela",
    "falt",
    "rader_i",
]

Idx = npt.NDArray[np.int64]

# A bare word: printable ASCII except space, quote, backslash and braces.
_BARE = r"[!#-\[\]-z|~]+"
# A quoted string without white space (account, series, voucher number).
_QWORD = r'"[!#-\[\]-z|~]*"'
_WORD = f"(?:{_BARE}|{_QWORD})"
# A text: a bare word or a quoted string without quote or backslash inside.
_TEXT = f'(?:{_BARE}|"[^"\\\\\\r\\n]*")'
_OBJ = r'(?:[^{}"\\\r\n]|"[^{}"\\\r\n]*")*'
_AMOUNT = r"-?[0-9]+(?:\.[0-9]+)?"
_SEP = r"[ \t]+"
_END = r"[ \t]*\r?\n?$"

#: A #TRANS row the exact tokeniser reads field for field as the fast path does.
TRANS_RE = (
    rf"^[ \t]*#TRANS{_SEP}{_WORD}{_SEP}\{{{_OBJ}\}}{_SEP}{_AMOUNT}"
    rf'(?:{_SEP}(?:[0-9]{{8}}|"")(?:{_SEP}{_TEXT}(?:[ \t][^\r\n]*)?)?)?{_END}'
)
#: A #VER line, with the block possibly opened at its end.
VER_RE = (
    rf"^[ \t]*#VER{_SEP}{_WORD}{_SEP}{_WORD}{_SEP}[0-9]{{8}}"
    rf"(?:{_SEP}{_TEXT}(?:{_SEP}{_TEXT})*)?(?:{_SEP}\{{)?{_END}"
)

#: Characters ``str.splitlines`` breaks at besides ``\n`` and ``\r\n``.
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

_E, _O, _C, _T, _V, _VO, _X = range(7)


@dataclass(frozen=True)
class Snabbver:
    """The candidate vouchers, in file order (line indices are 0-based)."""

    forsta: Idx  # the #VER line
    sista: Idx  # the closing "}" line
    oppna: Idx  # the "{" line (−1 when the block opens on the #VER line)
    serie: pa.Array
    vernr: pa.Array
    datum: pa.Array  # as written
    text: pa.Array


@dataclass(frozen=True)
class Snabbrader:
    """The #TRANS rows of the candidate vouchers, in file order."""

    rad: Idx  # 0-based line index
    ver: Idx  # index into Snabbver
    huvud: pa.Array  # the line up to the object list's "}" ("   #TRANS 4010 {1 100}")
    belopp: npt.NDArray[np.float64]
    datum: pa.Array  # the dates of the rows datum_rad as written ('""' or yyyymmdd)
    datum_rad: Idx
    text: pa.Array  # the texts of the rows text_rad (maybe "")
    text_rad: Idx


@dataclass(frozen=True)
class Snabb:
    """The plan of one file: its lines, the lines for the exact reader, the vouchers."""

    data: bytes  # the text as UTF-8
    start: Idx  # byte offset of each line, plus the end
    exakta: Idx  # 0-based indices of the lines for the exact reader, sorted
    ver: Snabbver
    rader: Snabbrader


def dela(text: str) -> tuple[bytes, Idx] | None:
    """The text as UTF-8 and the byte offset of each line (plus the end), numbered as
    ``text.splitlines()`` numbers them; ``None`` when the text has line breaks other
    than ``\\n`` and ``\\r\\n``, which only the exact reader handles."""
    if any(c in text for c in _OTHER_BREAKS):
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    arr = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(arr == 10)
    returns = data.count(b"\r")
    if returns:
        before = breaks[breaks > 0] - 1
        if returns != int(np.count_nonzero(arr[before] == 13)):
            return None
    start = np.empty(len(breaks) + 2, dtype=np.int64)
    start[0] = 0
    start[1 : len(breaks) + 1] = breaks + 1
    if len(data) and data[-1] == 10:
        return data, start[:-1]
    start[-1] = len(data)
    return data, start


def rader_i(buffer: pa.Buffer, start: Idx, stop: Idx) -> pa.Array:
    """The strings ``buffer[start[i]:stop[i]]`` (ranges in order, not overlapping)."""
    n = len(start)
    if n == 0:
        return pa.array([], pa.large_string())
    offsets = np.empty(2 * n, dtype=np.int64)
    offsets[0::2] = start
    offsets[1::2] = stop
    both = pa.LargeStringArray.from_buffers(2 * n - 1, pa.py_buffer(offsets), buffer)
    return pc.take(both, pa.array(np.arange(0, 2 * n - 1, 2, dtype=np.int64)))


def _offsets(arr: pa.Array) -> Idx:
    raw = np.frombuffer(arr.buffers()[1], dtype=np.int64)
    return raw[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)


def _find(arr: pa.Array, pattern: str) -> Idx:
    return np.asarray(pc.find_substring(arr, pattern).to_numpy(zero_copy_only=False), np.int64)


def _parts(lists: pa.Array) -> tuple[pa.Array, Idx, Idx]:
    """The flat values of a list array, each list's first index and its length."""
    lo = np.asarray(lists.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    return lists.values, lo[:-1], lo[1:] - lo[:-1]


def _take(arr: pa.Array, idx: Idx) -> pa.Array:
    return pc.take(arr, pa.array(idx, pa.int64()))


def _text(rest: pa.Array) -> pa.Array:
    """The value of the first field of each ``rest`` (a validated text: a bare word, or
    a quoted string without quote or backslash inside)."""
    if len(rest) == 0:
        return rest
    quoted = _mask(pc.starts_with(rest, '"'))
    # the same bytes with the opening quote blanked: its next quote is the closing one
    close = _find(pc.utf8_replace_slice(rest, 0, 1, " "), '"')
    lo = _offsets(rest)[:-1]
    bare_end = close
    if not quoted.all():
        length = np.asarray(pc.binary_length(rest).to_numpy(zero_copy_only=False), np.int64)
        space = _find(rest, " ")
        tab = _find(rest, "\t")
        bare_end = np.minimum(np.where(space >= 0, space, length), np.where(tab >= 0, tab, length))
    start = np.where(quoted, lo + 1, lo)
    stop = np.where(quoted, lo + close, lo + bare_end)
    return rader_i(rest.buffers()[2], start, stop)


def _mask(a: pa.Array) -> npt.NDArray[np.bool_]:
    return np.asarray(a.to_numpy(zero_copy_only=False), dtype=bool)


#: Files of at least this many lines are planned in two halves, on two threads.
DELA_FRAN = 400_000


def falt(text: str) -> Snabb | None:
    """Plan the fast path for a decoded SIE text (see the module docstring); ``None``
    when the whole file is for the exact reader.

    A large file is cut before a line that starts with ``#VER`` (no voucher the fast
    path takes can span such a line) and its parts are planned on two threads
    (pyarrow's kernels release the interpreter lock).
    """
    split = dela(text)
    if split is None:
        return None
    data, start = split
    n_lines = len(start) - 1
    lines = pa.LargeStringArray.from_buffers(n_lines, pa.py_buffer(start), pa.py_buffer(data))
    cuts = [0, n_lines]
    if n_lines >= DELA_FRAN:
        for i in range(n_lines // 2, min(n_lines // 2 + 10_000, n_lines)):
            if data.startswith(b"#VER", int(start[i])):
                cuts = [0, i, n_lines]
                break
    if len(cuts) == 2:
        exakta, ver, rader = _plan(lines, 0)
    else:
        with ThreadPoolExecutor(max_workers=len(cuts) - 1) as pool:
            parts = list(
                pool.map(lambda a, b: _plan(lines.slice(a, b - a), a), cuts[:-1], cuts[1:])
            )
        exakta, ver, rader = _join(parts)
    return Snabb(data=data, start=start, exakta=exakta, ver=ver, rader=rader)


def _join(parts: list[tuple[Idx, Snabbver, Snabbrader]]) -> tuple[Idx, Snabbver, Snabbrader]:
    """The plans of consecutive parts of a file as one."""
    vers = [p[1] for p in parts]
    rows = [p[2] for p in parts]
    v_base = np.cumsum([0] + [len(v.forsta) for v in vers[:-1]])
    r_base = np.cumsum([0] + [len(r.rad) for r in rows[:-1]])

    def arrays(items: list[pa.Array]) -> pa.Array:
        return pa.concat_arrays(items)

    ver = Snabbver(
        forsta=np.concatenate([v.forsta for v in vers]),
        sista=np.concatenate([v.sista for v in vers]),
        oppna=np.concatenate([v.oppna for v in vers]),
        serie=arrays([v.serie for v in vers]),
        vernr=arrays([v.vernr for v in vers]),
        datum=arrays([v.datum for v in vers]),
        text=arrays([v.text for v in vers]),
    )
    rader = Snabbrader(
        rad=np.concatenate([r.rad for r in rows]),
        ver=np.concatenate([r.ver + b for r, b in zip(rows, v_base, strict=True)]),
        huvud=arrays([r.huvud for r in rows]),
        belopp=np.concatenate([r.belopp for r in rows]),
        datum=arrays([r.datum for r in rows]),
        datum_rad=np.concatenate([r.datum_rad + b for r, b in zip(rows, r_base, strict=True)]),
        text=arrays([r.text for r in rows]),
        text_rad=np.concatenate([r.text_rad + b for r, b in zip(rows, r_base, strict=True)]),
    )
    return np.concatenate([p[0] for p in parts]), ver, rader


def _plan(lines: pa.Array, base: int) -> tuple[Idx, Snabbver, Snabbrader]:
    """Plan the lines ``lines`` (the file's lines from ``base`` on); line indices in the
    result count from the file's start."""
    n_lines = len(lines)
    trimmed = pc.ascii_ltrim(lines, " \t")
    kind = np.full(n_lines, _X, dtype=np.int8)
    for k, word in ((_E, ""), (_O, "{"), (_C, "}")):
        ends = pa.array([word, word + "\n", word + "\r\n"], pa.large_string())
        kind[_mask(pc.is_in(trimmed, value_set=ends))] = k
    t_cand = np.flatnonzero(_mask(pc.starts_with(trimmed, "#TRANS")))
    v_cand = np.flatnonzero(_mask(pc.starts_with(trimmed, "#VER")))
    del trimmed
    t_lines = _take(lines, t_cand)
    kind[t_cand[_mask(pc.match_substring_regex(t_lines, TRANS_RE))]] = _T
    v_lines = _take(lines, v_cand)
    v_ok = _mask(pc.match_substring_regex(v_lines, VER_RE))
    v_open = _mask(pc.ends_with(pc.ascii_rtrim(v_lines, " \t\r\n"), "{"))
    kind[v_cand[v_ok & ~v_open]] = _V
    kind[v_cand[v_ok & v_open]] = _VO

    # vouchers: V O T* C or VO T* C, blank lines anywhere between
    kept = np.flatnonzero(kind != _E)
    seq = kind[kept]
    m = len(seq)
    nxt = np.append(seq[1:], _X)
    first = np.flatnonzero(((seq == _V) & (nxt == _O)) | (seq == _VO))
    body = first + np.where(seq[first] == _V, 2, 1)
    non_t = np.flatnonzero(seq != _T)
    pos = np.searchsorted(non_t, body)
    end = np.where(pos < len(non_t), non_t[np.minimum(pos, max(len(non_t) - 1, 0))], m)
    good = end < m
    good[good] = seq[end[good]] == _C
    first, end = first[good], end[good]
    marks = np.zeros(m + 1, dtype=np.int64)
    marks[first] += 1
    marks[end + 1] -= 1
    covered = np.cumsum(marks[:m]) > 0
    exakta = kept[~covered]
    v_first = kept[first]
    v_open_line = np.where(seq[first] == _V, kept[np.minimum(first + 1, m - 1)], -1)

    # the #VER fields: #VER serie vernr datum [text …] [{]
    v_sel = np.searchsorted(v_cand, v_first)
    v_take = v_lines if len(v_sel) == len(v_cand) else _take(v_lines, v_sel)
    values, lo, n = _parts(
        pc.ascii_split_whitespace(pc.ascii_trim(v_take, " \t\r\n"), max_splits=4)
    )
    nv = len(v_first)
    v_text = _blank(nv)
    has = np.flatnonzero(n > 4)
    if len(has):
        rest = _take(values, lo[has] + 4)
        texts = np.flatnonzero(~_mask(pc.starts_with(rest, "{")))
        if len(texts):
            v_text = _spread(_text(_take(rest, texts)), has[texts], nv)
    ver = Snabbver(
        forsta=v_first + base,
        sista=kept[end] + base,
        oppna=np.where(v_open_line >= 0, v_open_line + base, -1),
        serie=pc.ascii_trim(_take(values, lo + 1), '"'),
        vernr=pc.ascii_trim(_take(values, lo + 2), '"'),
        datum=_take(values, lo + 3),
        text=v_text,
    )

    # the #TRANS rows of the vouchers: #TRANS konto {…} belopp [datum [text …]]
    t_rows = kept[covered & (seq == _T)]
    t_pos = np.searchsorted(t_cand, t_rows)
    tl = t_lines if len(t_pos) == len(t_cand) else _take(t_lines, t_pos)
    lo = _offsets(tl)
    tbuf = tl.buffers()[2]
    cb = _find(tl, "}")
    tail = pc.ascii_trim(rader_i(tbuf, lo[:-1] + cb + 1, lo[1:]), " \t\r\n")
    values, plo, pn = _parts(pc.ascii_split_whitespace(tail, max_splits=2))
    has_date = np.flatnonzero(pn > 1)
    has_text = np.flatnonzero(pn > 2)
    rader = Snabbrader(
        rad=t_rows + base,
        ver=(np.searchsorted(v_first, t_rows, side="right") - 1).astype(np.int64),
        huvud=rader_i(tbuf, lo[:-1], lo[:-1] + cb + 1),
        belopp=np.asarray(
            pc.cast(_take(values, plo), pa.float64()).to_numpy(zero_copy_only=False),
            dtype=np.float64,
        ),
        datum=_take(values, plo[has_date] + 1),
        datum_rad=has_date,
        text=_text(_take(values, plo[has_text] + 2)),
        text_rad=has_text,
    )
    return exakta.astype(np.int64) + base, ver, rader


def _spread(values: pa.Array, at: Idx, n: int) -> pa.Array:
    """``n`` strings: ``values[i]`` at ``at[i]``, ``""`` elsewhere."""
    pick = np.full(n, len(values), dtype=np.int64)
    pick[at] = np.arange(len(values))
    return _take(pa.concat_arrays([values, _blank(1)]), pick)


def _blank(n: int) -> pa.Array:
    """``n`` empty strings."""
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(np.zeros(n + 1, dtype=np.int64)), pa.py_buffer(b"")
    )
