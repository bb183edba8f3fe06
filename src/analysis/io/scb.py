"""Read SCB's own table exports (Statistikdatabasen, PxWeb) into the contract's long format.

Statistikdatabasen exports a table as a CSV that is *wide by year*: one column per
dimension (``region``, ``ålder``, ``kön`` …) and one column per year, e.g.::

    "Folkmängden efter region, ålder, kön och år"

    "region","ålder","kön","2019","2020"
    "2580 Luleå","0 år","män",409,400
    "2580 Luleå","100+ år","kvinnor",12,14

Supported (see the functions for the details of each table):

* encoding UTF-8 (with or without BOM) or Windows-1252; delimiter ``,``, ``;`` or tab;
  quoted or unquoted fields;
* any number of title or comment lines above the header (the header is the first line
  with text columns followed by year columns); a blank line after the data ends the
  table (SCB's footnotes below it are ignored);
* year columns ``2019`` (annual) or ``2019M01`` (monthly: the folkmängd at the end of the
  month, the flows during it) — the result then has a ``manad`` column;
* ``kön``: 'män'/'pojkar' → 'M', 'kvinnor'/'flickor' → 'K'; total rows ('totalt',
  'samtliga', 'båda könen') are skipped;
* ``ålder``: '0 år', '45 år', '100+ år' (→ 100), '-14 år' (→ 14), '49+ år' (→ 49);
  total rows ('totalt ålder', 'totalt', 'samtliga åldrar') are skipped;
* ``region``: when the file holds several regions, choose one with ``region=`` (code
  '2580', name 'Luleå' or the full '2580 Luleå');
* values: integers, optionally with spaces as thousands separators; '-' is 0. SCB's
  '..' (not available) and other text are errors.

The file is read, decoded and split by :mod:`analysis.io.readers` (:func:`read_bytes`:
a regular file only, never a symbolic link; :func:`decode`: the encodings above, UTF-16
with BOM too, and a file that mixes encodings is refused; :func:`split_line`), so an SCB
export is read exactly as every other input file.

Every problem in the file is an :class:`analysis.core.errors.InputError` naming the file,
the line (as a text editor counts it) and the column; a ``region`` the file does not hold
(or none, when it holds several) is an :class:`analysis.core.errors.ArgumentError`.

Wired in: a file of ``befolkning/`` named like one of the contract's population kinds
(``folkmangd*.csv``, ``fodda*``, ``doda*``, ``flyttningar*``; ``.csv`` or ``.txt``) whose
header has year columns is read here (:func:`wide_table`) instead of as the contract's
long file. The layout is told from the header, never from the name: a file whose header
holds the kind's long columns (``ar``, ``kon`` …) is the contract's long file. The result
is handed to the contract's parser as a :class:`analysis.io.readers.RawTable` of the
contract's columns, so an SCB export gives exactly the frame of the long file with the
same figures, and every check of the contract applies to it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import ArgumentError, InputError, Problem
from analysis.io.readers import RawTable, decode, normalise_column, read_bytes, split_line

__all__ = [
    "TABLES",
    "is_wide",
    "read_scb_doda",
    "read_scb_flyttningar",
    "read_scb_fodda",
    "read_scb_folkmangd",
    "read_scb_table",
    "wide_table",
]

_YEAR = re.compile(r"^(\d{4})(?:M(\d{2}))?$")
_AGE = re.compile(r"^-?\s*(\d{1,3})\s*(?:\+|-\s*)?\s*(?:år)?\s*(?:\+)?$")
_SEX = {
    "män": "M",
    "man": "M",
    "pojkar": "M",
    "pojke": "M",
    "m": "M",
    "kvinnor": "K",
    "kvinna": "K",
    "flickor": "K",
    "flicka": "K",
    "k": "K",
}
_TOTALS = {
    "totalt",
    "total",
    "samtliga",
    "båda könen",
    "totalt ålder",
    "samtliga åldrar",
    "ålder totalt",
    "totalt kön",
    "summa",
}
_MAX_AGE = 100


# --------------------------------------------------------------------------------------
# generic wide table
# --------------------------------------------------------------------------------------
def _lines(path: Path, name: str, root: str | Path | None = None) -> list[str]:
    """The file's text lines (``\n``, ``\r\n`` or ``\r``), decoded as every input file is."""
    body, _ = decode(read_bytes(path, name, root), name)
    return body.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _wide_header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and fields of ``line`` if it is a wide header (text columns followed
    by year columns), else None."""
    best: tuple[str, list[str]] | None = None
    for delim in (",", ";", "\t"):
        fields = [f.strip() for f in split_line(line, delim)]
        if len(fields) < 2:
            continue
        years = [bool(_YEAR.match(f)) for f in fields]
        n_dims = years.index(True) if True in years else len(fields)
        if 0 < n_dims < len(fields) and all(years[n_dims:]):
            if best is None or len(fields) > len(best[1]):
                best = (delim, fields)
    return best


def _header(lines: list[str], name: str) -> tuple[int, str, list[str]]:
    """Index of the header line, the delimiter and the header fields."""
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        found = _wide_header(line)
        if found is not None:
            return i, found[0], found[1]
    raise InputError(
        Problem(
            file=name,
            message=(
                'hittade ingen rubrikrad med årskolumner (t.ex. "region","ålder","kön",'
                '"2019","2020"); är filen en tabell från SCB:s statistikdatabas, exporterad '
                "som CSV med år som kolumner?"
            ),
        )
    )


def _value(text: str, name: str, line: int, column: str) -> float:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t == "-":
        return 0.0
    try:
        v = float(int(t))
    except ValueError:
        what = "'..' betyder att SCB saknar uppgiften" if t == ".." else f"fann {text!r}"
        raise InputError(
            Problem(
                file=name, line=line, column=column, message=(f"förväntade ett heltal ≥ 0; {what}.")
            )
        ) from None
    if v < 0:
        raise InputError(
            Problem(
                file=name,
                line=line,
                column=column,
                message=(f"förväntade ett heltal ≥ 0; fann {text!r}."),
            )
        )
    return v


def read_scb_table(
    path: str | Path, name: str | None = None, root: str | Path | None = None
) -> pd.DataFrame:
    """Read an SCB wide CSV into a long frame, without interpreting the dimensions.

    Parameters
    ----------
    path : str or pathlib.Path
    name : str, optional
        The file's name in messages (default: its file name).
    root : str or pathlib.Path, optional
        The folder the file must lie in (``data/raw``), as for every input file.

    Returns
    -------
    pandas.DataFrame
        One column per dimension (the header's names, lower-case and stripped, values
        stripped strings), ``ar``, ``manad`` (only for monthly columns), ``antal`` and
        ``_rad`` (the file line of the value, for error messages).

    Raises
    ------
    analysis.core.errors.InputError
        If the file cannot be read, has no header with year columns, a row with the wrong
        number of fields or a value that is not a whole number ≥ 0.
    """
    path = Path(path)
    name = name if name is not None else path.name
    lines = _lines(path, name, root)
    h, delim, header = _header(lines, name)
    # (column, year, month or None) of every year column; _header found at least one
    years = [
        (j, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
        for j, m in enumerate(_YEAR.match(f) for f in header)
        if m is not None
    ]
    dims = [f.lower() for f in header[: years[0][0]]]
    monthly = any(month is not None for _, _, month in years)
    records: list[tuple[object, ...]] = []
    for i in range(h + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            break
        fields = split_line(line, delim)
        if len(fields) != len(header):
            raise InputError(
                Problem(
                    file=name,
                    line=i + 1,
                    message=(f"raden har {len(fields)} fält men rubrikraden {len(header)}."),
                )
            )
        keys = tuple(f.strip() for f in fields[: len(dims)])
        for j, year, month in years:
            records.append((*keys, year, month, _value(fields[j], name, i + 1, header[j]), i + 1))
    out = pd.DataFrame(records, columns=[*dims, "ar", "manad", "antal", "_rad"])
    if out.empty:
        raise InputError(Problem(file=name, line=h + 2, message="tabellen har inga rader."))
    if not monthly:
        out = out.drop(columns="manad")
    out.attrs["file"] = name
    out.attrs["delimiter"] = delim
    out.attrs["header"] = header
    return out


# --------------------------------------------------------------------------------------
# dimensions
# --------------------------------------------------------------------------------------
def _find_optional(df: pd.DataFrame, words: tuple[str, ...]) -> str | None:
    """The first dimension column whose name holds one of ``words``, or None."""
    for c in _dimensions(df):
        if any(w in c for w in words):
            return c
    return None


def _dimensions(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns if c not in ("ar", "manad", "antal", "_rad")]


def _find(df: pd.DataFrame, words: tuple[str, ...], what: str) -> str:
    """The dimension column for ``what``; an :class:`InputError` when the table has none."""
    found = _find_optional(df, words)
    if found is not None:
        return found
    dims = _dimensions(df)
    raise InputError(
        Problem(
            file=df.attrs.get("file", "?"),
            line=None,
            message=(f"kolumn för {what} saknas; tabellens kolumner: {', '.join(dims)}."),
        )
    )


def _is_total(value: str) -> bool:
    v = value.strip().lower()
    return v in _TOTALS or v.startswith("totalt") or v.startswith("samtliga")


def _problem(df: pd.DataFrame, rows: pd.Series, column: str, message: str) -> InputError:
    name = df.attrs.get("file", "?")
    problems = [
        Problem(file=name, line=int(r), column=column, message=message)
        for r in df.loc[rows, "_rad"].drop_duplicates().head(20)
    ]
    return InputError(problems)


def _select_region(df: pd.DataFrame, region: str | None) -> pd.DataFrame:
    col = _find_optional(df, ("region", "kommun"))
    if col is None:
        return df
    values = pd.unique(df[col])
    if region is None:
        if len(values) > 1:
            raise ArgumentError(
                "region",
                (
                    f"filen {df.attrs.get('file', '?')} har flera regioner "
                    f"({', '.join(map(str, values[:10]))}); ange vilken med region=."
                ),
            )
        return df.drop(columns=col)
    want = str(region).strip().lower()

    def matches(v: str) -> bool:
        v = v.strip().lower()
        code, _, namn = v.partition(" ")
        return want in (v, code, namn.strip())

    keep = df[col].map(matches)
    if not keep.any():
        raise ArgumentError(
            "region",
            (
                f"regionen {region!r} finns inte i {df.attrs.get('file', '?')}; kända värden: "
                f"{', '.join(map(str, values[:20]))}."
            ),
        )
    out = df[keep].drop(columns=col)
    out.attrs = df.attrs
    return out


def _sex(df: pd.DataFrame, col: str) -> pd.DataFrame:
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    kon = df[col].str.strip().str.lower().map(_SEX)
    bad = kon.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänt kön {', '.join(map(repr, unknown[:10]))}; kända värden: 'män', "
                "'kvinnor' (även 'pojkar', 'flickor', 'M', 'K')."
            ),
        )
    df["kon"] = kon
    return df


def _age(df: pd.DataFrame, col: str, target: str, cap: int | None) -> pd.DataFrame:
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    parsed = df[col].str.strip().str.lower().str.extract(_AGE)[0]
    bad = parsed.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänd ålder {', '.join(map(repr, unknown[:10]))}; förväntade t.ex. '0 år', "
                "'45 år', '100+ år'."
            ),
        )
    ages = parsed.astype(int)
    if cap is not None:
        ages = ages.clip(upper=cap)
    df[target] = ages
    return df


def _finish(df: pd.DataFrame, columns: list[str], lines: bool = False) -> pd.DataFrame:
    """Sum ``antal`` by the year (and month) and ``columns``; with ``lines`` keep ``_rad``,
    the first file line of each group."""
    keys = ["ar", "manad"] if "manad" in df.columns else ["ar"]
    group = keys + [c for c in columns if c not in keys + ["antal"]]
    aggs: dict[str, tuple[str, str]] = {"antal": ("antal", "sum")}
    if lines:
        aggs["_rad"] = ("_rad", "min")
    out = df.groupby(group, as_index=False, sort=True).agg(**aggs)
    if out.empty:
        raise InputError(
            Problem(
                file=df.attrs.get("file", "?"),
                message=("inga rader kvar efter att summeringsrader (totalt) tagits bort."),
            )
        )
    out["ar"] = out["ar"].astype("int64")
    if "manad" in out.columns:
        out["manad"] = out["manad"].astype("int64")
    extra = ["_rad"] if lines else []
    return out[keys + [c for c in columns if c not in keys] + extra].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# the four population tables
# --------------------------------------------------------------------------------------
def read_scb_folkmangd(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Folkmängd from an SCB export (e.g. BE0101N1 "Folkmängden efter region, ålder, kön
    och år").

    Parameters
    ----------
    path : str or pathlib.Path
    region : str, optional
        Needed when the file has several regions: code, name or both.

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad`` for monthly columns), ``kon`` ('K'/'M'), ``alder`` (0–100,
        100 = 100 and older), ``antal``: the contract's ``folkmangd`` format.

    Raises
    ------
    analysis.core.errors.InputError
    """
    return _folkmangd(_select_region(read_scb_table(path), region))


def _folkmangd(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "ålder"), "alder", _MAX_AGE)
    return _finish(df, ["kon", "alder", "antal"], lines)


def read_scb_doda(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Döda from an SCB export (e.g. BE0101D9 "Döda efter region, ålder (uppnådd ålder
    under året) och kön").

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``kon``, ``alder`` (100 = 100+), ``antal``.
    """
    return _folkmangd(_select_region(read_scb_table(path), region))  # same dimensions


def read_scb_fodda(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Födda from an SCB export (e.g. BE0101E2 "Levande födda efter region, moderns ålder
    och barnets kön").

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``moderns_alder`` ('-14 år' → 14, '49+ år' → 49), ``kon``
        (the child's), ``antal``.

    Raises
    ------
    analysis.core.errors.InputError
        Also when the table has no column for the mother's age or the child's sex (both
        are needed by the contract).
    """
    return _fodda(_select_region(read_scb_table(path), region))


def _fodda(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "barnets kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "moderns ålder"), "moderns_alder", None)
    return _finish(df, ["moderns_alder", "kon", "antal"], lines)


#: Keywords of the flow column of a migration table: (riktning, omrade) by substring.
_FLOW_AREAS = (
    ("inom län", "inom_lanet"),
    ("inomläns", "inom_lanet"),
    ("annat län", "annat_lan"),
    ("andra län", "annat_lan"),
    ("övriga län", "annat_lan"),
    ("länsgräns", "annat_lan"),
    ("utland", "utlandet"),
    ("invandr", "utlandet"),
    ("utvandr", "utlandet"),
)


def _flow(value: str) -> tuple[str, str] | None:
    v = value.strip().lower()
    if "invandr" in v:
        return ("in", "utlandet")
    if "utvandr" in v:
        return ("ut", "utlandet")
    riktning = "in" if "inflytt" in v else "ut" if "utflytt" in v else None
    omrade = next((o for key, o in _FLOW_AREAS if key in v), None)
    if omrade is None and "inrikes" in v:
        omrade = "inrikes"  # SCB's BE0101 tables: domestic moves, not split by län
    if riktning is None or omrade is None:
        return None
    return riktning, omrade


def read_scb_flyttningar(path: str | Path, region: str | None = None) -> pd.DataFrame:
    """Flyttningar from an SCB export with one column for the kind of flow.

    The table needs, besides ``ålder`` and ``kön``, one more dimension column (SCB's
    ``tabelluppgift``, or e.g. ``flyttning``) whose values name direction and area:

    * 'invandringar' → in, utlandet; 'utvandringar' → ut, utlandet;
    * values with 'inflytt'/'utflytt' and 'inom län'/'inomläns' → inom_lanet, with
      'annat län'/'andra län'/'övriga län'/'länsgräns' → annat_lan, with 'utland' →
      utlandet (e.g. 'inflyttningar från annat län', 'utflyttningar inom länet');
    * 'inrikes inflyttningar'/'inrikes utflyttningar' (SCB's BE0101 tables, which do not
      split domestic moves by län) → inrikes;
    * totals and aggregates ('totalt …', 'flyttnetto …', plain 'inflyttningar', which
      SCB counts with the invandringar) are **errors**, not skipped, unless they are
      total rows ('totalt', 'samtliga'): export the parts, not their sum, so that
      nothing is counted twice. A year with both 'inrikes' and the län split is refused
      by the contract's parser for the same reason.

    Returns
    -------
    pandas.DataFrame
        ``ar``, (``manad``), ``kon``, ``alder`` (100 = 100+), ``riktning``, ``omrade``,
        ``antal``.
    """
    return _flyttningar(_select_region(read_scb_table(path), region))


def _flyttningar(df: pd.DataFrame, lines: bool = False) -> pd.DataFrame:
    df = _sex(df, _find(df, ("kön",), "kön"))
    df = _age(df, _find(df, ("ålder", "alder"), "ålder"), "alder", _MAX_AGE)
    age_col = _find(df, ("ålder", "alder"), "ålder")
    sex_col = _find(df, ("kön",), "kön")
    dims = [
        c
        for c in df.columns
        if c not in ("ar", "manad", "antal", "_rad", "kon", "alder", age_col, sex_col)
    ]
    if len(dims) != 1:
        raise InputError(
            Problem(
                file=df.attrs.get("file", "?"),
                message=(
                    "flyttningstabellen behöver exakt en kolumn för flyttningens slag (t.ex. "
                    f"'tabelluppgift'); fann {', '.join(dims) or 'ingen'}."
                ),
            )
        )
    col = dims[0]
    attrs = df.attrs
    df = df[~df[col].map(_is_total)].copy()
    df.attrs = attrs
    mapped = df[col].map(_flow)
    bad = mapped.isna()
    if bad.any():
        unknown = sorted(set(df.loc[bad, col]))
        raise _problem(
            df,
            bad,
            col,
            (
                f"okänt slag av flyttning {', '.join(map(repr, unknown[:10]))}; kända: "
                "'invandringar', 'utvandringar', 'inrikes inflyttningar', 'inrikes "
                "utflyttningar', 'inflyttningar inom länet', 'utflyttningar inom länet', "
                "'inflyttningar från annat län', 'utflyttningar till annat län'."
            ),
        )
    df["riktning"] = [m[0] for m in mapped]
    df["omrade"] = [m[1] for m in mapped]
    return _finish(df, ["kon", "alder", "riktning", "omrade", "antal"], lines)


# --------------------------------------------------------------------------------------
# wired into the contract's loader
# --------------------------------------------------------------------------------------
#: The contract's population kinds an SCB export can stand in for: the dimension columns
#: of the long file (besides ``ar``, ``manad`` and ``antal``) and the reader.
TABLES: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame, bool], pd.DataFrame]]] = {
    "folkmangd": (("kon", "alder"), _folkmangd),
    "doda": (("kon", "alder"), _folkmangd),
    "fodda": (("moderns_alder", "kon"), _fodda),
    "flyttningar": (("kon", "alder", "riktning", "omrade"), _flyttningar),
}

#: How many non-blank lines above the header an SCB export may have (title, notes).
_MAX_TITLE_LINES = 30


def is_wide(lines: list[str], long_columns: tuple[str, ...]) -> bool:
    """Whether the text ``lines`` are an SCB wide table rather than a long file.

    The first non-blank line that is either a long header (its normalised fields hold
    every name in ``long_columns``) or a wide header (text columns, then year columns)
    decides; title lines above it are skipped, at most a few dozen. A long file's data
    rows are never looked at, so a long row such as ``K,2019,1000`` is not mistaken for
    a header.
    """
    seen = 0
    want = set(long_columns)
    for line in lines:
        if not line.strip():
            continue
        for delim in (",", ";", "\t"):
            if want <= {normalise_column(f) for f in split_line(line, delim)}:
                return False
        if _wide_header(line) is not None:
            return True
        seen += 1
        if seen >= _MAX_TITLE_LINES:
            return False
    return False


def wide_table(
    kind: str, path: str | Path, display: str, root: str | Path | None = None
) -> RawTable | None:
    """The SCB export at ``path`` as the contract's long table of ``kind``, or None when
    the file is not an SCB wide table (then it is read as the contract's long file).

    Only ``.csv`` and ``.txt`` files are looked at. The cells are the contract's
    columns as text (``ar``, ``manad`` for monthly columns, the dimensions of
    :data:`TABLES` and ``antal``), each row with the file line of its first value, so
    the contract's parser gives the frame of the long file with the same figures.

    Raises
    ------
    analysis.core.errors.InputError
        Naming ``display``, the line and the column of every problem; also when the file
        holds several regions (one kommun per file).
    """
    if kind not in TABLES:
        raise ArgumentError("kind", f"okänt slag {kind!r}; kända: {', '.join(TABLES)}.")
    path = Path(path)
    if not path.name.lower().endswith((".csv", ".txt")):
        return None
    lines = _lines(path, display, root)
    dims, reader = TABLES[kind]
    if not is_wide(lines, ("ar", *dims, "antal")):
        return None
    df = read_scb_table(path, display, root)
    header: list[str] = df.attrs["header"]
    delimiter: str = df.attrs["delimiter"]
    try:
        df = _select_region(df, None)
    except ArgumentError as e:
        raise InputError(
            Problem(
                file=display,
                column=_find_optional(df, ("region", "kommun")),
                message=(
                    f"{e.message.rstrip('.')}; en fil ska bara innehålla en kommun — "
                    "exportera tabellen från SCB med en region."
                ),
            )
        ) from None
    long = reader(df, True)
    columns = ["ar", *(["manad"] if "manad" in long.columns else []), *dims, "antal"]
    data = pd.DataFrame(
        {
            c: long[c].astype("int64").astype(str)
            if pd.api.types.is_numeric_dtype(long[c])
            else long[c].astype(str)
            for c in columns
        }
    )
    year_columns = [f for f in header if _YEAR.match(f)]
    original = {normalise_column(f): f for f in header if not _YEAR.match(f)}
    named = {
        "ar": f"årskolumnen ({year_columns[0]}–{year_columns[-1]})",
        "manad": f"årskolumnen ({year_columns[0]}–{year_columns[-1]})",
        "antal": f"årskolumnen ({year_columns[0]}–{year_columns[-1]})",
        "kon": _original(original, ("kon",)),
        "alder": _original(original, ("alder",)),
        "moderns_alder": _original(original, ("alder",)),
        "riktning": _original(original, ("tabelluppgift", "flyttning")),
        "omrade": _original(original, ("tabelluppgift", "flyttning")),
    }
    return RawTable(
        file=display,
        columns=columns,
        original={c: named[c] or c for c in columns},
        data=data.reset_index(drop=True),
        lines=long["_rad"].to_numpy(dtype=np.int64),
        encoding=None,
        delimiter=delimiter,
        header_line=int(long["_rad"].min()) - 1 if len(long) else 1,
    )


def _original(original: dict[str, str], words: tuple[str, ...]) -> str | None:
    """The header's own spelling of the first column whose normalised name holds a word."""
    for key, spelt in original.items():
        if any(w in key for w in words):
            return spelt
    return None
