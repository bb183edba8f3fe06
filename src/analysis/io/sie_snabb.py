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
from typing import Any

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
    "falt_ur",
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
    datum: Idx  # the dates of the rows datum_rad as yyyymmdd (−1 for '""')
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
    step = 1 << 24  # in pieces: no boolean copy of the whole text
    breaks = np.concatenate(
        [np.flatnonzero(arr[i : i + step] == 10) + i for i in range(0, len(arr), step)]
        or [np.zeros(0, np.int64)]
    )
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


#: Lines of at most this many bytes are looked at for blank, ``{`` and ``}`` lines.
_KORT = 64

#: Files of at least this many lines are planned in parts, on two threads.
DELA_FRAN = 400_000


def falt(text: str) -> Snabb | None:
    """Plan the fast path for a decoded SIE text: :func:`falt_ur` of ``[text]``."""
    return falt_ur([text])


def falt_ur(box: list[str]) -> Snabb | None:
    """Plan the fast path for the decoded SIE text in ``box`` (see the module
    docstring); ``None`` when the whole file is for the exact reader. The text is taken
    out of ``box`` once it is encoded (it is left there when the result is ``None``).

    A large file is cut before lines that start with ``#VER`` (no voucher the fast
    path takes can span such a line) into parts of about ``DELA_FRAN / 2`` lines, which
    are planned on two threads (pyarrow's and numpy's kernels release the interpreter
    lock); small parts keep the working arrays small.
    """
    split = dela(box[0])
    if split is None:
        return None
    box.clear()  # the text is now held as UTF-8 only (unless the caller keeps it)
    data, start = split
    n_lines = len(start) - 1
    lines = pa.LargeStringArray.from_buffers(n_lines, pa.py_buffer(start), pa.py_buffer(data))
    cuts = [0]
    if n_lines >= DELA_FRAN:
        # parts of about half DELA_FRAN lines: their working arrays stay small
        step = max(DELA_FRAN // 2, 1)
        for target in range(step, n_lines, step):
            for i in range(max(target, cuts[-1] + 1), min(target + 10_000, n_lines)):
                if data.startswith(b"#VER", int(start[i])):
                    cuts.append(i)
                    break
    cuts.append(n_lines)
    if len(cuts) == 2:
        exakta, ver, rader = _plan(lines, 0, data, start)
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(
                pool.map(
                    lambda a, b: _plan(lines.slice(a, b - a), a, data, start),
                    cuts[:-1],
                    cuts[1:],
                )
            )
        exakta, ver, rader = _join(parts)
        del parts
    return Snabb(data=data, start=start, exakta=exakta, ver=ver, rader=rader)


def _join(parts: list[tuple[Idx, Snabbver, Snabbrader]]) -> tuple[Idx, Snabbver, Snabbrader]:
    """The plans of consecutive parts of a file as one. Empties ``parts``: each field is
    let go of as soon as it is joined, so the parts and the whole are not all held at
    once."""
    v_base = np.cumsum([0] + [len(p[1].forsta) for p in parts[:-1]])
    r_base = np.cumsum([0] + [len(p[2].rad) for p in parts[:-1]])
    exakta = np.concatenate([p[0] for p in parts])
    vers = [dict(vars(p[1])) for p in parts]
    rows = [dict(vars(p[2])) for p in parts]
    parts.clear()

    def whole(items: list[dict[str, Any]], name: str, shift: Idx | None = None) -> Any:
        got: list[Any] = [d.pop(name) for d in items]
        if isinstance(got[0], pa.Array):
            return pa.concat_arrays(got)
        if shift is not None:
            got = [g + b for g, b in zip(got, shift, strict=True)]
        return np.concatenate(got)

    ver = Snabbver(**{f: whole(vers, f) for f in Snabbver.__dataclass_fields__})
    shifts = {"ver": v_base, "datum_rad": r_base, "text_rad": r_base}
    rader = Snabbrader(
        **{f: whole(rows, f, shifts.get(f)) for f in Snabbrader.__dataclass_fields__}
    )
    return exakta, ver, rader


def _plan(lines: pa.Array, base: int, data: bytes, start: Idx) -> tuple[Idx, Snabbver, Snabbrader]:
    """Plan the lines ``lines`` (the file's lines from ``base`` on); line indices in the
    result count from the file's start."""
    n_lines = len(lines)
    kind = np.full(n_lines, _X, dtype=np.int8)
    # blank, "{" and "}" lines among the short ones (a longer one is read exactly)
    line_no = np.arange(base, base + n_lines)
    short = np.flatnonzero(start[line_no + 1] - start[line_no] <= _KORT)
    trimmed = pc.ascii_ltrim(_take(lines, short), " \t")
    values = ["", "\n", "\r\n", "{", "{\n", "{\r\n", "}", "}\n", "}\r\n"]
    which = pc.index_in(trimmed, value_set=pa.array(values, pa.large_string()))
    found = np.asarray(which.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)
    hit = found >= 0
    kind[short[hit]] = np.array([_E, _O, _C], dtype=np.int8)[found[hit] // 3]
    del trimmed, line_no
    # candidates: a line holding the label (the anchored regex below proves that it
    # starts the line after blanks); no copy of the lines
    t_cand = np.flatnonzero(_find(lines, "#TRANS") >= 0)
    v_cand = np.flatnonzero(_find(lines, "#VER") >= 0)
    t_lines = _take(lines, t_cand)
    t_ok = _mask(pc.match_substring_regex(t_lines, TRANS_RE))
    kind[t_cand[t_ok]] = _T
    # the position of each candidate's first "}" (its object list's end)
    t_cb = _find(t_lines, "}")
    del t_lines
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

    # the #TRANS rows of the vouchers: #TRANS konto {…} belopp [datum [text …]], cut
    # out of the bytes by position (the regex has proved the grammar)
    t_rows = kept[covered & (seq == _T)]
    arr = np.frombuffer(data, dtype=np.uint8)
    buf = pa.py_buffer(data)
    lo = start[t_rows + base]
    stop = _content_end(arr, lo, start[t_rows + base + 1])
    cb = t_cb[np.searchsorted(t_cand, t_rows)]
    a0 = _skip(arr, lo + cb + 1, stop, _WS)
    a_end = _field_end(buf, a0, stop)
    belopp = np.asarray(
        pc.cast(rader_i(buf, a0, a_end), pa.float64()).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )
    has_date = np.flatnonzero(a_end < stop)
    d0 = _skip(arr, a_end[has_date], stop[has_date], _WS)
    empty = arr[d0] == 34  # '""'
    d_end = d0 + np.where(empty, 2, 8)
    datum = _digits(arr, d0, 8)
    datum[empty] = -1
    more = d_end < stop[has_date]
    has_text = has_date[more]
    t0 = _skip(arr, d_end[more], stop[has_text], _WS)
    rader = Snabbrader(
        rad=t_rows + base,
        ver=(np.searchsorted(v_first, t_rows, side="right") - 1).astype(np.int64),
        huvud=rader_i(buf, lo, lo + cb + 1),
        belopp=belopp,
        datum=datum,
        datum_rad=has_date,
        text=_row_text(arr, buf, t0, stop[has_text]),
        text_rad=has_text,
    )
    return exakta.astype(np.int64) + base, ver, rader


#: Space and tab, the separators of the fields.
_WS = np.zeros(256, dtype=bool)
_WS[[9, 32]] = True


def _content_end(arr: npt.NDArray[np.uint8], lo: Idx, hi: Idx) -> Idx:
    """The end of each (non-empty) line ``arr[lo:hi]`` without its line break and
    trailing blanks."""
    end = hi.copy()
    for byte in (10, 13):
        end -= (end > lo) & (arr[np.maximum(end - 1, 0)] == byte)
    act = np.flatnonzero(_WS[arr[np.maximum(end - 1, 0)]] & (end > lo))
    while len(act):
        end[act] -= 1
        act = act[end[act] > lo[act]]
        act = act[_WS[arr[end[act] - 1]]]
    return end


def _skip(arr: npt.NDArray[np.uint8], pos: Idx, stop: Idx, accept: npt.NDArray[np.bool_]) -> Idx:
    """The first position from ``pos`` on (before ``stop``) whose byte ``accept`` rejects."""
    pos = pos.copy()
    act = np.flatnonzero(pos < stop)
    while len(act):
        act = act[accept[arr[pos[act]]]]
        pos[act] += 1
        act = act[pos[act] < stop[act]]
    return pos


def _digits(arr: npt.NDArray[np.uint8], pos: Idx, width: int) -> Idx:
    """The numbers written by the ``width`` ASCII digits at ``pos``."""
    value = np.zeros(len(pos), dtype=np.int64)
    for k in range(width):
        value = value * 10 + (arr[np.minimum(pos + k, len(arr) - 1)].astype(np.int64) - 48)
    return value


def _field_end(buf: pa.Buffer, pos: Idx, stop: Idx) -> Idx:
    """The end of the field at ``pos``: its first space or tab, else ``stop``."""
    rest = rader_i(buf, pos, stop)
    end = stop.copy()
    for blank in (" ", "\t"):
        at = _find(rest, blank)
        hit = np.flatnonzero(at >= 0)
        end[hit] = np.minimum(end[hit], pos[hit] + at[hit])
    return end


def _row_text(arr: npt.NDArray[np.uint8], buf: pa.Buffer, pos: Idx, stop: Idx) -> pa.Array:
    """The value of the text at ``pos`` (a validated bare word, or a quoted string
    without quote or backslash inside), as :func:`_text` gives it."""
    quoted = np.zeros(len(pos), dtype=bool)
    quoted[pos < stop] = arr[pos[pos < stop]] == 34
    first = pos + quoted
    end = np.empty(len(pos), dtype=np.int64)
    q = np.flatnonzero(quoted)
    end[q] = first[q] + _find(rader_i(buf, first[q], stop[q]), '"')
    b = np.flatnonzero(~quoted)
    end[b] = _field_end(buf, pos[b], stop[b])
    return rader_i(buf, first, end)


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
